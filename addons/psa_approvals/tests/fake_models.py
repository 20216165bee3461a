"""A test-only approvable model, loaded with odoo_test_helper.FakeModelLoader.

It differs from psa.approval.request where the mixin must not assume things:
its amount field is ``total``, its currency field has another name, and its
hooks leave visible traces.
"""

from odoo import fields, models


class PsaApprovalTestDocument(models.Model):
    _name = "psa.approval.test.document"
    _inherit = ["mail.thread", "psa.approval.mixin"]
    _description = "Approval Test Document"

    _approval_amount_field = "total"
    _approval_currency_field = "document_currency_id"
    _approval_guarded_fields = ["total", "date_due"]
    _approval_inject_form = True
    _approval_state_field = "state"
    _approval_state_from = ["draft"]
    _approval_state_to = ["done"]
    _approval_cancel_state = "cancel"

    name = fields.Char()
    total = fields.Monetary(currency_field="document_currency_id")
    document_currency_id = fields.Many2one(
        "res.currency", default=lambda self: self.env.company.currency_id
    )
    company_id = fields.Many2one("res.company", default=lambda self: self.env.company)
    date_due = fields.Date()
    state = fields.Selection(
        [("draft", "Draft"), ("done", "Done"), ("cancel", "Cancelled")],
        default="draft",
    )
    granted_count = fields.Integer()
    rejected_count = fields.Integer()
    reset_count = fields.Integer()

    def _on_approval_granted(self):
        for document in self:
            document.granted_count += 1

    def _on_approval_rejected(self):
        for document in self:
            document.rejected_count += 1

    def _on_approval_reset(self):
        for document in self:
            document.reset_count += 1

    def action_done(self):
        """The host's own button, gated by the matrix in one line."""
        self._approval_gate().write({"state": "done"})


class PsaApprovalTestEffort(models.Model):
    """A host measuring its approval in hours while carrying a currency."""

    _name = "psa.approval.test.effort"
    _inherit = ["mail.thread", "psa.approval.mixin"]
    _description = "Approval Test Effort"

    _approval_amount_field = "hours"
    _approval_amount_unit = "hours"

    name = fields.Char()
    hours = fields.Float()
    currency_id = fields.Many2one("res.currency")
    company_id = fields.Many2one("res.company", default=lambda self: self.env.company)


class PsaApprovalRule(models.Model):
    _inherit = "psa.approval.rule"

    def _get_approval_model_names(self):
        return super()._get_approval_model_names() + [
            "psa.approval.test.document",
            "psa.approval.test.effort",
        ]
