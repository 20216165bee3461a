from odoo import fields
from odoo.tests import HttpCase, tagged

from .common import PsaSignoffFactory


@tagged("post_install", "-at_install")
class TestBillingTour(PsaSignoffFactory, HttpCase):
    """The issue's scenario in a real browser, one session per person: the
    project manager validates a week and requests the sign-off, the customer
    accepts on the portal page, finance drafts the invoice from Ready to
    Bill and confirms it, the finance administrator approves its release."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_signoff()
        cls.env["ir.config_parameter"].set_param(
            "psa_billing_readiness.timesheet_validator", "project_manager"
        )
        cls.env.ref("psa_billing_readiness.approval_rule_invoice_release").active = True
        cls.finance_admin = cls._create_user(
            "psa_billing_finance_admin",
            "account.group_account_manager",
            "sales_team.group_sale_salesman_all_leads",
        )
        contact = cls.env["res.partner"].create(
            {"name": "Ada Buyer", "parent_id": cls.customer.id, "email": "ada@acme.ex"}
        )
        cls.portal_user = (
            cls.env["res.users"]
            .with_context(no_reset_password=True)
            .create(
                {
                    "login": "psa_billing_portal",
                    "partner_id": contact.id,
                    "groups_id": [(6, 0, [cls.env.ref("base.group_portal").id])],
                }
            )
        )
        for user in (
            cls.project_manager | cls.finance | cls.finance_admin | cls.portal_user
        ):
            user.password = user.login
        cls.customer.write(
            {
                "street": "1 Main Street",
                "country_id": cls.env.ref("base.be").id,
                "property_payment_term_id": cls.env.ref(
                    "account.account_payment_term_30days"
                ).id,
            }
        )
        cls.milestone_order.write(
            {
                "name": "TOUR-ORDER",
                "payment_term_id": cls.env.ref(
                    "account.account_payment_term_30days"
                ).id,
            }
        )
        cls.milestone_line.price_unit = 10000
        cls.fixed_project.name = "Tour Fixed Project"
        cls.time_on_fixed = cls.env["sale.order.line"].create(
            {
                "order_id": cls.milestone_order.id,
                "product_id": cls.product_time.id,
                "product_uom_qty": 20,
            }
        )
        today = fields.Date.context_today(cls.env["sale.order"])
        task = cls.time_on_fixed.task_id
        cls.lines = cls._log(6, today, task=task) | cls._log(4, today, task=task)
        cls.env["psa.billing.readiness"]._check(cls.milestone_order)

    def test_from_validation_to_released_invoice(self):
        order = self.milestone_order
        self.assertEqual(order.psa_readiness, "blocked")

        self.start_tour(
            "/web", "psa_billing_validate_week_tour", login="psa_billing_pm"
        )
        self.assertEqual(self.lines.mapped("psa_validated"), [True, True])
        self.assertEqual(self.lines.psa_validated_by_id, self.project_manager)

        self.start_tour(
            "/web", "psa_billing_request_signoff_tour", login="psa_billing_pm"
        )
        signoff = self.milestone.psa_signoff_ids
        self.assertEqual(
            (signoff.state, signoff.partner_id), ("requested", self.customer)
        )
        self.assertEqual(order.psa_readiness, "blocked", "not signed off yet")

        self.start_tour(
            signoff.get_portal_url(),
            "psa_billing_portal_accept_tour",
            login="psa_billing_portal",
        )
        self.assertEqual(
            (signoff.state, signoff.signed_name), ("accepted", "Ada Buyer")
        )
        self.assertTrue(signoff.signed_ip)
        self.assertEqual(order.psa_readiness, "ready")

        self.start_tour(
            "/web", "psa_billing_draft_and_confirm_tour", login="psa_billing_finance"
        )
        invoice = order.invoice_ids
        self.assertEqual(len(invoice), 1)
        self.assertTrue(invoice.psa_billing_draft)
        self.assertEqual(invoice.amount_untaxed, 10 * 100 + 10000)
        self.assertEqual((invoice.state, invoice.approval_state), ("draft", "pending"))

        self.start_tour(
            "/web",
            "psa_billing_approve_release_tour",
            login="psa_billing_finance_admin",
        )
        self.assertEqual(
            (invoice.state, invoice.approval_state), ("posted", "approved")
        )
