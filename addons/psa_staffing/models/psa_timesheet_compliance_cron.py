import threading
from collections import defaultdict
from datetime import datetime

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
        calendars = {} if calendars is None else calendars
        staff = self._employee_facts(employee_ids)
        if not staff:
            return {}
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
        self._write_rows(staff, first_days, rows, today)
        self._sync_reminders(staff, missing_days, today)
        self._sync_escalations(staff, missing_days, settings["escalation"])
        return {emp: missing_days.get(emp, 0) for emp in staff}

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
        groups = (
            self.env["account.analytic.line"]
            .sudo()
            ._read_group(
                [
                    ("employee_id", "in", employee_ids),
                    ("project_id", "!=", False),
                    ("date", ">=", date_from),
                    ("date", "<", date_to),
                ],
                ["employee_id", "date:day"],
                ["unit_amount:sum"],
            )
        )
        return {
            (employee.id, day.date() if isinstance(day, datetime) else day): hours
            for employee, day, hours in groups
        }

    @api.model
    def _write_rows(self, staff, first_days, rows, today):
        """Upsert the batch's rows and drop its rows of window days that are
        no longer expected (leave validated since): two queries. A row whose
        values did not change is not touched."""
        self.flush_model()
        facts = [staff[row[0]] for row in rows]
        uid = self.env.uid
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
                   write_date = EXCLUDED.write_date
                WHERE (psa_timesheet_compliance.expected_hours,
                       psa_timesheet_compliance.logged_hours,
                       psa_timesheet_compliance.state,
                       psa_timesheet_compliance.user_id,
                       psa_timesheet_compliance.manager_user_id,
                       psa_timesheet_compliance.department_id,
                       psa_timesheet_compliance.company_id)
                      IS DISTINCT FROM
                      (EXCLUDED.expected_hours, EXCLUDED.logged_hours,
                       EXCLUDED.state, EXCLUDED.user_id, EXCLUDED.manager_user_id,
                       EXCLUDED.department_id, EXCLUDED.company_id)""",
            [
                uid,
                uid,
                [row[0] for row in rows],
                [row[1] for row in rows],
                [row[2] for row in rows],
                [row[3] for row in rows],
                [row[4] for row in rows],
                [row[5] for row in rows],
                [row[6] for row in rows],
                [f["user"] for f in facts],
                [f["manager"] for f in facts],
                [f["department"] for f in facts],
                [f["company"] for f in facts],
            ],
        )
        windows = list(first_days.items())
        self.env.cr.execute(
            """DELETE FROM psa_timesheet_compliance c
                USING unnest(%s::int[], %s::date[]) AS w(employee_id, first_day)
                WHERE c.employee_id = w.employee_id
                  AND c.date >= w.first_day AND c.date < %s
                  AND (c.employee_id, c.date) NOT IN (
                      SELECT * FROM unnest(%s::int[], %s::date[]))""",
            [
                [w[0] for w in windows],
                [w[1] for w in windows],
                today,
                [row[0] for row in rows],
                [row[1] for row in rows],
            ],
        )
        self.invalidate_model()

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
        # mail.activity recomputes its (readonly) document name one record at
        # a time: read the batch's names at once, in the same cache
        names = {
            emp.id: emp.display_name
            for emp in activities.env["hr.employee"].browse(list(staff))
        }
        activities.create(
            [
                {
                    "res_model_id": model_id,
                    "res_id": employee_id,
                    "activity_type_id": activity_type.id,
                    "user_id": facts["user"],
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
                for employee_id, facts in staff.items()
                if missing_days.get(employee_id)
                and facts["user"]
                and employee_id not in reminded
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
