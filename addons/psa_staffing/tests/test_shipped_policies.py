from odoo.exceptions import AccessError

from .common import MARCH_2027_HOURS, PsaStaffingCommon

SHIPPED = (
    "psa_staffing.approval_rule_allocation_load",
    "psa_staffing.approval_rule_overtime",
    "psa_staffing.approval_rule_subcontract",
)


class TestShippedPolicies(PsaStaffingCommon):
    """The policies psa_staffing announces hold with the rules it installs,
    no rule made by hand: the tests switch the shipped rules back on after
    the common setup archived every rule of the demo data."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.rules = cls.env["psa.approval.rule"].browse(
            [cls.env.ref(xmlid).id for xmlid in SHIPPED]
        )
        cls.rules.active = True

    def test_rules_ship_as_editable_data(self):
        data = self.env["ir.model.data"].search(
            [
                ("module", "=", "psa_staffing"),
                ("name", "in", [xmlid.split(".")[1] for xmlid in SHIPPED]),
            ]
        )
        self.assertEqual(len(data), 3)
        self.assertTrue(all(data.mapped("noupdate")), "an administrator's edits stay")
        self.assertEqual(
            self.rules.mapped("model_name"),
            ["psa.allocation", "psa.overtime.request", "psa.subcontract.request"],
        )
        self.assertTrue(all(rule.step_ids for rule in self.rules))

    def test_booking_at_90_percent_waits_for_a_resource_manager(self):
        # 20 h of a 24 h week would be 83%; here: 90% of March
        allocation = self._allocate(
            hours=MARCH_2027_HOURS * 0.9, user=self.project_manager
        )
        self.assertGreater(allocation.load_percent, 85)
        allocation.with_user(self.project_manager).action_confirm()
        self.assertEqual(
            (allocation.booking_state, allocation.approval_state),
            ("provisional", "pending"),
        )
        review = allocation.sudo().approval_review_ids
        self.assertEqual(review.rule_id, self.env.ref(SHIPPED[0]))
        self.assertIn(self.resource_manager, review.reviewer_ids)
        self.assertNotIn(self.project_manager, review.reviewer_ids)
        with self.assertRaises(AccessError):
            allocation.with_user(self.consultant_user).action_approve()
        allocation.with_user(self.resource_manager).action_approve()
        self.assertEqual(
            (allocation.booking_state, allocation.approval_state),
            ("confirmed", "approved"),
        )

    def test_booking_below_the_threshold_confirms_at_once(self):
        allocation = self._allocate(hours=MARCH_2027_HOURS * 0.5)
        allocation.action_confirm()
        self.assertEqual(allocation.booking_state, "confirmed")
        self.assertFalse(allocation.approval_review_ids)

    def test_the_setting_alone_sets_the_threshold(self):
        """One number: the rule carries no band, the Settings threshold decides
        which bookings the rule sees."""
        rule = self.env.ref(SHIPPED[0])
        self.assertEqual((rule.amount_min, rule.amount_max, rule.domain), (0, 0, "[]"))
        settings = self.env["res.config.settings"].create(
            {"psa_staffing_approval_load_percent": 95}
        )
        settings.execute()
        allocation = self._allocate(hours=MARCH_2027_HOURS * 0.9)
        allocation.action_confirm()
        self.assertEqual(allocation.booking_state, "confirmed")
        self.assertFalse(allocation.approval_review_ids)

    def test_overtime_goes_to_the_employees_manager(self):
        boss_user = self._create_user("psa_policy_boss")
        boss = self._create_employee("Boss", boss_user)
        self.consultant.parent_id = boss
        request = (
            self.env["psa.overtime.request"]
            .with_user(self.consultant_user)
            .create(
                {"employee_id": self.consultant.id, "hours": 2, "reason": "Go-live"}
            )
        )
        request.action_request_approval()
        self.assertEqual(request.approval_state, "pending")
        self.assertIn(boss_user, request.sudo().approval_review_ids.reviewer_ids)
        request.with_user(boss_user).action_approve()
        self.assertEqual(request.approval_state, "approved")

    def test_subcontracting_goes_to_the_projects_manager(self):
        vendor = self.env["res.partner"].create({"name": "Policy Vendor"})
        service = self.env["product.product"].create(
            {"name": "Policy audit", "type": "service", "purchase_ok": True}
        )
        request = (
            self.env["psa.subcontract.request"]
            .with_user(self.resource_manager)
            .create(
                {
                    "name": "Audit",
                    "project_id": self.project.id,
                    "partner_id": vendor.id,
                    "product_id": service.id,
                    "hours": 10,
                    "price_unit": 100,
                    "justification": "Independent audit",
                }
            )
        )
        request.action_request_approval()
        self.assertEqual(request.approval_state, "pending")
        reviewers = request.sudo().approval_review_ids.reviewer_ids
        self.assertIn(self.project.user_id, reviewers)
        request.with_user(self.project.user_id).action_approve()
        self.assertEqual(request.approval_state, "approved")
        self.assertTrue(request.purchase_order_id)

    def test_policy_coverage_shows_the_staffing_models_held(self):
        lines = self.env["psa.approval.coverage"]._sync()
        state = {line.model_name: line.state for line in lines}
        for model in (
            "psa.allocation",
            "psa.overtime.request",
            "psa.subcontract.request",
        ):
            self.assertEqual(state[model], "covered", model)
        self.assertEqual(state["psa.staffing.request"], "none")
