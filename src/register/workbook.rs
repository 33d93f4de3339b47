//! Reading the Assumptions sheet of a workbook a user hands back, within stated limits. A
//! workbook is a zip of XML parts: a 1.5 KB file can declare a sheet a million rows by 16,384
//! columns, and a 7 MB one can unpack to gigabytes. So nothing is read before the parts are
//! measured — every part is unpacked once into a counter, and the whole refused past
//! [`MAX_UNPACKED_BYTES`] — and the sheet is then read cell by cell (calamine's streaming cell
//! reader, never its dense range), each cell checked against [`MAX_ROWS`], [`MAX_COLUMNS`] and
//! [`MAX_CELL_CHARS`] as it comes. A date, time, true/false or error where the register holds
//! text is refused, naming the cell: Excel turns "1-2" into 2 January without a word.

use std::collections::BTreeMap;
use std::io::{Cursor, Read};
use std::path::Path;

use calamine::{DataRef, Reader, Xlsx};

use crate::error::{InputError, Result};

/// The most the parts of a workbook may unpack to, together.
pub const MAX_UNPACKED_BYTES: u64 = 64 << 20;
/// The most parts a workbook may have.
pub const MAX_PARTS: usize = 10_000;
/// The most rows of the Assumptions sheet read (a register has one per input).
pub const MAX_ROWS: u32 = 100_000;
/// The most columns of the Assumptions sheet read.
pub const MAX_COLUMNS: u32 = 64;
/// The longest cell, in characters: Excel's own limit.
pub const MAX_CELL_CHARS: usize = crate::scenario::MAX_TEXT_CHARS;
/// The most distinct strings a workbook may declare (calamine reserves room for them).
pub const MAX_SHARED_STRINGS: u64 = 1_000_000;

/// One cell's content, as the register reads it.
enum Content {
    Text(String),
    /// A date, time, true/false or error value, described for the message.
    Converted(&'static str),
}

/// A sheet as its non-empty cells: (row, column) from 0 → content.
pub(super) struct Cells {
    cells: BTreeMap<(u32, u32), Content>,
}

fn refuse(file: &str, key: &str, problem: String, fix: &str) -> crate::Error {
    InputError {
        origin: file.into(),
        location: None,
        key: key.into(),
        problem,
        fix: fix.into(),
    }
    .into()
}

/// Unpacks every part of the workbook into a counter, refusing a workbook that unpacks to more
/// than [`MAX_UNPACKED_BYTES`] or declares more than [`MAX_SHARED_STRINGS`] strings.
fn measure(file: &str, bytes: &[u8]) -> Result<()> {
    let not_a_workbook = |e: &dyn std::fmt::Display| {
        refuse(
            file,
            "",
            format!("is not a readable Excel workbook: {e}"),
            "save it as an Excel workbook (.xlsx), or give the register as CSV",
        )
    };
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| not_a_workbook(&e))?;
    if archive.len() > MAX_PARTS {
        return Err(refuse(
            file,
            "",
            format!(
                "has {} parts; a workbook seams reads has at most {MAX_PARTS}",
                archive.len()
            ),
            "give the workbook seams wrote (economic-case.xlsx), or the register as CSV",
        ));
    }
    let too_large = || {
        refuse(
            file,
            "",
            format!(
                "unpacks to more than {} MiB; a register's workbook is far smaller",
                MAX_UNPACKED_BYTES >> 20
            ),
            "give the workbook seams wrote (economic-case.xlsx) with the register's rows only, or the register as CSV",
        )
    };
    let mut left = MAX_UNPACKED_BYTES;
    for i in 0..archive.len() {
        let mut part = archive.by_index(i).map_err(|e| not_a_workbook(&e))?;
        let name = part.name().to_string();
        let mut head = Vec::new();
        if name == "xl/sharedStrings.xml" {
            (&mut part)
                .take(4096)
                .read_to_end(&mut head)
                .map_err(|e| not_a_workbook(&e))?;
            check_declared_strings(file, &head)?;
        }
        let unpacked = std::io::copy(&mut (&mut part).take(left + 1), &mut std::io::sink())
            .map_err(|e| not_a_workbook(&e))?
            + head.len() as u64;
        if unpacked > left {
            return Err(too_large());
        }
        left -= unpacked;
    }
    Ok(())
}

