"""Nightly timesheet compliance over a firm's worth of timesheets.

Generates with SQL a firm of SIZE employees (each with a user, on three
working calendars, in 20 teams under 50 managers), a public holiday, validated
leave, 60 working days of project timesheets (two lines a day, some days
missing: ~600,000 lines at full size, stored day after day as they arrive)
and 20,000 allocations. Every time is the best of RUNS (5) runs, the
measures taken in turn: this machine's noise comes in bursts. Prints:

- the aggregation of missing timesheets (expected hours from calendars and
  leave against logged hours, in the scheduled action's batches) against raw
  SQL answering the same question in one statement (``RAW_ANSWER_SQL``:
  working days from the calendars' attendances minus public holidays and
  validated leave, against a GROUP BY of the logged hours): target <= 2x.
  The raw answer is also the oracle: both must find the same missing days;
- the same aggregation against the bare GROUP BY of the logged hours of the
  window, the floor of any answer (it knows nothing of calendars or leave);
- the whole scheduled action (rows, reminders, escalations) against the raw
  answer on a usual night, one new day per employee (target <= 10x), and on
  the first night, the initial load of the window: every row, reminder and
  escalation written at once (printed, see README "Performance");
- the time per employee of the action at 500, 2,000 and SIZE employees
  (best of three; target: within 2.5x of each other);
- the queries of one batch of 100 and of 1,000 employees (target: equal).

SIZE is 5,000 by default; PSA_BENCH_SIZE sets another. Asserts correctness and
query counts only, never times.
"""

import os
import time
from datetime import date, timedelta

from odoo.tests import TransactionCase

from odoo.addons.psa_staffing.models.psa_staffing_expected_hours import (
    ExpectedHoursCache,
)
from odoo.addons.psa_staffing.models.psa_timesheet_compliance_cron import (
    BATCH_SIZE as BATCH,
)

SIZE = int(os.environ.get("PSA_BENCH_SIZE", 5_000))
TODAY = date(2027, 6, 14)  # a Monday
DAYS = 60
HOLIDAY = TODAY - timedelta(days=5)  # the Wednesday before
RUNS = 5


