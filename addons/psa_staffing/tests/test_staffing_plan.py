from datetime import date

from odoo.exceptions import AccessError, ValidationError
from odoo.tests import tagged

from .common import MARCH_2027, PsaStaffingCommon


# Automation Rules hook into crm.lead once the registry is loaded: after install
@tagged("post_install", "-at_install")
class TestStaffingPlan(PsaStaffingCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.salesman = cls._create_user(
            "psa_salesman", "sales_team.group_sale_salesman"
        )
        cls.busy = cls._create_employee("Cleo Busy", job_id=cls.job_senior.id)
        cls._give_skill(cls.consultant, cls.python, "Expert")
        cls._give_skill(cls.busy, cls.python, "Advanced")
        cls._give_skill(cls.colleague, cls.python, "Expert")
        cls.env["psa.allocation"].create(
            {
                "employee_id": cls.busy.id,
                "project_id": cls.other_project.id,
                "date_start": MARCH_2027[0],
                "date_end": MARCH_2027[1],
                "hours": 150.0,
                "booking_state": "confirmed",
                "approval_state": "approved",
            }
        )

    def _lead(self, hours=300.0, probability=10.0, **vals):
        """An opportunity created by the salesman, read back as superuser."""
        return (
            self.env["crm.lead"]
            .with_user(self.salesman)
            .create(
                {
                    "name": "ACME ERP",
                    "type": "opportunity",
                    "probability": probability,
                    "user_id": self.salesman.id,
                    "staffing_plan_line_ids": [
                        (
                            0,
                            0,
                            {
                                "job_id": self.job_senior.id,
                                "hours": hours,
                                "date_start": MARCH_2027[0],
                                "date_end": MARCH_2027[1],
                                "skill_ids": [
                                    (0, 0, self._skill_vals(self.python, "Advanced"))
                                ],
                            },
                        )
                    ],
                    **vals,
                }
            )
            .with_env(self.env)
        )

    def _bookings(self, lead):
        return self.env["psa.allocation"].search([("lead_id", "=", lead.id)])

    def test_verdict_and_provisional_bookings_at_threshold(self):
        lead = self._lead()
        lead.write({"probability": 50})
        self.assertFalse(lead.staffing_verdict)
        self.assertFalse(self._bookings(lead))
        lead.write({"probability": 75})
        self.assertEqual(
            lead.staffing_verdict,
            "At risk: 82 h short of Senior Consultant in March 2027",
        )
        bookings = self._bookings(lead)
        self.assertEqual(
            {(b.employee_id, b.hours) for b in bookings},
            {(self.consultant, 184.0), (self.busy, 34.0)},
            "the junior colleague has the skill but not the role",
        )
        self.assertEqual(set(bookings.mapped("booking_state")), {"provisional"})
        self.assertIn(
            "At risk: 82 h short", lead.message_ids[:1].body, "logged in the chatter"
        )

    def test_provisional_bookings_weighted_by_probability(self):
        lead = self._lead(hours=100.0, probability=80.0)
        booking = self._bookings(lead)
        self.assertEqual((booking.hours, booking.forecast_hours), (100.0, 80.0))
        lead.probability = 90.0
        self.assertEqual(booking.forecast_hours, 90.0)
        booking.project_id = self.project
        self.assertEqual(booking.forecast_hours, 100.0, "on a project: expected")

    def test_at_risk_opens_an_exception_closed_when_covered(self):
        lead = self._lead(probability=80.0)
        Exception_ = self.env["psa.exception"]
        domain = [
            ("kind", "=", "staffing_at_risk"),
            ("res_model", "=", "crm.lead"),
            ("res_id", "=", lead.id),
        ]
        exception = Exception_.search(domain)
        self.assertEqual(exception.state, "open")
        self.assertEqual(exception.owner_id, self.salesman)
        self.assertIn("82 h short of Senior Consultant", exception.name)
        lead.staffing_plan_line_ids.hours = 150.0
        lead.with_user(self.salesman).action_check_staffing_capacity()
        self.assertEqual(lead.staffing_verdict, "Covered")
        self.assertEqual(exception.state, "resolved")
        self.assertEqual(exception.resolution_note, "Covered by a new capacity check.")

    def test_covered_plan(self):
        lead = self._lead(hours=100.0, probability=80.0)
        self.assertEqual(lead.staffing_verdict, "Covered")
        bookings = self._bookings(lead)
        self.assertEqual(bookings.employee_id, self.consultant)
        self.assertEqual(bookings.hours, 100.0)

    def test_check_again_replaces_previous_bookings(self):
        lead = self._lead(hours=100.0, probability=80.0)
        by_hand = self._allocate(
            self.colleague,
            hours=10.0,
            project=self.env["project.project"],
            lead_id=lead.id,
        )
        lead.staffing_plan_line_ids.hours = 120.0
        lead.action_check_staffing_capacity()
        bookings = self._bookings(lead)
        self.assertEqual(bookings.filtered("plan_line_id").hours, 120.0)
        self.assertIn(by_hand, bookings, "a booking made by hand stays")

    def test_threshold_from_settings(self):
        settings = self.env["res.config.settings"].create(
            {"psa_staffing_capacity_check_probability": 40}
        )
        settings.execute()
        rule = self.env.ref("psa_staffing.base_automation_lead_capacity_check")
        self.assertIn("('probability', '>=', 40)", rule.filter_domain)
        lead = self._lead(hours=100.0)
        lead.write({"probability": 50})
        self.assertEqual(lead.staffing_verdict, "Covered")

    def test_paused_automation_rule_checks_nothing(self):
        """The check is an Automation Rule an administrator can pause."""
        self.env.ref("psa_staffing.base_automation_lead_capacity_check").active = False
        lead = self._lead(hours=100.0)
        lead.write({"probability": 90})
        self.assertFalse(lead.staffing_verdict)
        self.assertFalse(self._bookings(lead))
        lead.action_check_staffing_capacity()
        self.assertEqual(lead.staffing_verdict, "Covered", "the button still works")

    def test_won_creates_requests_and_submits_bookings(self):
        self._create_rule(steps=[{"user_ids": self.approver}])
        lead = self._lead(probability=80.0)
        lead.with_user(self.salesman).action_set_won()
        request = lead.staffing_request_ids
        self.assertEqual(len(request), 1)
        self.assertEqual(request.name, "Senior Consultant for ACME ERP")
        self.assertEqual(request.state, "open")
        self.assertEqual(request.hours, 300.0)
        self.assertEqual(request.skill_ids.skill_id, self.python)
        self.assertEqual(request.skill_ids.skill_level_id, self.levels["Advanced"])
        bookings = self._bookings(lead)
        self.assertEqual(bookings.request_id, request)
        self.assertEqual(set(bookings.mapped("approval_state")), {"pending"})
        bookings[0].with_user(self.approver).action_approve()
        self.assertEqual(bookings[0].booking_state, "confirmed")
        self.assertEqual(bookings[1].booking_state, "provisional")

    def test_confirmed_order_links_requests_to_its_project(self):
        lead = self._lead(hours=100.0, probability=80.0)
        product = self.env["product.product"].create(
            {
                "name": "PSA Implementation",
                "type": "service",
                "service_tracking": "project_only",
            }
        )
        order = self.env["sale.order"].create(
            {
                "partner_id": self.env["res.partner"].create({"name": "ACME"}).id,
                "opportunity_id": lead.id,
                "order_line": [(0, 0, {"product_id": product.id})],
            }
        )
        order.action_confirm()
        project = order.project_ids
        self.assertEqual(len(project), 1)
        request = lead.staffing_request_ids
        self.assertEqual(request.project_id, project)
        booking = self._bookings(lead)
        self.assertEqual(booking.project_id, project)
        self.assertEqual(booking.booking_state, "confirmed", "no rule: approved")
        self.assertEqual(request.state, "staffed")

    def test_lost_releases_provisional_bookings(self):
        lead = self._lead(probability=80.0)
        self.assertEqual(len(self._bookings(lead)), 2)
        lead.with_user(self.salesman).action_set_lost()
        self.assertFalse(self._bookings(lead))
        self.assertIn("released", lead.message_ids[:1].body)
        self.assertIn("Ada Consultant (184 h)", lead.message_ids[:1].body)

    def test_plan_line_bad_input(self):
        lead = self._lead()
        line_vals = {
            "lead_id": lead.id,
            "job_id": self.job_senior.id,
            "date_start": MARCH_2027[0],
            "date_end": MARCH_2027[1],
            "hours": 10.0,
        }
        Line = self.env["psa.staffing.plan.line"].with_user(self.salesman)
        for vals, word in (
            ({"hours": 0.0}, "Hours"),
            ({"date_end": date(2027, 2, 1)}, "End"),
        ):
            with self.subTest(vals=vals), self.assertRaisesRegex(ValidationError, word):
                with self.env.cr.savepoint():
                    Line.create({**line_vals, **vals})
        self.assertEqual(len(lead.staffing_plan_line_ids), 1)

    def test_plan_access(self):
        lead = self._lead(probability=80.0)
        line = lead.staffing_plan_line_ids
        other_salesman = self._create_user(
            "psa_other_salesman", "sales_team.group_sale_salesman"
        )
        with self.assertRaises(AccessError):
            line.with_user(other_salesman).read(["hours"])
        with self.assertRaises(AccessError):
            line.with_user(self.consultant_user).read(["hours"])
        with self.assertRaises(AccessError):
            self.env["psa.staffing.plan.line"].with_user(self.consultant_user).create(
                {
                    "lead_id": lead.id,
                    "hours": 10.0,
                    "date_start": MARCH_2027[0],
                    "date_end": MARCH_2027[1],
                }
            )
        bookings = self._bookings(lead)
        with self.assertRaises(AccessError):
            bookings.with_user(self.salesman).action_confirm()
        with self.assertRaises(AccessError):
            bookings.with_user(self.salesman).unlink()
