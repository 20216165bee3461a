from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

TREATMENTS = [
    ("billable", "Billable"),
    ("expense", "Expense"),
    ("capitalise", "Capitalise"),
    ("returnable", "Returnable"),
]


class PsaKitLineMixin(models.AbstractModel):
    """Product, quantity and financial treatment shared by template and request
    lines, with the checks both refuse bad input with."""

    _name = "psa.kit.line.mixin"
    _description = "Kit Line"

    sequence = fields.Integer(default=10)
    product_id = fields.Many2one(
        "product.product",
        required=True,
        index=True,
        domain="[('type', 'in', ('product', 'consu'))]",
    )
    product_uom_id = fields.Many2one(related="product_id.uom_id", string="Unit")
    quantity = fields.Float(default=1.0, digits="Product Unit of Measure")
    treatment = fields.Selection(
        TREATMENTS,
        string="Financial Treatment",
        required=True,
        default="expense",
        help="Billable: sold to the client on the project's sale order. Expense: "
        "cost on the project's analytic account. Capitalise: flagged for "
        "finance as an asset. Returnable: lent, comes back (a loan).",
    )

    @api.constrains("quantity")
    def _check_quantity(self):
        for line in self:
            if line.quantity <= 0:
                raise ValidationError(
                    _(
                        "Quantity must be more than zero (%(product)s: %(qty)s).",
                        product=line.product_id.display_name,
                        qty=line.quantity,
                    )
                )

    @api.constrains("treatment", "product_id")
    def _check_returnable_storable(self):
        for line in self.filtered(lambda ln: ln.treatment == "returnable"):
            if line.product_id.detailed_type != "product":
                raise ValidationError(
                    _(
                        "Product %(product)s is not a storable product: a Returnable "
                        "line (Financial Treatment) must lend tracked stock.",
                        product=line.product_id.display_name,
                    )
                )
