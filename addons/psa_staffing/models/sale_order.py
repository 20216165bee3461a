from odoo import models


class SaleOrder(models.Model):
    _inherit = "sale.order"

    def _action_confirm(self):
        """A confirmed order wins its opportunity's staffing plan: requests on
        the project sale_project just created from the order, when there is one."""
        res = super()._action_confirm()
        for order in self.filtered("opportunity_id"):
            project = order.project_ids[:1] or order.project_id
            order.opportunity_id._psa_staffing_on_won(project=project or None)
        return res
