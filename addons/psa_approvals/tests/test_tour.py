from odoo.tests import HttpCase, tagged

from .common import PsaApprovalsFactory


@tagged("post_install", "-at_install")
class TestApprovalTour(PsaApprovalsFactory, HttpCase):
    """The main flow through the web client, one browser session per person."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._isolate_from_demo()
        cls.requester = cls._create_user("tour_requester")
        cls.approver_1 = cls._create_user("tour_approver_1")
        cls.approver_2 = cls._create_user("tour_approver_2")
        for user in cls.requester | cls.approver_1 | cls.approver_2:
            user.password = user.login

    def test_admin_adds_rule_then_submit_approve_reject(self):
        self.start_tour("/web", "psa_approvals_matrix_tour", login="admin")
        rule = self.env["psa.approval.rule"].search([("name", "=", "Tour rule")])
        self.assertEqual(rule.model_name, "psa.approval.request")
        self.assertEqual(
            [(s.name, s.sequence, s.user_ids) for s in rule.step_ids],
            [("Team lead", 10, self.approver_1), ("Finance", 20, self.approver_2)],
        )

        self.start_tour("/web", "psa_approvals_submit_tour", login="tour_requester")
        request = self.env["psa.approval.request"].search(
            [("name", "=", "Tour: extra QA budget")]
        )
        self.assertEqual(request.approval_state, "pending")
        self.assertEqual(request.amount, 5000)

        self.start_tour("/web", "psa_approvals_approve_tour", login="tour_approver_1")
        first, second = request.approval_review_ids.sorted("sequence")
        self.assertEqual(first.state, "approved")
        self.assertEqual(first.approver_ids, self.approver_1)
        self.assertEqual(second.state, "pending")

        self.start_tour("/web", "psa_approvals_reject_tour", login="tour_approver_2")
        self.assertEqual(request.approval_state, "rejected")
        self.assertEqual(second.comment, "No budget left this quarter")
