import re
import secrets

from odoo import SUPERUSER_ID, _, api, fields, models
from odoo.exceptions import ValidationError

from . import webhook_signature

CODE = re.compile(r"^[A-Za-z0-9_-]{6,64}$")


class PsaWebhookInbound(models.Model):
    """An address where an external system posts signed events.

    ``POST /psa/webhook/<code>`` is verified with the secret, deduplicated by
    event id, then runs ``action_id`` as ``user_id``, a technical user with
    only the rights the action needs; never the superuser.
    """

    _name = "psa.webhook.inbound"
    _inherit = ["mail.thread"]
    _description = "Inbound Webhook Endpoint"
    _order = "name, id"

    name = fields.Char(required=True, tracking=True)
    code = fields.Char(
        required=True,
        copy=False,
        tracking=True,
        default=lambda self: secrets.token_urlsafe(12),
        help="Last part of the URL; letters, digits, - and _.",
    )
    url = fields.Char(string="URL", compute="_compute_url")
    secret = fields.Char(
        required=True,
        copy=False,
        groups="base.group_system",
        default=lambda self: webhook_signature.new_secret(),
    )
    action_id = fields.Many2one(
        "ir.actions.server",
        required=True,
        tracking=True,
        domain=[("usage", "=", "ir_actions_server")],
        help="Runs with the JSON body available as payload.",
    )
    user_id = fields.Many2one(
        "res.users",
        string="Run As",
        required=True,
        tracking=True,
        help="Technical user whose rights bound what a call may do.",
    )
    max_body_kb = fields.Integer(string="Maximum Body (KB)", default=256, required=True)
    active = fields.Boolean(default=True, tracking=True)
    company_id = fields.Many2one(
        "res.company", default=lambda self: self.env.company, index=True
    )
    call_ids = fields.One2many("psa.webhook.inbound.call", "inbound_id", string="Calls")
    call_count = fields.Integer(compute="_compute_call_count")

    _sql_constraints = [
        ("code_unique", "UNIQUE(code)", "Another inbound endpoint uses this code."),
    ]

    def _compute_url(self):
        base = self.get_base_url()
        for inbound in self:
            inbound.url = f"{base}/psa/webhook/{inbound.code}"

    def _compute_call_count(self):
        counts = dict(
            self.env["psa.webhook.inbound.call"]._read_group(
                [("inbound_id", "in", self.ids)], ["inbound_id"], ["__count"]
            )
        )
        for inbound in self:
            inbound.call_count = counts.get(inbound, 0)

    @api.constrains("code")
    def _check_code(self):
        for inbound in self:
            if not CODE.match(inbound.code):
                raise ValidationError(
                    _("Code must be 6 to 64 letters, digits, - or _: %s", inbound.code)
                )

    @api.constrains("user_id")
    def _check_user(self):
        for inbound in self:
            user = inbound.user_id
            if user.id == SUPERUSER_ID or user._is_superuser():
                raise ValidationError(
                    _("Run As cannot be the superuser: choose a technical user.")
                )
            if user.share or not user.active:
                raise ValidationError(
                    _("Run As must be an active internal user: %s", user.name)
                )

    @api.constrains("max_body_kb")
    def _check_max_body(self):
        for inbound in self:
            if not 1 <= inbound.max_body_kb <= 10240:
                raise ValidationError(_("Maximum Body must be between 1 and 10240 KB."))

    def action_view_calls(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "psa_integration.psa_webhook_inbound_call_action"
        )
        action["domain"] = [("inbound_id", "=", self.id)]
        return action

    def action_new_secret(self):
        """Rotate the secret; the sender must be given the new one."""
        for inbound in self:
            inbound.secret = webhook_signature.new_secret()
        return True
