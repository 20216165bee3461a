import json
import time

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from odoo.tests import tagged

from .common import SECRET
from .test_webhook_inbound import InboundCase
from .webhook_receiver import independent_signature

HEADER_NAMES = st.sampled_from(
    ["webhook-id", "webhook-timestamp", "webhook-signature", "Content-Type", "X-Other"]
)
# printable values; an HTTP client cannot send a value starting with a space
# (requests refuses it before sending), so none is generated
HEADER_VALUES = st.text(
    st.characters(min_codepoint=32, max_codepoint=126), max_size=80
).map(str.lstrip)
JSON = st.recursive(
    st.none() | st.booleans() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(st.text(max_size=12), inner, max_size=4)
    ),
    max_leaves=12,
)
FUZZ = settings(
    max_examples=40,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)
ALLOWED = {200, 400, 401, 404, 413, 422}


@tagged("post_install", "-at_install")
class TestWebhookInboundFuzz(InboundCase):
    """Random bodies and headers: never a 500, and no business change."""

    @property
    def hook_url(self):
        return self.base_url() + "/psa/webhook/test-inbound"

    def _state(self):
        return (
            self.Request.search_count([]),
            self.env["psa.exception"].search_count([]),
        )

    @FUZZ
    @given(
        body=st.binary(max_size=600),
        headers=st.dictionaries(HEADER_NAMES, HEADER_VALUES),
    )
    def test_random_unsigned_calls(self, body, headers):
        before = self._state()
        calls = self.Call.search_count([])
        response = self.opener.post(
            self.hook_url, data=body, headers=headers, timeout=10
        )
        self.assertIn(response.status_code, ALLOWED - {200}, response.text)
        self.assertEqual(self._state(), before)
        self.assertEqual(self.Call.search_count([]), calls + 1, "every call is logged")

    @FUZZ
    @given(
        payload=JSON,
        data=st.dictionaries(
            st.sampled_from(
                ["external_ref", "name", "amount", "currency", "category", "requester"]
            ),
            JSON,
            max_size=6,
        ),
    )
    def test_random_signed_payloads(self, payload, data):
        if isinstance(payload, dict) and data:
            payload["data"] = data
        body = json.dumps(payload).encode()
        msg_id, timestamp = f"msg_fuzz_{time.time_ns()}", str(int(time.time()))
        before = self._state()
        response = self.opener.post(
            self.hook_url,
            data=body,
            timeout=10,
            headers={
                "webhook-id": msg_id,
                "webhook-timestamp": timestamp,
                "webhook-signature": independent_signature(
                    SECRET, msg_id, timestamp, body
                ),
            },
        )
        self.assertIn(response.status_code, ALLOWED, response.text)
        if response.status_code != 200:
            self.assertEqual(self._state(), before)
