"""The API: counts visits in the db service, reached by its service name."""
import json
import os
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

DB = os.environ["DB_URL"]
GREETING = os.environ.get("GREETING", "hello")


def db(method, key, value=None):
    req = urllib.request.Request(f"{DB}/kv/{key}", method=method,
                                 data=None if value is None else value.encode())
    try:
        with urllib.request.urlopen(req, timeout=2) as r:
            return json.load(r).get(key)
    except urllib.error.HTTPError as e:
        if e.code == 404:
            return None
        raise


class Handler(BaseHTTPRequestHandler):
    def do_GET(self):
        if self.path == "/health":
            body = {"ok": True}
        else:
            visits = int(db("GET", "visits") or 0) + 1
            db("PUT", "visits", str(visits))
            body = {"greeting": GREETING, "visits": visits, "served_by": os.uname().nodename}
        data = json.dumps(body).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, fmt, *args):
        print("api:", fmt % args, flush=True)


print("api listening on :8000", flush=True)
ThreadingHTTPServer(("0.0.0.0", 8000), Handler).serve_forever()
