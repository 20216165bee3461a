from odoo import fields, models

OUTCOMES = [
    ("processed", "Processed"),
    ("duplicate", "Duplicate (Ignored)"),
    ("refused", "Refused by the Action"),
    ("malformed", "Malformed"),
    ("unauthorized", "Bad Signature or Timestamp"),
    ("not_found", "Unknown Endpoint"),
    ("method", "Wrong Method"),
    ("too_large", "Too Large"),
    ("error", "Server Error"),
]


class PsaWebhookInboundCall(models.Model):
    """One line per call received, whatever its outcome. A processed line also
    marks its event id as done: the unique index refuses a replay even when the
    same event arrives twice at the same moment."""

    _name = "psa.webhook.inbound.call"
    _description = "Inbound Webhook Call"
    _order = "id desc"
    _rec_name = "webhook_id"

    inbound_id = fields.Many2one(
        "psa.webhook.inbound", string="Endpoint", ondelete="cascade", index=True
    )
    code = fields.Char(string="Endpoint Code")
    webhook_id = fields.Char(string="Event ID", index=True)
    status_code = fields.Integer(string="Answer")
    outcome = fields.Selection(OUTCOMES, required=True, index=True)
    reason = fields.Char()
    remote_addr = fields.Char(string="From")
    body = fields.Text(help="The body of processed and refused calls (first 64 KB).")
    result = fields.Char(help="What the action answered.")
    duration_ms = fields.Integer(string="Duration (ms)")

    def init(self):
        self.env.cr.execute(
            "CREATE UNIQUE INDEX IF NOT EXISTS psa_webhook_inbound_call_processed"
            " ON psa_webhook_inbound_call (inbound_id, webhook_id)"
            " WHERE outcome = 'processed'"
        )
