import uuid
from datetime import timedelta

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError

LINK_DAYS_PARAM = "psa_billing_readiness.signoff_link_days"
# Written by the sign-off's own actions only (sudo), never by hand.
DECISION_FIELDS = {
    "state",
    "method",
    "signed_name",
    "signed_on",
    "signed_ip",
    "signed_by_id",
    "decline_reason",
    "comment",
    "requested_by_id",
    "requested_on",
    "access_token",
}


class PsaMilestoneSignoff(models.Model):
    """The client's acceptance of a reached milestone: requested by the
    project manager and given on the portal (typed name, time and IP), or
    recorded internally from paper or email with evidence.

    A milestone linked to a sale line is billable only once accepted."""

    _name = "psa.milestone.signoff"
    _inherit = ["portal.mixin", "mail.thread", "mail.activity.mixin"]
    _description = "Milestone Sign-off"
    _order = "id desc"

    name = fields.Char(compute="_compute_name", store=True)
    milestone_id = fields.Many2one(
        "project.milestone", required=True, ondelete="cascade", index=True
    )
    project_id = fields.Many2one(
        related="milestone_id.project_id", store=True, index=True
    )
    sale_line_id = fields.Many2one(related="milestone_id.sale_line_id", store=True)
    company_id = fields.Many2one(
        related="project_id.company_id", store=True, index=True
    )
    partner_id = fields.Many2one(
        "res.partner",
        string="Customer Contact",
        required=True,
        help="Who is asked to sign off, or who signed off on paper or by email.",
    )
    state = fields.Selection(
        [
            ("requested", "Requested"),
            ("accepted", "Accepted"),
            ("declined", "Declined"),
            ("cancelled", "Cancelled"),
        ],
        default="requested",
        required=True,
        readonly=True,
        tracking=True,
        index=True,
    )
    method = fields.Selection(
        [("portal", "Portal"), ("internal", "Recorded internally")],
        default="portal",
        required=True,
        readonly=True,
    )
    requested_by_id = fields.Many2one("res.users", readonly=True)
    requested_on = fields.Datetime(readonly=True)
    link_expires_on = fields.Datetime(compute="_compute_link_expires_on")
    signed_by_id = fields.Many2one("res.partner", readonly=True)
    signed_name = fields.Char(string="Typed Name", readonly=True)
    signed_on = fields.Datetime(readonly=True)
    signed_ip = fields.Char(string="Signed From IP", readonly=True)
    comment = fields.Text(readonly=True)
    decline_reason = fields.Text(readonly=True)
    evidence_note = fields.Text(
        help="For a sign-off recorded internally: what the client agreed to, "
        "where (email, letter, meeting minutes)."
    )
    evidence_attachment_ids = fields.Many2many("ir.attachment", string="Evidence Files")
    deliverable_ids = fields.One2many(
        related="milestone_id.task_ids", string="Deliverables"
    )

    @api.depends("milestone_id.name")
    def _compute_name(self):
        for signoff in self:
            signoff.name = _(
                "Sign-off of %(milestone)s", milestone=signoff.milestone_id.name
            )

    @api.depends("requested_on")
    def _compute_link_expires_on(self):
        days = self._link_days()
        for signoff in self:
            signoff.link_expires_on = signoff.requested_on and (
                signoff.requested_on + timedelta(days=days)
            )

    def _compute_access_url(self):
        res = super()._compute_access_url()
        for signoff in self:
            signoff.access_url = f"/my/signoff/{signoff.id}"
        return res

    @api.model
    def _link_days(self):
        """How long a sign-off link stays valid, in days (Settings)."""
        value = self.env["ir.config_parameter"].sudo().get_param(LINK_DAYS_PARAM)
        try:
            return max(int(value), 1)
        except (TypeError, ValueError):
            return 30

    # ------------------------------------------------------------------ CRUD
    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su:
            raise AccessError(
                _(
                    "Sign-offs are requested or recorded from the milestone, "
                    "by the project manager."
                )
            )
        return super().create(vals_list)

    def write(self, vals):
        if not self.env.su and DECISION_FIELDS & set(vals):
            raise AccessError(
                _("A sign-off is decided by the client or recorded with evidence.")
            )
        return super().write(vals)

    # -------------------------------------------------------------- business
    def _is_link_expired(self):
        self.ensure_one()
        return bool(
            self.link_expires_on and self.link_expires_on < fields.Datetime.now()
        )

    def _portal_decide(self, accept, name=None, comment=None, reason=None, ip=None):
        """The client's decision on the portal page. ``self`` runs as the
        visitor with sudo; refused unless the request is open and its link
        valid. Logged on the sign-off, the project and the audit log."""
        self.ensure_one()
        if self.state != "requested":
            raise UserError(
                _("This sign-off is %(state)s already.", state=self._state_label())
            )
        if self._is_link_expired():
            raise UserError(_("This sign-off link has expired: ask for a new one."))
        if accept:
            name = (name or "").strip()
            if not name:
                raise ValidationError(_("Type your Full Name to accept."))
            vals = {
                "state": "accepted",
                "signed_name": name,
                "signed_by_id": self.partner_id.id,
                "signed_on": fields.Datetime.now(),
                "signed_ip": ip,
                "comment": (comment or "").strip() or False,
            }
            event = "signoff_accepted"
            note = _(
                "Accepted by %(name)s from %(ip)s", name=name, ip=ip or _("unknown")
            )
            if vals["comment"]:
                note += f": {vals['comment']}"
        else:
            reason = (reason or "").strip()
            if not reason:
                raise ValidationError(_("Give a Reason to decline."))
            vals = {
                "state": "declined",
                "signed_by_id": self.partner_id.id,
                "signed_on": fields.Datetime.now(),
                "signed_ip": ip,
                "decline_reason": reason,
            }
            event = "signoff_declined"
            note = _(
                "Declined from %(ip)s: %(reason)s", ip=ip or _("unknown"), reason=reason
            )
        self.write(vals)
        self.activity_unlink(["mail.mail_activity_data_todo"])
        if not accept:
            # no assignment email from the visitor: the activity is the message
            self.with_context(mail_activity_quick_update=True).activity_schedule(
                "mail.mail_activity_data_todo",
                summary=_("Client declined the sign-off"),
                note=reason,
                user_id=self.requested_by_id.id or self.project_id.user_id.id,
            )
        self.env["psa.approval.log"]._record_billing(
            self, event, comment=note, chatter=self.project_id
        )
        self.sudo().sale_line_id.order_id._psa_refresh_readiness()
        return True

    def _state_label(self):
        return dict(self._fields["state"].selection)[self.state].lower()

    def action_cancel(self):
        """Withdraw open requests; their links stop working at once."""
        self.milestone_id._psa_check_project_manager()
        open_ones = self.filtered(lambda s: s.state == "requested")
        if not open_ones:
            raise UserError(_("Only a requested sign-off can be cancelled."))
        for signoff in open_ones.sudo():
            signoff.write({"state": "cancelled", "access_token": str(uuid.uuid4())})
        self.env["psa.approval.log"]._record_billing(open_ones, "signoff_cancelled")
        return True
