//! The value of finding out (MODEL §3b) against closed forms. With the option's NPSV linear in
//! two independent normal inputs — journeys a year J and year-0 capital K — NB is normal, and
//! for one option against business as usual E[max(NB, 0)] = μΦ(μ/s) + sφ(μ/s), so
//! EVPI = μΦ(μ/s) + sφ(μ/s) − max(μ, 0), and EVPPI(X) is the same with s the sd of the part of
//! NB that X moves.

use statrs::distribution::{Continuous, ContinuousCDF, Normal};

use super::common::*;

/// E[max(N, 0)] − max(μ, 0) for N normal(μ, s).
fn value(mu: f64, s: f64) -> f64 {
    let z = Normal::new(0.0, 1.0).unwrap();
    mu * z.cdf(mu / s) + s * z.pdf(mu / s) - mu.max(0.0)
}

#[test]
fn evpi_and_evppi_match_their_closed_forms_for_a_linear_npsv() {
    // The fixed-option fixture, no growth: each journey a year is worth 8.0 × (0.5/1.035 +
    // 1/1.035²) of benefits; capital K in year 0 costs 1.24 K; the rest of the costs, 500 ×
    // 1.24 / 1.035 of capital and 200 a year running from year 1, are fixed.
    let per_journey = 8.0 * (0.5 / 1.035 + 1.0 / (1.035f64 * 1.035));
    let fixed_costs = 500.0 * 1.24 / 1.035 + 200.0 / 1.035 + 200.0 / (1.035f64 * 1.035);
    let (j_mean, j_sd, k_mean, k_sd) = (1000.0, 250.0, 8_400.0, 2_000.0);
    let text = fixture_text("fixed-option.toml")
        .replace(
            "per_year = 1000",
            &format!("per_year = \"normal({j_mean}, {j_sd})\""),
        )
        .replace("growth = \"10%\"", "growth = 0")
        .replace(
            "capital = [1000, 500]",
            &format!("capital = [\"normal({k_mean}, {k_sd})\", 500]"),
        );
    let model = seams::Source::from_text(&text, "linear.toml")
        .model(&[])
        .unwrap();
    let config = seams::RunConfig {
        iterations: Some(1_000_000),
        seed: Some(3),
        ..seams::RunConfig::default()
    };
    let results = seams::run(&model, &config).unwrap();
    let voi = results.voi().unwrap();
    let mu = per_journey * j_mean - 1.24 * k_mean - fixed_costs;
    let (s_j, s_k) = (per_journey * j_sd, 1.24 * k_sd);
    let s = (s_j * s_j + s_k * s_k).sqrt();
    // EVPI within four of its own standard errors.
    assert_within_se("EVPI", voi.evpi, value(mu, s), voi.evpi_se, 4.0);
    let evppi = |key: &str| voi.inputs.iter().find(|e| e.input == key).unwrap();
    for (key, sd) in [
        ("journeys.per_year", s_j),
        ("options.joined.capital[0]", s_k),
    ] {
        let got = evppi(key);
        let want = value(mu, sd);
        // The binned estimate's error: sampling error of the size of the EVPI's, and an
        // upward bias of at most its stated bound.
        let tolerance = 4.0 * voi.evpi_se;
        assert!(
            got.evppi >= want - tolerance && got.evppi <= want + tolerance + got.noise,
            "{key}: {} against {want} (± {tolerance})",
            got.evppi
        );
        assert!(got.evppi <= voi.evpi);
    }
    // Every input that does not move the NPSV is worth (close to) nothing.
    for e in &voi.inputs {
        if !e.input.starts_with("journeys.per_year") && !e.input.contains("capital[0]") {
            assert!(
                e.evppi <= 4.0 * voi.evpi_se + e.noise,
                "{}: {}",
                e.input,
                e.evppi
            );
        }
    }
}

#[test]
fn an_option_best_in_every_iteration_leaves_nothing_to_find_out() {
    let model = seams::Source::read(fixture("fixed-option.toml"))
        .and_then(|s| s.model(&[]))
        .unwrap();
    let results = seams::run(&model, &seams::RunConfig::default()).unwrap();
    let voi = results.voi().unwrap();
    assert_eq!(voi.evpi, 0.0);
    assert!(voi.inputs.iter().all(|e| e.evppi == 0.0));
}

#[test]
fn a_group_that_holds_every_uncertainty_is_worth_the_evpi() {
    // The option's NPSV is linear in department a's repeat minutes (repetition falls from 0.5
    // to 0.2 a value contact): the department's two uncertain inputs are all the uncertainty,
    // and the regression fits NB exactly, so slicing by its predicted regret sorts the iterations
    // by NB itself and the group's EVPPI is the EVPI, less what the one slice straddling NB = 0
    // mixes (a 1/√n share of the iterations, each within a slice's width of 0: well under
    // 1e-4 of the EVPI here); each input alone is worth less.
    let text = fixture_text("fixed-option.toml")
        .replace(
            "repeat_user_minutes = 10",
            "repeat_user_minutes = \"normal(10, 3)\"",
        )
        .replace(
            "repeat_staff_minutes = 6",
            "repeat_staff_minutes = \"normal(6, 1.5)\"",
        )
        .replace("capital = [1000, 500]", "capital = [9900, 500]");
    let model = seams::Source::from_text(&text, "group.toml")
        .model(&[])
        .unwrap();
    let config = seams::RunConfig {
        iterations: Some(100_000),
        seed: Some(9),
        ..seams::RunConfig::default()
    };
    let results = seams::run(&model, &config).unwrap();
    let voi = results.voi().unwrap();
    assert!(
        voi.evpi > 20.0 * voi.evpi_se,
        "a decision worth studying: {}",
        voi.evpi
    );
    let (name, group, _) = voi.groups.iter().find(|g| g.0 == "departments.a").unwrap();
    assert_eq!(name, "departments.a");
    assert!(*group <= voi.evpi, "{group} > {}", voi.evpi);
    assert_relative("group EVPPI", *group, voi.evpi, 1e-4);
    for e in voi
        .inputs
        .iter()
        .filter(|e| e.input.starts_with("departments.a."))
    {
        assert!(e.evppi < *group, "{}: {} ≥ {group}", e.input, e.evppi);
    }
    // And voi.csv lists the group.
    let dir = tempfile::tempdir().unwrap();
    let out = run_scenario_text(dir.path(), &text, &["-n", "20000", "--no-charts"]);
    let rows = read_csv(&out.join("voi.csv"));
    assert_eq!(rows[0]["input"], "evpi");
    assert!(rows
        .iter()
        .any(|r| r["group"] == "departments.a" && r["input"].is_empty()));
}
