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
