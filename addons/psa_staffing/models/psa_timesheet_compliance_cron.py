import threading
from collections import defaultdict

from odoo import _, api, fields, models

BATCH_SIZE = 500
REMINDER_TYPE = "psa_staffing.mail_activity_type_timesheet_missing"
EXCEPTION_KIND = "timesheet_missing"


class PsaTimesheetCompliance(models.Model):
    """The nightly timesheet compliance check.

    Employees are claimed in batches with ``FOR UPDATE SKIP LOCKED`` and
    marked as checked for the night, so several cron workers never take the
    same employee and a run that crashed half-way is completed by the next
    one. Reminders and escalations are states, not events: an employee with
    missing days has one open reminder activity, one whose days are all
    filled has none; an employee with at least the configured number of
    missing days has one open exception owned by their manager.

    A batch costs the same number of queries whatever its size: expected
    hours come from ``psa.staffing.expected.hours``, logged hours from one
    ``_read_group``, rows are written with one upsert, and reminders and
    escalations are opened or
    closed together. Nothing is posted in any chatter.
    """

    _inherit = "psa.timesheet.compliance"

    @api.model
    def _compliance_settings(self):
        """Window (working days), escalation (missing days) and tolerance
        (hours per day), from Settings."""
        params = self.env["ir.config_parameter"].sudo()

        def number(key, default, cast):
            try:
                return max(cast(params.get_param(key, default)), 0)
            except (TypeError, ValueError):
                return default

        return {
            "window": number("psa_staffing.compliance_window_days", 5, int) or 5,
            "escalation": number("psa_staffing.compliance_escalation_days", 3, int)
            or 3,
            "tolerance": number("psa_staffing.compliance_tolerance_hours", 0.5, float),
        }

    @api.model
    def _cron_timesheet_compliance(self, batch_size=BATCH_SIZE, today=None):
        """Check every active employee with a working calendar once a night."""
        today = today or fields.Date.context_today(self)
        settings = self._compliance_settings()
        calendars = {}  # per run only: working days per (calendar, time zone)
        self._release_departed()
        while True:
            employee_ids = self._claim_employees(today, batch_size)
            if not employee_ids:
                return
            self._check_employees(employee_ids, today, settings, calendars)
            self.env.cr.execute(
                "UPDATE hr_employee SET timesheet_compliance_date = %s"
                " WHERE id = ANY(%s)",
                [today, employee_ids],
            )
            self._commit_batch()

    @api.model
    def _release_departed(self):
        """Close the reminders and escalations of employees who are no longer
        checked (archived, or without working calendar): nobody would close
        them otherwise. Two searches when there are none."""
        activity_type = self.env.ref(REMINDER_TYPE)
        reminders = (
            self.env["mail.activity"]
            .sudo()
            .search(
                [
                    ("activity_type_id", "=", activity_type.id),
                    ("res_model", "=", "hr.employee"),
                ]
            )
        )
        escalated = (
            self.env["psa.exception"]
            .sudo()
            .search(
                [
                    ("kind", "=", EXCEPTION_KIND),
                    ("res_model", "=", "hr.employee"),
                    ("state", "=", "open"),
                ]
            )
        )
        ids = set(reminders.mapped("res_id")) | set(escalated.mapped("res_id"))
        departed = (
            self.env["hr.employee"]
            .sudo()
            .with_context(active_test=False)
            .search(
                [
                    ("id", "in", list(ids)),
                    "|",
                    ("active", "=", False),
                    ("resource_calendar_id", "=", False),
                ]
            )
        )
        reminders.filtered(lambda act: act.res_id in departed.ids).unlink()
        self.env["psa.exception"].with_context(
            mail_notrack=True, tracking_disable=True
        )._close_exceptions(departed, EXCEPTION_KIND, _("Employee no longer checked."))

    @api.model
    def _claim_employees(self, today, limit):
        """Lock up to ``limit`` employees not yet checked ``today``."""
        self.env.flush_all()  # the previous batch's writes must be visible
        self.env.cr.execute(
            "SELECT id FROM hr_employee WHERE active"
            " AND resource_calendar_id IS NOT NULL"
            " AND (timesheet_compliance_date IS NULL"
            " OR timesheet_compliance_date < %s)"
            " ORDER BY id LIMIT %s FOR UPDATE SKIP LOCKED",
            [today, limit],
        )
        return [row[0] for row in self.env.cr.fetchall()]

    def _commit_batch(self):
        """Keep each batch's work even if a later batch fails; never inside tests."""
        if not getattr(threading.current_thread(), "testing", False):
            self.env.cr.commit()  # pylint: disable=invalid-commit

    @api.model
    def _check_employees(self, employee_ids, today, settings=None, calendars=None):
        """Compare expected and logged hours of ``employee_ids`` over the
        window before ``today``; write the rows, reminders and escalations.

        Returns ``{employee_id: missing days}``.
        """
        settings = settings or self._compliance_settings()
        found = self._aggregate(employee_ids, today, settings, calendars)
        if not found:
            return {}
        staff, first_days, rows, missing_days = found
        self._write_rows(staff, first_days, rows, today)
        self._sync_reminders(staff, missing_days, today)
        self._sync_escalations(staff, missing_days, settings["escalation"])
        return {emp: missing_days.get(emp, 0) for emp in staff}

    @api.model
    def _aggregate(self, employee_ids, today, settings, calendars=None):
        """The rows of ``employee_ids``, without writing anything: returns
        ``(facts per employee, first day of each window, rows, missing days
        per employee)``, or None for no employee."""
        calendars = {} if calendars is None else calendars
        staff = self._employee_facts(employee_ids)
        if not staff:
            return None
        expected, first_days = self.env["psa.staffing.expected.hours"]._compute(
            staff, today, settings["window"], calendars
        )
        start = min((day for days in expected.values() for day in days), default=today)
        logged = self._logged_hours(list(staff), start, today)
        rows = []
        missing_days = defaultdict(int)
        for employee_id, days in expected.items():
            for day, hours in days.items():
                done = logged.get((employee_id, day), 0.0)
                gap = max(hours - done, 0.0)
                state = "missing" if gap > settings["tolerance"] else "ok"
                missing_days[employee_id] += state == "missing"
                rows.append(
                    (employee_id, day, hours, done, min(done, hours), gap, state)
                )
        return staff, first_days, rows, missing_days

    @api.model
    def _employee_facts(self, employee_ids):
        """What a batch needs of each employee, in one query."""
        self.env["hr.employee"].flush_model()
        self.env.cr.execute(
            """SELECT e.id, e.resource_id, e.resource_calendar_id,
                      COALESCE(r.tz, c.tz, 'UTC'), e.department_id, e.company_id,
                      e.user_id, m.user_id
                 FROM hr_employee e
                 JOIN resource_resource r ON r.id = e.resource_id
                 JOIN resource_calendar c ON c.id = e.resource_calendar_id
            LEFT JOIN hr_employee m ON m.id = e.parent_id
                WHERE e.id = ANY(%s)""",
            [list(employee_ids)],
        )
        keys = ("resource", "calendar", "tz", "department", "company", "user")
        return {
            row[0]: dict(zip(keys + ("manager",), row[1:], strict=True))
            for row in self.env.cr.fetchall()
        }

    @api.model
    def _logged_hours(self, employee_ids, date_from, date_to):
        """Project timesheet hours ``{(employee_id, date): hours}`` from
        ``date_from`` until the day before ``date_to``, in one query."""
        # one plain GROUP BY: the ORM's _read_group would build a record per group
        self.env["account.analytic.line"].flush_model(
            ["employee_id", "project_id", "date", "unit_amount"]
        )
        self.env.cr.execute(
            "SELECT employee_id, date, sum(unit_amount) FROM account_analytic_line"
            " WHERE employee_id = ANY(%s) AND project_id IS NOT NULL"
            " AND date >= %s AND date < %s GROUP BY employee_id, date",
            [list(employee_ids), date_from, date_to],
        )
        return {
            (employee, day): hours for employee, day, hours in self.env.cr.fetchall()
        }

    @api.model
    def _write_rows(self, staff, first_days, rows, today):
        """Write the batch's new and changed rows, and delete its rows of
        window days no longer expected (leave validated since): three queries,
        and unchanged rows are neither written nor locked."""
        self.flush_model()
        self.env.cr.execute(
            """SELECT id, employee_id, date, expected_hours, logged_hours, state,
                      user_id, manager_user_id, department_id, company_id
                 FROM psa_timesheet_compliance
                WHERE employee_id = ANY(%s) AND date >= %s AND date < %s""",
            [list(staff), min(first_days.values(), default=today), today],
        )
        existing = {(row[1], row[2]): row for row in self.env.cr.fetchall()}
        changed = []
        for row in rows:
            facts = staff[row[0]]
            values = (
                *row,
                facts["user"],
                facts["manager"],
                facts["department"],
                facts["company"],
            )
            old = existing.pop((row[0], row[1]), None)
            if old is None or old[3:] != (*row[2:4], row[6], *values[7:]):
                changed.append(values)
        stale = [
            old[0]
            for (employee_id, day), old in existing.items()
            if employee_id in first_days and day >= first_days[employee_id]
        ]
        self._upsert_rows(changed)
        self.env.cr.execute(
            "DELETE FROM psa_timesheet_compliance WHERE id = ANY(%s)", [stale]
        )
        self.invalidate_model()

    @api.model
    def _upsert_rows(self, values):
        """Insert or update rows given as ``(employee, date, expected, logged,
        covered, missing, state, user, manager, department, company)``; on a
        conflict with a concurrent run, the last write wins."""
        columns = list(zip(*values, strict=True)) or [[]] * 11
        self.env.cr.execute(
            """INSERT INTO psa_timesheet_compliance
                   (employee_id, date, expected_hours, logged_hours, covered_hours,
                    missing_hours, state, user_id, manager_user_id, department_id,
                    company_id, create_uid, write_uid, create_date, write_date)
               SELECT t.*, %s, %s, now() at time zone 'UTC', now() at time zone 'UTC'
                 FROM unnest(%s::int[], %s::date[], %s::float8[], %s::float8[],
                             %s::float8[], %s::float8[], %s::varchar[], %s::int[],
                             %s::int[], %s::int[], %s::int[]) AS t
           ON CONFLICT (employee_id, date) DO UPDATE SET
                   expected_hours = EXCLUDED.expected_hours,
                   logged_hours = EXCLUDED.logged_hours,
                   covered_hours = EXCLUDED.covered_hours,
                   missing_hours = EXCLUDED.missing_hours,
                   state = EXCLUDED.state,
                   user_id = EXCLUDED.user_id,
                   manager_user_id = EXCLUDED.manager_user_id,
                   department_id = EXCLUDED.department_id,
                   company_id = EXCLUDED.company_id,
                   write_uid = EXCLUDED.write_uid,
                   write_date = EXCLUDED.write_date""",
            [self.env.uid, self.env.uid, *(list(column) for column in columns)],
        )

    @api.model
    def _sync_reminders(self, staff, missing_days, today):
        """Open a reminder for each employee with a user and missing days who
        has none; delete those of employees with no missing day left."""
        activity_type = self.env.ref(REMINDER_TYPE)
        activities = (
            self.env["mail.activity"]
            .sudo()
            .with_context(
                mail_activity_quick_update=True, psa_compliance_no_subscribe=True
            )
        )
        current = activities.search(
            [
                ("activity_type_id", "=", activity_type.id),
                ("res_model", "=", "hr.employee"),
                ("res_id", "in", list(staff)),
            ]
        )
        reminded = set(current.mapped("res_id"))
        current.filtered(lambda act: not missing_days.get(act.res_id)).unlink()
        model_id = self.env["ir.model"]._get_id("hr.employee")
        to_remind = [
            employee_id
            for employee_id, facts in staff.items()
            if missing_days.get(employee_id)
            and facts["user"]
            and employee_id not in reminded
        ]
        # mail.activity recomputes its (readonly) document name one record at
        # a time: read the names at once, in the same cache
        names = {
            emp.id: emp.display_name
            for emp in activities.env["hr.employee"].browse(to_remind)
        }
        activities.create(
            [
                {
                    "res_model_id": model_id,
                    "res_id": employee_id,
                    "activity_type_id": activity_type.id,
                    "user_id": staff[employee_id]["user"],
                    "date_deadline": today,
                    # given: one INSERT instead of one UPDATE per reminder
                    "res_name": names[employee_id],
                    "date_done": False,
                    "summary": _("Fill in your missing timesheets"),
                    "note": _(
                        "%(days)s working day(s) have fewer hours logged than"
                        " your working schedule expects. See Staffing >"
                        " Reporting > Timesheet Compliance.",
                        days=missing_days[employee_id],
                    ),
                }
                for employee_id in to_remind
            ]
        )

    @api.model
    def _sync_escalations(self, staff, missing_days, threshold):
        """Open an exception owned by the manager for each employee with at
        least ``threshold`` missing days; resolve the others'."""
        exceptions = self.env["psa.exception"].with_context(
            mail_notrack=True, tracking_disable=True
        )
        employees = self.env["hr.employee"].sudo().browse(list(staff))
        late = employees.filtered(lambda emp: missing_days.get(emp.id, 0) >= threshold)
        users = self.env["res.users"].sudo()
        if late:
            exceptions._open_exceptions(
                late,
                EXCEPTION_KIND,
                lambda emp: _(
                    "%(employee)s has not logged their time for %(days)s working days",
                    employee=emp.name,
                    days=missing_days[emp.id],
                ),
                owner=lambda emp: users.browse(staff[emp.id]["manager"]),
            )
        exceptions._close_exceptions(
            employees - late, EXCEPTION_KIND, _("Timesheets filled in.")
        )
