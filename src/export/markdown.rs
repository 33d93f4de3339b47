//! `summary.md` and the Markdown tables of the cost of disjointedness that it shares with the
//! economic case.

use std::fmt::Write as _;

use super::{Artefact, Exporter};
use crate::engine::Stats;
use crate::error::Result;
use crate::format::{md, money, money_range, percent, thousands};
use crate::outputs::{Bearer, Component, Scope};
use crate::results::Results;

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
    let rows = journeys
        .map(|(j, journey)| (Scope::Journey(j), md(&journey.name)))
        .chain([(Scope::Total, "**All journeys**".to_string())]);
    for (scope, name) in rows {
        let cells: Vec<String> = Bearer::ALL
            .iter()
            .map(|&b| mean_range(&r.cost(scope, Component::Disjointed, b)))
            .collect();
        let mean = r.cost(scope, Component::Disjointed, Bearer::All).mean;
        let share = if all > 0.0 { mean / all } else { 0.0 };
        let _ = writeln!(
            out,
            "| {name} | {} | {} |",
            cells.join(" | "),
            percent(share)
        );
    }
    out
}

/// The table of disjointed cost by department, users / government / total.
pub fn department_table(r: &Results) -> String {
    let mut out = format!(
        "| {} | Users | Government | Total |\n|---|---:|---:|---:|\n",
        first_header(r)
    );
    for (scope, name) in scope_rows(r, all_name(r)) {
        let bold = !matches!(scope, Scope::Department(_));
        let row: Vec<String> = Bearer::ALL
            .iter()
            .map(|&b| {
                let text = mean_range(&r.cost(scope, Component::Disjointed, b));
                if bold {
                    format!("**{text}**")
                } else {
                    text
                }
            })
            .collect();
        let _ = writeln!(out, "| {name} | {} |", row.join(" | "));
    }
    out
}

/// The table of cost by component for all departments (of all journeys).
pub fn component_table(r: &Results) -> String {
    let mut out =
        String::from("| Kind of cost | Users | Government | Total |\n|---|---:|---:|---:|\n");
    for c in Component::TABLE_ORDER {
        let bold = |text: String| {
            if c.is_total() {
                format!("**{text}**")
            } else {
                text
            }
        };
        let cells: Vec<String> = Bearer::ALL
            .iter()
            .map(|&b| bold(mean_range(&r.cost(Scope::Total, c, b))))
            .collect();
        let _ = writeln!(
            out,
            "| {} | {} |",
            bold(c.label().to_string()),
            cells.join(" | ")
        );
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
    for (scope, name) in scope_rows(r, all_name(r)) {
        let cells: Vec<String> = Component::TABLE_ORDER
            .iter()
            .map(|&c| money(r.cost(scope, c, Bearer::All).mean))
            .collect();
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
