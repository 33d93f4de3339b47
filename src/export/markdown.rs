//! `summary.md` and the Markdown tables of the cost of disjointedness that it shares with the
//! economic case.

use std::fmt::Write as _;

use super::{Artefact, Exporter, Tables};
use crate::error::Result;
use crate::format::{md, money, money_range, percent, thousands};
use crate::outputs::Stats;
use crate::outputs::{Bearer, Component, Scope};
use crate::results::Results;
use crate::table::markdown::render as render_table;
use crate::table::{Cell, Emphasis, Kind, Table};

/// "mean (P10–P90)" as money.
pub fn mean_range(s: &Stats) -> String {
    money_range(s.mean, s.p10, s.p90)
}

/// The line stating prices, iterations and seed.
pub fn basis_line(r: &Results) -> String {
    let s = r.model().settings();
    format!(
        "Annual cost in {} (appraisal year 0), in {} prices. Monte Carlo: {} iterations, seed {}.",
        s.first_year,
        s.price_base_year,
        thousands(r.iterations()),
        r.seed()
    )
}

/// The rows of a table by department, with the name a reader sees: every department, then
/// all together; in a portfolio, each journey (standing out) followed by its departments,
/// then all journeys together. `total` names the last row.
pub fn scope_rows(r: &Results, total: &str) -> Vec<(Scope, String, Emphasis)> {
    let model = r.model();
    let department = |d: usize| {
        let name = model.departments()[d].name.clone();
        (Scope::Department(d), name, Emphasis::None)
    };
    let mut rows = Vec::new();
    if model.is_portfolio() {
        for (j, journey) in model.journeys().iter().enumerate() {
            rows.push((Scope::Journey(j), journey.name.clone(), Emphasis::Label));
            rows.extend(journey.departments.clone().map(department));
        }
    } else {
        rows.extend((0..model.departments().len()).map(department));
    }
    rows.push((Scope::Total, total.to_string(), Emphasis::Label));
    rows
}

/// The first column's header in the tables by department.
fn first_header(r: &Results) -> &'static str {
    if r.model().is_portfolio() {
        "Journey and department"
    } else {
        "Department"
    }
}

/// The last row's name in the tables by department.
fn all_name(r: &Results) -> &'static str {
    if r.model().is_portfolio() {
        "All journeys"
    } else {
        "All departments"
    }
}

/// Money in the scenario's price base year.
pub fn money_kind(r: &Results) -> Kind {
    Kind::Money(r.model().settings().price_base_year)
}

/// A row's name, then its cost of disjointedness borne by users, government and both.
fn disjointed_row(r: &Results, scope: Scope, name: &str) -> Vec<Cell> {
    let costs = Bearer::ALL
        .iter()
        .map(|&b| Cell::range(&r.cost(scope, Component::Disjointed, b), money_kind(r)));
    std::iter::once(Cell::text(name)).chain(costs).collect()
}

/// The cost of disjointedness by journey of a portfolio (docs/method.md §6a): users,
/// government, together, and each journey's share of the total.
pub fn journey_table(r: &Results) -> Table {
    let mut table = Table::new(
        "Cost of disjointedness by journey",
        &[
            "Journey",
            "Users",
            "Government",
            "Total",
            "Share of the total",
        ],
    );
    let all = r
        .cost(Scope::Total, Component::Disjointed, Bearer::All)
        .mean;
    let journeys = r.model().journeys().iter().enumerate();
    let rows = journeys
        .map(|(j, journey)| (Scope::Journey(j), journey.name.as_str()))
        .chain([(Scope::Total, "All journeys")]);
    for (scope, name) in rows {
        let mean = r.cost(scope, Component::Disjointed, Bearer::All).mean;
        let share = if all > 0.0 { mean / all } else { 0.0 };
        let mut row = disjointed_row(r, scope, name);
        row.push(Cell::Figure(share, Kind::Share));
        match scope {
            Scope::Total => table.push_emphasised(row, Emphasis::Whole),
            _ => table.push(row),
        }
    }
    table
}

