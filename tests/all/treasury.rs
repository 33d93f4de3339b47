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

/// The option's PV benefits to users and government are these savings per journey reached.
fn assert_benefits(out: &std::path::Path, users: f64, government: f64) {
    assert_relative("users", mean(out, "pv_benefits_users"), pv_of(users), 1e-9);
    assert_relative(
        "government",
        mean(out, "pv_benefits_government"),
        pv_of(government),
        1e-9,
    );
}

#[test]
fn reducing_failure_demand_cuts_failure_contacts_by_that_share() {
    // Only the failure-demand effect: reduce 30 % at φ = 72 %. Failure contacts go from
    // φ/(1−φ) = 0.72/0.28 a journey to 0.7 × that: 30 % fewer, as the case's sentence says.
    let text = fixture_text("fixed-option.toml")
        .replace("set = 0.2", "set = 0.5")
        .replace("failure_demand = 0.5", "failure_demand = 0.72")
        .replace("reduce = 0.5", "reduce = 0.3");
    let dir = tempfile::tempdir().unwrap();
    let out = run_scenario_text(dir.path(), &text, &[]);
    let failures_saved = 0.3 * 0.72 / 0.28;
    let case = std::fs::read_to_string(out.join("economic-case.md")).unwrap();
    assert!(
        case.contains("It cuts failure contacts at Department A by 30%."),
        "{case}"
    );
    let users = failures_saved * 30.0 * 12.0 / 60.0; // failure user minutes default to u = 30
    let government = failures_saved * (10.0 * 30.0 / 60.0 + 2.0);
    assert_benefits(&out, users, government);
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
    assert_benefits(&out, users, government);
}

