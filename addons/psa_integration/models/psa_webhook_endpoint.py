from datetime import timedelta

from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError

from . import retry_schedule, webhook_signature


class PsaWebhookEndpoint(models.Model):
    """A receiver of signed events (n8n, a data warehouse, a chat bridge...).

    The secret is readable by administrators only and never logged; events
    reach the endpoint through the outbox (``psa.webhook.event``).
    """

    _name = "psa.webhook.endpoint"
    _inherit = ["mail.thread"]
    _description = "Outbound Webhook Endpoint"
    _order = "name, id"

    name = fields.Char(required=True, tracking=True)
    url = fields.Char(string="URL", required=True, tracking=True)
    secret = fields.Char(
        required=True,
        copy=False,
        groups="base.group_system",
        default=lambda self: webhook_signature.new_secret(),
        help="Shared secret of the Standard Webhooks signature. A value written"
        " whsec_<base64> is used as its decoded bytes.",
    )
    active = fields.Boolean(default=True, tracking=True)
    state = fields.Selection(
        [("running", "Running"), ("gone", "Stopped by Receiver")],
        default="running",
        required=True,
        readonly=True,
        tracking=True,
        help="A receiver answering 410 Gone stops the endpoint: its events wait"
        " until an administrator resumes it.",
    )
    timeout = fields.Integer(string="Timeout (seconds)", default=10, required=True)
    retry_schedule = fields.Char(
        required=True,
        default="1m, 5m, 30m, 2h, 12h",
        help="Delays between attempts, comma-separated (s, m, h, d). The last"
        " delay repeats until Maximum Attempts; each delay varies by +/-10%.",
    )
    max_attempts = fields.Integer(string="Maximum Attempts", default=6, required=True)
    header_ids = fields.One2many(
        "psa.webhook.endpoint.header", "endpoint_id", string="Extra Headers", copy=True
    )
    company_id = fields.Many2one(
        "res.company", default=lambda self: self.env.company, index=True
    )
    event_ids = fields.One2many("psa.webhook.event", "endpoint_id", string="Events")
    last_success_at = fields.Datetime(readonly=True)
    last_error_at = fields.Datetime(readonly=True)
    last_error = fields.Char(readonly=True)
    success_rate = fields.Float(
        string="Success Rate (30 days)",
        compute="_compute_health",
        help="Share of the last 30 days' finished events that were delivered.",
    )
    pending_count = fields.Integer(string="Waiting", compute="_compute_health")
    dead_count = fields.Integer(string="Dead", compute="_compute_health")

    @api.depends("event_ids.state")
    def _compute_health(self):
        since = fields.Datetime.now() - timedelta(days=30)
        counts = {
            (endpoint.id, state): count
            for endpoint, state, count in self.env["psa.webhook.event"]._read_group(
                [("endpoint_id", "in", self.ids), ("create_date", ">=", since)],
                ["endpoint_id", "state"],
                ["__count"],
            )
        }
        for endpoint in self:
            get = lambda state, e=endpoint: counts.get((e.id, state), 0)  # noqa: E731
            finished = get("delivered") + get("dead")
            endpoint.success_rate = (
                100.0 * get("delivered") / finished if finished else 0.0
            )
            endpoint.pending_count = get("pending") + get("sending") + get("failed")
            endpoint.dead_count = get("dead")

    @api.constrains("url")
    def _check_url(self):
        for endpoint in self:
            if not endpoint.url.startswith(("http://", "https://")):
                raise ValidationError(
                    _("URL must start with http:// or https://: %s", endpoint.url)
                )

    @api.constrains("timeout", "max_attempts", "retry_schedule")
    def _check_delivery_settings(self):
        for endpoint in self:
            if not 1 <= endpoint.timeout <= 120:
                raise ValidationError(_("Timeout must be between 1 and 120 seconds."))
            if endpoint.max_attempts < 1:
                raise ValidationError(_("Maximum Attempts must be at least 1."))
            retry_schedule.parse(endpoint.retry_schedule)

    def _retry_delays(self):
        self.ensure_one()
        return retry_schedule.parse(self.retry_schedule)

    def _sender(self):
        """What delivery needs, read once per batch (call on sudo: the secret)."""
        self.ensure_one()
        return {
            "url": self.url,
            "secret": self.secret,
            "timeout": self.timeout,
            # extra headers first: they never override the signature headers
            "headers": {
                **{header.name: header.value or "" for header in self.header_ids},
                "Content-Type": "application/json",
                "User-Agent": "Odoo-PSA-Webhooks/1.0",
            },
        }

    def action_resume(self):
        """Deliver again to an endpoint the receiver had stopped with 410 Gone."""
        self.write({"state": "running", "active": True})
        self.env["psa.exception"]._close_exceptions(
            self, "webhook_gone", _("Endpoint resumed by %s.", self.env.user.name)
        )
        self.env["psa.webhook.event"]._trigger_delivery()
        return True

    def action_send_test_event(self):
        """Queue a ``ping`` event: the quickest check of URL and secret."""
        self.ensure_one()
        if self.state != "running" or not self.active:
            raise UserError(_("Resume the endpoint before sending it a test event."))
        self.env["psa.webhook.event"]._enqueue(
            self, "psa.ping", self, [{"message": _("Test event from Odoo")}]
        )
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "info",
                "message": _("Test event queued; it is delivered within a minute."),
            },
        }

    def action_view_events(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "psa_integration.psa_webhook_event_action"
        )
        action["domain"] = [("endpoint_id", "=", self.id)]
        action["context"] = {"default_endpoint_id": self.id}
        return action
