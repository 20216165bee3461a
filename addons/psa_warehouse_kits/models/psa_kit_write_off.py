from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError


class PsaKitWriteOff(models.Model):
    """A loaned item that came back damaged (scrapped) or not at all (lost),
    written off through the approval matrix on its value at cost."""

    _name = "psa.kit.write.off"
    _inherit = ["mail.thread", "mail.activity.mixin", "psa.approval.mixin"]
    _description = "Kit Write-off"
    _order = "id desc"

    _approval_amount_field = "amount"
    _approval_amount_unit = "money"
    _approval_guarded_fields = ["loan_id", "kind", "amount", "bill_client"]
    _approval_inject_form = True

    name = fields.Char(compute="_compute_name", store=True)
    loan_id = fields.Many2one(
        "psa.kit.loan", required=True, index=True, ondelete="restrict", tracking=True
    )
    kind = fields.Selection(
        [
            ("lost", "Lost (not returned)"),
            ("scrap", "Returned damaged (scrap)"),
        ],
        required=True,
        default="lost",
        tracking=True,
    )
    reason = fields.Text(required=True)
    product_id = fields.Many2one(related="loan_id.product_id", store=True)
    lot_id = fields.Many2one(related="loan_id.lot_id", store=True)
    project_id = fields.Many2one(related="loan_id.project_id", store=True)
    company_id = fields.Many2one(related="loan_id.company_id", store=True, index=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    amount = fields.Monetary(
        string="Value at Cost",
        compute="_compute_amount",
        store=True,
        currency_field="currency_id",
    )
    state = fields.Selection(
        [
            ("draft", "Draft"),
            ("to_approve", "To Approve"),
            ("done", "Written Off"),
            ("cancelled", "Cancelled"),
        ],
        default="draft",
        required=True,
        readonly=True,
        tracking=True,
    )
    scrap_id = fields.Many2one("stock.scrap", readonly=True)
    bill_client = fields.Boolean(
        string="Bill to Client",
        tracking=True,
        help="Once approved, the item is billed to the client on the request's "
        "sale order, at the order's price for the product (its sale price "
        "unless the client's pricelist says otherwise).",
    )
    sale_order_id = fields.Many2one(
        related="loan_id.request_id.sale_order_id", string="Sale Order"
    )
    sale_line_id = fields.Many2one(
        "sale.order.line", string="Billed on", readonly=True, copy=False
    )

    @api.depends("loan_id", "kind")
    def _compute_name(self):
        labels = dict(self._fields["kind"].selection)
        for write_off in self:
            write_off.name = _(
                "%(kind)s: %(loan)s",
                kind=labels.get(write_off.kind, ""),
                loan=write_off.loan_id.name or "",
            )

    @api.depends("loan_id.request_line_id.unit_cost")
    def _compute_amount(self):
        for write_off in self:
            write_off.amount = write_off.loan_id.request_line_id.unit_cost

    @api.constrains("loan_id", "kind")
    def _check_loan(self):
        for write_off in self:
            loan = write_off.loan_id
            if write_off.kind == "lost" and loan.state == "returned":
                raise ValidationError(
                    _(
                        "Loan %(loan)s came back: it cannot be written off as lost.",
                        loan=loan.name,
                    )
                )
            if write_off.kind == "scrap" and loan.state != "returned":
                raise ValidationError(
                    _(
                        "Loan %(loan)s is not returned: only a returned item is "
                        "scrapped (Kind).",
                        loan=loan.name,
                    )
                )
            others = self.search_count(
                [
                    ("loan_id", "=", loan.id),
                    ("state", "!=", "cancelled"),
                    ("id", "!=", write_off.id),
                ]
            )
            if others:
                raise ValidationError(
                    _("Loan %(loan)s has a write-off already.", loan=loan.name)
                )

    @api.constrains("bill_client", "loan_id")
    def _check_bill_client(self):
        for write_off in self.filtered("bill_client"):
            order = write_off.sudo().loan_id.request_id.sale_order_id
            if not order or order.state == "cancel":
                raise ValidationError(
                    _(
                        "Bill to Client: %(request)s has no sale order to bill "
                        "%(loan)s on.",
                        request=write_off.loan_id.request_id.display_name,
                        loan=write_off.loan_id.name,
                    )
                )

    def action_request_approval(self):
        self.write({"state": "to_approve"})
        return super().action_request_approval()

    def _on_approval_rejected(self):
        self.write({"state": "draft"})

    def _on_approval_reset(self):
        self.filtered(lambda w: w.state == "to_approve").write({"state": "draft"})

    def action_cancel(self):
        if self.filtered(lambda w: w.state == "done"):
            raise UserError(_("A write-off that is done cannot be cancelled."))
        self.env["psa.approval.review"].sudo()._cancel_open(self, _("Cancelled"))
        self.write({"state": "cancelled", "approval_state": "draft"})
        return True

    def _on_approval_granted(self):
        """Approved: scrap what came back damaged, close the loan. The
        approval is the authority (sudo)."""
        for write_off in self.sudo():
            loan = write_off.loan_id
            if write_off.kind == "scrap":
                request = loan.request_id
                scrap = write_off.env["stock.scrap"].create(
                    {
                        "product_id": loan.product_id.id,
                        "lot_id": loan.lot_id.id,
                        "scrap_qty": 1.0,
                        "location_id": request.warehouse_id.lot_stock_id.id,
                        "company_id": request.company_id.id,
                        "origin": write_off.name,
                    }
                )
                scrap.action_validate()
                write_off.scrap_id = scrap
            loan.write({"state": "written_off"})
            write_off.state = "done"
        self._bill_to_client()

    def _bill_to_client(self):
        """Approved write-offs marked *Bill to Client* become one sale line
        each on the request's order (in one ``create``), delivered at once:
        the standard *Create Invoice* bills them. Never twice."""
        to_bill = self.sudo().filtered(
            lambda w: w.bill_client and w.state == "done" and not w.sale_line_id
        )
        if not to_bill:
            return
        to_bill._check_bill_client()
        lines = (
            self.env["sale.order.line"]
            .sudo()
            .with_context(skip_procurement=True)
            .create([write_off._prepare_sale_line_vals() for write_off in to_bill])
        )
        for write_off, line in zip(to_bill, lines, strict=True):
            write_off.sale_line_id = line
            write_off.message_post(
                body=_("Billed to the client on %(order)s.", order=line.order_id.name)
            )

    def _prepare_sale_line_vals(self):
        self.ensure_one()
        product = self.product_id
        return {
            "order_id": self.sale_order_id.id,
            "product_id": product.id,
            "name": f"{product.get_product_multiline_description_sale()}\n{self.name}",
            "product_uom_qty": 1.0,
            "product_uom": product.uom_id.id,
            "qty_delivered": 1.0,
            "psa_kit_write_off_id": self.id,
        }