#[test]
fn value_of_time_growth_raises_each_year_s_user_benefits() {
    // Users save 18 minutes a journey reached (repetition 0.5 → 0.2 at 10 minutes: 3; failure
    // contacts 1 → 0.5 at 30 minutes: 15), at £12 an hour growing 10 % a year in real terms:
    // £3.60 × 1.1^y in year y.
    let dir = tempfile::tempdir().unwrap();
    let out = run_scenario_text(
        dir.path(),
        &fixture_text("fixed-option.toml"),
        &["--set", "users.value_of_time_growth=10%"],
    );
    let users: f64 = (0..3)
        .map(|y| DF[y] * JOURNEYS_REACHED[y] * 3.6 * 1.1f64.powi(y as i32))
        .sum();
    assert_relative("users", mean(&out, "pv_benefits_users"), users, 1e-9);
    // Government's benefits do not move with the value of users' time.
    assert_relative(
        "government",
        mean(&out, "pv_benefits_government"),
        pv_of(4.4),
        1e-9,
    );
    // Without growth, the same £3.60 every year.
    let flat = run_scenario_text(dir.path(), &fixture_text("fixed-option.toml"), &[]);
    assert_relative("flat", mean(&flat, "pv_benefits_users"), pv_of(3.6), 1e-9);
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
    // A full cost per contact of which a quarter releases cash: 0.25 × 1.0 a journey.
    let out = run_scenario_text(
        dir.path(),
        &fixture_text("fixed-option.toml"),
        &["--set", "departments.a.channel_cost_cash_releasing=25%"],
    );
    assert_relative(
        "a quarter of the channel saving",
        mean(&out, "pv_benefits_cash_releasing"),
        pv_of(0.25),
        1e-9,
    );
    assert_relative(
        "government unchanged",
        mean(&out, "pv_benefits_government"),
        pv_of(4.4),
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

#[test]
fn money_in_an_older_price_year_is_converted_with_the_gdp_deflator() {
    // £0.22 a contact in 2012 prices is 0.22 × 100 / 71.9294 in 2024 prices.
    let text = fixture_text("fixed-option.toml").replace(
        "channel_cost_per_contact = 2",
        "channel_cost_per_contact = { value = 0.22, price_year = 2012, source = \"Digital Efficiency Report\" }",
    );
    let dir = tempfile::tempdir().unwrap();
    let out = run_scenario_text(dir.path(), &text, &[]);
    let rows = read_csv(&out.join("summary.csv"));
    let value = row(
        &rows,
        &[
            ("department", "a"),
            ("component", "value"),
            ("bearer", "government"),
        ],
    );
    let k = 0.22 * 100.0 / 71.9294;
    assert_relative(
        "value demand",
        num(value, "mean"),
        1000.0 * (10.0 + k),
        1e-9,
    );
    // A financial year uses its first calendar year: the same figures.
    let financial = text.replace("price_year = 2012,", "price_year = \"2012-13\",");
    let again = run_scenario_text(dir.path(), &financial, &[]);
    assert_eq!(
        std::fs::read(out.join("summary.csv")).unwrap(),
        std::fs::read(again.join("summary.csv")).unwrap()
    );
    // `check` shows the factor, and the case says both prices.
    let scenario = dir.path().join("scenario.toml");
    let check = run_in(dir.path(), &["check", scenario.to_str().unwrap()]);
    assert!(stdout(&check).contains("2012 prices") && stdout(&check).contains("× 1.3903"));
    let case = std::fs::read_to_string(again.join("economic-case.md")).unwrap();
    assert!(case.contains("£0.22 in 2012 prices"), "{case}");
    assert!(case.contains("£0.31 in 2024 prices"), "{case}");
}

#[test]
fn a_price_year_outside_the_deflator_table_is_refused_with_its_range() {
    for year in ["1989", "2025", "\"last year\""] {
        let text = fixture_text("fixed-option.toml").replace(
            "channel_cost_per_contact = 2",
            &format!("channel_cost_per_contact = {{ value = 2, price_year = {year} }}"),
        );
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("s.toml"), text).unwrap();
        let output = run_in(dir.path(), &["check", "s.toml"]);
        assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
        let err = stderr(&output);
        assert!(
            err.contains("departments.a.channel_cost_per_contact"),
            "{err}"
        );
        assert!(err.contains("1990") && err.contains("2024"), "{err}");
    }
    // Only money has a price year.
    let text = fixture_text("fixed-option.toml").replace(
        "user_minutes = 30",
        "user_minutes = { value = 30, price_year = 2012 }",
    );
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("s.toml"), text).unwrap();
    let output = run_in(dir.path(), &["check", "s.toml"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("only to money inputs"));
}

#[test]
fn the_price_year_round_trips_through_the_register() {
    let text = fixture_text("fixed-option.toml").replace(
        "channel_cost_per_contact = 2",
        "channel_cost_per_contact = { value = 2, price_year = 2012 }",
    );
    let dir = tempfile::tempdir().unwrap();
    let out = run_scenario_text(dir.path(), &text, &[]);
    let scenario = dir.path().join("scenario.toml");
    let register = write_register(dir.path(), &scenario);
    let csv = std::fs::read_to_string(&register).unwrap();
    assert!(
        csv.starts_with("\u{feff}key,distribution,price_year,"),
        "{csv}"
    );
    assert!(
        csv.contains("departments.a.channel_cost_per_contact,2,2012,"),
        "{csv}"
    );
    // Unchanged, it gives the same results; with the price year moved to 2024, the factor is 1.
    let same = run_named(
        dir.path(),
        &scenario,
        "same",
        &["--assumptions", register.to_str().unwrap()],
    );
    assert_eq!(
        std::fs::read(out.join("summary.csv")).unwrap(),
        std::fs::read(same.join("summary.csv")).unwrap()
    );
    std::fs::write(&register, csv.replace(",2,2012,", ",2,2024,")).unwrap();
    let moved = run_named(
        dir.path(),
        &scenario,
        "moved",
        &["--assumptions", register.to_str().unwrap()],
    );
    let rows = read_csv(&moved.join("summary.csv"));
    let value = row(
        &rows,
        &[
            ("department", "a"),
            ("component", "value"),
            ("bearer", "government"),
        ],
    );
    assert_relative(
        "2024 prices",
        num(value, "mean"),
        1000.0 * (10.0 + 2.0),
        1e-12,
    );
}

fn organisations(out: &std::path::Path) -> Vec<std::collections::HashMap<String, String>> {
    read_csv(&out.join("organisations.csv"))
}

fn org(rows: &[std::collections::HashMap<String, String>], o: &str, who: &str, m: &str) -> f64 {
    num(
        row(rows, &[("option", o), ("organisation", who), ("metric", m)]),
        "mean",
    )
}

#[test]
fn one_body_pays_and_the_departments_save() {
    let dir = tempfile::tempdir().unwrap();
    let text = fixture_text("fixed-option.toml").replace(
        "name = \"Joined up\"",
        "name = \"Joined up\"\nfunded_by = \"gds\"\nfunder_name = \"Government Digital Service\"",
    );
    let out = run_scenario_text(dir.path(), &text, &[]);
    let rows = organisations(&out);
    let pv_costs = mean(&out, "pv_costs");
    let government = mean(&out, "pv_benefits_government");
    assert_relative(
        "gds pays",
        org(&rows, "joined", "gds", "pv_costs"),
        pv_costs,
        1e-12,
    );
    assert_eq!(org(&rows, "joined", "gds", "pv_benefits_government"), 0.0);
    assert_eq!(org(&rows, "joined", "a", "pv_costs"), 0.0);
    assert_relative(
        "department a saves",
        org(&rows, "joined", "a", "pv_benefits_government"),
        government,
        1e-9,
    );
    let net: f64 = ["gds", "a"]
        .iter()
        .map(|who| org(&rows, "joined", who, "net_present_cost"))
        .sum();
    assert_relative(
        "net present costs add up",
        net,
        mean(&out, "net_present_cost_government"),
        1e-9,
    );
    let case = std::fs::read_to_string(out.join("economic-case.md")).unwrap();
    assert!(case.contains("| Government Digital Service |"), "{case}");
    // Without a funder, the costs are shown as not allocated.
    let out = run_scenario_text(dir.path(), &fixture_text("fixed-option.toml"), &[]);
    let rows = organisations(&out);
    assert_relative(
        "not allocated",
        org(&rows, "joined", "not allocated", "pv_costs"),
        pv_costs,
        1e-12,
    );
}

#[test]
fn each_department_receives_its_own_benefit() {
    // Two departments, uncertain inputs: the departments' benefits add up to the option's
    // benefits to government, and the funder's costs to its costs, in the mean.
    let dir = tempfile::tempdir().unwrap();
    let text = fixture_text("small.toml").replace(
        "name = \"Share data\"",
        "name = \"Share data\"\nfunded_by = \"two\"",
    );
    let out = run_scenario_text(dir.path(), &text, &[]);
    let rows = read_csv(&out.join("organisations.csv"));
    let appraisal = read_csv(&out.join("appraisal.csv"));
    let option = |m: &str| {
        num(
            row(&appraisal, &[("option", "share"), ("metric", m)]),
            "mean",
        )
    };
    let benefits = org(&rows, "share", "one", "pv_benefits_government")
        + org(&rows, "share", "two", "pv_benefits_government");
    assert_relative(
        "benefits add up",
        benefits,
        option("pv_benefits_government"),
        1e-9,
    );
    assert_relative(
        "two pays",
        org(&rows, "share", "two", "pv_costs"),
        option("pv_costs"),
        1e-12,
    );
    // Only department one's repetition is cut, so department two saves nothing.
    assert_eq!(org(&rows, "share", "two", "pv_benefits_government"), 0.0);
    assert!(!rows.iter().any(|r| r["organisation"] == "not allocated"));
}

#[test]
fn the_health_schedule_discounts_at_one_and_a_half_per_cent() {
    // Years 1 and 2 at 1.5 %, against the same option under a fixed 1.5 % rate.
    let dir = tempfile::tempdir().unwrap();
    let base = fixture_text("fixed-option.toml");
    let health = run_scenario_text(
        dir.path(),
        &(base.clone() + "\n[discounting]\nschedule = \"health\"\n"),
        &[],
    );
    let fixed = run_named(
        dir.path(),
        &{
            let path = dir.path().join("fixed.toml");
            std::fs::write(&path, base.clone() + "\n[discounting]\nrate = \"1.5%\"\n").unwrap();
            path
        },
        "fixed",
        &[],
    );
    for m in ["pv_costs", "pv_benefits", "npsv"] {
        assert_relative(m, mean(&health, m), mean(&fixed, m), 1e-12);
    }
    let costs = 1240.0 + 820.0 / 1.015 + 200.0 / (1.015 * 1.015);
    assert_relative("pv costs by hand", mean(&health, "pv_costs"), costs, 1e-12);
    let run: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(health.join("run.json")).unwrap()).unwrap();
    let tables = run["reference_tables"].as_array().unwrap();
    assert!(tables
        .iter()
        .any(|t| t["table"] == "Green Book health discount rate"
            && t["vintage"] == "2022"
            && t["source"].as_str().unwrap().contains("Green Book")));
    // A schedule and a rate together, or an unknown schedule, are refused.
    for discounting in [
        "schedule = \"health\"\nrate = 0.02",
        "schedule = \"wellbeing\"",
    ] {
        std::fs::write(
            dir.path().join("bad.toml"),
            base.clone() + "\n[discounting]\n" + discounting + "\n",
        )
        .unwrap();
        let output = run_in(dir.path(), &["check", "bad.toml"]);
        assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
        assert!(
            stderr(&output).contains("discounting"),
            "{}",
            stderr(&output)
        );
    }
}

