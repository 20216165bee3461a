from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, tagged

from .retainer_common import PsaRetainerCommon

DAY = "2027-03-01"


@tagged("post_install", "-at_install")
class TestRetainerOverage(PsaRetainerCommon):
    """Hours past a retainer's prepaid hours bill nothing until an overage is
    approved through the matrix (shipped rule: sales management); approval
    adds the overage line the standard Create Invoice bills."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.rule = cls.env.ref("psa_billing_readiness.approval_rule_retainer_overage")
        cls.rule.active = True

    def setUp(self):
        super().setUp()
        self.time = self._timesheet(DAY, 10) | self._timesheet("2027-03-02", 2.5)
        self.time.with_user(self.manager).action_psa_validate()

    def _overage(self, user=None, **vals):
        return (
            self.env["psa.retainer.overage"]
            .with_user(user or self.salesman)
            .create({"sale_line_id": self.line.id, **vals})
        )

    def _check(self):
        self.r_order.with_user(self.finance).action_psa_check_readiness()

    def test_overage_not_delivered_and_blocks_readiness(self):
        self.assertEqual(self.line.qty_delivered, 10, "capped at the prepaid hours")
        self._check()
        self.assertEqual(self.r_order.psa_readiness, "blocked")
        self.assertEqual(self.r_order.psa_blocked_overage, 2.5)
        self.assertIn(
            "2.5 h past the prepaid hours of a retainer", self.r_order.psa_blockers
        )
        self.assertEqual(self.r_order.psa_overage_unrequested, 2.5)
        action = self.r_order.with_user(self.salesman).action_psa_request_overage()
        self.assertEqual(action["context"]["default_sale_line_id"], self.line.id)

    def test_approved_overage_is_billed_by_create_invoice(self):
        self._check()
        form = Form(
            self.env["psa.retainer.overage"]
            .with_user(self.salesman)
            .with_context(default_sale_line_id=self.line.id)
        )
        self.assertEqual(form.hours, 2.5, "the hours no request covers")
        self.assertEqual(form.price_unit, 100, "the retainer's hourly price")
        form.justification = "Agreed with the client by email"
        overage = form.save()
        self.assertEqual(overage.amount, 250)
        overage.action_request_approval()
        self.assertEqual(overage.approval_state, "pending")
        self._check()
        self.assertEqual(self.r_order.psa_blocked_overage, 2.5, "pending: still blocks")
        overage.with_user(self.sales_manager).action_approve()
        self.assertEqual(overage.approval_state, "approved")
        added = overage.overage_line_id
        self.assertEqual(added.order_id, self.r_order)
        self.assertEqual(added.psa_overage_of_id, self.line)
        self.assertEqual(
            (added.product_uom_qty, added.qty_delivered, added.price_unit),
            (2.5, 2.5, 100),
        )
        self.assertEqual(self.line.qty_delivered, 10, "the retainer still caps")
        self.assertEqual(self.r_order.psa_blocked_overage, 0, "rechecked")
        self.assertEqual(self.r_order.psa_readiness, "ready")
        self.assertIn("approved", self.r_order.message_ids[:1].body)
        self.assertEqual(
            set(self._log_lines(overage, "approved").mapped("event")), {"approved"}
        )
        wizard = (
            self.env["sale.advance.payment.inv"]
            .with_context(active_model="sale.order", active_ids=self.r_order.ids)
            .create({"advance_payment_method": "delivered"})
        )
        wizard.create_invoices()
        invoice = self.r_order.invoice_ids
        self.assertEqual(
            sorted(invoice.invoice_line_ids.mapped("quantity")), [2.5, 10.0]
        )
        self.assertEqual(invoice.amount_untaxed, 1250)
        self.assertEqual(self.r_order.invoice_status, "invoiced")

    def test_rejected_overage_is_absorbed(self):
        self._check()
        overage = self._overage()
        overage.action_request_approval()
        overage.with_user(self.sales_manager).action_reject(
            reason="Our own estimate was wrong"
        )
        self.assertEqual(overage.approval_state, "rejected")
        self.assertFalse(overage.overage_line_id)
        self.assertEqual(len(self.r_order.order_line), 1, "nothing billed")
        self.assertIn("Our own estimate was wrong", self.r_order.message_ids[:1].body)
        self.assertEqual(self.r_order.psa_blocked_overage, 0, "decided: absorbed")

    def test_consultant_neither_raises_nor_approves(self):
        with self.assertRaises(AccessError):
            self._overage(user=self.consultant)
        overage = self._overage()
        overage.action_request_approval()
        with self.assertRaises(AccessError):
            overage.with_user(self.consultant).action_approve()
        self.assertEqual(overage.approval_state, "pending")
        self.assertFalse(overage.overage_line_id)

    def test_salesperson_cannot_approve_nor_raise_on_others_orders(self):
        other = self._create_user(
            "psa_retainer_other_salesman", "sales_team.group_sale_salesman"
        )
        with self.assertRaises(AccessError):
            self._overage(user=other, hours=0.5)
        self.assertFalse(self.env["psa.retainer.overage"].search([]))
        overage = self._overage()
        overage.action_request_approval()
        with self.assertRaises(AccessError):
            overage.with_user(self.salesman).action_approve()
        self.assertEqual(overage.approval_state, "pending")

    def test_bad_input_is_refused_naming_the_field(self):
        Overage = self.env["psa.retainer.overage"]
        with self.assertRaises(ValidationError) as caught:
            self._overage(sale_line_id=self.time_line.id, hours=1)
        self.assertIn("Retainer Line", str(caught.exception))
        self.assertIn("is not a retainer", str(caught.exception))
        with self.assertRaises(ValidationError) as caught:
            self._overage(hours=-1)
        self.assertIn("Overage Hours", str(caught.exception))
        with self.assertRaises(ValidationError) as caught:
            self._overage(hours=1, price_unit=-5)
        self.assertIn("Hourly Price", str(caught.exception))
        with self.assertRaises(ValidationError) as caught:
            self._overage(hours=3)
        self.assertIn("exceed the hours logged past", str(caught.exception))
        self.assertFalse(Overage.search([]), "nothing half-written")
        self._overage(hours=2)
        with self.assertRaises(ValidationError):
            self._overage(hours=1)  # 0.5 h left to request
        self.assertEqual(Overage.search_count([]), 1)

    def test_new_order_form_has_no_overage(self):
        form = Form(self.env["sale.order"].with_user(self.salesman))
        form.partner_id = self.customer
        with form.order_line.new() as line:
            line.product_id = self.retainer
        self.assertEqual(form.psa_overage_count, 0)
        order = form.save()
        self.assertEqual(order.psa_overage_unrequested, 0)

    def test_nothing_to_request_is_said(self):
        order = self._retainer_order(20)
        self.assertEqual(order.psa_overage_unrequested, 0)
        with self.assertRaises(UserError):
            order.with_user(self.salesman).action_psa_request_overage()
        with self.assertRaises(ValidationError) as caught:
            self._overage(sale_line_id=order.order_line.id)
        self.assertIn("Overage Hours", str(caught.exception))

    def test_applied_overage_cannot_change(self):
        self.rule.active = False
        overage = self._overage()
        overage.action_request_approval()
        self.assertEqual(overage.approval_state, "approved", "no rule: auto-approved")
        self.assertTrue(overage.overage_line_id)
        with self.assertRaises(UserError):
            overage.write({"hours": 1})
        self.assertEqual(overage.hours, 2.5)
        # deleting it would leave its billed line behind and block the order
        with self.assertRaisesRegex(UserError, "cannot be deleted"):
            overage.with_user(self.sales_manager).unlink()
        self.assertTrue(overage.exists())

    def test_nobody_passes_a_line_off_as_overage(self):
        with self.assertRaises(AccessError):
            self.line.with_user(self.salesman).write(
                {"psa_overage_of_id": self.line.id}
            )
        self.assertFalse(self.line.psa_overage_of_id)

    def test_other_company_does_not_see_overages(self):
        overage = self._overage()
        company = self.env["res.company"].create({"name": "Other Firm"})
        stranger = self._create_user(
            "psa_retainer_stranger", "sales_team.group_sale_manager"
        )
        stranger.write({"company_ids": [(6, 0, company.ids)], "company_id": company.id})
        Overage = self.env["psa.retainer.overage"].with_user(stranger)
        self.assertFalse(Overage.search([("id", "=", overage.id)]))
        with self.assertRaises(AccessError):
            overage.with_user(stranger).read(["hours"])

    def test_overage_blocker_costs_no_query_more(self):
        """Readiness of a batch: the overage blocker is a branch of the
        check's one statement, the same queries for one retainer order or
        three, with or without overage."""
        orders = self.r_order | self._retainer_order(10) | self._retainer_order(10)
        readiness = self.env["psa.billing.readiness"]
        readiness._check(orders)  # warm the caches (phrases, XML ids)
        counts = []
        for batch in (orders[:1], orders, orders[1:]):
            self.env.flush_all()
            self.env.invalidate_all()
            before = self.cr.sql_log_count
            readiness._check(batch)
            counts.append(self.cr.sql_log_count - before)
        self.assertEqual(len(set(counts)), 1, counts)
        self.assertEqual(orders.mapped("psa_blocked_overage"), [2.5, 0, 0])
        self.assertEqual(orders.mapped("psa_readiness"), ["blocked", "ready", "ready"])
