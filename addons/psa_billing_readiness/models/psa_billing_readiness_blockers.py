from odoo import _, api, models
from odoo.tools import SQL

EXPENSE_OPEN = ("draft", "reported", "submitted")
EXPENSE_APPROVED = ("approved", "done")


class PsaBillingReadinessBlockers(models.AbstractModel):
    """The kinds of billing blockers: for each kind, one SQL query of facts
    for a batch of orders (``_facts_<kind>``) and the phrase that names it
    (``_phrase_<kind>``).

    A fact query returns rows ``(kind, order_id, n, amount, cost, day,
    names)``: ``n`` what blocks (0 when nothing does), ``amount`` a quantity
    of the kind (hours, money), ``cost`` the order's cost it brings (margin
    at risk), ``day`` the oldest day of unbilled work it holds, ``names`` the
    blocking records' names as one text (psycopg2 takes ten times longer to
    read a text array than a text). Each
    query filters on ``order_id = ANY(ids)`` itself: PostgreSQL then knows
    how many orders it looks for and picks index probes for a batch, one scan
    for many. To add a kind: a ``_facts_<kind>``, a ``_phrase_<kind>`` and
    its sale.order count field in ``_blocker_fields()``, each with super().
    """

    _inherit = "psa.billing.readiness"

    @api.model
    def _blocker_fields(self):
        """{kind: sale.order field counting it}, in the order the blockers are
        listed in words."""
        return {
            "time": "psa_blocked_hours",
            "milestone": "psa_blocked_milestones",
            "expense": "psa_blocked_expenses",
            "change": "psa_blocked_changes",
            "approval": "psa_blocked_approvals",
            "customer": "psa_blocked_customer",
            "overage": "psa_blocked_overage",
        }

    @api.model
    def _phrases(self):
        """The blockers' phrases in the user's language, translated once per
        check (``_()`` costs more than the rest of a phrase)."""
        return {
            "time": _("%(hours)s h of time not validated (%(count)s lines)"),
            "milestone": _(
                "%(count)s reached milestones not signed off by the client: %(names)s"
            ),
            "expense": _("%(count)s re-invoiceable expenses not approved"),
            "change": _("%(count)s open change requests: %(names)s"),
            "approval": _("%(count)s approvals pending"),
            "customer": _("Customer data missing: %(what)s"),
            "address": _("invoice address (street and country)"),
            "terms": _("payment terms"),
            "vat": _("VAT number (fiscal position %(name)s requires it)"),
            "overage": _(
                "%(hours)s h past the prepaid hours of a retainer without an "
                "approved overage"
            ),
        }

    # ------------------------------------------------------------------ time
    @api.model
    def _facts_time(self, ids, cutoff):
        """One row per order with project time: billable time of the period
        not invoiced (lines and hours not validated, the oldest day, which
        opens the billing period) and the cost of all its time (timesheet
        amounts are negative costs). One pass over the lines."""
        return SQL(
            """
            SELECT 'time', a.order_id,
                   count(*) FILTER (WHERE a.bill AND NOT a.validated)::int,
                   sum(a.unit_amount) FILTER (WHERE a.bill AND NOT a.validated),
                   -sum(a.amount)::float8,
                   min(a.date) FILTER (WHERE a.bill),
                   NULL::text
              FROM (SELECT order_id, unit_amount, amount, date,
                           COALESCE(psa_validated, FALSE) AS validated,
                           so_line IS NOT NULL AND date <= %(cutoff)s
                               AND timesheet_invoice_id IS NULL AS bill
                      FROM account_analytic_line
                     WHERE order_id = ANY(%(ids)s::int[])
                       AND project_id IS NOT NULL) a
          GROUP BY a.order_id
            """,
            ids=ids,
            cutoff=cutoff,
        )

    @api.model
    def _phrase_time(self, n, amount, names, phrases):
        """Hours not validated block (lines of zero hours do not)."""
        if not n or not amount:
            return 0.0, None
        hours = round(amount, 6)
        return hours, phrases["time"] % {"hours": round(hours, 2), "count": n}

    # ------------------------------------------------------------- milestone
    @api.model
    def _facts_milestone(self, ids, cutoff):
        """Reached milestones of the orders' lines not signed off."""
        return SQL(
            """
            SELECT 'milestone', sol.order_id, count(*)::int, NULL::float8,
                   NULL::float8, NULL::date,
                   string_agg(pm.name, ', ' ORDER BY pm.name COLLATE "C")
              FROM sale_order_line sol
              JOIN project_milestone pm ON pm.sale_line_id = sol.id
             WHERE sol.order_id = ANY(%(ids)s::int[])
               AND pm.is_reached AND NOT COALESCE(pm.psa_signed_off, FALSE)
          GROUP BY sol.order_id
            """,
            ids=ids,
        )

    @api.model
    def _phrase_milestone(self, n, amount, names, phrases):
        return n, phrases["milestone"] % {"count": n, "names": names}

    # --------------------------------------------------------------- expense
    @api.model
    def _facts_expense(self, ids, cutoff):
        """Re-invoiceable expenses not approved yet (they block), and the
        approved ones' total (a cost)."""
        return SQL(
            """
            SELECT 'expense', sale_order_id,
                   count(*) FILTER (WHERE state IN %(open)s)::int, NULL::float8,
                   (sum(total_amount) FILTER (WHERE state IN %(approved)s))::float8,
                   NULL::date, NULL::text
              FROM hr_expense
             WHERE sale_order_id = ANY(%(ids)s::int[])
               AND state IN %(states)s
          GROUP BY sale_order_id
            """,
            ids=ids,
            open=EXPENSE_OPEN,
            approved=EXPENSE_APPROVED,
            states=EXPENSE_OPEN + EXPENSE_APPROVED,
        )

    @api.model
    def _phrase_expense(self, n, amount, names, phrases):
        if not n:
            return 0, None
        return n, phrases["expense"] % {"count": n}

    # ---------------------------------------------------------------- change
    @api.model
    def _facts_change(self, ids, cutoff):
        """Change requests not decided yet: the work they cover is not agreed."""
        return SQL(
            """
            SELECT 'change', sale_order_id, count(*)::int, NULL::float8,
                   NULL::float8, NULL::date,
                   string_agg(name, ', ' ORDER BY name COLLATE "C")
              FROM psa_change_request
             WHERE sale_order_id = ANY(%(ids)s::int[])
               AND approval_state IN ('draft', 'pending')
          GROUP BY sale_order_id
            """,
            ids=ids,
        )

    @api.model
    def _phrase_change(self, n, amount, names, phrases):
        return n, phrases["change"] % {"count": n, "names": names}

    # -------------------------------------------------------------- approval
    @api.model
    def _facts_approval(self, ids, cutoff):
        """Records awaiting an approval: the order itself and its draft
        invoices (a release held by the matrix)."""
        return SQL(
            """
            SELECT 'approval', r.order_id, count(*)::int, NULL::float8,
                   NULL::float8, NULL::date, NULL::text
              FROM (SELECT 'sale.order' AS res_model, id AS res_id, id AS order_id
                      FROM unnest(%(ids)s::int[]) AS id
                     UNION
                    SELECT 'account.move', aml.move_id, sol.order_id
                      FROM sale_order_line sol
                      JOIN sale_order_line_invoice_rel rel
                        ON rel.order_line_id = sol.id
                      JOIN account_move_line aml ON aml.id = rel.invoice_line_id
                      JOIN account_move am ON am.id = aml.move_id
                     WHERE sol.order_id = ANY(%(ids)s::int[])
                       AND am.state = 'draft') r
             WHERE EXISTS (SELECT 1 FROM psa_approval_review review
                            WHERE review.res_model = r.res_model
                              AND review.res_id = r.res_id
                              AND review.state = 'pending')
          GROUP BY r.order_id
            """,
            ids=ids,
        )

    @api.model
    def _phrase_approval(self, n, amount, names, phrases):
        return n, phrases["approval"] % {"count": n}

    # -------------------------------------------------------------- customer
    @api.model
    def _facts_customer(self, ids, cutoff):
        """What invoicing needs from the customer: invoice address, payment
        terms, VAT where the fiscal position requires it. ``names``: the
        missing items, one a line (``vat:<fiscal position>``)."""
        return SQL(
            """
            SELECT 'customer', c.id, cardinality(c.missing), NULL::float8,
                   NULL::float8, NULL::date, array_to_string(c.missing, E'\n')
              FROM (SELECT so.id, array_remove(ARRAY[
                           CASE WHEN address.street IS NULL
                                  OR address.country_id IS NULL
                                THEN 'address' END,
                           CASE WHEN so.payment_term_id IS NULL THEN 'terms' END,
                           CASE WHEN COALESCE(fp.vat_required, FALSE)
                                 AND COALESCE(commercial.vat, '') = ''
                                THEN 'vat:' || COALESCE(fp.name->>%(lang)s,
                                                        fp.name->>'en_US') END
                           ]::text[], NULL) AS missing
                      FROM sale_order so
                      JOIN res_partner address ON address.id = so.partner_invoice_id
                      JOIN res_partner commercial
                        ON commercial.id = COALESCE(address.commercial_partner_id,
                                                    address.id)
                 LEFT JOIN account_fiscal_position fp
                        ON fp.id = so.fiscal_position_id
                     WHERE so.id = ANY(%(ids)s::int[])) c
             WHERE cardinality(c.missing) > 0
            """,
            ids=ids,
            lang=self.env.lang or "en_US",
        )

    @api.model
    def _phrase_customer(self, n, amount, names, phrases):
        missing = [
            phrases["vat"] % {"name": name[4:]}
            if name.startswith("vat:")
            else phrases[name]
            for name in names.split("\n")
        ]
        return len(missing), phrases["customer"] % {"what": ", ".join(missing)}

    # --------------------------------------------------------------- overage
    @api.model
    def _facts_overage(self, ids, cutoff):
        """Retainers (psa.retainer) with hours logged past their prepaid ones
        that no approved or rejected overage covers, and those hours."""
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
