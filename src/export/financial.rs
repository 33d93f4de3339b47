//! The financial view (docs/method.md §3c): `financial.csv`, and the case's "Financial view"
//! section — each organisation's cash by financial year, nominal and undiscounted, the
//! optimism-bias uplift shown as a risk allowance, and only the savings that release cash.

use std::fmt::Write as _;

use super::tables::ScenarioColumn;
use crate::engine::financial::CashMetric;
use crate::format::md;
use crate::outputs::Stats;
use crate::results::Results;
use crate::table::markdown::render as render_table;
use crate::table::{Cell, Emphasis, Kind, Table};

/// Financial years the case shows before the period's total.
const SHOWN_YEARS: usize = 5;

/// The organisations of option `o` as `financial.csv` lists them: those of
/// `organisations.csv` (slot, id, name), then the total.
fn organisations(r: &Results, o: usize) -> Vec<(usize, String, String)> {
    let mut list = r.organisations(o);
    list.push((r.cash_layout().slots - 1, "total".into(), "Total".into()));
    list
}

/// An organisation's name in a tight table: the short name of one of its departments where
/// it has one (`HMRC`), else the name as listed.
fn short_name(r: &Results, slot: usize, name: &str) -> String {
    r.model()
        .departments()
        .iter()
        .find(|d| d.organisation == slot)
        .map_or(name.to_string(), |d| d.short_name.clone())
}

/// A financial year's label, or `total` for the period's.
fn year_label(r: &Results, year: usize) -> String {
    match year == r.cash_layout().years - 1 {
        true => "total".into(),
        false => r.model().financial_year(year),
    }
}

/// `financial.csv`: per option × organisation × financial year (and the period) × metric,
/// mean, P10 and P90, nominal and undiscounted.
pub fn financial_csv(r: &Results) -> Option<Table> {
    if r.model().options().is_empty() || !r.has_appendices() {
        return None;
    }
    let lead = ScenarioColumn::of(r);
    let mut table = lead.table(
        "Cash by organisation and financial year, in the money of the day",
        vec![
            "option",
            "organisation",
            "financial_year",
            "metric",
            "mean",
            "p10",
            "p90",
        ],
    );
    let money = Kind::Money(r.model().settings().price_base_year);
    for (o, option) in r.model().options().iter().enumerate() {
        for (slot, id, _) in organisations(r, o) {
            for year in 0..r.cash_layout().years {
                for metric in CashMetric::ALL {
                    let s = r.cash(o, slot, year, metric);
                    let mut row = vec![
                        Cell::key(&option.id),
                        Cell::key(&id),
                        Cell::key(year_label(r, year)),
                        Cell::key(metric.name()),
                    ];
                    row.extend([s.mean, s.p10, s.p90].map(|x| Cell::Figure(x, money)));
                    table.push(lead.row("total", row));
                }
            }
        }
    }
    table.notes.push(format!("Nominal pounds (base-year prices × (1 + inflation)^(year − {})), undiscounted. A calendar year's flows fall 9/12 in the financial year starting that April and 3/12 in the one before. net_cash = capital + risk_allowance + running − cash_releasing_savings: positive is cash going out.", r.model().settings().price_base_year));
    Some(table)
}

/// Option `o`'s net cash by organisation for the first financial years and the period.
pub fn net_cash_table(r: &Results, o: usize) -> Table {
    let years = (r.cash_layout().years - 1).min(SHOWN_YEARS);
    let labels: Vec<String> = (0..years).map(|y| r.model().financial_year(y)).collect();
    let mut header: Vec<&str> = vec!["Organisation"];
    header.extend(labels.iter().map(String::as_str));
    header.push("Period total");
    let mut table = Table::new(
        format!(
            "Net cash by financial year: {}",
            r.model().options()[o].name
        ),
        &header,
    );
    let money = Kind::Money(r.model().settings().price_base_year);
    let period = r.cash_layout().years - 1;
    for (slot, _, name) in organisations(r, o) {
        let net = |year| r.cash(o, slot, year, CashMetric::NetCash);
        if (0..=period).all(|y| net(y).mean == 0.0 && net(y).p90 == 0.0) {
            continue;
        }
        let mut row = vec![Cell::text(short_name(r, slot, &name))];
        row.extend((0..years).map(|y| Cell::Figure(net(y).mean, money)));
        row.push(Cell::range(&net(period), money));
        if slot == r.cash_layout().slots - 1 {
            table.push_emphasised(row, Emphasis::Whole);
        } else {
            table.push(row);
        }
    }
    table
}

