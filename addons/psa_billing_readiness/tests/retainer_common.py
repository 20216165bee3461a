from freezegun import freeze_time

from odoo import fields
from odoo.tests import TransactionCase

from odoo.addons.psa_approvals.tests.common import assert_no_writes

from .common import PsaBillingFactory

CRON = "psa.retainer.watch"


class PsaRetainerCommon(PsaBillingFactory, TransactionCase):
    """A retainer of 10 prepaid hours at 100 an hour sold by ``salesman``,
    timesheeted on a billable project of its own, and helpers to run the
    nightly watch."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_billing()
        cls.salesman = cls._create_user(
            "psa_retainer_salesman", "sales_team.group_sale_salesman"
        )
        cls.sales_manager = cls._create_user(
            "psa_retainer_sales_manager", "sales_team.group_sale_manager"
        )
        hour = cls.env.ref("uom.product_uom_hour")
        cls.retainer = cls.env["product.product"].create(
            {
                "name": "Support retainer",
                "detailed_type": "service",
                "invoice_policy": "order",
                "service_type": "timesheet",
                "service_tracking": "no",
                "list_price": 100.0,
                "uom_id": hour.id,
                "uom_po_id": hour.id,
            }
        )
        cls.customer.write(
            {"street": "1 Main Street", "country_id": cls.env.ref("base.be").id}
        )
        cls.terms = cls.env.ref("account.account_payment_term_30days")
        cls.retainer_project = cls.env["project.project"].create(
            {"name": "Support", "partner_id": cls.customer.id, "allow_billable": True}
        )
        cls.other_project = cls.env["project.project"].create(
            {"name": "Internal", "allow_billable": False}
        )

    def setUp(self):
        super().setUp()
        self.r_order = self._retainer_order(10)
        self.line = self.r_order.order_line
        self.retainer_project.sale_line_id = self.line

    def _retainer_order(self, hours, product=None):
        order = self.env["sale.order"].create(
            {
                "partner_id": self.customer.id,
                "user_id": self.salesman.id,
                "payment_term_id": self.terms.id,
                "order_line": [
                    (
                        0,
                        0,
                        {
                            "product_id": (product or self.retainer).id,
                            "product_uom_qty": hours,
                        },
                    )
                ],
            }
        )
        order.action_confirm()
        return order

    def _timesheet(self, day, hours, project=None, employee=None):
        return self.env["account.analytic.line"].create(
            {
                "name": "Support",
                "employee_id": (employee or self.consultant_employee).id,
                "project_id": (project or self.retainer_project).id,
                "date": fields.Date.to_date(day),
                "unit_amount": hours,
            }
        )

    def _run(self, today, batch_size=500):
        """Run the nightly watch as the cron does, on ``today``."""
        with freeze_time(today):
            self.env[CRON]._cron_watch_retainers(batch_size)
        self.env.invalidate_all()

    def _alerts(self, order=None):
        return self.env["mail.activity"].search(
            [
                ("res_model", "=", "sale.order"),
                ("res_id", "=", (order or self.r_order).id),
                ("summary", "like", "Retainer past"),
            ]
        )

    def _assert_no_writes(self):
        return assert_no_writes(self)

    def _queries(self, today, build, count):
        """Queries of one run of the watch over what ``build(count)`` made,
        rolled back afterwards."""
        self.env.cr.execute("SAVEPOINT psa_retainer_perf")
        build(count)
        self.env.flush_all()
        self.env.invalidate_all()
        with freeze_time(today):
            before = self.env.cr.sql_log_count
            self.env[CRON]._cron_watch_retainers()
            queries = self.env.cr.sql_log_count - before
        self.env.cr.execute("ROLLBACK TO SAVEPOINT psa_retainer_perf")
        self.env.invalidate_all()
        return queries
