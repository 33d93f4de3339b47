//! Formatting shared by every report: money as a case author writes it, shares, and escaping
//! so that names from a scenario cannot break a Markdown table or run as a spreadsheet formula.

use crate::params::Unit;

/// The unit a money figure is written in: pounds, thousands (`k`), millions (`m`) or billions
/// (`bn`). One rule everywhere (tables, text, charts, terminal): three significant figures in
/// the unit, and one unit down a table column, that of the column's largest figure, so the
/// column reads down (`£0.597m` above `£1.10m` and `£17.0m`). Pounds below £1,000 are written
/// to the penny below £100 (`£6.62`) and to the pound above (`£148`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MoneyUnit {
    divisor: f64,
    suffix: &'static str,
}

impl MoneyUnit {
    const POUNDS: MoneyUnit = MoneyUnit {
        divisor: 1.0,
        suffix: "",
    };

    /// The unit of a figure of this magnitude: the largest unit it is at least one of, once
    /// rounded to three significant figures (so £999,600 is £1.00m, not £1,000k).
    pub fn for_magnitude(magnitude: f64) -> MoneyUnit {
        [(1e9, "bn"), (1e6, "m"), (1e3, "k")]
            .into_iter()
            .find(|(d, _)| magnitude >= d * 0.9995)
            .map_or(MoneyUnit::POUNDS, |(divisor, suffix)| MoneyUnit {
                divisor,
                suffix,
            })
    }

    /// The unit of a column: that of its largest finite figure.
    pub fn of(values: impl IntoIterator<Item = f64>) -> MoneyUnit {
        let largest = values
            .into_iter()
            .filter(|x| x.is_finite())
            .fold(0.0, |m: f64, x| m.max(x.abs()));
        MoneyUnit::for_magnitude(largest)
    }

    /// A figure in this unit, to three significant figures (at most three decimals, so a
    /// figure too small for the unit reads `£0.000m`); pounds as money.
    pub fn format(self, x: f64) -> String {
        if x == 0.0 {
            return "£0".into();
        }
        let v = x.abs() / self.divisor;
        let decimals = if self.divisor == 1.0 {
            if v >= 99.995 || v == 0.0 {
                0
            } else {
                2
            }
        } else if v >= 99.95 {
            0
        } else if v >= 9.995 {
            1
        } else if v >= 0.9995 {
            2
        } else {
            3
        };
        self.with_decimals(x, decimals)
    }

    /// A figure in this unit with a given number of decimals (an axis's ticks share theirs).
    pub fn with_decimals(self, x: f64, decimals: usize) -> String {
        if x == 0.0 {
            return "£0".into();
        }
        let v = x.abs() / self.divisor;
        let text = format!("{v:.decimals$}");
        let sign = if x < 0.0 && text.chars().any(|c| c.is_ascii_digit() && c != '0') {
            "−"
        } else {
            ""
        };
        format!("{sign}£{text}{}", self.suffix)
    }

    /// The decimals that tell apart figures `step` apart in this unit (at most three).
    pub fn decimals_for_step(self, step: f64) -> usize {
        let step = step.abs() / self.divisor;
        [1.0, 0.1, 0.01]
            .iter()
            .position(|&s| step >= s * 0.999)
            .unwrap_or(3)
    }

    /// "mean (P10–P90)" in this unit: `£1.10m (£0.800m–£1.60m)`.
    pub fn range(self, central: f64, low: f64, high: f64) -> String {
        // An en dash between negative figures reads as a minus sign: use "to" there instead.
        let between = if low < 0.0 || high < 0.0 {
            " to "
        } else {
            "–"
        };
        format!(
            "{} ({}{between}{})",
            self.format(central),
            self.format(low),
            self.format(high)
        )
    }
}

/// Money standing alone, three significant figures in its own unit: `£1.20m`, `£340k`,
/// `£12.3bn`, `£6.62`, `−£412k`.
pub fn money(x: f64) -> String {
    MoneyUnit::for_magnitude(x.abs()).format(x)
}

