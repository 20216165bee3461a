from odoo.exceptions import AccessError, UserError, ValidationError

from .common import MARCH_2027_HOURS, PsaStaffingCommon


class TestAllocationBooking(PsaStaffingCommon):
    def _hours_for_load(self, percent):
        return MARCH_2027_HOURS * percent / 100.0

    def test_below_threshold_confirms_at_once(self):
        allocation = self._allocate(hours=self._hours_for_load(80))
        allocation.action_confirm()
        self.assertEqual(allocation.booking_state, "confirmed")
        self.assertEqual(allocation.approval_state, "draft")

    def test_above_threshold_needs_approval_through_rule(self):
        self._create_rule(steps=[{"user_ids": self.approver}])
        allocation = self._allocate(hours=self._hours_for_load(90))
        allocation.action_confirm()
        self.assertEqual(allocation.booking_state, "provisional")
        self.assertEqual(allocation.approval_state, "pending")
        allocation.with_user(self.approver).action_approve()
        self.assertEqual(allocation.approval_state, "approved")
        self.assertEqual(allocation.booking_state, "confirmed")

    def test_rejected_booking_stays_provisional(self):
        self._create_rule(steps=[{"user_ids": self.approver}])
        allocation = self._allocate(hours=self._hours_for_load(90))
        allocation.action_confirm()
        allocation.with_user(self.approver).action_reject(reason="No overtime")
        self.assertEqual(allocation.approval_state, "rejected")
        self.assertEqual(allocation.booking_state, "provisional")

    def test_threshold_comes_from_settings(self):
        self.env["ir.config_parameter"].set_param(
            "psa_staffing.approval_load_percent", 95
        )
        self._create_rule(steps=[{"user_ids": self.approver}])
        allocation = self._allocate(hours=self._hours_for_load(90))
        allocation.action_confirm()
        self.assertEqual(allocation.booking_state, "confirmed")

    def test_over_100_percent_refused_unless_approved(self):
        self._create_rule(steps=[{"user_ids": self.approver}])
        first = self._allocate(hours=self._hours_for_load(60))
        first.action_confirm()
        second = self._allocate(hours=self._hours_for_load(50))
        self.assertEqual(second.load_percent, 110.0)
        with self.assertRaisesRegex(UserError, "above 100%"):
            second.action_confirm()
        self.assertEqual(second.booking_state, "provisional")
        self.assertEqual(second.approval_state, "draft")
        second.action_request_approval()
        second.with_user(self.approver).action_approve()
        self.assertEqual(second.booking_state, "confirmed")

    def test_confirmed_write_above_threshold_is_refused(self):
        self._create_rule(steps=[{"user_ids": self.approver}])
        allocation = self._allocate(hours=self._hours_for_load(90))
        with self.assertRaisesRegex(UserError, "needs an approval first"):
            allocation.write({"booking_state": "confirmed"})
        self.assertEqual(
            (allocation.booking_state, allocation.approval_state),
            ("provisional", "draft"),
            "nothing half-written",
        )
        with self.assertRaisesRegex(ValidationError, "Booking"):
            self._allocate(hours=self._hours_for_load(10), booking_state="confirmed")
        allocation.write({"hours": self._hours_for_load(50)})
        allocation.write({"booking_state": "confirmed"})
        with self.assertRaisesRegex(ValidationError, "Booking"):
            allocation.write({"hours": self._hours_for_load(120)})

    def test_change_after_approval_back_to_provisional(self):
        self._create_rule(steps=[{"user_ids": self.approver}])
        allocation = self._allocate(hours=self._hours_for_load(90))
        allocation.action_confirm()
        allocation.with_user(self.approver).action_approve()
        self.assertEqual(allocation.booking_state, "confirmed")
        allocation.write({"hours": self._hours_for_load(95)})
        self.assertEqual(allocation.approval_state, "draft")
        self.assertEqual(allocation.booking_state, "provisional")
        allocation.action_confirm()
        self.assertEqual(allocation.approval_state, "pending")
        allocation.with_user(self.approver).action_approve()
        self.assertEqual(allocation.booking_state, "confirmed")
        allocation.write({"date_end": allocation.date_end.replace(day=30)})
        self.assertEqual(allocation.approval_state, "draft", "dates are guarded")
        self.assertEqual(allocation.booking_state, "provisional")

    def test_consultant_sees_only_own_allocations(self):
        own = self._allocate(hours=10.0)
        other = self._allocate(self.colleague, hours=10.0)
        Allocation = self.env["psa.allocation"].with_user(self.consultant_user)
        self.assertEqual(Allocation.search([]), own)
        own.with_user(self.consultant_user).read(["hours"])
        with self.assertRaises(AccessError):
            other.with_user(self.consultant_user).read(["hours"])
        with self.assertRaises(AccessError):
            own.with_user(self.consultant_user).write({"hours": 5.0})
        with self.assertRaises(AccessError):
            self._allocate(self.colleague, user=self.consultant_user)

    def test_project_manager_limited_to_managed_projects(self):
        mine = self._allocate(hours=10.0, user=self.project_manager)
        elsewhere = self._allocate(self.colleague, project=self.other_project)
        pm_env = self.env["psa.allocation"].with_user(self.project_manager)
        self.assertEqual(pm_env.search([]), mine)
        with self.assertRaises(AccessError):
            elsewhere.with_user(self.project_manager).read(["hours"])
        with self.assertRaises(AccessError):
            self._allocate(project=self.other_project, user=self.project_manager)
        self.assertIn(
            elsewhere,
            self.env["psa.allocation"].with_user(self.resource_manager).search([]),
        )

    def test_reviewer_reads_the_allocation_under_review(self):
        self._create_rule(steps=[{"user_ids": self.approver}])
        allocation = self._allocate(self.colleague, hours=self._hours_for_load(90))
        with self.assertRaises(AccessError):
            allocation.with_user(self.approver).read(["hours"])
        allocation.action_confirm()
        allocation.with_user(self.approver).read(["hours"])

    def test_other_company_allocations_hidden(self):
        other_company = self.env["res.company"].create({"name": "PSA Other Co"})
        self.resource_manager.company_ids = [(4, other_company.id)]
        foreign = self._create_employee(
            "Foreign Employee",
            company=other_company,
            calendar=self._create_calendar("Other 40h", other_company),
        )
        project = self.env["project.project"].create(
            {"name": "Foreign project", "company_id": other_company.id}
        )
        allocation = self._allocate(
            foreign, project=project, company_id=other_company.id
        )
        only_main = (
            self.env["psa.allocation"]
            .with_user(self.resource_manager)
            .with_context(allowed_company_ids=[self.env.company.id])
        )
        with self.assertRaises(AccessError):
            only_main.browse(allocation.id).read(["hours"])
        self.assertNotIn(allocation, only_main.search([]))

    def test_approval_model_registered(self):
        names = self.env["psa.approval.rule"]._get_approval_model_names()
        self.assertIn("psa.allocation", names)
        self.assertIn("psa.staffing.request", names)
        self.assertIn("psa.approval.request", names)
