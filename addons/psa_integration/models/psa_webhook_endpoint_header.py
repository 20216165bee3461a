import re

from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

HEADER_NAME = re.compile(r"^[A-Za-z0-9-]+$")
RESERVED = {"webhook-id", "webhook-timestamp", "webhook-signature", "content-type"}


class PsaWebhookEndpointHeader(models.Model):
    _name = "psa.webhook.endpoint.header"
    _description = "Outbound Webhook Header"

    endpoint_id = fields.Many2one(
        "psa.webhook.endpoint", required=True, ondelete="cascade", index=True
    )
    name = fields.Char(required=True)
    value = fields.Char()

    @api.constrains("name")
    def _check_name(self):
        for header in self:
            if not HEADER_NAME.match(header.name):
                raise ValidationError(
                    _(
                        "Header name %r may only hold letters, digits and -.",
                        header.name,
                    )
                )
            if header.name.lower() in RESERVED:
                raise ValidationError(
                    _("Header %s is set by the signature scheme.", header.name)
                )
