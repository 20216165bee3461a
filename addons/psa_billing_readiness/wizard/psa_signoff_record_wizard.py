from odoo import _, api, fields, models
from odoo.exceptions import ValidationError


class PsaSignoffRecordWizard(models.TransientModel):
    """Record a client sign-off given outside the portal (paper, email,
    meeting): who signed, when, and the evidence, which is required."""

    _name = "psa.signoff.record.wizard"
    _description = "Record Client Sign-off"

    milestone_id = fields.Many2one("project.milestone", required=True, readonly=True)
    partner_id = fields.Many2one(
        "res.partner",
        string="Signed By",
        required=True,
        help="The customer contact who accepted the milestone.",
    )
    signed_on = fields.Datetime(required=True, default=fields.Datetime.now)
    evidence_note = fields.Text(
        string="Evidence",
        help="What the client agreed to and where: email, letter, minutes.",
    )
    attachment_ids = fields.Many2many("ir.attachment", string="Evidence Files")

    @api.constrains("signed_on")
    def _check_signed_on(self):
        for wizard in self:
            if wizard.signed_on > fields.Datetime.now():
                raise ValidationError(_("Signed On cannot be in the future."))

    def action_confirm(self):
        self.ensure_one()
        milestone = self.milestone_id
        milestone._psa_check_signable()
        if not ((self.evidence_note or "").strip() or self.attachment_ids):
            raise ValidationError(
                _("A recorded sign-off needs Evidence: a note or a file.")
            )
        open_requests = milestone.psa_signoff_ids.filtered(
            lambda s: s.state == "requested"
        )
        if open_requests:
            open_requests.action_cancel()
        signoff = (
            self.env["psa.milestone.signoff"]
            .sudo()
            .create(
                {
                    "milestone_id": milestone.id,
                    "partner_id": self.partner_id.id,
                    "method": "internal",
                    "state": "accepted",
                    "signed_by_id": self.partner_id.id,
                    "signed_name": self.partner_id.name,
                    "signed_on": self.signed_on,
                    "requested_by_id": self.env.uid,
                    "requested_on": fields.Datetime.now(),
                    "evidence_note": self.evidence_note,
                    "evidence_attachment_ids": [(6, 0, self.attachment_ids.ids)],
                }
            )
        )
        self.attachment_ids.sudo().write(
            {"res_model": signoff._name, "res_id": signoff.id}
        )
        self.env["psa.approval.log"]._record_billing(
            signoff,
            "signoff_recorded",
            comment=_(
                "Signed by %(partner)s on %(date)s; evidence: %(evidence)s",
                partner=self.partner_id.name,
                date=self.signed_on,
                evidence=(self.evidence_note or "").strip()
                or ", ".join(self.attachment_ids.mapped("name")),
            ),
            chatter=milestone.project_id,
        )
        milestone.sudo().sale_line_id.order_id._psa_refresh_readiness()
        return {"type": "ir.actions.act_window_close"}
