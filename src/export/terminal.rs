//! The short tables `seams run` prints: the headline cost and the options. The same figures
//! as the files, formatted for a terminal.

use std::fmt::Write as _;

use super::markdown::{mean_cells, range_cells};
use crate::engine::Stats;
use crate::format::{percent, ratio, thousands};
use crate::outputs::{Bearer, Component, Metric, Scope};
use crate::results::Results;

/// The headline and, where there are options, the options table; then how a precision
/// target ended, where the run had one.
pub fn summary(r: &Results) -> String {
    format!("{}{}{}", headline(r), options(r), precision(r))
}

/// One line on the precision target: where the run stopped and which figure governed.
fn precision(r: &Results) -> String {
    let Some(p) = r.precision() else {
        return String::new();
    };
    let share = |x: f64| crate::format::describe_value(crate::params::Unit::Share, x);
    if p.converged {
        format!(
            "\nPrecision ±{} reached after {} iterations (the widest 95% half-width: {} at {}).\n",
            share(p.target),
            thousands(r.iterations()),
            p.governing,
            share(p.achieved)
        )
    } else {
        format!(
            "\nPrecision ±{} NOT reached in {} iterations: {} is still ±{}. Raise --iterations.\n",
            share(p.target),
            thousands(r.iterations()),
            p.governing,
            share(p.achieved)
        )
    }
}

/// The cost of disjointedness, for users, government and in total.
pub fn headline(r: &Results) -> String {
    let s = r.model().settings();
    let across = match r.model().journeys().len() {
        n if r.model().is_portfolio() => format!(" across {n} journeys"),
        _ => String::new(),
    };
    let mut out = format!(
        "{}\nCost of disjointedness{across} in {}, {} prices (mean, P10–P90), {} iterations:\n",
        s.name,
        s.first_year,
        s.price_base_year,
        thousands(r.iterations())
    );
    let stats: Vec<Vec<Stats>> = Bearer::ALL
        .into_iter()
        .map(|b| vec![r.cost(Scope::Total, Component::Disjointed, b)])
        .collect();
    for (label, cells) in ["users", "government", "total"]
        .into_iter()
        .zip(range_cells(&stats))
    {
        let _ = writeln!(out, "  {label:<11} {}", cells[0]);
    }
    out
}

/// The compact options table.
pub fn options(r: &Results) -> String {
    let model = r.model();
    if model.options().is_empty() {
        return String::new();
    }
    let mut out = format!(
        "\nOptions over {} years, present values in {} prices:\n  {:<24} {:>9} {:>9} {:>9} {:>10} {:>7}\n",
        model.settings().years,
        model.settings().price_base_year,
        "option",
        "NPSV mean",
        "P10",
        "P90",
        "P(NPSV>0)",
        "BCR P50"
    );
    let rows: Vec<(usize, Stats)> = (0..model.options().len())
        .filter_map(|o| r.appraisal(o, Metric::Npsv).map(|s| (o, s)))
        .collect();
    let means: Vec<Vec<f64>> = rows
        .iter()
        .map(|(_, s)| vec![s.mean, s.p10, s.p90])
        .collect();
    for ((o, npsv), cells) in rows.into_iter().zip(mean_cells(&means)) {
        let option = &model.options()[o];
        let bcr = r
            .appraisal(o, Metric::Bcr)
            .map_or("–".to_string(), |s| ratio(s.p50));
        let _ = writeln!(
            out,
            "  {:<24} {:>9} {:>9} {:>9} {:>10} {:>7}",
            truncate(&option.id, 24),
            cells[0],
            cells[1],
            cells[2],
            percent(npsv.p_positive),
            bcr
        );
    }
    out
}

fn truncate(text: &str, width: usize) -> String {
    if text.chars().count() <= width {
        text.to_string()
    } else {
        let mut t: String = text.chars().take(width - 1).collect();
        t.push('…');
        t
    }
}
