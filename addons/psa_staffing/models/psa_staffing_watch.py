import logging
from contextlib import contextmanager

from odoo import _, api, fields, models
from odoo.exceptions import AccessError

BATCH_SIZE = 500

_logger = logging.getLogger(__name__)


def check_watch_flags(model, vals_list, names):
    """Refuse values for the fields ``names`` outside sudo: the staffing
    watch sets them, a person never does (so a flag cannot be hidden)."""
    if model.env.su:
        return
    for vals in vals_list:
        for name in sorted(set(names) & set(vals)):
            raise AccessError(
                _(
                    "%(field)s is set by the staffing checks, not by hand.",
                    field=model._fields[name].string,
                )
            )


class PsaStaffingWatch(models.AbstractModel):
    """The nightly staffing watch: one scheduled action running every check.

    Each check is a model of its own (``psa.staffing.watch.<check>``) inheriting
    this one and implementing ``_watch(batch_size)``. A check walks its records
    in batches claimed with ``FOR UPDATE SKIP LOCKED`` (several cron workers
    never take the same rows), commits after each batch outside tests (a crash
    keeps the batches done), and is idempotent: it writes only what changed and
    opens or closes exceptions, so a second run the same night changes nothing.
    """

    _name = "psa.staffing.watch"
    _description = "Staffing Watch"

    @api.model
    def _watch_check_models(self):
        """Names of the check models run by the nightly action, in order;
        override with ``super()`` to add a check."""
        return [
            "psa.staffing.watch.anomaly",
            "psa.staffing.watch.ending",
            "psa.staffing.watch.actuals",
        ]

    @api.model
    def _cron_watch(self, batch_size=BATCH_SIZE):
        """Run every check of the staffing watch. A check that fails loses
        its unfinished batch only, and does not keep the next checks from
        running; the run then fails with the first error, for the logs."""
        errors = []
        for name in self._watch_check_models():
            try:
                with self._check_transaction():
                    self.env[name].sudo()._watch(batch_size)
            except Exception as error:
                _logger.exception("Staffing watch: the check %s failed", name)
                errors.append(error)
            self.env["psa.batch"]._commit_batch()
        if errors:
            raise errors[0]

    @contextmanager
    def _check_transaction(self):
        """Undo a failed check's unfinished batch: roll back (its finished
        batches are committed), or, inside tests, which never commit, return
        to a savepoint."""
        if self.env["psa.batch"]._is_testing():
            with self.env.cr.savepoint():
                yield
            return
        try:
            yield
        except Exception:
            self.env.cr.rollback()
            self.env.invalidate_all()
            raise

    @api.model
    def _watch(self, batch_size=BATCH_SIZE):
        """One check over all its records; implemented by each check model."""
        raise NotImplementedError

    @api.model
    def _with_open_exception(self, kind, res_model="psa.allocation"):
        """Ids of the ``res_model`` records with an open exception of ``kind``."""
        rows = self.env["psa.exception"].search_read(
            [
                ("kind", "=", kind),
                ("res_model", "=", res_model),
                ("state", "=", "open"),
            ],
            ["res_id"],
        )
        return [row["res_id"] for row in rows]

    @api.model
    def _walk(self, model_name, domain, batch_size):
        """Claimed batches of ``domain``, committed one by one (psa.batch)."""
        return self.env["psa.batch"]._walk(model_name, domain, batch_size)

    @api.model
    def _watch_param(self, key, default):
        """A numeric setting of the watch (``psa_staffing.<key>``)."""
        return self.env["psa.batch"]._param(f"psa_staffing.{key}", default)

    @api.model
    def _today(self):
        return fields.Date.context_today(self)
