from odoo import fields, models


class PsaException(models.Model):
    _inherit = "psa.exception"

    kind = fields.Selection(
        selection_add=[
            ("webhook_dead", "Webhook delivery failed"),
            ("webhook_gone", "Webhook endpoint stopped"),
            ("inbound_conflict", "Inbound change refused"),
        ],
        ondelete={
            "webhook_dead": "set default",
            "webhook_gone": "set default",
            "inbound_conflict": "set default",
        },
    )

    def action_retry_webhook(self):
        """Retry the dead events behind these exceptions (closes them)."""
        events = self.env["psa.webhook.event"].browse(
            self.filtered(lambda e: e.res_model == "psa.webhook.event").mapped("res_id")
        )
        events.exists().action_retry()
        return True
