/** @odoo-module **/
import { registry } from "@web/core/registry";

const tours = registry.category("web_tour.tours");

// An administrator adds a two-step rule from Settings > PSA Operations.
tours.add("psa_approvals_matrix_tour", {
    test: true,
    url: "/web#action=base_setup.action_general_configuration",
    steps: () => [
        {
            content: "Open the approval matrix from the PSA Operations block",
            trigger: 'button[name="action_open_approval_matrix"]',
        },
        {
            content: "New rule",
            trigger: ".o_list_button_add",
            extra_trigger: '.o_breadcrumb:contains("Approval Matrix")',
        },
        {
            content: "Rule name",
            trigger: '.o_field_widget[name="name"] input',
            run: "text Tour rule",
        },
        {
            content: "Model",
            trigger: 'div[name="model_id"] input',
            run: "text Approval Request",
        },
        {
            content: "Pick Approval Request",
            trigger: 'div[name="model_id"] ul.ui-autocomplete a:contains("Approval Request")',
        },
        {
            content: "First step",
            trigger: 'div[name="step_ids"] td.o_field_x2many_list_row_add a[role="button"]',
        },
        {
            content: "First step's name",
            trigger: '.o_selected_row div[name="name"] input',
            run: "text Team lead",
        },
        {
            content: "First step's approver",
            trigger: '.o_selected_row div[name="user_ids"] input',
            run: "text Tour Approver 1",
        },
        {
            content: "Pick the first approver",
            trigger: 'div[name="user_ids"] ul.ui-autocomplete a:contains("Tour Approver 1")',
        },
        {
            content: "Second step",
            trigger: 'div[name="step_ids"] td.o_field_x2many_list_row_add a[role="button"]',
            extra_trigger: '.o_field_many2many_tags .o_tag:contains("Tour Approver 1")',
        },
        {
            content: "Second step comes after the first",
            trigger: '.o_selected_row div[name="sequence"] input',
            run: "text 20",
        },
        {
            content: "Second step's name",
            trigger: '.o_selected_row div[name="name"] input',
            run: "text Finance",
        },
        {
            content: "Second step's approver",
            trigger: '.o_selected_row div[name="user_ids"] input',
            run: "text Tour Approver 2",
        },
        {
            content: "Pick the second approver",
            trigger: 'div[name="user_ids"] ul.ui-autocomplete a:contains("Tour Approver 2")',
        },
        {
            content: "Save the rule",
            trigger: ".o_form_button_save",
            extra_trigger: '.o_field_many2many_tags .o_tag:contains("Tour Approver 2")',
        },
        {
            content: "Saved",
            trigger: ".o_form_saved",
            isCheck: true,
        },
    ],
});

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
