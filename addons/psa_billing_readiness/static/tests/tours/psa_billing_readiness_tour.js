/** @odoo-module **/
import { registry } from "@web/core/registry";

const tours = registry.category("web_tour.tours");

// The project manager validates the week of time logged on their project
// from the review screen (grouped by employee and week): select, Validate.
tours.add("psa_billing_validate_week_tour", {
    test: true,
    url: "/web#action=psa_billing_readiness.account_analytic_line_action_validation",
    steps: () => [
        {
            content: "Open the consultant's group",
            trigger: '.o_group_header:contains("Carl Consultant")',
        },
        {
            content: "Open the week",
            trigger: ".o_group_header.o_group_open + .o_group_header:not(.o_group_open)",
        },
        {
            content: "The week holds the consultant's two lines",
            trigger: ".o_data_row:eq(1)",
            isCheck: true,
        },
        {
            content: "Select the whole week",
            trigger: ".o_list_renderer thead .o_list_record_selector input",
        },
        { content: "Validate", trigger: 'button[name="action_psa_validate"]' },
        {
            content: "Nothing left to validate",
            trigger: ".o_list_renderer:not(:has(.o_data_row))",
            isCheck: true,
        },
    ],
});

// The project manager asks the client to sign off the reached milestone.
tours.add("psa_billing_request_signoff_tour", {
    test: true,
    url: "/web#action=psa_billing_readiness.project_milestone_action_to_signoff",
    steps: () => [
        {
            content: "Open the project's milestones",
            trigger: '.o_group_header:contains("Tour Fixed Project")',
        },
        {
            content: "Request the client's sign-off of Go-live",
            trigger: '.o_data_row:contains("Go-live") button[name="action_psa_request_signoff"]',
        },
        {
            content: "The request is sent: the button gives way to its state",
            trigger:
                '.o_data_row:contains("Go-live"):not(:has(button[name="action_psa_request_signoff"])) .o_field_widget[name="psa_signoff_state"] .text-bg-info',
            isCheck: true,
        },
    ],
});

// The customer accepts on the portal page, typing their name.
tours.add("psa_billing_portal_accept_tour", {
    test: true,
    steps: () => [
        {
            content: "The deliverables are shown",
            trigger: '#psa_signoff_deliverables:contains("Cut-over runbook")',
            isCheck: true,
        },
        {
            content: "Type the full name",
            trigger: 'form#psa_signoff_form input[name="signed_name"]',
            run: "text Ada Buyer",
        },
        {
            content: "Accept",
            trigger: 'form#psa_signoff_form button[name="decision"][value="accept"]',
        },
        {
            content: "The page confirms the acceptance",
            trigger: '#psa_signoff_accepted:contains("Ada Buyer")',
            isCheck: true,
        },
    ],
});

// Finance finds the order in Ready to Bill, drafts its invoice up to the
// cutoff and confirms it: above the release threshold, it waits for approval.
tours.add("psa_billing_draft_and_confirm_tour", {
    test: true,
    url: "/web#action=psa_billing_readiness.sale_order_action_ready_to_bill",
    steps: () => [
        {
            content: "Open the customer's group",
            trigger: '.o_group_header:contains("Acme Client")',
        },
        {
            content: "Open the billing period",
            trigger: ".o_group_header.o_group_open + .o_group_header:not(.o_group_open)",
        },
        {
            content: "Select the order, ready to bill",
            trigger:
                '.o_data_row:contains("TOUR-ORDER"):has(.o_field_widget[name="psa_readiness"] .text-bg-success) .o_list_record_selector input',
        },
        { content: "Create Draft Invoices", trigger: "button.o_psa_create_drafts" },
        {
            content: "The dialog asks for the cutoff date",
            trigger: '.o_field_widget[name="cutoff_date"]',
            isCheck: true,
        },
        { content: "Create the drafts", trigger: 'button[name="action_create_drafts"]' },
        {
            content: "Open the draft",
            trigger: '.o_list_renderer .o_data_row:contains("Acme Client") .o_data_cell:first',
        },
        {
            content: "Confirm",
            trigger: '.o_form_statusbar button[name="action_post"]',
        },
        {
            content: "Above the threshold: the release waits for approval",
            trigger: ".o_form_view .ribbon .text-bg-warning",
            isCheck: true,
        },
        {
            content: "Still a draft",
            trigger: '.o_statusbar_status button.o_arrow_button_current[data-value="draft"]',
            isCheck: true,
        },
    ],
});

// The finance administrator approves the release: the invoice is posted.
tours.add("psa_billing_approve_release_tour", {
    test: true,
    url: "/web#action=psa_billing_readiness.account_move_action_release",
    steps: () => [
        {
            content: "Open the invoice waiting for release",
            trigger: '.o_data_row:contains("Acme Client") .o_data_cell:first',
        },
        { content: "Approve the release", trigger: 'button[name="action_approve"]' },
        {
            content: "The invoice is posted",
            trigger: '.o_statusbar_status button.o_arrow_button_current[data-value="posted"]',
            isCheck: true,
        },
    ],
});
