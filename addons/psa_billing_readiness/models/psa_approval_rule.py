from odoo import models


class PsaApprovalRule(models.Model):
    _inherit = "psa.approval.rule"

    def _get_approval_model_names(self):
        return super()._get_approval_model_names() + [
            "account.move",
            "psa.change.request",
            "psa.timesheet.writeoff",
            "psa.retainer.overage",
        ]
