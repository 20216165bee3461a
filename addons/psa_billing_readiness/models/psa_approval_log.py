from markupsafe import escape

from odoo import api, fields, models

BILLING_EVENTS = [
    ("timesheet_validated", "Timesheet validated"),
    ("timesheet_unlocked", "Timesheet unlocked"),
    ("signoff_requested", "Sign-off requested"),
    ("signoff_accepted", "Signed off by the client"),
    ("signoff_declined", "Sign-off declined by the client"),
    ("signoff_recorded", "Sign-off recorded"),
    ("signoff_cancelled", "Sign-off request withdrawn"),
]


class PsaApprovalLog(models.Model):
    """The suite's audit log also records billing events that are no approval
    (validating and unlocking time, client sign-offs): one trail for finance."""

    _inherit = "psa.approval.log"

    event = fields.Selection(
        selection_add=BILLING_EVENTS,
        ondelete={key: "cascade" for key, _label in BILLING_EVENTS},
    )

    @api.model
    def _record_billing(self, records, event, comment=None, chatter=None):
        """Write one log line per record of ``records`` (one INSERT), posted
        as a note in their chatter when they have one, and in the chatter of
        ``chatter`` (records with mail.thread, e.g. the project) if given."""
        label = dict(self._fields["event"].selection)[event]
        vals_list = [
            {
                "res_model": record._name,
                "res_id": record.id,
                "record_name": record.display_name,
                "event": event,
                "user_id": self.env.user.id,
                "comment": comment,
                "company_id": record._fields.get("company_id")
                and record.company_id.id
                or self.env.company.id,
            }
            for record in records
        ]
        body = escape(label + (f": {comment}" if comment else ""))
        for target in (chatter or self.env["mail.thread"]).sudo():
            target.message_post(
                body=body, message_type="comment", subtype_xmlid="mail.mt_note"
            )
        if hasattr(records, "_message_log_batch"):
            records._message_log_batch(
                {record.id: body for record in records},
                author_id=self.env.user.partner_id.id,
            )
        return self.sudo().create(vals_list)
