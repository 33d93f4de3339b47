//! A table on a worksheet of the workbook: the header in bold, every figure a number whose
//! format follows its kind (£ for money, to the penny for a unit cost, % for a share), names
//! and keys as plain text and long words (sources, notes) wrapped. Nothing is a formula.

use rust_xlsxwriter::{Format, Worksheet, XlsxError};

use super::{Cell, Kind, Table};
use crate::params::Unit;

/// The formats of the workbook, made once per workbook.
pub struct Formats {
    pub header: Format,
    money: Format,
    pence: Format,
    share: Format,
    percent_points: Format,
    ratio: Format,
    count: Format,
    whole: Format,
    plain: Format,
    pub text: Format,
}

impl Default for Formats {
    fn default() -> Formats {
        Formats {
            header: Format::new().set_bold(),
            money: Format::new().set_num_format("£#,##0;-£#,##0"),
            pence: Format::new().set_num_format("£#,##0.00;-£#,##0.00"),
            share: Format::new().set_num_format("0.0%"),
            percent_points: Format::new().set_num_format("0.0\"%\""),
            ratio: Format::new().set_num_format("0.00"),
            count: Format::new().set_num_format("#,##0"),
            whole: Format::new().set_num_format("0"),
            plain: Format::new().set_num_format("General"),
            text: Format::new().set_text_wrap(),
        }
    }
}

impl Formats {
    /// The number format of a figure of this kind.
    pub fn of(&self, kind: Kind, x: f64) -> &Format {
        match kind {
            Kind::Money(_) => &self.money,
            Kind::UnitCost(_) => &self.pence,
            Kind::Share | Kind::Chance => &self.share,
            Kind::Change => &self.percent_points,
            Kind::Count => &self.count,
            Kind::Year | Kind::Whole => &self.whole,
            Kind::Ratio | Kind::Correlation => &self.ratio,
            Kind::Input(Unit::Pounds) if x.abs() < 1000.0 => &self.pence,
            Kind::Input(Unit::Pounds) => &self.money,
            Kind::Input(Unit::Share) => &self.share,
            Kind::Input(Unit::Journeys) => &self.count,
            Kind::Input(_) => &self.plain,
        }
    }
}

/// Writes `table` with its header at row `top`; returns the row after it.
///
/// # Errors
/// What the workbook writer reports (a sheet past Excel's limits).
pub fn write(
    ws: &mut Worksheet,
    top: u32,
    table: &Table,
    formats: &Formats,
) -> Result<u32, XlsxError> {
    for (c, name) in table.header.iter().enumerate() {
        ws.write_string_with_format(top, c as u16, name, &formats.header)?;
    }
    for (i, row) in table.rows.iter().enumerate() {
        let at = top + 1 + i as u32;
        for (c, cell) in row.cells.iter().enumerate() {
            write_cell(ws, at, c as u16, cell, formats)?;
        }
        // A spreadsheet does not make a row taller for the lines its wrapped text takes when
        // it opens the file: without a height, the lines would print over the next rows.
        let lines = row.cells.iter().map(wrapped_lines).max().unwrap_or(1);
        if lines > 1 {
            ws.set_row_height(at, row_height(lines))?;
        }
    }
    Ok(top + 1 + table.rows.len() as u32)
}

/// The height of a line of the workbook's text, in points (11-point Calibri).
const LINE_HEIGHT: f64 = 15.0;

/// The tallest row a spreadsheet allows, in points.
const MAX_ROW_HEIGHT: f64 = 409.0;

/// The height of a row whose text takes `lines` lines: at most a spreadsheet's tallest row
/// (about 27 lines; a longer note is cut there, and the whole of it stays in the cell).
fn row_height(lines: usize) -> f64 {
    (LINE_HEIGHT * lines as f64).min(MAX_ROW_HEIGHT)
}

/// The lines a cell's text takes once wrapped in its column (at least [`LONG`] characters
/// wide for long words, [`TEXT`] for a label that wraps).
fn wrapped_lines(cell: &Cell) -> usize {
    match cell {
        Cell::Long(s) => s.chars().count().div_ceil(LONG).max(1),
        Cell::Key(s) | Cell::Text(s) => s.chars().count().div_ceil(TEXT).max(1),
        _ => 1,
    }
}

