from odoo.exceptions import ValidationError
from odoo.tests import Form, tagged

from .common import PsaKitsCommon


@tagged("post_install", "-at_install")
class TestKitTemplate(PsaKitsCommon):
    def test_request_copies_template_lines(self):
        request = self.env["psa.kit.request"].create(
            {
                "project_id": self.project.id,
                "needed_date": self.today,
                "recipient_user_id": self.consultant.id,
                "template_id": self.template.id,
            }
        )
        self.assertEqual(
            [(ln.product_id, ln.quantity, ln.treatment) for ln in request.line_ids],
            [
                (self.laptop, 1.0, "returnable"),
                (self.dock, 1.0, "returnable"),
                (self.cable, 2.0, "expense"),
            ],
        )
        self.assertEqual(request.amount_total, 1200 + 150 + 2 * 5)
        self.assertTrue(request.name.startswith("KIT/"))

    def test_form_template_onchange_replaces_lines(self):
        with Form(self.env["psa.kit.request"].with_user(self.project_manager)) as form:
            form.project_id = self.project
            form.recipient_user_id = self.consultant
            form.needed_date = self.today
            with form.line_ids.new() as line:
                line.product_id = self.server
            form.template_id = self.template
        request = form.record
        self.assertEqual(
            request.line_ids.product_id, self.laptop | self.dock | self.cable
        )
        self.assertEqual(request.requester_id, self.project_manager)

    def test_template_line_bad_input(self):
        templates = self.env["psa.kit.template"]
        count = templates.search_count([])
        with self.assertRefused(ValidationError, "Quantity"):
            templates.create(
                {
                    "name": "Broken",
                    "line_ids": [(0, 0, {"product_id": self.dock.id, "quantity": 0})],
                }
            )
        with self.assertRefused(ValidationError, "Returnable"):
            templates.create(
                {
                    "name": "Broken",
                    "line_ids": [
                        (0, 0, {"product_id": self.cable.id, "treatment": "returnable"})
                    ],
                }
            )
        self.assertEqual(templates.search_count([]), count)

    def test_demo_data(self):
        """A template of each kind and requests in several states."""
        ref = self.env.ref
        templates = (
            ref("psa_warehouse_kits.kit_template_onboarding_demo")
            | ref("psa_warehouse_kits.kit_template_deployment_demo")
            | ref("psa_warehouse_kits.kit_template_loaner_demo")
        )
        self.assertEqual(
            set(templates.mapped("kind")), {"onboarding", "deployment", "loaner"}
        )
        self.assertEqual(
            [
                ref(f"psa_warehouse_kits.kit_request_{name}_demo").state
                for name in ("draft", "pending", "consumables")
            ],
            ["draft", "to_approve", "reserved"],
        )
