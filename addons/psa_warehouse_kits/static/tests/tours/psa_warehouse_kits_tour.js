/** @odoo-module **/
import { registry } from "@web/core/registry";
import { formatDate } from "@web/core/l10n/dates";

const { DateTime } = luxon;
const tours = registry.category("web_tour.tours");
const REQUESTS = "/web#action=psa_warehouse_kits.psa_kit_request_action";
const TO_DISPATCH = "/web#action=psa_warehouse_kits.psa_kit_request_action_to_dispatch";
const LOANS = "/web#action=psa_warehouse_kits.psa_kit_loan_action";
const LAPTOP_ROW = '.o_data_row:contains("Tour Rollout"):contains("1,200.00")';
const SERVER_ROW = '.o_data_row:contains("Tour Rollout"):contains("6,000.00")';

function status(state) {
    return {
        content: `The request is ${state}`,
        trigger: `.o_statusbar_status button.o_arrow_button_current[data-value="${state}"]`,
        isCheck: true,
    };
}

function pick(field, text, choice = text) {
    return [
        {
            content: `${field}: ${text}`,
            trigger: `.o_field_widget[name="${field}"] input`,
            run: `text ${text}`,
        },
        {
            content: `${field}: choose ${choice}`,
            trigger: `.o_field_widget[name="${field}"] .o-autocomplete--dropdown-item a:contains("${choice}")`,
        },
        {
            content: `${field} is ${choice}`,
            trigger: `.o_field_widget[name="${field}"] input:propValue("${choice}")`,
            isCheck: true,
        },
    ];
}

// Project, consultant and the needed date of a new request; its items from
// a template when one is given.
function newRequest(template) {
    const steps = [
        { content: "New request", trigger: ".o_form_button_create, .o_list_button_add" },
        ...pick("project_id", "Tour Rollout"),
    ];
    if (template) {
        steps.push(...pick("template_id", template), {
            content: "The template's items are copied",
            trigger: '.o_field_widget[name="line_ids"] .o_data_row',
            isCheck: true,
        });
    }
    steps.push(...pick("recipient_user_id", "Kit Consultant"), {
        content: "Needed in a week",
        trigger: '.o_field_widget[name="needed_date"] input',
        run: `text ${formatDate(DateTime.now().plus({ days: 7 }))}`,
    });
    return steps;
}

const submit = {
    content: "Submit",
    trigger: '.o_form_statusbar button[name="action_request_approval"]',
};

// The project manager requests the onboarding kit from its template (approved
// at once: consumables on a project in progress), then a loaner laptop and a
// rack server, which wait for approval.
tours.add("psa_kit_request_tour", {
    test: true,
    url: REQUESTS,
    steps: () => [
        ...newRequest("Onboarding Starter Pack"),
        {
            content: "The starter pack holds the welcome pack",
            trigger: '.o_field_widget[name="line_ids"] .o_data_row:contains("Welcome pack")',
            isCheck: true,
        },
        submit,
        status("reserved"),
        {
            content: "Approved by the matrix, nobody asked",
            trigger: '.o_form_view:not(:has(.ribbon:contains("Pending Approval")))',
            isCheck: true,
        },
        ...newRequest("Tour Loaner Laptop"),
        submit,
        status("to_approve"),
        {
            content: "It waits for approval",
            trigger: '.ribbon:contains("Pending Approval")',
            isCheck: true,
        },
        ...newRequest(),
        {
            content: "Add an item",
            trigger: '.o_field_widget[name="line_ids"] .o_field_x2many_list_row_add a',
        },
        ...pick("product_id", "Rack server"),
        submit,
        status("to_approve"),
    ],
});

// The warehouse manager approves the laptop (reserved at once, with its
// serial) and the server, which then waits for the operations director.
tours.add("psa_kit_approve_tour", {
    test: true,
    url: REQUESTS,
    steps: () => [
        { content: "Open the laptop request", trigger: `${LAPTOP_ROW} .o_data_cell:first` },
        { content: "Approve", trigger: '.o_form_statusbar button[name="action_approve"]' },
        status("reserved"),
        {
            content: "The serial is reserved",
            trigger: '.o_field_widget[name="line_ids"] .o_data_row:contains("TOUR-SN-0001")',
            isCheck: true,
        },
        { content: "Back to the requests", trigger: ".o_back_button, .breadcrumb-item a" },
        { content: "Open the server request", trigger: `${SERVER_ROW} .o_data_cell:first` },
        { content: "Approve", trigger: '.o_form_statusbar button[name="action_approve"]' },
        {
            content: "Still waiting, no longer for the warehouse manager",
            trigger:
                '.o_form_view:has(.ribbon:contains("Pending Approval")) .o_form_statusbar:not(:has(button[name="action_approve"]))',
            isCheck: true,
        },
        status("to_approve"),
    ],
});

