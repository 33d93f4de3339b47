//! The assumptions register, in one room: every input as a row a reviewer can edit in a
//! spreadsheet — written as CSV or as the workbook's Assumptions sheet ([`write`]) — and the
//! reading back of their edits, from either, as overrides checked as strictly as the scenario
//! itself.

use std::collections::HashMap;
use std::path::Path;

use crate::error::{Error, InputError, Result};
mod workbook;
mod write;
use crate::scenario::{Model, Override};
pub(crate) use workbook::read_sheet_cells;
pub use workbook::{MAX_CELL_CHARS, MAX_COLUMNS, MAX_ROWS, MAX_UNPACKED_BYTES};
pub use write::{
    register_csv, register_row, register_table, source_of, ASSUMPTIONS_SHEET, COLUMNS,
};

/// The largest register seams reads.
const MAX_REGISTER_BYTES: u64 = 10_000_000;

fn row_error(origin: &str, key: &str, problem: impl Into<String>, fix: impl Into<String>) -> Error {
    InputError {
        origin: origin.into(),
        location: None,
        key: key.into(),
        problem: problem.into(),
        fix: fix.into(),
    }
    .into()
}

/// Reads an edited register and returns an override for every row whose distribution
/// differs from the scenario's. Rows are named `FILE row N`, counting the header as row 1,
/// as a spreadsheet does.
///
/// # Errors
/// A missing `key` or `distribution` column, a row with an empty or repeated key, or a file
/// that is not CSV. Unknown keys and invalid distributions are reported when the overrides are
/// applied to the scenario, naming the same row.
pub fn read_overrides(path: &Path, baseline: &Model) -> Result<Vec<Override>> {
    let bytes = crate::disk::read_regular(path, "assumptions register", MAX_REGISTER_BYTES)?;
    // A workbook is a zip file, whatever its name says.
    let table = if bytes.starts_with(b"PK\x03\x04") {
        read_workbook(path, bytes)?
    } else {
        read_csv(path, bytes)?
    };
    overrides_from(&table, baseline)
}

/// A register as read from a file: its header and rows of cell text, with the place of each
/// row (and cell) named as the file names it.
struct Table {
    header: Vec<String>,
    rows: Vec<Vec<String>>,
    /// `FILE row N` for a CSV, `FILE, sheet Assumptions, row N` for a workbook.
    place: String,
    /// The row number of the first row after the header.
    first_row: usize,
    /// Whether cells are named by column letter too (a workbook).
    letters: bool,
}

impl Table {
    /// Where row `i` (from 0, after the header) is, and column `c` where named.
    fn at(&self, i: usize, c: Option<usize>) -> String {
        let row = format!("{} row {}", self.place, self.first_row + i);
        match c {
            Some(c) if self.letters => {
                format!("{row}, column {} ({})", column_letter(c), self.header[c])
            }
            _ => row,
        }
    }
}

/// A spreadsheet's letter for column `c` (from 0): A, B, …, Z, AA.
fn column_letter(c: usize) -> String {
    let mut n = c + 1;
    let mut letters = Vec::new();
    while n > 0 {
        letters.push(b'A' + ((n - 1) % 26) as u8);
        n = (n - 1) / 26;
    }
    letters.iter().rev().map(|&b| b as char).collect()
}

/// Reads a register saved as CSV (UTF-8, with or without a byte-order mark; commas, or the
/// semicolons of a spreadsheet in a European locale).
fn read_csv(path: &Path, bytes: Vec<u8>) -> Result<Table> {
    let file = path.display().to_string();
    if path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("xlsx"))
    {
        return Err(row_error(
            &file,
            "",
            "is named as an Excel workbook but is not one (an .xlsx file is a zip archive)",
            "give the workbook seams wrote (economic-case.xlsx), or name a CSV register .csv",
        ));
    }
    let text = crate::disk::utf8(path, bytes, "register")?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    let first_line = text.lines().next().unwrap_or("");
    let delimiter = if !first_line.contains(',') && first_line.contains(';') {
        b';'
    } else {
        b','
    };
    let mut reader = csv::ReaderBuilder::new()
        .flexible(false)
        .delimiter(delimiter)
        .from_reader(text.as_bytes());
    let header = reader
        .headers()
        .map_err(|e| row_error(&file, "", e.to_string(), "save the register as CSV (UTF-8)"))?
        .iter()
        .map(|h| h.trim().to_string())
        .collect();
    let mut rows = Vec::new();
    for (i, record) in reader.records().enumerate() {
        let record = record.map_err(|e| {
            row_error(
                &format!("{file} row {}", i + 2),
                "",
                e.to_string(),
                "every row needs the same columns as the header",
            )
        })?;
        rows.push(record.iter().map(String::from).collect());
    }
    Ok(Table {
        header,
        rows,
        place: file,
        first_row: 2,
        letters: false,
    })
}

/// Reads the Assumptions sheet of a workbook written by `seams run` (economic-case.xlsx) and
/// edited in a spreadsheet, within the limits of [`workbook`]: numbers read as the text that
/// gives them back exactly.
fn read_workbook(path: &Path, bytes: Vec<u8>) -> Result<Table> {
    let file = path.display().to_string();
    let cells = workbook::read_sheet(path, bytes, ASSUMPTIONS_SHEET)?;
    let place = format!("{file}, sheet {ASSUMPTIONS_SHEET},");
    let read_columns: Vec<&str> = COLUMNS
        .iter()
        .copied()
        .filter(|c| !matches!(*c, "source" | "note"))
        .collect();
    let (header_row, header, rows) = cells.into_rows(&place, &read_columns)?;
    Ok(Table {
        header,
        rows,
        place,
        first_row: header_row + 1,
        letters: true,
    })
}

