"""Candidate ranking for one staffing request over a growing firm.

Ranks the employees of a company of 500, 2,000 and 5,000 consultants (two
skills each, four allocations each in the request's quarter) and prints, at
each size, the queries and the time of ``_rank`` and the time per employee.
Asserts the ranking is right and that the number of queries is the same at
every size: employees, resources and skills are read with their searches,
not 1,000 records at a time as the ORM reads back a large record set.
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
        """``count`` more consultants with skills and four bookings each,
        written with one INSERT per table, as an import would (the ORM would
        take minutes for 5,000 employees; ranking only reads them)."""
        cr = self.env.cr
        self.env.flush_all()
        cr.execute(
            """
            INSERT INTO resource_resource (name, resource_type, calendar_id,
                company_id, active, tz, time_efficiency)
            SELECT 'Bench consultant ' || lpad((%(hired)s + i)::text, 5, '0'),
                   'user', %(calendar)s, %(company)s, true, 'UTC', 100
              FROM generate_series(0, %(count)s - 1) i
            RETURNING id
            """,
            {
                "hired": self.hired,
                "count": count,
                "calendar": self.calendar.id,
                "company": self.company.id,
            },
        )
        resources = [row[0] for row in cr.fetchall()]
        # one in three without the requested role
        cr.execute(
            """
            INSERT INTO hr_employee (resource_id, name, company_id,
                resource_calendar_id, active, employee_type, job_id,
                create_date, write_date)
            SELECT r.id, r.name, r.company_id, r.calendar_id, true, 'employee',
                   CASE WHEN r.id %% 3 = 0 THEN NULL ELSE %(job)s END, now(), now()
              FROM resource_resource r WHERE r.id = ANY(%(resources)s)
            RETURNING id
            """,
            {"job": self.job.id, "resources": resources},
        )
        ids = [row[0] for row in cr.fetchall()]
        levels = [level.id for level in self.levels.values()]
        cr.execute(
            """
            INSERT INTO hr_employee_skill (employee_id, skill_type_id, skill_id,
                skill_level_id)
            SELECT e, %(type)s, s.skill, (%(levels)s::int[])[1 + (e + s.k) %% %(n)s]
              FROM unnest(%(ids)s::int[]) e
        CROSS JOIN unnest(%(skills)s::int[]) WITH ORDINALITY AS s(skill, k)
            """,
            {
                "type": self.skill_type.id,
                "levels": levels,
                "n": len(levels),
                "ids": ids,
                "skills": [self.python.id, self.odoo.id],
            },
        )
        cr.execute(
            """
            INSERT INTO psa_allocation (employee_id, project_id, company_id,
                date_start, date_end, hours, allocation_type, booking_state,
                approval_state, create_uid, write_uid, create_date, write_date)
            SELECT e, %(project)s, %(company)s,
                   %(start)s::date + w * 21, %(start)s::date + w * 21 + 11,
                   8 + (e %% 9) * 8, 'hours',
                   CASE WHEN w %% 2 = 0 THEN 'confirmed' ELSE 'provisional' END,
                   'draft', 1, 1, now(), now()
              FROM unnest(%(ids)s::int[]) e CROSS JOIN generate_series(0, 3) w
            """,
            {
                "project": self.project.id,
                "company": self.company.id,
                "start": QUARTER[0],
                "ids": ids,
            },
        )
        self.env.invalidate_all()
        self.hired += count
        return self.env["hr.employee"].browse(ids)

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
        # whatever the size of the firm, the same queries
        counts = [queries for _size, queries, _seconds in figures]
        print(f"queries at each size: {counts}")
        self.assertEqual(len(set(counts)), 1, counts)
