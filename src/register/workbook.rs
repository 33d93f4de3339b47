//! Reading the Assumptions sheet of a workbook a user hands back, within stated limits. A
//! workbook is a zip of XML parts: a 1.5 KB file can declare a sheet a million rows by 16,384
//! columns, and a 7 MB one can unpack to gigabytes. So nothing is read before the parts are
//! measured — every part is unpacked once into a counter, and the whole refused past
//! [`MAX_UNPACKED_BYTES`] — and the sheet is then read cell by cell (calamine's streaming cell
//! reader, never its dense range), each cell checked against [`MAX_ROWS`], [`MAX_COLUMNS`] and
//! [`MAX_CELL_CHARS`] as it comes. A date, time, true/false or error where the register holds
//! text is refused, naming the cell: Excel turns "1-2" into 2 January without a word.

use std::collections::{BTreeMap, BTreeSet};
use std::io::{Cursor, Read};
use std::path::Path;

use calamine::{DataRef, Reader, Xlsx};

use crate::error::{InputError, Result};
use crate::format::thousands;

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

/// A sheet as its non-empty cells: (row, column) from 0 → content; and the cells that hold a
/// formula.
pub(super) struct Cells {
    cells: BTreeMap<(u32, u32), Content>,
    formulas: BTreeSet<(u32, u32)>,
}

fn refuse(file: &str, key: &str, problem: String, fix: &str) -> crate::Error {
    InputError::refusal(file, key, problem, fix)
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
                "has {} parts; a workbook seams reads has at most {}",
                thousands(archive.len() as u64),
                thousands(MAX_PARTS as u64)
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
            format!(
                "declares {} distinct strings; seams reads at most {}",
                thousands(n),
                thousands(MAX_SHARED_STRINGS)
            ),
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
    let formulas = formula_cells(&bytes, sheet).unwrap_or_default();
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
                format!(
                    "holds a value beyond the {} rows and {MAX_COLUMNS} columns a register may use",
                    thousands(u64::from(MAX_ROWS))
                ),
                "clear the cells outside the register's table (or give the register as CSV)",
            ));
        }
        if let Content::Text(text) = &content {
            let chars = text.chars().count();
            if chars > MAX_CELL_CHARS {
                return Err(refuse(
                    &place,
                    "",
                    format!(
                        "holds {} characters; a cell holds at most {}",
                        thousands(chars as u64),
                        thousands(MAX_CELL_CHARS as u64)
                    ),
                    "shorten the cell",
                ));
            }
        }
        cells.insert((row, column), content);
    }
    Ok(Cells { cells, formulas })
}

/// The non-empty cells of `sheet` as text ((row, column) from 0), within the register's
/// limits: a date, time, true/false or error value as the words that say what it is.
///
/// # Errors
/// As [`read_sheet`].
pub(crate) fn read_sheet_cells(
    path: &Path,
    bytes: Vec<u8>,
    sheet: &str,
) -> Result<BTreeMap<(u32, u32), String>> {
    Ok(read_sheet(path, bytes, sheet)?
        .cells
        .into_iter()
        .map(|(at, content)| {
            let text = match content {
                Content::Text(text) => text,
                Content::Converted(what) => what.to_string(),
            };
            (at, text)
        })
        .collect())
}

/// The cells of `sheet` that hold a formula, found in the sheet's XML (its parts already
/// measured): calamine gives a formula's last computed value, which the register must not take
/// for what was typed. `None` where the workbook's parts cannot be followed to the sheet.
fn formula_cells(bytes: &[u8], sheet: &str) -> Option<BTreeSet<(u32, u32)>> {
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).ok()?;
    let mut part = |name: &str| -> Option<Vec<u8>> {
        let mut out = Vec::new();
        archive.by_name(name).ok()?.read_to_end(&mut out).ok()?;
        Some(out)
    };
    let id = attribute_of(
        &part("xl/workbook.xml")?,
        b"sheet",
        (b"name", sheet),
        b"r:id",
    )?;
    let target = attribute_of(
        &part("xl/_rels/workbook.xml.rels")?,
        b"Relationship",
        (b"Id", &id),
        b"Target",
    )?;
    let path = match target.strip_prefix('/') {
        Some(absolute) => absolute.to_string(),
        None => format!("xl/{target}"),
    };
    let xml = part(&path)?;
    let mut reader = quick_xml::Reader::from_reader(xml.as_slice());
    let (mut buf, mut at, mut found) = (Vec::new(), None, BTreeSet::new());
    loop {
        match reader.read_event_into(&mut buf).ok()? {
            quick_xml::events::Event::Start(e) | quick_xml::events::Event::Empty(e) => {
                match e.local_name().as_ref() {
                    b"c" => at = attribute(&e, b"r").and_then(|r| cell_position(&r)),
                    b"f" => found.extend(at),
                    _ => {}
                }
            }
            quick_xml::events::Event::Eof => return Some(found),
            _ => {}
        }
        buf.clear();
    }
}

/// The value of `wanted` on the first `element` whose attribute `key.0` is `key.1`.
fn attribute_of(xml: &[u8], element: &[u8], key: (&[u8], &str), wanted: &[u8]) -> Option<String> {
    let mut reader = quick_xml::Reader::from_reader(xml);
    let mut buf = Vec::new();
    loop {
        match reader.read_event_into(&mut buf).ok()? {
            quick_xml::events::Event::Start(e) | quick_xml::events::Event::Empty(e)
                if e.local_name().as_ref() == element
                    && attribute(&e, key.0).as_deref() == Some(key.1) =>
            {
                return attribute(&e, wanted);
            }
            quick_xml::events::Event::Eof => return None,
            _ => {}
        }
        buf.clear();
    }
}

/// An attribute's value by its full name (the names and references sought hold no escapes).
fn attribute(e: &quick_xml::events::BytesStart<'_>, name: &[u8]) -> Option<String> {
    e.attributes()
        .flatten()
        .find(|a| a.key.as_ref() == name)
        .map(|a| String::from_utf8_lossy(&a.value).into_owned())
}

/// A cell reference (`B12`) as (row, column) from 0.
fn cell_position(reference: &str) -> Option<(u32, u32)> {
    let split = reference.find(|c: char| c.is_ascii_digit())?;
    let (letters, digits) = reference.split_at(split);
    let column = letters.chars().try_fold(0u32, |n, c| {
        c.is_ascii_uppercase()
            .then(|| n.checked_mul(26)?.checked_add(c as u32 - 'A' as u32 + 1))
            .flatten()
    })?;
    let row: u32 = digits.parse().ok()?;
    Some((row.checked_sub(1)?, column.checked_sub(1)?))
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
        converted.extend(self.formulas.into_iter().map(|(r, c)| (r, c, "a formula")));
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
