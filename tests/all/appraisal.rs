//! Options appraisal against hand calculations (MODEL.md §3).

use super::common::*;

/// Per-journey minutes and government £ of tests/fixtures/fixed-option.toml, with the
/// repetition rate `r` and failure-demand share `phi` given.
fn per_journey(r: f64, phi: f64) -> (f64, f64) {
    let staff_per_minute = 30.0 / 60.0;
    let failures = phi / (1.0 - phi); // c = 1
    let user_minutes = 30.0 + r * 10.0 + failures * 30.0; // failure minutes default to u = 30
    let government = (20.0 * staff_per_minute + 2.0)
        + r * 6.0 * staff_per_minute
        + failures * (10.0 * staff_per_minute + 2.0);
    (user_minutes, government)
}

struct Expected {
    pv_users: f64,
    pv_government: f64,
    pv_costs: f64,
}

/// The appraisal by hand: 3 years, journeys 1000 growing 10%, £12 an hour, live from year 1
/// with adoption 0.5 then 1.0, capital [1000, 500] × (1 + 24%) and running 200 from year 1.
fn by_hand(r_with: f64, phi_with: f64, rate: Option<f64>) -> Expected {
    let (bau_minutes, bau_government) = per_journey(0.5, 0.5);
    let (minutes, government) = per_journey(r_with, phi_with);
    let minute_value = 12.0 / 60.0;
    let journeys = [1000.0, 1100.0, 1210.0];
    let adoption = [0.0, 0.5, 1.0];
    let cost = [1000.0 * 1.24, 500.0 * 1.24 + 200.0, 200.0];
    let mut df = [1.0; 3];
    for y in 1..3 {
        df[y] = df[y - 1] / (1.0 + rate.unwrap_or(0.035));
    }
    let mut e = Expected {
        pv_users: 0.0,
        pv_government: 0.0,
        pv_costs: 0.0,
    };
    for y in 0..3 {
        e.pv_users += df[y] * adoption[y] * journeys[y] * minute_value * (bau_minutes - minutes);
        e.pv_government += df[y] * adoption[y] * journeys[y] * (bau_government - government);
        e.pv_costs += df[y] * cost[y];
    }
    e
}

fn appraisal_mean(out: &std::path::Path, metric: &str) -> f64 {
    let rows = read_csv(&out.join("appraisal.csv"));
    num(
        row(&rows, &[("option", "joined"), ("metric", metric)]),
        "mean",
    )
}

fn check_against(out: &std::path::Path, e: &Expected) {
    let benefits = e.pv_users + e.pv_government;
    let cases = [
        ("pv_benefits_users", e.pv_users),
        ("pv_benefits_government", e.pv_government),
        ("pv_benefits", benefits),
        ("pv_costs", e.pv_costs),
        ("npsv", benefits - e.pv_costs),
        ("bcr", benefits / e.pv_costs),
        ("net_present_cost_government", e.pv_costs - e.pv_government),
    ];
    for (metric, expected) in cases {
        assert_relative(metric, appraisal_mean(out, metric), expected, 1e-9);
    }
}

#[test]
fn a_fixed_option_matches_the_hand_calculation() {
    let dir = tempfile::tempdir().unwrap();
    let out = run_scenario_text(dir.path(), &fixture_text("fixed-option.toml"), &[]);
    // Effects in order: set repetition to 0.2, then cut failure contacts by half: at φ = 0.5
    // there is one failure contact per value contact, so half a one after, φ' = 1/3.
    check_against(&out, &by_hand(0.2, 1.0 / 3.0, None));
    let rows = read_csv(&out.join("appraisal.csv"));
    let npsv = row(&rows, &[("option", "joined"), ("metric", "npsv")]);
    assert_eq!(num(npsv, "p_positive"), 1.0);
    assert_relative(
        "median of a constant",
        num(npsv, "p50"),
        num(npsv, "mean"),
        1e-12,
    );
    let yearly = read_csv(&out.join("yearly.csv"));
    let cost_2026 = row(
        &yearly,
        &[
            ("option", "joined"),
            ("year", "2026"),
            ("metric", "option_cost"),
        ],
    );
    assert_relative(
        "option cost 2026",
        num(cost_2026, "mean"),
        500.0 * 1.24 + 200.0,
        1e-12,
    );
    let bau_2025 = row(
        &yearly,
        &[
            ("option", "bau"),
            ("year", "2025"),
            ("metric", "cost_users"),
        ],
    );
    assert_relative(
        "BAU users 2025",
        num(bau_2025, "mean"),
        1000.0 * 0.2 * 65.0,
        1e-12,
    );
    let before_live = row(
        &yearly,
        &[
            ("option", "joined"),
            ("year", "2025"),
            ("metric", "benefit_users"),
        ],
    );
    assert_eq!(num(before_live, "mean"), 0.0);
}