# Missing days per employee in raw SQL, written by hand for the bench's
# one-week calendars: each calendar's attendance spans in its time zone, net of
# public holidays, give the working days; the last ``window`` of them, minus
# each employee's validated leave, are compared with the logged hours. The
# leaves are MATERIALIZED first: inlined, the planner probes them once per
# employee and span (0.1 s more).
RAW_ANSWER_SQL = """
WITH staff AS (
        SELECT e.id AS employee_id, e.resource_id,
               e.resource_calendar_id AS calendar_id, COALESCE(r.tz, c.tz, 'UTC') AS tz
          FROM hr_employee e
          JOIN resource_resource r ON r.id = e.resource_id
          JOIN resource_calendar c ON c.id = e.resource_calendar_id
         WHERE e.active AND e.id = ANY(%(employees)s::int[])
), zones AS (
        SELECT DISTINCT calendar_id, tz FROM staff
), spans AS (
        SELECT z.calendar_id, z.tz, d.day::date AS day,
               (d.day + a.hour_from * interval '1 hour')
                   AT TIME ZONE z.tz AT TIME ZONE 'UTC' AS start,
               (d.day + a.hour_to * interval '1 hour')
                   AT TIME ZONE z.tz AT TIME ZONE 'UTC' AS stop
          FROM zones z
    CROSS JOIN generate_series((%(today)s::date - %(days)s)::timestamp,
                               (%(today)s::date - 1)::timestamp,
                               interval '1 day') d(day)
          JOIN resource_calendar_attendance a
            ON a.calendar_id = z.calendar_id AND a.day_period != 'lunch'
           AND a.display_type IS NULL
           AND a.dayofweek = (extract(isodow FROM d.day)::int - 1)::text
), open_spans AS (
        SELECT p.calendar_id, p.tz, p.day, p.start, p.stop,
               date_part('epoch', p.stop - p.start) - COALESCE(sum(date_part('epoch',
                   LEAST(p.stop, h.date_to) - GREATEST(p.start, h.date_from)))
                   FILTER (WHERE h.id IS NOT NULL), 0) AS seconds
          FROM spans p
     LEFT JOIN resource_calendar_leaves h
            ON h.resource_id IS NULL AND h.time_type = 'leave'
           AND (h.calendar_id IS NULL OR h.calendar_id = p.calendar_id)
           AND h.date_from < p.stop AND h.date_to > p.start
      GROUP BY p.calendar_id, p.tz, p.day, p.start, p.stop
), working_days AS (
        SELECT calendar_id, tz, day, round((sum(seconds) / 3600)::numeric, 2) AS hours,
               row_number() OVER (PARTITION BY calendar_id, tz ORDER BY day DESC) AS age
          FROM open_spans
      GROUP BY calendar_id, tz, day
        HAVING sum(seconds) > 0
), window_spans AS (
        SELECT p.calendar_id, p.tz, p.day, p.start, p.stop
          FROM open_spans p
          JOIN working_days w ON w.calendar_id = p.calendar_id AND w.tz = p.tz
                             AND w.day = p.day
         WHERE w.age <= %(window)s AND p.seconds > 0
), leaves AS MATERIALIZED (
        SELECT s.employee_id, s.calendar_id, s.tz, l.date_from, l.date_to
          FROM resource_calendar_leaves l
          JOIN staff s ON s.resource_id = l.resource_id
         WHERE l.time_type = 'leave'
           AND l.date_from < (SELECT max(stop) FROM window_spans)
           AND l.date_to > (SELECT min(start) FROM window_spans)
), leave_hours AS (
        SELECT l.employee_id, p.day, sum(date_part('epoch',
                   LEAST(p.stop, l.date_to) - GREATEST(p.start, l.date_from)))
               / 3600 AS hours
          FROM leaves l
          JOIN window_spans p ON p.calendar_id = l.calendar_id AND p.tz = l.tz
                             AND l.date_from < p.stop AND l.date_to > p.start
      GROUP BY l.employee_id, p.day
), expected AS (
        SELECT s.employee_id, w.day,
               w.hours - round(COALESCE(o.hours, 0)::numeric, 2) AS hours
          FROM staff s
          JOIN working_days w ON w.calendar_id = s.calendar_id AND w.tz = s.tz
     LEFT JOIN leave_hours o ON o.employee_id = s.employee_id AND o.day = w.day
         WHERE w.age <= %(window)s
), logged AS (
        SELECT employee_id, date AS day, sum(unit_amount) AS hours
          FROM account_analytic_line
         WHERE project_id IS NOT NULL AND date >= %(start)s AND date < %(today)s
      GROUP BY employee_id, date
)
SELECT x.employee_id, count(*)
  FROM expected x
LEFT JOIN logged g ON g.employee_id = x.employee_id AND g.day = x.day
 WHERE x.hours > 0 AND x.hours - COALESCE(g.hours, 0) > %(tolerance)s
GROUP BY x.employee_id
"""


def working_days(count):
    """The last ``count`` weekdays up to TODAY, oldest first."""
    days, day = [], TODAY + timedelta(days=1)
    while len(days) < count:
        day -= timedelta(days=1)
        if day.weekday() < 5:
            days.append(day)
    return days[::-1]


