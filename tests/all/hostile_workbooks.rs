//! Hostile workbooks handed back as a register (`run --assumptions FILE.xlsx`): a cell at the
//! sheet's far corner, a declared dimension of the whole sheet, a zip bomb, a forged count of
//! shared strings, a cell past Excel's length, dates and true/false values where the register
//! holds text, and a workbook and a CSV under each other's names. Each ends in a clear
//! message and exit 2, or is read as it should be — never an abort.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use rust_xlsxwriter::{ExcelDateTime, Workbook};

use super::common::*;

/// The register of the small fixture, as rows of text.
fn register_rows(dir: &Path) -> Vec<Vec<String>> {
    let csv = write_register(dir, &fixture("small.toml"));
    let mut reader = csv::Reader::from_path(&csv).unwrap();
    let header: Vec<String> = reader
        .headers()
        .unwrap()
        .iter()
        .map(|h| h.trim_start_matches('\u{feff}').to_string())
        .collect();
    std::iter::once(header)
        .chain(
            reader
                .records()
                .map(|r| r.unwrap().iter().map(String::from).collect()),
        )
        .collect()
}

/// A workbook whose Assumptions sheet is the register, changed by `edit` before it is saved.
fn workbook(dir: &Path, name: &str, edit: impl FnOnce(&mut rust_xlsxwriter::Worksheet)) -> PathBuf {
    let rows = register_rows(dir);
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name("Assumptions").unwrap();
    for (r, row) in rows.iter().enumerate() {
        for (c, text) in row.iter().enumerate() {
            sheet.write_string(r as u32, c as u16, text).unwrap();
        }
    }
    edit(sheet);
    let path = dir.join(name);
    book.save(&path).unwrap();
    path
}

/// The parts of a workbook, with `change` applied to each (name, bytes), written back.
fn rezip(path: &Path, change: impl Fn(&str, Vec<u8>) -> Vec<u8>, extra: Option<(&str, &[u8])>) {
    let mut archive = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
    let mut parts = Vec::new();
    for i in 0..archive.len() {
        let mut part = archive.by_index(i).unwrap();
        let mut bytes = Vec::new();
        part.read_to_end(&mut bytes).unwrap();
        parts.push((part.name().to_string(), bytes));
    }
    let mut writer = zip::ZipWriter::new(std::fs::File::create(path).unwrap());
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .compression_level(Some(1));
    for (name, bytes) in parts {
        writer.start_file(name.as_str(), options).unwrap();
        writer.write_all(&change(&name, bytes)).unwrap();
    }
    if let Some((name, bytes)) = extra {
        writer.start_file(name, options).unwrap();
        writer.write_all(bytes).unwrap();
    }
    writer.finish().unwrap();
}

/// `seams run` of the small fixture with this register: its exit code and message.
fn run_with(dir: &Path, register: &Path) -> (Option<i32>, String) {
    let stem = register.file_stem().unwrap().to_string_lossy();
    let out = dir.join(format!("out-{stem}"));
    let output = run_scenario(
        dir,
        &fixture("small.toml"),
        &out,
        &[
            "-n",
            "500",
            "--no-charts",
            "--assumptions",
            register.to_str().unwrap(),
        ],
    );
    if output.status.code() != Some(0) {
        assert!(!out.exists(), "a refused run left a results folder");
    }
    (output.status.code(), stderr(&output))
}

fn assert_refused(dir: &Path, register: &Path, fragments: &[&str]) {
    let (code, message) = run_with(dir, register);
    assert_eq!(code, Some(2), "{message}");
    for f in fragments {
        assert!(message.contains(f), "`{f}` not in: {message}");
    }
    assert!(!message.contains("panicked"), "{message}");
}

#[test]
fn a_cell_at_the_far_corner_is_refused_without_allocating_the_sheet() {
    let dir = tempfile::tempdir().unwrap();
    let book = workbook(dir.path(), "corner.xlsx", |s| {
        s.write_string(1_048_575, 16_383, "x").unwrap();
    });
    assert_refused(
        dir.path(),
        &book,
        &[
            "row 1048576, column XFD",
            "beyond the 100,000 rows and 64 columns",
            "fix:",
        ],
    );
}

#[test]
fn a_declared_dimension_of_the_whole_sheet_is_read_as_its_cells() {
    let dir = tempfile::tempdir().unwrap();
    let book = workbook(dir.path(), "dimension.xlsx", |_| {});
    rezip(
        &book,
        |name, bytes| {
            if !name.starts_with("xl/worksheets/") {
                return bytes;
            }
            let text = String::from_utf8(bytes).unwrap();
            let at = text.find("<dimension ref=\"").unwrap() + 16;
            let end = at + text[at..].find('"').unwrap();
            format!("{}A1:XFD1048576{}", &text[..at], &text[end..]).into_bytes()
        },
        None,
    );
    let (code, message) = run_with(dir.path(), &book);
    assert_eq!(code, Some(0), "{message}");
}

