from odoo.addons.psa_approvals.tests.common import PsaApprovalsFactory

from .webhook_receiver import WebhookReceiver

SECRET = "whsec_" + "dGVzdC1zZWNyZXQtZm9yLXBzYS13ZWJob29rcw=="


class PsaWebhookFactory(PsaApprovalsFactory):
    """An endpoint talking to a real receiver on loopback, and an automation
    rule announcing approval requests to it."""

    @classmethod
    def _setup_announced_requests(cls):
        """A receiver, its endpoint and a rule announcing every saved approval
        request to it, on a matrix without demo rules."""
        cls._isolate_from_demo()
        cls.receiver = cls._start_receiver()
        cls.endpoint = cls._create_endpoint(cls.receiver.url)
        cls.automation = cls._create_webhook_rule(cls.endpoint)
        cls.Event = cls.env["psa.webhook.event"]

    @classmethod
    def _start_receiver(cls):
        receiver = WebhookReceiver(SECRET)
        cls.addClassCleanup(receiver.stop)
        return receiver

    @classmethod
    def _create_endpoint(cls, url, **vals):
        return cls.env["psa.webhook.endpoint"].create(
            {
                "name": "Test receiver",
                "url": url,
                "secret": SECRET,
                "timeout": 2,
                "retry_schedule": "1m, 5m",
                "max_attempts": 3,
                **vals,
            }
        )

    @classmethod
    def _create_webhook_rule(cls, endpoint, fields=("name", "amount")):
        request_model = cls.env["ir.model"]._get("psa.approval.request")
        field_ids = [
            cls.env["ir.model.fields"]._get("psa.approval.request", name).id
            for name in fields
        ]
        automation = cls.env["base.automation"].create(
            {
                "name": "Announce requests",
                "model_id": request_model.id,
                "trigger": "on_create_or_write",
            }
        )
        cls.env["ir.actions.server"].create(
            {
                "name": "Send",
                "model_id": request_model.id,
                "usage": "base_automation",
                "base_automation_id": automation.id,
                "state": "psa_webhook",
                "psa_webhook_endpoint_id": endpoint.id,
                "psa_webhook_event_name": "approval_request.saved",
                "psa_webhook_field_ids": [(6, 0, field_ids)],
            }
        )
        return automation
