from datetime import date

from odoo.exceptions import AccessError, ValidationError
from odoo.tests import tagged

from odoo.addons.psa_staffing.tests.common import MARCH_2027

from .common import PsaStaffingKitsCommon


@tagged("post_install", "-at_install")
class TestOnboardingProposal(PsaStaffingKitsCommon):
    def test_confirm_proposes_draft_request_from_template(self):
        allocation = self._allocate(hours=self._hours_for_load(50))
        self.assertFalse(self._proposals(), "a provisional booking proposes nothing")
        allocation.with_user(self.resource_manager).action_confirm()
        request = self._proposals()
        self.assertEqual(len(request), 1)
        self.assertEqual(request.state, "draft")
        self.assertEqual(request.allocation_id, allocation)
        self.assertEqual(request.template_id, self.template)
        self.assertEqual(request.destination_type, "employee")
        self.assertEqual(request.recipient_user_id, self.consultant_user)
        self.assertEqual(request.requester_id, self.project_manager)
        self.assertEqual(request.needed_date, MARCH_2027[0])
        self.assertEqual(
            [(li.product_id, li.quantity, li.treatment) for li in request.line_ids],
            [
                (li.product_id, li.quantity, li.treatment)
                for li in self.template.line_ids
            ],
        )
        self.assertEqual(allocation.kit_request_count, 1)
        action = allocation.action_view_kit_requests()
        self.assertEqual(self.env["psa.kit.request"].search(action["domain"]), request)
        # the project manager, as requester, sees and submits the proposal
        self.assertEqual(
            self.env["psa.kit.request"]
            .with_user(self.project_manager)
            .search([("allocation_id", "=", allocation.id)]),
            request,
        )
        self.assertEqual(
            request.with_user(self.project_manager).action_view_allocation()["res_id"],
            allocation.id,
        )

    def test_one_request_per_consultant_and_project(self):
        first = self._allocate(hours=self._hours_for_load(30))
        first.action_confirm()
        second = self._allocate(
            hours=self._hours_for_load(30), period=(date(2027, 4, 1), date(2027, 4, 30))
        )
        second.action_confirm()
        self.assertEqual(second.booking_state, "confirmed")
        self.assertEqual(len(self._proposals()), 1)
        self.assertEqual(self._proposals().allocation_id, first)
        self.assertEqual(second.kit_request_count, 1)
        # back to provisional and confirmed again: still the same request
        first.action_set_provisional()
        first.action_confirm()
        self.assertEqual(len(self._proposals()), 1)
        # on another project, the consultant gets another kit
        self.other_project.psa_onboarding_template_id = self.template
        other = self._allocate(
            hours=self._hours_for_load(10), project=self.other_project
        )
        other.action_confirm()
        self.assertEqual(len(self._proposals(project=self.other_project)), 1)

    def test_cancelled_request_is_proposed_again(self):
        first = self._allocate(hours=self._hours_for_load(30))
        first.action_confirm()
        self._proposals().action_cancel()
        second = self._allocate(
            hours=self._hours_for_load(30), period=(date(2027, 4, 1), date(2027, 4, 30))
        )
        second.action_confirm()
        proposals = self._proposals()
        self.assertEqual(sorted(proposals.mapped("state")), ["cancelled", "draft"])
        self.assertEqual(
            proposals.filtered(lambda r: r.state == "draft").allocation_id, second
        )

    def test_batch_confirm_proposes_in_one_create(self):
        allocations = self._allocate(hours=self._hours_for_load(20))
        allocations |= self._allocate(employee=self.colleague, hours=20.0)
        allocations |= self._allocate(
            hours=self._hours_for_load(20),
            period=(date(2027, 4, 1), date(2027, 4, 30)),
        )
        allocations.action_confirm()
        self.assertEqual(set(allocations.mapped("booking_state")), {"confirmed"})
        ada, bob = self._proposals(), self._proposals(self.colleague)
        self.assertEqual((len(ada), len(bob)), (1, 1))
        self.assertEqual(ada.allocation_id, allocations[0], "the earliest booking")
        self.assertEqual(bob.allocation_id, allocations[1])

    def test_approved_through_matrix_proposes_when_approved(self):
        self._create_rule(steps=[{"user_ids": self.approver}])
        allocation = self._allocate(hours=self._hours_for_load(90))
        allocation.action_confirm()
        self.assertEqual(allocation.approval_state, "pending")
        self.assertFalse(self._proposals(), "submitted is not confirmed")
        allocation.with_user(self.approver).action_approve()
        self.assertEqual(allocation.booking_state, "confirmed")
        request = self._proposals()
        self.assertEqual(len(request), 1)
        self.assertEqual(request.allocation_id, allocation)
        self.assertEqual(request.requester_id, self.project_manager)

    def test_rejected_booking_proposes_nothing(self):
        self._create_rule(steps=[{"user_ids": self.approver}])
        allocation = self._allocate(hours=self._hours_for_load(90))
        allocation.action_confirm()
        allocation.with_user(self.approver).action_reject(reason="No overtime")
        self.assertFalse(self._proposals())

    def test_needed_date_not_in_the_past(self):
        today = self.today
        allocation = self._allocate(
            hours=8.0, period=(today.replace(day=1), today.replace(day=28))
        )
        allocation.action_confirm()
        self.assertEqual(
            self._proposals().needed_date, max(today.replace(day=1), today)
        )

    def test_fallback_template_and_no_template(self):
        self.project.psa_onboarding_template_id = False
        fallback = self.template.copy({"name": "A first onboarding"})
        self.template.copy({"name": "Z laptop loaner", "kind": "loaner"})
        allocation = self._allocate(hours=8.0)
        allocation.action_confirm()
        self.assertEqual(self._proposals().template_id, fallback)
        (fallback | self.template).active = False
        other = self._allocate(employee=self.colleague, hours=8.0)
        other.action_confirm()
        self.assertEqual(other.booking_state, "confirmed", "the booking goes on")
        self.assertFalse(self._proposals(self.colleague))
        self.assertIn("has no onboarding kit template", other.message_ids[:1].body)

    def test_project_template_must_be_onboarding(self):
        loaner = self.template.copy({"name": "Loaner", "kind": "loaner"})
        with self.assertRefused(ValidationError, "Onboarding Kit"):
            self.project.psa_onboarding_template_id = loaner
        self.assertEqual(self.project.psa_onboarding_template_id, self.template)

    def test_consultant_without_user_is_noted(self):
        ghost = self._create_employee("Ghost Consultant")
        allocation = self._allocate(employee=ghost, hours=8.0)
        allocation.action_confirm()
        self.assertEqual(allocation.booking_state, "confirmed")
        self.assertFalse(
            self.env["psa.kit.request"]
            .sudo()
            .search([("allocation_id", "=", allocation.id)])
        )
        self.assertIn("has no user", allocation.message_ids[:1].body)

    def test_consultant_cannot_propose_for_someone_elses_project(self):
        allocation = self._allocate(employee=self.colleague, hours=8.0)
        vals = {
            "project_id": self.project.id,
            "requester_id": self.project_manager.id,
            "destination_type": "employee",
            "recipient_user_id": self.colleague_user.id,
            "needed_date": MARCH_2027[0],
            "template_id": self.template.id,
            "allocation_id": allocation.id,
        }
        with self.assertRaises(AccessError):
            self.env["psa.kit.request"].with_user(self.consultant_user).create(vals)
        self.assertFalse(self._proposals(self.colleague), "nothing half-written")

    def test_allocation_must_match_project_and_employee(self):
        allocation = self._allocate(employee=self.colleague, hours=8.0)
        with self.assertRefused(ValidationError, "Allocation"):
            self.env["psa.kit.request"].with_user(self.project_manager).create(
                {
                    "project_id": self.project.id,
                    "destination_type": "employee",
                    "recipient_user_id": self.consultant_user.id,
                    "needed_date": MARCH_2027[0],
                    "template_id": self.template.id,
                    "allocation_id": allocation.id,
                }
            )
        self.assertFalse(self._proposals())

    def test_batch_confirm_queries_do_not_grow_beyond_the_create(self):
        employees = [
            self._create_employee(f"Batch {i}", self._create_user(f"batch_{i}"))
            for i in range(6)
        ]
        self.other_project.psa_onboarding_template_id = self.template
        Request = self.env["psa.kit.request"].sudo()

        def count(function):
            self.env.flush_all()
            self.env.invalidate_all()
            before = self.cr.sql_log_count
            function()
            self.env.flush_all()
            return self.cr.sql_log_count - before

        def allocate(batch, project):
            return self.env["psa.allocation"].browse(
                [
                    self._allocate(employee=e, hours=8.0, project=project).id
                    for e in batch
                ]
            )

        def confirm(allocations):
            return count(allocations.with_user(self.resource_manager).action_confirm)

        def create_then_confirm(batch):
            """Requests created by hand, then the bookings confirmed: the
            cost of the create alone, and of confirming without proposing."""
            allocations = allocate(batch, self.other_project)
            vals_list = [
                a._prepare_kit_request_vals(self.template, self.today)
                for a in allocations
            ]
            return count(lambda: Request.create(vals_list)), confirm(allocations)

        confirm(allocate(employees[:1], self.project))  # warm caches, sequences
        few = confirm(allocate(employees[1:2], self.project))
        many = confirm(allocate(employees[2:6], self.project))
        create_then_confirm(employees[:1])
        create_few, base_few = create_then_confirm(employees[1:2])
        create_many, base_many = create_then_confirm(employees[2:6])
        self.assertEqual(len(Request.search([("project_id", "=", self.project.id)])), 6)
        self.assertEqual(
            len(Request.search([("project_id", "=", self.other_project.id)])),
            6,
            "confirming bookings that have a kit proposes nothing more",
        )
        self.assertLessEqual(
            many - few,
            (create_many - create_few) + (base_many - base_few),
            f"confirming 4 instead of 1: {many - few} more queries; creating "
            f"their requests: {create_many - create_few} more, confirming "
            f"without proposing: {base_many - base_few} more",
        )

    def test_draft_proposal_follows_the_booking_start(self):
        allocation = self._allocate(hours=self._hours_for_load(30))
        allocation.action_confirm()
        request = self._proposals()
        self.assertEqual(request.needed_date, date(2027, 3, 1))
        allocation.with_user(self.resource_manager).write(
            {"date_start": date(2027, 3, 8), "date_end": date(2027, 4, 9)}
        )
        self.assertEqual(request.needed_date, date(2027, 3, 8))
        allocation.with_user(self.resource_manager).write(
            {"date_start": date(2027, 3, 3)}
        )
        self.assertEqual(request.needed_date, date(2027, 3, 3))
        # the project manager changed it by hand: a later move still follows
        request.with_user(self.project_manager).needed_date = date(2027, 2, 22)
        allocation.with_user(self.resource_manager).write(
            {"date_start": date(2027, 3, 15)}
        )
        self.assertEqual(request.needed_date, date(2027, 3, 15))
        # once submitted, the date is the requester's: it stays
        request.with_user(self.project_manager).action_request_approval()
        allocation.with_user(self.resource_manager).write(
            {"date_start": date(2027, 3, 22)}
        )
        self.assertEqual(request.needed_date, date(2027, 3, 15))
