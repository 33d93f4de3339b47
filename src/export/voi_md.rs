//! The economic case's "What is worth finding out" (docs/method.md §6): the EVPI in pounds,
//! the inputs whose perfect information would be worth most, and the sentence a Discovery team
//! acts on.

use std::fmt::Write as _;

use super::markdown::money_kind;
use crate::format::{md, money};
use crate::results::Results;
use crate::table::markdown::render as render_table;
use crate::table::{Cell, Kind, Table};

/// Inputs named in the section.
const SHOWN: usize = 5;

/// The section, or nothing without options; `chart` is the bar chart's Markdown (or nothing).
pub fn section(r: &Results, chart: &str) -> String {
    let Some(voi) = r.voi() else {
        return String::new();
    };
    let mut out = String::from("## What is worth finding out\n\n");
    if voi.evpi <= 0.0 {
        out.push_str(NO_RESEARCH);
        out.push_str("\n\n");
        return out;
    }
    let _ = write!(
        out,
        "The decision is between business as usual and the options, taking the one with the highest expected NPSV. Were every uncertainty removed before deciding, the choice could change in some iterations: the expected value of perfect information (EVPI) is {} (standard error {}), the most any research could be worth to this decision{}.",
        money(voi.evpi),
        money(voi.evpi_se),
        against_best(r, voi.evpi),
    );
    let worth = crate::voi::measurable;
    let shown: Vec<&crate::voi::Evppi> = voi
        .inputs
        .iter()
        .filter(|e| worth(e.evppi))
        .take(SHOWN)
        .collect();
    if !shown.is_empty() {
        let _ = write!(
            out,
            " For the uncertain inputs worth most, the expected value of perfect information about each alone (EVPPI), from the run's first {} iterations in equal-probability slices of the input (each figure is at most its bias bound too high, from noise within the slices):\n\n",
            crate::format::thousands(voi.evppi_iterations as u64)
        );
        out.push_str(&render_table(&table(r, &shown, voi.evpi)));
        out.push('\n');
    } else {
        out.push(' ');
    }
    match shown.first().filter(|e| e.evppi > e.noise) {
        Some(top) => {
            out.push_str(&worth_finding_out(&md(&r.model().label(&top.input)), top.evppi));
        }
        None if shown.is_empty() => out.push_str("Perfect information on any one input would not change the choice anywhere in that input's range: each input's EVPPI is £0, at the resolution of slices of 1/√n of the iterations. The value lies in several inputs being unfavourable together."),
        None => out.push_str("No single input's perfect information is worth more than the noise of its estimate: the value lies in several inputs being unfavourable together."),
    }
    let groups: Vec<String> = voi
        .groups
        .iter()
        .filter(|g| worth(g.1))
        .take(3)
        .map(|(group, value, _)| {
            format!(
                "{} {} ({} of the EVPI)",
                md(&crate::voi_groups::group_label(r.model(), group)),
                money(*value),
                crate::format::percent(value / voi.evpi)
            )
        })
        .collect();
    let method = "slicing the iterations by the choice's regret as a linear fit of each option's NPSV on the group's inputs predicts it, which can only understate the group's value, and comes close to it where NPSV is near linear in the group's inputs";
    if groups.is_empty() {
        let _ = write!(out, " Nor is any department's or option's set of inputs, taken together, worth a measurable amount by the estimator used ({method}).");
    } else {
        let _ = write!(
            out,
            " Taken together ({method}), the inputs worth most are those of {}.",
            groups.join("; ")
        );
    }
    out.push_str(" Every input and group is in `voi.csv`.\n\n");
    out.push_str(chart);
    out
}

/// The section's conclusion in one sentence, for the live page: that no research can change
/// the decision, or what perfect information on the input worth most would be worth, or that
/// no one input's would be worth a measurable amount.
pub fn sentence(r: &Results) -> String {
    let Some(voi) = r.voi() else {
        return String::new();
    };
    if voi.evpi <= 0.0 {
        return NO_RESEARCH.into();
    }
    let evpi = format!(
        "Removing every uncertainty before deciding would be worth {}{}.",
        money(voi.evpi),
        against_best(r, voi.evpi)
    );
    match voi.inputs.first().filter(|e| crate::voi::measurable(e.evppi) && e.evppi > e.noise) {
        Some(top) => format!("{evpi} {}", worth_finding_out(&r.model().label(&top.input), top.evppi)),
        None => format!("{evpi} No single input's perfect information is worth a measurable amount: the value lies in several inputs being unfavourable together."),
    }
}

/// MODEL §3b's sentence.
fn worth_finding_out(name: &str, value: f64) -> String {
    format!("Perfect information on {name} would be worth up to {} to this decision: the most worth spending on finding out {name} before deciding.", money(value))
}

const NO_RESEARCH: &str = "The same choice — business as usual or one option — is best in every iteration: no research can change this decision.";

/// ", {share} of the expected NPSV of the best option, NAME ({npsv})", or nothing where no
/// option is expected to beat business as usual.
fn against_best(r: &Results, evpi: f64) -> String {
    let Some(o) = super::economic_case::best_option(r) else {
        return String::new();
    };
    let npsv = r
        .appraisal(o, crate::outputs::Metric::Npsv)
        .map_or(0.0, |s| s.mean);
    if npsv <= 0.0 {
        return String::new();
    }
    format!(
        ", {} of the expected NPSV of the best option, {} ({})",
        crate::format::percent(evpi / npsv),
        md(&r.model().options()[o].name),
        money(npsv)
    )
}

/// The inputs worth most, each money column in one unit.
fn table(r: &Results, shown: &[&crate::voi::Evppi], evpi: f64) -> Table {
    let mut table = Table::new(
        "What is worth finding out",
        &["Input", "EVPPI", "Share of the EVPI", "Bias bound"],
    );
    let money = money_kind(r);
    for e in shown {
        table.push(vec![
            Cell::Text(r.model().label(&e.input)),
            Cell::Figure(e.evppi, money),
            Cell::Figure(e.evppi / evpi, Kind::Share),
            Cell::Figure(e.noise, money),
        ]);
    }
    table
}
