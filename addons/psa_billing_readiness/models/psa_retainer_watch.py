from collections import defaultdict

from odoo import _, api, models

BATCH_PARAM = "psa_billing_readiness.batch_size"
# Consumption thresholds (% of the prepaid hours) alerted once each.
THRESHOLDS = (75, 90, 100)


class PsaRetainerWatch(models.AbstractModel):
    """The nightly retainer watch: each consumption threshold a retainer
    (psa.retainer) crosses gives the salesperson (or the sales team's leader)
    one activity on the order, never twice (``psa_retainer_alerted``), unless
    consumption falls back below it (prepaid hours topped up): the threshold
    is then re-armed, without an activity, and alerts again when crossed.
    The 100% activity says that the hours past it need an approved overage.

    Lines are walked in batches claimed with ``FOR UPDATE SKIP LOCKED``
    (psa.batch), committed one by one outside tests: several cron workers
    never take the same lines, a crash keeps the batches done, and a second
    run the same night changes nothing. Scanning costs the same queries for
    any number of lines in a batch; each activity created costs a couple more
    (``mail.activity`` writes its record name per activity), and a line is
    alerted at most three times per top-up.
    """

    _name = "psa.retainer.watch"
    _description = "Retainer Consumption Watch"

    @api.model
    def _cron_watch_retainers(self, batch_size=None):
        """Alert the salespeople of the retainers past a new threshold."""
        batch = self.env["psa.batch"]
        size = batch_size or batch._param(BATCH_PARAM, 500, int)
        domain = [*self.env["psa.retainer"]._line_domain(), ("state", "=", "sale")]
        watch = self.sudo()  # the salespeople's activities, whoever runs it
        for lines in batch._walk("sale.order.line", domain, size):
            watch._alert(lines)

    @api.model
    def _alert(self, lines):
        """One batch: activities for the thresholds crossed, re-arming for
        the ones fallen back below."""
        usage = self.env["psa.retainer"]._usage([("id", "in", lines.ids)])
        # rounds[i]: the i-th threshold crossed by each line; one create per
        # round, as mail.activity subscribes each (record, user) once per create
        rounds = defaultdict(list)
        reached = defaultdict(list)
        for line in lines:
            used = usage.get(line.id)
            if not used:
                continue
            percent = 100.0 * used.logged / used.prepaid if used.prepaid else 0.0
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

    @api.model
    def _prepare_activity_vals(self, line, user, threshold, percent):
        """The salesperson's activity for ``line`` past ``threshold``."""
        note = _(
            "%(percent)s%% of the prepaid hours of %(line)s are used.",
            percent=round(percent),
            line=line.display_name,
        )
        if threshold >= 100:
            note += " " + _(
                "Hours past them are not billed until an overage is approved: "
                "click Request Overage on the order."
            )
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
            "note": note,
        }
