//! The workbook's wide "Options" sheet: one column per option (after business as usual), one
//! row per figure with its unit in the label — the layout of the appraisal summary a finance
//! reviewer knows from a Green Book model. `appraisal.csv`'s long table stays on its own sheet.

use crate::outputs::{Metric, Scope, TransactionMetric};
use crate::results::Results;
use crate::table::{Cell, Kind, Table};

/// One row: its label and each column's cell (business as usual first, then each option).
type Row = (String, Vec<Cell>);

/// The wide table of the options' figures.
pub fn options_wide(r: &Results) -> Table {
    let m = r.model();
    let s = m.settings();
    let names: Vec<&str> = std::iter::once("Business as usual")
        .chain(m.options().iter().map(|o| o.name.as_str()))
        .collect();
    let mut header = vec!["Figure"];
    header.extend(&names);
    let mut table = Table::new("Options side by side", &header);
    let pv = format!(
        "£, {} prices, discounted to {}",
        s.price_base_year, s.first_year
    );
    for (label, cells) in appraisal_rows(r, &pv)
        .into_iter()
        .chain(payback_rows(r))
        .chain(transaction_rows(r))
    {
        let mut row = vec![Cell::Text(label)];
        row.extend(cells);
        table.push(row);
    }
    table.notes.push(
        "Means over every iteration unless the row says otherwise. Business as usual is the \
         baseline every option is measured against, so its present values are zero by definition."
            .into(),
    );
    table
}

/// Rows of appraisal statistics: business as usual blank, then each option's figure.
fn appraisal_rows(r: &Results, pv: &str) -> Vec<Row> {
    let money = Kind::Money(r.model().settings().price_base_year);
    let options = r.model().options().len();
    let row = |label: String, cell: &dyn Fn(usize) -> Cell| -> Row {
        let cells = std::iter::once(Cell::Empty)
            .chain((0..options).map(cell))
            .collect();
        (label, cells)
    };
    let stat = |metric: Metric, pick: fn(&crate::outputs::Stats) -> f64, kind: Kind| {
        move |o: usize| {
            r.appraisal(o, metric)
                .map_or(Cell::Empty, |s| Cell::Figure(pick(&s), kind))
        }
    };
    let mean = |s: &crate::outputs::Stats| s.mean;
    let p10 = |s: &crate::outputs::Stats| s.p10;
    let p90 = |s: &crate::outputs::Stats| s.p90;
    let chance = |s: &crate::outputs::Stats| s.p_positive;
    let mut rows = vec![
        row(
            format!("NPSV, mean ({pv})"),
            &stat(Metric::Npsv, mean, money),
        ),
        row(format!("NPSV, P10 ({pv})"), &stat(Metric::Npsv, p10, money)),
        row(format!("NPSV, P90 ({pv})"), &stat(Metric::Npsv, p90, money)),
        row(
            "Chance NPSV > 0 (% of iterations)".into(),
            &stat(Metric::Npsv, chance, Kind::Chance),
        ),
        row(
            "Benefit–cost ratio: expected PV benefits ÷ expected PV costs (ratio)".into(),
            &|o| {
                r.bcr_expected(o)
                    .map_or(Cell::Empty, |x| Cell::Figure(x, Kind::Ratio))
            },
        ),
        row(
            "Benefit–cost ratio, P10 of the ratio in each iteration (ratio)".into(),
            &stat(Metric::Bcr, p10, Kind::Ratio),
        ),
        row(
            "Benefit–cost ratio, P90 of the ratio in each iteration (ratio)".into(),
            &stat(Metric::Bcr, p90, Kind::Ratio),
        ),
    ];
    let money_rows = [
        (Metric::PvCosts, "PV costs"),
        (Metric::PvCapital, "of which capital"),
        (Metric::PvOptimismBias, "of which optimism bias on capital"),
        (Metric::PvRunning, "of which running costs"),
        (Metric::PvBenefitsUsers, "PV benefits to users"),
        (Metric::PvBenefitsGovernment, "PV benefits to government"),
        (
            Metric::PvBenefitsCashReleasing,
            "of which cash-releasing (government's)",
        ),
        (
            Metric::NetPresentCostGovernment,
            "Net present cost to government: PV costs − PV benefits to government",
        ),
    ];
    for (metric, label) in money_rows {
        rows.push(row(format!("{label} ({pv})"), &stat(metric, mean, money)));
    }
    rows
}

/// Payback as every output states it: the median year over all iterations, P10 and P90, and
/// the share that pays back.
fn payback_rows(r: &Results) -> Vec<Row> {
    let paybacks: Vec<_> = (0..r.model().options().len())
        .map(|o| r.payback(o))
        .collect();
    let year = |y: Option<i32>, none: &str| {
        y.map_or(Cell::text(none), |y| Cell::Figure(f64::from(y), Kind::Year))
    };
    let row = |label: &str, cell: &dyn Fn(&crate::appraisal::Payback) -> Cell| -> Row {
        let cells = std::iter::once(Cell::Empty)
            .chain(paybacks.iter().map(cell))
            .collect();
        (label.to_string(), cells)
    };
    vec![
        row(
            "Payback year, median over all iterations (calendar year)",
            &|p| year(p.central, "not within the period"),
        ),
        row("Payback year, P10 (calendar year)", &|p| {
            year(p.p10, "after the period")
        }),
        row("Payback year, P90 (calendar year)", &|p| {
            year(p.p90, "after the period")
        }),
        row("Iterations that pay back within the period (%)", &|p| {
            Cell::Figure(p.share, Kind::Chance)
        }),
    ]
}

/// The cost to serve and the contacts, in business as usual and with each option in full
/// effect (docs/method.md §2a), over every department.
fn transaction_rows(r: &Results) -> Vec<Row> {
    let s = r.model().settings();
    let columns: Vec<Option<usize>> = std::iter::once(None)
        .chain((0..r.model().options().len()).map(Some))
        .collect();
    let figures = [
        (
            TransactionMetric::CostPerTransaction,
            format!(
                "Cost to government per completed transaction, in full effect (£ a transaction, {} prices)",
                s.price_base_year
            ),
            Kind::UnitCost(s.price_base_year),
        ),
        (
            TransactionMetric::UserCostPerJourney,
            format!(
                "Cost to users per journey, time and cash, in full effect (£ a journey, {} prices)",
                s.price_base_year
            ),
            Kind::UnitCost(s.price_base_year),
        ),
        (
            TransactionMetric::Contacts,
            "Contacts a year, value and failure, in full effect (contacts)".to_string(),
            Kind::Count,
        ),
        (
            TransactionMetric::DigitalTakeUp,
            "Digital take-up: online share of contacts, in full effect (%)".to_string(),
            Kind::Share,
        ),
    ];
    figures
        .into_iter()
        .filter_map(|(metric, label, kind)| {
            let cells: Vec<Cell> = columns
                .iter()
                .map(|&o| {
                    r.transaction(o, Scope::Total, metric)
                        .filter(|s| s.n > 0)
                        .map_or(Cell::Empty, |s| Cell::Figure(s.mean, kind))
                })
                .collect();
            cells
                .iter()
                .any(|c| *c != Cell::Empty)
                .then_some((label, cells))
        })
        .collect()
}
