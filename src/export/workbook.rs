//! `economic-case.xlsx` (docs/method.md §7; README, "What a run writes"): the whole case in
//! one workbook for a finance reviewer — the headline, each table of the CSV files on a sheet
//! of its own, the assumptions register and the method.
//!
//! Every figure is the CSV's own number, read back from the CSV text rendered just before
//! (the shortest text that gives the number back exactly), so the workbook and the CSV files
//! cannot disagree; numbers are stored as numbers, with £ and % formats, and nothing is a
//! formula. Header rows are frozen and columns sized to fit.

use rust_xlsxwriter::{Format, Workbook, Worksheet, XlsxError};

use super::register::{register_rows, ASSUMPTIONS_SHEET, COLUMNS};
use super::{Artefact, Exporter};
use crate::error::{Error, Result};
use crate::outputs::{Bearer, Component, Metric, Scope};
use crate::params::Unit;
use crate::results::Results;

/// The workbook's file name.
pub const WORKBOOK: &str = "economic-case.xlsx";

/// Each sheet drawn from a CSV file: the sheet's name and the file.
const TABLE_SHEETS: [(&str, &str); 6] = [
    ("Options", "appraisal.csv"),
    ("By year", "yearly.csv"),
    ("Organisations", "organisations.csv"),
    ("Transactions", "transactions.csv"),
    ("Sensitivity", "sensitivity.csv"),
    ("Switching values", "switching.csv"),
];

/// The widest a column is sized to, in pixels: long sources and notes wrap in the cell.
const MAX_COLUMN_PIXELS: u32 = 420;

/// `economic-case.xlsx`, rendered from the results and the CSV files before it.
pub struct EconomicCaseXlsx;

impl Exporter for EconomicCaseXlsx {
    fn name(&self) -> &'static str {
        WORKBOOK
    }

    fn render(&self, r: &Results, earlier: &[Artefact]) -> Result<Vec<Artefact>> {
        let bytes = workbook(r, earlier).map_err(|e| Error::Write {
            path: WORKBOOK.into(),
            problem: e.to_string(),
        })?;
        Ok(vec![Artefact {
            name: WORKBOOK.into(),
            bytes,
        }])
    }
}

/// The number formats of the workbook.
struct Formats {
    header: Format,
    money: Format,
    pence: Format,
    share: Format,
    percent_points: Format,
    ratio: Format,
    count: Format,
    whole: Format,
    plain: Format,
    text: Format,
}