/// When an organisation's cumulative net cash (mean) turns to a saving and stays one: the
/// first financial year from which the cumulative savings exceed the cumulative spending.
fn turns_to_saving(r: &Results, o: usize, slot: usize) -> Option<usize> {
    let period = r.cash_layout().years - 1;
    let mut cumulative = 0.0;
    let mut from = None;
    for year in 0..period {
        cumulative += r.cash(o, slot, year, CashMetric::NetCash).mean;
        match (cumulative < 0.0, from) {
            (true, None) => from = Some(year),
            (false, _) => from = None,
            _ => {}
        }
    }
    from
}

/// When each organisation's cumulative net cash turns to a saving, organisations with the
/// same answer named together, government's total last.
fn turning_sentences(r: &Results, o: usize) -> String {
    let period = r.cash_layout().years - 1;
    let total_slot = r.cash_layout().slots - 1;
    let unallocated = r.model().options()[o].funder.is_none();
    // (when, who) in the order first met.
    let mut groups: Vec<(Option<usize>, Vec<String>)> = Vec::new();
    let mut total = None;
    for (slot, _, name) in organisations(r, o) {
        let net: Stats = r.cash(o, slot, period, CashMetric::NetCash);
        let nobody = unallocated && slot == r.model().organisations().len();
        if nobody || (net.mean == 0.0 && net.p10 == 0.0 && net.p90 == 0.0) {
            continue;
        }
        let when = turns_to_saving(r, o, slot);
        if slot == total_slot {
            total = Some(when);
            continue;
        }
        match groups.iter_mut().find(|(w, _)| *w == when) {
            Some((_, names)) => names.push(md(&name)),
            None => groups.push((when, vec![md(&name)])),
        }
    }
    let sentence = |who: String, many: bool, when: Option<usize>| match when {
        Some(0) => format!(
            "{who} {} cash from the first financial year.",
            if many { "save" } else { "saves" }
        ),
        Some(y) => format!(
            "{who} {} in cash surplus, cumulatively, from {} on.",
            if many { "are" } else { "is" },
            r.model().financial_year(y)
        ),
        None => format!(
            "{who} {} not recover {} cash spending within the period.",
            if many { "do" } else { "does" },
            if many { "their" } else { "its" }
        ),
    };
    let mut parts: Vec<String> = groups
        .into_iter()
        .map(|(when, names)| sentence(super::words::join_and(&names), names.len() > 1, when))
        .collect();
    if let Some(when) = total {
        parts.push(sentence("Taken together, government".into(), false, when));
    }
    parts.join(" ")
}

/// The case's "Financial view" section.
pub fn section(r: &Results, chart: &str) -> String {
    let model = r.model();
    if model.options().is_empty() || !r.has_appendices() {
        return String::new();
    }
    let inflation = model
        .inflation_input()
        .map(|i| super::words::words(i, model.settings().price_base_year))
        .unwrap_or_default();
    let mut out = format!("## Financial view\n\nWhat each organisation spends and saves in cash, by financial year, in the money of the day (nominal: {} prices uplifted by inflation of {inflation} a year) and undiscounted. The funder bears the capital, the optimism-bias uplift (shown as a risk allowance, not a cost estimate) and the running cost; each department's saving counts only where it releases cash. Benefits to users and staff time freed for other work never appear. A calendar year's flows fall 9/12 in the financial year starting that April and 3/12 in the one before. Net cash is spending less savings: a negative figure is a net saving. Means, with the period total's P10–P90; every figure, with its range, is in `financial.csv`.\n\n", model.settings().price_base_year);
    for o in 0..model.options().len() {
        let _ = writeln!(out, "### {}\n", md(&model.options()[o].name));
        out.push_str(&render_table(&net_cash_table(r, o)));
        let _ = write!(out, "\n{}\n\n", turning_sentences(r, o));
    }
    out.push_str(chart);
    out
}
