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

/// The section, or nothing without options.
pub fn section(r: &Results) -> String {
    let Some(voi) = r.voi() else {
        return String::new();
    };
    let mut out = String::from("## What is worth finding out\n\n");
    if voi.evpi <= 0.0 {
        out.push_str("The same choice — business as usual or one option — is best in every iteration: no research can change this decision.\n\n");
        return out;
    }
    let _ = write!(
        out,
        "The decision is between business as usual and the options, taking the one with the highest expected NPSV. Were every uncertainty removed before deciding, the choice could change in some iterations: the expected value of perfect information (EVPI) is {} (standard error {}), the most any research could be worth to this decision. For each uncertain input, the expected value of perfect information about it alone (EVPPI), from the run's first {} iterations in equal-probability slices of the input (each figure is at most the stated amount too high, from noise within the slices):\n\n",
        money(voi.evpi),
        money(voi.evpi_se),
        crate::format::thousands(voi.evppi_iterations as u64)
    );
    out.push_str(&render_table(&table(r, voi)));
    if let Some(top) = voi.inputs.first().filter(|e| e.evppi > e.noise) {
        let name = md(&r.model().label(&top.input));
        let _ = write!(
            out,
            "\nPerfect information on {name} would be worth up to {} to this decision: the most worth spending on finding out {name} before deciding.",
            money(top.evppi)
        );
    } else {
        out.push_str("\nNo single input's perfect information is worth more than the noise of its estimate: the value lies in what the inputs do together.");
    }
    let groups: Vec<String> = voi
        .groups
        .iter()
        .take(3)
        .map(|(group, value, _)| {
            format!(
                "{} {} ({} of the EVPI)",
                md(&group_words(r, group)),
                money(*value),
                crate::format::percent(value / voi.evpi)
            )
        })
        .collect();
    if !groups.is_empty() {
        let _ = write!(
            out,
            " Taken together (a linear fit of each option's NPSV on the group's inputs, which misses their interactions), the inputs worth most are those of {}.",
            groups.join("; ")
        );
    }
    out.push_str(" Every input and group is in `voi.csv`.\n\n");
    out
}

/// A group of `voi.csv` in words: "HMRC", "the option Share data", "the journey Telling
/// government about a death".
fn group_words(r: &Results, group: &str) -> String {
    let model = r.model();
    let (journey, rest) = match group.split_once('/') {
        Some((stem, rest)) => (Some(stem), rest),
        None => (None, group),
    };
    let in_journey = |d: &&crate::scenario::Department| {
        journey.is_none_or(|stem| model.journeys()[d.journey].id == stem)
    };
    match rest.split_once('.') {
        Some(("departments", id)) => model
            .departments()
            .iter()
            .filter(in_journey)
            .find(|d| d.id == id)
            .map_or(group.to_string(), |d| d.short_name.clone()),
        Some(("options", id)) => model
            .options()
            .iter()
            .find(|o| o.id == id)
            .map_or(group.to_string(), |o| format!("the option {}", o.name)),
        _ => model
            .journeys()
            .iter()
            .find(|j| j.id == group)
            .map_or(group.to_string(), |j| format!("the journey {}", j.name)),
    }
}

/// The inputs worth most, each money column in one unit.
fn table(r: &Results, voi: &crate::voi::Voi) -> Table {
    let mut table = Table::new(
        "What is worth finding out",
        &["Input", "EVPPI", "Share of the EVPI", "Bias bound"],
    );
    let money = money_kind(r);
    for e in voi.inputs.iter().take(SHOWN) {
        table.push(vec![
            Cell::Text(r.model().label(&e.input)),
            Cell::Figure(e.evppi, money),
            Cell::Figure(e.evppi / voi.evpi, Kind::Share),
            Cell::Figure(e.noise, money),
        ]);
    }
    table
}
