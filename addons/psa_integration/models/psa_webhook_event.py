import json
import uuid
from datetime import timedelta

from odoo import _, api, fields, models
from odoo.exceptions import UserError

EVENT_STATES = [
    ("pending", "Pending"),
    ("sending", "Sending"),
    ("delivered", "Delivered"),
    ("failed", "Failed, Will Retry"),
    ("dead", "Dead"),
]


class PsaWebhookEvent(models.Model):
    """The outbox: one row per event and endpoint, written in the business
    transaction, delivered later by ``_cron_deliver`` (psa_webhook_event_delivery).

    A rolled-back change leaves no row, so nothing is announced that did not
    happen; the id is fixed at creation and sent on every attempt.
    """

    _name = "psa.webhook.event"
    _inherit = ["psa.record.link.mixin"]
    _description = "Outbound Webhook Event"
    _order = "id desc"
    _rec_name = "event_uid"

    event_uid = fields.Char(
        string="Event ID",
        required=True,
        readonly=True,
        copy=False,
        index=True,
        default=lambda self: "msg_" + uuid.uuid4().hex,
    )
    event_name = fields.Char(string="Event", required=True, readonly=True, index=True)
    endpoint_id = fields.Many2one(
        "psa.webhook.endpoint",
        required=True,
        readonly=True,
        ondelete="cascade",
        index=True,
    )
    company_id = fields.Many2one(related="endpoint_id.company_id", store=True)
    res_model = fields.Char(string="Model", required=True, readonly=True)
    res_id = fields.Many2oneReference(
        string="Record ID", model_field="res_model", required=True, readonly=True
    )
    payload = fields.Text(required=True, readonly=True)
    state = fields.Selection(
        EVENT_STATES, default="pending", required=True, readonly=True, index=True
    )
    attempts = fields.Integer(default=0, readonly=True)
    next_attempt_at = fields.Datetime(
        default=fields.Datetime.now, readonly=True, index=True
    )
    claimed_at = fields.Datetime(readonly=True)
    delivered_at = fields.Datetime(readonly=True)
    last_status_code = fields.Integer(readonly=True)
    last_error = fields.Char(readonly=True)

    _sql_constraints = [
        ("event_uid_unique", "UNIQUE(event_uid)", "An event ID is used only once."),
    ]

    def init(self):
        # the claim query: due events, oldest first, per record in order
        self.env.cr.execute(
            "CREATE INDEX IF NOT EXISTS psa_webhook_event_due_idx"
            " ON psa_webhook_event (next_attempt_at, id)"
            " WHERE state IN ('pending', 'failed')"
        )
        self.env.cr.execute(
            "CREATE INDEX IF NOT EXISTS psa_webhook_event_record_idx"
            " ON psa_webhook_event (endpoint_id, res_model, res_id, id)"
            " WHERE state IN ('pending', 'sending', 'failed')"
        )

    @api.model
    def _enqueue(self, endpoint, event_name, records, data_list):
        """Write one pending event per record: one INSERT, no network.

        ``data_list`` holds each record's data, in the order of ``records``.
        Delivery starts right after the transaction commits.
        """
        now = fields.Datetime.now()
        vals_list = []
        for record, data in zip(records, data_list, strict=True):
            body = {
                "type": event_name,
                "timestamp": now.isoformat() + "Z",
                "data": {"model": record._name, "id": record.id, **data},
            }
            vals_list.append(
                {
                    "event_name": event_name,
                    "endpoint_id": endpoint.id,
                    # given, not recomputed: else an UPDATE follows the INSERT
                    "company_id": endpoint.company_id.id,
                    "res_model": record._name,
                    "res_id": record.id,
                    "payload": json.dumps(body, sort_keys=True, default=str),
                    "next_attempt_at": now,
                }
            )
        events = self.sudo().create(vals_list)
        self._trigger_delivery()
        return events

    @api.model
    def _trigger_delivery(self):
        """Wake a cron worker once this transaction has committed.

        Done after commit, on a cursor of its own, so that the user's
        transaction holds no extra row and waits on nothing.
        """
        cr = self.env.cr
        if cr.postcommit.data.get("psa_webhook_trigger"):
            return
        cr.postcommit.data["psa_webhook_trigger"] = True
        registry = self.env.registry

        @cr.postcommit.add
        def trigger():
            with registry.cursor() as new_cr:
                env = api.Environment(new_cr, api.SUPERUSER_ID, {})
                cron = env.ref(
                    "psa_integration.ir_cron_webhook_deliver", raise_if_not_found=False
                )
                if cron:
                    cron._trigger()

    def action_retry(self):
        """Send dead or failing events again now, as new first attempts."""
        done = self.filtered(lambda e: e.state in ("delivered", "sending"))
        if done:
            raise UserError(
                _(
                    "Only waiting, failed or dead events can be retried: %s",
                    ", ".join(done.mapped("event_uid")),
                )
            )
        self.write(
            {
                "state": "pending",
                "attempts": 0,
                "next_attempt_at": fields.Datetime.now(),
                "last_error": False,
            }
        )
        self.env["psa.exception"]._close_exceptions(
            self, "webhook_dead", _("Retried by %s.", self.env.user.name)
        )
        self._trigger_delivery()
        return True

    @api.model
    def _cron_purge(self, batch_size=5000):
        """Delete delivered events older than the retention, in batches."""
        days = self.env["psa.batch"]._param("psa_integration.retention_days", 30, int)
        limit = fields.Datetime.now() - timedelta(days=max(days, 1))
        while True:
            old = self.search(
                [("state", "=", "delivered"), ("delivered_at", "<", limit)],
                limit=batch_size,
            )
            if not old:
                return
            old.unlink()
            old._end_transaction()
