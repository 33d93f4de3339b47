//! The workbook's "Base case" sheet: each option's expected NPSV rebuilt in Excel formulas
//! from its yearly flows, so a finance reviewer can audit the arithmetic (docs/method.md §7).
//!
//! The flows are expectations — the mean of the capital and running-cost draws, the mean yearly
//! benefits — and expectation is linear, so discounting them gives exactly the mean NPSV the
//! case reports: the sheet shows that figure beside its own and their difference (zero but for
//! rounding). The discount factors are formulas of the rates, which a reviewer can change;
//! the optimism-bias uplift is applied by formula where it is a fixed assumption (where it is
//! uncertain, its mean in pounds is written, since the mean of a product is not the product of
//! the means). Every formula carries its value, so a reader that does not recalculate shows it.

use rust_xlsxwriter::utility::{cell_range, row_col_to_cell, row_col_to_cell_absolute};
use rust_xlsxwriter::{Format, Formula, Worksheet, XlsxError};

use crate::outputs::{Metric, YearlyMetric};
use crate::results::Results;
use crate::table::sheet;
use crate::table::Kind;

/// The sheet's name.
pub const SHEET: &str = "Base case";

/// Rows of the shared block: years, appraisal years, rates, discount factors.
const YEAR_ROW: u32 = 3;
const RATE_ROW: u32 = 5;
const DF_ROW: u32 = 6;
/// The rows a printed page repeats: the years.
pub const HEADER_ROWS: (u32, u32) = (YEAR_ROW, YEAR_ROW + 1);
/// The first option's block.
const FIRST_OPTION: u32 = 8;
/// The rows of one option's block, with a blank row after it.
const BLOCK: u32 = 24;

/// The formats of the sheet's cells: the workbook's own for money, shares, years and ratios,
/// and four decimals for a discount factor.
struct Formats<'a> {
    bold: &'a Format,
    money: &'a Format,
    share: &'a Format,
    factor: Format,
    whole: &'a Format,
    ratio: &'a Format,
}

impl Formats<'_> {
    fn of(book: &sheet::Formats, price_year: i32) -> Formats<'_> {
        Formats {
            bold: &book.header,
            money: book.of(Kind::Money(price_year), 0.0),
            share: book.of(Kind::Share, 0.0),
            factor: Format::new().set_num_format("0.0000"),
            whole: book.of(Kind::Year, 0.0),
            ratio: book.of(Kind::Ratio, 0.0),
        }
    }
}

/// A formula with the value it gives, written with a number format.
fn formula(
    ws: &mut Worksheet,
    (row, column): (u32, u16),
    text: &str,
    value: f64,
    format: &Format,
) -> Result<(), XlsxError> {
    let formula = Formula::new(text).set_result(value.to_string());
    ws.write_formula_with_format(row, column, formula, format)?;
    Ok(())
}

/// The cell in `row` of the column of appraisal year `y` (years start in column B).
fn cell(row: u32, y: usize) -> String {
    row_col_to_cell(row, year_column(y))
}

fn year_column(y: usize) -> u16 {
    (1 + y).min(u16::MAX as usize - 1) as u16
}

/// A row's cells over every year, as a range.
fn row_range(row: u32, years: usize) -> String {
    cell_range(row, 1, row, year_column(years.saturating_sub(1)))
}

