from odoo import fields, models, tools


class PsaTimesheetComplianceTeam(models.Model):
    """Timesheet compliance per team and week: the share of expected hours
    logged (hours logged beyond a day's expected hours do not make up for
    another day). A read-only SQL view over ``psa.timesheet.compliance``."""

    _name = "psa.timesheet.compliance.team"
    _description = "Timesheet Compliance per Team"
    _auto = False
    _order = "week desc, department_id"

    department_id = fields.Many2one("hr.department", string="Team", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    week = fields.Date(readonly=True, help="Monday of the week.")
    employee_count = fields.Integer(string="Employees", readonly=True)
    expected_hours = fields.Float(readonly=True)
    covered_hours = fields.Float(string="Logged Hours", readonly=True)
    missing_hours = fields.Float(readonly=True)
    missing_days = fields.Integer(readonly=True)
    compliance_rate = fields.Float(
        string="Compliance (%)",
        readonly=True,
        group_operator="avg",
        help="Logged hours as a share of expected hours in the week; across "
        "weeks, the average of the weekly rates.",
    )

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            f"""CREATE VIEW {self._table} AS (
                SELECT row_number() OVER (ORDER BY t.week, t.department_id,
                                          t.company_id) AS id, t.*,
                       CASE WHEN t.expected_hours > 0
                            THEN round((100.0 * t.covered_hours
                                        / t.expected_hours)::numeric, 1)
                            ELSE 100.0 END::float8 AS compliance_rate
                  FROM (SELECT c.department_id, e.company_id,
                               date_trunc('week', c.date)::date AS week,
                               count(DISTINCT c.employee_id) AS employee_count,
                               sum(c.expected_hours) AS expected_hours,
                               sum(c.covered_hours) AS covered_hours,
                               sum(c.missing_hours) AS missing_hours,
                               count(*) FILTER (WHERE c.state = 'missing')
                                   AS missing_days
                          FROM psa_timesheet_compliance c
                          JOIN hr_employee e ON e.id = c.employee_id
                      GROUP BY c.department_id, e.company_id,
                               date_trunc('week', c.date)) AS t
            )"""
        )
