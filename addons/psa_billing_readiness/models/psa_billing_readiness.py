import json
from collections import defaultdict
from datetime import timedelta

from odoo import api, fields, models
from odoo.tools import SQL

MARGIN_PARAM = "psa_billing_readiness.margin_risk_percent"
EXCEPTION_DAYS_PARAM = "psa_billing_readiness.blocker_exception_days"

# The verdict's fields beside the blockers' counts (``_blocker_fields()``),
# as the check writes them: only when one of them changed.
VERDICT_FIELDS = (
    "psa_readiness",
    "psa_blockers",
    "psa_unbilled_from",
    "psa_cost",
    "psa_margin_at_risk",
)
# What ``_store`` returns, in the order its statement's columns give them.
NEEDS = ("written", "open_blocker", "close_blocker", "open_margin", "close_margin")


def array_literal(ids):
    """``ids`` as the text of one PostgreSQL array, cast in the statement
    (``%s::int[]``): psycopg2 would send a list as ``ARRAY[1, 2, ...]``,
    thousands of constants for PostgreSQL to parse and plan."""
    return "{%s}" % ",".join(str(int(value)) for value in ids)


class PsaBillingReadiness(models.AbstractModel):
    """The billing verdict of sale orders and its blockers.

    A batch of orders costs the same queries whatever its size: one
    statement gathers the facts of every kind of blocker (one query per kind,
    see ``psa_billing_readiness_blockers.py``, joined with UNION ALL), Python
    words them, and one statement writes the orders whose verdict, counts or
    cost changed (an unchanged order is not rewritten: sale_order rows are
    wide and indexed many times over) and returns the billing-blocker and
    margin exceptions to open or close. Nothing goes through the ORM's write,
    so no computed field of sale.order is recomputed per order.
    """

    _name = "psa.billing.readiness"
    _description = "Billing Readiness Check"

    @api.model
    def _check(self, orders, cutoff=None, exceptions=False):
        """Compute and store the verdict of ``orders`` (confirmed orders; the
        others get none) with the blockers of the period up to ``cutoff``
        (default: today); with ``exceptions``, open and close their
        billing-blocker and margin exceptions too. Returns ``_find_blockers``'s
        answer."""
        cutoff = cutoff or fields.Date.context_today(self)
        orders = orders.sudo()
        if not orders:
            return {}
        found = self._find_blockers(orders, cutoff)
        needs = self._store(orders, found)
        if exceptions:
            orders._psa_sync_exceptions(needs)
        return found

    # --------------------------------------------------------------- verdict
    @api.model
    def _find_blockers(self, orders, cutoff):
        """{order id: {kind: count, "words": [...], "unbilled_from": date,
        "cost": float, "state": verdict, "at_risk": bool}} for every order
        of ``orders``: one statement for the kinds that have a
        ``_facts_<kind>`` query, then ``_more_blockers()``."""
        self.env.flush_all()  # the statement reads what the ORM may hold
        ids = array_literal(orders.ids)
        kinds = self._blocker_fields()
        sql_kinds = [kind for kind in kinds if hasattr(self, f"_facts_{kind}")]
        self.env.cr.execute(
            SQL(" UNION ALL ").join(
                [
                    self._facts_order(ids),
                    *(
                        getattr(self, f"_facts_{kind}")(ids, cutoff)
                        for kind in sql_kinds
                    ),
                ]
            )
        )
        facts = defaultdict(dict)
        for kind, order_id, *fact in self.env.cr.fetchall():
            facts[order_id][kind] = fact
        phrases = self._phrases()
        phrase = {kind: getattr(self, f"_phrase_{kind}") for kind in sql_kinds}
        found = {}
        for order_id in orders.ids:
            info = dict.fromkeys(kinds, 0)
            info.update(words=[], unbilled_from=None, cost=0.0)
            found[order_id] = info
            for kind, (n, amount, cost, day, names) in facts[order_id].items():
                if kind == "order":
                    continue
                info["cost"] += cost or 0.0
                if day and (not info["unbilled_from"] or day < info["unbilled_from"]):
                    info["unbilled_from"] = day
                if n:
                    count, words = phrase[kind](n, amount, names, phrases)
                    if words:
                        info[kind] = count
                        info[kind, "words"] = words
        self._more_blockers(orders, cutoff, found)
        factor = 1 + self.env["psa.batch"]._param(MARGIN_PARAM, 10.0) / 100
        for order_id, info in found.items():
            confirmed, untaxed, _cost, _day, invoice_status = facts[order_id].get(
                "order", (0, 0.0, None, None, None)
            )
            if not confirmed:  # no verdict, nothing counted
                info.update(dict.fromkeys(kinds, 0), cost=0.0, unbilled_from=None)
                info.update(words=[], state=None, at_risk=False)
                continue
            # listed in the order of _blocker_fields()
            info["words"] = [
                info.pop((kind, "words")) for kind in kinds if (kind, "words") in info
            ]
            if info["words"]:
                info["state"] = "blocked"
            elif invoice_status == "to invoice":
                info["state"] = "ready"
            elif invoice_status == "invoiced":
                info["state"] = "invoiced"
            else:
                info["state"] = "nothing"
            info["at_risk"] = info["cost"] > (untaxed or 0.0) * factor
        return found

    @api.model
    def _more_blockers(self, orders, cutoff, found):
        """Hook for kinds worked out in Python rather than by a ``_facts_<kind>``
        query: set ``found[order_id][kind]`` (the count stored on the order)
        and ``found[order_id][kind, "words"]`` (its phrase); add to
        ``"cost"`` or lower ``"unbilled_from"`` if the kind has some. One
        query for the whole batch, never one per order."""

    @api.model
    def _facts_order(self, ids):
        """The orders' own facts, in the shape of the blockers' facts: ``n``
        1 when confirmed, the untaxed amount (margin) and the invoice status
        (verdict)."""
        return SQL(
            """
            SELECT 'order', id, (state = 'sale')::int, amount_untaxed::float8,
                   NULL::float8, NULL::date, invoice_status::text
              FROM sale_order
             WHERE id = ANY(%s::int[])
            """,
            ids,
        )

    # ----------------------------------------------------------------- store
    @api.model
    def _store(self, orders, found):
        """Write the verdicts of ``found`` on the orders whose verdict changed,
        in one statement; return {need: order ids} for the exceptions:
        ``open_blocker`` (blocked longer than the Settings days, none open),
        ``close_blocker``, ``open_margin``, ``close_margin``; and ``written``,
        the orders rewritten."""
        columns = [*VERDICT_FIELDS, *self._blocker_fields().values()]
        kinds = self._blocker_fields()
        rows = [
            {
                "id": order_id,
                "psa_readiness": info["state"],
                "psa_blockers": "\n".join(info["words"]) or None,
                "psa_unbilled_from": info["unbilled_from"]
                and fields.Date.to_string(info["unbilled_from"]),
                "psa_cost": info["cost"],
                "psa_margin_at_risk": info["at_risk"],
                **{column: info[kind] for kind, column in kinds.items()},
            }
            for order_id, info in found.items()
        ]
        order_fields = self.env["sale.order"]._fields
        days = self.env["psa.batch"]._param(EXCEPTION_DAYS_PARAM, 5, int)
        now = fields.Datetime.now()
        self.env.cr.execute(
            SQL(
                """
                WITH v AS (
                    SELECT * FROM json_to_recordset(%(rows)s::json)
                        AS v(id int, %(definitions)s)
                ), written AS (
                    UPDATE sale_order AS so
                       SET %(assignments)s,
                           psa_readiness_checked_on = %(now)s,
                           psa_blocked_since = CASE WHEN v.psa_readiness = 'blocked'
                               THEN COALESCE(so.psa_blocked_since, %(now)s) END,
                           psa_ready_since = CASE WHEN v.psa_readiness = 'ready'
                               THEN COALESCE(so.psa_ready_since, %(now)s) END
                      FROM v
                     WHERE so.id = v.id
                       AND (%(old)s) IS DISTINCT FROM (%(new)s)
                 RETURNING so.id, so.psa_blocked_since
                ), state AS (
                    SELECT v.id, w.id IS NOT NULL AS written,
                           COALESCE(v.psa_readiness = 'blocked', FALSE) AS blocked,
                           COALESCE(v.psa_readiness = 'blocked'
                               AND CASE WHEN w.id IS NULL THEN so.psa_blocked_since
                                        ELSE w.psa_blocked_since END <= %(limit)s,
                               FALSE) AS overdue,
                           COALESCE(v.psa_margin_at_risk, FALSE) AS at_risk,
                           EXISTS (SELECT 1 FROM psa_exception e
                                    WHERE e.kind = 'billing_blocker'
                                      AND e.res_model = 'sale.order'
                                      AND e.res_id = v.id AND e.state = 'open')
                               AS blocker_open,
                           EXISTS (SELECT 1 FROM psa_exception e
                                    WHERE e.kind = 'margin_at_risk'
                                      AND e.res_model = 'sale.order'
                                      AND e.res_id = v.id AND e.state = 'open')
                               AS margin_open
                      FROM v
                      JOIN sale_order so ON so.id = v.id
                 LEFT JOIN written w ON w.id = v.id
                )
                SELECT id, written,
                       overdue AND NOT blocker_open,
                       NOT blocked AND blocker_open,
                       at_risk AND NOT margin_open,
                       NOT at_risk AND margin_open
                  FROM state
                 WHERE written OR (overdue AND NOT blocker_open)
                    OR (NOT blocked AND blocker_open) OR at_risk <> margin_open
                """,
                rows=json.dumps(rows),
                definitions=SQL(", ").join(
                    SQL(
                        "%s %s",
                        SQL.identifier(column),
                        SQL(order_fields[column].column_type[1]),
                    )
                    for column in columns
                ),
                assignments=SQL(", ").join(
                    SQL("%s = v.%s", SQL.identifier(column), SQL.identifier(column))
                    for column in columns
                ),
                old=SQL(", ").join(
                    SQL("so.%s", SQL.identifier(column)) for column in columns
                ),
                new=SQL(", ").join(
                    SQL("v.%s", SQL.identifier(column)) for column in columns
                ),
                now=now,
                limit=now - timedelta(days=days),
            )
        )
        needs = defaultdict(list)
        for order_id, *flags in self.env.cr.fetchall():
            for need, flag in zip(NEEDS, flags, strict=True):
                if flag:
                    needs[need].append(order_id)
        orders.invalidate_recordset(
            [*columns, "psa_readiness_checked_on"]
            + ["psa_blocked_since", "psa_ready_since"]
        )
        return needs
