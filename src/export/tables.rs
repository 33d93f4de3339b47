//! The CSV tables of a run (README, "What a run writes"), written with the `csv` crate. Every text cell passes
//! through one guard against formula injection, here, and every number is written as the
//! shortest text that reads back to the same value.

use super::{Artefact, Exporter};
use crate::error::{Error, Result};
use crate::format::{csv_number, csv_text};
use crate::outputs::{Bearer, Component, Metric, OrgMetric, YearlyMetric, STATISTICS};
use crate::results::Results;
use crate::sensitivity::{SwitchingValue, Tornado};

/// One cell of a CSV table.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    /// Text from a scenario or a name: neutralised if a spreadsheet would run it as a formula.
    Text(String),
    /// A number, written in full precision.
    Number(f64),
    /// An empty cell.
    Empty,
}

impl Cell {
    /// A text cell.
    pub fn text(s: impl Into<String>) -> Cell {
        Cell::Text(s.into())
    }

    fn render(&self) -> String {
        match self {
            Cell::Text(s) => csv_text(s),
            Cell::Number(x) => csv_number(*x),
            Cell::Empty => String::new(),
        }
    }
}

/// A CSV table from a header and rows.
///
/// # Errors
/// [`Error::Write`] naming `name` if the CSV writer fails.
pub fn csv_table(
    name: &str,
    header: &[&str],
    rows: impl IntoIterator<Item = Vec<Cell>>,
) -> Result<Vec<u8>> {
    let fail = |e: &dyn std::fmt::Display| Error::Write {
        path: name.into(),
        problem: e.to_string(),
    };
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer.write_record(header).map_err(|e| fail(&e))?;
    for row in rows {
        // The last guard of "never NaN in a table": a figure that is not finite stops the run
        // before anything is written.
        if let Some((column, x)) = row.iter().enumerate().find_map(|(i, cell)| match cell {
            Cell::Number(x) if !x.is_finite() => Some((header.get(i).copied().unwrap_or("?"), x)),
            _ => None,
        }) {
            return Err(Error::Numeric(format!(
                "{name}: a figure in column `{column}` is not a finite number ({x}); the inputs are too extreme to give a meaningful result"
            )));
        }
        writer
            .write_record(row.iter().map(Cell::render))
            .map_err(|e| fail(&e))?;
    }
    writer.into_inner().map_err(|e| fail(&e))
}

/// One CSV file as the only artefact of its exporter.
fn table_file(
    name: &str,
    header: &[&str],
    rows: impl IntoIterator<Item = Vec<Cell>>,
) -> Result<Vec<Artefact>> {
    Ok(vec![Artefact {
        name: name.into(),
        bytes: csv_table(name, header, rows)?,
    }])
}

/// The statistics cells of an output, or empty cells where it is undefined.
fn statistics(s: Option<&crate::engine::Stats>) -> impl Iterator<Item = Cell> {
    let values = s.map(|s| [s.mean, s.sd, s.se, s.p5, s.p10, s.p50, s.p90, s.p95]);
    (0..STATISTICS.len()).map(move |i| values.map_or(Cell::Empty, |v| Cell::Number(v[i])))
}

