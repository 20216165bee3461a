/** @odoo-module **/
import { registry } from "@web/core/registry";

const ADA = '.o_psa_board_row:contains("Board Tour Ada")';

// A resource manager opens the capacity board, moves to the next period and
// clicks a week of a consultant to see the allocations behind it.
registry.category("web_tour.tours").add("psa_staffing_capacity_board_tour", {
    test: true,
    url: "/web#action=psa_staffing.psa_staffing_board_action",
    steps: () => [
        {
            content: "The board lists the consultant, nothing booked this period",
            trigger: `${ADA} td.o_psa_board_cell:first.o_psa_load_free`,
            isCheck: true,
        },
        { content: "Next period", trigger: ".o_psa_board_next" },
        {
            content: "Her first week of the next period: 16 h confirmed, 8 h provisional",
            trigger: `${ADA} td.o_psa_board_cell:first.o_psa_load_ok:contains("16 + 8 / 40 h")`,
            isCheck: true,
        },
        { content: "Open that week", trigger: `${ADA} td.o_psa_board_cell:first` },
        {
            content: "Her allocations of the week",
            trigger: '.o_list_view .o_data_row:contains("Board Tour Project")',
            isCheck: true,
        },
        {
            content: "Back to the board through the breadcrumbs",
            trigger: '.o_breadcrumb a:contains("Capacity Board")',
        },
        {
            content: "The board comes back on the period left",
            trigger: `${ADA} td.o_psa_board_cell:first:contains("16 + 8 / 40 h")`,
            isCheck: true,
        },
    ],
});
