//! The economic case's tables of options: the options' present values, PV costs in their
//! parts, who pays and who benefits, and which savings release cash, each money column in
//! one unit.

use super::markdown::money_kind;
use crate::format;
use crate::outputs::{Metric, OrgMetric, Scope};
use crate::params::{ChannelParam, DeptParam, Unit};
use crate::results::Results;
use crate::scenario::Input;
use crate::table::{Cell, Kind, Table};

/// Each option's present values, NPSV, BCR and chance of a positive NPSV, after a row for
/// business as usual (the baseline, all zero).
pub fn options_table(r: &Results) -> Table {
    let mut table = Table::new(
        "Options",
        &[
            "Option",
            "PV costs",
            "PV benefits to users",
            "PV benefits to government",
            "of which cash-releasing",
            "NPSV",
            "BCR",
            "P(NPSV > 0)",
            "Net present cost to government",
        ],
    );
    let zero = Cell::Figure(0.0, money_kind(r));
    let mut bau = vec![Cell::text("Business as usual (baseline)")];
    bau.extend([
        zero.clone(),
        zero.clone(),
        zero.clone(),
        zero.clone(),
        zero.clone(),
    ]);
    bau.extend([Cell::Empty, Cell::Empty, zero]);
    table.push(bau);
    const MONEY: [Metric; 5] = [
        Metric::PvCosts,
        Metric::PvBenefitsUsers,
        Metric::PvBenefitsGovernment,
        Metric::PvBenefitsCashReleasing,
        Metric::Npsv,
    ];
    for (o, option) in r.model().options().iter().enumerate() {
        let mut row = vec![Cell::text(&option.name)];
        row.extend(metric_cells(r, o, &MONEY));
        // One BCR: the ratio of expected PVs, with the P10–P90 of the ratio in each iteration.
        row.push(match (r.bcr_expected(o), r.appraisal(o, Metric::Bcr)) {
            (Some(central), Some(st)) => Cell::Range {
                central,
                low: st.p10,
                high: st.p90,
                kind: Kind::Ratio,
            },
            (Some(central), None) => Cell::Figure(central, Kind::Ratio),
            (None, _) => Cell::Empty,
        });
        row.push(
            r.appraisal(o, Metric::Npsv)
                .map_or(Cell::Empty, |st| Cell::Figure(st.p_positive, Kind::Chance)),
        );
        row.extend(metric_cells(r, o, &[Metric::NetPresentCostGovernment]));
        table.push(row);
    }
    table.notes.push(
        "A negative net present cost to government means the option saves government more than it costs."
            .into(),
    );
    table
}

/// PV costs in three parts — capital, the optimism-bias uplift on it, and running costs — so
/// a reviewer sees how much of each option's cost is the Green Book's uplift.
pub fn cost_parts_table(r: &Results) -> Table {
    let mut table = Table::new(
        "The present value of costs in its parts (means, with P10–P90)",
        &[
            "Option",
            "PV capital",
            "Optimism bias on capital",
            "PV running costs",
            "PV costs",
        ],
    );
    const COLUMNS: [Metric; 4] = [
        Metric::PvCapital,
        Metric::PvOptimismBias,
        Metric::PvRunning,
        Metric::PvCosts,
    ];
    for (o, option) in r.model().options().iter().enumerate() {
        let mut row = vec![Cell::text(&option.name)];
        row.extend(metric_cells(r, o, &COLUMNS));
        table.push(row);
    }
    table
}

/// An option's "mean (P10–P90)" cells of these metrics (empty where a figure is undefined).
fn metric_cells(r: &Results, o: usize, metrics: &[Metric]) -> Vec<Cell> {
    metrics
        .iter()
        .map(|&m| {
            r.appraisal(o, m)
                .map_or(Cell::Empty, |st| Cell::range(&st, money_kind(r)))
        })
        .collect()
}

/// Who pays and who benefits: each organisation's PV costs, PV benefits to government and net
/// present cost, so a reader sees that one body pays and others save.
pub fn who_pays_table(r: &Results, o: usize) -> Table {
    let mut table = Table::new(
        "Who pays and who benefits",
        &[
            "Organisation",
            "PV costs borne",
            "PV benefits received",
            "Net present cost",
        ],
    );
    for (slot, _, name) in r.organisations(o) {
        let mut row = vec![Cell::Text(name)];
        row.extend(
            OrgMetric::ALL
                .iter()
                .map(|&m| Cell::range(&r.organisation(o, slot, m), money_kind(r))),
        );
        table.push(row);
    }
    table.notes.push(
        "Means, with P10–P90. A negative net present cost is a net saving to that organisation."
            .into(),
    );
    table
}

