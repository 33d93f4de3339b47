//! The tables of the CSV files (README, "What a run writes"), each built once as a typed
//! [`Table`] and registered in [`DATA_TABLES`]: the registration gives it its CSV file and its
//! sheet of the workbook, both rendered from the same value.

use super::{Artefact, Exporter};
use crate::error::Result;
use crate::outputs::STATISTICS;
use crate::outputs::{Bearer, Component, Metric, OrgMetric, TransactionMetric, YearlyMetric};
use crate::results::Results;
use crate::sensitivity::Kind as SwitchingKind;
use crate::table::{statistics_cells, Cell, Kind, Table};

/// A table of the run's files: its CSV file, its sheet in the workbook (`None`: it has a place
/// of its own there) and its builder (`None` when these results have nothing for it, such as
/// an appraisal of a scenario with no options).
pub struct DataTable {
    pub file: &'static str,
    pub sheet: Option<&'static str>,
    pub build: fn(&Results) -> Option<Table>,
}

/// Every CSV table of a run, in the order the workbook's sheets follow.
pub const DATA_TABLES: [DataTable; 12] = [
    DataTable {
        file: "summary.csv",
        sheet: None,
        build: summary,
    },
    DataTable {
        file: "appraisal.csv",
        sheet: Some("Appraisal"),
        build: appraisal,
    },
    DataTable {
        file: "yearly.csv",
        sheet: Some("By year"),
        build: yearly,
    },
    DataTable {
        file: "organisations.csv",
        sheet: Some("Organisations"),
        build: organisations,
    },
    DataTable {
        file: "transactions.csv",
        sheet: Some("Transactions"),
        build: transactions,
    },
    DataTable {
        file: "benefits.csv",
        sheet: Some("Benefits register"),
        build: super::benefits::benefits_csv,
    },
    DataTable {
        file: "financial.csv",
        sheet: Some("Financial view"),
        build: super::financial::financial_csv,
    },
    DataTable {
        file: "sensitivity.csv",
        sheet: Some("Sensitivity"),
        build: sensitivity,
    },
    DataTable {
        file: "switching.csv",
        sheet: Some("Switching values"),
        build: switching,
    },
    DataTable {
        file: "voi.csv",
        sheet: Some("Value of information"),
        build: super::case_tables::voi_csv,
    },
    DataTable {
        file: "conditions.csv",
        sheet: Some("What must be true"),
        build: super::case_tables::conditions_csv,
    },
    DataTable {
        file: "cases.csv",
        sheet: Some("Other cases"),
        build: super::case_tables::cases_csv,
    },
];

/// The registered tables of one run, each built the first time an exporter asks for it, so a
/// table's CSV file and its workbook sheet share one build.
pub struct Tables<'r> {
    results: &'r Results,
    built: [std::cell::OnceCell<Option<Table>>; DATA_TABLES.len()],
}

