from odoo import _, api, fields, models
from odoo.exceptions import UserError


class PsaKitRequest(models.Model):
    """Money of a kit request, posted when its delivery is validated.

    Billable lines become lines of the request's sale order (one per product)
    delivered by the kit's own stock moves, so the standard *Create Invoice*
    bills what left the warehouse and a return (*Update quantities on SO*)
    takes it back. Expense lines post their cost to the project's analytic
    account, one analytic line per move: validating again posts nothing
    more, a return posts the opposite amount.
    """

    _inherit = "psa.kit.request"

    sale_line_ids = fields.One2many(
        "sale.order.line", "psa_kit_request_id", string="Billed Lines", readonly=True
    )
    analytic_line_ids = fields.One2many(
        "account.analytic.line",
        "psa_kit_request_id",
        string="Expensed Costs",
        readonly=True,
    )
    amount_billed = fields.Monetary(
        string="Billed",
        compute="_compute_money",
        compute_sudo=True,
        currency_field="currency_id",
        help="Delivered billable items at the sale order's prices (untaxed).",
    )
    amount_expensed = fields.Monetary(
        string="Expensed",
        compute="_compute_money",
        compute_sudo=True,
        currency_field="currency_id",
        help="Cost posted to the project's analytic account, returns deducted.",
    )

    sale_line_count = fields.Integer(compute="_compute_money", compute_sudo=True)
    analytic_line_count = fields.Integer(compute="_compute_money", compute_sudo=True)

    @api.depends(
        "sale_line_ids.qty_delivered",
        "sale_line_ids.price_unit",
        "analytic_line_ids.amount",
    )
    def _compute_money(self):
        today = fields.Date.context_today(self)
        for request in self:
            request.amount_billed = sum(
                line.currency_id._convert(
                    line.qty_delivered * line.price_reduce_taxexcl,
                    request.currency_id,
                    request.company_id,
                    today,
                )
                for line in request.sale_line_ids
            )
            request.amount_expensed = -sum(request.analytic_line_ids.mapped("amount"))
            request.sale_line_count = len(request.sale_line_ids)
            request.analytic_line_count = len(request.analytic_line_ids)

    @api.onchange("project_id")
    def _onchange_project_id_sale_order(self):
        order = self.project_id._psa_kit_sale_order()
        if order:
            self.sale_order_id = order

    @api.model_create_multi
    def create(self, vals_list):
        projects = self.env["project.project"]
        for vals in vals_list:
            if vals.get("project_id") and "sale_order_id" not in vals:
                order = projects.browse(vals["project_id"])._psa_kit_sale_order()
                if order:
                    vals["sale_order_id"] = order.id
        return super().create(vals_list)

    # ---------------------------------------------------------------- checks
    def _check_billable_sale_order(self):
        """Billable lines need an order to be billed on: refuse, naming the
        field, before anything is approved or dispatched."""
        for request in self.sudo():
            billable = request.line_ids.filtered(lambda ln: ln.treatment == "billable")
            if not billable:
                continue
            order = request.sale_order_id
            if not order or order.state == "cancel":
                raise UserError(
                    _(
                        "Sale Order: %(request)s has billable lines (%(products)s) "
                        "but no sale order to bill them on. Set the request's Sale "
                        "Order (or link the project to one), or make the lines "
                        "Expense.",
                        request=request.display_name,
                        products=", ".join(billable.product_id.mapped("display_name")),
                    )
                )

    def action_request_approval(self):
        """Billable lines are refused without a sale order, before routing."""
        self._check_billable_sale_order()
        return super().action_request_approval()

    # ----------------------------------------------------------------- money
    @api.model
    def _post_kit_money(self, moves):
        """Bill and expense what ``moves`` (done kit deliveries and returns)
        carried. Idempotent: a move already billed or expensed is skipped."""
        moves = moves.sudo().filtered(lambda m: m.state == "done")
        delivered = moves.filtered(
            lambda m: m.psa_kit_line_id and m.location_dest_id.usage == "customer"
        )
        returned = moves.filtered(lambda m: m.origin_returned_move_id.psa_kit_line_id)
        self._bill_kit_moves(
            delivered.filtered(
                lambda m: (
                    m.psa_kit_line_id.treatment == "billable" and not m.sale_line_id
                )
            )
        )
        self._expense_kit_moves(
            (delivered | returned).filtered(
                lambda m: m._psa_kit_origin_line().treatment == "expense"
            )
        )

    @api.model
    def _bill_kit_moves(self, moves):
        """Link billable delivery moves to their request's order line of the
        same product, created when missing (in one ``create``); the line's
        quantity grows with each delivery. Odoo's sale_stock counts the done
        moves as delivered; no other delivery is launched for the line."""
        if not moves:
            return
        moves = moves.sudo()
        requests = moves.psa_kit_line_id.request_id
        requests._check_billable_sale_order()
        existing = {
            (line.psa_kit_request_id, line.product_id): line
            for line in requests.sale_line_ids.filtered(lambda ln: ln.state != "cancel")
        }
        by_key = moves.grouped(lambda m: (m.psa_kit_line_id.request_id, m.product_id))
        sale_lines = (
            self.env["sale.order.line"].sudo().with_context(skip_procurement=True)
        )
        vals_list = []
        for (request, product), group in by_key.items():
            line = existing.get((request, product))
            if not line:
                vals_list.append(request._prepare_sale_line_vals(product, group))
                continue
            # a backorder delivered later: the same line, more delivered
            line.with_context(skip_procurement=True).write(
                {
                    "product_uom_qty": line.product_uom_qty
                    + sum(
                        m.product_uom._compute_quantity(m.quantity, line.product_uom)
                        for m in group
                    ),
                    "move_ids": [(4, move.id) for move in group],
                }
            )
        created = sale_lines.create(vals_list)
        # the create protects qty_delivered (it has a default) while it links
        # the moves: count them now
        created.modified(["move_ids"])
        for request in requests:
            request.message_post(
                body=_(
                    "Billable items delivered on %(order)s: %(items)s",
                    order=request.sale_order_id.name,
                    items=", ".join(
                        f"{product.display_name} ({sum(group.mapped('quantity')):g})"
                        for (req, product), group in by_key.items()
                        if req == request
                    ),
                )
            )

    def _prepare_sale_line_vals(self, product, moves):
        """A sale line for ``product`` delivered by ``moves``; Odoo prices it
        from the order's pricelist (the product's sale price by default)."""
        self.ensure_one()
        return {
            "order_id": self.sale_order_id.id,
            "product_id": product.id,
            "product_uom_qty": sum(moves.mapped("quantity")),
            "product_uom": product.uom_id.id,
            "psa_kit_request_id": self.id,
            "move_ids": [(6, 0, moves.ids)],
        }

    @api.model
    def _expense_kit_moves(self, moves):
        """One analytic line per expense move on the project's analytic
        account: minus the cost delivered, plus the cost returned. Created in
        one ``create``; moves posted already are skipped. A project without an
        analytic account gets one, as Odoo's own project billing does."""
        if not moves:
            return
        lines = self.env["account.analytic.line"].sudo()
        posted = lines.search([("psa_kit_move_id", "in", moves.ids)])
        moves = moves.sudo() - posted.psa_kit_move_id
        if not moves:
            return
        kit_lines = {move: move._psa_kit_origin_line() for move in moves}
        requests = self.sudo().browse([ln.request_id.id for ln in kit_lines.values()])
        projects = requests.project_id
        projects.filtered(
            lambda p: not p.analytic_account_id
        )._create_analytic_account()
        lines.create(
            [
                line.request_id._prepare_analytic_line_vals(line, move)
                for move, line in kit_lines.items()
            ]
        )

    def _prepare_analytic_line_vals(self, kit_line, move):
        """The cost of ``move`` on the project's analytic account at the
        line's unit cost: negative when delivered, positive when returned."""
        self.ensure_one()
        account = self.project_id.sudo().analytic_account_id
        quantity = move.product_uom._compute_quantity(
            move.quantity, move.product_id.uom_id
        )
        sign = 1.0 if move.origin_returned_move_id else -1.0
        return {
            "name": _(
                "%(request)s: %(product)s",
                request=self.name,
                product=move.product_id.display_name,
            )
            + (_(" (returned)") if sign > 0 else ""),
            account.plan_id._column_name(): account.id,
            "amount": sign * quantity * kit_line.unit_cost,
            "unit_amount": -sign * quantity,
            "product_id": move.product_id.id,
            "product_uom_id": move.product_id.uom_id.id,
            "date": fields.Date.context_today(self),
            "ref": self.name,
            "company_id": self.company_id.id,
            "partner_id": self.project_id.sudo().partner_id.id,
            # given, not defaulted: hr_timesheet's default looks up an
            # employee per line for the default user
            "user_id": self.requester_id.id,
            "category": "other",
            "psa_kit_request_id": self.id,
            "psa_kit_move_id": move.id,
        }

    # --------------------------------------------------------------- actions
    def action_view_sale_lines(self):
        """The order lines this request billed."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "psa_warehouse_kits.sale_order_line_action_kit"
        )
        action["domain"] = [("psa_kit_request_id", "=", self.id)]
        action["context"] = {"create": False}
        return action

    def action_view_analytic_lines(self):
        """The costs this request posted to the project's analytic account."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "psa_warehouse_kits.account_analytic_line_action_kit"
        )
        action["domain"] = [("psa_kit_request_id", "=", self.id)]
        action["context"] = {"create": False}
        return action