function openLaptopDelivery() {
    return [
        { content: "Open the laptop request", trigger: `${LAPTOP_ROW} .o_data_cell:first` },
        { content: "Open its delivery", trigger: 'button[name="action_view_pickings"]' },
        {
            content: "The delivery carries the laptop",
            trigger: '.o_form_view .o_field_widget[name="move_ids_without_package"] .o_data_row:contains("Laptop")',
            isCheck: true,
        },
    ];
}

// The warehouse user validates: a serialized item, its dispatch is approved first.
tours.add("psa_kit_dispatch_request_tour", {
    test: true,
    url: TO_DISPATCH,
    steps: () => [
        ...openLaptopDelivery(),
        { content: "Validate", trigger: '.o_form_statusbar button[name="button_validate"]' },
        {
            content: "The dispatch waits for its approval",
            trigger: '.ribbon:contains("Dispatch Approval")',
            isCheck: true,
        },
    ],
});

tours.add("psa_kit_dispatch_approve_tour", {
    test: true,
    url: TO_DISPATCH,
    steps: () => [
        ...openLaptopDelivery(),
        {
            content: "Approve the dispatch",
            trigger: '.o_form_statusbar button[name="action_approve"]',
        },
        {
            content: "Approved",
            trigger: '.o_form_view:not(:has(.ribbon:contains("Dispatch Approval")))',
            isCheck: true,
        },
    ],
});

// Once approved, the warehouse user validates the delivery with the laptop's
// serial; the request lists the loan, on the consultant.
tours.add("psa_kit_dispatch_validate_tour", {
    test: true,
    url: TO_DISPATCH,
    steps: () => [
        ...openLaptopDelivery(),
        {
            content: "Open the laptop's detailed operations",
            trigger: '.o_field_widget[name="move_ids_without_package"] .o_data_row:contains("Laptop") button[name="Open Move"]',
        },
        {
            content: "The serial reserved is the one that goes out",
            trigger: '.o_field_widget[name="move_line_ids"] .o_data_row:contains("TOUR-SN-0001")',
            isCheck: true,
        },
        { content: "Close the details", trigger: ".modal-footer .btn-primary" },
        { content: "Validate", trigger: '.o_form_statusbar button[name="button_validate"]' },
        status("done"),
        { content: "Back to the request", trigger: ".breadcrumb-item:not(.active) a:last" },
        status("dispatched"),
        { content: "Open its loans", trigger: 'button[name="action_view_loans"]' },
        {
            content: "The laptop is on loan to the consultant",
            trigger: '.o_data_row:contains("TOUR-SN-0001"):contains("Kit Consultant")',
            isCheck: true,
        },
    ],
});

// The consultant finds the laptop among their loans.
tours.add("psa_kit_my_loans_tour", {
    test: true,
    url: LOANS,
    steps: () => [
        { content: "Open my group", trigger: '.o_group_header:contains("Kit Consultant")' },
        {
            content: "The laptop, out on loan",
            trigger: '.o_data_row:contains("TOUR-SN-0001"):contains("Lent")',
            isCheck: true,
        },
    ],
});

// The laptop comes back: Return creates the receipt, validating it closes the loan.
tours.add("psa_kit_loan_return_tour", {
    test: true,
    url: LOANS,
    steps: () => [
        { content: "Open the consultant's loans", trigger: '.o_group_header:contains("Kit Consultant")' },
        { content: "Open the laptop's loan", trigger: '.o_data_row:contains("TOUR-SN-0001") .o_data_cell:first' },
        { content: "Return", trigger: '.o_form_statusbar button[name="action_return"]' },
        {
            content: "The receipt takes the laptop back",
            trigger: '.o_field_widget[name="move_ids_without_package"] .o_data_row:contains("Laptop")',
            isCheck: true,
        },
        { content: "Validate the receipt", trigger: '.o_form_statusbar button[name="button_validate"]' },
        status("done"),
        { content: "Back to the loan", trigger: ".breadcrumb-item:not(.active) a:last" },
        {
            content: "The loan is returned",
            trigger: '.o_statusbar_status button.o_arrow_button_current[data-value="returned"]',
            isCheck: true,
        },
    ],
});

// The rack server waits for the operations director, who may approve it.
tours.add("psa_kit_director_review_tour", {
    test: true,
    url: REQUESTS,
    steps: () => [
        { content: "Open the server request", trigger: `${SERVER_ROW} .o_data_cell:first` },
        status("to_approve"),
        {
            content: "The director may approve it",
            trigger: '.o_form_statusbar button[name="action_approve"]',
            isCheck: true,
        },
    ],
});