/// A central value with its range in one unit: `£1.10m (£0.800m–£1.60m)`.
pub fn money_range(central: f64, low: f64, high: f64) -> String {
    MoneyUnit::of([central, low, high]).range(central, low, high)
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

/// An estimated chance (the share of iterations in which NPSV is positive, or that pay back),
/// which a Monte Carlo run never knows to be impossible or certain: never `0%` or `100%`, but
/// `<0.1%` and `>99.9%` at the extremes, a tenth of a percent below 1% and above 99%, whole
/// percentages between (docs/method.md §3).
pub fn chance(share: f64) -> String {
    if share < 0.001 {
        "<0.1%".into()
    } else if share > 0.999 {
        ">99.9%".into()
    } else if !(0.01..=0.99).contains(&share) {
        format!("{:.1}%", share * 100.0)
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

/// A plain number with thousands separators: `20,000` (defined with the errors, whose
/// messages count too).
pub use crate::error::thousands;

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
            if pct.abs() >= 1000.0 {
                // 1,118%, as every other count of four figures reads.
                let sign = if pct < 0.0 { "−" } else { "" };
                format!("{sign}{}%", thousands(pct.abs().round() as u64))
            } else if pct.abs() >= 10.0 || pct == pct.round() {
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

/// A file as a reader's document names it: its name, never a path on the analyst's machine
/// (`/home/…/scenarios/border-exports.toml` → `border-exports.toml`).
pub fn file_name(path: &std::path::Path) -> String {
    path.file_name().map_or_else(
        || path.display().to_string(),
        |f| f.to_string_lossy().into_owned(),
    )
}

/// `x` to four significant figures, as the distribution language writes numbers: a fitted
/// figure as `seams fit` and `seams elicit` print it.
pub fn four_figures(x: f64) -> String {
    crate::dist::fmt_num(crate::dist::round_significant(x))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_has_three_significant_figures_in_its_unit() {
        assert_eq!(money(1_234_567.0), "£1.23m");
        assert_eq!(money(340_000.0), "£340k");
        assert_eq!(money(12_345_678.0), "£12.3m");
        assert_eq!(money(123_456_789.0), "£123m");
        assert_eq!(money(4.2e9), "£4.20bn");
        assert_eq!(money(6.62), "£6.62");
        assert_eq!(money(650.0), "£650");
        assert_eq!(money(-400_000.0), "−£400k");
        assert_eq!(money(999_999.0), "£1.00m");
        assert_eq!(money(99_960.0), "£100k");
        assert_eq!(money(4.0e6), "£4.00m");
        assert_eq!(money(17e6), "£17.0m");
        assert_eq!(money(90_000.0), "£90.0k");
        assert_eq!(money(0.0), "£0");
    }

    #[test]
    fn a_column_reads_down_in_one_unit() {
        let column = [597e3, 0.7e6, 1.1e6, 17e6];
        let unit = MoneyUnit::of(column);
        let cells: Vec<String> = column.iter().map(|&x| unit.format(x)).collect();
        assert_eq!(cells, ["£0.597m", "£0.700m", "£1.10m", "£17.0m"]);
        assert_eq!(unit.format(120.0), "£0.000m");
        assert_eq!(unit.format(-2_500.0), "−£0.003m");
        assert_eq!(MoneyUnit::of([f64::NAN, 5e3]).format(5e3), "£5.00k");
    }

    #[test]
    fn shares_read_as_percentages_with_separators_past_a_thousand() {
        use crate::params::Unit;
        assert_eq!(describe_value(Unit::Share, 0.035), "3.5%");
        assert_eq!(describe_value(Unit::Share, 2.0), "200%");
        assert_eq!(describe_value(Unit::Share, 11.1794), "1,118%");
        assert_eq!(describe_value(Unit::Share, -12.5), "−1,250%");
    }

    #[test]
    fn ranges_share_a_unit() {
        assert_eq!(money_range(1.1e6, 0.8e6, 1.6e6), "£1.10m (£0.800m–£1.60m)");
        assert_eq!(
            money_range(5.1e6, -0.4e6, 11.2e6),
            "£5.10m (−£0.400m to £11.2m)"
        );
        assert_eq!(money_range(340e3, 290e3, 410e3), "£340k (£290k–£410k)");
        assert_eq!(money_range(2e6, 20e3, 9e6), "£2.00m (£0.020m–£9.00m)");
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