#[test]
fn discounting_rate_replaces_the_green_book_schedule() {
    let dir = tempfile::tempdir().unwrap();
    let text = fixture_text("fixed-option.toml") + "\n[discounting]\nrate = \"10%\"\n";
    let out = run_scenario_text(dir.path(), &text, &[]);
    check_against(&out, &by_hand(0.2, 1.0 / 3.0, Some(0.10)));
}

#[test]
fn effects_apply_in_the_order_written() {
    let base = fixture_text("fixed-option.toml");
    let head = &base[..base.find("[[options.joined.effect]]").unwrap()];
    let set = "[[options.joined.effect]]\ndepartments = [\"a\"]\nparameter = \"repetition_rate\"\nset = 0.2\n\n";
    let reduce = "[[options.joined.effect]]\ndepartments = [\"a\"]\nparameter = \"repetition_rate\"\nreduce = 0.5\n\n";
    let dir = tempfile::tempdir().unwrap();
    // set then reduce: 0.2 × (1 − 0.5) = 0.1.
    let out = run_scenario_text(dir.path(), &format!("{head}{set}{reduce}"), &[]);
    check_against(&out, &by_hand(0.1, 0.5, None));
    let set_then_reduce = appraisal_mean(&out, "npsv");
    // reduce then set: the set wins, 0.2.
    let dir = tempfile::tempdir().unwrap();
    let out = run_scenario_text(dir.path(), &format!("{head}{reduce}{set}"), &[]);
    check_against(&out, &by_hand(0.2, 0.5, None));
    assert!(appraisal_mean(&out, "npsv") < set_then_reduce);
}

#[test]
fn uncertain_benefits_match_the_product_of_means() {
    // benefit_users_y = a_y · J · v/60 · c · r · x · ru: linear in each independent input, so
    // E = a_y · E[J] · E[v]/60 · c · E[r] · E[x] · E[ru] = a_y · 1000 · 0.25 · 1 · 0.2 · 0.4 · 6.
    let text = r#"
[scenario]
name = "Linear"
price_base_year = 2024
years = 3
iterations = 100000
seed = 3
[journeys]
per_year = "uniform(900, 1100)"
[users]
value_of_time = "uniform(10, 20)"
[departments.d]
user_minutes = 10
staff_minutes = 0
staff_cost_per_hour = 0
repetition_rate = "beta(2, 8)"
repeat_user_minutes = "uniform(4, 8)"
repeat_staff_minutes = 0
[options.o]
capital = [100]
adoption = [0.5, 1.0]
[[options.o.effect]]
departments = "*"
parameter = "repetition_rate"
reduce = "uniform(0.2, 0.6)"
"#;
    let dir = tempfile::tempdir().unwrap();
    let out = run_scenario_text(dir.path(), text, &[]);
    let per_year = 1000.0 * 0.25 * 0.2 * 0.4 * 6.0;
    let expected = 0.5 * per_year + per_year / 1.035 + per_year / 1.035f64.powi(2);
    let rows = read_csv(&out.join("appraisal.csv"));
    let r = row(&rows, &[("option", "o"), ("metric", "pv_benefits_users")]);
    assert_within_se(
        "PV benefits to users",
        num(r, "mean"),
        expected,
        num(r, "se"),
        4.0,
    );
    let g = row(
        &rows,
        &[("option", "o"), ("metric", "pv_benefits_government")],
    );
    assert_eq!(num(g, "mean"), 0.0);
}

