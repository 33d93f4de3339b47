//! The economic case's "Fixed assumptions under test" (docs/method.md §3a): where each option's
//! mean NPSV would change sign as the optimism-bias uplift, the adoption path, the live year
//! or the discount rate moves, as a table and a sentence per option.

use std::fmt::Write as _;

use super::markdown::money_kind;
use crate::fixed::{kind_of, ADOPTION, DELAY, DISCOUNT_RATE, OPTIMISM_BIAS};
use crate::format::{describe_value, md, ratio};
use crate::params::Unit;
use crate::results::Results;
use crate::sensitivity::{Kind as SwitchingKind, SwitchingValue};
use crate::table::markdown::render as render_table;
use crate::table::{Cell, Kind, Table};

/// The section, or nothing without options.
pub fn section(r: &Results) -> String {
    let fixed: Vec<&SwitchingValue> = r
        .switching_values()
        .iter()
        .filter(|s| s.kind == SwitchingKind::Fixed)
        .collect();
    if fixed.is_empty() {
        return String::new();
    }
    let mut out = format!(
        "### Fixed assumptions under test\n\nThe assumptions the scenario fixes rather than draws, each moved on its own with every uncertain input as drawn (the same {} iterations), to the value at which the option's expected NPSV would reach zero. \"None\" means no value in the range tried changes the sign: an uplift of 0% or more, any multiple of the adoption path (each year capped at 100%), a delay to the end of the period, a constant discount rate from 0% to 20%.\n\n",
        crate::format::thousands(
            r.samples()
                .map_or(0, |s| s.len().min(crate::fixed::FIXED_ITERATIONS)) as u64
        )
    );
    out.push_str(&render_table(&table(r)));
    out.push('\n');
    for option in r.model().options() {
        let rows: Vec<&SwitchingValue> = fixed
            .iter()
            .copied()
            .filter(|s| s.option == option.id)
            .collect();
        if let Some(sentence) = sentence(&option.name, &rows) {
            let _ = writeln!(out, "{sentence}\n");
        }
    }
    out
}

/// The fixed assumptions' switching values, every option's.
pub(super) fn table(r: &Results) -> Table {
    let fixed: Vec<&SwitchingValue> = r
        .switching_values()
        .iter()
        .filter(|s| s.kind == SwitchingKind::Fixed)
        .collect();
    let mut table = Table::new(
        "Fixed assumptions under test",
        &[
            "Option",
            "Assumption",
            "As in the scenario",
            "Expected NPSV is zero at",
            "Expected NPSV now",
        ],
    );
    table.text_columns = vec![0, 1];
    for s in fixed {
        let option = r
            .model()
            .options()
            .iter()
            .find(|o| o.id == s.option)
            .map_or(s.option.as_str(), |o| o.name.as_str());
        let kind = kind_of(&s.input);
        table.push(vec![
            Cell::text(option),
            Cell::text(name(&s.input)),
            Cell::Figure(s.base_value, kind),
            match s.switching_value {
                // No delay at all keeps a negative expected NPSV positive.
                Some(x) if s.input == DELAY && x == 0.0 => Cell::text("already negative"),
                Some(x) => Cell::Figure(x, kind),
                None => Cell::text("none"),
            },
            Cell::Figure(s.base_npsv, money_kind(r)),
        ]);
    }
    table
}

/// "Other cases": each named case beside the central one — the annual cost of disjointedness
/// and each option's expected NPSV, BCR and chance of a positive NPSV — and what each sets.
pub fn cases_section(r: &Results) -> String {
    if r.cases().is_empty() {
        return String::new();
    }
    let mut out = String::from("### Other cases\n\nThe scenario's named cases, each the scenario with the inputs listed below set, run on the same random numbers as the central case:\n\n");
    out.push_str(&render_table(&cases_table(r)));
    out.push('\n');
    for case in r.cases() {
        let set: Vec<String> = case
            .set
            .iter()
            .map(|(k, d)| format!("{} = `{}`", md(&r.model().label(k)), d.replace('`', "'")))
            .collect();
        let about = case
            .description
            .as_deref()
            .map_or(String::new(), |d| format!(" {}", md(d)));
        let _ = writeln!(
            out,
            "- *{}*:{about} It sets {}.",
            md(&case.name),
            set.join("; ")
        );
    }
    out.push('\n');
    out
}

