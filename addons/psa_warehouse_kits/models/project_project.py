from odoo import models


class ProjectProject(models.Model):
    _inherit = "project.project"

    def _psa_kit_sale_order(self):
        """The order a kit request of this project bills on by default: the
        project's own sale order when sale_project links one."""
        project = self[:1].sudo()
        if "sale_order_id" not in project._fields:
            return self.env["sale.order"]
        return project.sale_order_id