/// The cost of disjointedness by department, users / government / total.
pub fn department_table(r: &Results) -> Table {
    let mut table = Table::new(
        "Cost of disjointedness by department",
        &[first_header(r), "Users", "Government", "Total"],
    );
    for (scope, name, emphasis) in scope_rows(r, all_name(r)) {
        let row = disjointed_row(r, scope, &name);
        match emphasis {
            Emphasis::None => table.push(row),
            _ => table.push_emphasised(row, Emphasis::Whole),
        }
    }
    table
}

/// The cost by component for all departments (of all journeys).
pub fn component_table(r: &Results) -> Table {
    let mut table = Table::new(
        "By kind of cost, all departments",
        &["Kind of cost", "Users", "Government", "Total"],
    );
    for c in Component::TABLE_ORDER {
        let costs = Bearer::ALL
            .iter()
            .map(|&b| Cell::range(&r.cost(Scope::Total, c, b), money_kind(r)));
        let row = std::iter::once(Cell::text(c.label()))
            .chain(costs)
            .collect();
        match c.is_total() {
            true => table.push_emphasised(row, Emphasis::Whole),
            false => table.push(row),
        }
    }
    table
}

/// Means by department and component (users and government together).
pub fn detail_table(r: &Results) -> Table {
    let labels: Vec<String> = Component::TABLE_ORDER
        .iter()
        .map(|c| c.label().replace(" (not disjointed)", ""))
        .collect();
    let header: Vec<&str> = std::iter::once(first_header(r))
        .chain(labels.iter().map(String::as_str))
        .collect();
    let mut table = Table::new(
        "By department and kind of cost (means, users and government together)",
        &header,
    );
    for (scope, name, emphasis) in scope_rows(r, all_name(r)) {
        let means = Component::TABLE_ORDER
            .iter()
            .map(|&c| Cell::Figure(r.cost(scope, c, Bearer::All).mean, money_kind(r)));
        let row = std::iter::once(Cell::Text(name)).chain(means).collect();
        table.push_emphasised(row, emphasis);
    }
    table
}

/// One sentence on how much of all cost is disjointed.
pub fn disjointed_share_sentence(r: &Results) -> String {
    let total = |c| r.cost(Scope::Total, c, Bearer::All).mean;
    let (disjointed, all, value) = (
        total(Component::Disjointed),
        total(Component::All),
        total(Component::Value),
    );
    let share = if all > 0.0 { disjointed / all } else { 0.0 };
    format!(
        "Disjointedness (repetition, failure demand and getting stuck) is {} of the {} a year that users and government spend on these journeys; the rest, {}, is value demand the journeys need anyway.",
        percent(share),
        money(all),
        money(value)
    )
}

/// `summary.md`: the year-0 cost tables to paste into a business case.
pub struct SummaryMd;

impl Exporter for SummaryMd {
    fn name(&self) -> &'static str {
        "summary.md"
    }

    fn render(&self, r: &Results, _tables: &Tables) -> Result<Vec<Artefact>> {
        let mut out = format!(
            "# Cost of disjointed services: {}\n\n",
            md(&r.model().settings().name)
        );
        let _ = writeln!(
            out,
            "{} Figures are means, with the 80% range (P10–P90) in brackets.\n",
            basis_line(r)
        );
        if r.model().is_portfolio() {
            out.push_str("## Cost of disjointedness by journey\n\n");
            out.push_str(&render_table(&journey_table(r)));
            out.push('\n');
        }
        out.push_str("## Cost of disjointedness by department\n\n");
        out.push_str(&render_table(&department_table(r)));
        out.push('\n');
        out.push_str(&disjointed_share_sentence(r));
        out.push_str("\n\n## By kind of cost, all departments\n\n");
        out.push_str(&render_table(&component_table(r)));
        out.push_str(
            "\n## By department and kind of cost (means, users and government together)\n\n",
        );
        out.push_str(&render_table(&detail_table(r)));
        Ok(vec![Artefact::text(self.name(), out)])
    }
}
