//! The economic case's "Cost per transaction" section (docs/method.md §2a): the GDS measure —
//! total cost to serve ÷ completed transactions — per department and in total, for business as
//! usual against each option in full effect, with cost per journey to users, contacts and,
//! where the scenario has channels, digital take-up and the channel chart.

use crate::outputs::{Scope, TransactionMetric};
use crate::results::Results;
use crate::table::markdown::render as render_table;
use crate::table::{Cell, Kind, Table};

/// The section, with the channel chart linked when `chart` is given (its Markdown).
pub fn section(r: &Results, chart: &str) -> String {
    let model = r.model();
    let s = model.settings();
    let mut out = format!(
        "## Cost per transaction\n\nThe cost to government of one completed journey — staff time and channel costs across every contact, repetition, failure contact and stuck journey, over all channels — as the Government Digital Service measures cost per transaction; and what the same journey costs its user. In {} volumes and {} prices (mean, with P10–P90); options in full effect (every journey reached).\n\n",
        s.first_year, s.price_base_year
    );
    let total = if model.is_portfolio() {
        "All journeys (per journey of any kind)"
    } else {
        "All departments (one journey)"
    };
    let mut per_transaction = cases_table(r, "Cost per transaction");
    for (scope, name, emphasis) in super::markdown::scope_rows(r, total) {
        let row = row(r, &name, scope, TransactionMetric::CostPerTransaction);
        per_transaction.push_emphasised(row, emphasis);
    }
    out.push_str(&render_table(&per_transaction));
    out.push('\n');
    let all = if model.is_portfolio() {
        "Per journey, all journeys together"
    } else {
        "Per journey, all departments"
    };
    let mut per_journey = cases_table(r, all);
    let lines = [
        (
            "Cost per journey to users (time and cash)".to_string(),
            TransactionMetric::UserCostPerJourney,
        ),
        (
            "Contacts a year (value and failure)".to_string(),
            TransactionMetric::Contacts,
        ),
    ];
    for (label, metric) in lines {
        per_journey.push(row(r, &label, Scope::Total, metric));
    }
    if !r.channel_ids().is_empty() && !model.settings().digital_channels.is_empty() {
        let label = format!("Digital take-up ({})", digital_words(r));
        per_journey.push(row(
            r,
            &label,
            Scope::Total,
            TransactionMetric::DigitalTakeUp,
        ));
    }
    out.push_str(&render_table(&per_journey));
    out.push('\n');
    if !r.channel_ids().is_empty() {
        out.push_str("Contacts and the cost to government of the contacts through each channel (value and failure contacts, staff time and channel costs), in business as usual and with each option in full effect:\n\n");
        out.push_str(chart);
    }
    out
}

/// A table whose columns are business as usual, then each option in full effect.
fn cases_table(r: &Results, first: &str) -> Table {
    let names: Vec<&str> = std::iter::once("Business as usual")
        .chain(r.model().options().iter().map(|o| o.name.as_str()))
        .collect();
    Table::new(first, &[&[first], names.as_slice()].concat())
}

/// One figure across business as usual and each option: a mean with its P10–P90 (contacts a
/// mean alone); "—" where the scope does not have it.
fn row(r: &Results, label: &str, scope: Scope, metric: TransactionMetric) -> Vec<Cell> {
    let year = r.model().settings().price_base_year;
    let cases = std::iter::once(None).chain((0..r.model().options().len()).map(Some));
    let figures = cases.map(|case| match r.transaction(case, scope, metric) {
        None => Cell::text("—"),
        Some(s) => match metric {
            TransactionMetric::Contacts => Cell::Figure(s.mean, Kind::Count),
            TransactionMetric::DigitalTakeUp => Cell::range(&s, Kind::Share),
            _ => Cell::range(&s, Kind::UnitCost(year)),
        },
    });
    std::iter::once(Cell::text(label)).chain(figures).collect()
}

/// Which channels count as digital, and over which departments, in words.
fn digital_words(r: &Results) -> String {
    let model = r.model();
    let with_channels: Vec<String> = model
        .departments()
        .iter()
        .enumerate()
        .filter(|(_, d)| !d.channels.is_empty())
        .map(|(d, _)| model.department_label(d))
        .collect();
    let digital = model.settings().digital_channels.join(", ");
    if with_channels.len() == model.departments().len() {
        format!("share of contacts through {digital}")
    } else {
        format!(
            "share of contacts through {digital} at {}",
            with_channels.join(", ")
        )
    }
}
