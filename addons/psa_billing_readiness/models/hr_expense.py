from odoo import fields, models


class HrExpense(models.Model):
    _inherit = "hr.expense"

    # the readiness check looks up a batch of orders' expenses
    sale_order_id = fields.Many2one(index="btree_not_null")
