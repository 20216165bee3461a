from odoo import _, api, fields, models
from odoo.exceptions import ValidationError


class IrActionsServer(models.Model):
    """Server-action type "Send signed webhook", for Automation Rules.

    It only writes events to the outbox, in the transaction of the change that
    triggered it: a rolled-back change sends nothing and nobody waits on the
    network. Delivery is ``psa.webhook.event._cron_deliver``.
    """

    _inherit = "ir.actions.server"

    state = fields.Selection(
        selection_add=[("psa_webhook", "Send Signed Webhook")],
        ondelete={"psa_webhook": "cascade"},
    )
    psa_webhook_endpoint_id = fields.Many2one(
        "psa.webhook.endpoint", string="Webhook Endpoint", ondelete="restrict"
    )
    psa_webhook_event_name = fields.Char(
        string="Event Name",
        help="The event's type in the payload, e.g. approval_request.approved.",
    )
    psa_webhook_field_ids = fields.Many2many(
        "ir.model.fields",
        "ir_act_server_psa_webhook_field_rel",
        "server_id",
        "field_id",
        string="Fields to Send",
        help="Sent under data, with the record's model and id.",
    )

    @api.constrains("state", "psa_webhook_endpoint_id", "psa_webhook_event_name")
    def _check_psa_webhook(self):
        for action in self.filtered(lambda a: a.state == "psa_webhook"):
            if not action.psa_webhook_endpoint_id:
                raise ValidationError(
                    _("Send Signed Webhook needs a Webhook Endpoint.")
                )
            if not (action.psa_webhook_event_name or "").strip():
                raise ValidationError(_("Send Signed Webhook needs an Event Name."))

    @api.constrains("psa_webhook_field_ids", "model_id")
    def _check_psa_webhook_fields(self):
        """Refuse fields the configuring user could not read themselves, and
        fields of another model: a payload must not leak what its author
        cannot see."""
        for action in self.filtered("psa_webhook_field_ids"):
            model = self.env[action.model_id.model]
            foreign = action.psa_webhook_field_ids.filtered(
                lambda f, a=action: f.model_id != a.model_id
            )
            if foreign:
                raise ValidationError(
                    _(
                        "Fields to Send must belong to %(model)s: %(fields)s",
                        model=action.model_id.name,
                        fields=", ".join(foreign.mapped("field_description")),
                    )
                )
            unreadable = [
                field.field_description
                for field in action.psa_webhook_field_ids
                if model._fields[field.name].groups
                and not model.user_has_groups(model._fields[field.name].groups)
            ]
            if unreadable or not model.check_access_rights("read", False):
                raise ValidationError(
                    _(
                        "You cannot send fields you are not allowed to read: %s",
                        ", ".join(unreadable) or action.model_id.name,
                    )
                )

    def _run_action_psa_webhook_multi(self, eval_context=None):
        """Queue one event per record; the payload is read now, in this
        transaction, so it shows the values of the change that triggered it."""
        records = eval_context.get("records") or eval_context.get("record")
        if not records:
            return False
        names = self.psa_webhook_field_ids.mapped("name")
        data_list = (
            records.sudo().read(names, load=None) if names else [{}] * len(records)
        )
        for data in data_list:
            data.pop("id", None)
        self.env["psa.webhook.event"]._enqueue(
            self.psa_webhook_endpoint_id,
            self.psa_webhook_event_name.strip(),
            records,
            data_list,
        )
        return False

    def _get_eval_context(self, action=None):
        """Inbound webhooks give their JSON body to the action as ``payload``."""
        eval_context = super()._get_eval_context(action)
        if "psa_webhook_payload" in self.env.context:
            eval_context["payload"] = self.env.context["psa_webhook_payload"]
        return eval_context

    @api.depends("psa_webhook_event_name", "psa_webhook_endpoint_id")
    def _compute_name(self):
        result = super()._compute_name()
        for action in self.filtered(
            lambda a: a.base_automation_id and a.state == "psa_webhook"
        ):
            action.name = _(
                "Send signed webhook %(event)s to %(endpoint)s",
                event=action.psa_webhook_event_name or "",
                endpoint=action.psa_webhook_endpoint_id.name or "",
            )
        return result
