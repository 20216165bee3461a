from odoo import fields, models


class ResPartner(models.Model):
    _inherit = "res.partner"

    psa_regulated = fields.Boolean(
        string="Regulated Client",
        help="Banking, health, public sector...: approval rules may add "
        "procurement, legal and security steps to work done for this client.",
    )
