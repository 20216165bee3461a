from odoo import fields, models


class ProductTemplate(models.Model):
    _inherit = "product.template"

    psa_security_class = fields.Selection(
        [
            ("standard", "Standard"),
            ("restricted", "Restricted"),
            ("classified", "Classified"),
        ],
        string="Security Class",
        default="standard",
        required=True,
        help="Kit requests holding restricted or classified items follow the "
        "approval rules written for them (e.g. the security officer).",
    )
    psa_ownership = fields.Selection(
        [("company", "Company"), ("client", "Client-owned")],
        string="Ownership",
        default="company",
        required=True,
        help="Client-owned items are held for a client and may need their consent.",
    )
