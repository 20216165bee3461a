from collections import defaultdict
from datetime import datetime, time, timedelta

from odoo import _, api, models

from .psa_staffing_watch import BATCH_SIZE

ANOMALY = "timesheet_anomaly"
# Lines of the last week, and lines written in the last week whatever their
# date (filled in late), are checked every night, flagged ones until fixed.
LOOKBACK_DAYS = 7
WEEKEND = (5, 6)  # Saturday, Sunday


def _as_date(value):
    return value.date() if isinstance(value, datetime) else value


class PsaStaffingWatchAnomaly(models.AbstractModel):
    """Timesheet anomalies, flagged for a person, never rejected: more hours
    in a day than the setting (default 12), time on a day of validated
    full-day time off, on a weekend, or on a project without an allocation of
    the employee that day. Lines of time off and the company's internal
    project are not timesheets of client work and are left alone."""

    _name = "psa.staffing.watch.anomaly"
    _inherit = "psa.staffing.watch"
    _description = "Staffing Watch: Timesheet Anomalies"

    @api.model
    def _watch(self, batch_size=BATCH_SIZE):
        """Flag or unflag the timesheet lines of the last week, those written
        in the last week (a month-end catch-up of old days) and the lines
        flagged before, batch by batch."""
        since = self._today() - timedelta(days=LOOKBACK_DAYS)
        domain = [
            *self._timesheet_domain(),
            "|",
            "|",
            ("date", ">=", since),
            ("write_date", ">=", datetime.combine(since, time.min)),
            ("psa_anomaly", "!=", False),
        ]
        for lines in self._walk("account.analytic.line", domain, batch_size):
            self._flag(lines)

    @api.model
    def _timesheet_domain(self):
        """Timesheet lines a person logged (project_timesheet_holidays' lines
        for time off and public holidays excluded)."""
        domain = [("project_id", "!=", False), ("employee_id", "!=", False)]
        fields = self.env["account.analytic.line"]._fields
        for name in ("holiday_id", "global_leave_id"):
            if name in fields:
                domain.append((name, "=", False))
        return domain

    def _flag(self, lines):
        """Write the anomalies of ``lines`` (one write per distinct text) and
        open or resolve their exceptions."""
        reasons = self._reasons(lines)
        by_text = defaultdict(list)
        for line in lines:
            text = "; ".join(reasons[line.id]) or False
            if (line.psa_anomaly or False) != text:
                by_text[text].append(line.id)
        for text, ids in by_text.items():
            lines.browse(ids).write({"psa_anomaly": text})
        flagged = lines.filtered("psa_anomaly")
        exceptions = self.env["psa.exception"]
        if flagged:
            exceptions._open_exceptions(
                flagged,
                ANOMALY,
                lambda line: _(
                    "%(employee)s, %(date)s, %(hours)s h on %(project)s: %(anomaly)s",
                    employee=line.employee_id.name,
                    date=line.date,
                    hours=round(line.unit_amount, 2),
                    project=line.project_id.name,
                    anomaly=line.psa_anomaly,
                ),
                owner=lambda line: (
                    line.employee_id.parent_id.user_id
                    or line.employee_id.leave_manager_id
                ),
            )
        if lines - flagged:
            exceptions._close_exceptions(
                lines - flagged,
                ANOMALY,
                _("The timesheet line is no longer an anomaly."),
            )

    def _reasons(self, lines):
        """Anomalies of each line, by line id; a fixed number of queries."""
        limit = self._watch_param("watch_max_daily_hours", 12.0)
        first, last = min(lines.mapped("date")), max(lines.mapped("date"))
        employees = lines.employee_id
        totals = self._day_totals(employees, first, last)
        leave_days = self._leave_days(employees, first, last)
        booked = self._booked(employees, lines.project_id, first, last)
        internal = set(
            self.env["res.company"].sudo().search([]).internal_project_id.ids
        )
        reasons = defaultdict(list)
        for line in lines:
            key = (line.employee_id.id, line.date)
            if totals.get(key, 0.0) > limit:
                reasons[line.id].append(
                    _("More than %(limit)s h in the day", limit=f"{limit:g}")
                )
            if any(f <= line.date <= t for f, t in leave_days[line.employee_id.id]):
                reasons[line.id].append(_("On time off"))
            if line.date.weekday() in WEEKEND:
                reasons[line.id].append(_("On a weekend"))
            spans = booked[(line.employee_id.id, line.project_id.id)]
            if line.project_id.id not in internal and not any(
                f <= line.date <= t for f, t in spans
            ):
                reasons[line.id].append(_("No allocation on the project"))
        return reasons

    def _day_totals(self, employees, first, last):
        groups = self.env["account.analytic.line"]._read_group(
            [
                *self._timesheet_domain(),
                ("employee_id", "in", employees.ids),
                ("date", ">=", first),
                ("date", "<=", last),
            ],
            ["employee_id", "date:day"],
            ["unit_amount:sum"],
        )
        return {(employee.id, _as_date(day)): hours for employee, day, hours in groups}

    def _leave_days(self, employees, first, last):
        """Spans of validated full-day time off per employee id (half days and
        hours off leave room for work)."""
        return self.env["hr.leave"]._psa_spans_by_employee(
            employees, first, last, full_days=True
        )

    def _booked(self, employees, projects, first, last):
        """Allocation spans per (employee id, project id), any booking state."""
        allocations = self.env["psa.allocation"].search_read(
            [
                ("employee_id", "in", employees.ids),
                ("project_id", "in", projects.ids),
                ("date_start", "<=", last),
                ("date_end", ">=", first),
            ],
            ["employee_id", "project_id", "date_start", "date_end"],
            load=None,
        )
        spans = defaultdict(list)
        for alloc in allocations:
            spans[(alloc["employee_id"], alloc["project_id"])].append(
                (alloc["date_start"], alloc["date_end"])
            )
        return spans
