from markupsafe import Markup

from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import html2plaintext, plaintext2html


class PsaApprovalRequest(models.Model):
    """Approval requests filed by an external system through an inbound webhook
    (the example action ``ir_actions_server_inbound_approval_request``)."""

    _inherit = "psa.approval.request"

    external_ref = fields.Char(
        string="External Reference",
        copy=False,
        index=True,
        help="Identifier of the request in the system that filed it.",
    )

    _sql_constraints = [
        (
            "external_ref_unique",
            "UNIQUE(external_ref, company_id)",
            "Another request of this company has this External Reference.",
        ),
    ]

    @api.model
    def _psa_inbound_upsert(self, payload):
        """File or update a request from ``payload["data"]``.

        New requests are created in draft for their requester to submit. A
        request already submitted or decided is never changed: the proposed
        values open an exception for a person to look at.
        """
        data = payload.get("data")
        if not isinstance(data, dict):
            raise UserError(_("The payload needs a data object."))
        ref = data.get("external_ref")
        if not isinstance(ref, str) or not 0 < len(ref.strip()) <= 64:
            raise UserError(
                _("data.external_ref must be a text of 1 to 64 characters.")
            )
        vals = self._psa_inbound_values(data)
        request = self.search([("external_ref", "=", ref.strip())], limit=1)
        if not request:
            missing = [key for key in ("name", "requester") if key not in data]
            if missing:
                raise UserError(
                    _("A new request needs data.%s.", ", data.".join(missing))
                )
            request = self.create({"external_ref": ref.strip(), **vals})
            return {"status": "created", "request_id": request.id}
        changes = {
            key: value
            for key, value in vals.items()
            if request._psa_differs(key, value)
        }
        if not changes:
            return {"status": "unchanged", "request_id": request.id}
        if request.approval_state != "draft":
            exception = request._psa_propose_changes(changes)
            return {
                "status": "proposed",
                "request_id": request.id,
                "exception_id": exception.id,
            }
        request.write(changes)
        return {"status": "updated", "request_id": request.id}

    @api.model
    def _psa_inbound_values(self, data):
        """Validate and convert the payload's values; UserError names the key."""
        vals = {}
        if "name" in data:
            if not isinstance(data["name"], str) or not data["name"].strip():
                raise UserError(_("data.name must be a non-empty text."))
            vals["name"] = data["name"].strip()[:200]
        if "amount" in data:
            amount = data["amount"]
            if isinstance(amount, bool) or not isinstance(amount, int | float):
                raise UserError(_("data.amount must be a number."))
            if not 0 <= amount < 1e12:
                raise UserError(_("data.amount must be between 0 and 10^12."))
            vals["amount"] = amount
        if "currency" in data:
            currency = isinstance(data["currency"], str) and self.env[
                "res.currency"
            ].search([("name", "=", data["currency"].upper())], limit=1)
            if not currency:
                raise UserError(_("data.currency must be an active ISO currency code."))
            vals["currency_id"] = currency.id
        if "category" in data:
            categories = dict(self._fields["category"].selection)
            if data["category"] not in categories:
                raise UserError(
                    _("data.category must be one of: %s", ", ".join(categories))
                )
            vals["category"] = data["category"]
        if "description" in data:
            if not isinstance(data["description"], str):
                raise UserError(_("data.description must be a text."))
            vals["description"] = plaintext2html(data["description"][:10000])
        if "requester" in data:
            vals["user_id"] = self._psa_inbound_requester(data["requester"]).id
        return vals

    @api.model
    def _psa_inbound_requester(self, login):
        user = (
            isinstance(login, str)
            and login.strip()
            and self.env["res.users"].search(
                ["|", ("login", "=", login.strip()), ("email", "=", login.strip())],
                limit=1,
            )
        )
        if not user or user.share:
            raise UserError(
                _("data.requester must be the login or email of an internal user.")
            )
        return user

    def _psa_differs(self, fname, value):
        current = self[fname]
        if isinstance(current, models.BaseModel):
            return current.id != value
        if fname == "description":
            return (current or "") != value
        return current != value

    def _psa_shown(self, fname, value):
        field = self._fields[fname]
        if field.type == "many2one":
            value = self.env[field.comodel_name].browse(value or False)
            return value.display_name or ""
        if field.type == "html":
            return html2plaintext(value or "")
        return value

    def _psa_propose_changes(self, changes):
        """An exception carrying the proposal; the request itself is untouched."""
        self.ensure_one()
        state = dict(self._fields["approval_state"].selection)[self.approval_state]
        exception = self.env["psa.exception"]._open_exceptions(
            self,
            "inbound_conflict",
            _(
                "Inbound update refused: %(name)s is %(state)s",
                name=self.name,
                state=state,
            ),
            owner=self.user_id,
        )
        items = Markup("").join(
            Markup("<li>%s: %s → %s</li>")
            % (
                self._fields[key].string,
                self._psa_shown(key, self[key]),
                self._psa_shown(key, value),
            )
            for key, value in changes.items()
        )
        exception.sudo().message_post(
            body=Markup("%s<ul>%s</ul>") % (_("Proposed by an external system:"), items)
        )
        return exception
