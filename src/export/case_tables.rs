//! The economic case's tables of what drives the results, switching values and the key
//! assumptions, built as typed tables so every format writes them the same way.

use super::markdown::money_kind;
use super::words::words;
use crate::results::Results;
use crate::scenario::Origin;
use crate::sensitivity::{SwitchingValue, Tornado};
use crate::table::{Cell, Kind, MoneyUnits, Table};

/// The five inputs whose uncertainty moves one option's NPSV most.
pub fn drivers_table(r: &Results, tornado: &Tornado) -> Table {
    let mut table = Table::new(
        tornado.title.clone(),
        &[
            "Input",
            "Rank correlation",
            "Share of variance",
            "NPSV when low (≤ P10)",
            "NPSV when high (≥ P90)",
        ],
    );
    for d in tornado.drivers.iter().take(5) {
        table.push(vec![
            Cell::Text(r.model().label_within(&d.input, &tornado.title)),
            Cell::Figure(d.spearman, Kind::Correlation),
            Cell::Figure(d.variance_share, Kind::Share),
            Cell::Figure(d.mean_when_low, money_kind(r)),
            Cell::Figure(d.mean_when_high, money_kind(r)),
        ]);
    }
    table
}

/// The switching values that lie within or near their input's plausible range; a sum of
/// money reads in one unit across its row (£1.27m against £0.909m).
pub fn switching_table(r: &Results, near: &[&SwitchingValue]) -> Table {
    let mut table = Table::new(
        "Switching values near their inputs' ranges",
        &[
            "Option",
            "Input",
            "Base case",
            "Switching value",
            "Change",
            "Within P5–P95?",
        ],
    );
    table.money_units = MoneyUnits::PerRow;
    table.text_columns = vec![0, 1, 5];
    for s in near {
        let Some(input) = r.model().input(&s.input) else {
            continue;
        };
        let option = r
            .model()
            .options
            .iter()
            .find(|o| o.id == s.option)
            .map_or(s.option.as_str(), |o| o.name.as_str());
        let kind = Kind::Input(input.unit);
        table.push(vec![
            Cell::text(option),
            Cell::Text(r.model().label_within(&s.input, option)),
            Cell::Figure(s.base_value, kind),
            s.switching_value
                .map_or(Cell::text("none"), |x| Cell::Figure(x, kind)),
            s.change_percent()
                .map_or(Cell::Empty, |c| Cell::Figure(c, Kind::Change)),
            Cell::Flag(s.within_p5_p95()),
        ]);
    }
    table
}

/// Every input the scenario states (defaults left out), with its mean, P5–P95, evidence and
/// key.
pub fn assumptions_table(r: &Results) -> Table {
    let mut table = Table::new(
        "Key assumptions",
        &[
            "Input",
            "Assumption",
            "Mean",
            "P5–P95",
            "Source and note",
            "Key",
        ],
    );
    table.money_units = MoneyUnits::PerCell;
    table.text_columns = vec![0, 1, 4, 5];
    let model = r.model();
    let stated = model.inputs.iter().filter(|i| i.origin != Origin::Default);
    for input in stated {
        let (mean, p5, p95) = input.summary();
        let kind = Kind::Input(input.unit);
        let source = crate::register::source_of(model, input);
        let evidence: Vec<&str> = [Some(source.as_str()), input.note.as_deref()]
            .into_iter()
            .flatten()
            .filter(|s| !s.is_empty())
            .collect();
        let range = match input.sampler.is_fixed() {
            true => Cell::Empty,
            false => Cell::Interval {
                low: p5,
                high: p95,
                kind,
            },
        };
        table.push(vec![
            Cell::Text(model.label(&input.key)),
            Cell::Text(words(input, model.settings().price_base_year)),
            Cell::Figure(mean, kind),
            range,
            Cell::Long(evidence.join(" — ")),
            Cell::key(&input.key),
        ]);
    }
    table
}

/// The assumptions a run changed from the scenario file, and what changed them.
pub fn overrides_table(r: &Results) -> Table {
    let mut table = Table::new(
        "Assumptions changed from the scenario file",
        &["Input", "In the scenario", "Used in this run", "Changed by"],
    );
    table.text_columns = vec![0, 1, 2, 3];
    for o in r.model().overrides() {
        table.push(vec![
            Cell::key(&o.key),
            Cell::text(&o.from),
            Cell::text(&o.to),
            Cell::text(&o.by),
        ]);
    }
    table
}

