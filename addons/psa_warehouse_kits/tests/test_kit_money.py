import logging

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, tagged

from .common import PsaKitsCommon

_logger = logging.getLogger(__name__)


@tagged("post_install", "-at_install")
class TestKitMoney(PsaKitsCommon):
    """Billable items reach the sale order as delivered, expense items post
    their cost to the project's analytic account, write-offs may be billed."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.dock.write({"list_price": 220.0, "invoice_policy": "delivery"})
        cls.cable.write({"list_price": 9.0, "invoice_policy": "delivery"})
        cls._stock(cls.dock, 10)
        cls.order = cls.env["sale.order"].create(
            {
                "partner_id": cls.client_site.id,
                "order_line": [
                    Command.create(
                        {
                            "name": "Rollout services",
                            "display_type": "line_note",
                        }
                    )
                ],
            }
        )
        cls.order.action_confirm()
        if not cls.project.analytic_account_id:
            cls.project._create_analytic_account()

    def _billed(self, lines, **vals):
        vals.setdefault("sale_order_id", self.order.id)
        request = self._approved(lines, **vals)
        picking = self._dispatch(request)
        return request, picking

    def _return(self, picking, product, quantity):
        """Odoo's own return of ``picking`` for ``quantity`` of ``product``,
        validated (*Update quantities on SO* left on, as by default)."""
        wizard = (
            self.env["stock.return.picking"]
            .with_context(active_id=picking.id, active_model="stock.picking")
            .create({"picking_id": picking.id})
        )
        for line in wizard.product_return_moves:
            line.quantity = quantity if line.product_id == product else 0.0
        wizard.product_return_moves.filtered(lambda ln: not ln.quantity).unlink()
        receipt = self.env["stock.picking"].browse(wizard._create_returns()[0])
        receipt.move_ids.quantity = quantity
        receipt.move_ids.picked = True
        receipt.with_user(self.warehouse_user).button_validate()
        self.assertEqual(receipt.state, "done")
        return receipt

    # ---------------------------------------------------------------- billing
    def test_billable_lines_reach_the_order_as_delivered_products(self):
        request, picking = self._billed(
            [(self.dock, 2, "billable"), (self.cable, 10, "billable")]
        )
        lines = request.sudo().sale_line_ids
        self.assertEqual(lines.order_id, self.order)
        self.assertEqual(lines.product_id, self.dock | self.cable)
        dock = lines.filtered(lambda ln: ln.product_id == self.dock)
        cable = lines - dock
        self.assertEqual((dock.product_uom_qty, dock.qty_delivered), (2.0, 2.0))
        self.assertEqual((cable.product_uom_qty, cable.qty_delivered), (10.0, 10.0))
        self.assertEqual(dock.qty_delivered_method, "stock_move")
        self.assertEqual(dock.price_unit, 220.0)
        self.assertEqual(
            dock.move_ids, picking.move_ids.filtered("sale_line_id") & dock.move_ids
        )
        self.assertEqual(request.amount_billed, 2 * 220.0 + 10 * 9.0)
        # no second delivery for the order: the kit's transfer delivered it
        self.assertFalse(self.order.picking_ids)
        self.assertEqual(self.order.invoice_status, "to invoice")
        self.assertEqual(self.order.psa_kit_request_count, 1)
        # validating again posts nothing more
        self.env["psa.kit.request"]._post_kit_money(picking.move_ids)
        self.assertEqual(request.sudo().sale_line_ids, lines)
        self.assertEqual(dock.qty_delivered, 2.0)
        # a dock comes back: Odoo's return takes it off the delivered quantity
        self._return(picking, self.dock, 1.0)
        self.assertEqual(dock.qty_delivered, 1.0)
        self.assertEqual(request.sudo().sale_line_ids, lines)
        self.assertEqual(request.amount_billed, 220.0 + 10 * 9.0)
        # the standard Create Invoice bills what was delivered
        invoice = self.order._create_invoices()
        billed = {
            line.product_id: line.quantity
            for line in invoice.invoice_line_ids
            if line.product_id
        }
        self.assertEqual(billed, {self.dock: 1.0, self.cable: 10.0})

    def test_a_backorder_delivered_later_grows_the_same_line(self):
        cable = self._create_product("Patch panel", 40.0, list_price=60.0)
        self._stock(cable, 2)
        request = self._approved([(cable, 5, "billable")], sale_order_id=self.order.id)
        picking = request.sudo().picking_ids
        action = picking.with_user(self.warehouse_user).button_validate()
        self.env["stock.backorder.confirmation"].with_context(
            **action["context"]
        ).create({}).process()
        line = request.sudo().sale_line_ids
        self.assertEqual((line.product_uom_qty, line.qty_delivered), (2.0, 2.0))
        self._stock(cable, 3)
        backorder = request.sudo().picking_ids - picking
        backorder.action_assign()
        backorder.with_user(self.warehouse_user).button_validate()
        self.assertEqual(backorder.state, "done")
        self.assertEqual(request.sudo().sale_line_ids, line)
        self.assertEqual((line.product_uom_qty, line.qty_delivered), (5.0, 5.0))
        self.assertFalse(self.order.picking_ids)
        self.assertEqual(request.line_ids.qty_done, 5.0)

    def test_the_project_order_is_the_default(self):
        if "sale_order_id" not in self.env["project.project"]._fields:
            # without sale_project a project has no order: none is guessed
            request = self._create_request([(self.dock, 1, "billable")])
            self.assertFalse(request.sale_order_id)
            return
        service = self.env["product.product"].create(
            {"name": "Rollout services", "detailed_type": "service"}
        )
        line = self.env["sale.order.line"].create(
            {"order_id": self.order.id, "product_id": service.id}
        )
        self.project.sale_line_id = line
        request = self._create_request([(self.dock, 1, "billable")])
        self.assertEqual(request.sale_order_id, self.order)
        draft = self.env["psa.kit.request"].new({"project_id": self.project.id})
        draft._onchange_project_id_sale_order()
        self.assertEqual(draft.sale_order_id, self.order)

    def test_billable_lines_without_order_are_refused(self):
        request = self._create_request([(self.dock, 1, "billable"), (self.cable, 1)])
        self.assertFalse(request.sale_order_id)
        with self.assertRefused(UserError, "Sale Order"):
            request.action_request_approval()
        self.assertEqual((request.state, request.approval_state), ("draft", "draft"))
        self.assertFalse(request.sudo().approval_review_ids)
        # an order cancelled after approval: the dispatch is refused, untouched
        order = self.order.copy()
        order.action_confirm()
        request = self._approved([(self.dock, 1, "billable")], sale_order_id=order.id)
        order._action_cancel()
        picking = request.sudo().picking_ids.with_user(self.warehouse_user)
        with self.assertRefused(UserError, "Sale Order"):
            picking.button_validate()
        self.assertNotEqual(picking.state, "done")
        self.assertEqual(request.state, "reserved")
        self.assertFalse(request.sudo().sale_line_ids)

    # ---------------------------------------------------------------- expense
    def test_expense_lines_post_their_cost_to_the_analytic_account(self):
        request, picking = self._billed(
            [(self.cable, 10, "expense"), (self.dock, 1, "expense")]
        )
        account = self.project.analytic_account_id
        lines = request.sudo().analytic_line_ids
        self.assertEqual(len(lines), 2)
        self.assertEqual(lines.account_id, account)
        self.assertEqual(sorted(lines.mapped("amount")), [-150.0, -50.0])
        self.assertEqual(set(lines.mapped("ref")), {request.name})
        self.assertEqual(request.amount_expensed, 200.0)
        self.assertFalse(request.sudo().sale_line_ids)  # expensed, not billed
        # validating again posts nothing more
        self.env["psa.kit.request"]._post_kit_money(picking.move_ids)
        self.assertEqual(request.sudo().analytic_line_ids, lines)
        # the dock comes back unused: its cost goes back to the project
        self._return(picking, self.dock, 1.0)
        self.assertEqual(len(request.sudo().analytic_line_ids), 3)
        self.assertEqual(request.amount_expensed, 50.0)
        self.assertEqual(
            sum(
                self.env["account.analytic.line"]
                .search([("account_id", "=", account.id)])
                .mapped("amount")
            ),
            -50.0,
        )

    def test_a_project_without_analytic_account_gets_one(self):
        project = self.env["project.project"].create(
            {"name": "No analytic", "user_id": self.project_manager.id}
        )
        project.analytic_account_id = False
        request, _picking = self._billed(
            [(self.cable, 4, "expense")], project_id=project.id
        )
        self.assertTrue(project.analytic_account_id)
        self.assertEqual(
            request.sudo().analytic_line_ids.account_id, project.analytic_account_id
        )
        self.assertEqual(request.amount_expensed, 20.0)

    def test_who_sees_and_writes_the_money(self):
        request, _picking = self._billed(
            [(self.dock, 1, "billable"), (self.cable, 2, "expense")]
        )
        analytic = request.sudo().analytic_line_ids
        billed = request.sudo().sale_line_ids
        for user in (self.requester, self.consultant, self.warehouse_user):
            with self.assertRaises(AccessError):
                analytic.with_user(user).write({"amount": 0.0})
            with self.assertRaises(AccessError):
                self.env["account.analytic.line"].with_user(user).create(
                    {"name": "Mine", "account_id": analytic.account_id.id}
                )
        self.assertEqual(analytic.amount, -10.0)
        # finance reads the money lists, writes none of it
        as_finance = self.env["account.analytic.line"].with_user(self.finance)
        self.assertEqual(
            as_finance.search([("psa_kit_request_id", "=", request.id)]), analytic
        )
        lines = self.env["sale.order.line"].with_user(self.finance)
        self.assertEqual(
            lines.search([("psa_kit_request_id", "=", request.id)]), billed
        )
        with self.assertRaises(AccessError):
            analytic.with_user(self.finance).write({"amount": 0.0})
        with self.assertRaises(AccessError):
            billed.with_user(self.finance).write({"product_uom_qty": 5.0})
        action = request.with_user(self.finance).action_view_analytic_lines()
        self.assertEqual(as_finance.search(action["domain"]), analytic)
        action = request.with_user(self.finance).action_view_sale_lines()
        self.assertEqual(lines.search(action["domain"]), billed)
        # everyone who reads the request opens its form, money buttons included
        for user in (self.project_manager, self.warehouse_manager, self.finance):
            Form(request.with_user(user))
        # the project manager requesting it sees the totals on the request
        self.assertEqual(request.with_user(self.project_manager).amount_billed, 220.0)
        self.assertEqual(request.with_user(self.project_manager).amount_expensed, 10.0)

    def test_posting_costs_the_same_queries_for_3_or_6_products(self):
        """Analytic lines are created in one batch per dispatch, sale lines
        too; what grows per product is Odoo's own work on a new sale line
        (taxes, analytic distribution, prices), bounded here."""

        def run(count, treatment):
            products = self.env["product.product"].create(
                [
                    {
                        "name": f"Kit item {treatment} {count}-{i}",
                        "detailed_type": "consu",
                        "standard_price": 10.0,
                        "list_price": 15.0,
                    }
                    for i in range(count)
                ]
            )
            request, picking = self._billed(
                [(product, 1, treatment) for product in products]
            )
            # take the money back off, then post it again, measured
            moves = self.env["stock.move"].browse(picking.move_ids.ids)
            request.sudo().analytic_line_ids.unlink()
            moves.sale_line_id = False
            request.sudo().sale_line_ids.write({"psa_kit_request_id": False})
            self.env.flush_all()
            self.env.invalidate_all()
            before = self.cr.sql_log_count
            self.env["psa.kit.request"]._post_kit_money(moves)
            self.env.flush_all()
            queries = self.cr.sql_log_count - before
            posted = request.sudo()[
                "sale_line_ids" if treatment == "billable" else "analytic_line_ids"
            ]
            self.assertEqual(len(posted), count)
            return queries

        for treatment in ("expense", "billable"):
            run(2, treatment)  # warm the caches
        expense = [run(3, "expense"), run(6, "expense")]
        billable = [run(3, "billable"), run(6, "billable")]
        _logger.warning(
            "kit money posted on dispatch: expense %s queries for 3 products, %s "
            "for 6; billable %s for 3, %s for 6",
            *expense,
            *billable,
        )
        self.assertEqual(expense[0], expense[1])
        # per new sale line, Odoo posts "Extra line" on the confirmed order
        # (5 queries) and searches its analytic distribution models (1); the
        # line's moves are linked (1): 7 measured
        self.assertLessEqual((billable[1] - billable[0]) / 3, 7)

    # -------------------------------------------------------------- write-off
    def test_write_off_billed_to_the_client_once(self):
        request, _picking = self._billed([(self.dock, 1, "returnable")])
        loan = request.sudo().loan_ids
        WriteOff = self.env["psa.kit.write.off"].with_user(self.warehouse_user)
        write_off = WriteOff.create(
            {
                "loan_id": loan.id,
                "kind": "lost",
                "reason": "Left at the client",
                "bill_client": True,
            }
        )
        self.assertEqual(write_off.sale_order_id, self.order)
        write_off.action_request_approval()
        self.assertFalse(write_off.sale_line_id)  # not before approval
        write_off.with_user(self.finance).action_approve()
        line = write_off.sale_line_id
        self.assertEqual(write_off.state, "done")
        self.assertEqual(line.order_id, self.order)
        self.assertEqual(line.product_id, self.dock)
        self.assertEqual(line.price_unit, 220.0)
        self.assertEqual((line.product_uom_qty, line.qty_delivered), (1.0, 1.0))
        self.assertEqual(line.qty_delivered_method, "manual")
        self.assertIn(write_off.name, line.name)
        self.assertFalse(self.order.picking_ids)  # nothing to deliver again
        write_off._bill_to_client()
        self.assertEqual(
            self.env["sale.order.line"].search(
                [("psa_kit_write_off_id", "=", write_off.id)]
            ),
            line,
        )

    def test_write_off_billed_without_order_is_refused(self):
        self.order.action_cancel()
        request = self._approved([(self.dock, 1, "returnable")])
        self._dispatch(request)
        loan = request.sudo().loan_ids
        WriteOff = self.env["psa.kit.write.off"].with_user(self.warehouse_user)
        with self.assertRefused(ValidationError, "Bill to Client"):
            WriteOff.create(
                {
                    "loan_id": loan.id,
                    "kind": "lost",
                    "reason": "Gone",
                    "bill_client": True,
                }
            )
        self.assertFalse(
            self.env["psa.kit.write.off"].search([("loan_id", "=", loan.id)])
        )

    # ---------------------------------------------------------------- routing
    def test_network_equipment_needs_the_warehouse_manager(self):
        network = self.env.ref("psa_warehouse_kits.product_category_network_equipment")
        cabling = self.env["product.category"].create(
            {"name": "Cabling", "parent_id": network.id}
        )
        patch = self._create_product(
            "Patch cable", 4.0, detailed_type="consu", categ_id=cabling.id
        )
        switch = self._create_product("Switch", 300.0, categ_id=network.id)
        consumables = self._create_request([(patch, 10)])
        gear = self._create_request([(switch, 1)])
        plain = self._create_request([(self.cable, 10)])
        (consumables | gear | plain).action_request_approval()
        self.assertIn(network, consumables.product_categ_ids)
        self.assertEqual(consumables.approval_state, "pending")  # not auto
        rule = self.env.ref("psa_warehouse_kits.approval_rule_kit_network_equipment")
        self.assertEqual(consumables.sudo().approval_review_ids.rule_id, rule)
        # the same step through two rules is asked once
        self.assertEqual(
            gear.sudo().approval_review_ids.mapped("name"), ["Warehouse manager"]
        )
        self.assertEqual(plain.approval_state, "approved")