fn write_cell(
    ws: &mut Worksheet,
    row: u32,
    column: u16,
    cell: &Cell,
    formats: &Formats,
) -> Result<(), XlsxError> {
    match cell {
        Cell::Empty => {}
        // A label wider than the widest column wraps in it, so it is not cut off at the next.
        Cell::Key(s) | Cell::Text(s) if s.chars().count() > TEXT => {
            ws.write_string_with_format(row, column, s, &formats.text)?;
        }
        Cell::Key(s) | Cell::Text(s) => {
            ws.write_string(row, column, s)?;
        }
        Cell::Long(s) => {
            ws.write_string_with_format(row, column, s, &formats.text)?;
        }
        Cell::Figure(x, kind)
        | Cell::Range {
            central: x, kind, ..
        } => {
            ws.write_number_with_format(row, column, *x, formats.of(*kind, *x))?;
        }
        Cell::Interval { low, high, .. } => {
            ws.write_string(row, column, format!("{low}–{high}"))?;
        }
        Cell::Flag(b) => {
            ws.write_boolean(row, column, *b)?;
        }
    }
    Ok(())
}

/// Sizes every column of a sheet to the widest of what `tables` put in it, as a spreadsheet
/// shows it (a figure with its £, separators and decimals), so no figure shows as `###`;
/// long words (sources, notes) stop at 60 characters and wrap.
///
/// # Errors
/// What the workbook writer reports.
pub fn fit_columns(ws: &mut Worksheet, tables: &[&Table]) -> Result<(), XlsxError> {
    let mut widths: Vec<usize> = Vec::new();
    for table in tables {
        let rows = std::iter::once(
            table
                .header
                .iter()
                .map(|h| h.chars().count() + 1)
                .collect::<Vec<_>>(),
        )
        .chain(
            table
                .rows
                .iter()
                .map(|row| row.cells.iter().map(shown_len).collect()),
        );
        for row in rows {
            if widths.len() < row.len() {
                widths.resize(row.len(), 0);
            }
            for (width, len) in widths.iter_mut().zip(row) {
                *width = (*width).max(len);
            }
        }
    }
    for (c, width) in widths.iter().enumerate() {
        let chars = (*width + 2).clamp(6, TEXT) as f64;
        ws.set_column_width(c as u16, chars)?;
    }
    Ok(())
}

/// The widest a column of long words (sources, notes) is made, in characters.
const LONG: usize = 60;
/// The widest any column is made.
const TEXT: usize = 90;

/// The characters a cell takes as a spreadsheet shows it with its number format.
fn shown_len(cell: &Cell) -> usize {
    match cell {
        Cell::Empty => 0,
        Cell::Key(s) | Cell::Text(s) => s.chars().count(),
        Cell::Long(s) => s.chars().count().min(LONG),
        Cell::Flag(_) => 5,
        Cell::Interval { low, high, .. } => format!("{low}–{high}").chars().count(),
        Cell::Figure(x, kind)
        | Cell::Range {
            central: x, kind, ..
        } => figure_len(*kind, *x),
    }
}

fn figure_len(kind: Kind, x: f64) -> usize {
    let sign = usize::from(x < 0.0);
    let grouped = |x: f64| {
        let digits = format!("{:.0}", x.abs().min(1e300)).len();
        digits + (digits - 1) / 3
    };
    match kind {
        Kind::Money(_) | Kind::Input(Unit::Pounds) if x.abs() >= 1000.0 => 1 + sign + grouped(x),
        Kind::Money(_) => 1 + sign + grouped(x),
        Kind::UnitCost(_) | Kind::Input(Unit::Pounds) => 4 + sign + grouped(x),
        Kind::Share | Kind::Chance | Kind::Change | Kind::Input(Unit::Share) => {
            format!("{:.1}%", x * 100.0).len()
        }
        Kind::Count | Kind::Input(Unit::Journeys) => sign + grouped(x),
        Kind::Year | Kind::Whole => format!("{x:.0}").len(),
        Kind::Ratio | Kind::Correlation => format!("{x:.2}").len(),
        Kind::Input(_) => x.to_string().len().min(11),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A row is tall enough for its lines, up to the tallest a spreadsheet allows (a 20,000
    /// character note asked for 5,025 points, which Excel refuses).
    #[test]
    fn a_row_is_as_tall_as_its_lines_up_to_the_limit() {
        assert_eq!(row_height(2), 30.0);
        assert_eq!(row_height(27), 405.0);
        assert_eq!(row_height(335), MAX_ROW_HEIGHT);
    }
}
