from datetime import timedelta

from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged

from .common import PsaKitsCommon


@tagged("post_install", "-at_install")
class TestKitRequest(PsaKitsCommon):
    def _steps(self, request):
        return request.sudo().approval_review_ids.mapped("name")

    def test_consumables_on_project_in_progress_auto_approve(self):
        request = self._create_request([(self.cable, 10)])
        self.assertTrue(request.consumables_only)
        self.assertTrue(request.project_in_progress)
        request.action_request_approval()
        self.assertEqual(request.approval_state, "approved")
        self.assertEqual(request.state, "reserved")  # consumables are always there
        log = self._logs(request, "auto_approved")
        self.assertEqual(
            log.rule_id,
            self.env.ref("psa_warehouse_kits.approval_rule_kit_consumables_auto"),
        )

    def test_consumables_above_limit_or_off_project_need_warehouse_manager(self):
        above = self._create_request([(self.cable, 101)])  # 505
        above.action_request_approval()
        self.assertEqual(above.state, "to_approve")
        self.assertEqual(self._steps(above), ["Warehouse manager"])
        self.project.date = self.today - timedelta(days=1)  # the project ended
        ended = self._create_request([(self.cable, 10)])
        self.assertFalse(ended.project_in_progress)
        ended.action_request_approval()
        self.assertEqual(ended.approval_state, "pending")
        self.assertEqual(self._steps(ended), ["Warehouse manager"])

    def test_equipment_routes_by_value_and_security_class(self):
        laptop = self._create_request([(self.laptop, 1)])
        server = self._create_request([(self.server, 1)])
        phone = self._create_request([(self.crypto_phone, 1)])
        (laptop | server | phone).action_request_approval()
        self.assertEqual(self._steps(laptop), ["Warehouse manager"])
        self.assertEqual(
            sorted(self._steps(server)), ["Operations director", "Warehouse manager"]
        )
        self.assertEqual(
            sorted(self._steps(phone)), ["Security officer", "Warehouse manager"]
        )
        self.assertEqual(set((laptop | server | phone).mapped("state")), {"to_approve"})
        self._approve_all(server)
        self.assertEqual(server.approval_state, "approved")
        self.assertEqual(server.state, "approved")  # no rack server in stock
        self.assertIn(self.director, self._logs(server, "approved").user_id)

    def test_client_owned_items_need_the_projects_manager(self):
        router = self._create_product("Client router", 700.0, psa_ownership="client")
        self._stock(router, 1)
        request = self._create_request([(router, 1)], user=self.requester)
        plain = self._create_request([(self.dock, 1)], user=self.requester)
        (request | plain).action_request_approval()
        self.assertTrue(request.has_client_owned)
        self.assertEqual(
            sorted(self._steps(request)),
            ["Project manager: client-owned items", "Warehouse manager"],
        )
        self.assertEqual(self._steps(plain), ["Warehouse manager"])
        # the warehouse manager's approval is not enough: the project's
        # manager answers to the client for its property
        request.with_user(self.warehouse_manager).action_approve()
        self.assertEqual(request.approval_state, "pending")
        with self.assertRaises(UserError):
            request.with_user(self.warehouse_manager).action_approve()
        with self.assertRaises(UserError):
            request.with_user(self.consultant).action_approve()
        self.assertEqual(request.approval_state, "pending")
        request.with_user(self.project_manager).action_approve()
        self.assertEqual(request.approval_state, "approved")
        self.assertEqual(request.state, "reserved")
        self.assertIn(self.project_manager, self._logs(request, "approved").user_id)

    def test_rejection_sends_back_to_draft(self):
        request = self._create_request([(self.laptop, 1)])
        request.action_request_approval()
        request.with_user(self.warehouse_manager).action_reject("Use a loaner")
        self.assertEqual(request.state, "draft")
        self.assertEqual(request.approval_state, "rejected")
        request.line_ids.quantity = 2  # editable again, then resubmitted
        request.action_request_approval()
        self.assertEqual(request.state, "to_approve")

    def test_bad_input_refused_naming_the_field(self):
        requests = self.env["psa.kit.request"]
        count = requests.search_count([])
        lines = self.env["psa.kit.request.line"].search_count([])
        with self.assertRefused(ValidationError, "Quantity"):
            self._create_request([(self.laptop, 1), (self.dock, 0)])
        with self.assertRefused(ValidationError, "Quantity"):
            self._create_request([(self.dock, -2)])
        with self.assertRefused(ValidationError, "Needed Date"):
            self._create_request(
                [(self.dock, 1)], needed_date=self.today - timedelta(days=1)
            )
        with self.assertRefused(ValidationError, "Returnable"):
            self._create_request([(self.dock, 1), (self.cable, 1, "returnable")])
        with self.assertRefused(ValidationError, "Client Site"):
            self._create_request([(self.dock, 1)], destination_type="site")
        self.assertEqual(requests.search_count([]), count)
        self.assertEqual(self.env["psa.kit.request.line"].search_count([]), lines)
        empty = self._create_request([])
        with self.assertRefused(UserError, "no lines"):
            empty.action_request_approval()
        self.assertEqual(empty.state, "draft")

    def test_submitted_request_is_frozen(self):
        request = self._create_request([(self.laptop, 1)])
        request.action_request_approval()
        with self.assertRefused(UserError, "cannot change"):
            request.line_ids.quantity = 5
        with self.assertRefused(UserError, "cannot change"):
            request.write({"line_ids": [(0, 0, {"product_id": self.dock.id})]})
        self._approve_all(request)
        with self.assertRefused(UserError, "Project"):
            request.project_id = self.env["project.project"].create({"name": "Other"})
        self.assertEqual(request.line_ids.quantity, 1)

    def test_cancel_closes_reviews(self):
        request = self._create_request([(self.laptop, 1)])
        request.action_request_approval()
        request.action_cancel()
        self.assertEqual(request.state, "cancelled")
        self.assertEqual(request.approval_state, "draft")
        self.assertEqual(
            set(request.sudo().approval_review_ids.mapped("state")), {"cancelled"}
        )
        self.assertTrue(self._logs(request, "cancelled"))
        request.action_draft()
        self.assertEqual((request.state, request.approval_state), ("draft", "draft"))

    def test_approved_only_through_the_matrix(self):
        request = self._create_request([(self.laptop, 1)])
        request.action_request_approval()
        with self.assertRefused(UserError, "needs an approval first"):
            request.write({"state": "approved"})
        self.assertEqual(request.state, "to_approve")
        # a new destination while waiting: back to draft, logged
        request.write({"destination_type": "site", "partner_id": self.client_site.id})
        self.assertEqual((request.state, request.approval_state), ("draft", "draft"))
        self.assertTrue(self._logs(request, "reset"))

    def test_settings_limit_moves_both_consumables_rules(self):
        settings = self.env["res.config.settings"].create({})
        self.assertEqual(settings.psa_kit_consumables_limit, 500.0)
        settings.psa_kit_consumables_limit = 1000.0
        settings.execute()
        auto = self.env.ref("psa_warehouse_kits.approval_rule_kit_consumables_auto")
        above = self.env.ref(
            "psa_warehouse_kits.approval_rule_kit_consumables_above_limit"
        )
        self.assertEqual((auto.amount_max, above.amount_min), (1000.0, 1000.01))
        request = self._create_request([(self.cable, 101)])  # 505
        request.action_request_approval()
        self.assertEqual(request.approval_state, "approved")
        with self.assertRefused(ValidationError, "more than 0"):
            self.env["res.config.settings"].create({"psa_kit_consumables_limit": -1})
        with self.assertRefused(ValidationError, "cannot be negative"):
            self.env["res.config.settings"].create({"psa_kit_release_days": -1})