/// The named cases beside the central one, as a table.
pub(super) fn cases_table(r: &Results) -> Table {
    let mut table = Table::new(
        "Other cases",
        &[
            "Case",
            "Annual cost of disjointedness",
            "Option",
            "Expected NPSV",
            "BCR",
            "P(NPSV > 0)",
        ],
    );
    table.text_columns = vec![0, 2];
    let money = money_kind(r);
    let name_of = |id: &str| {
        r.model()
            .options()
            .iter()
            .find(|o| o.id == id)
            .map_or(id.to_string(), |o| o.name.clone())
    };
    let central = r.central_case();
    for case in std::iter::once(&central).chain(r.cases()) {
        for (k, option) in case.options.iter().enumerate() {
            let first = k == 0;
            table.push(vec![
                if first {
                    Cell::text(&case.name)
                } else {
                    Cell::text("")
                },
                if first {
                    Cell::range(&case.cost, money)
                } else {
                    Cell::text("")
                },
                Cell::Text(name_of(&option.id)),
                Cell::range(&option.npsv, money),
                option
                    .bcr_expected
                    .map_or(Cell::Empty, |b| Cell::Figure(b, Kind::Ratio)),
                Cell::Figure(option.npsv.p_positive, Kind::Chance),
            ]);
        }
    }
    table
}

/// "What must be true": per option, in words, where the inputs sit in the iterations where it
/// loses value (the three that differ most).
pub fn conditions_section(r: &Results) -> String {
    let mut lines = Vec::new();
    for option in r.model().options() {
        let rows: Vec<String> = r
            .conditions()
            .iter()
            .filter(|c| c.option == option.id)
            .take(3)
            .map(|c| {
                format!(
                    "{} is at its P{:.0} (median {}, against {} over all iterations)",
                    md(&mid_sentence(
                        &r.model().label_within(&c.input, &option.name)
                    )),
                    (c.percentile * 100.0).clamp(1.0, 99.0),
                    describe_value(input_unit(r, &c.input), c.median_npsv_negative),
                    describe_value(input_unit(r, &c.input), c.median_all)
                )
            })
            .collect();
        let chance_negative = r
            .model()
            .options()
            .iter()
            .position(|o| o.id == option.id)
            .and_then(|o| r.appraisal(o, crate::outputs::Metric::Npsv))
            .map_or(0.0, |s| 1.0 - s.p_positive);
        if !rows.is_empty() {
            lines.push(format!(
                "- Where *{}* loses value (NPSV below zero), {}.",
                md(&option.name),
                join(&rows, "and")
            ));
        } else if chance_negative > 0.0 {
            lines.push(format!(
                "- *{}* loses value in {} of iterations, with no input's median there half a standard deviation from its median over all: no single input's range decides it.",
                md(&option.name),
                crate::format::chance(chance_negative)
            ));
        }
    }
    if lines.is_empty() {
        return String::new();
    }
    format!(
        "### What must be true\n\nThe uncertain inputs whose median in the iterations where an option's NPSV is below zero lies at least half a standard deviation from their median over all iterations (every one is in `conditions.csv`):\n\n{}\n\n",
        lines.join("\n")
    )
}

fn input_unit(r: &Results, key: &str) -> Unit {
    r.model().input(key).map_or(Unit::Count, |i| i.unit)
}

/// A label in the middle of a sentence: its first letter in lower case unless it is an
/// acronym ("Journeys a year" → "journeys a year"; "APHA: …" stays).
fn mid_sentence(label: &str) -> String {
    let mut chars = label.chars();
    match (chars.next(), chars.next()) {
        (Some(first), Some(second)) if first.is_uppercase() && second.is_lowercase() => {
            first.to_lowercase().chain(label.chars().skip(1)).collect()
        }
        _ => label.to_string(),
    }
}

/// The optimism-bias sweep: what the mean NPSV, BCR and chance of a positive NPSV would be with
/// each share of the uplift mitigated, and what the scenario mitigates and why.
pub fn mitigation_section(r: &Results) -> String {
    if r.mitigation_sweep().is_empty() {
        return String::new();
    }
    let mut out = String::from("### Optimism bias mitigated

The Green Book lets the optimism-bias uplift fall as evidence shows its causes mitigated. Each option's figures with a share of its uplift mitigated (the uplift applied is the scenario's times one less that share), on the same iterations:\n\n");
    out.push_str(&render_table(&mitigation_table(r)));
    out.push('\n');
    for option in r.model().options() {
        let input = &r.model().inputs()[option.optimism_bias_mitigation];
        let x = input.sampler.mean();
        if x > 0.0 {
            let why = input
                .source
                .as_deref()
                .map_or(String::new(), |s| format!(" ({})", md(s)));
            let _ = writeln!(
                out,
                "*{}* is appraised with {} of its uplift mitigated{why}.\n",
                md(&option.name),
                describe_value(Unit::Share, x)
            );
        }
    }
    out
}