#[test]
fn charts_and_tables_name_inputs_as_a_reader_would() {
    let dir = tempfile::tempdir().unwrap();
    let out = run_scenario_text(dir.path(), &fixture_text("small.toml"), &[]);
    let svg = std::fs::read_to_string(out.join("charts/tornado-npsv-share.svg")).unwrap();
    // On the option's own chart its inputs drop the option's name.
    assert!(svg.contains("Capital, year 0"), "{svg}");
    assert!(!svg.contains("Share data: capital"), "{svg}");
    assert!(svg.contains("Office One: repetition rate"), "{svg}");
    assert!(
        !svg.contains("departments.one."),
        "key paths stay out of the charts"
    );
    let case = std::fs::read_to_string(out.join("economic-case.md")).unwrap();
    let drivers = case
        .split("## What drives the results")
        .nth(1)
        .and_then(|s| s.split("## Switching values").next())
        .unwrap();
    assert!(!drivers.contains("departments."), "{drivers}");
    assert!(
        drivers.contains("| Office One: repetition rate |"),
        "{drivers}"
    );
    // The assumptions table keeps the key path in a column of its own.
    assert!(case.contains("| Office One: failure demand |"));
    assert!(case.contains("| `departments.one.failure_demand` |"));
    // The CSV files keep key paths.
    let sensitivity = std::fs::read_to_string(out.join("sensitivity.csv")).unwrap();
    assert!(sensitivity.contains("departments.one.repetition_rate"));
}

