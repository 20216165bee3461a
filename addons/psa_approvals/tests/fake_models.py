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

    name = fields.Char()
    total = fields.Monetary(currency_field="document_currency_id")
    document_currency_id = fields.Many2one(
        "res.currency", default=lambda self: self.env.company.currency_id
    )
    company_id = fields.Many2one("res.company", default=lambda self: self.env.company)
    date_due = fields.Date()
    granted_count = fields.Integer()
    rejected_count = fields.Integer()

    def _on_approval_granted(self):
        for document in self:
            document.granted_count += 1

    def _on_approval_rejected(self):
        for document in self:
            document.rejected_count += 1


class PsaApprovalRule(models.Model):
    _inherit = "psa.approval.rule"

    def _get_approval_model_names(self):
        return super()._get_approval_model_names() + ["psa.approval.test.document"]