impl Formats {
    fn new() -> Formats {
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

    /// The format of a figure in an input's unit.
    fn of_unit(&self, unit: Unit, x: f64) -> &Format {
        match unit {
            Unit::Pounds if x.abs() < 1000.0 => &self.pence,
            Unit::Pounds => &self.money,
            Unit::Share => &self.share,
            Unit::Journeys => &self.count,
            _ => &self.plain,
        }
    }
}

fn workbook(r: &Results, earlier: &[Artefact]) -> std::result::Result<Vec<u8>, XlsxError> {
    let formats = Formats::new();
    let mut book = Workbook::new();
    summary_sheet(book.add_worksheet(), r, earlier, &formats)?;
    for (sheet, file) in TABLE_SHEETS {
        let Some(csv) = earlier.iter().find(|a| a.name == file) else {
            continue;
        };
        let ws = book.add_worksheet();
        ws.set_name(sheet)?;
        table(ws, 0, &read_csv(&csv.bytes), &formats, r)?;
        finish(ws)?;
    }
    assumptions_sheet(book.add_worksheet(), r, &formats)?;
    method_sheet(book.add_worksheet(), r, &formats)?;
    book.save_to_buffer()
}

/// Frozen header row, columns sized to fit.
fn finish(ws: &mut Worksheet) -> std::result::Result<(), XlsxError> {
    ws.set_freeze_panes(1, 0)?;
    ws.set_autofit_max_width(MAX_COLUMN_PIXELS);
    ws.autofit();
    Ok(())
}

/// A CSV file rendered by this run, as header and rows of cell text.
fn read_csv(bytes: &[u8]) -> (Vec<String>, Vec<Vec<String>>) {
    let mut reader = csv::Reader::from_reader(bytes);
    let header = reader
        .headers()
        .map(|h| h.iter().map(String::from).collect())
        .unwrap_or_default();
    let rows = reader
        .records()
        .filter_map(|r| r.ok())
        .map(|r| r.iter().map(String::from).collect())
        .collect();
    (header, rows)
}

/// Writes a table at `top`: the header in bold, then each row, numbers as numbers in the
/// format their column and row call for. Returns the row after the table.
fn table(
    ws: &mut Worksheet,
    top: u32,
    (header, rows): &(Vec<String>, Vec<Vec<String>>),
    formats: &Formats,
    r: &Results,
) -> std::result::Result<u32, XlsxError> {
    for (c, name) in header.iter().enumerate() {
        ws.write_string_with_format(top, c as u16, name, &formats.header)?;
    }
    for (i, row) in rows.iter().enumerate() {
        let at = top + 1 + i as u32;
        for (c, cell) in row.iter().enumerate() {
            let column = header.get(c).map_or("", String::as_str);
            match number_in(column, cell) {
                Some(x) => {
                    let format = format_of(column, x, header, row, formats, r);
                    ws.write_number_with_format(at, c as u16, x, format)?;
                }
                None if cell.is_empty() => {}
                None => {
                    ws.write_string(at, c as u16, unneutralised(cell))?;
                }
            }
        }
    }
    Ok(top + 1 + rows.len() as u32)
}

/// The columns of the CSV files that hold names, never figures.
const NAME_COLUMNS: [&str; 8] = [
    "scenario",
    "department",
    "component",
    "bearer",
    "option",
    "metric",
    "organisation",
    "input",
];

/// A figure cell's number; `None` for a name or a word ("none", "true").
fn number_in(column: &str, cell: &str) -> Option<f64> {
    if NAME_COLUMNS.contains(&column) || column == "output" || column == "within_p5_p95" {
        return None;
    }
    cell.parse::<f64>().ok().filter(|x| x.is_finite())
}

/// A text cell as a reader types it: the CSV's guard against formulas (a leading apostrophe)
/// is not needed in a workbook, whose text cells are never formulas.
fn unneutralised(cell: &str) -> &str {
    match cell.strip_prefix('\'') {
        Some(rest) if rest.starts_with(['=', '+', '-', '@']) => rest,
        _ => cell,
    }
}

/// The format of a figure: by its column (shares, years, correlations), by its row's metric
/// (a BCR, a payback year, contacts, a cost per transaction), by the unit of the input it
/// belongs to (switching values), else money.
fn format_of<'f>(
    column: &str,
    x: f64,
    header: &[String],
    row: &[String],
    formats: &'f Formats,
    r: &Results,
) -> &'f Format {
    let cell = |name: &str| {
        header
            .iter()
            .position(|h| h == name)
            .and_then(|c| row.get(c))
            .map_or("", String::as_str)
    };
    match column {
        "p_positive" | "variance_share" => return &formats.share,
        "year" => return &formats.whole,
        "spearman" => return &formats.ratio,
        "change_percent" => return &formats.percent_points,
        "base_value" | "switching_value" => {
            let unit = r
                .model()
                .input(cell("input"))
                .map_or(Unit::Count, |i| i.unit);
            return formats.of_unit(unit, x);
        }
        _ => {}
    }
    match cell("metric") {
        m if m == Metric::Bcr.name() => &formats.ratio,
        m if m == Metric::PaybackYear.name() => &formats.whole,
        "digital_take_up" => &formats.share,
        m if m == "contacts" || m.starts_with("contacts:") => &formats.count,
        "cost_per_transaction" | "user_cost_per_journey" => &formats.pence,
        _ => &formats.money,
    }
}

/// The Summary sheet: the headline figures (the cost of disjointedness, each option's NPSV,
/// BCR and chance of paying off), then the cost by department and kind (`summary.csv`).
fn summary_sheet(
    ws: &mut Worksheet,
    r: &Results,
    earlier: &[Artefact],
    formats: &Formats,
) -> std::result::Result<(), XlsxError> {
    ws.set_name("Summary")?;
    let s = r.model().settings();
    let headers = ["figure", "mean", "p10", "p90", "p_positive"];
    for (c, h) in headers.iter().enumerate() {
        ws.write_string_with_format(0, c as u16, *h, &formats.header)?;
    }
    let mut row = 1;
    for (bearer, label) in
        Bearer::ALL
            .into_iter()
            .zip(["users", "government", "users and government"])
    {
        let st = r.cost(Scope::Total, Component::Disjointed, bearer);
        let name = format!(
            "Cost of disjointedness in {}, {label} (£ a year, {} prices)",
            s.first_year, s.price_base_year
        );
        ws.write_string(row, 0, name)?;
        for (c, x) in [st.mean, st.p10, st.p90].into_iter().enumerate() {
            ws.write_number_with_format(row, 1 + c as u16, x, &formats.money)?;
        }
        row += 1;
    }
    for (o, option) in r.model().options().iter().enumerate() {
        if let Some(st) = r.appraisal(o, Metric::Npsv) {
            ws.write_string(
                row,
                0,
                format!("NPSV of {} (£, present value)", option.name),
            )?;
            for (c, x) in [st.mean, st.p10, st.p90].into_iter().enumerate() {
                ws.write_number_with_format(row, 1 + c as u16, x, &formats.money)?;
            }
            ws.write_number_with_format(row, 4, st.p_positive, &formats.share)?;
            row += 1;
        }
        if let Some(st) = r.appraisal(o, Metric::Bcr) {
            ws.write_string(row, 0, format!("BCR of {}", option.name))?;
            for (c, x) in [st.mean, st.p10, st.p90].into_iter().enumerate() {
                ws.write_number_with_format(row, 1 + c as u16, x, &formats.ratio)?;
            }
            row += 1;
        }
    }
    if let Some(csv) = earlier.iter().find(|a| a.name == "summary.csv") {
        ws.write_string_with_format(
            row + 1,
            0,
            "Cost in year 0 by department, kind of cost and who bears it",
            &formats.header,
        )?;
        table(ws, row + 2, &read_csv(&csv.bytes), formats, r)?;
    }
    finish(ws)
}

