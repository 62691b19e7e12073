"""A tiny JSON key-value store over HTTP: GET /kv/<key>, PUT /kv/<key>, GET /health."""
import json
import os
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

PATH = os.environ.get("DB_FILE", "/tmp/store.json")


def load():
    try:
        with open(PATH) as f:
            return json.load(f)
    except FileNotFoundError:
        return {}


class Handler(BaseHTTPRequestHandler):
    def reply(self, code, body):
        data = json.dumps(body).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        if self.path == "/health":
            return self.reply(200, {"ok": True})
        key = self.path.removeprefix("/kv/")
        store = load()
        if key in store:
            return self.reply(200, {key: store[key]})
        self.reply(404, {"error": f"no key {key}"})

    def do_PUT(self):
        key = self.path.removeprefix("/kv/")
        value = self.rfile.read(int(self.headers.get("Content-Length", 0))).decode()
        store = load()
        store[key] = value
        with open(PATH + ".tmp", "w") as f:
            json.dump(store, f)
        os.replace(PATH + ".tmp", PATH)
        self.reply(200, {key: value})

    def log_message(self, fmt, *args):
        print("db:", fmt % args, flush=True)


print("db listening on :5432", flush=True)
ThreadingHTTPServer(("0.0.0.0", 5432), Handler).serve_forever()