fn header<'a>(leading: &[&'a str], trailing: &[&'a str]) -> Vec<&'a str> {
    leading
        .iter()
        .chain(STATISTICS.iter())
        .chain(trailing)
        .copied()
        .collect()
}

/// The `scenario` column a portfolio's files lead with (docs/method.md §8); a scenario's
/// files have none.
struct ScenarioColumn {
    portfolio: bool,
}

impl ScenarioColumn {
    fn of(r: &Results) -> ScenarioColumn {
        ScenarioColumn {
            portfolio: r.model().is_portfolio(),
        }
    }

    /// The header with `scenario` first in a portfolio.
    fn header<'a>(&self, rest: Vec<&'a str>) -> Vec<&'a str> {
        match self.portfolio {
            true => std::iter::once("scenario").chain(rest).collect(),
            false => rest,
        }
    }

    /// The row with its scenario's id first in a portfolio.
    fn row(&self, scenario: &str, mut rest: Vec<Cell>) -> Vec<Cell> {
        if self.portfolio {
            rest.insert(0, Cell::text(scenario));
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
pub struct SummaryCsv;

impl Exporter for SummaryCsv {
    fn name(&self) -> &'static str {
        "summary.csv"
    }

    fn render(&self, r: &Results, _earlier: &[Artefact]) -> Result<Vec<Artefact>> {
        let lead = ScenarioColumn::of(r);
        let lead = &lead;
        let rows = r.scopes().into_iter().flat_map(|scope| {
            let (scenario, id) = r.scope_ids(scope);
            Component::ALL.into_iter().flat_map(move |c| {
                Bearer::ALL.into_iter().map(move |b| {
                    let mut row = vec![Cell::text(id), Cell::text(c.name()), Cell::text(b.name())];
                    row.extend(statistics(Some(&r.cost(scope, c, b))));
                    lead.row(scenario, row)
                })
            })
        });
        table_file(
            self.name(),
            &lead.header(header(&["department", "component", "bearer"], &[])),
            rows,
        )
    }
}

/// `appraisal.csv`: each option × metric, with `p_positive` for NPSV.
pub struct AppraisalCsv;

impl Exporter for AppraisalCsv {
    fn name(&self) -> &'static str {
        "appraisal.csv"
    }

    fn render(&self, r: &Results, _earlier: &[Artefact]) -> Result<Vec<Artefact>> {
        let options = r.model().options();
        if options.is_empty() {
            return Ok(Vec::new());
        }
        let lead = ScenarioColumn::of(r);
        let lead = &lead;
        let rows = options.iter().enumerate().flat_map(|(o, option)| {
            Metric::ALL.into_iter().map(move |m| {
                let stats = r.appraisal(o, m);
                let mut row = vec![Cell::text(&option.id), Cell::text(m.name())];
                row.extend(statistics(stats.as_ref()));
                row.push(match (m, stats) {
                    (Metric::Npsv, Some(s)) => Cell::Number(s.p_positive),
                    (Metric::PaybackYear, _) => Cell::Number(r.payback_share(o)),
                    _ => Cell::Empty,
                });
                lead.row("total", row)
            })
        });
        table_file(
            self.name(),
            &lead.header(header(&["option", "metric"], &["p_positive"])),
            rows,
        )
    }
}

/// A row of three naming cells and the short statistics `mean,p10,p50,p90`.
/// The short statistics of `yearly.csv`, `organisations.csv` and `transactions.csv`.
const SHORT_STATISTICS: [&str; 4] = ["mean", "p10", "p50", "p90"];

/// The header of a short-statistics table: three naming columns, then [`SHORT_STATISTICS`].
fn short_stats_header(names: [&str; 3]) -> Vec<&str> {
    names
        .iter()
        .chain(SHORT_STATISTICS.iter())
        .copied()
        .collect()
}

fn short_stats_row(names: [Cell; 3], s: &crate::engine::Stats) -> Vec<Cell> {
    let mut row = names.to_vec();
    row.extend([s.mean, s.p10, s.p50, s.p90].map(Cell::Number));
    row
}

/// `yearly.csv`: BAU and each option × calendar year × metric.
pub struct YearlyCsv;

impl Exporter for YearlyCsv {
    fn name(&self) -> &'static str {
        "yearly.csv"
    }

    fn render(&self, r: &Results, _earlier: &[Artefact]) -> Result<Vec<Artefact>> {
        let model = r.model();
        if model.options().is_empty() {
            return Ok(Vec::new());
        }
        let years = model.settings().years;
        let lead = ScenarioColumn::of(r);
        let row = |id: &str, option: Option<usize>, y: usize, m: YearlyMetric| {
            let year = Cell::Number(f64::from(model.calendar_year(y)));
            let row = short_stats_row(
                [Cell::text(id), year, Cell::text(m.name())],
                &r.yearly(option, y, m),
            );
            lead.row("total", row)
        };
        let bau = (0..years)
            .flat_map(|y| YearlyMetric::BAU.into_iter().map(move |m| (y, m)))
            .map(|(y, m)| row("bau", None, y, m));
        let options = model.options().iter().enumerate().flat_map(|(o, option)| {
            (0..years)
                .flat_map(|y| YearlyMetric::ALL.into_iter().map(move |m| (y, m)))
                .map(move |(y, m)| row(&option.id, Some(o), y, m))
        });
        table_file(
            self.name(),
            &lead.header(short_stats_header(["option", "year", "metric"])),
            bau.chain(options),
        )
    }
}

/// `organisations.csv`: each option × organisation (the funder and every department) × who
/// pays and who benefits.
pub struct OrganisationsCsv;

