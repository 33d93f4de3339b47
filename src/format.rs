//! Formatting shared by every report: money as a case author writes it, shares, and escaping
//! so that names from a scenario cannot break a Markdown table or run as a spreadsheet formula.

use crate::params::Unit;

/// Money with 2–3 significant figures: `£1.2m`, `£340k`, `£12.3bn`, `£6.62`, `−£0.4m`.
pub fn money(x: f64) -> String {
    let (unit, decimals) = unit_for(x.abs());
    let text = in_unit(x, unit, decimals);
    // Alone, `£90.0k` reads better as `£90k` (still two significant figures); `£4.0m` keeps
    // its decimal, so a column of figures keeps two or three significant figures throughout.
    match text.strip_suffix(&format!(".0{}", unit.1)) {
        Some(short) if unit.0 > 1.0 && x.abs() >= 9.95 * unit.0 => format!("{short}{}", unit.1),
        _ => text,
    }
}

/// A central value with its range in one unit: `£1.1m (£0.8m–£1.6m)`.
pub fn money_range(central: f64, low: f64, high: f64) -> String {
    let largest = central.abs().max(low.abs()).max(high.abs());
    let (unit, decimals) = unit_for(largest);
    let shared = |x: f64| {
        // A figure that would read as 0.0 in the shared unit is written in its own unit.
        if x != 0.0 && unit.0 > 1.0 && x.abs() < 0.05 * unit.0 {
            money(x)
        } else {
            in_unit(x, unit, decimals)
        }
    };
    // An en dash between negative figures reads as a minus sign: use "to" there instead.
    let between = if low < 0.0 || high < 0.0 {
        " to "
    } else {
        "–"
    };
    format!(
        "{} ({}{between}{})",
        shared(central),
        shared(low),
        shared(high)
    )
}

/// The divisor, suffix and decimals for a magnitude.
fn unit_for(magnitude: f64) -> ((f64, &'static str), usize) {
    let units = [(1e9, "bn"), (1e6, "m"), (1e3, "k")];
    for unit in units {
        if magnitude >= unit.0 * 0.9995 {
            let v = magnitude / unit.0;
            return (unit, if v >= 99.95 { 0 } else { 1 });
        }
    }
    let decimals = if magnitude >= 9.995 || magnitude == 0.0 {
        0
    } else {
        2
    };
    ((1.0, ""), decimals)
}

fn in_unit(x: f64, (divisor, suffix): (f64, &str), decimals: usize) -> String {
    let v = x.abs() / divisor;
    let text = format!("{v:.decimals$}");
    let sign = if x < 0.0 && text.chars().any(|c| c.is_ascii_digit() && c != '0') {
        "−"
    } else {
        ""
    };
    format!("{sign}£{text}{suffix}")
}

/// A probability as a whole percentage. A Monte Carlo estimate never shows 0% or 100%: the
/// extremes read `<1%` and `>99%`.
pub fn percent(share: f64) -> String {
    if share == 0.0 {
        "0%".into()
    } else if share == 1.0 {
        "100%".into()
    } else if share < 0.005 {
        "<1%".into()
    } else if share >= 0.995 {
        ">99%".into()
    } else {
        format!("{:.0}%", share * 100.0)
    }
}

/// A ratio such as a BCR: `2.4`, `0.85`, `12`.
pub fn ratio(x: f64) -> String {
    let a = x.abs();
    if a >= 99.5 {
        format!("{x:.0}")
    } else if a >= 9.95 {
        format!("{x:.1}")
    } else {
        format!("{x:.2}")
    }
    .replace('-', "−")
}

/// A plain number with thousands separators: `20,000`.
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Text safe inside a GitHub-flavoured Markdown table cell or paragraph.
pub fn md(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let chars: Vec<char> = text.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        // An underscore inside a word (`civil_service_oncosts.csv`) is never emphasis in
        // GitHub-flavoured Markdown: leave it bare, so the raw text pastes cleanly.
        let inside_word = |i: usize| {
            i > 0
                && chars[i - 1].is_alphanumeric()
                && chars.get(i + 1).is_some_and(|n| n.is_alphanumeric())
        };
        match c {
            '_' if inside_word(i) => out.push('_'),
            '|' => out.push_str("\\|"),
            '\\' | '*' | '_' | '`' | '[' | ']' | '#' => {
                out.push('\\');
                out.push(c);
            }
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\n' | '\r' | '\t' => out.push(' '),
            _ => out.push(c),
        }
    }
    out
}