/// The sweep as a table: option, share mitigated, uplift applied, expected NPSV, BCR, chance.
pub(super) fn mitigation_table(r: &Results) -> Table {
    let mut table = Table::new(
        "Optimism bias mitigated",
        &[
            "Option",
            "Share of the uplift mitigated",
            "Uplift applied (mean)",
            "Expected NPSV",
            "BCR",
            "P(NPSV > 0)",
        ],
    );
    for row in r.mitigation_sweep() {
        let Some(option) = r.model().options().iter().find(|o| o.id == row.option) else {
            continue;
        };
        let uplift = r.model().inputs()[option.optimism_bias].sampler.mean();
        table.push(vec![
            Cell::text(&option.name),
            Cell::Figure(row.mitigation, Kind::Input(Unit::Share)),
            Cell::Figure(uplift * (1.0 - row.mitigation), Kind::Input(Unit::Share)),
            Cell::Figure(row.mean_npsv, money_kind(r)),
            row.bcr
                .map_or(Cell::Empty, |b| Cell::Figure(b, Kind::Ratio)),
            Cell::Figure(row.p_positive, Kind::Chance),
        ]);
    }
    table
}

pub(super) fn name(input: &str) -> &'static str {
    match input {
        OPTIMISM_BIAS => "Optimism-bias uplift on capital",
        ADOPTION => "Adoption path, times",
        DELAY => "Years late",
        DISCOUNT_RATE => "Discount rate (constant)",
        _ => "Other",
    }
}

/// One option's sentence: what would keep its expected NPSV positive (each condition on its
/// own), or what alone would turn it positive.
fn sentence(option: &str, rows: &[&SwitchingValue]) -> Option<String> {
    let first = rows.first()?;
    let find = |id: &str| rows.iter().find(|s| s.input == id);
    let share = |x: f64| describe_value(Unit::Share, x);
    let positive = first.base_npsv > 0.0;
    let mut parts = Vec::new();
    if let Some(s) = find(OPTIMISM_BIAS) {
        if let Some(x) = s.switching_value {
            let verb = if positive { "stays" } else { "were" };
            parts.push(format!(
                "optimism bias {verb} below {} (it is {})",
                share(x),
                share(s.base_value)
            ));
        }
    }
    if let Some(x) = find(ADOPTION).and_then(|s| s.switching_value) {
        parts.push(if positive {
            format!("adoption does not fall below {} times the path", ratio(x))
        } else {
            format!("adoption were {} times the path", ratio(x))
        });
    }
    if let Some(x) = find(DELAY)
        .and_then(|s| s.switching_value)
        .filter(|_| positive)
    {
        parts.push(format!("it goes live no more than {} late", years(x - 1.0)));
    }
    if let Some(s) = find(DISCOUNT_RATE) {
        if let Some(x) = s.switching_value {
            let side = if x > s.base_value { "below" } else { "above" };
            let verb = if positive { "stays" } else { "were" };
            parts.push(format!(
                "a constant discount rate {verb} {side} {} (the scenario's is {} in year 1)",
                share(x),
                share(s.base_value)
            ));
        }
    }
    let option = md(option);
    Some(match (positive, parts.as_slice()) {
        (true, []) => format!("*{option}* keeps a positive expected NPSV across every range tried."),
        (false, []) => format!(
            "No fixed assumption alone, across the ranges tried, gives *{option}* a positive expected NPSV."
        ),
        (true, _) => format!(
            "*{option}* keeps a positive expected NPSV as long as {} (each on its own, the rest as written).",
            join(&parts, "and")
        ),
        (false, _) => format!(
            "*{option}* would have a positive expected NPSV if {} (each on its own, the rest as written).",
            join(&parts, "or if")
        ),
    })
}

fn years(x: f64) -> String {
    match x as i64 {
        0 => "0 years (on time)".into(),
        1 => "1 year".into(),
        n => format!("{n} years"),
    }
}

/// "a, b and c" or "a, b, or if c".
fn join(parts: &[String], last_word: &str) -> String {
    match parts {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{}, {last_word} {last}", init.join(", ")),
    }
}
