from collections import defaultdict

from odoo import _, api, models

from .psa_staffing_watch import BATCH_SIZE

# Consumption thresholds (% of the prepaid hours) alerted once each.
THRESHOLDS = (75, 90, 100)


class PsaStaffingWatchRetainer(models.AbstractModel):
    """Retainers: confirmed sale lines of prepaid services (invoiced on
    ordered quantities) sold in a unit of time. Their consumption is the
    timesheeted hours linked to the line (``so_line``, or unlinked timesheets
    on a project whose ``sale_line_id`` is the line) over the ordered hours.
    Each threshold crossed gives the salesperson (or the sales team's leader)
    one activity on the order, never twice (``psa_retainer_alerted``), unless
    consumption falls back below it (prepaid hours topped up): the threshold
    is then re-armed, without an activity, and alerts again when crossed.

    Scanning costs the same queries for any number of lines in a batch; each
    activity created costs a couple more (``mail.activity`` writes its record
    name per activity), and a line is alerted at most three times per
    top-up.
    """

    _name = "psa.staffing.watch.retainer"
    _inherit = "psa.staffing.watch"
    _description = "Staffing Watch: Retainer Consumption"

    @api.model
    def _watch(self, batch_size=BATCH_SIZE):
        """Alert the salespeople of the retainers past a new threshold."""
        hour = self.env.ref("uom.product_uom_hour")
        domain = [
            ("state", "=", "sale"),
            ("product_id.type", "=", "service"),
            ("product_id.invoice_policy", "=", "order"),
            ("product_uom.category_id", "=", hour.category_id.id),
            ("product_uom_qty", ">", 0),
        ]
        for lines in self._walk("sale.order.line", domain, batch_size):
            self._alert(lines, hour)

    def _alert(self, lines, hour):
        consumed = self._consumed_hours(lines)
        # rounds[i]: the i-th threshold crossed by each line; one create per
        # round, as mail.activity subscribes each (record, user) once per create
        rounds = defaultdict(list)
        reached = defaultdict(list)
        for line in lines:
            ordered = line.product_uom._compute_quantity(
                line.product_uom_qty, hour, raise_if_failure=False
            )
            percent = 100.0 * consumed[line.id] / ordered if ordered else 0.0
            level = max((t for t in THRESHOLDS if t <= percent), default=0)
            if level < line.psa_retainer_alerted:
                # hours topped up (or time moved away): re-arm, silently
                reached[level].append(line.id)
                continue
            crossed = [
                t for t in THRESHOLDS if line.psa_retainer_alerted < t <= percent
            ]
            if not crossed:
                continue
            reached[crossed[-1]].append(line.id)
            user = line.order_id.user_id or line.order_id.team_id.user_id
            for index, threshold in enumerate(crossed if user else ()):
                rounds[index].append(
                    self._prepare_activity_vals(line, user, threshold, percent)
                )
        activities = self.env["mail.activity"].with_context(
            mail_activity_quick_update=True
        )
        for vals_list in rounds.values():
            activities.create(vals_list)
        for threshold, ids in reached.items():
            lines.browse(ids).write({"psa_retainer_alerted": threshold})

    def _prepare_activity_vals(self, line, user, threshold, percent):
        return {
            "activity_type_id": self.env.ref("mail.mail_activity_data_todo").id,
            "res_model_id": self.env["ir.model"]._get_id("sale.order"),
            "res_id": line.order_id.id,
            "user_id": user.id,
            "summary": _(
                "Retainer past %(threshold)s%%: %(line)s",
                threshold=threshold,
                line=line.name.splitlines()[0] if line.name else line.display_name,
            ),
            "note": _(
                "%(percent)s%% of the prepaid hours of %(line)s are used.",
                percent=round(percent),
                line=line.display_name,
            ),
        }

    def _consumed_hours(self, lines):
        """Timesheeted hours per sale line id; two grouped queries."""
        Line = self.env["account.analytic.line"]
        consumed = defaultdict(float)
        for so_line, hours in Line._read_group(
            [("project_id", "!=", False), ("so_line", "in", lines.ids)],
            ["so_line"],
            ["unit_amount:sum"],
        ):
            consumed[so_line.id] += hours
        for project, hours in Line._read_group(
            [
                ("so_line", "=", False),
                ("project_id.sale_line_id", "in", lines.ids),
            ],
            ["project_id"],
            ["unit_amount:sum"],
        ):
            consumed[project.sale_line_id.id] += hours
        return consumed
