import threading

from odoo import api, models
from odoo.tools import SQL


class PsaBatch(models.AbstractModel):
    """What every scheduled action of the suite does the same way.

    Work is claimed in batches with ``FOR UPDATE SKIP LOCKED``, so several cron
    workers, on one node or several, never take the same rows; each batch is
    committed once done (never inside tests, which keep one transaction), so a
    crash keeps the batches already done and the next run finishes the rest.
    Settings are read from ``ir.config_parameter`` with a default for missing or
    unreadable values.
    """

    _name = "psa.batch"
    _description = "Batched Scheduled Work"

    @api.model
    def _is_testing(self):
        return bool(getattr(threading.current_thread(), "testing", False))

    @api.model
    def _commit_batch(self):
        """Keep a batch's work even if a later batch fails; never in tests."""
        if not self._is_testing():
            self.env.cr.commit()  # pylint: disable=invalid-commit

    @api.model
    def _claim(self, model_name, domain, after_id, batch_size):
        """The next ``batch_size`` records of ``domain`` with an id above
        ``after_id``, locked for this transaction; rows locked by another
        worker are skipped (they are its work)."""
        self.env.flush_all()  # the previous batch's writes must be visible
        model = self.env[model_name].sudo().with_context(active_test=False)
        query = model._search(
            [*domain, ("id", ">", after_id)], order="id", limit=batch_size
        )
        self.env.cr.execute(
            SQL(
                "%s FOR UPDATE OF %s SKIP LOCKED",
                query.select(),
                SQL.identifier(model._table),
            )
        )
        return model.browse([row[0] for row in self.env.cr.fetchall()])

    @api.model
    def _walk(self, model_name, domain, batch_size):
        """Yield claimed batches of ``domain`` in id order, committing after
        each batch has been processed."""
        after_id = 0
        while True:
            batch = self._claim(model_name, domain, after_id, batch_size)
            if not batch:
                return
            after_id = max(batch.ids)
            yield batch
            self._commit_batch()

    @api.model
    def _param(self, key, default, cast=float):
        """The setting ``key`` cast with ``cast``; ``default`` when it is
        missing or unreadable."""
        value = self.env["ir.config_parameter"].sudo().get_param(key)
        if value in (None, False, ""):
            return default
        try:
            return cast(value)
        except (TypeError, ValueError):
            return default