/// Which savings release cash, and why (docs/method.md §3): per department, the share of a
/// staff-cost saving it banks (h) and the share of a channel-cost saving that is cash (g, per
/// channel where it has channels), with the sources the scenario gives.
pub fn cash_table(r: &Results) -> Table {
    let model = r.model();
    let mut table = Table::new(
        "Which savings release cash",
        &[
            if model.is_portfolio() {
                "Journey and department"
            } else {
                "Department"
            },
            "Staff-cost savings that release cash",
            "Channel-cost savings that release cash",
            "Why",
        ],
    );
    for (scope, name, emphasis) in super::markdown::scope_rows(r, "") {
        let Scope::Department(d) = scope else {
            if matches!(scope, Scope::Journey(_)) {
                table.push_emphasised(
                    vec![Cell::Text(name), Cell::Empty, Cell::Empty, Cell::Empty],
                    emphasis,
                );
            }
            continue;
        };
        let dept = &model.departments()[d];
        let staff = dept
            .input(DeptParam::CashReleasingShare)
            .map(|i| &model.inputs()[i]);
        let channel: Vec<&Input> = match dept.input(DeptParam::ChannelCostCashReleasing) {
            Some(i) => vec![&model.inputs()[i]],
            None => dept
                .channels
                .iter()
                .map(|c| &model.inputs()[c.input(ChannelParam::ChannelCostCashReleasing)])
                .collect(),
        };
        let channel_cell = match channel.as_slice() {
            [one] => Cell::Figure(one.sampler.mean(), Kind::Share),
            many => Cell::Text(
                dept.channels
                    .iter()
                    .zip(many)
                    .map(|(c, input)| {
                        format!(
                            "{} {}",
                            c.id,
                            format::describe_value(Unit::Share, input.sampler.mean())
                        )
                    })
                    .collect::<Vec<_>>()
                    .join(", "),
            ),
        };
        // Each reason says which share it is for: "staff", or the channel's id.
        let channel_names: Vec<&str> = match dept.input(DeptParam::ChannelCostCashReleasing) {
            Some(_) => vec!["channel costs"],
            None => dept.channels.iter().map(|c| c.id.as_str()).collect(),
        };
        let why: Vec<String> = staff
            .map(|i| ("staff costs", i))
            .into_iter()
            .chain(channel_names.into_iter().zip(channel.iter().copied()))
            .filter_map(|(what, input)| reason(input).map(|why| format!("{what}: {why}")))
            .collect();
        table.push(vec![
            Cell::Text(name),
            staff.map_or(Cell::Empty, |i| Cell::Figure(i.sampler.mean(), Kind::Share)),
            channel_cell,
            Cell::Long(if why.is_empty() {
                "the defaults: staff time freed is not banked; channel costs (non-staff by definition) are cash".into()
            } else {
                why.join("; ")
            }),
        ]);
    }
    table.text_columns = vec![0, 3];
    table.notes.push("Means of each share. Savings that do not release cash are staff time freed for other work: real, but not money a finance director can bank.".into());
    table
}

/// An input's source and note, where the scenario gives either: "illustration (share of
/// adviser time saved that HMRC banks…)".
fn reason(input: &Input) -> Option<String> {
    match (&input.source, &input.note) {
        (Some(s), Some(n)) => Some(format!("{s} ({n})")),
        (Some(s), None) => Some(s.clone()),
        (None, Some(n)) => Some(n.clone()),
        _ => None,
    }
}

/// One option's headline in words, as a summary states it: NPSV mean with P10–P90, the BCR
/// (ratio of expected PVs), P(NPSV > 0) and payback; "–" where a figure is undefined.
#[derive(Debug, Clone, PartialEq)]
pub struct OptionHeadline {
    pub npsv: String,
    pub bcr: String,
    pub p_positive: String,
    pub payback: String,
}

/// Option `o`'s headline: what the Word summary and the live page both show.
pub fn headline(r: &Results, o: usize) -> OptionHeadline {
    let npsv = r.appraisal(o, Metric::Npsv);
    OptionHeadline {
        npsv: npsv.map_or("–".into(), |s| format::money_range(s.mean, s.p10, s.p90)),
        bcr: r.bcr_expected(o).map_or("–".into(), format::ratio),
        p_positive: npsv.map_or("–".into(), |s| format::chance(s.p_positive)),
        payback: r.payback(o).summary(),
    }
}
