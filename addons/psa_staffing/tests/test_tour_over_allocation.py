from odoo.tests import HttpCase, tagged

from .common import MARCH_2027, PsaStaffingFactory


@tagged("post_install", "-at_install")
class TestOverAllocationTour(PsaStaffingFactory, HttpCase):
    """The issue's scenario in the web client, one browser session per person:
    a project manager files a request, the resource manager books the top
    candidate, the over-allocation goes through approval."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._isolate_from_demo()
        cls.env["psa.allocation"].search([]).unlink()
        cls.env["ir.config_parameter"].set_param(
            "psa_staffing.approval_load_percent", 85
        )
        cls.calendar = cls._create_calendar()
        cls.pm = cls._create_user(
            "tour_ot_pm",
            "psa_staffing.group_staffing_project_manager",
            "project.group_project_user",
        )
        cls.rm = cls._create_user(
            "tour_ot_rm",
            "psa_staffing.group_staffing_resource_manager",
            "project.group_project_user",
        )
        cls.lead = cls._create_user("tour_ot_lead")
        for user in cls.pm | cls.rm | cls.lead:
            user.password = user.login
        cls.job = cls.env["hr.job"].create({"name": "Tour Architect"})
        cls.grace = cls._create_employee("Tour Grace", job_id=cls.job.id)
        cls.project = cls.env["project.project"].create(
            {"name": "Tour ERP", "user_id": cls.pm.id}
        )
        other = cls.env["project.project"].create(
            {"name": "Tour other", "user_id": cls.rm.id}
        )
        # 130 h of her 184 h in March: 71 %; 40 h more makes 92 %
        cls.env["psa.allocation"].create(
            {
                "employee_id": cls.grace.id,
                "project_id": other.id,
                "date_start": MARCH_2027[0],
                "date_end": MARCH_2027[1],
                "hours": 130.0,
                "booking_state": "confirmed",
            }
        )
        cls._create_rule(
            [{"name": "Delivery lead", "user_ids": cls.lead}],
            model="psa.allocation",
            name="Bookings above the threshold",
        )

    def test_file_pick_and_approve_over_allocation(self):
        self.start_tour("/web", "psa_staffing_file_request_tour", login="tour_ot_pm")
        request = self.env["psa.staffing.request"].search(
            [("name", "=", "Tour: ERP architect")]
        )
        self.assertEqual((request.state, request.user_id), ("open", self.pm))
        self.assertEqual((request.date_start, request.date_end), MARCH_2027)

        self.start_tour("/web", "psa_staffing_pick_candidate_tour", login="tour_ot_rm")
        booking = request.allocation_ids
        self.assertEqual(booking.employee_id, self.grace)
        self.assertEqual(
            (booking.booking_state, booking.approval_state), ("provisional", "pending")
        )

        self.start_tour(
            "/web", "psa_staffing_approve_booking_tour", login="tour_ot_lead"
        )
        self.assertEqual(
            (booking.booking_state, booking.approval_state), ("confirmed", "approved")
        )
        self.assertGreater(booking.load_percent, 85)