/// Refuses a shared-strings part that declares more strings than a register could hold.
fn check_declared_strings(file: &str, head: &[u8]) -> Result<()> {
    let text = String::from_utf8_lossy(head);
    let declared = text
        .split("uniqueCount=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .map(|n| n.parse::<u64>().unwrap_or(u64::MAX));
    match declared {
        Some(n) if n > MAX_SHARED_STRINGS => Err(refuse(
            file,
            "",
            format!("declares {n} distinct strings; seams reads at most {MAX_SHARED_STRINGS}"),
            "give the workbook seams wrote (economic-case.xlsx), or the register as CSV",
        )),
        _ => Ok(()),
    }
}

/// Reads the non-empty cells of `sheet`, within the limits.
///
/// # Errors
/// A file that is not a workbook, has no such sheet, or passes a limit, named with the limit.
pub(super) fn read_sheet(path: &Path, bytes: Vec<u8>, sheet: &str) -> Result<Cells> {
    let file = path.display().to_string();
    measure(&file, &bytes)?;
    let not_a_workbook = |e: &dyn std::fmt::Display| {
        refuse(
            &file,
            "",
            format!("is not a readable Excel workbook: {e}"),
            "save it as an Excel workbook (.xlsx), or give the register as CSV",
        )
    };
    let mut book: Xlsx<_> =
        calamine::open_workbook_from_rs(Cursor::new(bytes)).map_err(|e| not_a_workbook(&e))?;
    if !book.sheet_names().iter().any(|n| n == sheet) {
        return Err(refuse(
            &file,
            "",
            format!("has no sheet `{sheet}`; its sheets are {}", book.sheet_names().join(", ")),
            "give the workbook seams wrote (economic-case.xlsx), whose Assumptions sheet is the register",
        ));
    }
    let mut reader = book
        .worksheet_cells_reader(sheet)
        .map_err(|e| not_a_workbook(&e))?;
    let mut cells = BTreeMap::new();
    while let Some(cell) = reader.next_cell().map_err(|e| not_a_workbook(&e))? {
        let (row, column) = cell.get_position();
        let Some(content) = content(cell.get_value()) else {
            continue;
        };
        let place = format!(
            "{file}, sheet {sheet}, row {}, column {}",
            row + 1,
            super::column_letter(column as usize)
        );
        if row >= MAX_ROWS || column >= MAX_COLUMNS {
            return Err(refuse(
                &place,
                "",
                format!("holds a value beyond the {MAX_ROWS} rows and {MAX_COLUMNS} columns a register may use"),
                "clear the cells outside the register's table (or give the register as CSV)",
            ));
        }
        if let Content::Text(text) = &content {
            let chars = text.chars().count();
            if chars > MAX_CELL_CHARS {
                return Err(refuse(
                    &place,
                    "",
                    format!("holds {chars} characters; a cell holds at most {MAX_CELL_CHARS}"),
                    "shorten the cell",
                ));
            }
        }
        cells.insert((row, column), content);
    }
    Ok(Cells { cells })
}

/// A cell's content, or `None` for an empty one.
fn content(value: &DataRef<'_>) -> Option<Content> {
    Some(match value {
        DataRef::Empty => return None,
        DataRef::String(s) => Content::Text(s.clone()),
        DataRef::SharedString(s) => Content::Text(s.to_string()),
        DataRef::Float(x) => Content::Text(crate::format::csv_number(*x)),
        DataRef::Int(i) => Content::Text(i.to_string()),
        DataRef::Bool(_) => Content::Converted("a true/false value"),
        DataRef::DateTime(_) | DataRef::DateTimeIso(_) | DataRef::DurationIso(_) => {
            Content::Converted("a date or time")
        }
        DataRef::Error(_) => Content::Converted("an error value (such as #N/A)"),
    })
}

impl Cells {
    /// The first non-empty row as the header (and its row number, from 1), then every row
    /// down to the last non-empty one, as text; a date, time, true/false or error in the header
    /// or in a column the register reads (`reads`) is refused, naming its cell.
    pub(super) fn into_rows(
        self,
        place: &str,
        reads: &[&str],
    ) -> Result<(usize, Vec<String>, Vec<Vec<String>>)> {
        let top = self.cells.keys().map(|&(r, _)| r).min().unwrap_or(0);
        let width = self.cells.keys().map(|&(_, c)| c + 1).max().unwrap_or(0) as usize;
        let height = self
            .cells
            .keys()
            .map(|&(r, _)| r + 1 - top)
            .max()
            .unwrap_or(0) as usize;
        let mut grid = vec![vec![String::new(); width]; height.max(1)];
        let mut converted = Vec::new();
        for ((r, c), content) in self.cells {
            match content {
                Content::Text(t) => grid[(r - top) as usize][c as usize] = t,
                Content::Converted(what) => converted.push((r, c, what)),
            }
        }
        let mut rows = grid.into_iter();
        let header: Vec<String> = rows
            .next()
            .unwrap_or_default()
            .into_iter()
            .map(|h| h.trim().to_string())
            .collect();
        for (r, c, what) in converted {
            let column = header.get(c as usize).map_or("", String::as_str);
            if r == top || reads.contains(&column) {
                return Err(refuse(
                    &format!("{place} row {}, column {} ({column})", r + 1, super::column_letter(c as usize)),
                    "",
                    format!("holds {what} where the register needs text: a spreadsheet may have converted what was typed (\"1-2\" becomes a date)"),
                    "format the column as Text and type the distribution again (or start it with an apostrophe: '1-2)",
                ));
            }
        }
        Ok((top as usize + 1, header, rows.collect()))
    }
}
