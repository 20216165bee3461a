"""Capacity board and utilization refresh over 500 consultants and 12 weeks.

Prints the server time and queries of ``psa.staffing.board._board_data`` for
50 then 500 consultants (the query counts must be equal), and the time and
queries of a utilization refresh of the same 500. Data is made in bulk: the
employees with one create, their allocations and timesheets with SQL.
Asserts correctness and query counts only, never wall-clock time.
"""

import time
from datetime import date, timedelta

from odoo.tests import TransactionCase

from odoo.addons.psa_staffing.tests.common import PsaStaffingFactory

FEW, MANY = 50, 500
WEEKS = 12
MONDAY = date(2031, 3, 3)  # far from demo data; 12 weeks: 3 March to 25 May
LAST_DAY = MONDAY + timedelta(weeks=WEEKS, days=-1)


class TestBenchCapacityBoard(PsaStaffingFactory, TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        cls.calendar = cls._create_calendar("Bench 40h")
        cls.job = cls.env["hr.job"].create(
            {"name": "Bench Consultant", "psa_utilization_target": 75.0}
        )
        cls.billable, cls.internal = cls.env["project.project"].create(
            [
                {"name": "Bench billable", "allow_billable": True},
                {"name": "Bench internal", "allow_billable": False},
            ]
        )
        cls.employees = cls.env["hr.employee"]

    def _hire(self, count):
        """``count`` more consultants, each with, per week of the board, a
        confirmed booking (16 to 32 h), a provisional one every other week
        (8 h) and timesheets (6 h billable, 2 h internal), plus a 48 h
        confirmed booking spread over the 12 weeks (4 h a week)."""
        start = len(self.employees)
        new = self.env["hr.employee"].create(
            [
                {
                    "name": f"Bench Consultant {n:04d}",
                    "job_id": self.job.id,
                    "resource_calendar_id": self.calendar.id,
                    "tz": "UTC",
                }
                for n in range(start, start + count)
            ]
        )
        self.employees |= new
        self.env.flush_all()
        company = self.env.company.id
        self.env.cr.execute(
            """
            INSERT INTO psa_allocation (employee_id, project_id, company_id,
                date_start, date_end, hours, booking_state, allocation_type,
                approval_state)
            SELECT e.id, %(project)s, %(company)s, %(monday)s::date + 7 * w,
                   %(monday)s::date + 7 * w + 4, h.hours, h.state, 'hours', 'draft'
              FROM unnest(%(ids)s) WITH ORDINALITY AS e(id, n)
              CROSS JOIN generate_series(0, %(weeks)s - 1) AS w
              CROSS JOIN LATERAL (
                  VALUES (16 + 4 * (e.n %% 5), 'confirmed'),
                         (CASE WHEN w %% 2 = 0 THEN 8 END, 'provisional')
              ) AS h(hours, state)
             WHERE h.hours IS NOT NULL
             UNION ALL
            SELECT e.id, %(project)s, %(company)s, %(monday)s, %(last)s, 48,
                   'confirmed', 'hours', 'draft'
              FROM unnest(%(ids)s) AS e(id)
            """,
            {
                "ids": new.ids,
                "project": self.billable.id,
                "company": company,
                "monday": MONDAY,
                "last": LAST_DAY,
                "weeks": WEEKS,
            },
        )
        self.env.cr.execute(
            """
            INSERT INTO account_analytic_line (name, date, amount, unit_amount,
                company_id, employee_id, project_id, account_id)
            SELECT 'Bench', %(monday)s::date + 7 * w + 1, 0, p.hours, %(company)s,
                   e.id, p.project, p.account
              FROM unnest(%(ids)s) AS e(id)
              CROSS JOIN generate_series(0, %(weeks)s - 1) AS w
              CROSS JOIN (VALUES (6, %(billable)s, %(billable_account)s),
                                 (2, %(internal)s, %(internal_account)s))
                         AS p(hours, project, account)
            """,
            {
                "ids": new.ids,
                "company": company,
                "monday": MONDAY,
                "weeks": WEEKS,
                "billable": self.billable.id,
                "billable_account": self.billable.analytic_account_id.id,
                "internal": self.internal.id,
                "internal_account": self.internal.analytic_account_id.id,
            },
        )
        self.env.invalidate_all()

    def _board(self, runs=3):
        """The board of the benchmark's job, cold cache: (data, best seconds
        of ``runs``, queries), the machine being shared."""
        admin = self.env.ref("base.user_admin")
        board = self.env["psa.staffing.board"].with_user(admin)
        timings, counts = [], set()
        for _run in range(runs):
            self.env.invalidate_all()
            queries = self.cr.sql_log_count
            start = time.perf_counter()
            data = board._board_data(MONDAY, WEEKS, {"job_id": self.job.id})
            timings.append(time.perf_counter() - start)
            counts.add(self.cr.sql_log_count - queries)
        self.assertEqual(len(counts), 1, "every run costs the same queries")
        return data, min(timings), counts.pop()

    def _check_board(self, data, count):
        self.assertEqual(len(data["rows"]), count)
        confirmed = sum(c["confirmed"] for r in data["rows"] for c in r["cells"])
        provisional = sum(c["provisional"] for r in data["rows"] for c in r["cells"])
        capacity = sum(c["capacity"] for r in data["rows"] for c in r["cells"])
        self.assertAlmostEqual(capacity, count * WEEKS * 40.0, places=2)
        self.assertAlmostEqual(provisional, count * (WEEKS // 2) * 8.0, places=2)
        # per consultant and week: 16 + 4 * (n % 5) plus 4 h of the long booking
        per_batch = sum(16 + 4 * (n % 5) + 4 for n in range(1, FEW + 1))
        self.assertAlmostEqual(confirmed, (count // FEW) * per_batch * WEEKS, places=2)

    def test_board_and_utilization(self):
        self._hire(FEW)
        self._board(runs=1)  # warm the caches of groups and rules
        few_data, few_seconds, few_queries = self._board()
        self._check_board(few_data, FEW)

        for _batch in range(MANY // FEW - 1):
            self._hire(FEW)
        data, seconds, queries = self._board()
        self._check_board(data, MANY)
        self.assertEqual(queries, few_queries, "board queries grow with consultants")
        levels = {cell["level"] for row in data["rows"] for cell in row["cells"]}
        self.assertEqual(levels, {"ok", "high", "over"})

        self.env.flush_all()
        start = time.perf_counter()
        self.cr.execute(
            """
            SELECT l.employee_id, l.date,
                   l.so_line IS NOT NULL OR COALESCE(p.allow_billable, FALSE),
                   SUM(l.unit_amount)
              FROM account_analytic_line l
              JOIN project_project p ON p.id = l.project_id
             WHERE l.date BETWEEN %(first)s AND %(last)s
             GROUP BY 1, 2, 3
            """,
            {"first": MONDAY, "last": LAST_DAY},
        )
        self.cr.fetchall()
        self.cr.execute(
            """
            SELECT employee_id, date_start, date_end, booking_state, SUM(hours)
              FROM psa_allocation
             WHERE date_start <= %(last)s AND date_end >= %(first)s
             GROUP BY 1, 2, 3, 4
            """,
            {"first": MONDAY, "last": LAST_DAY},
        )
        self.cr.fetchall()
        raw_seconds = time.perf_counter() - start

        Utilization = self.env["psa.staffing.utilization"]
        self.env.invalidate_all()
        queries_before = self.cr.sql_log_count
        start = time.perf_counter()
        rows = Utilization._refresh(MONDAY, LAST_DAY, self.env.company)
        self.env.flush_all()
        refresh_seconds = time.perf_counter() - start
        refresh_queries = self.cr.sql_log_count - queries_before
        mine = rows.filtered(lambda r: r.employee_id in self.employees)
        self.assertAlmostEqual(
            sum(mine.mapped("billable_hours")), MANY * WEEKS * 6.0, places=2
        )
        self.assertAlmostEqual(
            sum(mine.mapped("non_billable_hours")), MANY * WEEKS * 2.0, places=2
        )
        self.assertEqual(set(mine.mapped("target_percent")), {75.0})
        again = Utilization._refresh(MONDAY, LAST_DAY, self.env.company)
        self.assertEqual(len(again), len(rows), "a second refresh replaces the rows")
        print(
            f"\n[bench] capacity board, {WEEKS} weeks (best of 3, cold cache):"
            f" {FEW} consultants {few_seconds * 1000:.0f} ms, {few_queries} queries;"
            f" {MANY} consultants {seconds * 1000:.0f} ms, {queries} queries"
            f"\n[bench] utilization refresh of {len(rows)} rows"
            f" ({len(Utilization.search([]).employee_id)} employees,"
            f" {MONDAY:%B} to {LAST_DAY:%B %Y}):"
            f" {refresh_seconds:.2f}s, {refresh_queries} queries;"
            f" raw SQL aggregate of the same timesheets and allocations:"
            f" {raw_seconds * 1000:.0f} ms (the refresh adds calendars, leave"
            f" and writing the rows)"
        )
