from odoo import _, models
from odoo.exceptions import UserError


class PsaRecordLinkMixin(models.AbstractModel):
    """Records that point at another record of any model through the usual
    ``res_model`` / ``res_id`` pair (reviews, exceptions, webhook events)."""

    _name = "psa.record.link.mixin"
    _description = "Link to Any Record"

    def action_open_record(self):
        """Open the record this one points at."""
        self.ensure_one()
        if not self.res_model or not self.res_id:
            raise UserError(_("This line is not linked to a record."))
        return {
            "type": "ir.actions.act_window",
            "res_model": self.res_model,
            "res_id": self.res_id,
            "view_mode": "form",
        }
