from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError


class PsaRetainerOverage(models.Model):
    """Hours logged past a retainer's prepaid hours, billed only once
    approved through the matrix (amount: hours at the hourly price).
    Approval adds the overage line to the order (ordered and delivered: the
    approved hours), so the standard Create Invoice bills it; rejection
    absorbs the hours (logged with its reason). Undecided, they block the
    order's readiness."""

    _name = "psa.retainer.overage"
    _inherit = ["mail.thread", "mail.activity.mixin", "psa.approval.mixin"]
    _description = "Retainer Overage"
    _order = "id desc"

    _approval_amount_field = "amount"
    _approval_amount_unit = "money"
    _approval_guarded_fields = ["sale_line_id", "hours", "price_unit", "product_id"]
    _approval_inject_form = True

    name = fields.Char(compute="_compute_name", store=True)
    sale_line_id = fields.Many2one(
        "sale.order.line",
        string="Retainer Line",
        required=True,
        index=True,
        tracking=True,
        domain="[('state', '=', 'sale'), ('product_id.type', '=', 'service'), "
        "('product_id.invoice_policy', '=', 'order'), "
        "('psa_overage_of_id', '=', False)]",
        help="The prepaid hours (a service line invoiced on ordered quantity, "
        "sold in a unit of time) whose overage is billed.",
    )
    order_id = fields.Many2one(
        related="sale_line_id.order_id", store=True, index=True, string="Order"
    )
    partner_id = fields.Many2one(
        related="sale_line_id.order_id.partner_id", string="Customer"
    )
    user_id = fields.Many2one(
        related="sale_line_id.order_id.user_id", store=True, string="Salesperson"
    )
    company_id = fields.Many2one(
        related="sale_line_id.order_id.company_id", store=True, index=True
    )
    currency_id = fields.Many2one(related="sale_line_id.order_id.currency_id")
    hours = fields.Float(
        string="Overage Hours",
        compute="_compute_hours",
        store=True,
        readonly=False,
        precompute=True,
        tracking=True,
        help="Hours logged past the prepaid ones that this overage bills; by "
        "default those no other overage covers.",
    )
    price_unit = fields.Monetary(
        string="Hourly Price",
        compute="_compute_price_unit",
        store=True,
        readonly=False,
        precompute=True,
        tracking=True,
        help="Price of an overage hour; by default the retainer's.",
    )
    amount = fields.Monetary(compute="_compute_amount", store=True)
    product_id = fields.Many2one(
        "product.product",
        string="Overage Product",
        required=True,
        domain="[('type', '=', 'service'), ('sale_ok', '=', True)]",
        default=lambda self: self.env.ref(
            "psa_billing_readiness.product_product_retainer_overage",
            raise_if_not_found=False,
        ),
        help="Service sold on the overage line.",
    )
    justification = fields.Text(help="Why the client is billed these hours.")
    applied_on = fields.Datetime(readonly=True, copy=False)
    overage_line_id = fields.Many2one(
        "sale.order.line", string="Overage Order Line", readonly=True, copy=False
    )

    @api.depends("sale_line_id", "hours")
    def _compute_name(self):
        for overage in self:
            overage.name = _(
                "Overage of %(hours)s h on %(line)s",
                hours=round(overage.hours, 2),
                line=overage.sale_line_id.name.splitlines()[0]
                if overage.sale_line_id.name
                else "",
            )

    @api.depends("hours", "price_unit")
    def _compute_amount(self):
        for overage in self:
            overage.amount = overage.hours * overage.price_unit

    @api.depends("sale_line_id")
    def _compute_hours(self):
        """Propose the hours past the prepaid ones no request covers yet."""
        usage = self.env["psa.retainer"]._usage([("id", "in", self.sale_line_id.ids)])
        for overage in self:
            used = usage.get(overage.sale_line_id.id)
            overage.hours = used.unrequested if used else 0.0

    @api.depends("sale_line_id")
    def _compute_price_unit(self):
        """The retainer's price, per hour."""
        hour = self.env.ref("uom.product_uom_hour")
        for overage in self:
            line = overage.sale_line_id.sudo()
            overage.price_unit = (
                line.product_uom._compute_price(line.price_unit, hour) if line else 0.0
            )

    @api.constrains("sale_line_id", "hours", "price_unit")
    def _check_values(self):
        retainer = self.env["psa.retainer"]
        usage = retainer._usage([("id", "in", self.sale_line_id.ids)])
        for overage in self:
            line = overage.sale_line_id.sudo()
            if line.id not in usage:
                raise ValidationError(
                    _(
                        "Retainer Line %(line)s is not a retainer: an overage "
                        "bills the hours past a confirmed prepaid service line "
                        "(invoiced on ordered quantity, sold in hours).",
                        line=line.display_name,
                    )
                )
            if overage.hours <= 0:
                raise ValidationError(_("Overage Hours must be more than zero."))
            if overage.price_unit < 0:
                raise ValidationError(_("Hourly Price cannot be negative."))
            # the requests of the line, this one included, within its overage
            available = usage[line.id].covered_margin + overage.hours
            if available < overage.hours - 0.005 and not overage.applied_on:
                raise ValidationError(
                    _(
                        "Overage Hours (%(hours)s) exceed the hours logged past "
                        "the prepaid ones that no other overage covers "
                        "(%(available)s).",
                        hours=overage.hours,
                        available=round(available, 2),
                    )
                )

    def unlink(self):
        """An applied overage stays: what it added to the order is billed
        against it."""
        if self.filtered("applied_on"):
            raise UserError(_("An applied overage cannot be deleted."))
        return super().unlink()

    def write(self, vals):
        if self.filtered("applied_on") and set(vals) & set(
            self._approval_guarded_fields
        ):
            raise UserError(_("An applied overage cannot change: raise a new one."))
        return super().write(vals)

    def _on_approval_granted(self):
        """Add the overage line to the order: ordered and delivered are the
        approved hours, so the standard Create Invoice bills them (sudo: the
        approver decides without owning the order)."""
        hour = self.env.ref("uom.product_uom_hour")
        to_apply = self.sudo().filtered(lambda o: not o.applied_on)
        lines = (
            self.env["sale.order.line"]
            .sudo()
            .create([overage._prepare_overage_line_vals(hour) for overage in to_apply])
        )
        now = fields.Datetime.now()
        for overage, line in zip(to_apply, lines, strict=True):
            overage.write({"applied_on": now, "overage_line_id": line.id})
            overage.order_id.message_post(
                body=_(
                    "%(name)s approved: %(hours)s h at %(price)s %(currency)s "
                    "added to the order.",
                    name=overage.name,
                    hours=overage.hours,
                    price=overage.price_unit,
                    currency=overage.currency_id.name,
                ),
                subtype_xmlid="mail.mt_note",
            )
        to_apply.order_id._psa_refresh_readiness()

    def _prepare_overage_line_vals(self, hour):
        """The order line billing this overage: the approved hours at its
        price, with the retainer's taxes and analytic distribution."""
        self.ensure_one()
        retainer = self.sale_line_id
        return {
            "order_id": self.order_id.id,
            "product_id": self.product_id.id,
            "name": _(
                "Overage: %(line)s (%(hours)s h)",
                line=retainer.name.splitlines()[0] if retainer.name else "",
                hours=round(self.hours, 2),
            ),
            "product_uom_qty": self.hours,
            "product_uom": hour.id,
            "price_unit": self.price_unit,
            "qty_delivered": self.hours,
            "tax_id": [(6, 0, retainer.tax_id.ids)],
            "analytic_distribution": retainer.analytic_distribution,
            "psa_overage_of_id": retainer.id,
            "sequence": retainer.sequence,
        }

    def _on_approval_rejected(self):
        """The hours are absorbed: logged on the order with the reason."""
        for overage in self.sudo():
            reason = overage.approval_review_ids.filtered(
                lambda r: r.state == "rejected"
            )[:1].comment
            overage.order_id.message_post(
                body=_(
                    "%(name)s rejected, the hours are not billed: %(reason)s",
                    name=overage.name,
                    reason=reason or "",
                ),
                subtype_xmlid="mail.mt_note",
            )
        self.sudo().order_id._psa_refresh_readiness()