#[test]
fn payback_percentiles_are_whole_calendar_years() {
    let dir = tempfile::tempdir().unwrap();
    let text = fixture_text("small.toml").replace(
        "capital = [\"pert(100k, 150k, 250k)\"]",
        "capital = [\"pert(1k, 2k, 5k)\"]",
    );
    let out = run_scenario_text(dir.path(), &text, &[]);
    let rows = read_csv(&out.join("appraisal.csv"));
    let payback = row(&rows, &[("option", "share"), ("metric", "payback_year")]);
    for column in ["p5", "p10", "p50", "p90", "p95"] {
        let year = num(payback, column);
        assert_eq!(year.fract(), 0.0, "{column} = {year}");
        assert!((2025.0..=2029.0).contains(&year), "{column} = {year}");
    }
}

/// The fixed-assumption switching value of `input` for the fixture's option, or `None` for
/// "none".
fn fixed_switch(out: &std::path::Path, input: &str) -> Option<f64> {
    let rows = read_csv(&out.join("switching.csv"));
    let found = row(&rows, &[("option", "joined"), ("input", input)]);
    assert_eq!(found["kind"], "fixed");
    found["switching_value"].parse().ok()
}

#[test]
fn fixed_assumptions_switch_where_the_hand_worked_npsv_reaches_zero() {
    // Per journey reached the option saves 8.0 (users 3.6, government 4.4): benefits are
    // 8 × (0.5 × 1,100 / 1.035 + 1,210 / 1.035²). Capital 1,000 and 500 × (1 + uplift);
    // running 200 from year 1.
    let dir = tempfile::tempdir().unwrap();
    let out = run_scenario_text(dir.path(), &fixture_text("fixed-option.toml"), &[]);
    let benefits = 8.0 * (0.5 * 1100.0 * DF[1] + 1210.0 * DF[2]);
    let capital = 1000.0 + 500.0 * DF[1];
    let running = 200.0 * (DF[1] + DF[2]);
    // NPSV is linear in the uplift: zero at (benefits − running) / capital − 1.
    let uplift = (benefits - running) / capital - 1.0;
    assert_relative(
        "uplift",
        fixed_switch(&out, "optimism_bias_uplift").unwrap(),
        uplift,
        1e-9,
    );
    // Below a multiplier of 1 neither year's adoption (0.5, 1) is capped: NPSV is m × benefits
    // less the costs, zero at costs / benefits.
    let costs = capital * 1.24 + running;
    assert_relative(
        "adoption multiplier",
        fixed_switch(&out, "adoption_multiplier").unwrap(),
        costs / benefits,
        1e-9,
    );
    // A year late: only 0.5 of 2027's journeys are reached and running costs start in 2027,
    // still positive; two years late nothing is reached within the period.
    let one_late = 8.0 * 0.5 * 1210.0 * DF[2] - capital * 1.24 - 200.0 * DF[2];
    assert!(one_late > 0.0);
    assert_eq!(fixed_switch(&out, "delay_years"), Some(2.0));
    // Positive at every rate up to 20 %: no switching rate.
    assert_eq!(fixed_switch(&out, "discount_rate"), None);

    // With capital of 10,000 in year 0 the net flows are −12,400, 3,580 and 9,480: the
    // switching rate is their internal rate of return, 1/x − 1 where 9,480x² + 3,580x −
    // 12,400 = 0.
    let out = run_scenario_text(
        dir.path(),
        &fixture_text("fixed-option.toml"),
        &["--set", "options.joined.capital[0]=10000"],
    );
    let x = (-3580.0 + (3580.0f64.powi(2) + 4.0 * 9480.0 * 12400.0).sqrt()) / (2.0 * 9480.0);
    assert_relative(
        "IRR",
        fixed_switch(&out, "discount_rate").unwrap(),
        1.0 / x - 1.0,
        1e-9,
    );
}

