//! The economic case's tables of options: PV costs in their parts and who pays and who
//! benefits, each money column in one unit.

use std::fmt::Write as _;

use super::markdown::range_cells;
use crate::engine::Stats;
use crate::format::md;
use crate::outputs::{Metric, OrgMetric};
use crate::results::Results;

/// PV costs in their three parts — capital, the optimism-bias uplift on it, and running
/// costs — so a reviewer sees how much of each option's cost is the Green Book's uplift.
pub fn cost_parts_table(r: &Results) -> String {
    let mut out = String::from("The present value of costs in its parts (means, with P10–P90):\n\n| Option | PV capital | Optimism bias on capital | PV running costs | PV costs |\n|---|---:|---:|---:|---:|\n");
    const COLUMNS: [Metric; 4] = [
        Metric::PvCapital,
        Metric::PvOptimismBias,
        Metric::PvRunning,
        Metric::PvCosts,
    ];
    let cells = metric_cells(r, &COLUMNS);
    for (option, cells) in r.model().options().iter().zip(cells) {
        let _ = writeln!(out, "| {} | {} |", md(&option.name), cells.join(" | "));
    }
    out.push('\n');
    out
}

/// Each option's row of "mean (P10–P90)" cells of these metrics, each column in one unit
/// (an undefined figure reads "–").
pub fn metric_cells(r: &Results, metrics: &[Metric]) -> Vec<Vec<String>> {
    let options = 0..r.model().options().len();
    let stats: Vec<Vec<Stats>> = options
        .clone()
        .map(|o| {
            metrics
                .iter()
                .map(|&m| r.appraisal(o, m).unwrap_or(Stats::UNDEFINED))
                .collect()
        })
        .collect();
    let mut cells = range_cells(&stats);
    for (o, row) in options.zip(&mut cells) {
        for (cell, &m) in row.iter_mut().zip(metrics) {
            if r.appraisal(o, m).is_none() {
                *cell = "–".into();
            }
        }
    }
    cells
}

/// Who pays and who benefits: each organisation's PV costs, PV benefits to government and net
/// present cost, so a reader sees that one body pays and others save.
pub fn who_pays_table(r: &Results, o: usize) -> String {
    let mut out = String::from("| Organisation | PV costs borne | PV benefits received | Net present cost |\n|---|---:|---:|---:|\n");
    let organisations = r.organisations(o);
    let stats: Vec<Vec<Stats>> = organisations
        .iter()
        .map(|(slot, _, _)| {
            OrgMetric::ALL
                .iter()
                .map(|&m| r.organisation(o, *slot, m))
                .collect()
        })
        .collect();
    for ((_, _, name), cells) in organisations.iter().zip(range_cells(&stats)) {
        let _ = writeln!(out, "| {} | {} |", md(name), cells.join(" | "));
    }
    out.push_str("\nMeans, with P10–P90. A negative net present cost is a net saving to that organisation.\n\n");
    out
}