impl<'r> Tables<'r> {
    /// The tables of these results, none built yet.
    pub fn new(results: &'r Results) -> Tables<'r> {
        Tables {
            results,
            built: Default::default(),
        }
    }

    /// The table that `file` is written from, or `None` where these results have none (or no
    /// registered table writes `file`).
    pub fn get(&self, file: &str) -> Option<&Table> {
        let i = DATA_TABLES.iter().position(|t| t.file == file)?;
        self.built[i]
            .get_or_init(|| (DATA_TABLES[i].build)(self.results))
            .as_ref()
    }
}

/// One registered table as a CSV file.
pub struct CsvFile(pub &'static DataTable);

impl Exporter for CsvFile {
    fn name(&self) -> &'static str {
        self.0.file
    }

    fn render(&self, _r: &Results, tables: &Tables) -> Result<Vec<Artefact>> {
        let Some(table) = tables.get(self.0.file) else {
            return Ok(Vec::new());
        };
        Ok(vec![Artefact {
            name: self.0.file.into(),
            bytes: crate::table::csv::render(self.0.file, table)?,
        }])
    }
}

/// Money in the scenario's price base year.
fn money(r: &Results) -> Kind {
    Kind::Money(r.model().settings().price_base_year)
}

/// A header: the leading columns, the statistics, then the trailing columns.
fn header<'a>(leading: &[&'a str], trailing: &[&'a str]) -> Vec<&'a str> {
    leading
        .iter()
        .chain(STATISTICS.iter())
        .chain(trailing)
        .copied()
        .collect()
}

/// The `scenario` column a portfolio's files lead with (docs/method.md §6a); a scenario's
/// files have none.
pub(super) struct ScenarioColumn {
    portfolio: bool,
}

impl ScenarioColumn {
    pub(super) fn of(r: &Results) -> ScenarioColumn {
        ScenarioColumn {
            portfolio: r.model().is_portfolio(),
        }
    }

    /// A table whose header has `scenario` first in a portfolio.
    pub(super) fn table(&self, title: &str, rest: Vec<&str>) -> Table {
        match self.portfolio {
            true => Table::new(title, &[&["scenario"], rest.as_slice()].concat()),
            false => Table::new(title, &rest),
        }
    }

    /// The row with its scenario's id first in a portfolio.
    pub(super) fn row(&self, scenario: &str, mut rest: Vec<Cell>) -> Vec<Cell> {
        if self.portfolio {
            rest.insert(0, Cell::key(scenario));
        }
        rest
    }

    /// The scenario an input belongs to: the stem its key starts with, else (a shared input,
    /// an option's) the portfolio as a whole.
    fn of_input(key: &str) -> &str {
        key.split_once('/').map_or("total", |(stem, _)| stem)
    }
}

/// `summary.csv`: year-0 BAU cost by department (and `total`), component and bearer.
fn summary(r: &Results) -> Option<Table> {
    let lead = ScenarioColumn::of(r);
    let mut table = lead.table(
        "Cost in year 0 by department, kind of cost and who bears it",
        header(&["department", "component", "bearer"], &[]),
    );
    for scope in r.scopes() {
        let (scenario, id) = r.scope_ids(scope);
        for c in Component::ALL {
            for b in Bearer::ALL {
                let mut row = vec![Cell::key(id), Cell::key(c.name()), Cell::key(b.name())];
                row.extend(statistics_cells(Some(&r.cost(scope, c, b)), money(r)));
                table.push(lead.row(scenario, row));
            }
        }
    }
    Some(table)
}

/// The kind of an appraisal metric's figures.
fn metric_kind(r: &Results, m: Metric) -> Kind {
    match m {
        Metric::Bcr => Kind::Ratio,
        Metric::PaybackYear => Kind::Year,
        _ => money(r),
    }
}

/// `appraisal.csv`: each option × metric, with `p_positive` for NPSV and payback.
fn appraisal(r: &Results) -> Option<Table> {
    let options = r.model().options();
    if options.is_empty() {
        return None;
    }
    let lead = ScenarioColumn::of(r);
    let mut table = lead.table(
        "Each option's present values",
        header(&["option", "metric"], &["p_positive"]),
    );
    for (o, option) in options.iter().enumerate() {
        for m in Metric::ALL {
            let stats = r.appraisal(o, m);
            let mut row = vec![Cell::key(&option.id), Cell::key(m.name())];
            row.extend(statistics_cells(stats.as_ref(), metric_kind(r, m)));
            row.push(match (m, stats) {
                (Metric::Npsv, Some(s)) => Cell::Figure(s.p_positive, Kind::Share),
                (Metric::PaybackYear, _) => Cell::Figure(r.payback_share(o), Kind::Share),
                _ => Cell::Empty,
            });
            table.push(lead.row("total", row));
            if m == Metric::Bcr {
                table.push(lead.row("total", bcr_expected_row(r, o, &option.id)));
            }
        }
    }
    Some(table)
}

/// The `bcr_expected` row: the ratio of expected PVs in the `mean` cell, every other
/// statistic empty (it is one figure, not a distribution).
fn bcr_expected_row(r: &Results, o: usize, id: &str) -> Vec<Cell> {
    let mut row = vec![Cell::key(id), Cell::key("bcr_expected")];
    row.push(
        r.bcr_expected(o)
            .map_or(Cell::Empty, |x| Cell::Figure(x, Kind::Ratio)),
    );
    row.extend((1..STATISTICS.len()).map(|_| Cell::Empty));
    row.push(Cell::Empty);
    row
}

/// The short statistics of `yearly.csv`, `organisations.csv` and `transactions.csv`.
const SHORT_STATISTICS: [&str; 4] = ["mean", "p10", "p50", "p90"];

/// Three naming columns, then [`SHORT_STATISTICS`].
fn short_header(names: [&'static str; 3]) -> Vec<&'static str> {
    names
        .iter()
        .chain(SHORT_STATISTICS.iter())
        .copied()
        .collect()
}

fn short_row(names: [Cell; 3], s: &crate::outputs::Stats, kind: Kind) -> Vec<Cell> {
    let mut row = names.to_vec();
    row.extend([s.mean, s.p10, s.p50, s.p90].map(|x| Cell::Figure(x, kind)));
    row
}

/// `yearly.csv`: BAU and each option × calendar year × metric.
fn yearly(r: &Results) -> Option<Table> {
    let model = r.model();
    if model.options().is_empty() {
        return None;
    }
    let lead = ScenarioColumn::of(r);
    let mut table = lead.table(
        "Costs and benefits by year",
        short_header(["option", "year", "metric"]),
    );
    let years = model.settings().years;
    let cases = std::iter::once((None, "bau", YearlyMetric::BAU.as_slice())).chain(
        model
            .options()
            .iter()
            .enumerate()
            .map(|(o, option)| (Some(o), option.id.as_str(), YearlyMetric::ALL.as_slice())),
    );
    for (option, id, metrics) in cases {
        for y in 0..years {
            for &m in metrics {
                let year = Cell::Figure(f64::from(model.calendar_year(y)), Kind::Year);
                let names = [Cell::key(id), year, Cell::key(m.name())];
                let row = short_row(names, &r.yearly(option, y, m), money(r));
                table.push(lead.row("total", row));
            }
        }
    }
    Some(table)
}

/// `organisations.csv`: each option × organisation (the funder and every department) × who
/// pays and who benefits.
fn organisations(r: &Results) -> Option<Table> {
    let options = r.model().options();
    if options.is_empty() {
        return None;
    }
    let lead = ScenarioColumn::of(r);
    let mut table = lead.table(
        "Who pays and who benefits",
        short_header(["option", "organisation", "metric"]),
    );
    for (o, option) in options.iter().enumerate() {
        for (slot, id, _) in r.organisations(o) {
            for m in OrgMetric::ALL {
                let names = [Cell::key(&option.id), Cell::key(&id), Cell::key(m.name())];
                let row = short_row(names, &r.organisation(o, slot, m), money(r));
                table.push(lead.row("total", row));
            }
        }
    }
    Some(table)
}

/// The kind of a transaction metric's figures.
fn transaction_kind(r: &Results, m: TransactionMetric) -> Kind {
    let year = r.model().settings().price_base_year;
    match m {
        TransactionMetric::CostPerTransaction | TransactionMetric::UserCostPerJourney => {
            Kind::UnitCost(year)
        }
        TransactionMetric::Contacts | TransactionMetric::ChannelContacts(_) => Kind::Count,
        TransactionMetric::ChannelCost(_) => Kind::Money(year),
        TransactionMetric::DigitalTakeUp => Kind::Share,
    }
}

/// `transactions.csv` (docs/method.md §6): cost per transaction, cost per journey to users,
/// contacts (and by channel) and digital take-up, per department and in total, for business as
/// usual and each option in full effect.
fn transactions(r: &Results) -> Option<Table> {
    let model = r.model();
    let lead = ScenarioColumn::of(r);
    let mut table = lead.table(
        "Cost per transaction",
        short_header(["option", "department", "metric"]),
    );
    let cases = std::iter::once((None, "bau")).chain(
        model
            .options()
            .iter()
            .enumerate()
            .map(|(o, option)| (Some(o), option.id.as_str())),
    );
    for (option, name) in cases {
        for scope in r.scopes() {
            let (scenario, place) = r.scope_ids(scope);
            for (metric, s) in r.transactions(option, scope) {
                let names = [
                    Cell::key(name),
                    Cell::key(place),
                    Cell::key(metric.name(r.channel_ids())),
                ];
                let row = short_row(names, &s, transaction_kind(r, metric));
                table.push(lead.row(scenario, row));
            }
        }
    }
    Some(table)
}

/// `sensitivity.csv`: each output's drivers, largest |swing| first.
fn sensitivity(r: &Results) -> Option<Table> {
    let lead = ScenarioColumn::of(r);
    let mut table = lead.table(
        "What drives each result",
        vec![
            "output",
            "input",
            "spearman",
            "variance_share",
            "mean_when_low",
            "mean_when_high",
            "swing",
        ],
    );
    for t in r.tornadoes() {
        for d in &t.drivers {
            let row = vec![
                Cell::key(&t.output),
                Cell::key(&d.input),
                Cell::Figure(d.spearman, Kind::Correlation),
                Cell::Figure(d.variance_share, Kind::Share),
                Cell::Figure(d.mean_when_low, money(r)),
                Cell::Figure(d.mean_when_high, money(r)),
                Cell::Figure(d.swing, money(r)),
            ];
            table.push(lead.row(ScenarioColumn::of_input(&d.input), row));
        }
    }
    Some(table)
}

/// `switching.csv`: for each option and uncertain input, the value at which NPSV is zero.
fn switching(r: &Results) -> Option<Table> {
    if r.model().options().is_empty() {
        return None;
    }
    let lead = ScenarioColumn::of(r);
    let mut table = lead.table(
        "Switching values",
        vec![
            "option",
            "input",
            "base_value",
            "switching_value",
            "change_percent",
            "within_p5_p95",
            "kind",
        ],
    );
    // Each input's unit by its key, looked up once (a portfolio has tens of thousands).
    let units: std::collections::HashMap<&str, crate::params::Unit> = r
        .model()
        .inputs()
        .iter()
        .map(|i| (i.key.as_str(), i.unit))
        .collect();
    for v in r.switching_values() {
        let kind = match v.kind {
            SwitchingKind::Fixed => crate::fixed::kind_of(&v.input),
            SwitchingKind::Uncertain => Kind::Input(
                units
                    .get(v.input.as_str())
                    .copied()
                    .unwrap_or(crate::params::Unit::Count),
            ),
        };
        let row = vec![
            Cell::key(&v.option),
            Cell::key(&v.input),
            Cell::Figure(v.base_value, kind),
            v.switching_value
                .map_or(Cell::key("none"), |x| Cell::Figure(x, kind)),
            v.change_percent()
                .map_or(Cell::Empty, |x| Cell::Figure(x, Kind::Change)),
            match v.kind {
                SwitchingKind::Uncertain => Cell::Flag(v.within_p5_p95()),
                SwitchingKind::Fixed => Cell::Empty,
            },
            Cell::key(v.kind.name()),
        ];
        table.push(lead.row(ScenarioColumn::of_input(&v.input), row));
    }
    Some(table)
}
