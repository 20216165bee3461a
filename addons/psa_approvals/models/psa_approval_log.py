from datetime import date, datetime

from markupsafe import escape

from odoo import _, api, fields, models
from odoo.exceptions import AccessError


def json_safe(value):
    """A field's write value as JSON can store it (dates become ISO text)."""
    if isinstance(value, date | datetime):
        return value.isoformat()
    return value


EVENTS = [
    ("requested", "Requested"),
    ("approved_step", "Step approved"),
    ("approved", "Approved"),
    ("auto_approved", "Auto-approved"),
    ("rejected", "Rejected"),
    ("reset", "Sent back to draft"),
    ("emergency_release", "Emergency release"),
    ("escalated", "Escalated"),
    ("cancelled", "Reviews cancelled"),
]


class PsaApprovalLog(models.Model):
    """Append-only audit trail of every approval event. Nobody, administrators
    included, may change or delete a line."""

    _name = "psa.approval.log"
    _description = "Approval Log"
    _order = "id desc"

    res_model = fields.Char(string="Model", required=True, index=True, readonly=True)
    res_id = fields.Many2oneReference(
        string="Record ID",
        model_field="res_model",
        required=True,
        index=True,
        readonly=True,
    )
    record_name = fields.Char(readonly=True)
    event = fields.Selection(EVENTS, required=True, readonly=True, index=True)
    user_id = fields.Many2one("res.users", string="By", readonly=True, index=True)
    on_behalf_id = fields.Many2one("res.users", string="On Behalf Of", readonly=True)
    requested_by_id = fields.Many2one("res.users", readonly=True, index=True)
    review_id = fields.Many2one(
        "psa.approval.review", readonly=True, ondelete="set null"
    )
    rule_id = fields.Many2one("psa.approval.rule", readonly=True, ondelete="set null")
    step_name = fields.Char(string="Step", readonly=True)
    comment = fields.Text(readonly=True)
    amount = fields.Float(readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    snapshot = fields.Json(readonly=True, help="The decided values, as they were.")
    company_id = fields.Many2one("res.company", readonly=True, index=True)

    def write(self, vals):  # pylint: disable=method-required-super
        raise AccessError(
            _("The approval log is append-only: lines cannot be changed.")
        )

    def unlink(self):  # pylint: disable=method-required-super
        raise AccessError(
            _("The approval log is append-only: lines cannot be deleted.")
        )

    @api.model
    def _record(
        self,
        records,
        event,
        review=None,
        rules=None,
        comment=None,
        on_behalf=None,
        chatter=True,
    ):
        """Write one log line per record (one INSERT batch), posted in the
        chatter unless ``chatter`` is false. ``review`` and ``comment`` may be
        given per record, as dicts keyed by record id."""
        label = dict(EVENTS)[event]
        vals_list, bodies = [], {}
        reviews, comments = review, comment
        for record in records:
            review = reviews.get(record.id) if isinstance(reviews, dict) else reviews
            comment = (
                comments.get(record.id) if isinstance(comments, dict) else comments
            )
            guarded = [
                n for n in record._approval_guarded_fields if n in record._fields
            ]
            # dates and datetimes as ISO text: the snapshot is stored as JSON
            snapshot = {
                name: json_safe(
                    record._fields[name].convert_to_write(record[name], record)
                )
                for name in guarded
            }
            no_rule = self.env["psa.approval.rule"]
            rule = review.rule_id if review else (rules or {}).get(record, no_rule)[:1]
            vals_list.append(
                {
                    "res_model": record._name,
                    "res_id": record.id,
                    "record_name": record.display_name,
                    "event": event,
                    "user_id": self.env.user.id,
                    "on_behalf_id": on_behalf.id
                    if on_behalf and on_behalf != self.env.user
                    else False,
                    "requested_by_id": record.approval_requested_by_id.id,
                    "review_id": review.id if review else False,
                    "rule_id": rule.id if rule else False,
                    "step_name": review.name if review else False,
                    "comment": comment,
                    "amount": record._approval_amount(),
                    "currency_id": record._fields.get(record._approval_currency_field)
                    and record[record._approval_currency_field].id,
                    "snapshot": snapshot,
                    "company_id": record._approval_company().id or False,
                }
            )
            body = label + (f" ({review.name})" if review else "")
            if on_behalf and on_behalf != self.env.user:
                body += _(
                    " by %(user)s for %(principal)s",
                    user=self.env.user.name,
                    principal=on_behalf.name,
                )
            if comment:
                body += f": {comment}"
            bodies[record.id] = escape(body)
        if chatter and hasattr(records, "_message_log_batch"):
            # one batch of internal notes, not one message_post per record
            records._message_log_batch(bodies, author_id=self.env.user.partner_id.id)
        return self.sudo().create(vals_list)