/// Writes the sheet.
///
/// # Errors
/// What the workbook writer reports.
pub fn write(ws: &mut Worksheet, r: &Results, book: &sheet::Formats) -> Result<(), XlsxError> {
    let m = r.model();
    let s = m.settings();
    let f = Formats::of(book, s.price_base_year);
    ws.set_name(SHEET)?;
    let years = s.years;
    ws.write_string_with_format(
        0,
        0,
        "Base case: each option's expected NPSV rebuilt from its yearly flows",
        f.bold,
    )?;
    ws.write_string(
        1,
        0,
        format!(
            "£ in {} prices, discounted to {}. The flows are means over the run's {} iterations; \
             the NPSV they give equals the mean NPSV the case reports. Change a discount rate to \
             see its effect.",
            s.price_base_year,
            s.first_year,
            r.iterations()
        ),
    )?;
    ws.write_string_with_format(YEAR_ROW, 0, "Calendar year", f.bold)?;
    ws.write_string(YEAR_ROW + 1, 0, "Appraisal year t")?;
    ws.write_string(RATE_ROW, 0, "Discount rate of year t")?;
    ws.write_string(
        DF_ROW,
        0,
        "Discount factor (1 in year 0; then the year before's ÷ (1 + rate))",
    )?;
    for (y, &factor) in m.discount_factors().iter().enumerate().take(years) {
        let column = year_column(y);
        ws.write_number_with_format(YEAR_ROW, column, f64::from(m.calendar_year(y)), f.whole)?;
        ws.write_number(YEAR_ROW + 1, column, y as f64)?;
        if y == 0 {
            formula(ws, (DF_ROW, column), "=1", 1.0, &f.factor)?;
        } else {
            let rate = m.discounting().rate(y as u32);
            ws.write_number_with_format(RATE_ROW, column, rate, f.share)?;
            let text = format!("={}/(1+{})", cell(DF_ROW, y - 1), cell(RATE_ROW, y));
            formula(ws, (DF_ROW, column), &text, factor, &f.factor)?;
        }
    }
    for o in 0..m.options().len() {
        option_block(ws, r, o, FIRST_OPTION + o as u32 * BLOCK, &f)?;
    }
    ws.set_column_width(0, 62)?;
    for y in 0..years {
        ws.set_column_width(year_column(y), 14)?;
    }
    ws.set_freeze_panes(YEAR_ROW + 1, 1)?;
    Ok(())
}

/// One option's expected flows by year, in the money of `r`.
struct Flows {
    capital: Vec<f64>,
    /// The uplift's rate where it is fixed; otherwise its mean in pounds, year by year.
    uplift: Uplift,
    live: Vec<bool>,
    running: f64,
    benefit_users: Vec<f64>,
    benefit_government: Vec<f64>,
}

enum Uplift {
    Rate(f64),
    Pounds(Vec<f64>),
}

impl Flows {
    fn of(r: &Results, o: usize) -> Flows {
        let m = r.model();
        let option = &m.options()[o];
        let years = m.settings().years;
        let capital: Vec<f64> = (0..years)
            .map(|y| option.capital.get(y).map_or(0.0, |&id| r.input_mean(id)))
            .collect();
        let live: Vec<bool> = (0..years).map(|y| y >= option.live).collect();
        let running = r.input_mean(option.running);
        let fixed = |id: crate::scenario::InputId| m.inputs[id].dist.fixed_value();
        let uplift = match (
            fixed(option.optimism_bias),
            fixed(option.optimism_bias_mitigation),
        ) {
            (Some(ob), Some(mitigated)) => Uplift::Rate(ob * (1.0 - mitigated)),
            _ => Uplift::Pounds(
                (0..years)
                    .map(|y| {
                        let cost = r.yearly(Some(o), y, YearlyMetric::OptionCost).mean;
                        cost - capital[y] - if live[y] { running } else { 0.0 }
                    })
                    .collect(),
            ),
        };
        let mean = |y, metric| r.yearly(Some(o), y, metric).mean;
        Flows {
            benefit_users: (0..years)
                .map(|y| mean(y, YearlyMetric::BenefitUsers))
                .collect(),
            benefit_government: (0..years)
                .map(|y| mean(y, YearlyMetric::BenefitGovernment))
                .collect(),
            capital,
            uplift,
            live,
            running,
        }
    }

    fn uplift(&self, y: usize) -> f64 {
        match &self.uplift {
            Uplift::Rate(rate) => self.capital[y] * rate,
            Uplift::Pounds(pounds) => pounds[y],
        }
    }

    fn running(&self, y: usize) -> f64 {
        if self.live[y] {
            self.running
        } else {
            0.0
        }
    }

    fn cost(&self, y: usize) -> f64 {
        self.capital[y] + self.uplift(y) + self.running(y)
    }

    fn net(&self, y: usize) -> f64 {
        self.benefit_users[y] + self.benefit_government[y] - self.cost(y)
    }
}

