from odoo import _, api, fields, models

from .psa_staffing_expected_hours import (
    EXPECTED_SQL,
    ExpectedHoursCache,
    array_literal,
)

BATCH_SIZE = 1000
REMINDER_TYPE = "psa_staffing.mail_activity_type_timesheet_missing"
EXCEPTION_KIND = "timesheet_missing"

# The rows of a batch: expected hours per working day (see EXPECTED_SQL)
# against project timesheet hours. The planner cannot know how many rows
# the arrays give: lateral joins (index probes per employee or day) and NOT IN
# (a hashed set) keep it from joining whole result sets the slow way.
ROWS_SQL = (
    EXPECTED_SQL
    + """
, rows (employee_id, day, expected, logged, covered, missing, state,
          department_id) AS (
        SELECT x.employee_id, x.day, x.hours, l.hours, LEAST(l.hours, x.hours),
               GREATEST(x.hours - l.hours, 0.0),
               CASE WHEN x.hours - l.hours > %(tolerance)s
                    THEN 'missing' ELSE 'ok' END,
               x.department_id
          FROM expected x
    CROSS JOIN LATERAL (
               SELECT COALESCE(sum(a.unit_amount), 0.0)::float8 AS hours
                 FROM account_analytic_line a
                WHERE a.employee_id = x.employee_id AND a.date = x.day
                  AND a.project_id IS NOT NULL
               ) l
), missing_days (employee_id, days) AS (
        SELECT employee_id, count(*) FROM rows WHERE state = 'missing'
      GROUP BY employee_id
)
"""
)

MISSING_DAYS_SQL = "SELECT employee_id, days FROM missing_days"

# Reads the batch's rows of the window once (``old``: one index range per
# employee), inserts the new rows, updates the changed ones (an unchanged row
# is neither rewritten nor locked), deletes the rows of window days no longer
# expected (leave validated since), and returns the missing days of employees
# who have some. A plain INSERT, not an upsert: the window's rows are all in
# ``old``, and an upsert pays a speculative insertion per row (about a tenth
# of a first night). Employees are locked by their batch's claim, so no other
# worker writes their rows meanwhile; one with an older snapshot fails on the
# unique index rather than write twice. NOT IN is answered with a hash table,
# whatever PostgreSQL's (poor) estimates of the arrays' rows.
WRITE_ROWS_SQL = (
    """
, old AS MATERIALIZED (
        SELECT o.*
          FROM first_days f
    CROSS JOIN LATERAL (
               SELECT id, employee_id, date, expected_hours, logged_hours, state,
                      COALESCE(department_id, 0) AS department
                 FROM psa_timesheet_compliance
                WHERE employee_id = f.employee_id AND date >= f.day
                  AND date < %(today)s
               OFFSET 0) o  -- a fence: one index range per employee
), inserted AS (
        INSERT INTO psa_timesheet_compliance
               (employee_id, date, expected_hours, logged_hours, covered_hours,
                missing_hours, state, department_id)
        SELECT r.employee_id, r.day, r.expected, r.logged, r.covered, r.missing,
               r.state, r.department_id
          FROM rows r
         WHERE (r.employee_id, r.day) NOT IN (SELECT employee_id, date FROM old)
), updated AS (
        UPDATE psa_timesheet_compliance c
           SET expected_hours = r.expected, logged_hours = r.logged,
               covered_hours = r.covered, missing_hours = r.missing,
               state = r.state, department_id = r.department_id
          FROM old o
          JOIN rows r ON r.employee_id = o.employee_id AND r.day = o.date
         WHERE c.id = o.id
           AND (r.expected, r.logged, r.state, COALESCE(r.department_id, 0))
               IS DISTINCT FROM (o.expected_hours, o.logged_hours, o.state,
                                 o.department)
), stale AS (
        DELETE FROM psa_timesheet_compliance
         WHERE id IN (
               SELECT id FROM old
                WHERE (employee_id, date) NOT IN (SELECT employee_id, day FROM rows))
)
"""
    + MISSING_DAYS_SQL
)


