from odoo import _, api, fields, models
from odoo.exceptions import UserError


class PsaApprovalDecisionWizard(models.TransientModel):
    """Asks for the reason of a rejection, or the comment of an approval."""

    _name = "psa.approval.decision.wizard"
    _description = "Approval Decision"

    res_model = fields.Char(required=True)
    res_ids = fields.Char(required=True)
    decision = fields.Selection(
        [("approve", "Approve"), ("reject", "Reject"), ("emergency", "Emergency")],
        required=True,
    )
    comment = fields.Text(string="Reason / Comment")

    @api.model
    def _action_for(self, records, decision):
        """The dialog asking for the reason or comment of ``decision`` on records."""
        titles = {
            "reject": _("Reason for rejecting"),
            "emergency": _("Justify the emergency release"),
            "approve": _("Comment on your approval"),
        }
        return {
            "type": "ir.actions.act_window",
            "name": titles[decision],
            "res_model": self._name,
            "view_mode": "form",
            "target": "new",
            "context": {
                "default_res_model": records._name,
                "default_res_ids": ",".join(map(str, records.ids)),
                "default_decision": decision,
            },
        }

    def action_confirm(self):
        self.ensure_one()
        records = self.env[self.res_model].browse(
            [int(i) for i in self.res_ids.split(",") if i]
        )
        if self.decision == "reject":
            if not (self.comment or "").strip():
                raise UserError(_("A reason is required to reject."))
            records.action_reject(reason=self.comment)
        elif self.decision == "emergency":
            if not (self.comment or "").strip():
                raise UserError(_("An emergency release needs a justification."))
            records.action_emergency_release(justification=self.comment)
        else:
            records.action_approve(comment=self.comment)
        return {"type": "ir.actions.act_window_close"}
