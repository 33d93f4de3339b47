//! A column of numbers from a CSV or Parquet file (read with polars) or from a workbook's
//! sheet (read with calamine, through the register's bounded cell reader), for `seams fit`.
//! Every file is treated as possibly hostile: its size is bounded before a reader sees it, every
//! cell is read as text and parsed here, so a cell that is not a number is named by its row.

use std::path::Path;

use polars::prelude::*;

use crate::error::{Error, InputError, Result};

/// The largest file `seams fit` reads.
pub const MAX_FILE_BYTES: u64 = 256 << 20;

/// The most values a column may hold.
pub const MAX_VALUES: usize = 1_000_000;

/// A column's numbers, and how many of its cells were blank (skipped).
#[derive(Debug, Clone, PartialEq)]
pub struct Column {
    pub values: Vec<f64>,
    pub blanks: usize,
}

fn refuse(file: &str, key: &str, problem: String, fix: &str) -> Error {
    InputError::refusal(file, key, problem, fix)
}

/// Reads column `name` of `path`: a `.csv`, a `.parquet`, or (with `sheet`) a `.xlsx`.
///
/// # Errors
/// A file that is missing, too large or not of its kind; no such column; a cell that is
/// neither blank nor a number (named by its row); too many values.
pub fn read_column(path: &Path, name: &str, sheet: Option<&str>) -> Result<Column> {
    let file = path.display().to_string();
    let size = std::fs::metadata(path)
        .map_err(|e| Error::Read {
            path: path.to_path_buf(),
            problem: e.to_string(),
            fix: "give the path of a CSV, Parquet or Excel file".into(),
        })?
        .len();
    if size > MAX_FILE_BYTES {
        return Err(refuse(
            &file,
            "",
            format!("is {size} bytes; seams fit reads files of at most {MAX_FILE_BYTES} bytes"),
            "fit to a sample of the data, or to the one column saved on its own",
        ));
    }
    let extension = path
        .extension()
        .map(|e| e.to_string_lossy().to_lowercase())
        .unwrap_or_default();
    let cells: Vec<Option<String>> = match (extension.as_str(), sheet) {
        ("xlsx", Some(sheet)) => workbook_cells(path, name, sheet)?,
        ("xlsx", None) => {
            return Err(refuse(
                &file,
                "--sheet",
                "is a workbook, and no sheet was named".into(),
                "name the sheet: --sheet NAME",
            ))
        }
        ("csv", _) => {
            check_header(path, &file)?;
            frame_cells(
                &file,
                name,
                read_csv(path),
                "a readable CSV file (UTF-8, comma-separated, with a header row)",
            )?
        }
        ("parquet", _) => frame_cells(&file, name, read_parquet(path), "a readable Parquet file")?,
        _ => {
            return Err(refuse(
                &file,
                "",
                format!(
                    "has the extension \".{extension}\"; seams fit reads .csv, .parquet and .xlsx"
                ),
                "save the data as CSV, Parquet or an Excel workbook",
            ))
        }
    };
    numbers(&file, name, cells)
}

/// The most columns a CSV may have: its header is counted before polars reads the file, so a
/// hostile header cannot make it build millions of columns.
pub const MAX_COLUMNS: usize = 10_000;

/// Refuses a CSV whose header row is longer than 1 MiB or has more than [`MAX_COLUMNS`] cells.
fn check_header(path: &Path, file: &str) -> Result<()> {
    use std::io::Read;
    let mut head = Vec::new();
    std::fs::File::open(path)
        .and_then(|f| f.take(1 << 20).read_to_end(&mut head))
        .map_err(|e| Error::Read {
            path: path.to_path_buf(),
            problem: e.to_string(),
            fix: "give the path of a readable CSV file".into(),
        })?;
    let line = match head.iter().position(|&b| b == b'\n') {
        Some(end) => &head[..end],
        None if head.len() < 1 << 20 => &head[..],
        None => {
            return Err(refuse(
                file,
                "",
                "has no line break in its first MiB: its header row is too long for a table".into(),
                "give a CSV with a header row of column names",
            ))
        }
    };
    let columns = line.iter().filter(|&&b| b == b',').count() + 1;
    if columns > MAX_COLUMNS {
        return Err(refuse(
            file,
            "",
            format!("has {columns} columns in its header; seams fit reads at most {MAX_COLUMNS}"),
            "save the column to fit (with its heading) on its own",
        ));
    }
    Ok(())
}

