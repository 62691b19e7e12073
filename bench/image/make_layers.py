#!/usr/bin/env python3
"""Writes an OCI image layout with LAYERS gzip layers of about MB megabytes each (random bytes,
so compression does not shrink them) plus a busybox layer, tagged TAG: make_layers.py DIR TAG LAYERS MB"""
import gzip, hashlib, io, json, os, sys, tarfile

out, tag, count, mb = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
os.makedirs(f"{out}/blobs/sha256", exist_ok=True)

def blob(data):
    d = hashlib.sha256(data).hexdigest()
    with open(f"{out}/blobs/sha256/{d}", "wb") as f:
        f.write(data)
    return "sha256:" + d

def layer(files):
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w") as t:
        for name, data, mode in files:
            info = tarfile.TarInfo(name)
            info.size, info.mode = len(data), mode
            t.addfile(info, io.BytesIO(data))
    raw = raw.getvalue()
    return raw, gzip.compress(raw, compresslevel=1, mtime=0)

layers = [layer([("bin/busybox", open("/bin/busybox", "rb").read(), 0o755)])]
for i in range(count):
    layers.append(layer([(f"data/layer{i}.bin", os.urandom(mb * 1024 * 1024), 0o644)]))
config = {"architecture": "amd64", "os": "linux", "config": {"Cmd": ["/bin/busybox", "true"]},
          "rootfs": {"type": "layers", "diff_ids": ["sha256:" + hashlib.sha256(r).hexdigest() for r, _ in layers]}}
cb = json.dumps(config).encode()
manifest = {"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
            "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": blob(cb), "size": len(cb)},
            "layers": [{"mediaType": "application/vnd.oci.image.layer.v1.tar+gzip", "digest": blob(g), "size": len(g)}
                       for _, g in layers]}
mb_ = json.dumps(manifest).encode()
index = {"schemaVersion": 2, "manifests": [{"mediaType": "application/vnd.oci.image.manifest.v1+json",
         "digest": blob(mb_), "size": len(mb_), "annotations": {"org.opencontainers.image.ref.name": tag}}]}
with open(f"{out}/index.json", "w") as f:
    json.dump(index, f)
with open(f"{out}/oci-layout", "w") as f:
    f.write('{"imageLayoutVersion":"1.0.0"}')
