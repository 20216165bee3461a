from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import PsaKitsCommon


@tagged("post_install", "-at_install")
class TestKitSecurity(PsaKitsCommon):
    def test_requesters_see_their_own_and_their_projects(self):
        own = self._create_request([(self.dock, 1)], user=self.requester)
        managed = self._create_request([(self.dock, 1)], user=self.project_manager)
        other_project = self.env["project.project"].create({"name": "Internal IT"})
        other = self._create_request(
            [(self.dock, 1)], user=self.warehouse_user, project_id=other_project.id
        )
        requests = self.env["psa.kit.request"]
        visible = requests.with_user(self.requester).search([])
        self.assertEqual(visible, own)
        self.assertEqual(
            requests.with_user(self.project_manager).search([]), own | managed
        )
        self.assertEqual(
            requests.with_user(self.consultant).search([]), own | managed | other
        )  # the employee receiving them
        self.assertEqual(
            requests.with_user(self.warehouse_user).search([])
            & (own | managed | other),
            own | managed | other,
        )
        with self.assertRaises(AccessError):
            other.with_user(self.requester).read(["name"])
        with self.assertRaises(AccessError):
            other.line_ids.with_user(self.requester).read(["quantity"])

    def test_requester_cannot_approve_their_own_request(self):
        # the requester is a warehouse manager, a reviewer of their own request
        request = self._create_request([(self.laptop, 1)], user=self.warehouse_manager)
        request.with_user(self.warehouse_manager).action_request_approval()
        with self.assertRaises(AccessError):
            request.with_user(self.warehouse_manager).action_approve()
        with self.assertRaises(AccessError):
            request.with_user(self.requester).action_approve()
        self.assertEqual(request.approval_state, "pending")

    def test_requester_cannot_dispatch(self):
        self._stock(self.dock, 2)
        request = self._create_request([(self.dock, 1)], user=self.requester)
        request.with_user(self.requester).action_request_approval()
        self._approve_all(request)
        self.assertEqual(request.state, "reserved")
        picking = request.sudo().picking_ids
        with self.assertRaises(AccessError):
            picking.with_user(self.requester).button_validate()
        with self.assertRaises(AccessError):
            request.with_user(self.requester).action_close()
        self.assertEqual(picking.state, "assigned")
        self.assertEqual(request.with_user(self.requester).picking_count, 1)

    def test_finance_reads_everything_and_writes_nothing(self):
        request = self._create_request([(self.dock, 1)], user=self.requester)
        as_finance = request.with_user(self.finance)
        self.assertEqual(as_finance.amount_total, 150.0)
        with self.assertRaises(AccessError):
            as_finance.write({"urgency": "critical"})
        with self.assertRaises(AccessError):
            self.template.with_user(self.finance).write({"name": "Mine"})

    def test_other_company_requests_are_invisible(self):
        other_company = self.env["res.company"].create({"name": "PSA Belgium"})
        self.warehouse_user.company_ids = [(4, other_company.id)]
        project = self.env["project.project"].create(
            {"name": "Brussels", "company_id": other_company.id}
        )
        request = self._create_request(
            [(self.dock, 1)], user=self.env.user, project_id=project.id
        )
        self.assertEqual(request.company_id, other_company)
        self.assertEqual(request.warehouse_id.company_id, other_company)
        as_user = self.env["psa.kit.request"].with_user(self.warehouse_user)
        main = self.env.company
        self.assertNotIn(
            request, as_user.with_context(allowed_company_ids=main.ids).search([])
        )
        self.assertIn(
            request,
            as_user.with_context(allowed_company_ids=other_company.ids).search([]),
        )
