/** @odoo-module **/
import { registry } from "@web/core/registry";

const tours = registry.category("web_tour.tours");

// A project manager files a staffing request and opens it.
tours.add("psa_staffing_file_request_tour", {
    test: true,
    url: "/web#action=psa_staffing.psa_staffing_request_action",
    steps: () => [
        { content: "New request", trigger: ".o_list_button_add" },
        {
            content: "What is needed",
            trigger: '.o_field_widget[name="name"] input',
            run: "text Tour: ERP architect",
        },
        {
            content: "Project",
            trigger: 'div[name="project_id"] input',
            run: "text Tour ERP",
        },
        {
            content: "Pick the project",
            trigger: 'div[name="project_id"] ul.ui-autocomplete a:contains("Tour ERP")',
        },
        {
            content: "Role",
            trigger: 'div[name="job_id"] input',
            run: "text Tour Architect",
        },
        {
            content: "Pick the role",
            trigger: 'div[name="job_id"] ul.ui-autocomplete a:contains("Tour Architect")',
        },
        {
            content: "From",
            trigger: '.o_field_widget[name="date_start"] input',
            run: "text 03/01/2027",
        },
        {
            content: "To",
            trigger: '.o_field_widget[name="date_end"] input',
            run: "text 03/31/2027",
        },
        {
            content: "Hours",
            trigger: '.o_field_widget[name="hours"] input',
            run: "text 40",
        },
        { content: "Save", trigger: ".o_form_button_save" },
        {
            content: "Open it for staffing",
            trigger: '.o_form_saved button[name="action_open"]',
        },
        {
            content: "The request is open",
            trigger: '.o_statusbar_status button.o_arrow_button_current:contains("Open")',
            isCheck: true,
        },
    ],
});

// The resource manager picks the top candidate; the booking would take her
// above the load threshold, so confirming it asks for approval.
tours.add("psa_staffing_pick_candidate_tour", {
    test: true,
    url: "/web#action=psa_staffing.psa_staffing_request_action",
    steps: () => [
        {
            content: "Open the request",
            trigger: '.o_data_row:contains("Tour: ERP architect") .o_data_cell[name="name"]',
        },
        { content: "Find candidates", trigger: 'button[name="action_find_candidates"]' },
        {
            content: "Book the top candidate",
            trigger: '.o_data_row:first:contains("Tour Grace") button[name="action_book"]',
        },
        { content: "Confirm the booking", trigger: 'button[name="action_confirm"]' },
        {
            content: "Above the threshold: it waits for approval",
            trigger: '.o_form_view .ribbon:contains("Pending Approval")',
            isCheck: true,
        },
    ],
});

// The delivery lead approves the over-allocation from My Approvals.
tours.add("psa_staffing_approve_booking_tour", {
    test: true,
    url: "/web#action=psa_approvals.psa_approval_review_action_to_review",
    steps: () => [
        {
            content: "Open the booking from the reviews",
            trigger: '.o_data_row:contains("Tour Grace") button[name="action_open_record"]',
        },
        { content: "Approve", trigger: 'button[name="action_approve"]' },
        {
            content: "The booking is confirmed",
            trigger: '.o_statusbar_status button.o_arrow_button_current:contains("Confirmed")',
            isCheck: true,
        },
    ],
});