/// The overrides an edited register makes: every row whose distribution (or price year)
/// differs from the scenario's.
fn overrides_from(table: &Table, baseline: &Model) -> Result<Vec<Override>> {
    let header_place = format!("{} row {}", table.place, table.first_row - 1);
    let names: Vec<&str> = table.header.iter().map(String::as_str).collect();
    if let Some(twice) = names
        .iter()
        .enumerate()
        .find(|(i, n)| !n.is_empty() && names[..*i].contains(n))
        .map(|(_, n)| n)
    {
        return Err(row_error(
            &header_place,
            "",
            format!("the column `{twice}` appears twice in the header"),
            "keep one column of each name (delete the copy)",
        ));
    }
    let column = |name: &str| names.iter().position(|h| *h == name);
    let (Some(key_column), Some(dist_column)) = (column("key"), column("distribution")) else {
        let missing: Vec<&str> = ["key", "distribution"]
            .into_iter()
            .filter(|n| column(n).is_none())
            .collect();
        return Err(row_error(
            &header_place,
            "",
            format!(
                "the header lacks the required column{} {}: it has {}",
                if missing.len() > 1 { "s" } else { "" },
                missing.join(" and "),
                names.join(", ")
            ),
            format!(
                "keep at least the `key` and `distribution` columns of `seams assumptions` ({})",
                COLUMNS.join(",")
            ),
        ));
    };
    let price_year_column = column("price_year");
    let computed: Vec<(&str, usize)> = ["mean", "p5", "p95"]
        .into_iter()
        .filter_map(|name| Some((name, column(name)?)))
        .collect();
    let correlation_keys: Vec<(String, String)> = baseline
        .correlations()
        .iter()
        .map(|c| (c.key(), c.rank.to_string()))
        .collect();
    let scenario: HashMap<&str, (&str, Option<i32>, [f64; 3])> = baseline
        .inputs()
        .iter()
        .map(|i| {
            let (mean, p5, p95) = i.summary();
            (
                i.key.as_str(),
                (i.text.as_str(), i.price_year, [mean, p5, p95]),
            )
        })
        .chain(
            correlation_keys
                .iter()
                .map(|(key, rank)| (key.as_str(), (rank.as_str(), None, [f64::NAN; 3]))),
        )
        .collect();
    let mut seen = HashMap::new();
    let mut overrides = Vec::new();
    for (i, record) in table.rows.iter().enumerate() {
        let origin = table.at(i, None);
        let get = |c: usize| record.get(c).map_or("", |s| s.trim());
        let key = get(key_column);
        if key.is_empty() && record.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        let text = unneutralise(get(dist_column));
        if key.is_empty() {
            return Err(row_error(
                &origin,
                "",
                "the key cell is empty",
                "give the input's key, e.g. departments.hmrc.repetition_rate",
            ));
        }
        if let Some(first) = seen.insert(key.to_string(), table.first_row + i) {
            return Err(row_error(
                &origin,
                key,
                format!("the key is also on row {first}"),
                "give each key once",
            ));
        }
        if text.is_empty() {
            return Err(row_error(
                &origin,
                key,
                "the distribution cell is empty",
                "write a number or a distribution such as pert(10, 20, 45)",
            ));
        }
        let price_year = match price_year_column.map(get) {
            None => None,
            Some("") => Some(None),
            Some(cell) => Some(Some(
                crate::scenario::read_price_year(cell)
                    .map_err(|(problem, fix)| row_error(&origin, key, problem, fix))?,
            )),
        };
        let (was_text, was_year, figures) =
            scenario
                .get(key)
                .copied()
                .unwrap_or(("", None, [f64::NAN; 3]));
        let year_changed = price_year.is_some_and(|y| y != was_year);
        // The mean, P5 and P95 are computed from the distribution: an edit to them alone would
        // be silently lost, so it is refused (documented in docs/scenario-format.md).
        if was_text.trim() == text && !year_changed {
            for (name, c) in &computed {
                let written = get(*c);
                let expected = figures[["mean", "p5", "p95"]
                    .iter()
                    .position(|n| n == name)
                    .unwrap_or(0)];
                let edited = written.parse::<f64>().map_or(!written.is_empty(), |x| {
                    (x - expected).abs() > 1e-9 * expected.abs().max(1e-12)
                });
                if edited && expected.is_finite() {
                    return Err(row_error(
                        &origin,
                        key,
                        format!("the `{name}` cell was edited to {}, but {name} is computed from the distribution", crate::error::quote(written)),
                        "edit the distribution instead (the mean is computed), e.g. shift pert(min, mode, max); or restore the cell",
                    ));
                }
            }
        }
        if was_text.trim() != text || year_changed {
            overrides.push(Override {
                key: key.to_string(),
                text: text.to_string(),
                by: table.at(i, Some(dist_column)),
                price_year,
            });
        }
    }
    Ok(overrides)
}

/// Removes the apostrophe the register puts before a cell that a spreadsheet would read as a
/// formula (a distribution such as `-2%`).
fn unneutralise(cell: &str) -> &str {
    match cell.strip_prefix('\'') {
        Some(rest) if rest.starts_with(['=', '+', '-', '@', '\t', '\r']) => rest,
        _ => cell,
    }
}
