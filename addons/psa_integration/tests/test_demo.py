import json

from odoo.tests import TransactionCase, tagged

from .common import PsaWebhookFactory


@tagged("post_install", "-at_install")
class TestDemo(PsaWebhookFactory, TransactionCase):
    """What a newcomer finds in the demo: a request the administrator can
    decide, and a rule that announces decisions, and nothing else, to n8n."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.admin = cls.env.ref("base.user_admin")
        cls.waiting = cls.env.ref(
            "psa_approvals.psa_approval_request_for_admin_demo"
        ).with_user(cls.admin)
        cls.rule = cls.env.ref("psa_integration.base_automation_approval_state_demo")
        cls.receiver = cls._start_receiver()
        endpoint = cls.env.ref("psa_integration.psa_webhook_endpoint_demo")
        endpoint.url = cls.receiver.url
        cls.rule.active = True
        cls.Event = cls.env["psa.webhook.event"]

    def _events(self):
        return self.Event.search(
            [("event_name", "=", "approval_request.state_changed")], order="id"
        )

    def test_admin_can_approve_the_demo_request(self):
        self.assertEqual(self.waiting.approval_state, "pending")
        self.waiting.action_approve()
        self.assertEqual(self.waiting.approval_state, "approved")

    def test_decisions_are_announced_not_drafts_nor_submissions(self):
        request = (
            self.env["psa.approval.request"]
            .with_user(self.env.ref("base.user_demo"))
            .create({"name": "Demo rule: new request", "amount": 1500})
        )
        request.action_request_approval()
        self.assertEqual(request.approval_state, "pending")
        self.assertFalse(self._events(), "creation and submission send nothing")

        self.waiting.action_approve()
        request.with_user(self.admin).action_reject("Not this quarter")
        events = self._events()
        self.assertEqual(
            [
                (e.res_id, json.loads(e.payload)["data"]["approval_state"])
                for e in events
            ],
            [(self.waiting.id, "approved"), (request.id, "rejected")],
        )

    def test_a_save_that_keeps_the_decision_sends_nothing(self):
        self.waiting.action_approve()
        self.waiting.sudo().description = "<p>Kickoff agenda attached.</p>"
        self.assertEqual(len(self._events()), 1)
