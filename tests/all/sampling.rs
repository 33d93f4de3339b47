//! Sampling (docs/method.md §5) checked against distributions known in closed form: every
//! input keeps its own distribution under correlation and Latin hypercube sampling
//! (truncation included), correlated inputs reach the rank correlation asked for, Latin
//! hypercube strata cut the error of a mean, and a precision target stops the run where the
//! headline means are known well enough. Tolerances come from standard errors.

use seams::engine::Keep;
use seams::outputs::Metric;
use seams::scenario::Sampling;
use seams::{Model, Override, RunConfig, Source};

use super::common::*;

const U: &str = "departments.a.user_minutes";
const T: &str = "departments.a.staff_minutes";
const K: &str = "departments.a.channel_cost_per_contact";

fn model(overrides: &[Override]) -> Model {
    Source::read(fixture("sampling.toml"))
        .and_then(|s| s.model(overrides))
        .unwrap()
}

fn correlate(a: &str, b: &str, rho: f64) -> Override {
    Override::parse_correlate(&format!("{a},{b}={rho}")).unwrap()
}

/// The kept draws of the input with this key.
fn draws(model: &Model, results: &seams::Results, key: &str) -> Vec<f64> {
    let id = model.inputs().iter().position(|i| i.key == key).unwrap();
    let samples = results.samples().unwrap();
    let (_, column) = samples
        .inputs()
        .into_iter()
        .find(|(i, _)| *i == id)
        .unwrap();
    samples.input_column(column).to_vec()
}

fn mean(x: &[f64]) -> f64 {
    x.iter().sum::<f64>() / x.len() as f64
}

fn sd(x: &[f64]) -> f64 {
    let m = mean(x);
    (x.iter().map(|v| (v - m) * (v - m)).sum::<f64>() / (x.len() - 1) as f64).sqrt()
}

fn ranks(x: &[f64]) -> Vec<f64> {
    let mut order: Vec<usize> = (0..x.len()).collect();
    order.sort_by(|&a, &b| x[a].total_cmp(&x[b]));
    let mut r = vec![0.0; x.len()];
    for (rank, &i) in order.iter().enumerate() {
        r[i] = rank as f64;
    }
    r
}

fn spearman(a: &[f64], b: &[f64]) -> f64 {
    let (ra, rb) = (ranks(a), ranks(b));
    let (ma, mb) = (mean(&ra), mean(&rb));
    let cov: f64 = ra.iter().zip(&rb).map(|(x, y)| (x - ma) * (y - mb)).sum();
    cov / (ra.iter().map(|x| (x - ma).powi(2)).sum::<f64>().sqrt()
        * rb.iter().map(|y| (y - mb).powi(2)).sum::<f64>().sqrt())
}

/// Checks each input's mean against its closed form, within 4 standard errors.
fn check_means(model: &Model, results: &seams::Results) {
    let half_normal = (2.0 / std::f64::consts::PI).sqrt();
    for (key, expected) in [(U, 5.0), (T, 41.0 / 6.0), (K, half_normal)] {
        let x = draws(model, results, key);
        let se = sd(&x) / (x.len() as f64).sqrt();
        assert_within_se(key, mean(&x), expected, se, 4.0);
    }
    assert!(
        draws(model, results, K).iter().all(|&k| k >= 0.0),
        "truncation broken"
    );
}

#[test]
fn correlated_inputs_reach_their_rank_correlation_and_keep_their_distributions() {
    let m = model(&[correlate(U, T, 0.7), correlate(T, K, -0.4)]);
    let results = seams::run(&m, &RunConfig::default()).unwrap();
    let (u, t, k) = (
        draws(&m, &results, U),
        draws(&m, &results, T),
        draws(&m, &results, K),
    );
    // The sampling error of Spearman's ρ is about (1 − ρ²)/√n: under 0.003 at n = 100,000.
    assert!(
        (spearman(&u, &t) - 0.7).abs() < 0.012,
        "{}",
        spearman(&u, &t)
    );
    assert!(
        (spearman(&t, &k) + 0.4).abs() < 0.012,
        "{}",
        spearman(&t, &k)
    );
    // A pair not given is uncorrelated in the normal scores, whatever its neighbours.
    assert!(spearman(&u, &k).abs() < 0.012, "{}", spearman(&u, &k));
    check_means(&m, &results);
}

#[test]
fn latin_hypercube_keeps_each_distribution_and_cuts_the_error_of_a_mean() {
    let m = model(&[]);
    let config = |sampling| RunConfig {
        sampling: Some(sampling),
        iterations: Some(4096),
        ..RunConfig::default()
    };
    let lhs = seams::run(&m, &config(Sampling::LatinHypercube)).unwrap();
    check_means(&m, &lhs);
    // One batch of 4,096 strata: the mean of uniform(0, 10) is 5 to within a stratum's
    // width over √4096 (about 1e-5); independent draws miss by about 0.045 (one se).
    let u = draws(&m, &lhs, U);
    assert!((mean(&u) - 5.0).abs() < 1e-4, "{}", mean(&u));
    let mut strata: Vec<usize> = u.iter().map(|x| (x / 10.0 * 4096.0) as usize).collect();
    strata.sort_unstable();
    assert_eq!(strata, (0..4096).collect::<Vec<_>>());
    let mc = seams::run(&m, &config(Sampling::MonteCarlo)).unwrap();
    assert!((mean(&draws(&m, &mc, U)) - 5.0).abs() > 1e-3);
}

