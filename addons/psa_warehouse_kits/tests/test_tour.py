from datetime import timedelta

from odoo.tests import HttpCase, tagged

from .common import PsaKitsCommon


@tagged("post_install", "-at_install")
class TestKitTour(PsaKitsCommon, HttpCase):
    """The issue's scenario in a real browser, one session per person, with
    the shipped policies: the project manager requests an onboarding kit from
    its template (consumables on a project in progress: approved at once), a
    loaner laptop and a rack server; the warehouse manager approves both; the
    warehouse user dispatches the laptop with its serial once the warehouse
    manager approved the dispatch; the consultant sees the loan; the warehouse
    registers its return; the rack server waits for the operations director.

    The onboarding kit and the laptop are two requests: the shipped
    auto-approval covers consumables only, and a loan needs a storable item.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.project.name = "Tour Rollout"
        cls.welcome_pack = cls._create_product(
            "Welcome pack", 40.0, detailed_type="consu"
        )
        cls.starter_template = cls.env["psa.kit.template"].create(
            {
                "name": "Onboarding Starter Pack",
                "kind": "onboarding",
                "line_ids": [
                    (0, 0, {"product_id": cls.welcome_pack.id, "quantity": 1}),
                    (0, 0, {"product_id": cls.cable.id, "quantity": 2}),
                ],
            }
        )
        cls.loaner_template = cls.env["psa.kit.template"].create(
            {
                "name": "Tour Loaner Laptop",
                "kind": "loaner",
                "line_ids": [
                    (
                        0,
                        0,
                        {
                            "product_id": cls.laptop.id,
                            "quantity": 1,
                            "treatment": "returnable",
                        },
                    )
                ],
            }
        )
        cls.server.name = "Rack server"
        cls._stock(cls.laptop, 1, serials=("TOUR-SN-0001",))
        cls._stock(cls.server, 1)
        for user in (
            cls.project_manager,
            cls.consultant,
            cls.warehouse_user,
            cls.warehouse_manager,
            cls.director,
        ):
            user.password = user.login

    def _request(self, template=None, product=None):
        lines = self.env["psa.kit.request"].search(
            [("project_id", "=", self.project.id)]
        )
        if template:
            return lines.filtered(lambda r: r.template_id == template)
        return lines.filtered(lambda r: product in r.line_ids.product_id)

    def test_request_dispatch_lend_return(self):
        self.start_tour(
            "/web", "psa_kit_request_tour", login=self.project_manager.login
        )
        onboarding = self._request(self.starter_template)
        loaner = self._request(self.loaner_template)
        server = self._request(product=self.server)
        self.assertEqual(len(onboarding | loaner | server), 3)
        self.assertEqual(
            (onboarding.state, onboarding.approval_state), ("reserved", "approved")
        )
        self.assertEqual(
            self._logs(onboarding, "auto_approved").rule_id,
            self.env.ref("psa_warehouse_kits.approval_rule_kit_consumables_auto"),
        )
        self.assertEqual(onboarding.requester_id, self.project_manager)
        self.assertEqual(onboarding.needed_date, self.today + timedelta(days=7))
        self.assertEqual(onboarding.recipient_user_id, self.consultant)
        for request in loaner | server:
            self.assertEqual(
                (request.state, request.approval_state), ("to_approve", "pending")
            )

        self.start_tour(
            "/web", "psa_kit_approve_tour", login=self.warehouse_manager.login
        )
        self.assertEqual(loaner.state, "reserved")
        self.assertEqual(loaner.line_ids.lot_ids.name, "TOUR-SN-0001")
        self.assertEqual(
            (server.state, server.approval_state), ("to_approve", "pending")
        )
        waiting = server.approval_review_ids.filtered(lambda r: r.state == "pending")
        self.assertEqual(waiting.step_id.name, "Operations director")
        self.assertEqual(waiting.reviewer_ids, self.director)

        picking = loaner.picking_ids
        self.start_tour(
            "/web", "psa_kit_dispatch_request_tour", login=self.warehouse_user.login
        )
        self.assertEqual(
            (picking.state, picking.approval_state), ("assigned", "pending")
        )
        self.assertEqual(picking.approval_requested_by_id, self.warehouse_user)

        self.start_tour(
            "/web", "psa_kit_dispatch_approve_tour", login=self.warehouse_manager.login
        )
        self.assertEqual(picking.approval_state, "approved")

        self.start_tour(
            "/web", "psa_kit_dispatch_validate_tour", login=self.warehouse_user.login
        )
        self.assertEqual(picking.state, "done")
        self.assertEqual(picking.move_line_ids.lot_id.name, "TOUR-SN-0001")
        self.assertEqual(loaner.state, "dispatched")
        loan = loaner.loan_ids
        self.assertEqual(len(loan), 1)
        self.assertEqual(
            (loan.state, loan.user_id, loan.lot_id.name),
            ("lent", self.consultant, "TOUR-SN-0001"),
        )
        self.assertEqual(loan.date_due, self.project.date)

        self.start_tour("/web", "psa_kit_my_loans_tour", login=self.consultant.login)

        self.start_tour(
            "/web", "psa_kit_loan_return_tour", login=self.warehouse_user.login
        )
        self.assertEqual(loan.state, "returned")
        self.assertEqual(loan.return_picking_id.state, "done")
        self.assertEqual(
            loan.return_picking_id.move_line_ids.lot_id.name, "TOUR-SN-0001"
        )

        self.start_tour(
            "/web", "psa_kit_director_review_tour", login=self.director.login
        )
        self.assertEqual(
            (server.state, server.approval_state), ("to_approve", "pending")
        )
        self.assertFalse(server.picking_ids, "nothing leaves before the director")