class PsaTimesheetCompliance(models.Model):
    """The nightly timesheet compliance check.

    Employees are claimed in batches with ``FOR UPDATE SKIP LOCKED`` and
    marked as checked for the night, so several cron workers never take the
    same employee and a run that crashed half-way is completed by the next
    one. Reminders and escalations are states, not events: an employee with
    missing days has one open reminder activity, one whose days are all
    filled has none; an employee with at least the configured number of
    missing days has one open exception owned by their manager.

    A batch costs the same number of queries whatever its size, and most of
    its work is done by PostgreSQL: a run reads its employees and the working
    spans of their calendars once (``psa.staffing.expected.hours``), then one
    statement per batch subtracts validated leave, joins the logged hours,
    writes the changed rows and returns the missing days per employee.
    Reminders and escalations are then opened or closed together. Nothing is
    posted in any chatter.
    """

    _inherit = "psa.timesheet.compliance"

    @api.model
    def _compliance_settings(self):
        """Window (working days), escalation (missing days) and tolerance
        (hours per day), from Settings."""
        param = self.env["psa.batch"]._param
        return {
            "window": max(param("psa_staffing.compliance_window_days", 5, int), 0) or 5,
            "escalation": max(
                param("psa_staffing.compliance_escalation_days", 3, int), 0
            )
            or 3,
            "tolerance": max(
                param("psa_staffing.compliance_tolerance_hours", 0.5, float), 0
            ),
        }

    @api.model
    def _cron_timesheet_compliance(self, batch_size=BATCH_SIZE, today=None):
        """Check every active employee with a working calendar once a night."""
        today = today or fields.Date.context_today(self)
        settings = self._compliance_settings()
        cache = ExpectedHoursCache()  # employees and calendars, read once a run
        self._release_departed()
        after = 0  # claims go on from the last employee claimed
        while True:
            employee_ids = self._claim_employees(today, batch_size, after)
            if not employee_ids:
                if not after:
                    return
                after = 0  # once more from the first: those another worker held
                continue
            self._check_employees(employee_ids, today, settings, cache)
            self._mark_checked(employee_ids, today)
            self.env["psa.batch"]._commit_batch()
            after = employee_ids[-1]

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
    def _claim_employees(self, today, limit, after=0):
        """Lock up to ``limit`` employees not yet checked ``today``, from the
        first one after the id ``after`` (so that a run does not scan again
        the employees it checked).

        Another worker skips them while they are locked. One that read the
        marks before this batch committed cannot mark them again either: under
        Odoo's repeatable read, its upsert of the marks fails on the rows this
        batch wrote, and its batch is rolled back."""
        self.env.flush_all()  # the previous batch's writes must be visible
        self.env.cr.execute(
            "SELECT e.id FROM hr_employee e"
            " LEFT JOIN psa_timesheet_compliance_mark k ON k.employee_id = e.id"
            " WHERE e.active AND e.resource_calendar_id IS NOT NULL"
            " AND (k.date IS NULL OR k.date < %s) AND e.id > %s"
            " ORDER BY e.id LIMIT %s FOR UPDATE OF e SKIP LOCKED",
            [today, after, limit],
        )
        return [row[0] for row in self.env.cr.fetchall()]

    @api.model
    def _mark_checked(self, employee_ids, today):
        """Mark ``employee_ids`` as checked ``today``, in one query."""
        self.env.cr.execute(
            "INSERT INTO psa_timesheet_compliance_mark (employee_id, date)"
            " SELECT unnest(%s::int[]), %s ON CONFLICT (employee_id)"
            " DO UPDATE SET date = EXCLUDED.date",
            [array_literal(employee_ids), today],
        )

    @api.model
    def _check_employees(self, employee_ids, today, settings=None, cache=None):
        """Compare expected and logged hours of ``employee_ids`` over the
        window before ``today``; write the rows, reminders and escalations.
        ``cache``: the run's ``ExpectedHoursCache``.

        Returns ``{employee_id: missing days}``.
        """
        settings = settings or self._compliance_settings()
        cache = cache or ExpectedHoursCache()
        params = self._rows_params(employee_ids, today, settings, cache)
        self.flush_model()
        self.env.cr.execute(ROWS_SQL + WRITE_ROWS_SQL, params)
        missing = dict(self.env.cr.fetchall())
        self.invalidate_model()
        staff = {emp: cache.employees[emp] for emp in params["staff"]}
        missing_days = {emp: missing.get(emp, 0) for emp in staff}
        self._sync_reminders(staff, missing_days, today)
        self._sync_escalations(staff, missing_days, settings["escalation"])
        return missing_days

    @api.model
    def _aggregate(self, employee_ids, today, settings, cache=None):
        """``{employee_id: missing days}`` over the window before ``today``,
        without writing anything."""
        params = self._rows_params(
            employee_ids, today, settings, cache or ExpectedHoursCache()
        )
        self.env.cr.execute(ROWS_SQL + MISSING_DAYS_SQL, params)
        missing = dict(self.env.cr.fetchall())
        return {emp: missing.get(emp, 0) for emp in params["staff"]}

    @api.model
    def _rows_params(self, employee_ids, today, settings, cache):
        """The parameters of ``ROWS_SQL`` for a batch."""
        self.env.flush_all()  # the statement reads employees, leave, timesheets
        params = self.env["psa.staffing.expected.hours"]._expected_params(
            employee_ids, today, settings["window"], cache
        )
        params.update(today=today, tolerance=settings["tolerance"])
        return params

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
        # ids only: reading whole activities would cost more than the check
        activities.flush_model(["activity_type_id", "res_model", "res_id"])
        self.env.cr.execute(
            "SELECT id, res_id FROM mail_activity WHERE activity_type_id = %s"
            " AND res_model = 'hr.employee' AND res_id = ANY(%s::int[])",
            [activity_type.id, array_literal(staff)],
        )
        current = dict(self.env.cr.fetchall())
        reminded = set(current.values())
        activities.browse(
            [act for act, emp in current.items() if not missing_days.get(emp)]
        ).unlink()
        model_id = self.env["ir.model"]._get_id("hr.employee")
        to_remind = [
            employee_id
            for employee_id, facts in staff.items()
            if missing_days.get(employee_id)
            and facts["user"]
            and employee_id not in reminded
        ]
        # mail.activity recomputes its (readonly) document name one record at
        # a time: read the names at once
        names = {
            emp["id"]: emp["name"]
            for emp in activities.env["hr.employee"].browse(to_remind).read(["name"])
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
                    # no note: each would be parsed by the HTML sanitizer
                    "summary": _("Fill in your missing timesheets"),
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
