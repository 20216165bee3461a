from odoo import fields, models


class PsaWebhookTestRecord(models.Model):
    """Test-only model with a field restricted to a group."""

    _name = "psa.webhook.test.record"
    _description = "Webhook Test Record"

    name = fields.Char()
    confidential = fields.Char(groups="psa_integration.group_webhook_test_secrets")
