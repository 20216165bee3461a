/** @odoo-module **/
import { registry } from "@web/core/registry";
import { formatDate } from "@web/core/l10n/dates";

const { DateTime } = luxon;
const tours = registry.category("web_tour.tours");
// formatted when the tour runs: the user's date format is loaded by then
const newStart = () => formatDate(DateTime.fromISO("2027-03-08"));

// The resource manager confirms the booking: the consultant's onboarding kit
// is proposed (smart button); then the booking starts a week later.
tours.add("psa_staffing_kits_confirm_tour", {
    test: true,
    steps: () => [
        {
            content: "Confirm the booking",
            trigger: '.o_form_statusbar button[name="action_confirm"]',
        },
        {
            content: "Confirmed",
            trigger: '.o_statusbar_status button.o_arrow_button_current[data-value="confirmed"]',
            isCheck: true,
        },
        {
            content: "The onboarding kit is proposed",
            trigger: 'button[name="action_view_kit_requests"]:contains("Onboarding Kit")',
            isCheck: true,
        },
        {
            content: "The booking starts a week later",
            trigger: '.o_field_widget[name="date_start"] input',
            run: `text ${newStart()}`,
        },
        { content: "Save", trigger: ".o_form_button_save" },
        {
            content: "Saved with the new start",
            trigger: `.o_form_saved .o_field_widget[name="date_start"] input:propValue("${newStart()}")`,
            isCheck: true,
        },
    ],
});

// The project manager opens the proposal: needed on the new start, linked to
// the booking; Submit.
tours.add("psa_staffing_kits_submit_tour", {
    test: true,
    steps: () => [
        {
            content: "The kit is for the booking",
            trigger: '.o_field_widget[name="allocation_id"]:contains("Ada Tour Consultant")',
            isCheck: true,
        },
        {
            content: "Needed on the booking's new start",
            trigger: `.o_field_widget[name="needed_date"] input:propValue("${newStart()}")`,
            isCheck: true,
        },
        {
            content: "Submit",
            trigger: '.o_form_statusbar button[name="action_request_approval"]',
        },
        {
            content: "No longer a draft",
            trigger: '.o_statusbar_status button.o_arrow_button_current:not([data-value="draft"]):not([data-value="to_approve"])',
            isCheck: true,
        },
    ],
});
