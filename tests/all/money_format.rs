//! One money format (README, "Money in the reports"): every money figure in an economic case
//! has three significant figures in its unit (or, for a figure small for its column's unit,
//! three decimals; pounds below £1,000 to the penny or the pound), and every money column of a
//! table is in one unit, so a column reads down.

use super::common::*;

/// A money figure: sign, digits, unit.
fn figures(text: &str) -> Vec<(String, String)> {
    let pattern = regex::Regex::new(r"£(\d+(?:\.\d+)?)(bn|k|m)?").unwrap();
    pattern
        .captures_iter(text)
        .map(|c| {
            let unit = c.get(2).map_or("", |m| m.as_str()).to_string();
            (c[1].to_string(), unit)
        })
        .collect()
}

/// Whether one figure follows the rule.
fn well_formed(digits: &str, unit: &str) -> bool {
    if digits == "0" {
        return true;
    }
    if unit.is_empty() {
        // Pounds: to the penny below £100, to the pound from £100.
        return match digits.split_once('.') {
            Some((_, pence)) => pence.len() == 2,
            None => digits.parse::<f64>().is_ok_and(|x| x >= 100.0),
        };
    }
    let significant: String = digits
        .chars()
        .filter(char::is_ascii_digit)
        .skip_while(|&c| c == '0')
        .collect();
    let decimals = digits.split_once('.').map_or(0, |(_, d)| d.len());
    significant.len() == 3 || decimals == 3
}

/// The case without the author's own words: the "Source and note" cells of the assumptions
/// table quote the evidence as written ("£17/hour, 2015-16").
fn without_sources(case: &str) -> String {
    let mut out = String::new();
    let mut source_column = None;
    for line in case.lines() {
        if !line.starts_with('|') {
            source_column = None;
            out.push_str(line);
        } else {
            let mut cells: Vec<&str> = line.trim_matches('|').split(" | ").collect();
            if let Some(c) = cells.iter().position(|c| c.trim() == "Source and note") {
                source_column = Some(c);
            }
            if let Some(c) = source_column.filter(|&c| c < cells.len()) {
                cells[c] = "";
            }
            out.push_str(&format!("|{}|", cells.join(" | ")));
        }
        out.push('\n');
    }
    out
}

fn check_case(case: &str, origin: &str) {
    let case = &without_sources(case);
    let mut checked = 0;
    for (figure, unit) in figures(case) {
        assert!(
            well_formed(&figure, &unit),
            "{origin}: £{figure}{unit} breaks the three-significant-figure rule"
        );
        checked += 1;
    }
    assert!(checked > 20, "{origin}: only {checked} money figures");
    // Within a table, each column's money figures share one unit.
    for table in case.split("\n\n").filter(|b| b.starts_with('|')) {
        let rows: Vec<Vec<&str>> = table
            .lines()
            .skip(2)
            .map(|l| l.trim_matches('|').split(" | ").collect())
            .collect();
        let columns = rows.first().map_or(0, Vec::len);
        for c in 1..columns {
            // A column of money (not one that lists inputs of different kinds by row).
            let money = rows.iter().all(|r| {
                r.get(c)
                    .is_none_or(|cell| cell.trim() == "–" || !figures(cell).is_empty())
            });
            if !money {
                continue;
            }
            let units: std::collections::BTreeSet<String> = rows
                .iter()
                .filter_map(|r| r.get(c))
                .flat_map(|cell| figures(cell))
                .filter(|(digits, _)| digits != "0")
                .map(|(_, unit)| unit)
                .collect();
            assert!(
                units.len() <= 1,
                "{origin}: column {c} mixes units {units:?} in\n{table}"
            );
        }
    }
}

#[test]
fn every_money_figure_in_the_economic_case_follows_one_format() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = tempfile::tempdir().unwrap();
    for scenario in [
        "border-exports",
        "learning-to-drive",
        "joined-up-government",
    ] {
        let path = root.join("scenarios").join(format!("{scenario}.toml"));
        let out = run_named(dir.path(), &path, scenario, &["-n", "4096", "--no-charts"]);
        let case = std::fs::read_to_string(out.join("economic-case.md")).unwrap();
        check_case(&case, scenario);
    }
}

#[test]
fn the_rule_itself_refuses_mixed_units_and_loose_figures() {
    assert!(well_formed("0.597", "m") && well_formed("17.0", "m") && well_formed("157", "m"));
    assert!(!well_formed("17", "m") && !well_formed("0.7", "m") && !well_formed("1.1", "m"));
    assert!(well_formed("0.003", "m") && well_formed("9.41", "") && well_formed("148", ""));
    assert!(!well_formed("9", "") && !well_formed("9.4", ""));
    let mixed = "| A | B |\n|---|---:|\n| x | £597k |\n| y | £1.10m |\n";
    let result = std::panic::catch_unwind(|| {
        check_case(&format!("{mixed}\n{}", "£1.00m ".repeat(30)), "test")
    });
    assert!(result.is_err(), "a column of £k and £m is refused");
}
