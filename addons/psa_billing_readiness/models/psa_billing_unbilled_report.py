from odoo import fields, models, tools
from odoo.tools import SQL

AGE_BUCKETS = [
    ("0_30", "0-30 days"),
    ("31_60", "31-60 days"),
    ("61_90", "61-90 days"),
    ("91_plus", "Over 90 days"),
]


class PsaBillingUnbilledReport(models.Model):
    """Validated billable time not invoiced yet, by age: the work finance
    could bill and has not."""

    _name = "psa.billing.unbilled.report"
    _description = "Unbilled Validated Work"
    _auto = False
    _order = "date"

    date = fields.Date(readonly=True)
    age_days = fields.Integer(string="Age (days)", readonly=True, group_operator="max")
    age_bucket = fields.Selection(AGE_BUCKETS, string="Age", readonly=True)
    order_id = fields.Many2one("sale.order", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    project_id = fields.Many2one("project.project", readonly=True)
    project_manager_id = fields.Many2one("res.users", readonly=True)
    employee_id = fields.Many2one("hr.employee", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    hours = fields.Float(readonly=True)
    amount = fields.Monetary(string="Value", readonly=True)

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            SQL(
                """
            CREATE OR REPLACE VIEW %s AS (
                SELECT aal.id,
                       aal.date,
                       (CURRENT_DATE - aal.date) AS age_days,
                       CASE WHEN CURRENT_DATE - aal.date <= 30 THEN '0_30'
                            WHEN CURRENT_DATE - aal.date <= 60 THEN '31_60'
                            WHEN CURRENT_DATE - aal.date <= 90 THEN '61_90'
                            ELSE '91_plus' END AS age_bucket,
                       sol.order_id,
                       so.partner_id,
                       aal.project_id,
                       pp.user_id AS project_manager_id,
                       aal.employee_id,
                       aal.company_id,
                       sol.currency_id,
                       aal.unit_amount AS hours,
                       aal.unit_amount * sol.price_unit AS amount
                  FROM account_analytic_line aal
                  JOIN sale_order_line sol ON sol.id = aal.so_line
                  JOIN sale_order so ON so.id = sol.order_id
                  LEFT JOIN project_project pp ON pp.id = aal.project_id
                 WHERE aal.psa_validated
                   AND aal.project_id IS NOT NULL
                   AND aal.timesheet_invoice_id IS NULL
            )
            """,
                SQL.identifier(self._table),
            )
        )
