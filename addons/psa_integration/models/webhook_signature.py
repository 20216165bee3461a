"""The Standard Webhooks signature scheme (https://www.standardwebhooks.com).

Headers ``webhook-id``, ``webhook-timestamp`` (Unix seconds) and
``webhook-signature: v1,<base64 HMAC-SHA256 of "id.timestamp.body">``. A secret
written ``whsec_<base64>`` is used as the decoded bytes, as the reference
libraries do; any other secret as its UTF-8 bytes.
"""

import base64
import hashlib
import hmac
import secrets

SECRET_PREFIX = "whsec_"
TOLERANCE_SECONDS = 5 * 60


def new_secret():
    """A fresh secret in the scheme's format: 24 random bytes."""
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(24)).decode()


def _key(secret):
    if secret.startswith(SECRET_PREFIX):
        return base64.b64decode(secret[len(SECRET_PREFIX) :])
    return secret.encode()


def sign(secret, msg_id, timestamp, body):
    """The ``webhook-signature`` header value for ``body`` (bytes)."""
    signed = b"%s.%d.%s" % (msg_id.encode(), int(timestamp), body)
    digest = hmac.new(_key(secret), signed, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


def headers(secret, msg_id, timestamp, body):
    return {
        "webhook-id": msg_id,
        "webhook-timestamp": str(int(timestamp)),
        "webhook-signature": sign(secret, msg_id, timestamp, body),
    }


def signature_matches(secret, msg_id, timestamp, body, header_value):
    """Whether any ``v1`` signature in ``header_value`` is right (constant time)."""
    expected = sign(secret, msg_id, timestamp, body).encode()
    found = False
    for candidate in header_value.split():
        # compare every candidate so that timing says nothing about which matched
        found |= hmac.compare_digest(candidate.encode(), expected)
    return found
