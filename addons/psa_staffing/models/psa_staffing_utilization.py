from collections import defaultdict

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.tools import split_every

from .psa_staffing_daily_load import days_between

# Hours kept per row; the percentages are ratios of their sums.
HOUR_FIELDS = (
    "capacity_hours",
    "provisional_hours",
    "confirmed_hours",
    "billable_hours",
    "non_billable_hours",
    "target_hours",
    "variance_hours",
)
# Percentage field: (numerator, denominator), both summed in a group.
RATIO_FIELDS = {
    "utilization_percent": ("billable_hours", "capacity_hours"),
    "target_percent": ("target_hours", "capacity_hours"),
    "variance_percent": ("variance_hours", "capacity_hours"),
}
# Serializes refreshes: a button and the cron of another node never interleave
# their DELETE and INSERT of the same range.
REFRESH_LOCK = 0x7053_5554  # "pSUT"
CRON_MONTHS_BACK = 2
CRON_MONTHS_AHEAD = 3
CRON_BATCH_SIZE = 500  # employees per committed batch of the nightly rebuild


def ratio(numerator, denominator):
    """``numerator`` as a percentage of ``denominator`` (0 without one)."""
    return 100.0 * numerator / denominator if denominator else 0.0


class PsaStaffingUtilization(models.Model):
    """Utilization by employee and period, as pivot, graph and list.

    Capacity comes from working calendars and leave, so it cannot be a SQL
    view: rows are rebuilt for a range of months by ``_refresh`` (the
    *Refresh* button, and nightly). A row covers a slice of days inside one
    ISO week and one month, so grouping by week or by month is exact.

    Hours are stored and summed; the percentages are stored per row for the
    list, and recomputed from the summed hours for every group
    (``read_group``), so a group's utilization is its billable hours over its
    capacity, never an average of percentages.

    Billable time: timesheet lines with a sales order item, or on a project
    that is billable (``allow_billable``). Utilization is billable hours over
    capacity; the target comes from the employee, else from the job.
    """

    _name = "psa.staffing.utilization"
    _description = "Utilization"
    _order = "date desc, employee_id"
    _rec_name = "employee_id"

    employee_id = fields.Many2one(
        "hr.employee", required=True, index=True, ondelete="cascade", readonly=True
    )
    job_id = fields.Many2one("hr.job", string="Job Position", readonly=True)
    department_id = fields.Many2one("hr.department", readonly=True)
    company_id = fields.Many2one(
        "res.company", required=True, index=True, readonly=True
    )
    date = fields.Date(string="Period Start", required=True, index=True, readonly=True)
    date_end = fields.Date(string="Period End", required=True, readonly=True)
    capacity_hours = fields.Float(
        string="Capacity (h)",
        readonly=True,
        help="Working hours net of validated leave and public holidays.",
    )
    provisional_hours = fields.Float(string="Provisional (h)", readonly=True)
    confirmed_hours = fields.Float(string="Confirmed (h)", readonly=True)
    billable_hours = fields.Float(string="Billable (h)", readonly=True)
    non_billable_hours = fields.Float(string="Non-billable (h)", readonly=True)
    target_hours = fields.Float(
        string="Target (h)", readonly=True, help="Capacity times the target."
    )
    variance_hours = fields.Float(
        string="Variance (h)", readonly=True, help="Billable hours minus target hours."
    )
    utilization_percent = fields.Float(
        string="Utilization (%)",
        group_operator="avg",
        readonly=True,
        help="Billable hours over capacity.",
    )
    target_percent = fields.Float(
        string="Target (%)", group_operator="avg", readonly=True
    )
    variance_percent = fields.Float(
        string="Variance (%)",
        group_operator="avg",
        readonly=True,
        help="Utilization minus target.",
    )

    @api.model
    def read_group(
        self, domain, fields, groupby, offset=0, limit=None, orderby=False, lazy=True
    ):
        """Percentages of a group are the ratio of its summed hours."""
        names = {spec.split(":")[0] for spec in fields} if fields else set(self._fields)
        ratios = [name for name in RATIO_FIELDS if name in names]
        missing = {part for name in ratios for part in RATIO_FIELDS[name]} - names
        groups = super().read_group(
            domain,
            list(fields) + [f"{name}:sum" for name in sorted(missing)],
            groupby,
            offset=offset,
            limit=limit,
            orderby=orderby,
            lazy=lazy,
        )
        for group in groups:
            for name in ratios:
                numerator, denominator = RATIO_FIELDS[name]
                group[name] = ratio(group[numerator] or 0.0, group[denominator] or 0.0)
        return groups

    @api.model
    def _cron_refresh(self, batch_size=CRON_BATCH_SIZE):
        """Rebuild the months around today for every company, ``batch_size``
        employees at a time, each batch committed: a crash keeps the batches
        done (the others keep last night's rows), and the next night rebuilds
        them all again. Then the rows of employees no longer reported
        (archived, or gone) are deleted."""
        today = fields.Date.context_today(self)
        date_from = today + relativedelta(months=-CRON_MONTHS_BACK, day=1)
        date_to = today + relativedelta(months=CRON_MONTHS_AHEAD, day=31)
        companies = self.env["res.company"].sudo().search([])
        employees = self._reported_employees(companies)
        batch_helper = self.env["psa.batch"]
        for batch in split_every(batch_size, employees.ids, employees.browse):
            self._refresh(date_from, date_to, companies, batch)
            batch_helper._commit_batch()
        self.env.cr.execute(
            "DELETE FROM psa_staffing_utilization"
            " WHERE date >= %s AND date <= %s AND company_id IN %s"
            " AND NOT employee_id = ANY(%s)",
            [date_from, date_to, tuple(companies.ids), employees.ids],
        )
        self.invalidate_model()

    @api.model
    def _reported_employees(self, companies):
        """The employees of ``companies`` the report covers (sudo: calendars,
        leave and targets are HR officers' data)."""
        return (
            self.env["hr.employee"]
            .sudo()
            .search([("company_id", "in", companies.ids)], order="id")
        )

    @api.model
    def _refresh(self, date_from, date_to, companies=None, employees=None):
        """Replace the rows of the months from ``date_from`` to ``date_to``
        for ``companies`` (default: the selected ones), or only those of
        ``employees``: one DELETE, one batch of figures, one create. Running it
        twice gives the same rows."""
        self.check_access_rights("unlink")
        self.check_access_rights("create")
        companies = companies or self.env.companies
        date_from = date_from + relativedelta(day=1)
        date_to = date_to + relativedelta(day=31)
        self.env.cr.execute("SELECT pg_advisory_xact_lock(%s)", [REFRESH_LOCK])
        every_employee = employees is None
        if every_employee:
            employees = self._reported_employees(companies)
        loads = self.env["psa.staffing.daily.load"]._compute_days(
            employees, date_from, date_to
        )
        timesheets = self._timesheet_hours(employees, date_from, date_to)
        periods = [
            (start, end, days_between(start, end))
            for start, end in self._periods(date_from, date_to)
        ]
        vals_list = []
        for employee in employees:
            days = dict(loads[employee.id], **timesheets[employee.id])
            target = employee._psa_utilization_target()
            for start, end, period_days in periods:
                hours = {
                    key: round(sum(by_day.get(day, 0.0) for day in period_days), 2)
                    for key, by_day in days.items()
                }
                if any(hours.values()):
                    vals_list.append(
                        self._prepare_utilization_vals(
                            employee, start, end, hours, target
                        )
                    )
        self.env.flush_all()
        self.env.cr.execute(
            "DELETE FROM psa_staffing_utilization"
            " WHERE date >= %s AND date <= %s AND company_id IN %s"
            " AND (%s OR employee_id = ANY(%s))",
            [
                date_from,
                date_to,
                tuple(companies.ids),
                every_employee,
                employees.ids,
            ],
        )
        self.invalidate_model()
        return self.create(vals_list)

    @api.model
    def _periods(self, date_from, date_to):
        """Slices of days from ``date_from`` to ``date_to``, cut on Mondays and
        on the first day of each month."""
        periods = []
        for day in days_between(date_from, date_to):
            if not periods or day.weekday() == 0 or day.day == 1:
                periods.append([day, day])
            periods[-1][1] = day
        return [tuple(period) for period in periods]

    @api.model
    def _timesheet_hours(self, employees, date_from, date_to):
        """Timesheeted hours per employee id, ``billable`` and
        ``non_billable``, by day: two ``_read_group`` on timesheet lines."""
        result = defaultdict(
            lambda: {"billable": defaultdict(float), "non_billable": defaultdict(float)}
        )
        common = [
            ("project_id", "!=", False),
            ("employee_id", "in", employees.ids),
            ("date", ">=", date_from),
            ("date", "<=", date_to),
        ]
        billable = [
            "|",
            ("so_line", "!=", False),
            ("project_id.allow_billable", "=", True),
        ]
        Line = self.env["account.analytic.line"].sudo()
        as_date = self.env["psa.staffing.capacity"]._as_date
        for key, domain in (
            ("billable", common + billable),
            ("non_billable", common + ["!", *billable]),
        ):
            for employee, day, hours in Line._read_group(
                domain, ["employee_id", "date:day"], ["unit_amount:sum"]
            ):
                result[employee.id][key][as_date(day)] += hours
        return result

    @api.model
    def _prepare_utilization_vals(self, employee, date_from, date_to, hours, target):
        """Values of one row from its summed ``hours`` (keys ``capacity``,
        ``provisional``, ``confirmed``, ``billable``, ``non_billable``)."""
        target_hours = round(hours["capacity"] * target / 100.0, 2)
        return {
            "employee_id": employee.id,
            "job_id": employee.job_id.id,
            "department_id": employee.department_id.id,
            "company_id": employee.company_id.id,
            "date": date_from,
            "date_end": date_to,
            "capacity_hours": hours["capacity"],
            "provisional_hours": hours["provisional"],
            "confirmed_hours": hours["confirmed"],
            "billable_hours": hours["billable"],
            "non_billable_hours": hours["non_billable"],
            "target_hours": target_hours,
            "variance_hours": hours["billable"] - target_hours,
            "utilization_percent": ratio(hours["billable"], hours["capacity"]),
            "target_percent": target,
            "variance_percent": ratio(
                hours["billable"] - target_hours, hours["capacity"]
            ),
        }
