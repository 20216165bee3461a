from datetime import date

from odoo.tests import TransactionCase

from odoo.addons.psa_approvals.tests.common import PsaApprovalsFactory

# A Monday: the week of 2027-03-01 to 2027-03-07.
WEEK_1 = date(2027, 3, 1)
WEEK_2 = date(2027, 3, 8)


class PsaBillingFactory(PsaApprovalsFactory):
    """Users by role, employees, a customer and a confirmed order billing
    time from timesheets; mixed into TransactionCase or HttpCase."""

    @classmethod
    def _create_employee(cls, name, user=None, manager=None):
        return cls.env["hr.employee"].create(
            {
                "name": name,
                "user_id": user.id if user else False,
                "parent_id": manager.id if manager else False,
                "company_id": cls.env.company.id,
            }
        )

    @classmethod
    def _setup_billing(cls):
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        cls._isolate_from_demo()
        cls.consultant = cls._create_user(
            "psa_billing_consultant", "hr_timesheet.group_hr_timesheet_user"
        )
        cls.manager = cls._create_user(
            "psa_billing_manager", "hr_timesheet.group_hr_timesheet_approver"
        )
        cls.project_manager = cls._create_user(
            "psa_billing_pm",
            "hr_timesheet.group_hr_timesheet_approver",
            "project.group_project_user",
        )
        cls.timesheet_admin = cls._create_user(
            "psa_billing_ts_admin", "hr_timesheet.group_timesheet_manager"
        )
        cls.finance = cls._create_user(
            "psa_billing_finance",
            "account.group_account_invoice",
            "sales_team.group_sale_salesman_all_leads",
        )
        cls.manager_employee = cls._create_employee("Mia Manager", cls.manager)
        cls.consultant_employee = cls._create_employee(
            "Carl Consultant", cls.consultant, cls.manager_employee
        )
        cls.other_employee = cls._create_employee("Olga Other")
        cls.customer = cls.env["res.partner"].create(
            {"name": "Acme Client", "email": "buyer@acme.example"}
        )
        cls.product_time = cls.env["product.product"].create(
            {
                "name": "Consulting hour",
                "type": "service",
                "list_price": 100.0,
                "invoice_policy": "delivery",
                "service_type": "timesheet",
                "service_tracking": "task_in_project",
                "uom_id": cls.env.ref("uom.product_uom_hour").id,
                "uom_po_id": cls.env.ref("uom.product_uom_hour").id,
            }
        )
        cls.order = cls._create_order(cls.product_time, 100.0)
        cls.time_line = cls.order.order_line
        cls.task = cls.time_line.task_id
        cls.project = cls.task.project_id
        cls.project.user_id = cls.project_manager

    @classmethod
    def _create_order(cls, product, qty):
        order = cls.env["sale.order"].create(
            {
                "partner_id": cls.customer.id,
                "order_line": [
                    (0, 0, {"product_id": product.id, "product_uom_qty": qty})
                ],
            }
        )
        order.action_confirm()
        return order

    @classmethod
    def _log(cls, hours, day=WEEK_1, employee=None, task=None, name="Work"):
        task = task or cls.task
        return cls.env["account.analytic.line"].create(
            {
                "name": name,
                "date": day,
                "unit_amount": hours,
                "employee_id": (employee or cls.consultant_employee).id,
                "project_id": task.project_id.id,
                "task_id": task.id,
            }
        )

    def _create_drafts(self, orders, cutoff, user=None):
        """Run *Create Draft Invoices* on ``orders`` as finance; the drafts."""
        action = (
            self.env["psa.billing.draft.wizard"]
            .with_user(user or self.finance)
            .with_context(active_model="sale.order", active_ids=orders.ids)
            .create({"cutoff_date": cutoff})
            .action_create_drafts()
        )
        return self.env["account.move"].search(action["domain"])

    def _set_param(self, key, value):
        self.env["ir.config_parameter"].sudo().set_param(
            f"psa_billing_readiness.{key}", value
        )

    def _log_lines(self, records, event):
        return self.env["psa.approval.log"].search(
            [
                ("res_model", "=", records._name),
                ("res_id", "in", records.ids),
                ("event", "=", event),
            ]
        )


class PsaBillingCommon(PsaBillingFactory, TransactionCase):
    """The billing set-up for TransactionCase tests."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_billing()


class PsaSignoffFactory(PsaBillingFactory):
    """An order billing a fixed price by milestones, with a reached milestone
    (half the order) holding one deliverable task."""

    @classmethod
    def _setup_signoff(cls):
        cls._setup_billing()
        cls.product_milestone = cls.env["product.product"].create(
            {
                "name": "Implementation (milestones)",
                "type": "service",
                "list_price": 5000.0,
                "invoice_policy": "delivery",
                "service_type": "milestones",
                "service_tracking": "project_only",
            }
        )
        cls.milestone_order = cls._create_order(cls.product_milestone, 2)
        cls.milestone_line = cls.milestone_order.order_line
        cls.fixed_project = cls.milestone_line.project_id
        cls.fixed_project.user_id = cls.project_manager
        cls.milestone = cls.env["project.milestone"].create(
            {
                "name": "Go-live",
                "project_id": cls.fixed_project.id,
                "sale_line_id": cls.milestone_line.id,
                "quantity_percentage": 0.5,
                "is_reached": True,
            }
        )
        cls.deliverable = cls.env["project.task"].create(
            {
                "name": "Cut-over runbook",
                "project_id": cls.fixed_project.id,
                "milestone_id": cls.milestone.id,
            }
        )

    def _request(self, milestone=None):
        (milestone or self.milestone).with_user(
            self.project_manager
        ).action_psa_request_signoff()
        return (milestone or self.milestone).psa_signoff_ids.filtered(
            lambda s: s.state == "requested"
        )
