//! The assumptions register as written: every input (and correlation) as a row a reviewer
//! can edit — the CSV of `seams assumptions` and the Assumptions sheet of the workbook, both
//! from one typed table.

use crate::error::Result;
use crate::scenario::{Model, Origin};
use crate::table::{Cell, Kind, Table};

/// The sheet of a workbook that holds the register.
pub const ASSUMPTIONS_SHEET: &str = "Assumptions";

/// The register's columns, in order.
pub const COLUMNS: [&str; 8] = [
    "key",
    "distribution",
    "price_year",
    "mean",
    "p5",
    "p95",
    "source",
    "note",
];

/// The register of every input: key, distribution as written, mean, P5, P95, source, note.
/// It starts with a UTF-8 byte-order mark, so that a spreadsheet opens it as UTF-8 (£, ρ and
/// en dashes intact); reading a register strips it.
///
/// # Errors
/// Only if the CSV writer fails.
pub fn register_csv(model: &Model) -> Result<String> {
    let bytes = crate::table::csv::render("assumptions register", &register_table(model))?;
    Ok(format!("\u{feff}{}", String::from_utf8_lossy(&bytes)))
}

/// The register: every input, then every correlation. The distribution is a key (text seams
/// reads back), even when it is a plain number, so it reads back as written.
pub fn register_table(model: &Model) -> Table {
    let mut table = Table::new("Assumptions register", &COLUMNS);
    for input in model.inputs() {
        let (mean, p5, p95) = input.summary();
        let note = match (&input.note, &input.origin) {
            (Some(n), _) => n.clone(),
            (None, Origin::Default) => "default".into(),
            (None, _) => String::new(),
        };
        let figure = |x: f64| Cell::Figure(sensible(x), Kind::Input(input.unit));
        table.push(vec![
            Cell::key(&input.key),
            Cell::key(&input.text),
            input
                .price_year
                .map_or(Cell::Empty, |y| Cell::Figure(f64::from(y), Kind::Year)),
            figure(mean),
            figure(p5),
            figure(p95),
            Cell::Long(source_of(model, input)),
            Cell::Long(note),
        ]);
    }
    // Each correlation is a row too: its ρ can be edited, and a row `correlation:KEY,KEY`
    // added, then read back like any other (docs/scenario-format.md).
    for c in model.correlations() {
        table.push(vec![
            Cell::key(c.key()),
            Cell::key(c.rank.to_string()),
            Cell::Empty,
            Cell::Empty,
            Cell::Empty,
            Cell::Empty,
            Cell::Long(if c.by == "scenario" { "" } else { &c.by }.to_string()),
            Cell::Long("Spearman rank correlation between the two inputs (−1 < ρ < 1)".into()),
        ]);
    }
    table
}

/// A register of one row: `key`'s distribution found outside a scenario (by `seams elicit`),
/// with its mean, P5 and P95 and `source`, to paste into a register or a scenario's table form.
///
/// # Errors
/// Only if the CSV writer fails.
pub fn register_row(key: &str, dist: &crate::dist::Dist, source: &str) -> Result<String> {
    let mut table = Table::new("Assumptions register", &COLUMNS);
    let sampler = dist.sampler(crate::dist::Domain::ANY).ok();
    let figure = |x: Option<f64>| {
        x.map_or(Cell::Empty, |x| {
            Cell::Figure(sensible(x), Kind::Input(crate::params::Unit::Count))
        })
    };
    table.push(vec![
        Cell::key(key),
        Cell::key(dist.to_string()),
        Cell::Empty,
        figure(sampler.map(|s| s.mean())),
        figure(sampler.map(|s| s.quantile(0.05))),
        figure(sampler.map(|s| s.quantile(0.95))),
        Cell::Long(source.into()),
        Cell::Long(String::new()),
    ]);
    let bytes = crate::table::csv::render("assumptions register", &table)?;
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

/// Where an input's figure comes from: the file's source, or — for an assumption changed from
/// the file — what it was changed from and by what, never the file's source for a figure the
/// file does not give.
pub fn source_of(model: &Model, input: &crate::scenario::Input) -> String {
    match model.overrides().iter().find(|o| o.key == input.key) {
        Some(o) => format!("changed from the file's `{}` by {}", o.from, o.by),
        None => input.source.clone().unwrap_or_default(),
    }
}

/// A computed figure at twelve significant figures: `100000`, not `100000.00000000001`.
fn sensible(x: f64) -> f64 {
    format!("{x:.11e}").parse().unwrap_or(x)
}
