from datetime import timedelta

from odoo import fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, TransactionCase, tagged

from .common import PsaSignoffFactory


class BillingReadinessCase(PsaSignoffFactory, TransactionCase):
    """A time order (validated and pending time) and a milestone order, with
    complete customer data."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_signoff()
        cls.customer.write(
            {"street": "1 Main Street", "country_id": cls.env.ref("base.be").id}
        )
        cls.terms = cls.env.ref("account.account_payment_term_30days")
        (cls.order | cls.milestone_order).payment_term_id = cls.terms
        today = fields.Date.context_today(cls.env["sale.order"])
        cls.day_1 = today - timedelta(days=20)
        cls.day_2 = today - timedelta(days=10)
        cls.validated = cls._log(8, cls.day_1)
        cls.late = cls._log(4, cls.day_2)
        cls.pending = cls._log(3, cls.day_2)
        (cls.validated | cls.late).with_user(cls.manager).action_psa_validate()
        cls.readiness = cls.env["psa.billing.readiness"]

    def _check(self, orders=None, user=None):
        orders = orders or (self.order | self.milestone_order)
        orders.with_user(user or self.finance).action_psa_check_readiness()


@tagged("post_install", "-at_install")
class TestBillingReadiness(BillingReadinessCase):
    def _signoff(self):
        form = Form(
            self.env["psa.signoff.record.wizard"]
            .with_user(self.project_manager)
            .with_context(
                default_milestone_id=self.milestone.id,
                default_partner_id=self.customer.id,
            )
        )
        form.evidence_note = "Signed acceptance letter"
        form.save().action_confirm()

    def test_blockers_in_words_and_counts(self):
        self.customer.street = False
        self._check()
        order = self.order
        self.assertEqual(order.psa_readiness, "blocked")
        self.assertEqual(order.psa_blocked_hours, 3)
        self.assertIn("3.0 h of time not validated (1 lines)", order.psa_blockers)
        self.assertIn("invoice address", order.psa_blockers)
        self.assertEqual(order.psa_blocked_customer, 1)
        self.assertEqual(order.psa_unbilled_from, self.day_1)
        fixed = self.milestone_order
        self.assertEqual(fixed.psa_readiness, "blocked")
        self.assertEqual(fixed.psa_blocked_milestones, 1)
        self.assertIn("not signed off by the client: Go-live", fixed.psa_blockers)
        # each blocker links to its records
        action = order.with_context(psa_blocker="time").action_psa_view_blocker()
        self.assertEqual(
            self.env["account.analytic.line"].search(action["domain"]), self.pending
        )

    def test_missing_payment_terms_and_vat(self):
        position = self.env["account.fiscal.position"].create(
            {"name": "Intra-EU B2B", "vat_required": True}
        )
        self.order.write({"payment_term_id": False, "fiscal_position_id": position.id})
        self._check(self.order)
        self.assertEqual(self.order.psa_blocked_customer, 2)
        self.assertIn("payment terms", self.order.psa_blockers)
        self.assertIn(
            "VAT number (fiscal position Intra-EU B2B", self.order.psa_blockers
        )
        self.customer.vat = "BE0477472701"
        self._check(self.order)
        self.assertEqual(self.order.psa_blocked_customer, 1)

    def test_ready_once_validated_and_signed_off(self):
        self.pending.with_user(self.manager).action_psa_validate()
        self._signoff()
        self._check()
        self.assertEqual(self.order.psa_readiness, "ready")
        self.assertFalse(self.order.psa_blockers)
        self.assertTrue(self.order.psa_ready_since)
        self.assertEqual(self.milestone_order.psa_readiness, "ready")

    def test_validation_and_signoff_recheck_checked_orders(self):
        self._check()
        self.pending.with_user(self.manager).action_psa_validate()
        self.assertEqual(self.order.psa_readiness, "ready", "rechecked at once")
        self._signoff()
        self.assertEqual(self.milestone_order.psa_readiness, "ready")
        self.pending.with_user(self.timesheet_admin).action_psa_unlock(reason="typo")
        self.assertEqual(self.order.psa_readiness, "blocked")

    def test_server_action_from_the_list(self):
        action = self.env.ref(
            "psa_billing_readiness.action_server_check_billing_readiness"
        )
        orders = self.order | self.milestone_order
        action.with_user(self.finance).with_context(
            active_model="sale.order", active_ids=orders.ids
        ).run()
        self.assertEqual(set(orders.mapped("psa_readiness")), {"blocked"})

    def test_consultant_cannot_check_readiness(self):
        with self.assertRaises(AccessError):
            self._check(user=self.consultant)

    def test_cron_is_idempotent(self):
        self.env["sale.order"]._cron_check_billing_readiness()
        first = self.order.read(["psa_readiness", "psa_blockers", "psa_blocked_since"])
        self.env["sale.order"]._cron_check_billing_readiness()
        self.assertEqual(
            self.order.read(["psa_readiness", "psa_blockers", "psa_blocked_since"]),
            first,
        )

    def test_blocker_exception_after_days(self):
        self._check()
        exceptions = self.env["psa.exception"]
        domain = [("kind", "=", "billing_blocker"), ("res_model", "=", "sale.order")]
        self.assertFalse(exceptions.search(domain), "not blocked long enough yet")
        self.env.cr.execute(
            "UPDATE sale_order SET psa_blocked_since = now() - interval '6 days'"
            " WHERE id = %s",
            (self.order.id,),
        )
        self.order.invalidate_recordset()
        self._check()
        exception = exceptions.search(domain + [("state", "=", "open")])
        self.assertEqual(exception.res_id, self.order.id)
        self.assertEqual(exception.owner_id, self.project_manager)
        self.assertIn("not validated", exception.name)
        self.pending.with_user(self.manager).action_psa_validate()
        self._check()
        self.assertEqual(exception.state, "resolved", "closes itself")

    def test_margin_at_risk_opens_and_closes_an_exception(self):
        self.consultant_employee.hourly_cost = 1000
        costly = self._log(15, self.day_2)  # 15,000 of cost on a 10,000 order
        self._check(self.order)
        self.assertEqual(self.order.psa_cost, 15000)
        self.assertTrue(self.order.psa_margin_at_risk)
        exception = self.env["psa.exception"].search(
            [
                ("kind", "=", "margin_at_risk"),
                ("res_model", "=", "sale.order"),
                ("res_id", "=", self.order.id),
            ]
        )
        self.assertEqual(exception.state, "open")
        self.assertEqual(exception.owner_id, self.project_manager)
        costly.unlink()
        self._check(self.order)
        self.assertFalse(self.order.psa_margin_at_risk)
        self.assertEqual(exception.state, "resolved", "closed when it recovers")

    def test_readiness_queries_do_not_grow_with_orders(self):
        product = self.env["product.product"].create(
            {"name": "Advice", "type": "service", "invoice_policy": "order"}
        )
        orders = self.env["sale.order"].create(
            [
                {
                    "partner_id": self.customer.id,
                    "payment_term_id": self.terms.id,
                    "order_line": [(0, 0, {"product_id": product.id})],
                }
                for _i in range(12)
            ]
        )
        orders.action_confirm()
        counts = []
        for batch in (orders[:1], orders[1:3], orders[3:]):
            self.env.flush_all()
            self.env.invalidate_all()
            before = self.cr.sql_log_count
            self.readiness._check(batch)
            counts.append(self.cr.sql_log_count - before)
        self.assertEqual(counts[1], counts[2], f"2 or 9 orders: {counts}")
        # one aggregate per kind of blocker, the orders and customers, one UPDATE
        self.assertLessEqual(counts[2], 13, counts)
        self.assertEqual(set(orders.mapped("psa_readiness")), {"ready"})

    def test_nightly_batch_queries_do_not_grow_with_orders(self):
        """A nightly batch (claim, check, writes, exceptions) costs the same
        queries for 100 or 1,000 orders, on a first night (every verdict
        written) and on a night when nothing changed."""
        orders = self.env["sale.order"].create(
            [
                {"partner_id": self.customer.id, "payment_term_id": self.terms.id}
                for _i in range(998)
            ]
        )
        self.env.flush_all()
        # confirmed as the nightly check finds them; confirming 998 orders
        # through the ORM would only slow the test down
        self.env.cr.execute(
            "UPDATE sale_order SET state = 'sale' WHERE id = ANY(%s)", [orders.ids]
        )
        orders = self.order | self.milestone_order | orders
        orders.invalidate_recordset()
        today = fields.Date.context_today(self.readiness)
        self.readiness._check(orders[-1:], cutoff=today)  # Settings read once
        counts = {}
        for night in ("first", "next"):
            for size in (100, 1000):
                batch = orders[:size]
                self.env.flush_all()
                self.env.invalidate_all()
                before = self.cr.sql_log_count
                claimed = self.env["psa.batch"]._claim(
                    "sale.order", [("id", "in", batch.ids)], 0, size
                )
                self.readiness._check(claimed, cutoff=today, exceptions=True)
                counts[night, size] = self.cr.sql_log_count - before
                self.assertEqual(claimed, batch)
            # the next night finds the verdicts of the first
        self.assertEqual(
            set(orders.mapped("psa_readiness")), {"blocked", "nothing"}, counts
        )
        # claim, facts of every kind, writes of what changed with the
        # exceptions to open or close
        self.assertEqual(
            counts,
            {
                ("first", 100): 3,
                ("first", 1000): 3,
                ("next", 100): 3,
                ("next", 1000): 3,
            },
        )

    def test_only_changed_orders_are_rewritten(self):
        orders = self.order | self.milestone_order
        self._check()
        self.env.flush_all()

        def row_versions():
            self.env.cr.execute(
                "SELECT id, ctid::text FROM sale_order WHERE id = ANY(%s)",
                [orders.ids],
            )
            return dict(self.env.cr.fetchall())

        before = row_versions()
        changed_on = self.milestone_order.psa_readiness_checked_on
        self._check()
        self.assertEqual(row_versions(), before, "nothing changed, nothing written")
        self.pending.with_user(self.manager).action_psa_validate()
        self.assertEqual(self.order.psa_readiness, "ready")
        after = row_versions()
        self.assertNotEqual(after[self.order.id], before[self.order.id])
        self.assertEqual(
            after[self.milestone_order.id], before[self.milestone_order.id]
        )
        self.assertEqual(self.milestone_order.psa_readiness_checked_on, changed_on)


@tagged("post_install", "-at_install")
class TestDraftInvoices(BillingReadinessCase):
    def _wizard(self, orders, cutoff=None, user=None):
        form = Form(
            self.env["psa.billing.draft.wizard"]
            .with_user(user or self.finance)
            .with_context(active_model="sale.order", active_ids=orders.ids)
        )
        if cutoff:
            form.cutoff_date = cutoff
        return form.save()

    def test_drafts_hold_validated_time_up_to_the_cutoff(self):
        self.pending.unlink()
        action = self._wizard(self.order, cutoff=self.day_1).action_create_drafts()
        invoice = self.env["account.move"].search(action["domain"])
        self.assertEqual(invoice.state, "draft")
        self.assertTrue(invoice.psa_billing_draft)
        self.assertEqual(invoice.invoice_line_ids.quantity, 8)
        self.assertEqual(self.validated.timesheet_invoice_id, invoice)
        self.assertFalse(self.late.timesheet_invoice_id, "after the cutoff")
        self.assertEqual(self.order.psa_readiness, "ready", "the late time remains")
        self.assertEqual(self.order.psa_unbilled_from, self.day_2)

    def test_one_draft_per_order(self):
        self.pending.unlink()
        second = self._create_order(self.product_time, 10)
        second.payment_term_id = self.terms
        second_time = self._log(5, self.day_1, task=second.order_line.task_id)
        second_time.with_user(self.manager).action_psa_validate()
        orders = self.order | second
        action = self._wizard(orders, cutoff=self.day_2).action_create_drafts()
        invoices = self.env["account.move"].search(action["domain"])
        self.assertEqual(len(invoices), 2, "same customer, one draft per order")
        self.assertEqual(
            sorted(invoices.mapped("amount_untaxed")), [500, 1200], "validated time"
        )
        # each draft holds its own order's time (linked for all drafts at once)
        self.assertEqual(
            second_time.timesheet_invoice_id, second.invoice_ids, "the second's"
        )
        self.assertEqual(
            (self.validated | self.late).timesheet_invoice_id, self.order.invoice_ids
        )

    def test_blocked_orders_are_refused_with_their_blockers(self):
        with self.assertRaisesRegex(UserError, "not validated"):
            self._wizard(self.order).action_create_drafts()
        self.assertFalse(self.order.invoice_ids, "nothing drafted")

    def test_cutoff_before_the_period_is_refused(self):
        self._check()
        with self.assertRaisesRegex(ValidationError, "Cutoff Date"):
            self._wizard(
                self.order, cutoff=self.day_1 - timedelta(days=1)
            ).action_create_drafts()
        self.assertFalse(self.order.invoice_ids)

    def test_consultant_cannot_draft(self):
        with self.assertRaises(AccessError):
            self._wizard(self.order, user=self.consultant)


@tagged("post_install", "-at_install")
class TestBillingDemo(TransactionCase):
    """The demo shows one order in each state, with real blockers."""

    def test_demo_orders_states(self):
        ref = self.env.ref
        if not ref("psa_billing_readiness.sale_order_ready_demo", False):
            self.skipTest("installed without demo data")
        self.assertEqual(
            ref("psa_billing_readiness.sale_order_ready_demo").psa_readiness, "ready"
        )
        blocked = ref("psa_billing_readiness.sale_order_blocked_demo")
        self.assertEqual(blocked.psa_readiness, "blocked")
        self.assertEqual(blocked.psa_blocked_hours, 7.5)
        self.assertEqual(blocked.psa_blocked_milestones, 1)
        self.assertEqual(
            ref("psa_billing_readiness.sale_order_invoiced_demo").psa_readiness,
            "invoiced",
        )
