//! `economic-case.xlsx` (docs/method.md §7; README, "What a run writes"): the whole case in
//! one workbook for a finance reviewer — the headline, each table of the CSV files on a sheet
//! of its own, the assumptions register and the method.
//!
//! Each table sheet is the same typed table as its CSV file, written by the sheet renderer, so
//! the workbook and the CSV files cannot disagree; numbers are stored as numbers, with £ and %
//! formats that follow each figure's kind, and nothing is a formula. Header rows are frozen
//! and columns sized to fit.

use rust_xlsxwriter::{Workbook, Worksheet, XlsxError};

use super::tables::DATA_TABLES;
use super::{Artefact, Exporter, Tables};
use crate::error::{Error, Result};
use crate::outputs::{Bearer, Component, Metric, Scope};
use crate::register::{register_table, ASSUMPTIONS_SHEET};
use crate::results::Results;
use crate::table::sheet::{self, Formats};
use crate::table::{Cell, Kind, Table};

/// The workbook's file name.
pub const WORKBOOK: &str = "economic-case.xlsx";

/// `economic-case.xlsx`.
pub struct EconomicCaseXlsx;

impl Exporter for EconomicCaseXlsx {
    fn name(&self) -> &'static str {
        WORKBOOK
    }

    fn render(&self, r: &Results, tables: &Tables) -> Result<Vec<Artefact>> {
        Ok(vec![Artefact {
            name: WORKBOOK.into(),
            bytes: workbook_of(r, tables)?,
        }])
    }
}

/// The whole case as a workbook: the Summary, each registered table on its sheet, the
/// assumptions register and the method.
///
/// # Errors
/// [`Error::Write`] if the workbook writer fails (a text past Excel's limits).
pub fn workbook(r: &Results) -> Result<Vec<u8>> {
    workbook_of(r, &Tables::new(r))
}

/// The workbook from these results' registered tables.
fn workbook_of(r: &Results, tables: &Tables) -> Result<Vec<u8>> {
    sheets(r, tables).map_err(|e| Error::Write {
        path: WORKBOOK.into(),
        problem: e.to_string(),
    })
}

fn sheets(r: &Results, tables: &Tables) -> std::result::Result<Vec<u8>, XlsxError> {
    let formats = Formats::default();
    let mut book = Workbook::new();
    summary_sheet(book.add_worksheet(), r, tables, &formats)?;
    if !r.model().options().is_empty() {
        let ws = book.add_worksheet();
        ws.set_name("Options")?;
        let wide = super::options_sheet::options_wide(r);
        let after = sheet::write(ws, 0, &wide, &formats)?;
        notes(ws, after, &wide, &formats)?;
        finish(ws, &[&wide])?;
        let ws = book.add_worksheet();
        super::base_case::write(ws, r, &formats)?;
        print_setup(ws, super::base_case::HEADER_ROWS)?;
    }
    for data in DATA_TABLES.iter() {
        let (Some(sheet), Some(table)) = (data.sheet, tables.get(data.file)) else {
            continue;
        };
        let ws = book.add_worksheet();
        ws.set_name(sheet)?;
        crate::table::sheet::write(ws, 0, table, &formats)?;
        finish(ws, &[table])?;
    }
    if !r.mitigation_sweep().is_empty() {
        fixed_sheet(book.add_worksheet(), r, &formats)?;
    }
    assumptions_sheet(book.add_worksheet(), r, &formats)?;
    method_sheet(book.add_worksheet(), r, &formats)?;
    book.save_to_buffer()
}

/// Frozen header row, columns sized to what `tables` put in them, and set up to print.
fn finish(ws: &mut Worksheet, tables: &[&Table]) -> std::result::Result<(), XlsxError> {
    ws.set_freeze_panes(1, 0)?;
    sheet::fit_columns(ws, tables)?;
    print_setup(ws, (0, 0))
}

/// How a sheet prints: A4 landscape, one page wide (as many long as it needs), with its
/// header rows `rows` repeated on every page and the sheet's name and page in the footer.
fn print_setup(ws: &mut Worksheet, rows: (u32, u32)) -> std::result::Result<(), XlsxError> {
    ws.set_paper_size(9)
        .set_landscape()
        .set_print_fit_to_pages(1, 0)
        .set_footer("&L&A&RPage &P of &N");
    ws.set_repeat_rows(rows.0, rows.1)?;
    Ok(())
}