#[test]
fn a_precision_target_stops_when_every_headline_mean_is_known_well_enough() {
    let m = model(&[]);
    let config = RunConfig {
        precision: Some(0.005),
        iterations: Some(10_000_000),
        keep: Keep::Nothing,
        ..RunConfig::default()
    };
    let results = seams::run(&m, &config).unwrap();
    let precision = results.precision().expect("a precision report");
    assert!(precision.converged, "{precision:?}");
    let n = results.iterations();
    assert!(n < 10_000_000 && n % (8 * 4096) == 0, "{n}");
    // Every headline's half-width is within 0.5% of its mean; one round fewer was not.
    let npsv = results.appraisal(0, Metric::Npsv).unwrap();
    assert!(1.96 * npsv.se <= 0.005 * npsv.mean.abs());
    assert!(precision.achieved <= 0.005 && precision.achieved > 0.0);
    assert!(["fix_npsv", "total_disjointed_all"].contains(&precision.governing.as_str()));
    let earlier = RunConfig {
        precision: None,
        iterations: Some(n - 8 * 4096),
        ..config.clone()
    };
    let before = seams::run(&m, &earlier).unwrap();
    let shares = [before
        .appraisal(0, Metric::Npsv)
        .map(|s| 1.96 * s.se / s.mean.abs())];
    let total = before.cost(
        seams::outputs::Scope::Total,
        seams::outputs::Component::Disjointed,
        seams::outputs::Bearer::All,
    );
    let worst = shares[0].unwrap().max(1.96 * total.se / total.mean.abs());
    assert!(
        worst > 0.005,
        "the run could have stopped a round earlier: {worst}"
    );
}

#[test]
fn a_correlation_is_a_register_row_that_reads_back_and_is_recorded() {
    let dir = tempfile::tempdir().unwrap();
    let text = fixture_text("sampling.toml")
        + "\n[[correlation]]\ninputs = [\"departments.a.user_minutes\", \"departments.a.staff_minutes\"]\nrank = 0.6\n";
    let scenario = dir.path().join("s.toml");
    std::fs::write(&scenario, text).unwrap();
    let register = write_register(dir.path(), &scenario);
    let key = "correlation:departments.a.user_minutes,departments.a.staff_minutes";
    let csv = std::fs::read_to_string(&register).unwrap();
    let row = format!("\"{key}\",0.6,");
    assert!(csv.contains(&row), "no `{row}` in {csv}");
    std::fs::write(&register, csv.replace(&row, &format!("\"{key}\",0.3,"))).unwrap();
    let out = dir.path().join("out");
    let output = run_scenario(
        dir.path(),
        &scenario,
        &out,
        &["--assumptions", register.to_str().unwrap(), "-n", "4096"],
    );
    assert!(output.status.success(), "{}", stderr(&output));
    let run: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("run.json")).unwrap()).unwrap();
    assert_eq!(run["correlations"][0]["rank"], 0.3);
    assert_eq!(run["overrides"][0]["key"], key);
    let case = std::fs::read_to_string(out.join("economic-case.md")).unwrap();
    assert!(
        case.contains("Office A: user minutes and Office A: staff minutes: 0.3"),
        "{case}"
    );
}

#[test]
fn a_precision_target_can_stop_a_run_of_the_default_length_and_says_what_would_reach_it() {
    let m = model(&[]);
    let loose = RunConfig {
        precision: Some(0.5),
        iterations: Some(20_000),
        keep: Keep::Nothing,
        ..RunConfig::default()
    };
    let results = seams::run(&m, &loose).unwrap();
    let precision = results.precision().unwrap();
    assert!(precision.converged, "{precision:?}");
    // Five batches: the first check comes after the first of them.
    assert_eq!(results.iterations(), 4096);
    let tight = RunConfig {
        precision: Some(0.0001),
        ..loose
    };
    let results = seams::run(&m, &tight).unwrap();
    let precision = results.precision().unwrap();
    assert!(!precision.converged);
    assert_eq!(results.iterations(), 20_000);
    // A half-width shrinks as 1/√n: the iterations that would reach the target.
    let needed = precision.iterations_to_reach(20_000).unwrap();
    let expected = 20_000.0 * (precision.achieved / 0.0001).powi(2);
    assert!(
        (needed as f64 - expected).abs() <= 1000.0,
        "{needed} against {expected}"
    );
    assert!(
        precision.governing_words.starts_with("the "),
        "{}",
        precision.governing_words
    );
}
