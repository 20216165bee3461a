from contextlib import contextmanager
from datetime import timedelta

from odoo import fields
from odoo.tests import TransactionCase

from odoo.addons.psa_approvals.tests.common import PsaApprovalsFactory

SHIPPED_RULES = (
    "psa_warehouse_kits.approval_rule_kit_classified",
    "psa_warehouse_kits.approval_rule_kit_high_value",
    "psa_warehouse_kits.approval_rule_kit_consumables_auto",
    "psa_warehouse_kits.approval_rule_kit_warehouse",
    "psa_warehouse_kits.approval_rule_kit_consumables_above_limit",
    "psa_warehouse_kits.approval_rule_kit_network_equipment",
    "psa_warehouse_kits.approval_rule_kit_client_owned",
    "psa_warehouse_kits.approval_rule_kit_dispatch_serialized",
    "psa_warehouse_kits.approval_rule_kit_dispatch_high_value",
    "psa_warehouse_kits.approval_rule_kit_write_off",
)


class PsaKitsCommon(PsaApprovalsFactory, TransactionCase):
    """Users of each kit role, products of each kind with stock, a project in
    progress managed by the project manager, and the shipped kit policies
    (the only active rules)."""

    approval_model = "psa.kit.request"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        cls._isolate_from_demo()
        for xmlid in SHIPPED_RULES:
            cls.env.ref(xmlid).active = True
        cls.today = fields.Date.context_today(cls.env.user)
        cls.requester = cls._create_user("kit_requester")
        cls.project_manager = cls._create_user(
            "kit_project_manager", "project.group_project_manager"
        )
        cls.consultant = cls._create_user("kit_consultant")
        cls.warehouse_user = cls._create_user(
            "kit_warehouse_user", "psa_warehouse_kits.group_kit_warehouse_user"
        )
        cls.warehouse_manager = cls._create_user(
            "kit_warehouse_manager", "psa_warehouse_kits.group_kit_warehouse_manager"
        )
        cls.finance = cls._create_user(
            "kit_finance", "psa_warehouse_kits.group_kit_finance"
        )
        cls.security_officer = cls._create_user(
            "kit_security_officer", "psa_warehouse_kits.group_kit_security_officer"
        )
        cls.director = cls._create_user(
            "kit_director", "psa_warehouse_kits.group_kit_operations_director"
        )
        # only the test users approve: admin is in the shipped groups too
        for xmlid in (
            "psa_warehouse_kits.group_kit_warehouse_manager",
            "psa_warehouse_kits.group_kit_operations_director",
            "psa_warehouse_kits.group_kit_security_officer",
            "psa_warehouse_kits.group_kit_finance",
        ):
            cls.env.ref(xmlid).users = [(3, cls.env.ref("base.user_admin").id)]
        cls.warehouse = cls.env["stock.warehouse"].search(
            [("company_id", "=", cls.env.company.id)], limit=1
        )
        cls.stock_location = cls.warehouse.lot_stock_id
        cls.client_site = cls.env["res.partner"].create(
            {"name": "Client Site Rotterdam", "street": "Kade 1", "city": "Rotterdam"}
        )
        cls.vendor = cls.env["res.partner"].create({"name": "Hardware Vendor"})
        cls.laptop = cls._create_product("Laptop", 1200.0, tracking="serial")
        cls.dock = cls._create_product("Docking station", 150.0)
        cls.cable = cls._create_product("Network cable", 5.0, detailed_type="consu")
        cls.crypto_phone = cls._create_product(
            "Encrypted phone", 900.0, tracking="serial", psa_security_class="classified"
        )
        cls.server = cls._create_product("Rack server", 6000.0)
        cls.project = cls.env["project.project"].create(
            {
                "name": "Client rollout",
                "user_id": cls.project_manager.id,
                "partner_id": cls.client_site.id,
                "date_start": cls.today - timedelta(days=30),
                "date": cls.today + timedelta(days=90),
            }
        )
        cls.template = cls.env["psa.kit.template"].create(
            {
                "name": "Consultant onboarding",
                "kind": "onboarding",
                "line_ids": [
                    (
                        0,
                        0,
                        {
                            "product_id": cls.laptop.id,
                            "quantity": 1,
                            "treatment": "returnable",
                        },
                    ),
                    (
                        0,
                        0,
                        {
                            "product_id": cls.dock.id,
                            "quantity": 1,
                            "treatment": "returnable",
                        },
                    ),
                    (
                        0,
                        0,
                        {
                            "product_id": cls.cable.id,
                            "quantity": 2,
                            "treatment": "expense",
                        },
                    ),
                ],
            }
        )

    @classmethod
    def _create_product(cls, name, cost, **vals):
        vals.setdefault("detailed_type", "product")
        return cls.env["product.product"].create(
            {"name": name, "standard_price": cost, **vals}
        )

    @classmethod
    def _stock(cls, product, quantity, serials=()):
        """Put ``quantity`` of ``product`` in the warehouse (one quant per serial)."""
        quants = cls.env["stock.quant"]
        if serials:
            for serial in serials:
                lot = cls.env["stock.lot"].create(
                    {
                        "name": serial,
                        "product_id": product.id,
                        "company_id": cls.env.company.id,
                    }
                )
                quants._update_available_quantity(
                    product, cls.stock_location, 1, lot_id=lot
                )
        else:
            quants._update_available_quantity(product, cls.stock_location, quantity)

    def _create_request(self, lines, user=None, **vals):
        """A draft request of the project for the consultant; lines are
        (product, quantity[, treatment]) tuples."""
        values = {
            "project_id": self.project.id,
            "needed_date": self.today + timedelta(days=7),
            "destination_type": "employee",
            "recipient_user_id": self.consultant.id,
            "justification": "Kick-off on site",
            "line_ids": [
                (
                    0,
                    0,
                    {
                        "product_id": line[0].id,
                        "quantity": line[1],
                        "treatment": line[2] if len(line) > 2 else "expense",
                    },
                )
                for line in lines
            ],
            **vals,
        }
        user = user or self.project_manager
        return self.env["psa.kit.request"].with_user(user).create(values)

    @contextmanager
    def assertRefused(self, exception, text):
        """``exception`` raised with ``text`` in its message, rolled back
        (unlike assertRaisesRegex, Odoo's assertRaises undoes the attempt)."""
        with self.assertRaises(exception) as catcher:
            yield
        self.assertIn(text, str(catcher.exception))

    def _approve_all(self, request):
        """Every pending step decided by its first reviewer other than the requester."""
        for _round in range(5):
            pending = request.sudo().approval_review_ids.filtered(
                lambda r: r.state == "pending"
            )
            if not pending:
                return
            reviewer = (pending[0].reviewer_ids - request.approval_requested_by_id)[:1]
            request.with_user(reviewer).action_approve()

    def _approved(self, lines, **vals):
        request = self._create_request(lines, **vals)
        request.action_request_approval()
        self._approve_all(request)
        return request

    def _dispatch(self, request):
        """The warehouse validates the delivery, after its dispatch approval."""
        picking = request.sudo().picking_ids.with_user(self.warehouse_user)
        picking.button_validate()
        if picking.approval_state == "pending":
            picking.with_user(self.warehouse_manager).action_approve()
            picking.button_validate()
        self.assertEqual(picking.state, "done")
        return picking

    def _logs(self, record, event=None):
        domain = [("res_model", "=", record._name), ("res_id", "=", record.id)]
        if event:
            domain.append(("event", "=", event))
        return self.env["psa.approval.log"].sudo().search(domain)

    def _exceptions(self, record, kind="kit_stock_shortage", state="open"):
        return (
            self.env["psa.exception"]
            .sudo()
            .search(
                [
                    ("res_model", "=", record._name),
                    ("res_id", "=", record.id),
                    ("kind", "=", kind),
                    ("state", "=", state),
                ]
            )
        )