/// A table's notes under it, one a row, in wrapped text; returns the row after them.
fn notes(
    ws: &mut Worksheet,
    after: u32,
    table: &Table,
    formats: &Formats,
) -> std::result::Result<u32, XlsxError> {
    for (k, note) in table.notes.iter().enumerate() {
        ws.write_string_with_format(after + 1 + k as u32, 0, note, &formats.text)?;
    }
    Ok(after + 1 + table.notes.len() as u32)
}

/// The Summary sheet: the headline figures (the cost of disjointedness, each option's NPSV,
/// BCR and chance of paying off), then the cost by department and kind (`summary.csv`).
fn summary_sheet(
    ws: &mut Worksheet,
    r: &Results,
    tables: &Tables,
    formats: &Formats,
) -> std::result::Result<(), XlsxError> {
    ws.set_name("Summary")?;
    let headline = headline(r);
    let mut after = sheet::write(ws, 0, &headline, formats)?;
    let mut written = vec![&headline];
    // A workbook made with changed assumptions says so where a reviewer starts.
    let overrides = super::case_tables::overrides_table(r);
    if !r.model().overrides().is_empty() {
        after = titled(ws, after, &overrides, formats)?;
        written.push(&overrides);
    }
    if let Some(table) = tables.get("summary.csv") {
        titled(ws, after, table, formats)?;
        written.push(table);
    }
    finish(ws, &written)
}

/// A table under its title in bold, a row below `after`; returns the row after the table.
fn titled(
    ws: &mut Worksheet,
    after: u32,
    table: &Table,
    formats: &Formats,
) -> std::result::Result<u32, XlsxError> {
    ws.write_string_with_format(after + 1, 0, &table.title, &formats.header)?;
    sheet::write(ws, after + 2, table, formats)
}

/// The headline figures of the Summary sheet.
fn headline(r: &Results) -> Table {
    let s = r.model().settings();
    let money = Kind::Money(s.price_base_year);
    let mut table = Table::new("Headline", &["figure", "central", "p10", "p90", "chance"]);
    let figures = |st: &crate::outputs::Stats, kind: Kind| {
        [st.mean, st.p10, st.p90].map(|x| Cell::Figure(x, kind))
    };
    let bearers = Bearer::ALL
        .into_iter()
        .zip(["users", "government", "users and government"]);
    for (bearer, label) in bearers {
        let st = r.cost(Scope::Total, Component::Disjointed, bearer);
        let name = format!(
            "Cost of disjointedness in {}, {label} (£ a year, {} prices)",
            s.first_year, s.price_base_year
        );
        table.push([vec![Cell::Text(name)], figures(&st, money).to_vec()].concat());
    }
    for (o, option) in r.model().options().iter().enumerate() {
        if let Some(st) = r.appraisal(o, Metric::Npsv) {
            let name = format!(
                "NPSV of {} (£, present value; mean, and the chance it is above 0)",
                option.name
            );
            let mut row = [vec![Cell::Text(name)], figures(&st, money).to_vec()].concat();
            row.push(Cell::Figure(st.p_positive, Kind::Share));
            table.push(row);
        }
        if let (Some(bcr), Some(st)) = (r.bcr_expected(o), r.appraisal(o, Metric::Bcr)) {
            // The "mean" column holds the ratio of the expected PVs, not a mean of ratios.
            let name = format!("BCR of {} (ratio of expected PVs)", option.name);
            let mut row = vec![Cell::Text(name), Cell::Figure(bcr, Kind::Ratio)];
            row.extend([st.p10, st.p90].map(|x| Cell::Figure(x, Kind::Ratio)));
            table.push(row);
        }
        table.push(payback_row(&option.name, &r.payback(o)));
    }
    table
}

