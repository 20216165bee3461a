/** @odoo-module **/
import { registry } from "@web/core/registry";

// An administrator adds an outbound endpoint, sends it a test event and finds
// the event in the endpoint's outbox.
registry.category("web_tour.tours").add("psa_integration_endpoint_tour", {
    test: true,
    url: "/web#action=psa_integration.psa_webhook_endpoint_action",
    steps: () => [
        { content: "New endpoint", trigger: ".o_list_button_add" },
        {
            content: "Name",
            trigger: '.o_field_widget[name="name"] input',
            run: "text Tour receiver",
        },
        {
            content: "URL",
            trigger: '.o_field_widget[name="url"] input',
            run: "text http://127.0.0.1:9/tour",
        },
        { content: "Save", trigger: ".o_form_button_save" },
        {
            content: "Send a test event",
            trigger: '.o_form_saved button[name="action_send_test_event"]',
        },
        {
            content: "The event is queued",
            trigger: '.o_notification:contains("Test event queued")',
            isCheck: true,
        },
        {
            content: "Open the endpoint's outbox",
            trigger: 'button[name="action_view_events"]',
        },
        {
            content: "The ping waits there",
            trigger: '.o_data_row:contains("psa.ping"):contains("Pending")',
            isCheck: true,
        },
    ],
});
