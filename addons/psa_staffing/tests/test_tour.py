from odoo.tests import HttpCase, tagged

from .common import MARCH_2027, PsaStaffingFactory


@tagged("post_install", "-at_install")
class TestStaffingTour(PsaStaffingFactory, HttpCase):
    """Request to confirmed booking through the web client."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._isolate_from_demo()
        cls.calendar = cls._create_calendar()
        cls._create_skill_type()
        cls.pm = cls._create_user(
            "tour_staffing_pm",
            "psa_staffing.group_staffing_project_manager",
            "project.group_project_user",
        )
        cls.pm.password = cls.pm.login
        cls.ada = cls._create_employee("Tour Ada")
        cls._give_skill(cls.ada, cls.python, "Expert")
        project = cls.env["project.project"].create(
            {"name": "Tour project", "user_id": cls.pm.id}
        )
        cls.request = cls.env["psa.staffing.request"].create(
            {
                "name": "Tour: Python lead",
                "project_id": project.id,
                "user_id": cls.pm.id,
                "hours": 40.0,
                "date_start": MARCH_2027[0],
                "date_end": MARCH_2027[1],
                "skill_ids": [(0, 0, cls._skill_vals(cls.python, "Advanced"))],
            }
        )

    def test_book_best_candidate(self):
        self.start_tour("/web", "psa_staffing_book_tour", login="tour_staffing_pm")
        allocation = self.request.allocation_ids
        self.assertEqual(allocation.employee_id, self.ada)
        self.assertEqual(allocation.hours, 40.0)
        self.assertEqual(allocation.booking_state, "confirmed")
        self.assertEqual(self.request.state, "staffed")
