//! The rules a Treasury reviewer checks, each against a hand calculation on the fixed-value
//! scenario tests/fixtures/fixed-option.toml (no uncertainty), to 1e-9.
//!
//! The fixture, per journey: c = 1 contact, u = 30 and t = 20 minutes, w = £30 an hour,
//! k = £2 a contact, repetition r = 0.5 (10 and 6 minutes), failure demand φ = 0.5 (failure
//! minutes: users' default to u, staff's are 10). Journeys 1,000 growing 10 %; £12 an hour;
//! three years at 3.5 %; the option is live from year 1 with adoption 0.5 then 1, capital
//! [1000, 500] × 1.24 and running cost 200.

use super::common::*;

const DF: [f64; 3] = [1.0, 1.0 / 1.035, 1.0 / (1.035 * 1.035)];
const JOURNEYS_REACHED: [f64; 3] = [0.0, 0.5 * 1100.0, 1210.0];

fn metric(out: &std::path::Path, metric: &str, column: &str) -> String {
    let rows = read_csv(&out.join("appraisal.csv"));
    row(&rows, &[("option", "joined"), ("metric", metric)])[column].clone()
}

fn mean(out: &std::path::Path, name: &str) -> f64 {
    metric(out, name, "mean").parse().unwrap()
}

/// The PV of a saving per journey reached, over the three years.
fn pv_of(saving_per_journey: f64) -> f64 {
    (0..3)
        .map(|y| DF[y] * JOURNEYS_REACHED[y] * saving_per_journey)
        .sum()
}

#[test]
fn reducing_failure_demand_cuts_failure_contacts_by_that_share() {
    // Only the failure-demand effect: reduce 30 % at φ = 0.5. Failure contacts go from
    // φ/(1−φ) = 1 to 0.7 a journey; φ' = 0.5·0.7 / (1 − 0.15) = 0.35/0.85.
    let text = fixture_text("fixed-option.toml")
        .replace("set = 0.2", "set = 0.5")
        .replace("reduce = 0.5", "reduce = 0.3");
    let dir = tempfile::tempdir().unwrap();
    let out = run_scenario_text(dir.path(), &text, &[]);
    let failures_saved = 0.3;
    let users = failures_saved * 30.0 * 12.0 / 60.0; // failure user minutes default to u = 30
    let government = failures_saved * (10.0 * 30.0 / 60.0 + 2.0);
    assert_relative("users", mean(&out, "pv_benefits_users"), pv_of(users), 1e-9);
    assert_relative(
        "government",
        mean(&out, "pv_benefits_government"),
        pv_of(government),
        1e-9,
    );
}

#[test]
fn defaulted_failure_minutes_follow_an_effect_on_the_minutes_they_default_to() {
    // Halve user minutes and staff minutes. Users' failure minutes default to u, so they halve
    // too (30 → 15); staff's failure minutes are given (10), so they stay.
    let base = fixture_text("fixed-option.toml");
    let head = &base[..base.find("[[options.joined.effect]]").unwrap()];
    let text = format!(
        "{head}[[options.joined.effect]]\ndepartments = [\"a\"]\nparameter = \"user_minutes\"\nreduce = 0.5\n\n\
         [[options.joined.effect]]\ndepartments = [\"a\"]\nparameter = \"staff_minutes\"\nreduce = 0.5\n"
    );
    let dir = tempfile::tempdir().unwrap();
    let out = run_scenario_text(dir.path(), &text, &[]);
    // Users: value contact 30 → 15 and one failure contact 30 → 15: 30 minutes at £12/h.
    let users = 30.0 * 12.0 / 60.0;
    // Government: value contact's staff time 20 → 10 minutes at £30/h; failure minutes stay.
    let government = 10.0 * 30.0 / 60.0;
    assert_relative("users", mean(&out, "pv_benefits_users"), pv_of(users), 1e-9);
    assert_relative(
        "government",
        mean(&out, "pv_benefits_government"),
        pv_of(government),
        1e-9,
    );
}

#[test]
fn cash_releasing_and_non_cash_releasing_benefits_add_up_to_government_benefits() {
    // With the fixture's effects (repetition set to 0.2, failure contacts halved), government
    // saves 4.4 a journey: channel cost (1 + 1)·2 → (1 + 0.5)·2, i.e. 1.0, and staff cost 3.4.
    // With 40 % of staff savings cash-releasing, cash is 1.0 + 0.4 × 3.4 = 2.36 a journey.
    let dir = tempfile::tempdir().unwrap();
    let out = run_scenario_text(
        dir.path(),
        &fixture_text("fixed-option.toml"),
        &["--set", "departments.a.cash_releasing_share=40%"],
    );
    let government = mean(&out, "pv_benefits_government");
    assert_relative("government", government, pv_of(4.4), 1e-9);
    let cash = mean(&out, "pv_benefits_cash_releasing");
    let non_cash = mean(&out, "pv_benefits_non_cash_releasing");
    assert_relative("cash-releasing", cash, pv_of(2.36), 1e-9);
    assert_relative("non-cash-releasing", non_cash, pv_of(4.4 - 2.36), 1e-9);
    assert_relative("the two add up", cash + non_cash, government, 1e-12);
    // With no cash-releasing share, only the channel cost releases cash.
    let out = run_scenario_text(dir.path(), &fixture_text("fixed-option.toml"), &[]);
    assert_relative(
        "channel only",
        mean(&out, "pv_benefits_cash_releasing"),
        pv_of(1.0),
        1e-9,
    );
}

#[test]
fn payback_is_the_first_year_from_which_the_discounted_total_stays_positive() {
    // Benefits: users save 3.6 and government 4.4 a journey reached: 0, 4,400 and 9,680 by
    // year. Costs: 1,240, 820 and 200. Cumulative discounted net: −1,240 in 2025, then
    // −1,240 + 3,580/1.035 = 2,218.9 in 2026, and higher after: it pays back in 2026.
    let dir = tempfile::tempdir().unwrap();
    let out = run_scenario_text(dir.path(), &fixture_text("fixed-option.toml"), &[]);
    assert_eq!(mean(&out, "payback_year"), 2026.0);
    assert_eq!(metric(&out, "payback_year", "p_positive"), "1");
    // With capital of £10,000 in year 0, the total is −12,400 + 3,458.9 + 8,849.6 < 0 at the
    // end: it never pays back, the statistics are empty, and the share that pays back is 0.
    let out = run_scenario_text(
        dir.path(),
        &fixture_text("fixed-option.toml"),
        &["--set", "options.joined.capital[0]=10000"],
    );
    assert_eq!(metric(&out, "payback_year", "mean"), "");
    assert_eq!(metric(&out, "payback_year", "p_positive"), "0");
}
