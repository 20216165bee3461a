"""Delivery to cash across psa_approvals and psa_billing_readiness: time
validated, a milestone signed off by the client, the order ready, drafted
from Ready to Bill and released through the matrix; the audit log shows each
step."""

from odoo import fields
from odoo.tests import TransactionCase

from odoo.addons.psa_billing_readiness.tests.common import PsaSignoffFactory


class TestBillingFlow(PsaSignoffFactory, TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_signoff()
        cls.env.ref("psa_billing_readiness.approval_rule_invoice_release").active = True
        cls.finance_manager = cls._create_user(
            "psa_flow_finance_manager", "account.group_account_manager"
        )
        cls.customer.write(
            {"street": "1 Main Street", "country_id": cls.env.ref("base.be").id}
        )
        terms = cls.env.ref("account.account_payment_term_30days")
        cls.milestone_order.payment_term_id = terms
        # time on the milestone order's project, billed on a time line of it
        cls.time_on_fixed = cls.env["sale.order.line"].create(
            {
                "order_id": cls.milestone_order.id,
                "product_id": cls.product_time.id,
                "product_uom_qty": 20,
            }
        )
        cls.milestone_line.price_unit = 10000

    def _events(self, records):
        return set(
            self.env["psa.approval.log"]
            .search([("res_model", "=", records._name), ("res_id", "in", records.ids)])
            .mapped("event")
        )

    def test_from_timesheets_to_a_released_invoice(self):
        today = fields.Date.context_today(self.env["sale.order"])
        order = self.milestone_order
        task = self.time_on_fixed.task_id
        lines = self._log(6, today, task=task) | self._log(4, today, task=task)
        self.assertEqual(lines.so_line, self.time_on_fixed)

        order.with_user(self.finance).action_psa_check_readiness()
        self.assertEqual(order.psa_readiness, "blocked")
        self.assertEqual(order.psa_blocked_hours, 10)
        self.assertEqual(order.psa_blocked_milestones, 1)

        # the manager validates the week
        lines.with_user(self.manager).action_psa_validate()
        # the project manager asks the client; the client accepts
        signoff = self._request()
        signoff.with_user(self.env.ref("base.public_user")).sudo()._portal_decide(
            True, name="Ada Buyer", ip="192.0.2.10"
        )
        self.assertEqual(order.psa_readiness, "ready", "rechecked on each change")

        # finance drafts from Ready to Bill
        action = (
            self.env["psa.billing.draft.wizard"]
            .with_user(self.finance)
            .with_context(active_model="sale.order", active_ids=order.ids)
            .create({"cutoff_date": today})
            .action_create_drafts()
        )
        invoice = self.env["account.move"].search(action["domain"])
        self.assertEqual(invoice.amount_untaxed, 10 * 100 + 10000)

        # above the release threshold: the matrix, finance last
        invoice.with_user(self.finance).action_post()
        self.assertEqual(invoice.state, "draft")
        order.with_user(self.finance).action_psa_check_readiness()
        self.assertEqual(order.psa_blocked_approvals, 1)
        invoice.with_user(self.finance_manager).action_approve()
        self.assertEqual(invoice.state, "posted")

        self.assertEqual(self._events(lines), {"timesheet_validated"})
        self.assertEqual(
            self._events(signoff), {"signoff_requested", "signoff_accepted"}
        )
        self.assertTrue({"requested", "approved"} <= self._events(invoice))
