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
        cls.salesman = cls._create_user(
            "tour_staffing_sales", "sales_team.group_sale_salesman"
        )
        cls.salesman.password = cls.salesman.login
        cls.senior = cls.env["hr.job"].create({"name": "Tour Senior"})
        cls.ada = cls._create_employee("Tour Ada", job_id=cls.senior.id)
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

    def test_check_plan_from_opportunity(self):
        lead = self.env["crm.lead"].create(
            {
                "name": "Tour deal",
                "type": "opportunity",
                "probability": 20.0,
                "user_id": self.salesman.id,
                "staffing_plan_line_ids": [
                    (
                        0,
                        0,
                        {
                            "job_id": self.senior.id,
                            "hours": 40.0,
                            "date_start": MARCH_2027[0],
                            "date_end": MARCH_2027[1],
                        },
                    )
                ],
            }
        )
        self.start_tour(
            f"/web#model=crm.lead&id={lead.id}&view_type=form",
            "psa_staffing_plan_tour",
            login="tour_staffing_sales",
        )
        self.assertEqual(lead.staffing_verdict, "Covered")
        booking = self.env["psa.allocation"].search([("lead_id", "=", lead.id)])
        self.assertEqual(booking.employee_id, self.ada)
        self.assertEqual(booking.booking_state, "provisional")
