from contextlib import contextmanager

from odoo import api, fields, models

MEMO = "psa_kit_rule_memo"


class ProcurementGroup(models.Model):
    _inherit = "procurement.group"

    psa_kit_request_id = fields.Many2one(
        "psa.kit.request", string="Kit Request", index=True, readonly=True
    )

    @api.model
    @contextmanager
    def _psa_rule_memo(self):
        """Within a kit selection's procurement run, each product's rule is
        searched once per location, routes and warehouse: Odoo searches it
        again for every procurement (a few queries each), and nothing that
        decides it changes during the run."""
        cache = self.env.cr.cache
        if MEMO in cache:  # nested: the outer run's memo serves
            yield
            return
        cache[MEMO] = {}
        try:
            yield
        finally:
            cache.pop(MEMO, None)

    @api.model
    def _get_rule(self, product_id, location_id, values):
        memo = self.env.cr.cache.get(MEMO)
        if memo is None:
            return super()._get_rule(product_id, location_id, values)
        packaging = values.get("product_packaging_id")
        warehouse = values.get("warehouse_id")
        company = values.get("company_id")
        key = (
            self.env.su,
            self.env.uid,
            product_id.id,
            location_id.id,
            tuple(sorted(values.get("route_ids", self.env["stock.route"]).ids)),
            packaging.id if packaging else None,
            warehouse.id if warehouse else None,
            tuple(company.ids) if company else None,
            "sale_line_id" in values,  # stock_dropshipping's rule domain
        )
        if key not in memo:
            memo[key] = super()._get_rule(product_id, location_id, values).ids
        return self.env["stock.rule"].browse(memo[key])