#[test]
fn a_zip_bomb_is_refused_at_its_limit() {
    let dir = tempfile::tempdir().unwrap();
    let book = workbook(dir.path(), "bomb.xlsx", |_| {});
    let spaces = vec![b' '; 80 << 20];
    rezip(&book, |_, b| b, Some(("xl/media/bomb.xml", &spaces)));
    assert!(
        std::fs::metadata(&book).unwrap().len() < 1 << 20,
        "the bomb is small packed"
    );
    assert_refused(
        dir.path(),
        &book,
        &["bomb.xlsx", "unpacks to more than 64 MiB"],
    );
}

#[test]
fn a_forged_count_of_shared_strings_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let book = workbook(dir.path(), "strings.xlsx", |_| {});
    rezip(
        &book,
        |name, bytes| match name {
            "xl/sharedStrings.xml" => {
                let text = String::from_utf8(bytes).unwrap();
                let at = text.find("uniqueCount=\"").unwrap() + 13;
                let end = at + text[at..].find('"').unwrap();
                format!("{}999999999999{}", &text[..at], &text[end..]).into_bytes()
            }
            _ => bytes,
        },
        None,
    );
    assert_refused(
        dir.path(),
        &book,
        &["declares 999,999,999,999 distinct strings"],
    );
}

#[test]
fn a_cell_past_excels_length_is_refused_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    // rust_xlsxwriter keeps to Excel's limit itself, so the long cell is put in by hand.
    let book = workbook(dir.path(), "long.xlsx", |s| {
        s.write_string(1, 7, "marker-for-the-long-note").unwrap();
    });
    rezip(
        &book,
        |name, bytes| match name {
            "xl/sharedStrings.xml" => String::from_utf8(bytes)
                .unwrap()
                .replace("marker-for-the-long-note", &"y".repeat(40_000))
                .into_bytes(),
            _ => bytes,
        },
        None,
    );
    assert_refused(
        dir.path(),
        &book,
        &[
            "sheet Assumptions, row 2, column H",
            "holds 40,000 characters",
            "at most 32,767",
        ],
    );
}

#[test]
fn a_date_or_a_truth_value_where_the_register_holds_text_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let date = workbook(dir.path(), "date.xlsx", |s| {
        let day = ExcelDateTime::from_ymd(2024, 1, 2).unwrap();
        let format = rust_xlsxwriter::Format::new().set_num_format("d-mmm");
        s.write_datetime_with_format(1, 1, &day, &format).unwrap();
    });
    assert_refused(
        dir.path(),
        &date,
        &[
            "row 2, column B (distribution)",
            "a date or time",
            "converted",
            "apostrophe",
        ],
    );
    let truth = workbook(dir.path(), "truth.xlsx", |s| {
        s.write_boolean(2, 1, true).unwrap();
    });
    assert_refused(
        dir.path(),
        &truth,
        &["row 3, column B (distribution)", "a true/false value"],
    );
    // A date in a column the register does not read is the reviewer's own business.
    let noted = workbook(dir.path(), "noted.xlsx", |s| {
        s.write_string(0, 8, "reviewed").unwrap();
        let day = ExcelDateTime::from_ymd(2026, 11, 30).unwrap();
        let format = rust_xlsxwriter::Format::new().set_num_format("yyyy-mm-dd");
        s.write_datetime_with_format(1, 8, &day, &format).unwrap();
    });
    let (code, message) = run_with(dir.path(), &noted);
    assert_eq!(code, Some(0), "{message}");
}

#[test]
fn a_workbook_and_a_csv_are_known_by_their_content_not_their_names() {
    let dir = tempfile::tempdir().unwrap();
    let book = workbook(dir.path(), "register.xlsx", |_| {});
    let renamed = dir.path().join("register-from-excel.csv");
    std::fs::copy(&book, &renamed).unwrap();
    let (code, message) = run_with(dir.path(), &renamed);
    assert_eq!(
        code,
        Some(0),
        "a workbook named .csv is read as a workbook: {message}"
    );
    let csv = write_register(dir.path(), &fixture("small.toml"));
    let misnamed = dir.path().join("register-as-text.xlsx");
    std::fs::copy(&csv, &misnamed).unwrap();
    assert_refused(
        dir.path(),
        &misnamed,
        &[
            "register-as-text.xlsx",
            "is named as an Excel workbook but is not one",
        ],
    );
}

#[test]
fn a_formula_where_the_register_holds_text_is_refused_not_read_as_its_value() {
    let dir = tempfile::tempdir().unwrap();
    // A formula with no value computed yet (as a script writes it) and one that has one.
    let book = workbook(dir.path(), "formula.xlsx", |s| {
        s.write_formula(1, 1, "=CONCATENATE(\"pert(\",\"1, 2, 3)\")")
            .unwrap();
    });
    assert_refused(
        dir.path(),
        &book,
        &[
            "row 2, column B (distribution)",
            "a formula",
            "where the register needs text",
        ],
    );
    let cached = workbook(dir.path(), "cached.xlsx", |s| {
        s.write_formula(2, 1, "=\"2000\"").unwrap();
        s.set_formula_result(2, 1, "2000");
    });
    assert_refused(
        dir.path(),
        &cached,
        &["row 3, column B (distribution)", "a formula"],
    );
}
