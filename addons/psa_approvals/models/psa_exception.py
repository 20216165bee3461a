import psycopg2

from odoo import _, api, fields, models
from odoo.exceptions import UserError


class PsaException(models.Model):
    """The one list of open operational exceptions of the suite.

    Other modules open and close them through ``_open_exceptions()`` and
    ``_close_exceptions()``, and add kinds with ``selection_add``.
    """

    _name = "psa.exception"
    _inherit = ["mail.thread", "mail.activity.mixin", "psa.record.link.mixin"]
    _description = "Operational Exception"
    _order = "state, create_date desc, id desc"

    name = fields.Char(string="Summary", required=True, tracking=True)
    kind = fields.Selection(
        [
            ("stalled_approval", "Stalled approval"),
            ("post_event_review", "Post-event review"),
            ("other", "Other"),
        ],
        required=True,
        default="other",
        index=True,
    )
    res_model = fields.Char(string="Model", index=True)
    res_id = fields.Many2oneReference(string="Record ID", model_field="res_model")
    record_name = fields.Char(string="Record")
    owner_id = fields.Many2one(
        "res.users",
        index=True,
        tracking=True,
        default=lambda self: self.env.user,
    )
    company_id = fields.Many2one(
        "res.company", default=lambda self: self.env.company, index=True
    )
    state = fields.Selection(
        [("open", "Open"), ("resolved", "Resolved")],
        default="open",
        required=True,
        index=True,
        tracking=True,
    )
    resolution_note = fields.Text(tracking=True)
    date_resolved = fields.Datetime(readonly=True)
    age_days = fields.Integer(string="Age (days)", compute="_compute_age_days")

    def init(self):
        # One open exception per kind and record, even with concurrent crons.
        self.env.cr.execute(
            "CREATE UNIQUE INDEX IF NOT EXISTS psa_exception_open_unique"
            " ON psa_exception (kind, res_model, res_id) WHERE state = 'open'"
        )

    @api.depends("create_date", "date_resolved")
    def _compute_age_days(self):
        now = fields.Datetime.now()
        for exc in self:
            end = exc.date_resolved or now
            exc.age_days = (end - (exc.create_date or now)).days

    @api.model
    def _open_exceptions(self, records, kind, summary, owner=None):
        """Open one exception per record for ``kind``, unless one is open already.

        One search and one INSERT for any number of records. ``summary`` and
        ``owner`` may be values or callables taking the record.
        """
        # no creation message nor subscription per record: the queue is the message
        quiet = self.sudo().with_context(
            mail_create_nolog=True, mail_create_nosubscribe=True, mail_notrack=True
        )
        existing = quiet.search(
            [
                ("kind", "=", kind),
                ("res_model", "=", records._name),
                ("res_id", "in", records.ids),
                ("state", "=", "open"),
            ]
        )
        known = set(existing.mapped("res_id"))
        vals_list = []
        for record in records.filtered(lambda r: r.id not in known):
            who = owner(record) if callable(owner) else owner
            company = record._fields.get("company_id") and record.company_id
            vals_list.append(
                {
                    "name": summary(record) if callable(summary) else summary,
                    "kind": kind,
                    "res_model": record._name,
                    "res_id": record.id,
                    "record_name": record.display_name,
                    "owner_id": who.id if who else False,
                    "company_id": company.id if company else self.env.company.id,
                }
            )
        if not vals_list:
            return existing
        # The unique index settles a race with a concurrent cron: skip on conflict.
        self.env.cr.execute("SAVEPOINT psa_exception_open")
        try:
            created = quiet.create(vals_list)
        except psycopg2.IntegrityError:
            self.env.cr.execute("ROLLBACK TO SAVEPOINT psa_exception_open")
            self.env.invalidate_all()
            return quiet.search(
                [
                    ("kind", "=", kind),
                    ("res_model", "=", records._name),
                    ("res_id", "in", records.ids),
                    ("state", "=", "open"),
                ]
            )
        self.env.cr.execute("RELEASE SAVEPOINT psa_exception_open")
        return existing | created

    @api.model
    def _close_exceptions(self, records, kind, note=None):
        """Resolve the open exceptions of ``kind`` on ``records``."""
        found = self.sudo().search(
            [
                ("kind", "=", kind),
                ("res_model", "=", records._name),
                ("res_id", "in", records.ids),
                ("state", "=", "open"),
            ]
        )
        found.write(
            {
                "state": "resolved",
                "resolution_note": note or _("Resolved automatically."),
                "date_resolved": fields.Datetime.now(),
            }
        )
        return found

    def action_resolve(self):
        missing = self.filtered(lambda e: not (e.resolution_note or "").strip())
        if missing:
            raise UserError(
                _(
                    "Write a Resolution Note before resolving: %(names)s",
                    names=", ".join(missing.mapped("name")),
                )
            )
        self.write({"state": "resolved", "date_resolved": fields.Datetime.now()})
        return True

    def action_reopen(self):
        self.write({"state": "open", "date_resolved": False})
        return True
