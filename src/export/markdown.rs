//! `summary.md` and the Markdown tables of the cost of disjointedness that it shares with the
//! economic case.

use std::fmt::Write as _;

use super::{Artefact, Exporter};
use crate::engine::Stats;
use crate::error::Result;
use crate::format::{md, money, money_range, percent, thousands, MoneyUnit};
use crate::outputs::{Bearer, Component, Scope};
use crate::results::Results;

/// "mean (P10–P90)" as money.
pub fn mean_range(s: &Stats) -> String {
    money_range(s.mean, s.p10, s.p90)
}

/// The unit of a table column of "mean (P10–P90)" cells: that of its largest figure.
pub fn range_unit<'a>(column: impl IntoIterator<Item = &'a Stats>) -> MoneyUnit {
    MoneyUnit::of(column.into_iter().flat_map(|s| [s.mean, s.p10, s.p90]))
}

/// A table's columns of "mean (P10–P90)" cells, each column in one unit: `rows[r][c]` gives
/// the cell text of row r, column c.
pub fn range_cells(rows: &[Vec<Stats>]) -> Vec<Vec<String>> {
    let columns = rows.first().map_or(0, Vec::len);
    let units: Vec<MoneyUnit> = (0..columns)
        .map(|c| range_unit(rows.iter().map(|row| &row[c])))
        .collect();
    rows.iter()
        .map(|row| {
            row.iter()
                .zip(&units)
                .map(|(s, unit)| unit.range(s.mean, s.p10, s.p90))
                .collect()
        })
        .collect()
}

/// A table's columns of means, each column in one unit.
pub fn mean_cells(rows: &[Vec<f64>]) -> Vec<Vec<String>> {
    let columns = rows.first().map_or(0, Vec::len);
    let units: Vec<MoneyUnit> = (0..columns)
        .map(|c| MoneyUnit::of(rows.iter().map(|row| row[c])))
        .collect();
    rows.iter()
        .map(|row| row.iter().zip(&units).map(|(&x, u)| u.format(x)).collect())
        .collect()
}

/// Wraps each cell in bold.
pub fn bold_all(cells: Vec<String>) -> Vec<String> {
    cells.into_iter().map(|c| format!("**{c}**")).collect()
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
/// all together; in a portfolio, each journey (in bold) followed by its departments, then all
/// journeys together. `total` names the last row.
pub fn scope_rows(r: &Results, total: &str) -> Vec<(Scope, String)> {
    let model = r.model();
    let department = |d: usize| (Scope::Department(d), md(&model.departments()[d].name));
    let mut rows: Vec<(Scope, String)> = Vec::new();
    if model.is_portfolio() {
        for (j, journey) in model.journeys().iter().enumerate() {
            rows.push((Scope::Journey(j), format!("**{}**", md(&journey.name))));
            rows.extend(journey.departments.clone().map(department));
        }
    } else {
        rows.extend((0..model.departments().len()).map(department));
    }
    rows.push((Scope::Total, format!("**{total}**")));
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

/// The table of the cost of disjointedness by journey of a portfolio (docs/method.md §8):
/// users, government, together, and each journey's share of the total.
pub fn journey_table(r: &Results) -> String {
    let mut out = String::from(
        "| Journey | Users | Government | Total | Share of the total |\n|---|---:|---:|---:|---:|\n",
    );
    let all = r
        .cost(Scope::Total, Component::Disjointed, Bearer::All)
        .mean;
    let journeys = r.model().journeys().iter().enumerate();
    let rows: Vec<(Scope, String)> = journeys
        .map(|(j, journey)| (Scope::Journey(j), md(&journey.name)))
        .chain([(Scope::Total, "**All journeys**".to_string())])
        .collect();
    let stats = disjointed_by_bearer(r, &rows);
    for ((scope, name), mut cells) in rows.iter().zip(range_cells(&stats)) {
        let mean = r.cost(*scope, Component::Disjointed, Bearer::All).mean;
        cells.push(percent(if all > 0.0 { mean / all } else { 0.0 }));
        if *scope == Scope::Total {
            cells = bold_all(cells);
        }
        let _ = writeln!(out, "| {name} | {} |", cells.join(" | "));
    }
    out
}

/// Each row's cost of disjointedness borne by users, government and both.
fn disjointed_by_bearer(r: &Results, rows: &[(Scope, String)]) -> Vec<Vec<Stats>> {
    rows.iter()
        .map(|(scope, _)| {
            Bearer::ALL
                .iter()
                .map(|&b| r.cost(*scope, Component::Disjointed, b))
                .collect()
        })
        .collect()
}

/// The table of disjointed cost by department, users / government / total.
pub fn department_table(r: &Results) -> String {
    let mut out = format!(
        "| {} | Users | Government | Total |\n|---|---:|---:|---:|\n",
        first_header(r)
    );
    let rows = scope_rows(r, all_name(r));
    let stats = disjointed_by_bearer(r, &rows);
    for ((scope, name), cells) in rows.iter().zip(range_cells(&stats)) {
        let cells = match scope {
            Scope::Department(_) => cells,
            _ => bold_all(cells),
        };
        let _ = writeln!(out, "| {name} | {} |", cells.join(" | "));
    }
    out
}

/// The table of cost by component for all departments (of all journeys).
pub fn component_table(r: &Results) -> String {
    let mut out =
        String::from("| Kind of cost | Users | Government | Total |\n|---|---:|---:|---:|\n");
    let stats: Vec<Vec<Stats>> = Component::TABLE_ORDER
        .iter()
        .map(|&c| {
            Bearer::ALL
                .iter()
                .map(|&b| r.cost(Scope::Total, c, b))
                .collect()
        })
        .collect();
    for (c, cells) in Component::TABLE_ORDER.into_iter().zip(range_cells(&stats)) {
        let (label, cells) = if c.is_total() {
            (format!("**{}**", c.label()), bold_all(cells))
        } else {
            (c.label().to_string(), cells)
        };
        let _ = writeln!(out, "| {label} | {} |", cells.join(" | "));
    }
    out
}

/// Means by department and component (users and government together).
pub fn detail_table(r: &Results) -> String {
    let mut out = format!("| {} |", first_header(r));
    for c in Component::TABLE_ORDER {
        let _ = write!(out, " {} |", c.label().replace(" (not disjointed)", ""));
    }
    out.push_str("\n|---|");
    out.push_str(&"---:|".repeat(Component::TABLE_ORDER.len()));
    out.push('\n');
    let rows = scope_rows(r, all_name(r));
    let means: Vec<Vec<f64>> = rows
        .iter()
        .map(|(scope, _)| {
            Component::TABLE_ORDER
                .iter()
                .map(|&c| r.cost(*scope, c, Bearer::All).mean)
                .collect()
        })
        .collect();
    for ((_, name), cells) in rows.iter().zip(mean_cells(&means)) {
        let _ = writeln!(out, "| {name} | {} |", cells.join(" | "));
    }
    out
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

    fn render(&self, r: &Results, _earlier: &[Artefact]) -> Result<Vec<Artefact>> {
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
            out.push_str(&journey_table(r));
            out.push('\n');
        }
        out.push_str("## Cost of disjointedness by department\n\n");
        out.push_str(&department_table(r));
        out.push('\n');
        out.push_str(&disjointed_share_sentence(r));
        out.push_str("\n\n## By kind of cost, all departments\n\n");
        out.push_str(&component_table(r));
        out.push_str(
            "\n## By department and kind of cost (means, users and government together)\n\n",
        );
        out.push_str(&detail_table(r));
        Ok(vec![Artefact::text(self.name(), out)])
    }
}
