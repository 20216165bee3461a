"""Candidate ranking for one staffing request over a growing firm.

Ranks the employees of a company of 500, 2,000 and 5,000 consultants (two
skills each, four allocations each in the request's quarter) and prints, at
each size, the queries and the time of ``_rank`` and the time per employee.
Asserts the ranking is right and that the query count does not grow with the
firm, beyond the ORM reading records 1,000 ids at a time (Odoo splits ``IN``
lists at ``cr.IN_MAX``): a chunk of 1,000 employees costs a fixed number of
queries, whatever the number of allocations or skills.
"""

import time
from datetime import date, timedelta

from odoo.tests import TransactionCase

from odoo.addons.psa_staffing.tests.common import PsaStaffingFactory

SIZES = (500, 2_000, 5_000)
QUARTER = (date(2027, 4, 5), date(2027, 6, 25))


class TestBenchRanking(PsaStaffingFactory, TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(
            context=dict(cls.env.context, tracking_disable=True, mail_create_nolog=True)
        )
        cls.company = cls.env["res.company"].create({"name": "Bench Consulting"})
        cls.calendar = cls._create_calendar("Bench 40h", company=cls.company)
        cls._create_skill_type()
        cls.job = cls.env["hr.job"].create(
            {"name": "Bench Consultant", "company_id": cls.company.id}
        )
        cls.project = cls.env["project.project"].create(
            {"name": "Bench project", "company_id": cls.company.id}
        )
        cls.hired = 0

    def _hire(self, count):
        """``count`` more consultants with skills and four bookings each; the
        bookings are written with one INSERT, as an import would."""
        levels = list(self.levels.values())
        vals = [
            {
                "name": f"Bench consultant {self.hired + i:05d}",
                "company_id": self.company.id,
                "resource_calendar_id": self.calendar.id,
                "tz": "UTC",
                "job_id": self.job.id if i % 3 else False,
            }
            for i in range(count)
        ]
        employees = self.env["hr.employee"]
        for start in range(0, count, 1_000):
            employees |= employees.create(vals[start : start + 1_000])
        self.env["hr.employee.skill"].create(
            [
                {
                    "employee_id": employee.id,
                    "skill_type_id": self.skill_type.id,
                    "skill_id": skill.id,
                    "skill_level_id": levels[(n + k) % len(levels)].id,
                }
                for n, employee in enumerate(employees)
                for k, skill in enumerate((self.python, self.odoo))
            ]
        )
        self.env.flush_all()
        self.env.cr.execute(
            """
            INSERT INTO psa_allocation (employee_id, project_id, company_id,
                date_start, date_end, hours, allocation_type, booking_state,
                approval_state, create_uid, write_uid, create_date, write_date)
            SELECT e.id, %(project)s, %(company)s,
                   %(start)s::date + w * 21, %(start)s::date + w * 21 + 11,
                   8 + (e.id %% 9) * 8, 'hours',
                   CASE WHEN w %% 2 = 0 THEN 'confirmed' ELSE 'provisional' END,
                   'draft', 1, 1, now(), now()
              FROM hr_employee e CROSS JOIN generate_series(0, 3) w
             WHERE e.id = ANY(%(ids)s)
            """,
            {
                "project": self.project.id,
                "company": self.company.id,
                "start": QUARTER[0],
                "ids": employees.ids,
            },
        )
        self.hired += count
        return employees

    def _request(self):
        return self.env["psa.staffing.request"].create(
            {
                "name": "Bench request",
                "project_id": self.project.id,
                "job_id": self.job.id,
                "hours": 120.0,
                "date_start": QUARTER[0],
                "date_end": QUARTER[1] - timedelta(days=14),
                "skill_ids": [
                    (0, 0, self._skill_vals(self.python, "Expert")),
                    (0, 0, self._skill_vals(self.odoo, "Beginner")),
                ],
            }
        )

    def test_ranking_over_a_growing_firm(self):
        request = self._request()
        ranking = self.env["psa.staffing.candidate"]
        figures = []
        for size in SIZES:
            self._hire(size - self.hired)
            self.env.invalidate_all()
            queries = self.cr.sql_log_count
            start = time.perf_counter()
            ranked = ranking._rank(
                self.company,
                request.date_start,
                request.date_end,
                request.hours,
                request.skill_ids,
                job=request.job_id,
            )
            seconds = time.perf_counter() - start
            queries = self.cr.sql_log_count - queries
            self.assertEqual(len(ranked), size)
            best = ranked[0]
            self.assertEqual(best["employee"].job_id, self.job)
            self.assertTrue(best["meets_skills"], best["reason"])
            self.assertGreaterEqual(best["free"], request.hours, best["reason"])
            figures.append((size, queries, seconds))
        print("\ncandidate ranking for one request (2 skills, 4 bookings each)")
        print(f"{'employees':>10} {'queries':>8} {'seconds':>8} {'ms/employee':>12}")
        for size, queries, seconds in figures:
            per_employee_ms = 1000 * seconds / size
            print(f"{size:>10} {queries:>8} {seconds:>8.2f} {per_employee_ms:>12.3f}")
        per_employee = [seconds / size for size, _q, seconds in figures]
        print(
            "per-employee time, largest / smallest: "
            f"{max(per_employee) / min(per_employee):.2f}"
        )
        # a fixed cost per chunk of 1,000 ids read, nothing per employee
        (small, q_small, _s), (_m, q_mid, _s2), (large, q_large, _s3) = figures
        chunks = (large - 1) // 1_000 - (small - 1) // 1_000
        per_chunk = (q_large - q_small) / chunks
        print(f"queries per extra 1,000 employees: {per_chunk:.1f}")
        self.assertLessEqual(per_chunk, 6)
        self.assertLessEqual(q_mid, q_large)