/// Payback as every output states it: the median year over all iterations (text where it is
/// not within the period), its P10–P90, and the share that pays back.
fn payback_row(option: &str, payback: &crate::appraisal::Payback) -> Vec<Cell> {
    let year = |y: Option<i32>, none: &str| {
        y.map_or(Cell::text(none), |y| Cell::Figure(f64::from(y), Kind::Year))
    };
    vec![
        Cell::Text(format!(
            "Payback of {option} (median year over all iterations; the share that pays back)"
        )),
        year(payback.central, "not within the period"),
        year(payback.p10, "after the period"),
        year(payback.p90, "after the period"),
        Cell::Figure(payback.share, Kind::Chance),
    ]
}

/// The Fixed assumptions sheet: the case's tables of the fixed assumptions' switching values
/// and of the optimism-bias sweep.
fn fixed_sheet(
    ws: &mut Worksheet,
    r: &Results,
    formats: &Formats,
) -> std::result::Result<(), XlsxError> {
    ws.set_name("Fixed assumptions")?;
    let (switching, sweep) = (
        super::fixed_md::table(r),
        super::fixed_md::mitigation_table(r),
    );
    let after = sheet::write(ws, 0, &switching, formats)?;
    titled(ws, after, &sweep, formats)?;
    finish(ws, &[&switching, &sweep])
}

/// The Assumptions sheet: the register, exactly as `seams assumptions` writes it, which
/// `seams run --assumptions` reads back from the workbook.
fn assumptions_sheet(
    ws: &mut Worksheet,
    r: &Results,
    formats: &Formats,
) -> std::result::Result<(), XlsxError> {
    ws.set_name(ASSUMPTIONS_SHEET)?;
    let register = register_table(r.model());
    sheet::write(ws, 0, &register, formats)?;
    finish(ws, &[&register])
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
    let text = |item: &str, value: String| (item.to_string(), Cell::Long(value));
    // The run's numbers as numbers: a seed past 2^53 would lose digits in a spreadsheet's
    // double, so it alone stays text.
    let seed = r.seed();
    let seed = if seed <= 1 << 53 {
        Cell::Figure(seed as f64, Kind::Whole)
    } else {
        Cell::Text(seed.to_string())
    };
    let mut lines: Vec<(String, Cell)> = vec![
        text("Scenario", s.name.clone()),
        text("Scenario file", crate::format::file_name(m.path())),
        text("Scenario SHA-256", m.sha256().to_string()),
        text("seams version", env!("CARGO_PKG_VERSION").into()),
        (
            "Iterations".into(),
            Cell::Figure(r.iterations() as f64, Kind::Count),
        ),
        ("Seed".into(), seed),
        text("Sampling", r.sampling().name().into()),
        (
            "Price base year".into(),
            Cell::Figure(f64::from(s.price_base_year), Kind::Year),
        ),
        text(
            "Appraisal period",
            format!("{} years from {}", s.years, s.first_year),
        ),
        text("Discounting", super::economic_case::discount_words(r)),
        text(
            "Figures",
            "values written by seams, equal to its CSV files; formulas only on the Base case \
             sheet, which rebuilds each option's NPSV"
                .into(),
        ),
    ];
    for table in super::run_json::reference_tables(m) {
        let field = |k: &str| table[k].as_str().unwrap_or("").to_string();
        lines.push(text(
            &format!("Reference table: {}", field("table")),
            format!(
                "{} — {} (vintage {})",
                field("file"),
                field("source"),
                field("vintage")
            ),
        ));
    }
    for journey in m.journeys().iter().filter(|_| m.is_portfolio()) {
        lines.push(text(
            &format!("Journey {}", journey.id),
            format!(
                "{} (SHA-256 {})",
                crate::format::file_name(&journey.path),
                journey.sha256
            ),
        ));
    }
    let mut table = Table::new("Method", &["item", "value"]);
    for (item, value) in lines {
        table.push(vec![Cell::Text(item), value]);
    }
    let after = sheet::write(ws, 0, &table, formats)?;
    if m.overrides().is_empty() {
        return finish(ws, &[&table]);
    }
    let overrides = super::case_tables::overrides_table(r);
    titled(ws, after, &overrides, formats)?;
    finish(ws, &[&table, &overrides])
}
