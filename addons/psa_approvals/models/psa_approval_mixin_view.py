from lxml import etree

from odoo import models

HEADER_BUTTONS = """<header>
    <button name="action_request_approval" type="object"
            string="Submit for Approval" class="btn-primary"
            invisible="approval_state not in ('draft', 'rejected')"/>
    <button name="action_approve" type="object" string="Approve"
            class="btn-primary" invisible="not can_review"/>
    <button name="action_approve_with_comment" type="object"
            string="Approve with Comment" invisible="not can_review"/>
    <button name="action_reject" type="object" string="Reject"
            invisible="not can_review"/>
</header>"""

RIBBONS = """<div>
    <widget name="web_ribbon" title="Approved" bg_color="text-bg-success"
            invisible="approval_state != 'approved'"/>
    <widget name="web_ribbon" title="Rejected" bg_color="text-bg-danger"
            invisible="approval_state != 'rejected'"/>
    <widget name="web_ribbon" title="Pending Approval" bg_color="text-bg-warning"
            invisible="approval_state != 'pending'"/>
    <field name="approval_state" invisible="1"/>
    <field name="can_review" invisible="1"/>
</div>"""

REVIEWS_PAGE = """<page string="Reviews" name="approval_reviews"
      invisible="not approval_review_ids">
    <field name="approval_review_ids">
        <tree decoration-success="state == 'approved'"
              decoration-danger="state == 'rejected'"
              decoration-muted="state == 'cancelled'">
            <field name="name"/>
            <field name="reviewer_ids" widget="many2many_tags"/>
            <field name="approver_ids" widget="many2many_tags"/>
            <field name="date_deadline"/>
            <field name="comment"/>
            <field name="state" widget="badge"/>
        </tree>
    </field>
</page>"""


class PsaApprovalMixinView(models.AbstractModel):
    """Injects the approval buttons, a status ribbon and a Reviews tab into the
    form of hosts that set ``_approval_inject_form = True`` and do not place
    them themselves (a form already holding ``action_request_approval`` is
    left as it is)."""

    _inherit = "psa.approval.mixin"

    _approval_inject_form = False

    def _get_view(self, view_id=None, view_type="form", **options):
        arch, view = super()._get_view(view_id, view_type, **options)
        if (
            view_type == "form"
            and self._approval_inject_form
            and not arch.xpath("//button[@name='action_request_approval']")
        ):
            self._approval_inject_into(arch)
        return arch, view

    def _approval_inject_into(self, form):
        header = next(iter(form.xpath("//header")), None)
        if header is None:
            header = etree.Element("header")
            form.insert(0, header)
        for button in etree.fromstring(HEADER_BUTTONS):
            header.append(button)
        sheet = next(iter(form.xpath("//sheet")), form)
        for index, node in enumerate(etree.fromstring(RIBBONS)):
            sheet.insert(index, node)
        notebook = next(iter(sheet.xpath(".//notebook")), None)
        if notebook is None:
            notebook = etree.SubElement(sheet, "notebook")
        notebook.append(etree.fromstring(REVIEWS_PAGE))
