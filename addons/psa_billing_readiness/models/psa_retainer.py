from dataclasses import dataclass, field

from odoo import api, models
from odoo.tools import SQL, float_round


@dataclass
class RetainerUsage:
    """How much of one retainer line is used, in hours."""

    order_id: int
    prepaid: float
    logged: float
    overage: dict = field(default_factory=dict)  # hours requested per approval state

    @property
    def past(self):
        """Hours logged past the prepaid ones."""
        return float_round(max(self.logged - self.prepaid, 0.0), 2)

    @property
    def covered_margin(self):
        """Hours past the prepaid ones less every overage requested (negative
        when requests exceed them)."""
        return float_round(self.past - sum(self.overage.values()), 2)

    @property
    def unrequested(self):
        """Hours past the prepaid ones that no overage request covers yet."""
        return float_round(max(self.past - sum(self.overage.values()), 0.0), 2)


class PsaRetainer(models.AbstractModel):
    """Retainers: confirmed sale lines of prepaid services (invoiced on
    ordered quantities) sold in a unit of time. Their consumption is the
    timesheeted hours linked to the line (``so_line``, or unlinked timesheets
    on a project whose ``sale_line_id`` is the line) over the ordered hours.
    Hours logged past them are billed only through an approved overage
    (``psa.retainer.overage``), which adds its own line to the order."""

    _name = "psa.retainer"
    _description = "Retainer Usage"

    @api.model
    def _line_domain(self):
        """Sale lines that are retainers, whatever their order's state."""
        # ids from the registry's cache: no query per batch
        working_time = self.env["ir.model.data"]._xmlid_to_res_id("uom.uom_categ_wtime")
        return [
            ("product_id.type", "=", "service"),
            ("product_id.invoice_policy", "=", "order"),
            ("product_uom.category_id", "=", working_time),
            ("product_uom_qty", ">", 0),
            ("psa_overage_of_id", "=", False),
        ]

    @api.model
    def _lines_query(self, domain=()):
        """The query of the confirmed retainer lines matching ``domain``
        (``psa.retainer``'s one definition, for SQL)."""
        lines = self.env["sale.order.line"].sudo()
        return lines._search([*self._line_domain(), ("state", "=", "sale"), *domain])

    @api.model
    def _usage_sql(self, query):
        """SQL giving, for the retainer lines of ``query``: ``id``,
        ``order_id``, ``prepaid`` and ``logged`` hours, ``overage`` (hours
        requested per approval state, JSON) and ``undecided`` (the hours past
        the prepaid ones no approved or rejected overage covers)."""
        hour = self.env["ir.model.data"]._xmlid_to_res_id("uom.product_uom_hour")
        return SQL(
            """
            WITH retainer AS (
                SELECT sol.id, sol.order_id,
                       sol.product_uom_qty / uom.factor * hour.factor AS prepaid
                  FROM sale_order_line sol
                  JOIN uom_uom uom ON uom.id = sol.product_uom
                  JOIN uom_uom hour ON hour.id = %(hour)s
                 WHERE sol.id IN %(lines)s
            ), logged AS (
                SELECT line_id, SUM(hours) AS hours FROM (
                    SELECT aal.so_line AS line_id, aal.unit_amount AS hours
                      FROM account_analytic_line aal
                     WHERE aal.so_line IN (SELECT id FROM retainer)
                       AND aal.project_id IS NOT NULL
                    UNION ALL
                    SELECT project.sale_line_id, aal.unit_amount
                      FROM account_analytic_line aal
                      JOIN project_project project ON project.id = aal.project_id
                     WHERE project.sale_line_id IN (SELECT id FROM retainer)
                       AND aal.so_line IS NULL
                ) AS hours GROUP BY line_id
            ), overage AS (
                SELECT sale_line_id AS line_id,
                       jsonb_object_agg(approval_state, hours) AS hours,
                       SUM(hours) FILTER (WHERE approval_state IN
                           ('approved', 'rejected')) AS decided
                  FROM (SELECT sale_line_id, approval_state, SUM(hours) AS hours
                          FROM psa_retainer_overage
                         WHERE sale_line_id IN (SELECT id FROM retainer)
                         GROUP BY sale_line_id, approval_state) AS states
                 GROUP BY sale_line_id
            )
            SELECT retainer.id, retainer.order_id, retainer.prepaid::float8,
                   COALESCE(logged.hours, 0)::float8 AS logged,
                   overage.hours AS overage,
                   ROUND(GREATEST(
                       GREATEST(COALESCE(logged.hours, 0) - retainer.prepaid, 0)
                       - COALESCE(overage.decided, 0), 0)::numeric, 2)::float8
                       AS undecided
              FROM retainer
         LEFT JOIN logged ON logged.line_id = retainer.id
         LEFT JOIN overage ON overage.line_id = retainer.id
            """,
            hour=hour,
            lines=query.subselect(),
        )

    @api.model
    def _usage(self, domain):
        """{line id: RetainerUsage} of the confirmed retainer lines matching
        ``domain``, in one query whatever their number."""
        self.env.flush_all()
        self.env.cr.execute(self._usage_sql(self._lines_query(domain)))
        return {
            line_id: RetainerUsage(order_id, prepaid, logged, overage or {})
            for line_id, order_id, prepaid, logged, overage, _undecided in (
                self.env.cr.fetchall()
            )
        }
