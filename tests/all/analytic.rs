//! End to end: a scenario of independent inputs (tests/fixtures/analytic.toml) whose year-0
//! means follow by hand, since the mean of a product of independent inputs is the product of
//! their means. Every cell of summary.csv must lie within 4 of its standard errors.

use super::common::*;

/// Expected year-0 means by department → component → (users, government).
fn expected() -> Vec<(&'static str, &'static str, f64, f64)> {
    // Means of the inputs.
    let journeys = 1000.0; // uniform(900, 1100)
    let minute_value = 15.0 / 60.0; // value of time uniform(10, 20), per minute
                                    // alpha: c = 2, u = 20, t = 10, w = 30, k = 1.5, o = 0.5, r = 0.2, ru = 6, rt = 2,
                                    // phi = 0.2 so F = 2 * 0.2 / 0.8 = 0.5, fu = u = 20, ft = 4, s = 0.04, su = 60, st = 20.
    let (c, u, t, w, k, o) = (2.0, 20.0, 10.0, 30.0, 1.5, 0.5);
    let (r, ru, rt, f, ft, s, su, st) = (0.2, 6.0, 2.0, 0.5, 4.0, 0.04, 60.0, 20.0);
    let alpha = [
        (
            "value",
            journeys * (minute_value * c * u + c * o),
            journeys * c * (t * w / 60.0 + k),
        ),
        (
            "repetition",
            journeys * minute_value * c * r * ru,
            journeys * c * r * rt * w / 60.0,
        ),
        (
            "failure",
            journeys * (minute_value * f * u + f * o),
            journeys * f * (ft * w / 60.0 + k),
        ),
        (
            "stuck",
            journeys * minute_value * s * su,
            journeys * s * st * w / 60.0,
        ),
    ];
    // beta: c = 1, u = lognormal mean 12, t = `5 to 15` (lognormal mean exp(mu + sigma^2/2)),
    // w = 30, phi = 0.5 so F = 1, failure minutes default to u and t.
    let z95 = 1.644_853_626_951_472_2;
    let (mu, sigma) = (
        (5f64.ln() + 15f64.ln()) / 2.0,
        (15f64.ln() - 5f64.ln()) / (2.0 * z95),
    );
    let t_beta = (mu + sigma * sigma / 2.0).exp();
    let beta = [
        (
            "value",
            journeys * minute_value * 12.0,
            journeys * t_beta * 30.0 / 60.0,
        ),
        ("repetition", 0.0, 0.0),
        (
            "failure",
            journeys * minute_value * 12.0,
            journeys * t_beta * 30.0 / 60.0,
        ),
        ("stuck", 0.0, 0.0),
    ];
    let mut rows = Vec::new();
    for (dept, parts) in [("alpha", alpha), ("beta", beta)] {
        rows.extend(parts.iter().map(|(comp, us, gov)| (dept, *comp, *us, *gov)));
    }
    let total = |comp: &str, bearer: usize| -> f64 {
        rows.iter()
            .filter(|r| r.1 == comp)
            .map(|r| if bearer == 0 { r.2 } else { r.3 })
            .sum()
    };
    let totals: Vec<_> = ["value", "repetition", "failure", "stuck"]
        .iter()
        .map(|comp| ("total", *comp, total(comp, 0), total(comp, 1)))
        .collect();
    rows.extend(totals);
    rows
}

#[test]
fn summary_means_match_the_hand_calculation() {
    let dir = tempfile::tempdir().unwrap();
    let out = run_scenario_text(dir.path(), &fixture_text("analytic.toml"), &[]);
    let rows = read_csv(&out.join("summary.csv"));
    let mut checked = 0;
    for (dept, comp, users, government) in expected() {
        for (bearer, value) in [
            ("users", users),
            ("government", government),
            ("all", users + government),
        ] {
            let r = row(
                &rows,
                &[
                    ("department", dept),
                    ("component", comp),
                    ("bearer", bearer),
                ],
            );
            let what = format!("{dept}/{comp}/{bearer}");
            if value == 0.0 {
                assert_eq!(num(r, "mean"), 0.0, "{what}");
            } else {
                assert_within_se(&what, num(r, "mean"), value, num(r, "se"), 4.0);
            }
            checked += 1;
        }
    }
    // Disjointed = repetition + failure + stuck, and all = disjointed + value, iteration by
    // iteration, so the means add exactly (up to rounding).
    for dept in ["alpha", "beta", "total"] {
        for bearer in ["users", "government", "all"] {
            let mean = |comp| {
                num(
                    row(
                        &rows,
                        &[
                            ("department", dept),
                            ("component", comp),
                            ("bearer", bearer),
                        ],
                    ),
                    "mean",
                )
            };
            let parts = mean("repetition") + mean("failure") + mean("stuck");
            assert_relative("disjointed", mean("disjointed"), parts, 1e-9);
            assert_relative("all", mean("all"), parts + mean("value"), 1e-9);
        }
    }
    assert_eq!(checked, 36);
}

#[test]
fn percentiles_are_ordered_in_every_row() {
    let dir = tempfile::tempdir().unwrap();
    let out = run_scenario_text(
        dir.path(),
        &fixture_text("analytic.toml"),
        &["--iterations", "20000"],
    );
    for r in read_csv(&out.join("summary.csv")) {
        let q: Vec<f64> = ["p5", "p10", "p50", "p90", "p95"]
            .iter()
            .map(|c| num(&r, c))
            .collect();
        assert!(q.windows(2).all(|w| w[0] <= w[1]), "{r:?}");
        assert!(num(&r, "sd") >= 0.0);
    }
}

#[test]
fn each_input_s_share_of_variance_matches_its_share_worked_by_hand() {
    // The cost of disjointedness here is 1000 × (£0.20 × X + £0.50 × Y) a year, with
    // X ~ uniform(0, 10) user minutes and Y ~ uniform(0, 4) staff minutes per repetition:
    // Var = 1000² × (0.04 × 100/12 + 0.25 × 16/12), half from each. User minutes per value
    // contact move only value demand, so none of this variance.
    let text = r#"
[scenario]
name = "Variance shares"
price_base_year = 2024
years = 1
iterations = 50000
seed = 9

[journeys]
per_year = 1000

[users]
value_of_time = 12

[departments.a]
user_minutes = "uniform(1, 5)"
staff_minutes = 1
staff_cost_per_hour = 30
repetition_rate = 1
repeat_user_minutes = "uniform(0, 10)"
repeat_staff_minutes = "uniform(0, 4)"
"#;
    let model = seams::Source::from_text(text, "shares.toml")
        .model(&[])
        .unwrap();
    let results = seams::run(&model, &seams::RunConfig::default()).unwrap();
    let cost = &results.tornadoes()[0];
    let share = |key: &str| {
        cost.drivers
            .iter()
            .find(|d| d.input == key)
            .map(|d| d.variance_share)
            .unwrap()
    };
    // With 50 classes a linear effect keeps 1 − 1/50² of its variance; the estimator's sampling
    // error at 50,000 iterations is about 0.005.
    assert!((share("departments.a.repeat_user_minutes") - 0.5).abs() < 0.02);
    assert!((share("departments.a.repeat_staff_minutes") - 0.5).abs() < 0.02);
    assert!(share("departments.a.user_minutes") < 0.005);
}