/// The Assumptions sheet: the register, exactly as `seams assumptions` writes it, which
/// `seams run --assumptions` reads back from the workbook.
fn assumptions_sheet(
    ws: &mut Worksheet,
    r: &Results,
    formats: &Formats,
) -> std::result::Result<(), XlsxError> {
    use super::Cell;
    ws.set_name(ASSUMPTIONS_SHEET)?;
    for (c, h) in COLUMNS.iter().enumerate() {
        ws.write_string_with_format(0, c as u16, *h, &formats.header)?;
    }
    let inputs = r.model().inputs();
    for (i, cells) in register_rows(r.model()).into_iter().enumerate() {
        let at = 1 + i as u32;
        let unit = inputs.get(i).map_or(Unit::Count, |input| input.unit);
        for (c, cell) in cells.into_iter().enumerate() {
            let column = COLUMNS[c];
            match cell {
                Cell::Number(x) if column == "price_year" => {
                    ws.write_number_with_format(at, c as u16, x, &formats.whole)?;
                }
                Cell::Number(x) => {
                    ws.write_number_with_format(at, c as u16, x, formats.of_unit(unit, x))?;
                }
                // The distribution is text, even when it is a plain number, so it reads back
                // as written.
                Cell::Text(t) if column == "source" || column == "note" => {
                    ws.write_string_with_format(at, c as u16, t, &formats.text)?;
                }
                Cell::Text(t) => {
                    ws.write_string(at, c as u16, t)?;
                }
                Cell::Empty => {}
            }
        }
    }
    finish(ws)
}

/// The Method sheet: where the figures come from.
fn method_sheet(
    ws: &mut Worksheet,
    r: &Results,
    formats: &Formats,
) -> std::result::Result<(), XlsxError> {
    ws.set_name("Method")?;
    let m = r.model();
    let s = m.settings();
    ws.write_string_with_format(0, 0, "item", &formats.header)?;
    ws.write_string_with_format(0, 1, "value", &formats.header)?;
    let mut lines: Vec<(String, String)> = vec![
        ("Scenario".into(), s.name.clone()),
        ("Scenario file".into(), m.path().display().to_string()),
        ("Scenario SHA-256".into(), m.sha256().to_string()),
        ("seams version".into(), env!("CARGO_PKG_VERSION").into()),
        ("Iterations".into(), r.iterations().to_string()),
        ("Seed".into(), r.seed().to_string()),
        ("Sampling".into(), r.sampling().name().into()),
        ("Price base year".into(), s.price_base_year.to_string()),
        (
            "Appraisal period".into(),
            format!("{} years from {}", s.years, s.first_year),
        ),
        ("Discounting".into(), format!("{:?}", m.discounting())),
        (
            "Figures".into(),
            "values written by seams, equal to its CSV files; no cell is a formula".into(),
        ),
    ];
    for table in super::run_json::reference_tables(m) {
        let field = |k: &str| table[k].as_str().unwrap_or("").to_string();
        lines.push((
            format!("Reference table: {}", field("table")),
            format!(
                "{} — {} (vintage {})",
                field("file"),
                field("source"),
                field("vintage")
            ),
        ));
    }
    for journey in m.journeys().iter().filter(|_| m.is_portfolio()) {
        lines.push((
            format!("Journey {}", journey.id),
            format!("{} (SHA-256 {})", journey.path.display(), journey.sha256),
        ));
    }
    for (k, (item, value)) in lines.iter().enumerate() {
        ws.write_string(1 + k as u32, 0, item)?;
        ws.write_string_with_format(1 + k as u32, 1, value, &formats.text)?;
    }
    finish(ws)
}