/// The rows of an option's block, from its first.
mod rows {
    pub const NAME: u32 = 0;
    pub const CAPITAL: u32 = 1;
    pub const UPLIFT_RATE: u32 = 2;
    pub const UPLIFT: u32 = 3;
    pub const LIVE: u32 = 4;
    pub const RUNNING_A_YEAR: u32 = 5;
    pub const RUNNING: u32 = 6;
    pub const COST: u32 = 7;
    pub const USERS: u32 = 8;
    pub const GOVERNMENT: u32 = 9;
    pub const NET: u32 = 10;
    pub const DISCOUNTED: u32 = 11;
    pub const PV: u32 = 13;
}

fn option_block(
    ws: &mut Worksheet,
    r: &Results,
    o: usize,
    top: u32,
    f: &Formats,
) -> Result<(), XlsxError> {
    let m = r.model();
    let years = m.settings().years;
    let flows = Flows::of(r, o);
    let at = |row: u32| top + row;
    ws.write_string_with_format(at(rows::NAME), 0, &m.options()[o].name, f.bold)?;
    let labels = [
        (rows::CAPITAL, "Capital, mean of the draws (£)"),
        (rows::UPLIFT, "Optimism bias on the capital (£)"),
        (rows::LIVE, "In service (1 from the option's live year)"),
        (
            rows::RUNNING_A_YEAR,
            "Running cost a year, mean of the draws (£)",
        ),
        (rows::RUNNING, "Running cost (£)"),
        (
            rows::COST,
            "Option cost: capital + optimism bias + running (£)",
        ),
        (rows::USERS, "Benefits to users, mean (£)"),
        (rows::GOVERNMENT, "Benefits to government, mean (£)"),
        (rows::NET, "Net benefit: benefits − option cost (£)"),
        (
            rows::DISCOUNTED,
            "Discounted net benefit: net × discount factor (£)",
        ),
    ];
    for (row, label) in labels {
        ws.write_string(at(row), 0, label)?;
    }
    match &flows.uplift {
        Uplift::Rate(rate) => {
            ws.write_string(
                at(rows::UPLIFT_RATE),
                0,
                "Optimism-bias uplift applied (share of capital)",
            )?;
            ws.write_number_with_format(at(rows::UPLIFT_RATE), 1, *rate, f.share)?;
        }
        Uplift::Pounds(_) => ws
            .write_string(
                at(rows::UPLIFT_RATE),
                0,
                "Optimism-bias uplift: uncertain, so its mean in £ is given below",
            )
            .map(|_| ())?,
    }
    ws.write_number_with_format(at(rows::RUNNING_A_YEAR), 1, flows.running, f.money)?;
    let running_a_year = row_col_to_cell_absolute(at(rows::RUNNING_A_YEAR), 1);
    let uplift_rate = row_col_to_cell_absolute(at(rows::UPLIFT_RATE), 1);
    for y in 0..years {
        let column = year_column(y);
        let here = |row: u32| cell(at(row), y);
        ws.write_number_with_format(at(rows::CAPITAL), column, flows.capital[y], f.money)?;
        match &flows.uplift {
            Uplift::Rate(_) => {
                let text = format!("={}*{uplift_rate}", here(rows::CAPITAL));
                formula(
                    ws,
                    (at(rows::UPLIFT), column),
                    &text,
                    flows.uplift(y),
                    f.money,
                )?;
            }
            Uplift::Pounds(pounds) => {
                ws.write_number_with_format(at(rows::UPLIFT), column, pounds[y], f.money)?;
            }
        }
        ws.write_number(at(rows::LIVE), column, f64::from(u8::from(flows.live[y])))?;
        let running = format!("={running_a_year}*{}", here(rows::LIVE));
        formula(
            ws,
            (at(rows::RUNNING), column),
            &running,
            flows.running(y),
            f.money,
        )?;
        let cost = format!(
            "={}+{}+{}",
            here(rows::CAPITAL),
            here(rows::UPLIFT),
            here(rows::RUNNING)
        );
        formula(ws, (at(rows::COST), column), &cost, flows.cost(y), f.money)?;
        let users = flows.benefit_users[y];
        ws.write_number_with_format(at(rows::USERS), column, users, f.money)?;
        let government = flows.benefit_government[y];
        ws.write_number_with_format(at(rows::GOVERNMENT), column, government, f.money)?;
        let net = format!(
            "={}+{}-{}",
            here(rows::USERS),
            here(rows::GOVERNMENT),
            here(rows::COST)
        );
        formula(ws, (at(rows::NET), column), &net, flows.net(y), f.money)?;
        let factor = m.discount_factors()[y];
        let discounted = format!("={}*{}", here(rows::NET), fixed_row(DF_ROW, column));
        formula(
            ws,
            (at(rows::DISCOUNTED), column),
            &discounted,
            flows.net(y) * factor,
            f.money,
        )?;
    }
    present_values(ws, r, o, &flows, top, f)
}

