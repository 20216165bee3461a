/** @odoo-module **/
import { registry } from "@web/core/registry";

const tours = registry.category("web_tour.tours");

// A requester files a request and submits it.
tours.add("psa_approvals_submit_tour", {
    test: true,
    url: "/web#action=psa_approvals.psa_approval_request_action",
    steps: () => [
        { content: "New request", trigger: ".o_list_button_add" },
        {
            content: "Subject",
            trigger: '.o_field_widget[name="name"] input',
            run: "text Tour: extra QA budget",
        },
        {
            content: "Amount",
            trigger: '.o_field_widget[name="amount"] input',
            run: "text 5000",
        },
        { content: "Submit", trigger: 'button[name="action_request_approval"]' },
        {
            content: "The request waits for approval",
            trigger: '.o_statusbar_status button.o_arrow_button_current:contains("Pending Approval")',
            isCheck: true,
        },
    ],
});

// The first approver approves it from My Approvals > To Review.
tours.add("psa_approvals_approve_tour", {
    test: true,
    url: "/web#action=psa_approvals.psa_approval_review_action_to_review",
    steps: () => [
        {
            content: "Open the request from the list of reviews",
            trigger: '.o_data_row:contains("Tour: extra QA budget") button[name="action_open_record"]',
        },
        { content: "Approve", trigger: 'button[name="action_approve"]' },
        {
            content: "Nothing left for me to approve; still pending the next step",
            trigger: '.o_form_view:not(:has(button[name="action_approve"])) .o_arrow_button_current:contains("Pending Approval")',
            isCheck: true,
        },
    ],
});

// The second approver rejects it with a reason.
tours.add("psa_approvals_reject_tour", {
    test: true,
    url: "/web#action=psa_approvals.psa_approval_review_action_to_review",
    steps: () => [
        {
            content: "Open the request from the list of reviews",
            trigger: '.o_data_row:contains("Tour: extra QA budget") button[name="action_open_record"]',
        },
        { content: "Reject", trigger: 'button[name="action_reject"]' },
        {
            content: "Give the reason",
            trigger: ".modal-body textarea",
            run: "text No budget left this quarter",
        },
        { content: "Confirm", trigger: '.modal-footer button[name="action_confirm"]' },
        {
            content: "The request is rejected",
            trigger: '.o_arrow_button_current:contains("Rejected")',
            isCheck: true,
        },
    ],
});
