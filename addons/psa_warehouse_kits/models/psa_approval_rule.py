from odoo import models


class PsaApprovalRule(models.Model):
    _inherit = "psa.approval.rule"

    def _get_approval_model_names(self):
        return super()._get_approval_model_names() + [
            "psa.kit.request",
            "stock.picking",
            "psa.kit.write.off",
        ]
