from datetime import date
from unittest.mock import patch

from odoo.exceptions import AccessError, UserError, ValidationError

from ..models import psa_staffing_request as staffing_request
from .common import MARCH_2027, PsaStaffingCommon


class TestStaffingRequest(PsaStaffingCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.busy_user = cls._create_user("psa_busy")
        cls.busy = cls._create_employee(
            "Cleo Busy", cls.busy_user, job_id=cls.job_senior.id
        )
        cls._give_skill(cls.consultant, cls.python, "Expert")
        cls._give_skill(cls.consultant, cls.odoo, "Advanced")
        cls._give_skill(cls.busy, cls.python, "Advanced")
        cls._give_skill(cls.busy, cls.odoo, "Intermediate")
        cls._give_skill(cls.colleague, cls.python, "Beginner")
        cls.env["psa.allocation"].create(
            {
                "employee_id": cls.busy.id,
                "project_id": cls.other_project.id,
                "date_start": MARCH_2027[0],
                "date_end": MARCH_2027[1],
                "hours": 150.0,
            }
        )

    def setUp(self):
        super().setUp()
        self.staff = self.env["hr.employee"].search_count([])

    def _request(self, user=None, **vals):
        return (
            self.env["psa.staffing.request"]
            .with_user(user or self.project_manager)
            .create(
                {
                    "name": "Senior Odoo developer",
                    "project_id": self.project.id,
                    "job_id": self.job_senior.id,
                    "hours": 80.0,
                    "date_start": MARCH_2027[0],
                    "date_end": MARCH_2027[1],
                    "skill_ids": [
                        (0, 0, self._skill_vals(self.python, "Advanced")),
                        (0, 0, self._skill_vals(self.odoo, "Intermediate")),
                    ],
                    **vals,
                }
            )
        )

    def _candidates(self, request, user=None):
        action = request.with_user(
            user or self.project_manager
        ).action_find_candidates()
        candidates = (
            self.env["psa.staffing.candidate"]
            .with_user(user or self.project_manager)
            .search(action["domain"])
        )
        ours = self.consultant | self.colleague | self.busy
        return candidates.filtered(lambda c: c.employee_id in ours)

    def test_candidates_ranked_with_reasons(self):
        request = self._request()
        candidates = self._candidates(request)
        self.assertEqual(
            candidates.employee_id, self.consultant | self.busy | self.colleague
        )
        self.assertEqual(
            [c.employee_id for c in candidates],
            [self.consultant, self.busy, self.colleague],
        )
        best, busy, weak = candidates
        self.assertEqual(best.score, 100.0)
        self.assertEqual(
            best.reason,
            "Role: Senior Consultant; Python: Expert ≥ Advanced; "
            "Odoo: Advanced ≥ Intermediate; 184 h free of 184 h; 0% utilized",
        )
        self.assertTrue(best.meets_skills)
        self.assertEqual(busy.free_hours, 34.0)
        self.assertIn("34 h free of 184 h; 82% utilized", busy.reason)
        self.assertFalse(weak.meets_skills)
        self.assertEqual(
            weak.reason,
            "Other role: Junior Consultant; Python: Beginner < Advanced; "
            "Odoo: none; 184 h free of 184 h; 0% utilized",
        )
        self.assertGreater(best.score, busy.score)
        self.assertGreater(busy.score, weak.score)

    def test_only_the_best_candidates_are_listed(self):
        request = self._request()
        with patch.object(staffing_request, "CANDIDATES_SHOWN", 2):
            action = request.action_find_candidates()
        listed = self.env["psa.staffing.candidate"].search(action["domain"])
        self.assertEqual(len(listed), 2)
        self.assertEqual(listed[0].employee_id, self.consultant)

    def test_work_location_ranks_people_on_site_higher(self):
        """With a work location on the request, a colleague on site overtakes
        an equally good one elsewhere, and the reason says where each works."""
        site = self.env["hr.work.location"].create(
            {"name": "Client site Ghent", "address_id": self.env.company.partner_id.id}
        )
        self.colleague.work_location_id = site
        without = self._candidates(self._request())
        self.assertNotIn("Works", without[0].reason)
        candidates = self._candidates(self._request(work_location_id=site.id))
        by_employee = {c.employee_id: c for c in candidates}
        self.assertIn("Works at Client site Ghent", by_employee[self.colleague].reason)
        self.assertIn("Works elsewhere", by_employee[self.consultant].reason)
        self.assertGreater(
            by_employee[self.colleague].score,
            {c.employee_id: c for c in without}[self.colleague].score,
        )
        self.assertEqual(by_employee[self.colleague].work_location_id, site)
        self.assertLessEqual(max(candidates.mapped("score")), 100.0)

    def test_ranking_query_count_does_not_grow_with_staff(self):
        """Ranking costs the same queries for 3 or 9 more employees: skills,
        loads and calendars are read in batches."""
        request = self._request()
        ranking = self.env["psa.staffing.candidate"].with_user(self.project_manager)

        def rank():
            self.env.invalidate_all()
            return ranking._rank(
                request.company_id,
                request.date_start,
                request.date_end,
                request.hours,
                request.skill_ids,
                job=request.job_id,
            )

        rank()  # warm the registry caches (access rules, views) once
        for count in (3, 9):
            while self.env["hr.employee"].search_count([]) < self.staff + count:
                employee = self._create_employee(f"Extra {count}")
                self._give_skill(employee, self.python, "Intermediate")
            with self.assertQueryCount(__system__=26):
                ranked = rank()
            self.assertEqual(ranked[0]["employee"], self.consultant)

    def test_cost_rate_only_for_hr_users(self):
        request = self._request(user=self.hr_officer)
        hr_rows = self._candidates(request, user=self.hr_officer)
        self.assertEqual(
            hr_rows.filtered(lambda c: c.employee_id == self.consultant).hourly_cost,
            90.0,
        )
        pm_rows = self._candidates(self._request())
        with self.assertRaises(AccessError):
            pm_rows.read(["hourly_cost"])
        self.assertEqual(
            set(pm_rows.sudo().mapped("hourly_cost")),
            {0.0},
            "the cost rate is not even stored for a user without HR rights",
        )

    def test_book_candidate_makes_provisional_allocation(self):
        request = self._request()
        request.with_user(self.project_manager).action_open()
        self.assertEqual(request.state, "open")
        best = self._candidates(request)[0]
        action = best.with_user(self.project_manager).action_book()
        allocation = self.env["psa.allocation"].browse(action["res_id"])
        self.assertEqual(allocation.employee_id, self.consultant)
        self.assertEqual(allocation.booking_state, "provisional")
        self.assertEqual(allocation.request_id, request)
        self.assertEqual(allocation.project_id, self.project)
        self.assertEqual(allocation.hours, 80.0)
        self.assertEqual(request.state, "staffed")
        with self.assertRaisesRegex(UserError, "not open for booking"):
            best.with_user(self.project_manager).action_book()

    def test_open_through_approval_rule(self):
        self._create_rule(
            steps=[{"user_ids": self.approver}], model="psa.staffing.request"
        )
        request = self._request()
        request.with_user(self.project_manager).action_open()
        self.assertEqual(request.state, "draft")
        self.assertEqual(request.approval_state, "pending")
        request.with_user(self.approver).action_approve()
        self.assertEqual(request.state, "open")

    def test_changing_period_after_approval_resets_it(self):
        request = self._request()
        request.with_user(self.project_manager).action_open()
        self.assertEqual(request.approval_state, "approved")
        self.assertEqual(request.state, "open")
        request.with_user(self.project_manager).date_end = date(2027, 4, 30)
        self.assertEqual(request.approval_state, "draft")
        self.assertEqual(request.state, "draft", "opened again through the matrix")
        request.with_user(self.project_manager).action_open()
        request.with_user(self.project_manager).hours = 120.0
        self.assertEqual(request.approval_state, "draft")
        self.assertEqual(request.state, "draft")

    def test_cancel_releases_provisional_bookings(self):
        request = self._request()
        request._book(self.consultant, hours=40.0)
        confirmed = request._book(self.busy, hours=10.0)
        confirmed.action_confirm()
        self.assertEqual(confirmed.booking_state, "confirmed")
        request.with_user(self.project_manager).action_cancel()
        self.assertEqual(request.state, "cancelled")
        self.assertEqual(request.allocation_ids, confirmed)

    def test_bad_input_refused(self):
        Request = self.env["psa.staffing.request"]
        before = Request.search_count([])
        cases = [
            ({"project_id": False}, "Project or an Opportunity"),
            ({"hours": 0.0}, "Hours"),
            ({"date_end": date(2027, 2, 1)}, "End"),
            (
                {
                    "skill_ids": [
                        (
                            0,
                            0,
                            {
                                "skill_type_id": self.skill_type.id,
                                "skill_id": self.python.id,
                                "skill_level_id": self.env["hr.skill.level"]
                                .search([("skill_type_id", "!=", self.skill_type.id)])[
                                    :1
                                ]
                                .id,
                            },
                        )
                    ]
                },
                "Minimum Level",
            ),
        ]
        for vals, word in cases:
            with self.subTest(vals=vals), self.assertRaisesRegex(ValidationError, word):
                with self.env.cr.savepoint():
                    self._request(**vals)
        self.assertEqual(Request.search_count([]), before)

    def test_request_access(self):
        request = self._request()
        other = self._request(
            user=self.resource_manager, project_id=self.other_project.id
        )
        with self.assertRaises(AccessError):
            self._request(user=self.consultant_user)
        with self.assertRaises(AccessError):
            other.with_user(self.project_manager).read(["name"])
        with self.assertRaises(AccessError):
            request.with_user(self.consultant_user).read(["name"])
        request._book(self.consultant, hours=10.0)
        request.with_user(self.consultant_user).read(["name"])
        with self.assertRaises(AccessError):
            request.with_user(self.consultant_user).write({"hours": 5.0})
        with self.assertRaises(AccessError):
            self.env["psa.staffing.candidate"].with_user(self.consultant_user).search(
                []
            )