fn read_csv(path: &Path) -> PolarsResult<DataFrame> {
    // Every column as text: the numbers are parsed here, so a bad cell is named by its row.
    CsvReadOptions::default()
        .with_has_header(true)
        .with_infer_schema_length(Some(0))
        .try_into_reader_with_file_path(Some(path.to_path_buf()))?
        .finish()
}

fn read_parquet(path: &Path) -> PolarsResult<DataFrame> {
    let file = std::fs::File::open(path)?;
    ParquetReader::new(file).finish()
}

/// Column `name` of a frame polars read, cell by cell as text (`None` for a blank).
fn frame_cells(
    file: &str,
    name: &str,
    frame: PolarsResult<DataFrame>,
    kind: &str,
) -> Result<Vec<Option<String>>> {
    let frame = frame.map_err(|e| {
        // polars' first line says what is wrong; the rest advises its Python users.
        let said = e.to_string();
        let first: String = said.lines().next().unwrap_or("").chars().take(200).collect();
        refuse(
            file,
            "",
            format!("is not {kind}: {}", first.trim_end_matches(['`', ' '])),
            "save the data again as the kind of file its name says (a CSV: UTF-8, comma-separated, a header row, every quote closed, as many cells in each row as headings)",
        )
    })?;
    let column = frame.column(name).map_err(|_| {
        let names: Vec<String> = frame
            .get_column_names()
            .iter()
            .map(|n| n.to_string())
            .collect();
        refuse(
            file,
            name,
            format!(
                "is not a column of the file; its columns are {}",
                names.join(", ")
            ),
            "give one of those names with --column",
        )
    })?;
    if column.len() > MAX_VALUES {
        return Err(refuse(
            file,
            name,
            format!(
                "has {} rows; seams fit reads at most {MAX_VALUES}",
                column.len()
            ),
            "fit to a sample of the data",
        ));
    }
    let unreadable = |e: PolarsError| {
        refuse(
            file,
            name,
            format!("cannot be read as numbers: {e}"),
            "give a column of numbers",
        )
    };
    let text = column.cast(&DataType::String).map_err(unreadable)?;
    let strings = text.str().map_err(unreadable)?;
    Ok(strings.iter().map(|s| s.map(str::to_string)).collect())
}

/// Column `name` of a workbook's sheet: its header in the sheet's first row, the values below.
fn workbook_cells(path: &Path, name: &str, sheet: &str) -> Result<Vec<Option<String>>> {
    let bytes = std::fs::read(path).map_err(|e| Error::Read {
        path: path.to_path_buf(),
        problem: e.to_string(),
        fix: "give the path of an Excel workbook".into(),
    })?;
    let cells = crate::register::read_sheet_cells(path, bytes, sheet)?;
    let file = path.display().to_string();
    let header = cells
        .iter()
        .find(|((row, _), text)| *row == 0 && text.trim() == name)
        .map(|((_, column), _)| *column)
        .ok_or_else(|| {
            refuse(
                &format!("{file}, sheet {sheet}"),
                name,
                "is not a heading in the sheet's first row".into(),
                "give the heading of the column to fit with --column",
            )
        })?;
    let last = cells.keys().map(|(row, _)| *row).max().unwrap_or(0);
    Ok((1..=last)
        .map(|row| cells.get(&(row, header)).cloned())
        .collect())
}

/// The numbers among `cells`, blanks counted. The cells are the data rows, which start on the
/// file's (or sheet's) second row, under the headings: a bad cell is named by that row.
fn numbers(file: &str, name: &str, cells: Vec<Option<String>>) -> Result<Column> {
    let mut values = Vec::with_capacity(cells.len());
    let mut blanks = 0;
    for (i, cell) in cells.into_iter().enumerate() {
        let text = cell.unwrap_or_default();
        let text = text.trim();
        if text.is_empty() {
            blanks += 1;
            continue;
        }
        match text.replace(',', "").parse::<f64>() {
            Ok(x) if x.is_finite() => values.push(x),
            _ => {
                let shown: String = text.chars().take(40).collect();
                return Err(refuse(
                    &format!("{file}, row {}", i + 2),
                    name,
                    format!("holds \"{shown}\", which is not a number"),
                    "clear the cell or correct it: the column must hold numbers only (blanks are skipped)",
                ));
            }
        }
    }
    Ok(Column { values, blanks })
}