/// A reference fixed in its row only (`B$7`), as a formula copied along a row keeps it.
fn fixed_row(row: u32, column: u16) -> String {
    let reference = row_col_to_cell(row, column);
    let (letters, digits): (String, String) =
        reference.chars().partition(|c| c.is_ascii_alphabetic());
    format!("{letters}${digits}")
}

/// The block's present values as SUMPRODUCTs of its rows and the discount factors, the NPSV
/// they give, the case's figure beside it and their difference, and the BCR.
fn present_values(
    ws: &mut Worksheet,
    r: &Results,
    o: usize,
    flows: &Flows,
    top: u32,
    f: &Formats,
) -> Result<(), XlsxError> {
    let m = r.model();
    let years = m.settings().years;
    let factors = m.discount_factors();
    let pv = |value: &dyn Fn(usize) -> f64| (0..years).map(|y| value(y) * factors[y]).sum::<f64>();
    let df = row_range(DF_ROW, years);
    let sumproduct = |row: u32| format!("=SUMPRODUCT({},{df})", row_range(top + row, years));
    let parts: [(&str, u32, f64); 5] = [
        (
            "PV of capital (£)",
            rows::CAPITAL,
            pv(&|y| flows.capital[y]),
        ),
        (
            "PV of optimism bias (£)",
            rows::UPLIFT,
            pv(&|y| flows.uplift(y)),
        ),
        (
            "PV of running costs (£)",
            rows::RUNNING,
            pv(&|y| flows.running(y)),
        ),
        (
            "PV benefits to users (£)",
            rows::USERS,
            pv(&|y| flows.benefit_users[y]),
        ),
        (
            "PV benefits to government (£)",
            rows::GOVERNMENT,
            pv(&|y| flows.benefit_government[y]),
        ),
    ];
    let first = top + rows::PV;
    for (k, (label, row, value)) in parts.iter().enumerate() {
        let at = first + k as u32;
        ws.write_string(at, 0, *label)?;
        formula(ws, (at, 1), &sumproduct(*row), *value, f.money)?;
    }
    let b = |k: u32| row_col_to_cell(first + k, 1);
    let costs = parts[0].2 + parts[1].2 + parts[2].2;
    let benefits = parts[3].2 + parts[4].2;
    let npsv = benefits - costs;
    let reported = r.appraisal(o, Metric::Npsv).map_or(f64::NAN, |s| s.mean);
    let (costs_at, npsv_at, reported_at) = (first + 5, first + 6, first + 7);
    ws.write_string_with_format(costs_at, 0, "PV costs (£)", f.bold)?;
    let text = format!("={}+{}+{}", b(0), b(1), b(2));
    formula(ws, (costs_at, 1), &text, costs, f.money)?;
    ws.write_string_with_format(npsv_at, 0, "NPSV: PV benefits − PV costs (£)", f.bold)?;
    let text = format!("={}+{}-{}", b(3), b(4), b(5));
    formula(ws, (npsv_at, 1), &text, npsv, f.money)?;
    ws.write_string(
        reported_at,
        0,
        "NPSV as the case reports it: the mean over every iteration (£)",
    )?;
    ws.write_number_with_format(reported_at, 1, reported, f.money)?;
    ws.write_string(first + 8, 0, "Difference: zero but for rounding (£)")?;
    let text = format!("={}-{}", b(6), b(7));
    formula(ws, (first + 8, 1), &text, npsv - reported, f.money)?;
    ws.write_string(first + 9, 0, "BCR: PV benefits ÷ PV costs")?;
    let text = format!("=IF({}>0,({}+{})/{},\"\")", b(5), b(3), b(4), b(5));
    let ratio = if costs > 0.0 {
        benefits / costs
    } else {
        f64::NAN
    };
    if ratio.is_finite() {
        formula(ws, (first + 9, 1), &text, ratio, f.ratio)?;
    }
    Ok(())
}
