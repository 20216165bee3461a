from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError

SIGNOFF_STATES = [
    ("none", "Not requested"),
    ("requested", "Requested"),
    ("accepted", "Signed off"),
    ("declined", "Declined"),
]


class ProjectMilestone(models.Model):
    """A reached milestone linked to a sale line needs the client's sign-off
    before it is billable (see sale.order.line's delivered quantity)."""

    _inherit = "project.milestone"

    psa_signoff_ids = fields.One2many(
        "psa.milestone.signoff", "milestone_id", string="Sign-offs"
    )
    psa_signoff_state = fields.Selection(
        SIGNOFF_STATES,
        string="Client Sign-off",
        compute="_compute_psa_signoff_state",
        store=True,
        index=True,
    )
    psa_signed_off = fields.Boolean(
        string="Signed Off", compute="_compute_psa_signoff_state", store=True
    )

    @api.depends("psa_signoff_ids.state")
    def _compute_psa_signoff_state(self):
        for milestone in self:
            # the latest sign-off not withdrawn decides
            current = milestone.psa_signoff_ids.filtered(
                lambda s: s.state != "cancelled"
            ).sorted("id", reverse=True)[:1]
            milestone.psa_signoff_state = current.state or "none"
            milestone.psa_signed_off = current.state == "accepted"

    def _psa_check_project_manager(self):
        """Only the project's manager (or a project administrator) asks for or
        records a client sign-off."""
        if self.env.su or self.env.user.has_group("project.group_project_manager"):
            return
        others = self.project_id.filtered(lambda p: p.user_id != self.env.user)
        if others:
            raise AccessError(
                _(
                    "Only the project manager of %(projects)s may ask for or "
                    "record a client sign-off.",
                    projects=", ".join(others.mapped("display_name")),
                )
            )

    def _psa_check_signable(self):
        self._psa_check_project_manager()
        not_reached = self.filtered(lambda m: not m.is_reached)
        if not_reached:
            raise UserError(
                _(
                    "Mark the milestone Reached before asking for its sign-off: "
                    "%(names)s",
                    names=", ".join(not_reached.mapped("name")),
                )
            )
        signed = self.filtered("psa_signed_off")
        if signed:
            raise UserError(
                _(
                    "Already signed off: %(names)s",
                    names=", ".join(signed.mapped("name")),
                )
            )

    def _psa_customer_contact(self):
        self.ensure_one()
        # sudo: project managers need not read sales to know the customer
        milestone = self.sudo()
        contact = milestone.sale_line_id.order_id.partner_id or (
            milestone.project_id.partner_id
        )
        return contact.with_env(self.env)

    def action_psa_request_signoff(self):
        """Email the customer contact a link to the portal page where they
        accept or decline; an open request for the milestone is withdrawn."""
        self._psa_check_signable()
        missing = self.filtered(lambda m: not m._psa_customer_contact().email)
        if missing:
            raise UserError(
                _(
                    "The customer of %(names)s has no Email to send the sign-off "
                    "link to.",
                    names=", ".join(missing.mapped("name")),
                )
            )
        signoffs = self.env["psa.milestone.signoff"].sudo()
        previous = self.psa_signoff_ids.filtered(lambda s: s.state == "requested")
        if previous:
            previous.action_cancel()
        for milestone in self:
            signoffs |= signoffs.create(
                {
                    "milestone_id": milestone.id,
                    "partner_id": milestone._psa_customer_contact().id,
                    "method": "portal",
                    "requested_by_id": self.env.uid,
                    "requested_on": fields.Datetime.now(),
                }
            )
        signoffs._portal_ensure_token()
        template = self.env.ref("psa_billing_readiness.mail_template_signoff_request")
        for signoff in signoffs:
            signoff.message_post_with_source(template, subtype_xmlid="mail.mt_comment")
        self.env["psa.approval.log"]._record_billing(
            signoffs,
            "signoff_requested",
            comment=_("Link sent to the customer contact"),
            chatter=self.project_id,
        )
        return True

    def action_psa_record_signoff(self):
        """Open the dialog recording a sign-off given on paper or by email."""
        self.ensure_one()
        self._psa_check_signable()
        return {
            "type": "ir.actions.act_window",
            "name": _("Record Client Sign-off"),
            "res_model": "psa.signoff.record.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {
                "default_milestone_id": self.id,
                "default_partner_id": self._psa_customer_contact().id,
            },
        }

    def action_psa_view_signoffs(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "psa_billing_readiness.psa_milestone_signoff_action"
        )
        action["domain"] = [("milestone_id", "=", self.id)]
        return action
