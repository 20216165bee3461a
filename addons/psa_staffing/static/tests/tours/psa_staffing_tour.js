/** @odoo-module **/
import { registry } from "@web/core/registry";

const tours = registry.category("web_tour.tours");

// A project manager opens a staffing request, ranks the candidates, books the
// best one and confirms the booking.
tours.add("psa_staffing_book_tour", {
    test: true,
    url: "/web#action=psa_staffing.psa_staffing_request_action",
    steps: () => [
        {
            content: "Open the request",
            trigger: '.o_data_row:contains("Tour: Python lead") .o_data_cell[name="name"]',
        },
        { content: "Open it for staffing", trigger: 'button[name="action_open"]' },
        {
            content: "The request is open",
            trigger: '.o_statusbar_status button.o_arrow_button_current:contains("Open")',
            isCheck: true,
        },
        { content: "Find candidates", trigger: 'button[name="action_find_candidates"]' },
        {
            content: "The best candidate comes first, with the reason",
            trigger: '.o_data_row:first:contains("Tour Ada"):contains("Python: Expert ≥ Advanced")',
            isCheck: true,
        },
        {
            content: "Book her",
            trigger: '.o_data_row:contains("Tour Ada") button[name="action_book"]',
        },
        {
            content: "A provisional booking",
            trigger: '.o_form_view .o_statusbar_status button.o_arrow_button_current:contains("Provisional")',
            isCheck: true,
        },
        { content: "Confirm it", trigger: 'button[name="action_confirm"]' },
        {
            content: "Confirmed",
            trigger: '.o_statusbar_status button.o_arrow_button_current:contains("Confirmed")',
            isCheck: true,
        },
    ],
});

// A salesperson checks the staffing plan of an opportunity from its form.
tours.add("psa_staffing_plan_tour", {
    test: true,
    steps: () => [
        { content: "Staffing Plan tab", trigger: 'a.nav-link:contains("Staffing Plan")' },
        {
            content: "The plan line is listed",
            trigger: '.o_field_widget[name="staffing_plan_line_ids"] .o_data_row:contains("Senior")',
            isCheck: true,
        },
        { content: "Check capacity", trigger: 'button[name="action_check_staffing_capacity"]' },
        {
            content: "The verdict is shown",
            trigger: '.o_field_widget[name="staffing_verdict"]:contains("Covered")',
            isCheck: true,
        },
    ],
});
