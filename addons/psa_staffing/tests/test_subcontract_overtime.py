from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import TransactionCase, tagged

from odoo.addons.psa_approvals.tests.common import PsaApprovalsFactory


@tagged("post_install", "-at_install")
class TestSubcontractAndOvertime(PsaApprovalsFactory, TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._isolate_from_demo()
        cls.pm = cls._create_user(
            "psa_sub_pm", "psa_staffing.group_staffing_project_manager"
        )
        cls.other_pm = cls._create_user(
            "psa_sub_other_pm", "psa_staffing.group_staffing_project_manager"
        )
        cls.lead, cls.buyer, cls.legal, cls.security = (
            cls._create_user(f"psa_sub_{name}")
            for name in ("lead", "buyer", "legal", "sec")
        )
        cls.consultant = cls._create_user("psa_sub_consultant")
        cls.bank = cls.env["res.partner"].create(
            {"name": "Bank", "psa_regulated": True}
        )
        cls.shop = cls.env["res.partner"].create({"name": "Shop"})
        cls.vendor = cls.env["res.partner"].create({"name": "Vendor"})
        cls.service = cls.env["product.product"].create(
            {"name": "Audit", "type": "service", "purchase_ok": True}
        )
        cls.regulated_project, cls.plain_project = cls.env["project.project"].create(
            [
                {"name": "Bank core", "partner_id": cls.bank.id, "user_id": cls.pm.id},
                {"name": "Shop site", "partner_id": cls.shop.id, "user_id": cls.pm.id},
            ]
        )
        model = "psa.subcontract.request"
        cls._create_rule([{"user_ids": cls.lead}], model=model, name="All")
        cls._create_rule(
            [
                {"name": "Procurement", "sequence": 20, "user_ids": cls.buyer},
                {"name": "Legal", "sequence": 30, "user_ids": cls.legal},
                {"name": "Security", "sequence": 40, "user_ids": cls.security},
            ],
            model=model,
            name="Regulated",
            domain="[('client_regulated', '=', True)]",
        )

    def _subcontract(self, project, user=None, **vals):
        return (
            self.env["psa.subcontract.request"]
            .with_user(user or self.pm)
            .create(
                {
                    "name": "Pen test",
                    "project_id": project.id,
                    "partner_id": self.vendor.id,
                    "product_id": self.service.id,
                    "hours": 10,
                    "price_unit": 100,
                    "justification": "Regulator",
                    **vals,
                }
            )
        )

    def _approve_all(self, request):
        for review in request.approval_review_ids.sorted("sequence"):
            request.with_user(review.reviewer_ids[:1]).action_approve()

    def test_regulated_client_adds_procurement_legal_and_security(self):
        plain = self._subcontract(self.plain_project)
        regulated = self._subcontract(self.regulated_project)
        (plain | regulated).action_request_approval()
        self.assertEqual(plain.approval_review_ids.mapped("name"), ["Step 1"])
        self.assertEqual(
            regulated.approval_review_ids.sorted("sequence").mapped("name"),
            ["Step 1", "Procurement", "Legal", "Security"],
        )
        self.assertEqual(regulated.amount, 1000)

    def test_approval_drafts_the_purchase_order_on_the_project(self):
        request = self._subcontract(self.regulated_project)
        request.action_request_approval()
        self._approve_all(request)
        self.assertEqual(request.approval_state, "approved")
        order = request.purchase_order_id
        self.assertEqual((order.state, order.partner_id), ("draft", self.vendor))
        self.assertEqual(order.order_line.product_qty, 10)
        self.assertEqual(order.order_line.price_unit, 100)
        account = self.regulated_project.analytic_account_id
        if account:
            self.assertEqual(
                order.order_line.analytic_distribution, {str(account.id): 100}
            )
        with self.assertRaises(UserError):
            request.with_user(self.pm).hours = 20

    def test_bad_input_is_refused(self):
        Request = self.env["psa.subcontract.request"]
        before = Request.search_count([])
        for vals, message in (({"hours": 0}, "Hours"), ({"price_unit": -1}, "Hourly")):
            with self.assertRaises(ValidationError) as caught:
                self._subcontract(self.plain_project, **vals)
            self.assertIn(message, str(caught.exception))
        self.assertEqual(Request.search_count([]), before, "nothing half-written")

    def test_access(self):
        request = self._subcontract(self.plain_project)
        with self.assertRaises(AccessError):
            request.with_user(self.other_pm).read(["name"])
        with self.assertRaises(AccessError):
            self._subcontract(self.plain_project, user=self.consultant)
        request.action_request_approval()
        # a reviewer without staffing rights reads what they review, and decides
        self.assertEqual(request.with_user(self.lead).name, "Pen test")
        request.with_user(self.lead).action_approve()
        self.assertEqual(request.approval_state, "approved")

    def test_overtime_request_flow_and_rights(self):
        manager = self._create_user(
            "psa_ot_manager", "psa_staffing.group_staffing_resource_manager"
        )
        self._create_rule(
            [{"user_ids": manager}], model="psa.overtime.request", amount_min=4
        )
        employee = self.env["hr.employee"].create(
            {"name": "Consultant", "user_id": self.consultant.id}
        )
        Overtime = self.env["psa.overtime.request"].with_user(self.consultant)
        small = Overtime.create(
            {"employee_id": employee.id, "hours": 2, "reason": "Go-live"}
        )
        large = Overtime.create(
            {"employee_id": employee.id, "hours": 6, "reason": "Go-live"}
        )
        (small | large).action_request_approval()
        self.assertEqual(small.approval_state, "approved", "under 4 h: no rule")
        self.assertEqual(large.approval_state, "pending")
        large.with_user(manager).action_approve()
        self.assertEqual(large.approval_state, "approved")
        self.assertEqual(large.activity_ids.user_id, self.consultant)
        with self.assertRaisesRegex(ValidationError, "Hours"):
            Overtime.create({"employee_id": employee.id, "hours": 20, "reason": "x"})
        with self.assertRaises(AccessError):
            small.with_user(self.other_pm).read(["hours"])

    def test_forms_get_the_injected_approval_buttons(self):
        for model in ("psa.subcontract.request", "psa.overtime.request"):
            arch = self.env[model].get_view(view_type="form")["arch"]
            self.assertIn('name="action_request_approval"', arch, model)
            self.assertIn('name="approval_review_ids"', arch, model)
