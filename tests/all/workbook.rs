//! `economic-case.xlsx`: every sheet holds the CSV files' own figures as numbers with £ and %
//! formats, and its Assumptions sheet goes back into `seams run --assumptions` as the CSV
//! register does, with the same strict checks, naming sheet, row and column.

use std::collections::HashMap;
use std::path::Path;

use calamine::{Data, Reader, Xlsx};

use super::common::*;

const SHEETS: [&str; 17] = [
    "Summary",
    "Options",
    "Base case",
    "Appraisal",
    "By year",
    "Organisations",
    "Transactions",
    "Benefits register",
    "Financial view",
    "Sensitivity",
    "Switching values",
    "Value of information",
    "What must be true",
    "Other cases",
    "Fixed assumptions",
    "Assumptions",
    "Method",
];

fn open(path: &Path) -> Xlsx<std::io::BufReader<std::fs::File>> {
    calamine::open_workbook(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The number format of every cell of sheet `n` (from 1), by cell reference (`C2`), read
/// from the workbook's XML: what a spreadsheet shows the number as.
fn number_formats(path: &Path, n: usize) -> HashMap<String, String> {
    let file = std::fs::File::open(path).unwrap();
    let mut zip = zip::ZipArchive::new(file).unwrap();
    let mut read = |name: &str| {
        let mut text = String::new();
        std::io::Read::read_to_string(&mut zip.by_name(name).unwrap(), &mut text).unwrap();
        text
    };
    let styles = read("xl/styles.xml");
    let sheet = read(&format!("xl/worksheets/sheet{n}.xml"));
    let styles = roxmltree::Document::parse(&styles).unwrap();
    let codes: HashMap<&str, &str> = styles
        .descendants()
        .filter(|e| e.has_tag_name("numFmt"))
        .map(|e| {
            (
                e.attribute("numFmtId").unwrap(),
                e.attribute("formatCode").unwrap(),
            )
        })
        .collect();
    let xfs: Vec<&str> = styles
        .descendants()
        .find(|e| e.has_tag_name("cellXfs"))
        .unwrap()
        .children()
        .filter(|e| e.has_tag_name("xf"))
        .map(|e| e.attribute("numFmtId").unwrap_or("0"))
        .collect();
    let sheet = roxmltree::Document::parse(&sheet).unwrap();
    sheet
        .descendants()
        .filter(|e| e.has_tag_name("c"))
        .map(|c| {
            let xf: usize = c.attribute("s").unwrap_or("0").parse().unwrap();
            let code = codes.get(xfs[xf]).copied().unwrap_or("General");
            (c.attribute("r").unwrap().to_string(), code.to_string())
        })
        .collect()
}

/// The CSV columns that hold names and keys; every other column holds figures.
const TEXT_COLUMNS: [&str; 13] = [
    "measure",
    "financial_year",
    "case",
    "group",
    "kind",
    "option",
    "department",
    "component",
    "bearer",
    "metric",
    "organisation",
    "output",
    "input",
];

/// A sheet's cell is its CSV cell exactly: an empty CSV cell is an empty sheet cell, a name or
/// key is text, a flag is a boolean, and every other figure is a number equal to the CSV's —
/// never a number stored as text.
fn assert_same_cell(column: &str, text: &str, cell: &Data, at: &str) {
    match (text, cell) {
        ("", Data::Empty) => {}
        ("", other) => panic!("{at}: an empty CSV cell is {other:?}"),
        (_, Data::String(s)) if TEXT_COLUMNS.contains(&column) => assert_eq!(s, text, "{at}"),
        ("true" | "false", Data::Bool(b)) => assert_eq!(b.to_string(), text, "{at}"),
        // MODEL §3a: "none" where no value in the range switches the sign.
        ("none", Data::String(s))
            if column.starts_with("switching") || column == "change_percent" =>
        {
            assert_eq!(s, "none", "{at}")
        }
        (_, Data::Float(x)) => {
            assert!(
                !TEXT_COLUMNS.contains(&column),
                "{at}: a name stored as a number"
            );
            assert_eq!(text.parse::<f64>().ok(), Some(*x), "{at}");
        }
        (_, other) => panic!("{at}: `{text}` is {other:?}"),
    }
}

/// A spreadsheet's name for the cell at row `r`, column `c` (both from 0).
fn cell_name(r: usize, c: usize) -> String {
    format!("{}{}", (b'A' + c as u8) as char, r + 1)
}

#[test]
fn every_sheet_holds_the_csv_figures_as_numbers_with_money_formats() {
    let dir = tempfile::tempdir().unwrap();
    let out = run_named(dir.path(), &fixture("small.toml"), "out", &["--no-charts"]);
    let path = out.join("economic-case.xlsx");
    let mut book = open(&path);
    assert_eq!(book.sheet_names(), SHEETS);
    let tables = [
        ("Appraisal", "appraisal.csv", 4),
        ("By year", "yearly.csv", 5),
        ("Organisations", "organisations.csv", 6),
        ("Transactions", "transactions.csv", 7),
        ("Benefits register", "benefits.csv", 8),
        ("Financial view", "financial.csv", 9),
        ("Sensitivity", "sensitivity.csv", 10),
        ("Switching values", "switching.csv", 11),
        ("Value of information", "voi.csv", 12),
        ("What must be true", "conditions.csv", 13),
        ("Other cases", "cases.csv", 14),
    ];
    for (sheet, csv, n) in tables {
        let range = book.worksheet_range(sheet).unwrap();
        let mut reader = csv::Reader::from_path(out.join(csv)).unwrap();
        let header: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
        let rows: Vec<Vec<Data>> = range.rows().map(<[Data]>::to_vec).collect();
        let got: Vec<String> = rows[0].iter().map(|d| d.to_string()).collect();
        assert_eq!(got, header, "{sheet}: header");
        let formats = number_formats(&path, n);
        let mut numbers = 0;
        for (i, record) in reader.records().enumerate() {
            let record = record.unwrap();
            for (c, text) in record.iter().enumerate() {
                let cell = &rows[i + 1][c];
                let at = format!("{sheet} {} ({})", cell_name(i + 1, c), header[c]);
                assert_same_cell(&header[c], text, cell, &at);
                if let Data::Float(_) = cell {
                    numbers += 1;
                    let money = ["mean", "p10", "p50", "p90"].contains(&header[c].as_str())
                        && ["pv_costs", "npsv", "cost_users", "pv_benefits_government"].contains(
                            &&record[header.iter().position(|h| h == "metric").unwrap_or(0)],
                        );
                    if money {
                        let format = &formats[&cell_name(i + 1, c)];
                        assert!(format.contains('£'), "{at}: {format}");
                    }
                }
            }
        }
        // (A table may have no rows: the small fixture's option loses value in every
        // iteration, so no input differs where it does.)
        assert!(
            numbers > 0 || rows.len() == 1,
            "{sheet}: figures stored as numbers"
        );
    }
    // The Summary's cost table is summary.csv, cell for cell, under its title.
    let summary = book.worksheet_range("Summary").unwrap();
    let rows: Vec<Vec<Data>> = summary.rows().map(<[Data]>::to_vec).collect();
    let mut reader = csv::Reader::from_path(out.join("summary.csv")).unwrap();
    let header: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    let top = rows
        .iter()
        .position(|r| {
            r.iter()
                .take(header.len())
                .map(|d| d.to_string())
                .eq(header.iter().cloned())
        })
        .expect("summary.csv's header on the Summary sheet");
    let records: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert!(!records.is_empty());
    for (i, record) in records.iter().enumerate() {
        for (c, text) in record.iter().enumerate() {
            let at = format!("Summary {} ({})", cell_name(top + 1 + i, c), header[c]);
            assert_same_cell(&header[c], text, &rows[top + 1 + i][c], &at);
        }
    }
    assert!(
        rows.len() == top + 1 + records.len(),
        "nothing below the summary table"
    );
    // The headline's money and shares carry their formats.
    let summary = number_formats(&path, 1);
    assert!(summary["B2"].contains('£'), "{}", summary["B2"]);
    let options = book.worksheet_range("Appraisal").unwrap();
    let p_positive = options
        .rows()
        .next()
        .unwrap()
        .iter()
        .position(|h| *h == Data::String("p_positive".into()))
        .unwrap();
    let npsv_row = options
        .rows()
        .position(|r| r[1] == Data::String("npsv".into()))
        .unwrap();
    assert!(number_formats(&path, 4)[&cell_name(npsv_row, p_positive)].contains('%'));
    let assumptions = book.worksheet_range("Assumptions").unwrap();
    let header: Vec<String> = assumptions
        .rows()
        .next()
        .unwrap()
        .iter()
        .map(|d| d.to_string())
        .collect();
    assert_eq!(header, seams::register::COLUMNS);
    let method = book.worksheet_range("Method").unwrap();
    let items: Vec<String> = method.rows().map(|r| r[0].to_string()).collect();
    assert!(items.contains(&"Scenario SHA-256".to_string()));
}

/// Copies the Assumptions sheet of `from` into a new workbook at `to`, with the cell of `key`'s
/// row in column `column` set to `value` (and other sheets left out unless `keep_name`).
fn edited_workbook(from: &Path, to: &Path, key: &str, column: &str, value: &str, sheet: &str) {
    let mut book = open(from);
    let range = book.worksheet_range("Assumptions").unwrap();
    let rows: Vec<Vec<Data>> = range.rows().map(<[Data]>::to_vec).collect();
    let target = rows[0]
        .iter()
        .position(|h| *h == Data::String(column.into()));
    let mut out = rust_xlsxwriter::Workbook::new();
    let ws = out.add_worksheet();
    ws.set_name(sheet).unwrap();
    for (r, row) in rows.iter().enumerate() {
        for (c, cell) in row.iter().enumerate() {
            let (r32, c16) = (r as u32, c as u16);
            if row[0] == Data::String(key.into()) && Some(c) == target {
                ws.write_string(r32, c16, value).unwrap();
                continue;
            }
            match cell {
                Data::Float(x) => {
                    ws.write_number(r32, c16, *x).unwrap();
                }
                Data::Int(x) => {
                    ws.write_number(r32, c16, *x as f64).unwrap();
                }
                Data::String(s) => {
                    ws.write_string(r32, c16, s).unwrap();
                }
                _ => {}
            }
        }
    }
    out.save(to).unwrap();
}

#[test]
fn an_edited_assumptions_sheet_runs_as_the_same_edit_of_the_csv_register() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = fixture("small.toml");
    let out = run_named(dir.path(), &scenario, "out", &["--no-charts"]);
    let workbook = out.join("economic-case.xlsx");
    // Unedited, the workbook changes nothing.
    let same = run_named(
        dir.path(),
        &scenario,
        "same",
        &["--no-charts", "--assumptions", workbook.to_str().unwrap()],
    );
    for file in ["summary.csv", "appraisal.csv"] {
        assert_eq!(
            std::fs::read(out.join(file)).unwrap(),
            std::fs::read(same.join(file)).unwrap(),
            "{file}"
        );
    }
    let key = "departments.one.failure_demand";
    let new = "pert(5%, 10%, 20%)";
    let edited = dir.path().join("edited.xlsx");
    edited_workbook(&workbook, &edited, key, "distribution", new, "Assumptions");
    let by_sheet = run_named(
        dir.path(),
        &scenario,
        "sheet",
        &["--no-charts", "--assumptions", edited.to_str().unwrap()],
    );
    let by_set = run_named(
        dir.path(),
        &scenario,
        "set",
        &["--no-charts", "--set", &format!("{key}={new}")],
    );
    for file in ["summary.csv", "appraisal.csv", "yearly.csv"] {
        assert_eq!(
            std::fs::read(by_sheet.join(file)).unwrap(),
            std::fs::read(by_set.join(file)).unwrap(),
            "{file}"
        );
    }
    assert_ne!(
        std::fs::read(by_sheet.join("summary.csv")).unwrap(),
        std::fs::read(out.join("summary.csv")).unwrap()
    );
}

/// Runs with a broken workbook: exit 2, each of `expect` in the message, nothing written.
fn refused_workbook(dir: &Path, workbook: &Path, expect: &[&str]) {
    let out = dir.join("refused");
    let output = run_scenario(
        dir,
        &fixture("small.toml"),
        &out,
        &["--assumptions", workbook.to_str().unwrap()],
    );
    let message = stderr(&output);
    assert_eq!(output.status.code(), Some(2), "{message}");
    for e in expect {
        assert!(message.contains(e), "{e:?} not in: {message}");
    }
    assert!(!out.exists());
}

#[test]
fn a_broken_workbook_is_refused_naming_sheet_row_and_column() {
    let dir = tempfile::tempdir().unwrap();
    let out = run_named(dir.path(), &fixture("small.toml"), "out", &["--no-charts"]);
    let workbook = out.join("economic-case.xlsx");
    let key = "departments.one.failure_demand";
    let malformed = dir.path().join("malformed.xlsx");
    edited_workbook(
        &workbook,
        &malformed,
        key,
        "distribution",
        "pert(10%, 20%",
        "Assumptions",
    );
    let row = {
        let mut book = open(&workbook);
        let range = book.worksheet_range("Assumptions").unwrap();
        range
            .rows()
            .position(|r| r[0] == Data::String(key.into()))
            .unwrap()
            + 1
    };
    refused_workbook(
        dir.path(),
        &malformed,
        &[
            "sheet Assumptions",
            &format!("row {row}"),
            "column B (distribution)",
            key,
        ],
    );
    let no_sheet = dir.path().join("no-sheet.xlsx");
    edited_workbook(&workbook, &no_sheet, key, "distribution", "20%", "Register");
    refused_workbook(
        dir.path(),
        &no_sheet,
        &["no sheet `Assumptions`", "Register"],
    );
    let no_column = dir.path().join("no-column.xlsx");
    edited_workbook(
        &workbook,
        &no_column,
        "key",
        "distribution",
        "distrib",
        "Assumptions",
    );
    refused_workbook(
        dir.path(),
        &no_column,
        &["sheet Assumptions", "row 1", "required column distribution"],
    );
}

/// Every text cell of a sheet, in reading order.
pub(super) fn texts(path: &Path, sheet: &str) -> Vec<String> {
    let range = open(path).worksheet_range(sheet).unwrap();
    range
        .rows()
        .flat_map(|r| r.iter())
        .filter_map(|c| match c {
            Data::String(s) => Some(s.clone()),
            _ => None,
        })
        .collect()
}

#[test]
fn a_workbook_made_with_changed_assumptions_names_each_change() {
    let dir = tempfile::tempdir().unwrap();
    let key = "departments.one.failure_demand";
    let out = run_named(
        dir.path(),
        &fixture("small.toml"),
        "out",
        &["-n", "1000", "--no-charts", "--set", &format!("{key}=25%")],
    );
    let book = out.join("economic-case.xlsx");
    for sheet in ["Summary", "Method"] {
        let cells = texts(&book, sheet);
        assert!(
            cells
                .iter()
                .any(|c| c == "Assumptions changed from the scenario file"),
            "{sheet}: {cells:?}"
        );
        assert!(cells.iter().any(|c| c == key), "{sheet} names {key}");
        assert!(
            cells.iter().any(|c| c == "25%"),
            "{sheet} gives the new value"
        );
    }
    // The register's source for the changed row says what changed it, not the file's source.
    let range = open(&book).worksheet_range("Assumptions").unwrap();
    let row = range
        .rows()
        .find(|r| matches!(r.first(), Some(Data::String(s)) if s == key))
        .unwrap();
    let source = row[6].to_string();
    assert!(source.starts_with("changed from the file's `"), "{source}");
    assert!(source.ends_with("by --set"), "{source}");
    // An unchanged workbook has no such table.
    let plain = run_named(
        dir.path(),
        &fixture("small.toml"),
        "plain",
        &["-n", "1000", "--no-charts"],
    );
    let cells = texts(&plain.join("economic-case.xlsx"), "Summary");
    assert!(!cells.iter().any(|c| c.contains("changed from")));
}

#[test]
fn the_options_sheet_sets_options_side_by_side_with_units_in_its_labels() {
    let dir = tempfile::tempdir().unwrap();
    let path = border_exports_workbook(dir.path(), "5000");
    let mut book = open(&path);
    let sheet = book.worksheet_range("Options").unwrap();
    let rows: Vec<Vec<Data>> = sheet.rows().map(<[Data]>::to_vec).collect();
    let header: Vec<String> = rows[0].iter().map(|d| d.to_string()).collect();
    assert_eq!(
        header,
        [
            "Figure",
            "Business as usual",
            "Share consignment data between HMRC, Defra and APHA",
            "One status page for the consignment"
        ]
    );
    let appraisal = read_csv(&path.with_file_name("appraisal.csv"));
    let mean = |option: &str, metric: &str| {
        num(
            appraisal
                .iter()
                .find(|r| r["option"] == option && r["metric"] == metric)
                .unwrap(),
            "mean",
        )
    };
    let row = |label: &str| {
        rows.iter()
            .find(|r| r[0].to_string().starts_with(label))
            .unwrap_or_else(|| panic!("no row `{label}`"))
    };
    for (column, id) in [(2, "share-data"), (3, "status-page")] {
        for (label, metric) in [
            ("NPSV, mean", "npsv"),
            ("PV costs", "pv_costs"),
            ("Benefit–cost ratio: expected", "bcr_expected"),
        ] {
            assert_eq!(row(label)[column], Data::Float(mean(id, metric)), "{label}");
        }
    }
    // Every label names its unit; present values their price year and discounting.
    for r in &rows[1..] {
        let label = r[0].to_string();
        if label.is_empty() || !matches!(r[2], Data::Float(_) | Data::String(_)) {
            continue;
        }
        assert!(label.ends_with(')'), "`{label}` has no unit in brackets");
    }
    assert!(row("NPSV, mean")[0]
        .to_string()
        .contains("2024 prices, discounted to 2025"));
    // Business as usual has the cost to serve, and no present values of its own.
    assert_eq!(row("NPSV, mean")[1], Data::Empty);
    assert!(
        matches!(row("Cost to government per completed transaction")[1], Data::Float(x) if x > 0.0)
    );
}

#[test]
fn numbers_are_numbers_and_every_sheet_prints_a_page_wide_in_landscape() {
    let dir = tempfile::tempdir().unwrap();
    let out = run_named(
        dir.path(),
        &fixture("small.toml"),
        "out",
        &["--no-charts", "--seed", "12345"],
    );
    let path = out.join("economic-case.xlsx");
    let mut book = open(&path);
    let method = book.worksheet_range("Method").unwrap();
    let value = |item: &str| {
        method
            .rows()
            .find(|r| r[0] == Data::String(item.into()))
            .unwrap_or_else(|| panic!("no `{item}`"))[1]
            .clone()
    };
    assert_eq!(value("Seed"), Data::Float(12345.0));
    assert!(matches!(value("Iterations"), Data::Float(x) if x >= 1000.0));
    assert_eq!(value("Price base year"), Data::Float(2024.0));
    // Each sheet: A4 landscape, one page wide, its header row repeated on every page.
    let file = std::fs::File::open(&path).unwrap();
    let mut zip = zip::ZipArchive::new(file).unwrap();
    let mut read = |name: &str| {
        let mut text = String::new();
        std::io::Read::read_to_string(&mut zip.by_name(name).unwrap(), &mut text).unwrap();
        text
    };
    let workbook = read("xl/workbook.xml");
    for (n, name) in SHEETS.iter().enumerate() {
        let xml = read(&format!("xl/worksheets/sheet{}.xml", n + 1));
        let doc = roxmltree::Document::parse(&xml).unwrap();
        let setup = doc
            .descendants()
            .find(|e| e.has_tag_name("pageSetup"))
            .unwrap_or_else(|| panic!("{name}: no page setup"));
        assert_eq!(setup.attribute("orientation"), Some("landscape"), "{name}");
        assert_eq!(setup.attribute("paperSize"), Some("9"), "{name}: A4");
        assert_eq!(setup.attribute("fitToHeight"), Some("0"), "{name}");
        let fit = doc
            .descendants()
            .find(|e| e.has_tag_name("pageSetUpPr"))
            .and_then(|e| e.attribute("fitToPage"));
        assert_eq!(fit, Some("1"), "{name}: fit to the page's width");
        let titles = format!("localSheetId=\"{n}\">");
        let repeated = workbook
            .split("<definedName ")
            .any(|d| d.contains("_xlnm.Print_Titles") && d.contains(&titles));
        assert!(repeated, "{name}: no header rows repeated");
    }
}

/// A label longer than the widest column wraps, and its row is made tall enough for its
/// lines: a spreadsheet opening the file does not make rows taller itself, so the lines would
/// print over the rows below (and a label that did not wrap was cut off at the next column).
#[test]
fn long_labels_get_rows_tall_enough_to_show_them() {
    let dir = tempfile::tempdir().unwrap();
    let path = border_exports_workbook(dir.path(), "2000");
    let summary = open(&path).worksheet_range("Summary").unwrap();
    let first_row = summary.start().map_or(0, |(r, _)| r as usize);
    let file = std::fs::File::open(&path).unwrap();
    let mut zip = zip::ZipArchive::new(file).unwrap();
    let mut xml = String::new();
    std::io::Read::read_to_string(
        &mut zip.by_name("xl/worksheets/sheet1.xml").unwrap(),
        &mut xml,
    )
    .unwrap();
    let sheet = roxmltree::Document::parse(&xml).unwrap();
    // Each row's height in points, by row number from 1, where the file sets one.
    let heights: HashMap<usize, f64> = sheet
        .descendants()
        .filter(|e| e.has_tag_name("row"))
        .filter_map(|e| {
            Some((
                e.attribute("r")?.parse().ok()?,
                e.attribute("ht")?.parse().ok()?,
            ))
        })
        .collect();
    let mut long = 0;
    for (i, row) in summary.rows().enumerate() {
        let chars = row
            .first()
            .map_or(0, |cell| cell.to_string().chars().count());
        let number = first_row + i + 1;
        if chars > 90 {
            long += 1;
            let height = heights.get(&number).copied().unwrap_or(15.0);
            assert!(
                height >= 15.0 * chars.div_ceil(90) as f64,
                "row {number}, a label of {chars} characters, is {height} points tall"
            );
        }
    }
    // The shipped scenario's option names make some headline labels that long.
    assert!(long >= 2, "only {long} labels over 90 characters");
}

/// The workbook of the shipped border-exports scenario at `iterations`, written under `dir`.
fn border_exports_workbook(dir: &Path, iterations: &str) -> std::path::PathBuf {
    let scenario = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/border-exports.toml");
    let out = run_named(dir, &scenario, "out", &["--no-charts", "-n", iterations]);
    out.join("economic-case.xlsx")
}