#[test]
fn the_central_npsv_is_the_mean_everywhere_it_stands_for_the_distribution() {
    let dir = tempfile::tempdir().unwrap();
    let out = run_scenario_text(dir.path(), &fixture_text("small.toml"), &[]);
    let rows = read_csv(&out.join("appraisal.csv"));
    let mean = num(
        row(&rows, &[("option", "share"), ("metric", "npsv")]),
        "mean",
    );
    let central = seams::format::money(mean);
    let case = std::fs::read_to_string(out.join("economic-case.md")).unwrap();
    let summary = case
        .split("## Summary")
        .nth(1)
        .and_then(|s| s.split("\n## ").next())
        .unwrap();
    assert!(
        summary.contains(&format!("expected net present social value of {central} (")),
        "{summary}"
    );
    let table_row = case
        .lines()
        .find(|l| l.starts_with("| Share data |"))
        .unwrap();
    let npsv_cell = table_row.split(" | ").nth(5).unwrap();
    assert!(npsv_cell.starts_with(&central), "{table_row}");
    assert!(case.contains(&format!("against an expected NPSV of {central}")));
}

#[test]
fn a_one_year_capital_may_be_written_as_a_plain_distribution() {
    let dir = tempfile::tempdir().unwrap();
    let list = run_scenario_text(dir.path(), &fixture_text("small.toml"), &[]);
    let plain = fixture_text("small.toml").replace(
        "capital = [\"pert(100k, 150k, 250k)\"]",
        "capital = \"pert(100k, 150k, 250k)\"",
    );
    let path = dir.path().join("plain.toml");
    std::fs::write(&path, plain).unwrap();
    // Copied under the same name, so that the reports' paths match too.
    let other = tempfile::tempdir().unwrap();
    let scenario = other.path().join("scenario.toml");
    std::fs::copy(&path, &scenario).unwrap();
    let plain_out = run_named(other.path(), &scenario, "out", &[]);
    for file in ["summary.csv", "appraisal.csv", "yearly.csv"] {
        assert_eq!(
            std::fs::read(list.join(file)).unwrap(),
            std::fs::read(plain_out.join(file)).unwrap(),
            "{file}"
        );
    }
    // A table with its evidence works the same way; a wrong type says what is expected.
    let table = fixture_text("small.toml").replace(
        "capital = [\"pert(100k, 150k, 250k)\"]",
        "capital = { value = \"pert(100k, 150k, 250k)\", source = \"illustration\" }",
    );
    std::fs::write(&scenario, table).unwrap();
    let check = run_in(other.path(), &["check", "scenario.toml"]);
    assert!(check.status.success(), "{}", stderr(&check));
    assert!(stdout(&check).contains("options.share.capital[0]"));
    let wrong = fixture_text("small.toml").replace(
        "capital = [\"pert(100k, 150k, 250k)\"]",
        "capital = 2025-01-01",
    );
    std::fs::write(&scenario, wrong).unwrap();
    let check = run_in(other.path(), &["check", "scenario.toml"]);
    assert_eq!(check.status.code(), Some(2));
    assert!(
        stderr(&check).contains("options.share.capital") || stderr(&check).contains("capital"),
        "{}",
        stderr(&check)
    );
}

#[test]
fn pv_costs_are_the_sum_of_capital_optimism_bias_and_running_costs() {
    let model = seams::Source::read(fixture("small.toml"))
        .and_then(|s| s.model(&[]))
        .unwrap();
    let r = seams::run(&model, &seams::RunConfig::default()).unwrap();
    use seams::outputs::Metric;
    let mean = |m: Metric| r.appraisal(0, m).unwrap().mean;
    let parts = mean(Metric::PvCapital) + mean(Metric::PvOptimismBias) + mean(Metric::PvRunning);
    assert_relative("PV costs", parts, mean(Metric::PvCosts), 1e-12);
    assert!(mean(Metric::PvOptimismBias) > 0.0 && mean(Metric::PvRunning) > 0.0);
}
