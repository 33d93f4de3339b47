//! The financial view (docs/method.md §3c) against figures worked out by hand from
//! tests/fixtures/benefits.toml, and against the appraisal it sits beside.
//!
//! By hand: prices of 2024, appraisal years 2025–2027, inflation 3%, so a flow of calendar
//! year t is worth real × 1.03^(t − 2024) in the money of the day, 3/12 of it in the financial
//! year ending in March of t and 9/12 in the one starting in April of t. The funder (the
//! Inspection office) bears capital £1,000 in 2025, its 20% optimism-bias uplift (£200, the
//! risk allowance) and £100 a year running from 2026. Savings that release cash, per journey
//! (see tests/all/benefits.rs): £0.4125 at the Inspection office, £0.525 at Test booking, on
//! 1,000 journeys at adoption 0, 50% and 100% in 2025–2027.

use std::collections::HashMap;

use super::common::*;

const TIGHT: f64 = 1e-9;
const YEARS: [&str; 5] = ["2024-25", "2025-26", "2026-27", "2027-28", "total"];

/// A real flow by calendar year (2025, 2026, 2027) spread over the financial years, nominal.
fn by_financial_year(real: [f64; 3]) -> [f64; 5] {
    let mut out = [0.0; 5];
    for (y, value) in real.iter().enumerate() {
        let nominal = value * 1.03f64.powi(y as i32 + 1);
        out[y] += 0.25 * nominal;
        out[y + 1] += 0.75 * nominal;
    }
    out[4] = out[..4].iter().sum();
    out
}

fn figure(rows: &[HashMap<String, String>], organisation: &str, year: &str, metric: &str) -> f64 {
    let keys = [
        ("option", "join"),
        ("organisation", organisation),
        ("financial_year", year),
        ("metric", metric),
    ];
    num(row(rows, &keys), "mean")
}

#[test]
fn each_organisations_cash_by_financial_year_is_the_hand_computed_figure() {
    let dir = tempfile::tempdir().unwrap();
    let out = run_named(dir.path(), &fixture("benefits.toml"), "out", &[]);
    let rows = read_csv(&out.join("financial.csv"));
    let capital = by_financial_year([1000.0, 0.0, 0.0]);
    let risk = by_financial_year([200.0, 0.0, 0.0]);
    let running = by_financial_year([0.0, 100.0, 100.0]);
    let apha = by_financial_year([0.0, 500.0 * 0.4125, 1000.0 * 0.4125]);
    let dvsa = by_financial_year([0.0, 500.0 * 0.525, 1000.0 * 0.525]);
    for (k, year) in YEARS.iter().enumerate() {
        let at = |org: &str, metric: &str| figure(&rows, org, year, metric);
        assert_relative("capital", at("apha", "capital"), capital[k], TIGHT);
        assert_relative("risk", at("apha", "risk_allowance"), risk[k], TIGHT);
        assert_relative("running", at("apha", "running"), running[k], TIGHT);
        let saved = at("apha", "cash_releasing_savings");
        assert_relative("apha savings", saved, apha[k], TIGHT);
        let net = capital[k] + risk[k] + running[k] - apha[k];
        assert_relative("apha net", at("apha", "net_cash"), net, TIGHT);
        // Test booking funds nothing: savings only.
        assert_eq!(at("dvsa", "capital"), 0.0);
        assert_relative(
            "dvsa savings",
            at("dvsa", "cash_releasing_savings"),
            dvsa[k],
            TIGHT,
        );
        assert_relative("dvsa net", at("dvsa", "net_cash"), -dvsa[k], TIGHT);
        assert_relative("total net", at("total", "net_cash"), net - dvsa[k], TIGHT);
    }
    // 2024-25 holds only a quarter of 2025's capital, at 2025's prices.
    assert_relative("first quarter", capital[0], 0.25 * 1030.0, TIGHT);
}

/// Green Book discount factors for years 0…n−1 at 3.5%.
fn discount_factors(n: usize) -> Vec<f64> {
    (0..n).map(|y| 1.035f64.powi(-(y as i32))).collect()
}

#[test]
fn cash_releasing_savings_discounted_in_real_terms_are_the_appraisals_pv() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("scenarios")
        .join("learning-to-drive.toml");
    let out = run_named(dir.path(), &scenario, "out", &["-n", "5000"]);
    let rows = read_csv(&out.join("financial.csv"));
    let appraisal = read_csv(&out.join("appraisal.csv"));
    let inflation: f64 = 0.02; // the default: the scenario gives none
    let (first, base, years) = (2025, 2024, 10);
    for option in ["online-first", "tell-us-once"] {
        let total = |year: &str| {
            let keys = [
                ("option", option),
                ("organisation", "total"),
                ("financial_year", year),
                ("metric", "cash_releasing_savings"),
            ];
            num(row(&rows, &keys), "mean")
        };
        // Undo the accrual: financial year k holds 3/12 of calendar year k's flow and 9/12 of
        // year k − 1's, so each calendar year's nominal flow follows from the one before.
        let mut nominal = vec![4.0 * total(&format!("{}-{}", first - 1, first % 100))];
        for k in 1..years {
            let start = first - 1 + k as i32;
            let fy = total(&format!("{start}-{:02}", (start + 1) % 100));
            nominal.push(4.0 * (fy - 0.75 * nominal[k - 1]));
        }
        let pv: f64 = nominal
            .iter()
            .zip(discount_factors(years))
            .enumerate()
            .map(|(y, (n, df))| df * n / (1.0 + inflation).powi(first - base + y as i32))
            .sum();
        let expected = num(
            row(
                &appraisal,
                &[("option", option), ("metric", "pv_benefits_cash_releasing")],
            ),
            "mean",
        );
        assert_relative(option, pv, expected, 1e-6);
    }
}

