//! A table in GitHub-flavoured Markdown, as the case pastes it: names escaped, figures
//! right-aligned, one money unit down each column (or across each row, as the table says),
//! "–" where a figure is undefined, and rows that stand out in bold.

use super::{Cell, Emphasis, Kind, Table};
use crate::format::{describe_value, md, percent, ratio, MoneyUnit};
use crate::params::Unit;

/// How a figure of this kind reads, in a money unit chosen for its column or row.
pub fn figure(x: f64, kind: Kind, unit: MoneyUnit) -> String {
    match kind {
        Kind::Money(_) => unit.format(x),
        Kind::UnitCost(_) if x.abs() < 1000.0 => format!("£{x:.2}"),
        Kind::UnitCost(_) => crate::format::money(x),
        Kind::Share => percent(x),
        Kind::Chance => crate::format::chance(x),
        Kind::Change => format!("{x:+.0}%").replace('-', "−"),
        Kind::Count => describe_value(Unit::Journeys, x),
        Kind::Year | Kind::Whole => format!("{x:.0}"),
        Kind::Ratio => ratio(x),
        Kind::Correlation => format!("{x:.2}").replace('-', "−"),
        Kind::Input(Unit::Pounds) if x.abs() >= 1000.0 => unit.format(x),
        Kind::Input(u) => describe_value(u, x),
    }
}

/// A central figure with its P10–P90.
fn range(central: f64, low: f64, high: f64, kind: Kind, unit: MoneyUnit) -> String {
    match kind {
        Kind::Money(_) => unit.range(central, low, high),
        // A unit cost keeps its pence below £1,000, and a certain one reads as one figure.
        Kind::UnitCost(_) => {
            let largest = central.abs().max(low.abs()).max(high.abs());
            let one = |x: f64| {
                if largest < 1000.0 {
                    format!("£{x:.2}")
                } else {
                    crate::format::money(x)
                }
            };
            match (low == high, largest < 1000.0) {
                (true, _) => one(central),
                (false, true) => format!("{} ({}–{})", one(central), one(low), one(high)),
                (false, false) => crate::format::money_range(central, low, high),
            }
        }
        _ => format!(
            "{} ({}–{})",
            figure(central, kind, unit),
            figure(low, kind, unit),
            figure(high, kind, unit)
        ),
    }
}

/// A cell as words for people, in the money unit chosen for it; `markdown` escapes text and
/// marks keys and flags as Markdown does (the terminal writes them plain).
pub fn written(cell: &Cell, unit: MoneyUnit, markdown: bool) -> String {
    match cell {
        Cell::Empty => "–".into(),
        Cell::Text(s) | Cell::Long(s) if markdown => md(s),
        Cell::Key(s) if markdown => format!("`{}`", s.replace('`', "'")),
        Cell::Text(s) | Cell::Long(s) | Cell::Key(s) => s.clone(),
        Cell::Figure(x, kind) => figure(*x, *kind, unit),
        Cell::Range {
            central,
            low,
            high,
            kind,
        } => range(*central, *low, *high, *kind, unit),
        // Each end in its own unit, as an input's range is read alone.
        Cell::Interval { low, high, kind } => {
            let end = |x: f64| figure(x, *kind, MoneyUnit::of([x]));
            format!("{}–{}", end(*low), end(*high))
        }
        Cell::Flag(true) if markdown => "**yes**".into(),
        Cell::Flag(b) => if *b { "yes" } else { "no" }.into(),
    }
}

/// A header cell: escaped like any text, except `>`, which cannot open a tag once `<` is
/// escaped and reads better bare ("P(NPSV > 0)").
fn header_text(h: &str) -> String {
    md(h).replace("&gt;", ">")
}

/// The table as Markdown, ending with a newline (no blank line after it).
pub fn render(table: &Table) -> String {
    let mut out = String::from("|");
    for h in &table.header {
        out.push_str(&format!(" {} |", header_text(h)));
    }
    out.push_str("\n|");
    for c in 0..table.header.len() {
        out.push_str(if table.is_figure_column(c) {
            "---:|"
        } else {
            "---|"
        });
    }
    out.push('\n');
    for (row, units) in table.rows.iter().zip(table.units()) {
        let cells = row
            .cells
            .iter()
            .zip(units)
            .enumerate()
            .map(|(c, (cell, unit))| {
                let text = written(cell, unit, true);
                match row.emphasis {
                    _ if text.is_empty() => text,
                    Emphasis::Whole => format!("**{text}**"),
                    Emphasis::Label if c == 0 => format!("**{text}**"),
                    _ => text,
                }
            });
        out.push_str(&format!("| {} |\n", cells.collect::<Vec<_>>().join(" | ")));
    }
    out
}
