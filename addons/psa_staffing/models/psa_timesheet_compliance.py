from odoo import _, api, fields, models


class PsaTimesheetCompliance(models.Model):
    """Expected against logged timesheet hours, per employee and working day.

    Written by the nightly scheduled action (``_cron_timesheet_compliance``,
    see ``psa_timesheet_compliance_cron.py``) with one statement per batch of
    employees: a day has at most one row per employee, so running the action
    twice changes nothing. Only days with expected hours get a row.

    Rows are facts the scheduled action recomputes, never edited. Each foreign
    key costs a check per row written (most of the cost of a first night), so
    rows keep only the employee and the team: no ``create_uid``/``write_uid``
    (``_log_access``), and the company and the consultant's and manager's
    users are read through the employee.
    """

    _name = "psa.timesheet.compliance"
    _description = "Timesheet Compliance"
    _order = "date desc, employee_id"
    _rec_name = "employee_id"
    _log_access = False

    employee_id = fields.Many2one(
        # indexed by the unique (employee_id, date) constraint
        "hr.employee",
        required=True,
        ondelete="cascade",
        readonly=True,
    )
    user_id = fields.Many2one(
        related="employee_id.user_id",
        string="User",
        help="The employee's user: the consultant who should log the time.",
    )
    department_id = fields.Many2one(
        "hr.department",
        string="Team",
        readonly=True,
        help="The employee's team when the day was checked.",
    )
    manager_user_id = fields.Many2one(
        related="employee_id.parent_id.user_id",
        string="Manager",
        help="The user of the employee's manager, who gets the escalation.",
    )
    company_id = fields.Many2one(related="employee_id.company_id", string="Company")
    date = fields.Date(required=True, index=True, readonly=True)
    expected_hours = fields.Float(
        readonly=True,
        help="Working calendar minus validated leave and public holidays.",
    )
    logged_hours = fields.Float(readonly=True, help="Hours of project timesheets.")
    covered_hours = fields.Float(
        readonly=True, help="Logged hours up to the expected hours."
    )
    missing_hours = fields.Float(readonly=True)
    state = fields.Selection(
        [("ok", "Complete"), ("missing", "Missing")], required=True, readonly=True
    )

    _sql_constraints = [
        (
            "employee_date_unique",
            "UNIQUE (employee_id, date)",
            "A compliance row already exists for this employee and date.",
        ),
    ]

    def init(self):
        # the nightly check reads a batch of employees' timesheets of a few
        # days: without this, each batch scans every line of those days
        self.env.cr.execute(
            "CREATE INDEX IF NOT EXISTS account_analytic_line_psa_employee_date_index"
            " ON account_analytic_line (employee_id, date)"
            " WHERE project_id IS NOT NULL"
        )

    @api.model
    def _compliance_rate_by_department(self, date_from, date_to):
        """Share of expected hours logged (0-100) per department between two
        dates, over the rows the current user may read; one query."""
        groups = self._read_group(
            [("date", ">=", date_from), ("date", "<=", date_to)],
            ["department_id"],
            ["expected_hours:sum", "covered_hours:sum"],
        )
        return {
            department: (100.0 * covered / expected if expected else 100.0)
            for department, expected, covered in groups
        }

    def action_open_timesheets(self):
        """The employee's timesheets of that day, to fill in what is missing."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": _("Timesheets of %(date)s", date=self.date),
            "res_model": "account.analytic.line",
            "view_mode": "tree,form",
            "views": [
                (self.env.ref("hr_timesheet.hr_timesheet_line_tree").id, "tree"),
                (self.env.ref("hr_timesheet.hr_timesheet_line_form").id, "form"),
            ],
            "domain": [
                ("employee_id", "=", self.employee_id.id),
                ("date", "=", self.date),
                ("project_id", "!=", False),
            ],
            "context": {
                "default_employee_id": self.employee_id.id,
                "default_date": self.date,
            },
        }