#[test]
fn the_case_shows_net_cash_by_year_and_when_it_turns_to_a_saving() {
    let dir = tempfile::tempdir().unwrap();
    let out = run_named(dir.path(), &fixture("benefits.toml"), "out", &[]);
    let case = std::fs::read_to_string(out.join("economic-case.md")).unwrap();
    let section = &case[case.find("## Financial view").unwrap()..];
    assert!(section.contains("inflation of 3% a year"), "{section}");
    assert!(
        section.contains("| Organisation | 2024-25 | 2025-26 | 2026-27 | 2027-28 | Period total |"),
        "{section}"
    );
    // Test booking only saves: from the first year its options brings savings.
    assert!(
        section.contains("Test booking is in cash surplus"),
        "{section}"
    );
    assert!(section.contains("net-cash-by-year.png"), "{section}");
    let sheet = super::workbook::texts(&out.join("economic-case.xlsx"), "Financial view");
    assert!(sheet.iter().any(|s| s == "risk_allowance"), "{sheet:?}");
}

#[test]
fn inflation_is_an_assumption_like_any_other() {
    let dir = tempfile::tempdir().unwrap();
    let check = run_in(
        dir.path(),
        &["check", fixture("benefits.toml").to_str().unwrap()],
    );
    assert!(
        stdout(&check).contains("financial.inflation"),
        "{}",
        stdout(&check)
    );
    // A run with `--set financial.inflation=RATE`: refused with exit 2, naming the key and
    // leaving no results folder; its message.
    let refused = |rate: &str| {
        let out = dir.path().join("refused");
        let run = run_scenario(
            dir.path(),
            &fixture("benefits.toml"),
            &out,
            &["--set", &format!("financial.inflation={rate}")],
        );
        let message = stderr(&run);
        assert_eq!(run.status.code(), Some(2), "{message}");
        assert!(message.contains("financial.inflation"), "{message}");
        assert!(!out.exists(), "a refused run leaves no results folder");
        message
    };
    // A rate of −100% or below would make money worthless.
    refused("-1.5");
    // Inflation that would multiply a price past 10^15 by the last year is refused as growth
    // is: 1e6 (100,000,000%) a year over 2024–2027 is 10^18.
    let message = refused("1e6");
    assert!(message.contains("from the price base year"), "{message}");
}

#[test]
fn compare_attributes_a_change_of_inflation_to_the_net_cash_alone() {
    let dir = tempfile::tempdir().unwrap();
    let a = run_named(dir.path(), &fixture("benefits.toml"), "a", &[]);
    let b = run_named(
        dir.path(),
        &fixture("benefits.toml"),
        "b",
        &["--set", "financial.inflation=5%"],
    );
    let output = run_in(
        dir.path(),
        &["compare", a.to_str().unwrap(), b.to_str().unwrap()],
    );
    assert!(output.status.success(), "{}", stderr(&output));
    let report = stdout(&output);
    // The last such row: the first is the table of inputs that differ.
    let row = report
        .lines()
        .rfind(|l| l.starts_with("| `financial.inflation` |"))
        .unwrap_or_else(|| panic!("no attribution to inflation:\n{report}"));
    // The NPSV, in real terms, does not move. Net cash, by hand: real net flows of £1,200 in
    // 2025, £100 − £468.75 in 2026 and £100 − £937.50 in 2027, at 1.05^k instead of 1.03^k
    // (k = 1, 2, 3): 1,200 × 0.02 − 368.75 × 0.0416 − 837.5 × 0.064898 = −£45.69.
    let by_hand: f64 = [1200.0, -368.75, -837.5]
        .iter()
        .enumerate()
        .map(|(k, flow)| flow * (1.05f64.powi(k as i32 + 1) - 1.03f64.powi(k as i32 + 1)))
        .sum();
    assert!((by_hand + 45.7).abs() < 0.05, "{by_hand}");
    let cells: Vec<&str> = row.split('|').map(str::trim).collect();
    assert_eq!(cells[3], "£0", "{row}");
    assert_eq!(cells[4], "−£45.69", "{row}");
    assert!(
        report.contains("Net cash over the period, nominal (mean)"),
        "{report}"
    );
}
