//! The economic case's "Cost per transaction" section (docs/method.md §2a): the GDS measure —
//! total cost to serve ÷ completed transactions — per department and in total, for business as
//! usual against each option in full effect, with cost per journey to users, contacts and,
//! where the scenario has channels, digital take-up and the channel chart.

use std::fmt::Write as _;

use super::markdown::mean_range;
use crate::format::{describe_value, md, money, percent};
use crate::outputs::{Scope, TransactionMetric};
use crate::params::Unit;
use crate::results::Results;

/// The section, with the channel chart linked when `chart` is given (its Markdown).
pub fn section(r: &Results, chart: &str) -> String {
    let model = r.model();
    let s = model.settings();
    let mut out = format!(
        "## Cost per transaction\n\nThe cost to government of one completed journey — staff time and channel costs across every contact, repetition, failure contact and stuck journey, over all channels — as the Government Digital Service measures cost per transaction; and what the same journey costs its user. In {} volumes and {} prices (mean, with P10–P90); options in full effect (every journey reached).\n\n",
        s.first_year, s.price_base_year
    );
    let cases = cases(r);
    let _ = write!(
        out,
        "| Cost per transaction | {} |\n|---|{}\n",
        headers(&cases),
        "---:|".repeat(cases.len())
    );
    let total = if model.is_portfolio() {
        "All journeys (per journey of any kind)"
    } else {
        "All departments (one journey)"
    };
    for (scope, name) in super::markdown::scope_rows(r, total) {
        let _ = writeln!(
            out,
            "| {name} | {} |",
            row(
                r,
                &cases,
                scope,
                TransactionMetric::CostPerTransaction,
                &money_cell
            )
        );
    }
    out.push('\n');
    let all = if model.is_portfolio() {
        "Per journey, all journeys together"
    } else {
        "Per journey, all departments"
    };
    let _ = write!(
        out,
        "| {all} | {} |\n|---|{}\n",
        headers(&cases),
        "---:|".repeat(cases.len())
    );
    let _ = writeln!(
        out,
        "| Cost per journey to users (time and cash) | {} |",
        row(
            r,
            &cases,
            Scope::Total,
            TransactionMetric::UserCostPerJourney,
            &money_cell
        )
    );
    let count = |st: &crate::engine::Stats| describe_value(Unit::Journeys, st.mean);
    let _ = writeln!(
        out,
        "| Contacts a year (value and failure) | {} |",
        row(r, &cases, Scope::Total, TransactionMetric::Contacts, &count)
    );
    if !r.channel_ids().is_empty() {
        let share = |st: &crate::engine::Stats| {
            format!(
                "{} ({}–{})",
                percent(st.mean),
                percent(st.p10),
                percent(st.p90)
            )
        };
        if !model.settings().digital_channels.is_empty() {
            let take_up = row(
                r,
                &cases,
                Scope::Total,
                TransactionMetric::DigitalTakeUp,
                &share,
            );
            let _ = writeln!(
                out,
                "| Digital take-up ({}) | {take_up} |",
                digital_words(r)
            );
        }
        out.push('\n');
        out.push_str("Contacts and the cost to government of the contacts through each channel (value and failure contacts, staff time and channel costs), in business as usual and with each option in full effect:\n\n");
        out.push_str(chart);
    } else {
        out.push('\n');
    }
    out
}

/// A mean with its P10–P90, or the one value where the figure is certain.
/// Figures under £1,000 (a cost per transaction or per journey) keep their pence, so a column
/// reads £3.39 above £9.41, never £9.
fn money_cell(s: &crate::engine::Stats) -> String {
    let largest = s.mean.abs().max(s.p10.abs()).max(s.p90.abs());
    let one = |x: f64| {
        if largest < 1000.0 {
            format!("£{x:.2}")
        } else {
            money(x)
        }
    };
    match (s.p10 == s.p90, largest < 1000.0) {
        (true, _) => one(s.mean),
        (false, true) => format!("{} ({}–{})", one(s.mean), one(s.p10), one(s.p90)),
        (false, false) => mean_range(s),
    }
}

/// Business as usual, then each option: (option index, heading).
fn cases(r: &Results) -> Vec<(Option<usize>, String)> {
    std::iter::once((None, "Business as usual".to_string()))
        .chain(
            r.model()
                .options()
                .iter()
                .enumerate()
                .map(|(o, option)| (Some(o), md(&option.name))),
        )
        .collect()
}

fn headers(cases: &[(Option<usize>, String)]) -> String {
    cases
        .iter()
        .map(|(_, h)| h.as_str())
        .collect::<Vec<_>>()
        .join(" | ")
}

/// One figure across the cases; "—" where the scope does not have it.
fn row(
    r: &Results,
    cases: &[(Option<usize>, String)],
    scope: Scope,
    metric: TransactionMetric,
    cell: &dyn Fn(&crate::engine::Stats) -> String,
) -> String {
    cases
        .iter()
        .map(|&(case, _)| {
            r.transaction(case, scope, metric)
                .map_or("—".into(), |s| cell(&s))
        })
        .collect::<Vec<_>>()
        .join(" | ")
}

/// Which channels count as digital, and over which departments, in words.
fn digital_words(r: &Results) -> String {
    let model = r.model();
    let with_channels: Vec<String> = model
        .departments()
        .iter()
        .enumerate()
        .filter(|(_, d)| !d.channels.is_empty())
        .map(|(d, _)| md(&model.department_label(d)))
        .collect();
    let digital = model.settings().digital_channels.join(", ");
    if with_channels.len() == model.departments().len() {
        format!("share of contacts through {}", md(&digital))
    } else {
        format!(
            "share of contacts through {} at {}",
            md(&digital),
            with_channels.join(", ")
        )
    }
}