#[test]
fn mitigating_optimism_bias_scales_the_uplift_and_the_sweep_follows_it_by_hand() {
    // Half the 24 % uplift mitigated: capital × 1.12.
    let benefits = 8.0 * (0.5 * 1100.0 * DF[1] + 1210.0 * DF[2]);
    let capital = 1000.0 + 500.0 * DF[1];
    let running = 200.0 * (DF[1] + DF[2]);
    let dir = tempfile::tempdir().unwrap();
    let out = run_scenario_text(
        dir.path(),
        &fixture_text("fixed-option.toml"),
        &["--set", "options.joined.optimism_bias_mitigation=50%"],
    );
    assert_relative(
        "NPSV",
        mean(&out, "npsv"),
        benefits - capital * 1.12 - running,
        1e-9,
    );
    assert_relative(
        "the uplift's PV",
        mean(&out, "pv_optimism_bias"),
        capital * 0.12,
        1e-9,
    );
    // The sweep sets the share mitigated itself, whatever the scenario gives.
    let model = seams::Source::read(fixture("fixed-option.toml"))
        .and_then(|s| s.model(&[]))
        .unwrap();
    let results = seams::run(&model, &seams::RunConfig::default()).unwrap();
    let sweep = results.mitigation_sweep();
    assert_eq!(sweep.len(), 5);
    for row in sweep {
        let costs = capital * (1.0 + 0.24 * (1.0 - row.mitigation)) + running;
        assert_relative("mean NPSV", row.mean_npsv, benefits - costs, 1e-9);
        assert_relative("BCR", row.bcr.unwrap(), benefits / costs, 1e-9);
        assert_eq!(row.p_positive, 1.0);
    }
    // The chart's curves: the uplift's is the straight line benefits − capital × (1 + u) −
    // running, the value as written (24 %) marked; the discount rate's runs from 0 to 20 %.
    let curves = &results.fixed_curves()[0];
    assert_relative("uplift as written", curves.current[0], 0.24, 1e-12);
    for &(u, npsv) in &curves.points[0] {
        assert_relative(
            "uplift curve",
            npsv,
            benefits - capital * (1.0 + u) - running,
            1e-9,
        );
    }
    assert_eq!(curves.points[3].first().map(|p| p.0), Some(0.0));
    assert!((curves.points[3].last().unwrap().0 - 0.2).abs() < 1e-12);
    // A share outside 0–100 % is refused, naming the key.
    let output = run_in(
        dir.path(),
        &[
            "run",
            fixture("fixed-option.toml").to_str().unwrap(),
            "--set",
            "options.joined.optimism_bias_mitigation=150%",
            "-o",
            dir.path().join("refused").to_str().unwrap(),
        ],
    );
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("options.joined.optimism_bias_mitigation"));
}