class TestBenchCompliance(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        start = time.perf_counter()
        cls._generate()
        cls.generate_seconds = time.perf_counter() - start

    @classmethod
    def _calendars(cls):
        def attendances(weekdays):
            return [(5, 0, 0)] + [
                (
                    0,
                    0,
                    {
                        "name": f"{day} {start}",
                        "dayofweek": str(day),
                        "hour_from": start,
                        "hour_to": start + 4,
                        "day_period": period,
                    },
                )
                for day in weekdays
                for start, period in ((8, "morning"), (13, "afternoon"))
            ]

        return cls.env["resource.calendar"].create(
            [
                {
                    "name": "Bench 40h UTC",
                    "tz": "UTC",
                    "attendance_ids": attendances(range(5)),
                },
                {
                    "name": "Bench 40h Brussels",
                    "tz": "Europe/Brussels",
                    "attendance_ids": attendances(range(5)),
                },
                {
                    "name": "Bench 32h",
                    "tz": "UTC",
                    "attendance_ids": attendances(range(4)),
                },
            ]
        )

    @classmethod
    def _generate(cls):
        env, cr = cls.env, cls.env.cr
        company = env.company.id
        calendars = cls._calendars()
        departments = env["hr.department"].create(
            [{"name": f"Bench team {i}"} for i in range(20)]
        )
        projects = env["project.project"].create(
            [{"name": f"Bench project {i}"} for i in range(10)]
        )
        env.flush_all()
        cr.execute(
            "INSERT INTO res_partner (name, active, company_id, type, create_date,"
            " write_date) SELECT 'Bench ' || g, true, %s, 'contact', now(), now()"
            " FROM generate_series(1, %s) g RETURNING id",
            [company, SIZE],
        )
        partners = sorted(row[0] for row in cr.fetchall())
        cr.execute(
            "INSERT INTO res_users (login, partner_id, company_id, active, share,"
            " notification_type, create_date, write_date)"
            " SELECT 'bench_compliance_' || p, p, %s, true, false, 'inbox',"
            " now(), now() FROM unnest(%s::int[]) p RETURNING id",
            [company, partners],
        )
        users = sorted(row[0] for row in cr.fetchall())
        cr.execute(
            "INSERT INTO resource_resource (name, resource_type, calendar_id,"
            " company_id, active, tz, time_efficiency, user_id)"
            " SELECT 'Bench ' || i, 'user', (%s::int[])[1 + i %% 3], %s, true,"
            " CASE WHEN i %% 3 = 1 THEN 'Europe/Brussels' ELSE 'UTC' END, 100, u"
            " FROM unnest(%s::int[]) WITH ORDINALITY AS t(u, i) RETURNING id",
            [calendars.ids, company, users],
        )
        resources = sorted(row[0] for row in cr.fetchall())
        cr.execute(
            "INSERT INTO hr_employee (resource_id, name, company_id,"
            " resource_calendar_id, active, employee_type, department_id, user_id,"
            " create_date, write_date)"
            " SELECT r.id, r.name, r.company_id, r.calendar_id, true, 'employee',"
            " (%s::int[])[1 + r.id %% 20], r.user_id, now(), now()"
            " FROM resource_resource r WHERE r.id = ANY(%s) ORDER BY r.id"
            " RETURNING id",
            [departments.ids, resources],
        )
        employees = sorted(row[0] for row in cr.fetchall())
        managers = employees[:50]
        cr.execute(
            "UPDATE hr_employee SET parent_id = (%s::int[])[1 + id %% 50]"
            " WHERE id = ANY(%s)",
            [managers, employees[50:]],
        )
        # a public holiday for everyone, then validated leave: a day for one
        # employee in ten, a morning for another one in ten, a week for one in
        # seven a month ago
        window = working_days(DAYS)
        cr.execute(
            "INSERT INTO resource_calendar_leaves (name, company_id, date_from,"
            " date_to, time_type) VALUES ('Bench holiday', %s, %s, %s, 'leave')",
            [company, HOLIDAY, HOLIDAY + timedelta(days=1)],
        )
        # (window[-4] is the public holiday)
        day_off, morning_off, week_off = window[-3], window[-5], window[-25]
        cr.execute(
            """INSERT INTO resource_calendar_leaves (name, company_id, resource_id,
                   calendar_id, date_from, date_to, time_type)
               SELECT 'Bench leave', %(company)s, r.id, r.calendar_id,
                      CASE WHEN r.id %% 10 = 0 THEN %(day)s::timestamp
                           WHEN r.id %% 10 = 5 THEN %(day2)s::timestamp
                                                    + interval '6 hours'
                           ELSE %(week)s::timestamp END,
                      CASE WHEN r.id %% 10 = 0 THEN %(day)s::timestamp
                                                    + interval '1 day'
                           WHEN r.id %% 10 = 5 THEN %(day2)s::timestamp
                                                    + interval '12 hours'
                           ELSE %(week)s::timestamp + interval '5 days' END,
                      'leave'
                 FROM resource_resource r
                WHERE r.id = ANY(%(resources)s)
                  AND (r.id %% 10 IN (0, 5) OR r.id %% 7 = 0)""",
            {
                "company": company,
                "day": day_off,
                "day2": morning_off,
                "week": week_off,
                "resources": resources,
            },
        )
        # two lines a working day; one employee in six skips a day in 17
        cr.execute(
            """INSERT INTO account_analytic_line (name, date, amount, unit_amount,
                   company_id, account_id, project_id, employee_id, user_id,
                   create_date, write_date)
               SELECT 'Bench work', d.day, 0, 4, %(company)s,
                      (%(accounts)s::int[])[1 + e.id %% 10],
                      (%(projects)s::int[])[1 + e.id %% 10],
                      e.id, e.user_id, now(), now()
                 FROM hr_employee e
           CROSS JOIN unnest(%(days)s::date[]) WITH ORDINALITY AS d(day, n)
           CROSS JOIN generate_series(1, 2) half
                WHERE e.id = ANY(%(employees)s)
                  AND NOT (e.id %% 6 = 0 AND (e.id + d.n) %% 17 < 4)
             ORDER BY d.day, e.id""",
            {
                "company": company,
                "accounts": projects.analytic_account_id.ids,
                "projects": projects.ids,
                "days": window,
                "employees": employees,
            },
        )
        cr.execute(
            """INSERT INTO psa_allocation (employee_id, project_id, company_id,
                   approval_state, allocation_type, booking_state, date_start,
                   date_end, hours, create_date, write_date)
               SELECT e, (%(projects)s::int[])[1 + (e + k) %% 10], %(company)s,
                      'approved', 'hours',
                      CASE WHEN k %% 2 = 0 THEN 'confirmed' ELSE 'provisional' END,
                      %(start)s::date + 30 * k, %(start)s::date + 30 * k + 27, 80,
                      now(), now()
                 FROM unnest(%(employees)s::int[]) e
           CROSS JOIN generate_series(0, %(per)s - 1) k""",
            {
                "projects": projects.ids,
                "company": company,
                "start": window[0],
                "employees": employees,
                "per": max(20_000 // SIZE, 1),
            },
        )
        cr.execute(
            "ANALYZE account_analytic_line, hr_employee, resource_resource,"
            " resource_calendar_leaves, psa_allocation"
        )
        env.invalidate_all()
        cls.employees = employees
        cls.day_off, cls.morning_off = day_off, morning_off

    def _raw_group_by(self, start):
        """The logged hours per employee and day of the window, in raw SQL,
        and the seconds it took."""
        began = time.perf_counter()
        self.cr.execute(
            "SELECT employee_id, date, sum(unit_amount)"
            " FROM account_analytic_line"
            " WHERE project_id IS NOT NULL AND date >= %s AND date < %s"
            " GROUP BY employee_id, date",
            [start, TODAY],
        )
        seconds = time.perf_counter() - began
        rows = self.cr.fetchall()
        return seconds, {(e, d): h for e, d, h in rows}

    def _raw_answer(self, start, settings):
        """The missing days per employee in raw SQL (``RAW_ANSWER_SQL``), and
        the seconds it took."""
        params = {
            "employees": "{%s}" % ",".join(map(str, self.employees)),
            "today": TODAY,
            "days": max(14, 3 * settings["window"]),
            "window": settings["window"],
            "start": start,
            "tolerance": settings["tolerance"],
        }
        began = time.perf_counter()
        self.cr.execute(RAW_ANSWER_SQL, params)
        seconds = time.perf_counter() - began
        return seconds, dict(self.cr.fetchall())

    def _aggregate(self, employees):
        """The missing days per employee, batch after batch, as the scheduled
        action computes them (a run's calendar cache shared by its batches)."""
        Compliance = self.env["psa.timesheet.compliance"]
        settings = Compliance._compliance_settings()
        cache = ExpectedHoursCache()
        missing = {}
        began = time.perf_counter()
        for i in range(0, len(employees), BATCH):
            missing.update(
                Compliance._aggregate(employees[i : i + BATCH], TODAY, settings, cache)
            )
        return time.perf_counter() - began, missing

    def _reset(self):
        """Forget the results of a previous run (rows, reminders, escalations)."""
        self.env.flush_all()
        self.cr.execute("DELETE FROM psa_timesheet_compliance")
        self.cr.execute(
            "DELETE FROM mail_activity WHERE activity_type_id = %s",
            [self.env.ref("psa_staffing.mail_activity_type_timesheet_missing").id],
        )
        self.cr.execute("DELETE FROM psa_exception WHERE kind = 'timesheet_missing'")
        self.cr.execute("DELETE FROM psa_timesheet_compliance_mark")
        self.env.invalidate_all()

    def _run(self, employees):
        """The scheduled action's work on ``employees``, batch after batch."""
        Compliance = self.env["psa.timesheet.compliance"]
        settings = Compliance._compliance_settings()
        cache = ExpectedHoursCache()
        began = time.perf_counter()
        for i in range(0, len(employees), BATCH):
            Compliance._check_employees(
                employees[i : i + BATCH], TODAY, settings, cache
            )
        return time.perf_counter() - began

    def _check_first_night(self, start, missing_days):
        """The rows, reminders and logged hours of a first night are right;
        returns the number of rows and the employees reminded."""
        self.cr.execute(
            "SELECT employee_id, date, expected_hours, logged_hours, state"
            " FROM psa_timesheet_compliance WHERE employee_id = ANY(%s)",
            [self.employees],
        )
        rows = self.cr.fetchall()
        self.assertEqual(min(row[1] for row in rows), start)
        logged = self._raw_group_by(start)[1]

        # correctness: the same logged hours as raw SQL, day by day; the
        # missing days the aggregation found are the ones the job stored
        for employee_id, day, _expected, done, _state in rows:
            self.assertEqual(done, logged.get((employee_id, day), 0.0))
        stored_missing = {}
        for row in rows:
            stored_missing[row[0]] = stored_missing.get(row[0], 0) + (
                row[4] == "missing"
            )
        self.assertEqual(stored_missing, missing_days)
        missing = sum(missing_days.values())
        self.assertTrue(missing, "the generated firm has missing days")
        by_key = {(row[0], row[1]): row for row in rows}
        self.assertNotIn(HOLIDAY, {row[1] for row in rows}, "public holiday")
        self.cr.execute(
            "SELECT e.id, r.id %% 10 FROM hr_employee e"
            " JOIN resource_resource r ON r.id = e.resource_id"
            " WHERE e.id = ANY(%s) AND r.id %% 10 IN (0, 5)",
            [self.employees],
        )
        for employee_id, modulo in self.cr.fetchall():
            if modulo == 0:
                self.assertNotIn((employee_id, self.day_off), by_key, "a day off")
            else:
                half = by_key[(employee_id, self.morning_off)]
                # 06:00-12:00 UTC off: 4 h left of 08:00-12:00 + 13:00-17:00 in
                # UTC, 3 h in Brussels (08:00-14:00 there)
                self.assertIn(half[2], (4.0, 3.0), "a morning off")
        late = {employee for employee, days in missing_days.items() if days}
        self.cr.execute(
            "SELECT count(*) FROM mail_activity WHERE activity_type_id = %s"
            " AND res_model = 'hr.employee' AND res_id = ANY(%s)",
            [
                self.env.ref("psa_staffing.mail_activity_type_timesheet_missing").id,
                self.employees,
            ],
        )
        self.assertEqual(self.cr.fetchone()[0], len(late), "one reminder each")
        return len(rows), late

    def test_compliance_against_raw_sql(self):
        Compliance = self.env["psa.timesheet.compliance"]
        # the window starts on the earliest first working day of the calendars
        cache = ExpectedHoursCache()
        settings = Compliance._compliance_settings()
        Compliance._aggregate(self.employees[:BATCH], TODAY, settings, cache)
        start = cache.arrays["first_day"]
        # alternate them, under the same conditions; keep the best of each
        agg_runs, raw_runs, answer_runs = [], [], []
        for _run in range(RUNS):
            raw_runs.append(self._raw_group_by(start)[0])
            seconds, answer = self._raw_answer(start, settings)
            answer_runs.append(seconds)
            agg_seconds, missing_days = self._aggregate(self.employees)
            agg_runs.append(agg_seconds)
        agg_seconds, raw_seconds = min(agg_runs), min(raw_runs)
        answer_seconds = min(answer_runs)
        # the raw answer is the oracle: the same missing days, employee by employee
        self.assertEqual(
            {employee: days for employee, days in missing_days.items() if days},
            answer,
        )

        # the first night (every window day to write), then a usual one (one
        # new day per employee, the rest unchanged)
        first_runs, next_runs = [], []
        for run in range(RUNS):
            self._reset()
            began = time.perf_counter()
            Compliance._cron_timesheet_compliance(batch_size=BATCH, today=TODAY)
            first_runs.append(time.perf_counter() - began)
            if not run:
                days, late = self._check_first_night(start, missing_days)
                escalated = self.env["psa.exception"].search_count(
                    [("kind", "=", "timesheet_missing"), ("state", "=", "open")]
                )
            began = time.perf_counter()
            Compliance._cron_timesheet_compliance(
                batch_size=BATCH, today=TODAY + timedelta(days=1)
            )
            next_runs.append(time.perf_counter() - began)
        first_seconds, next_seconds = min(first_runs), min(next_runs)
        self.cr.execute(
            "SELECT count(*) FROM psa_timesheet_compliance WHERE date = %s",
            [TODAY],
        )
        self.assertGreaterEqual(self.cr.fetchone()[0], len(self.employees) - 10)
        print(
            f"\n[bench compliance] {SIZE} employees, data generated in"
            f" {self.generate_seconds:.1f} s; window of"
            f" {days} employee-days, {sum(missing_days.values())} missing"
            f"\n[bench compliance] aggregation {agg_seconds:.3f} s vs raw SQL"
            f" answering the same question {answer_seconds:.3f} s: ratio"
            f" {agg_seconds / answer_seconds:.2f}x (target <= 2x); vs the bare"
            f" GROUP BY of the logged hours {raw_seconds:.3f} s:"
            f" {agg_seconds / raw_seconds:.2f}x"
            f"\n[bench compliance] whole job, a usual night (one new day per"
            f" employee) {next_seconds:.2f} s vs the raw answer: ratio"
            f" {next_seconds / answer_seconds:.1f}x (target <= 10x), vs the bare"
            f" GROUP BY {next_seconds / raw_seconds:.1f}x"
            f"\n[bench compliance] the first night, initial load of the window"
            f" ({days} rows, {len(late)} reminders, {escalated} escalations"
            f" created) {first_seconds:.2f} s: {first_seconds / answer_seconds:.1f}x"
            f" the raw answer, {first_seconds / raw_seconds:.1f}x the bare GROUP BY"
        )

    def test_cost_per_employee_and_per_batch(self):
        Compliance = self.env["psa.timesheet.compliance"]
        settings = Compliance._compliance_settings()
        per_employee = {}
        self._run(self.employees[:10])  # warm the registry's caches, not timed
        for size in (500, 2_000, SIZE):
            if size > SIZE:
                continue
            runs = []
            for _run in range(3):
                self._reset()
                runs.append(self._run(self.employees[:size]) / size)
            per_employee[size] = min(runs)
        fastest = min(per_employee.values())
        slowest = max(per_employee.values())
        self.assertTrue(fastest > 0)

        queries = {}
        # batches after the first of a run, which reads employees and calendars
        cache = ExpectedHoursCache()
        Compliance._aggregate(self.employees[:10], TODAY, settings, cache)
        for offset, size in ((0, 100), (100, 1_000)):
            self._reset()
            ids = self.employees[offset : offset + size]
            self.env.invalidate_all()
            self.env.user.read(["partner_id"])  # cached in a cron after a batch
            before = self.cr.sql_log_count
            Compliance._check_employees(ids, TODAY, settings, cache)
            self.env.flush_all()
            queries[size] = self.cr.sql_log_count - before
        self.assertEqual(queries[100], queries[1_000], "queries per batch")
        self.assertLessEqual(queries[1_000], 13)  # see BATCH_QUERIES in psa_staffing
        print(
            "\n[bench compliance] time per employee: "
            + ", ".join(
                f"{size} employees {seconds * 1000:.2f} ms"
                for size, seconds in per_employee.items()
            )
            + f"; spread {slowest / fastest:.2f}x (target <= 2.5x)"
            f"\n[bench compliance] queries per batch: {queries[100]} for 100"
            f" employees, {queries[1_000]} for 1,000"
        )