impl Exporter for OrganisationsCsv {
    fn name(&self) -> &'static str {
        "organisations.csv"
    }

    fn render(&self, r: &Results, _earlier: &[Artefact]) -> Result<Vec<Artefact>> {
        let options = r.model().options();
        if options.is_empty() {
            return Ok(Vec::new());
        }
        let lead = ScenarioColumn::of(r);
        let lead = &lead;
        let rows = options.iter().enumerate().flat_map(|(o, option)| {
            r.organisations(o)
                .into_iter()
                .flat_map(move |(slot, id, _)| {
                    OrgMetric::ALL.into_iter().map(move |m| {
                        let names = [
                            Cell::text(&option.id),
                            Cell::text(&id),
                            Cell::text(m.name()),
                        ];
                        lead.row("total", short_stats_row(names, &r.organisation(o, slot, m)))
                    })
                })
        });
        table_file(
            self.name(),
            &lead.header(short_stats_header(["option", "organisation", "metric"])),
            rows,
        )
    }
}

/// `transactions.csv` (docs/method.md §6): cost per transaction, cost per journey to users,
/// contacts (and by channel) and digital take-up, per department and in total, for business as
/// usual and each option in full effect.
pub struct TransactionsCsv;

impl Exporter for TransactionsCsv {
    fn name(&self) -> &'static str {
        "transactions.csv"
    }

    fn render(&self, r: &Results, _earlier: &[Artefact]) -> Result<Vec<Artefact>> {
        let model = r.model();
        let blocks = std::iter::once((None, "bau")).chain(
            model
                .options()
                .iter()
                .enumerate()
                .map(|(o, option)| (Some(o), option.id.as_str())),
        );
        let scopes = r.scopes();
        let lead = ScenarioColumn::of(r);
        let (scopes, lead) = (&scopes, &lead);
        let rows = blocks.flat_map(|(option, name)| {
            scopes.iter().flat_map(move |&scope| {
                let (scenario, place) = r.scope_ids(scope);
                r.transactions(option, scope)
                    .into_iter()
                    .map(move |(metric, s)| {
                        let names = [
                            Cell::text(name),
                            Cell::text(place),
                            Cell::text(metric.name(r.channel_ids())),
                        ];
                        lead.row(scenario, short_stats_row(names, &s))
                    })
            })
        });
        table_file(
            self.name(),
            &lead.header(short_stats_header(["option", "department", "metric"])),
            rows,
        )
    }
}

/// `sensitivity.csv`: each output's drivers, largest |swing| first.
pub struct SensitivityCsv;

impl Exporter for SensitivityCsv {
    fn name(&self) -> &'static str {
        "sensitivity.csv"
    }

    fn render(&self, r: &Results, _earlier: &[Artefact]) -> Result<Vec<Artefact>> {
        let lead = ScenarioColumn::of(r);
        let lead = &lead;
        let rows = r.tornadoes().iter().flat_map(|t: &Tornado| {
            t.drivers.iter().map(move |d| {
                let scenario = ScenarioColumn::of_input(&d.input);
                lead.row(
                    scenario,
                    vec![
                        Cell::text(&t.output),
                        Cell::text(&d.input),
                        Cell::Number(d.spearman),
                        Cell::Number(d.variance_share),
                        Cell::Number(d.mean_when_low),
                        Cell::Number(d.mean_when_high),
                        Cell::Number(d.swing),
                    ],
                )
            })
        });
        table_file(
            self.name(),
            &lead.header(vec![
                "output",
                "input",
                "spearman",
                "variance_share",
                "mean_when_low",
                "mean_when_high",
                "swing",
            ]),
            rows,
        )
    }
}

/// `switching.csv`: for each option and uncertain input, the value at which NPSV is zero.
pub struct SwitchingCsv;

impl Exporter for SwitchingCsv {
    fn name(&self) -> &'static str {
        "switching.csv"
    }

    fn render(&self, r: &Results, _earlier: &[Artefact]) -> Result<Vec<Artefact>> {
        if r.model().options().is_empty() {
            return Ok(Vec::new());
        }
        let lead = ScenarioColumn::of(r);
        let rows = r.switching_values().iter().map(|v: &SwitchingValue| {
            lead.row(
                ScenarioColumn::of_input(&v.input),
                vec![
                    Cell::text(&v.option),
                    Cell::text(&v.input),
                    Cell::Number(v.base_value),
                    v.switching_value.map_or(Cell::text("none"), Cell::Number),
                    v.change_percent().map_or(Cell::Empty, Cell::Number),
                    Cell::text(v.within_p5_p95().to_string()),
                ],
            )
        });
        table_file(
            self.name(),
            &lead.header(vec![
                "option",
                "input",
                "base_value",
                "switching_value",
                "change_percent",
                "within_p5_p95",
            ]),
            rows,
        )
    }
}
