from odoo import fields, models, tools
from odoo.tools import SQL

KINDS = [
    ("time", "Time not validated"),
    ("milestone", "Milestones not signed off"),
    ("expense", "Expenses not approved"),
    ("change", "Open change requests"),
    ("approval", "Approvals pending"),
    ("customer", "Customer data missing"),
    ("overage", "Retainer overage not approved"),
]


class PsaBillingBlockerReport(models.Model):
    """Blockers of the last readiness check, one row per order and kind,
    with the order's project manager: what holds billing, and who can
    lift it."""

    _name = "psa.billing.blocker.report"
    _description = "Billing Blockers"
    _auto = False

    order_id = fields.Many2one("sale.order", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    kind = fields.Selection(KINDS, readonly=True)
    count = fields.Float(
        readonly=True, help="Hours for time and overage, otherwise the number of items."
    )
    project_manager_id = fields.Many2one("res.users", readonly=True)
    blocked_since = fields.Datetime(readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            SQL(
                """
            CREATE OR REPLACE VIEW %s AS (
                SELECT so.id * 10 + k.rank AS id,
                       so.id AS order_id,
                       so.partner_id,
                       k.kind,
                       k.count,
                       (SELECT pp.user_id
                          FROM sale_order_line sol
                          JOIN project_project pp ON pp.id = sol.project_id
                         WHERE sol.order_id = so.id AND pp.user_id IS NOT NULL
                         ORDER BY sol.id LIMIT 1) AS project_manager_id,
                       so.psa_blocked_since AS blocked_since,
                       so.company_id
                  FROM sale_order so
                 CROSS JOIN LATERAL (VALUES
                       (1, 'time', so.psa_blocked_hours::float),
                       (2, 'milestone', so.psa_blocked_milestones::float),
                       (3, 'expense', so.psa_blocked_expenses::float),
                       (4, 'change', so.psa_blocked_changes::float),
                       (5, 'approval', so.psa_blocked_approvals::float),
                       (6, 'customer', so.psa_blocked_customer::float),
                       (7, 'overage', so.psa_blocked_overage::float)
                 ) AS k(rank, kind, count)
                 WHERE so.psa_readiness = 'blocked' AND k.count > 0
            )
            """,
                SQL.identifier(self._table),
            )
        )
