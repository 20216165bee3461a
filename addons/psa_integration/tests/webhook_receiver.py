"""A real HTTP receiver on loopback for the outbound tests.

It checks each signature with its own implementation of the Standard Webhooks
scheme (not the addon's), dedups by webhook-id as a careful receiver does, and
can answer an error, hang or drop the connection on demand.
"""

import base64
import hashlib
import hmac
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def independent_signature(secret, msg_id, timestamp, body):
    key = secret.encode()
    if secret.startswith("whsec_"):
        key = base64.b64decode(secret.split("_", 1)[1])
    mac = hmac.new(key, f"{msg_id}.{timestamp}.".encode() + body, hashlib.sha256)
    return "v1," + base64.b64encode(mac.digest()).decode()


class WebhookReceiver:
    """``mode``: "ok", "error" (500), "gone" (410), "hang" (sleeps
    ``hang_seconds``) or "close" (drops the connection without answering)."""

    def __init__(self, secret):
        self.secret = secret
        self.mode = "ok"
        self.hang_seconds = 3.0
        self.delay = 0.0
        self.received = []  # every request: dict(id, valid, body, headers)
        self.lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                receiver._record(self.headers, body)
                mode = receiver.mode
                if receiver.delay:
                    time.sleep(receiver.delay)
                if mode == "close":
                    self.close_connection = True
                    self.connection.shutdown(2)
                    return
                if mode == "hang":
                    time.sleep(receiver.hang_seconds)
                code = {"ok": 204, "error": 500, "gone": 410}.get(mode, 200)
                self.send_response(code)
                self.send_header("Content-Length", "0")
                self.end_headers()

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self):
        return f"http://127.0.0.1:{self.server.server_address[1]}/hook"

    def _record(self, headers, body):
        msg_id = headers.get("webhook-id")
        timestamp = headers.get("webhook-timestamp") or "0"
        expected = independent_signature(self.secret, msg_id or "", timestamp, body)
        with self.lock:
            self.received.append(
                {
                    "id": msg_id,
                    "valid": hmac.compare_digest(
                        expected, headers.get("webhook-signature", "")
                    ),
                    "fresh": abs(time.time() - int(timestamp)) < 300,
                    "body": json.loads(body),
                    "headers": dict(headers),
                }
            )

    def ids(self):
        """Ids in arrival order (with repeats)."""
        with self.lock:
            return [item["id"] for item in self.received]

    def stop(self):
        self.server.shutdown()
        self.server.server_close()
