//! The assumptions register as written: every input (and correlation) as a row a reviewer
//! can edit — the CSV of `seams assumptions` and the Assumptions sheet of the workbook.
//! Reading it back is [`crate::assumptions`]' job.

use super::{csv_table, Cell};
use crate::error::Result;
use crate::scenario::{Model, Origin};

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
    let bytes = csv_table("assumptions register", &COLUMNS, register_rows(model))?;
    Ok(format!("\u{feff}{}", String::from_utf8_lossy(&bytes)))
}

/// The register's rows: every input, then every correlation.
pub fn register_rows(model: &Model) -> Vec<Vec<Cell>> {
    let rows = model.inputs().iter().map(|input| {
        let (mean, p5, p95) = input.summary();
        let note = match (&input.note, &input.origin) {
            (Some(n), _) => n.clone(),
            (None, Origin::Default) => "default".into(),
            (None, _) => String::new(),
        };
        vec![
            Cell::text(&input.key),
            Cell::text(&input.text),
            input
                .price_year
                .map_or(Cell::Empty, |y| Cell::Number(f64::from(y))),
            Cell::Number(sensible(mean)),
            Cell::Number(sensible(p5)),
            Cell::Number(sensible(p95)),
            Cell::text(input.source.as_deref().unwrap_or("")),
            Cell::Text(note),
        ]
    });
    // Each correlation is a row too: its ρ can be edited, and a row `correlation:KEY,KEY`
    // added, then read back like any other (docs/scenario-format.md).
    let correlations = model.correlations().iter().map(|c| {
        vec![
            Cell::text(c.key()),
            Cell::text(c.rank.to_string()),
            Cell::Empty,
            Cell::Empty,
            Cell::Empty,
            Cell::Empty,
            Cell::text(if c.by == "scenario" { "" } else { &c.by }),
            Cell::text("Spearman rank correlation between the two inputs (−1 < ρ < 1)"),
        ]
    });
    rows.chain(correlations).collect()
}

/// A computed figure at twelve significant figures: `100000`, not `100000.00000000001`.
fn sensible(x: f64) -> f64 {
    format!("{x:.11e}").parse().unwrap_or(x)
}
