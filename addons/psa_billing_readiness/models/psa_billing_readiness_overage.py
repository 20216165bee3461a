from odoo import _, api, models
from odoo.tools import SQL


class PsaBillingReadinessOverage(models.AbstractModel):
    """A blocker kind of its own: hours logged past a retainer's prepaid
    hours that no approved or rejected overage covers (psa.retainer). Its
    facts are one more branch of the check's single statement."""

    _inherit = "psa.billing.readiness"

    @api.model
    def _blocker_fields(self):
        return {**super()._blocker_fields(), "overage": "psa_blocked_overage"}

    @api.model
    def _phrases(self):
        return {
            **super()._phrases(),
            "overage": _(
                "%(hours)s h past the prepaid hours of a retainer without an "
                "approved overage"
            ),
        }

    @api.model
    def _facts_overage(self, ids, cutoff):
        """Per order, its retainers with undecided overage and their hours."""
        retainer = self.env["psa.retainer"]
        query = retainer._lines_query()
        query.add_where(
            SQL("%s = ANY(%s::int[])", SQL.identifier(query.table, "order_id"), ids)
        )
        return SQL(
            """
            SELECT 'overage', usage.order_id, count(*)::int,
                   sum(usage.undecided)::float8, NULL::float8, NULL::date,
                   NULL::text
              FROM (%s) AS usage
             WHERE usage.undecided > 0
          GROUP BY usage.order_id
            """,
            retainer._usage_sql(query),
        )

    @api.model
    def _phrase_overage(self, n, amount, names, phrases):
        """The hours block (the count field holds hours, as for time)."""
        if not n or not amount:
            return 0.0, None
        hours = round(amount, 2)
        return hours, phrases["overage"] % {"hours": hours}
