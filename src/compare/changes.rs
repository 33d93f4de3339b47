//! How a figure moved between two runs, in words a reader would use — "+£120k (+5%)", "from
//! −£1.08m to £1.15m", "no change", "+57 points" — and the options table that shows them,
//! each column in one money unit.

use std::fmt::Write as _;

use super::{OptionFigures, Run};
use crate::format::{chance, md, ratio, MoneyUnit};

/// The change between two money figures in the change column's unit, e.g. `+£120k (+5%)`,
/// `from −£1.08m to £1.15m` across zero, or `no change` where the unit cannot show it.
pub(super) fn money_change(a: f64, b: f64, unit: MoneyUnit) -> String {
    // A change the figures themselves cannot show (to three significant figures), or the
    // column's unit cannot, is no change to a reader.
    if crate::format::money(a) == crate::format::money(b) || unit.format(a) == unit.format(b) {
        return "no change".into();
    }
    // Across zero a percentage means nothing: say where it went from and to.
    if a == 0.0 || (a < 0.0) != (b < 0.0) {
        return format!("from {} to {}", unit.format(a), unit.format(b));
    }
    let sign = if b > a { "+" } else { "−" };
    let percent = ((b - a) / a.abs() * 100.0).abs();
    // Below 1 % a whole percentage would read "0%" beside a change that is not nothing.
    let decimals = usize::from(percent < 0.95);
    format!(
        "{sign}{} ({sign}{percent:.decimals$}%)",
        unit.format((b - a).abs())
    )
}

/// The unit of a column of changes: that of the largest change, or of the largest figure
/// where a change across zero shows both.
pub(super) fn change_unit(pairs: impl IntoIterator<Item = (f64, f64)> + Clone) -> MoneyUnit {
    MoneyUnit::of(pairs.into_iter().map(|(a, b)| {
        if a == 0.0 || (a < 0.0) != (b < 0.0) {
            a.abs().max(b.abs())
        } else {
            b - a
        }
    }))
}

/// A change in percentage points: "+57 points", "−1 point".
fn points(change: f64) -> String {
    let rounded = change.round();
    if rounded == 0.0 {
        return "no change".into();
    }
    let sign = if rounded < 0.0 { "−" } else { "+" };
    let unit = if rounded.abs() == 1.0 {
        "point"
    } else {
        "points"
    };
    format!("{sign}{} {unit}", rounded.abs())
}

fn ratio_change(a: f64, b: f64) -> String {
    if ratio(a) == ratio(b) {
        "no change".into()
    } else {
        let d = b - a;
        format!("{}{}", if d > 0.0 { "+" } else { "" }, ratio(d))
    }
}

pub(super) fn options_section(a: &Run, b: &Run) -> String {
    let ids: std::collections::BTreeSet<&String> =
        a.options.keys().chain(b.options.keys()).collect();
    if ids.is_empty() {
        return String::new();
    }
    let both: Vec<(&String, &OptionFigures, &OptionFigures)> = ids
        .iter()
        .filter_map(|id| Some((*id, a.options.get(*id)?, b.options.get(*id)?)))
        .collect();
    // Each column in one money unit: A's, B's and the changes'.
    let money_rows = |x: &OptionFigures, y: &OptionFigures| {
        let mut rows = vec![
            ("NPSV (mean)", x.npsv[0], y.npsv[0]),
            ("NPSV P10", x.npsv[1], y.npsv[1]),
            ("NPSV P90", x.npsv[2], y.npsv[2]),
            ("PV costs (mean)", x.pv_costs, y.pv_costs),
            (
                "Net present cost to government (mean)",
                x.net_cost_government,
                y.net_cost_government,
            ),
        ];
        if let (Some(p), Some(q)) = (x.net_cash, y.net_cash) {
            rows.push(("Net cash over the period, nominal (mean)", p, q));
        }
        rows
    };
    let all: Vec<(f64, f64)> = both
        .iter()
        .flat_map(|(_, x, y)| money_rows(x, y).into_iter().map(|(_, p, q)| (p, q)))
        .collect();
    let unit_a = MoneyUnit::of(all.iter().map(|p| p.0));
    let unit_b = MoneyUnit::of(all.iter().map(|p| p.1));
    let unit_change = change_unit(all.iter().copied());
    let mut out = String::from("## Options\n\nOptions are matched by id.\n\n| Option | Figure | A | B | Change |\n|---|---|---:|---:|---:|\n");
    for id in ids {
        match (a.options.get(id), b.options.get(id)) {
            (Some(x), Some(y)) => {
                for (label, p, q) in money_rows(x, y) {
                    let _ = writeln!(
                        out,
                        "| {} | {label} | {} | {} | {} |",
                        md(id),
                        unit_a.format(p),
                        unit_b.format(q),
                        money_change(p, q, unit_change)
                    );
                }
                out.push_str(&ratio_rows(id, x, y));
            }
            (Some(_), None) => {
                let _ = writeln!(out, "| {} | | in A | *not in B* | |", md(id));
            }
            (None, Some(_)) => {
                let _ = writeln!(out, "| {} | | *not in A* | in B | |", md(id));
            }
            (None, None) => {}
        }
    }
    out.push('\n');
    out
}

/// An option's BCR and P(NPSV > 0) rows.
fn ratio_rows(id: &str, x: &OptionFigures, y: &OptionFigures) -> String {
    let bcr = |v: Option<f64>| v.map_or("–".to_string(), ratio);
    let bcr_change = match (x.bcr, y.bcr) {
        (Some(p), Some(q)) => ratio_change(p, q),
        _ => "–".into(),
    };
    let p_change = points((y.p_positive - x.p_positive) * 100.0);
    format!(
        "| {id} | BCR | {} | {} | {bcr_change} |\n| {id} | P(NPSV > 0) | {} | {} | {p_change} |\n",
        bcr(x.bcr),
        bcr(y.bcr),
        chance(x.p_positive),
        chance(y.p_positive),
        id = md(id)
    )
}

#[cfg(test)]
mod tests {
    use super::{change_unit, money_change, points};

    #[test]
    fn a_change_reads_as_a_reader_would_say_it() {
        // Each change alone in its column: the column's unit is its own.
        let alone = |a: f64, b: f64| money_change(a, b, change_unit([(a, b)]));
        assert_eq!(alone(-1_080_000.0, 1_150_000.0), "from −£1.08m to £1.15m");
        assert_eq!(alone(0.0, 5_000.0), "from £0 to £5.00k");
        assert_eq!(alone(1_000_000.0, 1_000_001.0), "no change");
        assert_eq!(alone(1_000_000.0, 1_500_000.0), "+£500k (+50%)");
        assert_eq!(alone(-2_000_000.0, -1_000_000.0), "+£1.00m (+50%)");
        // A change below 1 % keeps a decimal, so it never reads "+0%".
        assert_eq!(alone(5_470_000.0, 5_494_400.0), "+£24.4k (+0.4%)");
        // In a column whose largest change is in millions, a change in thousands is too.
        let unit = change_unit([(1e6, 2.84e6), (-1.84e6, -2.809e6)]);
        assert_eq!(money_change(-1.84e6, -2.809e6, unit), "−£0.969m (−53%)");
        assert_eq!(points(57.2), "+57 points");
        assert_eq!(points(-1.0), "−1 point");
        assert_eq!(points(0.2), "no change");
    }
}
