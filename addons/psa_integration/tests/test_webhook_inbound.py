import json
import time
import uuid

from odoo.tests import HttpCase, tagged

from odoo.addons.psa_approvals.tests.common import PsaApprovalsFactory

from .common import SECRET
from .webhook_receiver import independent_signature


@tagged("post_install", "-at_install")
class InboundCase(PsaApprovalsFactory, HttpCase):
    """Signed calls over real HTTP to /psa/webhook/<code>."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._isolate_from_demo()
        cls.bot = cls._create_user(
            "psa_inbound_bot", "psa_approvals.group_approval_admin"
        )
        cls.consultant = cls._create_user("psa_inbound_consultant")
        cls.inbound = cls.env["psa.webhook.inbound"].create(
            {
                "name": "Test inbound",
                "code": "test-inbound",
                "secret": SECRET,
                "action_id": cls.env.ref(
                    "psa_integration.ir_actions_server_inbound_approval_request"
                ).id,
                "user_id": cls.bot.id,
                "max_body_kb": 4,
            }
        )
        cls.Request = cls.env["psa.approval.request"]
        cls.Call = cls.env["psa.webhook.inbound.call"]

    def _post(
        self, body, msg_id=None, timestamp=None, secret=SECRET, code=None, **headers
    ):
        if not isinstance(body, bytes):
            body = json.dumps(body).encode()
        msg_id = msg_id or f"msg_{uuid.uuid4().hex}"
        timestamp = str(int(time.time() if timestamp is None else timestamp))
        signed = {
            "webhook-id": msg_id,
            "webhook-timestamp": timestamp,
            "webhook-signature": independent_signature(secret, msg_id, timestamp, body),
            "Content-Type": "application/json",
        }
        signed.update(headers)
        return self.url_open(
            f"/psa/webhook/{code or self.inbound.code}",
            data=body,
            headers={k: v for k, v in signed.items() if v is not None},
        )

    @staticmethod
    def _payload(ref="ext-1", **data):
        return {
            "type": "approval_request.upsert",
            "data": {"external_ref": ref, **data},
        }

    def _new_request(self, ref="ext-1", **extra):
        data = {
            "name": "Discount for ACME",
            "amount": 1200,
            "currency": self.env.company.currency_id.name,
            "category": "discount",
            "requester": self.consultant.login,
        }
        return self._payload(ref, **{**data, **extra})


@tagged("post_install", "-at_install")
class TestWebhookInbound(InboundCase):
    def test_valid_call_files_a_draft_request_as_the_technical_user(self):
        response = self._post(self._new_request(), msg_id="msg_first")
        self.assertEqual(response.status_code, 200, response.text)
        answer = response.json()
        self.assertEqual(answer["status"], "processed")
        request = self.Request.browse(answer["result"]["request_id"])
        self.assertEqual(request.approval_state, "draft")
        self.assertEqual(request.user_id, self.consultant, "the person submits it")
        self.assertEqual(request.create_uid, self.bot, "never the superuser")
        self.assertEqual(
            (request.amount, request.currency_id), (1200, self.env.company.currency_id)
        )
        call = self.Call.search([("webhook_id", "=", "msg_first")])
        self.assertEqual((call.outcome, call.status_code), ("processed", 200))

    def test_replay_answers_200_and_does_nothing(self):
        first = self._post(self._new_request(), msg_id="msg_twice")
        count = self.Request.search_count([])
        again = self._post(self._new_request(), msg_id="msg_twice")
        self.assertEqual((first.status_code, again.status_code), (200, 200))
        self.assertEqual(again.json()["status"], "duplicate")
        self.assertEqual(self.Request.search_count([]), count)
        outcomes = self.Call.search([("webhook_id", "=", "msg_twice")]).mapped(
            "outcome"
        )
        self.assertCountEqual(outcomes, ["processed", "duplicate"])

    def test_bad_calls_get_a_clear_4xx_and_change_nothing(self):
        count = self.Request.search_count([])
        body = json.dumps(self._new_request()).encode()
        cases = {
            "tampered": (
                lambda: self._post(
                    body.replace(b"1200", b"9999"),
                    **{"webhook-signature": self._sig(body)},
                    msg_id="msg_tamper",
                ),
                401,
            ),
            "wrong secret": (lambda: self._post(body, secret="whsec_d3Jvbmc="), 401),
            "stale": (lambda: self._post(body, timestamp=time.time() - 600), 401),
            "future": (lambda: self._post(body, timestamp=time.time() + 600), 401),
            "no signature": (
                lambda: self._post(body, **{"webhook-signature": None}),
                401,
            ),
            "no id": (lambda: self._post(body, **{"webhook-id": None}), 400),
            "bad timestamp": (
                lambda: self._post(body, **{"webhook-timestamp": "yesterday"}),
                400,
            ),
            "not json": (lambda: self._post(b"{not json"), 400),
            "not an object": (lambda: self._post(b"[1, 2]"), 400),
            "too large": (lambda: self._post(b" " * 5000 + body), 413),
            "unknown endpoint": (lambda: self._post(body, code="no-such-code"), 404),
            "wrong method": (lambda: self.url_open("/psa/webhook/test-inbound"), 405),
            "negative amount": (lambda: self._post(self._new_request(amount=-5)), 422),
            "unknown requester": (
                lambda: self._post(self._new_request(requester="nobody@nowhere")),
                422,
            ),
            "no data": (lambda: self._post({"type": "x"}), 422),
        }
        for name, (call, status) in cases.items():
            with self.subTest(name):
                response = call()
                self.assertEqual(response.status_code, status, response.text)
                self.assertTrue(response.json().get("reason") or status == 404)
        self.assertEqual(self.Request.search_count([]), count, "nothing written")
        self.assertEqual(
            self.url_open("/psa/webhook/test-inbound").headers.get("Allow"), "POST"
        )
        refused = self.Call.search([("outcome", "=", "refused")]).mapped("reason")
        self.assertIn("data.amount must be between 0 and 10^12.", refused)

    def _sig(self, body, msg_id="msg_tamper"):
        return independent_signature(SECRET, msg_id, str(int(time.time())), body)

    def test_refused_event_can_be_sent_again_once_fixed(self):
        bad = self._post(self._new_request(amount=-1), msg_id="msg_fix")
        self.assertEqual(bad.status_code, 422)
        good = self._post(self._new_request(), msg_id="msg_fix")
        self.assertEqual(good.json()["status"], "processed")

    def test_update_of_a_draft_changes_it(self):
        self._post(self._new_request("ext-draft"))
        response = self._post(self._payload("ext-draft", amount=1500))
        self.assertEqual(response.json()["result"]["status"], "updated")
        request = self.Request.search([("external_ref", "=", "ext-draft")])
        self.assertEqual(request.amount, 1500)

    def test_update_of_an_approved_request_opens_an_exception_instead(self):
        self._post(self._new_request("ext-approved"))
        request = self.Request.search([("external_ref", "=", "ext-approved")])
        request.with_user(
            self.consultant
        ).action_request_approval()  # no rule: approved
        self.assertEqual(request.approval_state, "approved")
        response = self._post(self._payload("ext-approved", amount=99999))
        self.assertEqual(response.status_code, 200)
        result = response.json()["result"]
        self.assertEqual(result["status"], "proposed")
        self.assertEqual(request.amount, 1200, "never overwritten silently")
        exception = self.env["psa.exception"].browse(result["exception_id"])
        self.assertEqual(
            (exception.kind, exception.state), ("inbound_conflict", "open")
        )
        self.assertEqual(exception.owner_id, self.consultant)
        self.assertIn("99999", exception.message_ids[0].body)

    def test_action_cannot_exceed_the_technical_users_rights(self):
        self.inbound.user_id = self.consultant  # a plain user: may not file for others
        response = self._post(self._new_request("ext-rights", requester=self.bot.login))
        self.assertEqual(response.status_code, 422, response.text)
        self.assertFalse(self.Request.search([("external_ref", "=", "ext-rights")]))

    def test_superuser_cannot_be_the_technical_user(self):
        with self.assertRaisesRegex(Exception, "superuser"):
            self.inbound.user_id = self.env.ref("base.user_root")
