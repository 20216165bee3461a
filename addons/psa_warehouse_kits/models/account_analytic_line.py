from odoo import fields, models


class AccountAnalyticLine(models.Model):
    """Kit items expensed on the project's analytic account, one line per
    delivery (or return) move: the move makes posting idempotent."""

    _inherit = "account.analytic.line"

    psa_kit_request_id = fields.Many2one(
        "psa.kit.request",
        string="Kit Request",
        index="btree_not_null",
        readonly=True,
        copy=False,
    )
    psa_kit_move_id = fields.Many2one(
        "stock.move",
        string="Kit Stock Move",
        index="btree_not_null",
        readonly=True,
        copy=False,
        ondelete="restrict",
    )

    _sql_constraints = [
        (
            "psa_kit_move_unique",
            "unique(psa_kit_move_id)",
            "A kit stock move posts its cost once.",
        ),
    ]
