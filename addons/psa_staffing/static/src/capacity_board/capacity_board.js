/** @odoo-module **/

import { Component, onWillStart, useState } from "@odoo/owl";
import { _t } from "@web/core/l10n/translation";
import { deserializeDate, serializeDate, today } from "@web/core/l10n/dates";
import { registry } from "@web/core/registry";
import { useService } from "@web/core/utils/hooks";
import { Layout } from "@web/search/layout";
import { standardActionServiceProps } from "@web/webclient/actions/action_service";
import { useSetupAction } from "@web/webclient/actions/action_hook";

export const WEEK_CHOICES = [4, 8, 12, 26, 52];
const FILTERS = ["job_id", "department_id", "skill_id"];

/**
 * Capacity board: employees by ISO week, each cell with its confirmed and
 * provisional hours against the capacity, coloured by load. The server sends
 * the whole matrix in one call (psa.staffing.board.get_board_data); a click on
 * a cell opens the allocations of that employee in that week.
 */
export class CapacityBoard extends Component {
    static template = "psa_staffing.CapacityBoard";
    static components = { Layout };
    static props = { ...standardActionServiceProps };

    setup() {
        this.orm = useService("orm");
        this.action = useService("action");
        const saved = this.props.state || {};
        const context = this.props.action.context || {};
        this.state = useState({
            dateFrom: saved.dateFrom || context.psa_board_date_from || serializeDate(today()),
            weeks: saved.weeks || context.psa_board_weeks || 12,
            filters: { job_id: "", department_id: "", skill_id: "", ...saved.filters },
            options: { job_id: [], department_id: [], skill_id: [] },
            data: null,
            loading: true,
        });
        useSetupAction({
            getLocalState: () => ({
                dateFrom: this.state.dateFrom,
                weeks: this.state.weeks,
                filters: { ...this.state.filters },
            }),
        });
        onWillStart(async () => {
            const [options] = await Promise.all([
                this.orm.call("psa.staffing.board", "get_board_filters", []),
                this.load(),
            ]);
            this.state.options = options;
        });
    }

    async load() {
        // a slow answer to an earlier click must not overwrite a newer one
        const request = (this.lastRequest = (this.lastRequest || 0) + 1);
        this.state.loading = true;
        const filters = {};
        for (const name of FILTERS) {
            if (this.state.filters[name]) {
                filters[name] = parseInt(this.state.filters[name]);
            }
        }
        const data = await this.orm.call("psa.staffing.board", "get_board_data", [
            this.state.dateFrom,
            this.state.weeks,
            filters,
        ]);
        if (request !== this.lastRequest) {
            return;
        }
        this.state.data = data;
        this.state.dateFrom = data.date_from;
        this.state.loading = false;
    }

    get weekChoices() {
        return WEEK_CHOICES;
    }

    get filterLabels() {
        return {
            job_id: _t("All roles"),
            department_id: _t("All departments"),
            skill_id: _t("All skills"),
        };
    }

    get periodLabel() {
        const weeks = this.state.data?.weeks || [];
        if (!weeks.length) {
            return "";
        }
        const first = deserializeDate(weeks[0].start);
        const last = deserializeDate(weeks[weeks.length - 1].end);
        const format = { day: "numeric", month: "short", year: "numeric" };
        return `${first.toLocaleString(format)} – ${last.toLocaleString(format)}`;
    }

    get totals() {
        const data = this.state.data;
        return data.weeks.map((week, index) => {
            const sum = { capacity: 0, confirmed: 0, provisional: 0 };
            for (const row of data.rows) {
                const cell = row.cells[index];
                sum.capacity += cell.capacity;
                sum.confirmed += cell.confirmed;
                sum.provisional += cell.provisional;
            }
            return sum;
        });
    }

    weekLabel(week) {
        return _t("W%(number)s", { number: week.number });
    }

    weekDate(week) {
        return deserializeDate(week.start).toLocaleString({ day: "numeric", month: "short" });
    }

    hours(value) {
        return Math.round(value * 10) / 10;
    }

    barWidth(cell, key) {
        const scale = Math.max(cell.capacity, cell.confirmed + cell.provisional);
        return scale ? `${(100 * cell[key]) / scale}%` : "0%";
    }

    cellTitle(row, week, cell) {
        return _t(
            "%(name)s, week %(number)s: %(confirmed)s h confirmed, %(provisional)s h provisional, %(capacity)s h capacity (%(load)s%)",
            {
                name: row.name,
                number: week.number,
                confirmed: this.hours(cell.confirmed),
                provisional: this.hours(cell.provisional),
                capacity: this.hours(cell.capacity),
                load: cell.load,
            }
        );
    }

    async shift(direction) {
        const start = deserializeDate(this.state.dateFrom);
        this.state.dateFrom = serializeDate(start.plus({ weeks: direction * this.state.weeks }));
        await this.load();
    }

    async onToday() {
        this.state.dateFrom = serializeDate(today());
        await this.load();
    }

    async onWeeksChange(ev) {
        this.state.weeks = parseInt(ev.target.value);
        await this.load();
    }

    async onFilterChange(name, ev) {
        this.state.filters[name] = ev.target.value;
        await this.load();
    }

    onCellClick(row, week) {
        return this.action.doAction({
            type: "ir.actions.act_window",
            name: _t("%(name)s, week %(number)s", { name: row.name, number: week.number }),
            res_model: "psa.allocation",
            views: [
                [false, "list"],
                [false, "form"],
            ],
            domain: [
                ["employee_id", "=", row.id],
                ["date_start", "<=", week.end],
                ["date_end", ">=", week.start],
            ],
            context: {
                default_employee_id: row.id,
                default_date_start: week.start,
                default_date_end: week.end,
            },
        });
    }
}

registry.category("actions").add("psa_capacity_board", CapacityBoard);
