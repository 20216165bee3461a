from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError

APPROVAL_STATES = [
    ("draft", "Draft"),
    ("pending", "Pending Approval"),
    ("approved", "Approved"),
    ("rejected", "Rejected"),
]


class PsaApprovalMixin(models.AbstractModel):
    """Make a model approvable through the PSA approval matrix.

    A host opts in with ``_inherit = [..., "psa.approval.mixin"]`` (it should
    also inherit ``mail.thread``, where decisions are posted), adds its model to
    ``psa.approval.rule._get_approval_model_names()`` with ``super()``, and
    places the buttons ``action_request_approval``, ``action_approve`` and
    ``action_reject`` in its form (see psa.approval.request's form), or sets
    ``_approval_inject_form = True`` to have them injected with a status
    ribbon and a Reviews tab (psa_approval_mixin_view).

    Class attributes:

    ``_approval_amount_field`` (default ``"amount"``)
        Field holding the amount compared with the rules' amount bands. Override
        ``_approval_amount()`` for anything more elaborate.
    ``_approval_amount_unit`` (default ``"money"``)
        What that amount measures: ``"money"``, ``"hours"``, ``"quantity"`` or
        ``"percent"``. Only money is converted to the company currency.
    ``_approval_currency_field`` (default ``"currency_id"``)
        Currency of a money amount; converted to the company currency at
        ``_approval_date_field``.
    ``_approval_date_field`` (default ``"create_date"``)
        Date used for the currency conversion.
    ``_approval_company_field`` (default ``"company_id"``)
        Company of the record, matched against the rules' company.
    ``_approval_guarded_fields`` (default ``[]``)
        Fields whose change after approval (or during it) sends the record back
        to draft, logged, so that nobody acts on something other than what was
        approved. Dates are fine: the log stores them as ISO text.

    The state contract, for a host that has a state machine of its own (an
    invoice's ``action_post``, a booking's confirmation): the matrix gates one
    transition of it instead of adding a parallel one.

    ``_approval_state_field`` (default ``None``)
        The host's own state field.
    ``_approval_state_from``, ``_approval_state_to`` (default ``[]``)
        The gated transition: a record leaving a ``from`` state (any state when
        empty) for a ``to`` state must be approved. The host's button calls
        ``_approval_gate()`` and proceeds with what it returns; a ``write`` that
        takes the transition anyway is refused for records a rule holds.
    ``_approval_cancel_state`` (default ``None``)
        Entering it cancels the open reviews, logged, and the record is back
        to draft for approval.

    Deleting a record cancels its open reviews, logged.

    Hooks: ``_approval_amount()``, ``_on_approval_granted()`` (runs once, when
    the last review is approved; inside ``_approval_gate()`` the context key
    ``psa_approval_gate`` is set, and the caller takes the transition),
    ``_on_approval_rejected()``, ``_on_approval_reset()`` (a guarded change
    sent the record back to draft), ``_on_emergency_release()`` (someone acted
    before approval, where a rule allows it; the approval goes on as a
    post-event review), ``_approval_gate_applies()``.
    """

    _name = "psa.approval.mixin"
    _description = "Approvable Record"

    _approval_amount_field = "amount"
    _approval_amount_unit = "money"
    _approval_currency_field = "currency_id"
    _approval_date_field = "create_date"
    _approval_company_field = "company_id"
    _approval_guarded_fields = []
    _approval_state_field = None
    _approval_state_from = []
    _approval_state_to = []
    _approval_cancel_state = None

    approval_state = fields.Selection(
        APPROVAL_STATES,
        default="draft",
        required=True,
        readonly=True,
        copy=False,
        tracking=True,
        index=True,
    )
    approval_review_ids = fields.One2many(
        "psa.approval.review",
        "res_id",
        string="Reviews",
        domain=lambda self: [("res_model", "=", self._name)],
        auto_join=True,
        copy=False,
        readonly=True,
    )
    approval_requested_by_id = fields.Many2one(
        "res.users", string="Requested By", readonly=True, copy=False
    )
    approval_requested_on = fields.Datetime(
        string="Requested On", readonly=True, copy=False
    )
    approval_emergency = fields.Boolean(
        string="Emergency Release",
        readonly=True,
        copy=False,
        help="Acted on before approval; a post-event review is open until decided.",
    )
    approval_emergency_justification = fields.Text(readonly=True, copy=False)
    can_review = fields.Boolean(
        compute="_compute_can_review", search="_search_can_review"
    )

    @api.depends_context("uid")
    @api.depends("approval_review_ids.state", "approval_review_ids.reviewer_ids")
    def _compute_can_review(self):
        for record in self:
            record.can_review = bool(record._approval_reviews_for_user())

    def _search_can_review(self, operator, value):
        """Records with a pending review the current user may decide, in person
        or as a delegate within the delegation's models and maximum amount
        (the same test as the decision itself)."""
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(_("Can Review can only be searched as true or false."))
        reviews = self.env["psa.approval.review"].sudo()
        pending = [("res_model", "=", self._name), ("state", "=", "pending")]
        ids = set(
            reviews.search(pending + [("reviewer_ids", "in", self.env.uid)]).mapped(
                "res_id"
            )
        )
        delegations = self.env["psa.approval.delegation"]._active_for(
            self.env.user, self._name
        )
        for delegation in delegations:
            covered = reviews.search(
                pending + [("reviewer_ids", "in", delegation.user_id.id)]
            )
            candidates = self.sudo().browse(set(covered.mapped("res_id")) - ids)
            ids.update(candidates.exists().filtered(delegation._covers_amount).ids)
        positive = (operator == "=") == value
        return [("id", "in" if positive else "not in", list(ids))]

    # ------------------------------------------------------------------ hooks
    def _approval_amount(self):
        """Amount compared with the rules, in the record's currency. Override freely."""
        self.ensure_one()
        return self[self._approval_amount_field] if self._approval_amount_field else 0.0

    def _approval_company(self):
        self.ensure_one()
        field = self._approval_company_field
        return self[field] if field in self._fields else self.env["res.company"]

    def _approval_amount_company(self):
        """The approval amount in company currency, converted at the record date."""
        self.ensure_one()
        amount = self._approval_amount()
        if self._approval_amount_unit != "money":
            return amount
        company = self._approval_company() or self.env.company
        currency = (
            self._fields.get(self._approval_currency_field)
            and self[self._approval_currency_field]
        )
        if not amount or not currency or currency == company.currency_id:
            return amount
        date = fields.Date.to_date(self[self._approval_date_field]) or (
            fields.Date.context_today(self)
        )
        return currency._convert(amount, company.currency_id, company, date)

    def _on_approval_granted(self):
        """Called once when the record becomes approved. Override to act on it."""

    def _on_emergency_release(self):
        """Called when someone acts before approval. Override to do the act."""

    def _on_approval_rejected(self):
        """Called once when the record is rejected. Override to act on it."""

    def _on_approval_reset(self):
        """Called when a guarded change sends the records back to draft, just
        before their state changes. Override to undo what the approval allowed
        (e.g. a confirmation)."""

    def _approval_gate_applies(self):
        """The records of self whose gated transition goes through the matrix.
        Override to exempt some (e.g. vendor bills on an invoice host)."""
        return self

    def _approval_needs_review(self):
        """The records of self that a rule with steps holds (not auto-approved)."""
        matches = (
            self.env["psa.approval.rule"].sudo()._for_model(self._name)._matches(self)
        )
        return self.filtered(
            lambda r: any(not rule.auto_approve for rule in matches[r])
        )

    def _approval_gate(self):
        """Submit the records about to take the gated transition that still
        need approval, and return those cleared to take it: approved already,
        exempt (``_approval_gate_applies``), or auto-approved now, logged,
        because no rule with steps holds them."""
        applies = self._approval_gate_applies()
        to_submit = applies.filtered(
            lambda r: r.approval_state in ("draft", "rejected")
        )
        if to_submit:
            to_submit.with_context(psa_approval_gate=True).action_request_approval()
        return (self - applies) | applies.filtered(
            lambda r: r.approval_state == "approved"
        )

    # ---------------------------------------------------------------- actions
    def action_request_approval(self):
        """Route every record of self through the matrix, in one batch."""
        not_ready = self.filtered(
            lambda r: r.approval_state not in ("draft", "rejected")
        )
        if not_ready:
            raise UserError(
                _(
                    "Only draft or rejected records can be submitted: %(names)s",
                    names=", ".join(not_ready.mapped("display_name")),
                )
            )
        self.check_access_rights("write")
        self.check_access_rule("write")
        self.env["psa.approval.review"].sudo()._route(self)
        return True

    def action_approve(self, comment=None):
        with self.env["psa.approval.review"]._notification_digest() as reviews:
            for record in self.with_env(reviews.env):
                record._approval_decide("approved", comment)
        return True

    def action_reject(self, reason=None):
        """Reject; a reason is mandatory. Without one, open the reason dialog."""
        if not reason:
            return self._approval_decision_wizard("reject")
        for record in self:
            record._approval_decide("rejected", reason)
        return True

    def action_emergency_release(self, justification=None):
        """Act before approval where the rule allows it; a post-event review follows."""
        if not justification:
            return self._approval_decision_wizard("emergency")
        for record in self:
            record._approval_emergency_release(justification)
        return True

    def _approval_emergency_release(self, justification):
        self.ensure_one()
        user = self.env.user
        reviews = self.sudo().approval_review_ids.filtered(
            lambda r: r.state in ("waiting", "pending")
        )
        if self.approval_state != "pending" or self.approval_emergency:
            raise UserError(
                _("Only a pending request can be released in an emergency, once.")
            )
        if not any(reviews.rule_id.mapped("allow_emergency_release")):
            raise UserError(
                _(
                    "No rule applying to %(record)s allows an emergency release.",
                    record=self.display_name,
                )
            )
        if user != self.approval_requested_by_id and user not in reviews.reviewer_ids:
            raise AccessError(
                _(
                    "Only the requester or a reviewer may release %(record)s early.",
                    record=self.display_name,
                )
            )
        if not (justification or "").strip():
            raise UserError(_("An emergency release needs a justification."))
        self.sudo().write(
            {
                "approval_emergency": True,
                "approval_emergency_justification": justification,
            }
        )
        self.env["psa.approval.log"]._record(
            self, "emergency_release", comment=justification
        )
        self.env["psa.exception"]._open_exceptions(
            self,
            "post_event_review",
            lambda rec: _(
                "Post-event review of the emergency release of %(record)s",
                record=rec.display_name,
            ),
            owner=reviews.filtered(lambda r: r.state == "pending").reviewer_ids[:1],
        )
        self._on_emergency_release()

    def action_approve_with_comment(self):
        return self._approval_decision_wizard("approve")

    def _approval_decision_wizard(self, decision):
        return self.env["psa.approval.decision.wizard"]._action_for(self, decision)

    # ---------------------------------------------------------------- engine
    def _approval_reviews_for_user(self, user=None):
        """Pending reviews of this record that ``user`` may decide, in person
        or as a delegate; yields (review, principal) pairs."""
        user = user or self.env.user
        # sudo: a reviewer may not read the other steps' reviews (record rules)
        pending = self.sudo().approval_review_ids.filtered(
            lambda r: r.state == "pending"
        )
        if not pending:
            return []
        principals = None
        pairs = []
        for review in pending:
            if user in review.reviewer_ids:
                pairs.append((review, user))
                continue
            if principals is None:
                principals = self.env["psa.approval.delegation"]._principals(user, self)
            covered = principals & review.reviewer_ids
            if covered:
                pairs.append((review, covered[:1]))
        return pairs

    def _approval_decide(self, decision, comment):
        self.ensure_one()
        reviews = self.env["psa.approval.review"].sudo()
        reviews._lock_for(self)
        if self.approval_state != "pending":
            raise UserError(
                _(
                    "%(record)s is %(state)s: there is nothing left to decide.",
                    record=self.display_name,
                    state=dict(APPROVAL_STATES)[self.approval_state].lower(),
                )
            )
        pairs = self._approval_reviews_for_user()
        if not pairs:
            raise AccessError(
                _(
                    "You are not a reviewer of the current step of %(record)s.",
                    record=self.display_name,
                )
            )
        review, principal = pairs[0]
        review._decide(decision, comment, principal)

    def _approval_check_transition(self, vals):
        """Refuse a write taking the gated transition for records a rule still
        holds; records no rule holds are auto-approved on the way, logged."""
        field = self._approval_state_field
        if not field or vals.get(field) not in self._approval_state_to:
            return
        moving = self.filtered(
            lambda r: (
                r.approval_state != "approved"
                and (
                    not self._approval_state_from
                    or r[field] in self._approval_state_from
                )
            )
        )._approval_gate_applies()
        if not moving:
            return
        # checked before anything is routed: a refusal leaves nothing behind
        submittable = moving.filtered(
            lambda r: r.approval_state in ("draft", "rejected")
        )
        blocked = (moving - submittable) | submittable._approval_needs_review()
        if not blocked:
            moving._approval_gate()
            return
        if blocked:
            raise UserError(
                _(
                    "%(names)s needs an approval first: it is %(state)s.",
                    names=", ".join(blocked.mapped("display_name")),
                    state=", ".join(
                        sorted(
                            {
                                dict(APPROVAL_STATES)[s].lower()
                                for s in blocked.mapped("approval_state")
                            }
                        )
                    ),
                )
            )

    def write(self, vals):
        self._approval_check_transition(vals)
        guarded = set(self._approval_guarded_fields) & set(vals)
        touched = (
            self.filtered(lambda r: r.approval_state in ("pending", "approved"))
            if guarded
            else self.browse()
        )
        cancel = self._approval_cancel_state
        cancelled = (
            self.filtered(lambda r: r.approval_state != "draft")
            if cancel and vals.get(self._approval_state_field) == cancel
            else self.browse()
        )
        res = super().write(vals)
        reviews = self.env["psa.approval.review"].sudo()
        if touched:
            reviews._reset(touched, sorted(guarded))
        if cancelled:
            reviews._cancel_open(cancelled, _("Cancelled"), back_to_draft=True)
        return res

    def unlink(self):
        """Deleting a record cancels its open reviews, logged."""
        self.env["psa.approval.review"].sudo()._cancel_open(
            self.filtered(lambda r: r.approval_state == "pending"),
            _("Deleted"),
            chatter=False,
        )
        return super().unlink()