/// The metric of the annual cost of disjointedness in `cases.csv`.
pub const CASE_COST: &str = "annual_cost_disjointed";

/// `cases.csv`: the central case and each named case — every option's NPSV (mean, P10, P90),
/// BCR (the ratio of expected PVs) and P(NPSV > 0), and the annual cost of disjointedness
/// (option `bau`); `None` when the scenario names no case.
pub fn cases_csv(r: &Results) -> Option<Table> {
    if r.cases().is_empty() {
        return None;
    }
    let mut table = Table::new(
        "Other cases",
        &["case", "option", "metric", "mean", "p10", "p90"],
    );
    table.text_columns = vec![0, 1, 2];
    let money = money_kind(r);
    let mut push = |case: &str, option: &str, metric: &str, cells: Vec<Cell>| {
        let mut row = vec![Cell::key(case), Cell::key(option), Cell::key(metric)];
        row.extend(cells);
        table.push(row);
    };
    let range = |s: &crate::outputs::Stats| {
        vec![
            Cell::Figure(s.mean, money),
            Cell::Figure(s.p10, money),
            Cell::Figure(s.p90, money),
        ]
    };
    let only = |x: Option<f64>, kind: Kind| {
        vec![
            x.map_or(Cell::Empty, |x| Cell::Figure(x, kind)),
            Cell::Empty,
            Cell::Empty,
        ]
    };
    let central = r.central_case();
    for case in std::iter::once(&central).chain(r.cases()) {
        push(&case.name, "bau", CASE_COST, range(&case.cost));
        for option in &case.options {
            push(&case.name, &option.id, "npsv", range(&option.npsv));
            push(
                &case.name,
                &option.id,
                "bcr_expected",
                only(option.bcr_expected, Kind::Ratio),
            );
            let chance = Some(option.npsv.p_positive);
            push(
                &case.name,
                &option.id,
                "p_positive",
                only(chance, Kind::Chance),
            );
        }
    }
    Some(table)
}

/// `conditions.csv`: per option, each uncertain input whose median where NPSV < 0 is at least
/// half an sd from its median over all iterations (written whenever there are options).
pub fn conditions_csv(r: &Results) -> Option<Table> {
    if r.model().options().is_empty() {
        return None;
    }
    let mut table = Table::new(
        "What must be true",
        &[
            "option",
            "input",
            "median_all",
            "median_npsv_negative",
            "shift_sd",
        ],
    );
    table.text_columns = vec![0, 1];
    for c in r.conditions() {
        let unit = r
            .model()
            .input(&c.input)
            .map_or(crate::params::Unit::Count, |i| i.unit);
        table.push(vec![
            Cell::key(&c.option),
            Cell::key(&c.input),
            Cell::Figure(c.median_all, Kind::Input(unit)),
            Cell::Figure(c.median_npsv_negative, Kind::Input(unit)),
            Cell::Figure(c.shift_sd, Kind::Ratio),
        ]);
    }
    Some(table)
}

/// `voi.csv`: the EVPI first (input `evpi`), then each uncertain input's EVPPI and its share of
/// the EVPI (docs/method.md §6); written whenever there are options.
pub fn voi_csv(r: &Results) -> Option<Table> {
    let voi = r.voi()?;
    let mut table = Table::new(
        "Value of information",
        &["input", "group", "evppi", "share_of_evpi"],
    );
    table.text_columns = vec![0, 1];
    let money = money_kind(r);
    let share = |x: f64| {
        if voi.evpi > 0.0 {
            Cell::Figure(x / voi.evpi, Kind::Share)
        } else {
            Cell::Empty
        }
    };
    table.push(vec![
        Cell::key("evpi"),
        Cell::Empty,
        Cell::Figure(voi.evpi, money),
        share(voi.evpi),
    ]);
    for e in &voi.inputs {
        table.push(vec![
            Cell::key(&e.input),
            Cell::Empty,
            Cell::Figure(e.evppi, money),
            share(e.evppi),
        ]);
    }
    for (group, evppi, _) in &voi.groups {
        table.push(vec![
            Cell::Empty,
            Cell::key(group),
            Cell::Figure(*evppi, money),
            share(*evppi),
        ]);
    }
    Some(table)
}
