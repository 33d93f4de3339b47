//! A table as CSV, written with the `csv` crate: every number as the shortest text that reads
//! back to the same value, and every text cell through the one guard against formula
//! injection. A figure that is not finite stops the run before anything is written.

use super::{Cell, Table};
use crate::error::{Error, Result};
use crate::format::{csv_number, csv_text};

/// The CSV text of one cell. A range is written as its central figure (the CSV files keep
/// their statistics in columns of their own).
fn cell_text(cell: &Cell) -> String {
    match cell {
        Cell::Empty => String::new(),
        Cell::Text(s) | Cell::Long(s) | Cell::Key(s) => csv_text(s),
        Cell::Figure(x, _) | Cell::Range { central: x, .. } => csv_number(*x),
        Cell::Interval { low, high, .. } => format!("{}–{}", csv_number(*low), csv_number(*high)),
        Cell::Flag(b) => b.to_string(),
    }
}

/// The table as CSV bytes; `name` names the file in an error.
///
/// # Errors
/// [`Error::Numeric`] naming the file and column when a figure is not finite;
/// [`Error::Write`] if the CSV writer fails.
pub fn render(name: &str, table: &Table) -> Result<Vec<u8>> {
    let fail = |e: &dyn std::fmt::Display| Error::Write {
        path: name.into(),
        problem: e.to_string(),
    };
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer.write_record(&table.header).map_err(|e| fail(&e))?;
    for row in &table.rows {
        // The last guard of "never NaN in a table".
        if let Some((c, x)) = row.cells.iter().enumerate().find_map(|(c, cell)| {
            cell.numbers()
                .into_iter()
                .find(|x| !x.is_finite())
                .map(|x| (c, x))
        }) {
            let column = table.header.get(c).map_or("?", String::as_str);
            return Err(Error::Numeric(format!(
                "{name}: a figure in column `{column}` is not a finite number ({x}); the inputs are too extreme to give a meaningful result"
            )));
        }
        writer
            .write_record(row.cells.iter().map(cell_text))
            .map_err(|e| fail(&e))?;
    }
    writer.into_inner().map_err(|e| fail(&e))
}