/// A text cell safe to open in a spreadsheet: a leading `=`, `+`, `-`, `@`, tab or carriage
/// return is neutralised with a leading apostrophe (OWASP guidance on CSV injection).
pub fn csv_text(text: &str) -> String {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{text}")
    } else {
        text.to_string()
    }
}

/// A number for CSV: the shortest text that reads back to the same value.
pub fn csv_number(x: f64) -> String {
    if x == 0.0 {
        "0".into()
    } else {
        format!("{x}")
    }
}

/// A value in the unit of an input, for people: `35%`, `£34.50`, `12.5 min`, `180k`.
pub fn describe_value(unit: Unit, x: f64) -> String {
    match unit {
        Unit::Share => {
            let pct = x * 100.0;
            if pct.abs() >= 10.0 || pct == pct.round() {
                format!("{pct:.0}%")
            } else {
                format!("{pct:.1}%")
            }
        }
        // Rates and unit costs keep their pence; totals read as £1.2m.
        Unit::Pounds if x.abs() < 1000.0 && x != x.round() => format!("£{x:.2}"),
        Unit::Pounds => money(x),
        Unit::Minutes => format!("{} min", significant(x)),
        Unit::Count => significant(x),
        Unit::Journeys => {
            if x >= 1e6 {
                format!("{}m", significant(x / 1e6))
            } else if x >= 1e3 {
                format!("{}k", significant(x / 1e3))
            } else {
                significant(x)
            }
        }
    }
}

/// Up to three significant figures, without trailing zeros.
fn significant(x: f64) -> String {
    let a = x.abs();
    let text = if a >= 100.0 || a == 0.0 {
        format!("{x:.0}")
    } else if a >= 10.0 {
        format!("{x:.1}")
    } else {
        format!("{x:.2}")
    };
    if text.contains('.') {
        text.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_reads_like_a_business_case() {
        assert_eq!(money(1_234_567.0), "£1.2m");
        assert_eq!(money(340_000.0), "£340k");
        assert_eq!(money(12_345_678.0), "£12.3m");
        assert_eq!(money(123_456_789.0), "£123m");
        assert_eq!(money(4.2e9), "£4.2bn");
        assert_eq!(money(6.62), "£6.62");
        assert_eq!(money(650.0), "£650");
        assert_eq!(money(-400_000.0), "−£400k");
        assert_eq!(money(999_999.0), "£1.0m");
        assert_eq!(money(4.0e6), "£4.0m");
        assert_eq!(money(90_000.0), "£90k");
        assert_eq!(money(0.0), "£0");
    }

    #[test]
    fn ranges_share_a_unit() {
        assert_eq!(money_range(1.1e6, 0.8e6, 1.6e6), "£1.1m (£0.8m–£1.6m)");
        assert_eq!(
            money_range(5.1e6, -0.4e6, 11.2e6),
            "£5.1m (−£0.4m to £11.2m)"
        );
        assert_eq!(money_range(340e3, 290e3, 410e3), "£340k (£290k–£410k)");
        assert_eq!(money_range(2e6, 20e3, 9e6), "£2.0m (£20k–£9.0m)");
    }

    #[test]
    fn escaping_protects_tables_and_spreadsheets() {
        assert_eq!(md("A | B\nC"), "A \\| B C");
        assert_eq!(
            md("data/civil_service_oncosts.csv"),
            "data/civil_service_oncosts.csv"
        );
        assert_eq!(
            md("_emphasis_ and snake_case"),
            "\\_emphasis\\_ and snake_case"
        );
        assert_eq!(md("<script>"), "&lt;script&gt;");
        assert_eq!(csv_text("=SUM(A1)"), "'=SUM(A1)");
        assert_eq!(csv_text("-2+3"), "'-2+3");
        assert_eq!(csv_text("HMRC"), "HMRC");
        assert_eq!(thousands(1_000_000), "1,000,000");
        assert_eq!(percent(0.781), "78%");
        assert_eq!(percent(0.0), "0%");
        assert_eq!(percent(0.001), "<1%");
        assert_eq!(percent(1.0), "100%");
        assert_eq!(ratio(2.345), "2.35");
    }
}
