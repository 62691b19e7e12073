"""The web front: an HTML page that shows what the API answers."""
import json
import os
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

API = os.environ["API_URL"]


class Handler(BaseHTTPRequestHandler):
    def do_GET(self):
        with urllib.request.urlopen(f"{API}/", timeout=2) as r:
            answer = json.load(r)
        page = (f"<html><body><h1>{answer['greeting']}</h1>"
                f"<p>visit number {answer['visits']}, served by {answer['served_by']}</p>"
                "</body></html>\n").encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(page)))
        self.end_headers()
        self.wfile.write(page)

    def log_message(self, fmt, *args):
        print("web:", fmt % args, flush=True)


print("web listening on :80", flush=True)
ThreadingHTTPServer(("0.0.0.0", 80), Handler).serve_forever()
