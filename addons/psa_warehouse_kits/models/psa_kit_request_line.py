from odoo import api, fields, models


class PsaKitRequestLine(models.Model):
    """A product asked for on a kit request, with what the warehouse holds for it."""

    _name = "psa.kit.request.line"
    _inherit = ["psa.kit.line.mixin"]
    _description = "Kit Request Line"
    _order = "request_id, sequence, id"

    request_id = fields.Many2one(
        "psa.kit.request", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(related="request_id.company_id", store=True)
    project_id = fields.Many2one(related="request_id.project_id", store=True)
    request_state = fields.Selection(
        related="request_id.state", store=True, string="Request Status"
    )
    currency_id = fields.Many2one(related="request_id.currency_id")
    unit_cost = fields.Monetary(
        compute="_compute_unit_cost",
        store=True,
        readonly=False,
        precompute=True,
        help="The product's cost when the line was written.",
    )
    subtotal = fields.Monetary(
        string="Value at Cost", compute="_compute_subtotal", store=True
    )
    move_ids = fields.One2many("stock.move", "psa_kit_line_id", readonly=True)
    qty_reserved = fields.Float(
        string="Reserved",
        compute="_compute_stock_quantities",
        compute_sudo=True,
        digits="Product Unit of Measure",
    )
    qty_done = fields.Float(
        string="Dispatched",
        compute="_compute_stock_quantities",
        compute_sudo=True,
        digits="Product Unit of Measure",
    )
    qty_missing = fields.Float(
        string="Missing",
        compute="_compute_stock_quantities",
        compute_sudo=True,
        digits="Product Unit of Measure",
    )
    availability = fields.Selection(
        [
            ("none", "Not requested"),
            ("waiting", "Waiting for stock"),
            ("partial", "Partially reserved"),
            ("reserved", "Reserved"),
            ("done", "Dispatched"),
        ],
        compute="_compute_stock_quantities",
        compute_sudo=True,
    )
    lot_ids = fields.Many2many(
        "stock.lot",
        string="Serial Numbers",
        compute="_compute_stock_quantities",
        compute_sudo=True,
    )

    @api.depends("product_id", "quantity")
    def _compute_display_name(self):
        for line in self:
            line.display_name = f"{line.quantity:g} × {line.product_id.display_name}"

    @api.depends("product_id")
    def _compute_unit_cost(self):
        for line in self:
            line.unit_cost = line.product_id.standard_price

    @api.depends("unit_cost", "quantity")
    def _compute_subtotal(self):
        for line in self:
            line.subtotal = line.unit_cost * line.quantity

    @api.depends("move_ids.state", "move_ids.quantity", "move_ids.move_line_ids.lot_id")
    def _compute_stock_quantities(self):
        for line in self:
            moves = line.move_ids.filtered(lambda m: m.state != "cancel")
            done = moves.filtered(lambda m: m.state == "done")
            open_moves = moves - done
            line.qty_done = sum(done.mapped("product_uom_qty"))
            line.qty_reserved = sum(
                open_moves.filtered(
                    lambda m: m.state in ("assigned", "partially_available")
                ).mapped("quantity")
            )
            line.lot_ids = moves.move_line_ids.lot_id
            if not moves:
                line.qty_missing = 0.0
                line.availability = "none"
                continue
            line.qty_missing = max(
                line.quantity - line.qty_done - line.qty_reserved, 0.0
            )
            if line.qty_done >= line.quantity:
                line.availability = "done"
            elif not line.qty_missing:
                line.availability = "reserved"
            elif line.qty_reserved:
                line.availability = "partial"
            else:
                line.availability = "waiting"

    def _prepare_procurement_values(self, group):
        self.ensure_one()
        request = self.request_id
        date = fields.Datetime.to_datetime(request.needed_date)
        return {
            "group_id": group,
            "warehouse_id": request.warehouse_id,
            "date_planned": date,
            "date_deadline": date,
            "partner_id": request._destination_partner().id,
            "company_id": request.company_id,
            "psa_kit_line_id": self.id,
        }

    @api.model_create_multi
    def create(self, vals_list):
        lines = super().create(vals_list)
        lines.request_id._check_lines_editable()
        return lines

    def write(self, vals):
        # who may not write hears that first
        self.check_access_rights("write")
        self.check_access_rule("write")
        self.request_id._check_lines_editable()
        return super().write(vals)

    def unlink(self):
        self.request_id._check_lines_editable()
        return super().unlink()
