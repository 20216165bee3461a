from odoo import _, api, fields, models


class PsaTimesheetUnlockWizard(models.TransientModel):
    """Asks the timesheet manager why validated time is unlocked."""

    _name = "psa.timesheet.unlock.wizard"
    _description = "Unlock Validated Timesheets"

    line_ids = fields.Many2many("account.analytic.line", string="Timesheet Lines")
    reason = fields.Text(required=True)

    @api.model
    def _action_for(self, lines):
        return {
            "type": "ir.actions.act_window",
            "name": _("Unlock Validated Time"),
            "res_model": self._name,
            "view_mode": "form",
            "target": "new",
            "context": {"default_line_ids": [(6, 0, lines.ids)]},
        }

    def action_confirm(self):
        self.ensure_one()
        self.line_ids.action_psa_unlock(reason=self.reason or "")
        return {"type": "ir.actions.act_window_close"}
