//! The honest ranges rest on each family's spread: every family's sd and P5/P95 against its
//! own formula, worked here from the parameters (not from seams), and a run's standard errors
//! against sd/√n. Tolerances come from the sampling error: the sd within five standard
//! errors of a sample sd ((m4 − s⁴)/(4 s² n), its delta-method variance), and each percentile
//! checked in probability — the share of draws below the formula's P5 lies within five
//! standard errors of 5 % (√(p(1−p)/n)).

use rand::rngs::Xoshiro256PlusPlus;
use rand::SeedableRng;
use seams::dist::{Dist, Domain};
use statrs::distribution::{Beta, ContinuousCDF, Normal};

use super::common::*;

const DRAWS: usize = 400_000;

/// The standard normal's 95th percentile.
fn z95() -> f64 {
    Normal::new(0.0, 1.0).unwrap().inverse_cdf(0.95)
}

/// Draws `text` and checks its sd and its P5 and P95 against the formula's.
fn check_spread(text: &str, sd: f64, p5: f64, p95: f64) {
    let sampler = Dist::parse(text).unwrap().sampler(Domain::ANY).unwrap();
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(2024);
    let mut draws = vec![0.0; DRAWS];
    sampler.fill(&mut rng, &mut draws);
    let n = DRAWS as f64;
    let mean = draws.iter().sum::<f64>() / n;
    let m2 = draws.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / n;
    let m4 = draws.iter().map(|x| (x - mean).powi(4)).sum::<f64>() / n;
    let se_sd = ((m4 - m2 * m2) / (4.0 * m2 * n)).sqrt();
    assert_within_se(&format!("{text} sd"), m2.sqrt(), sd, se_sd, 5.0);
    let se_p = (0.05f64 * 0.95 / n).sqrt();
    for (p, x) in [(0.05, p5), (0.95, p95)] {
        let below = draws.iter().filter(|&&d| d <= x).count() as f64 / n;
        assert_within_se(
            &format!("{text}: share below its P{}", p * 100.0),
            below,
            p,
            se_p,
            5.0,
        );
    }
}

/// A beta(α, β) scaled to [low, high]: its sd and P5/P95.
fn scaled_beta(alpha: f64, beta: f64, low: f64, high: f64) -> (f64, f64, f64) {
    let b = Beta::new(alpha, beta).unwrap();
    let s = alpha + beta;
    let sd = (alpha * beta / (s * s * (s + 1.0))).sqrt() * (high - low);
    let at = |p: f64| low + (high - low) * b.inverse_cdf(p);
    (sd, at(0.05), at(0.95))
}

#[test]
fn uniform_triangular_and_normal_have_the_spread_of_their_formulas() {
    check_spread("uniform(2, 5)", 3.0 / 12f64.sqrt(), 2.15, 4.85);
    // Triangular(1, 2, 6): sd² = (a² + b² + c² − ab − ac − bc)/18; below the mode
    // F(x) = (x − a)²/((b − a)(c − a)), above it 1 − (b − x)²/((b − a)(b − c)).
    let (a, c, b) = (1.0f64, 2.0f64, 6.0f64);
    let sd = ((a * a + b * b + c * c - a * b - a * c - b * c) / 18.0).sqrt();
    let p5 = a + (0.05 * (b - a) * (c - a)).sqrt();
    let p95 = b - (0.05 * (b - a) * (b - c)).sqrt();
    check_spread("triangular(1, 2, 6)", sd, p5, p95);
    check_spread("normal(30, 6)", 6.0, 30.0 - 6.0 * z95(), 30.0 + 6.0 * z95());
}

#[test]
fn lognormals_by_mean_and_sd_and_by_their_range_have_the_spread_of_their_formulas() {
    // lognormal(mean = m, sd = s): σ² = ln(1 + s²/m²), μ = ln m − σ²/2.
    let (m, s) = (8.0f64, 3.0f64);
    let sigma = (1.0 + s * s / (m * m)).ln().sqrt();
    let mu = m.ln() - sigma * sigma / 2.0;
    let at = |z: f64| (mu + sigma * z).exp();
    check_spread("lognormal(mean=8, sd=3)", s, at(-z95()), at(z95()));
    // "a to b": a lognormal whose P5 and P95 are a and b.
    let (a, b) = (180_000.0f64, 260_000.0f64);
    let sigma = (b.ln() - a.ln()) / (2.0 * z95());
    let mu = (a.ln() + b.ln()) / 2.0;
    let sd = ((sigma * sigma).exp_m1() * (2.0 * mu + sigma * sigma).exp()).sqrt();
    check_spread("180k to 260k", sd, a, b);
}

#[test]
fn betas_and_perts_have_the_spread_of_their_formulas() {
    // beta(mean = m, sd = s): α = m·k, β = (1 − m)·k with k = m(1 − m)/s² − 1.
    let (m, s) = (0.35f64, 0.05f64);
    let k = m * (1.0 - m) / (s * s) - 1.0;
    let (sd, p5, p95) = scaled_beta(m * k, (1.0 - m) * k, 0.0, 1.0);
    assert_relative("beta(mean, sd)'s own sd", sd, s, 1e-12);
    check_spread("beta(mean=35%, sd=5%)", sd, p5, p95);
    let (sd, p5, p95) = scaled_beta(6.0, 10.0, 0.0, 1.0);
    check_spread("beta(6, 10)", sd, p5, p95);
    // PERT(a, m, b): a + (b − a)·Beta(1 + 4(m − a)/(b − a), 1 + 4(b − m)/(b − a)).
    let (a, mode, b) = (10.0, 20.0, 45.0);
    let alpha = 1.0 + 4.0 * (mode - a) / (b - a);
    let beta = 1.0 + 4.0 * (b - mode) / (b - a);
    let (sd, p5, p95) = scaled_beta(alpha, beta, a, b);
    check_spread("pert(10, 20, 45)", sd, p5, p95);
}

#[test]
fn a_truncated_normal_has_the_spread_of_its_formula() {
    // normal(10, 10) truncated below at 0: with α = (0 − μ)/σ and Z = 1 − Φ(α), the sd is
    // σ·√(1 + αφ(α)/Z − (φ(α)/Z)²), and the quantile p is μ + σ·Φ⁻¹(Φ(α) + p·Z).
    let standard = Normal::new(0.0, 1.0).unwrap();
    let (mu, sigma) = (10.0f64, 10.0f64);
    let alpha = -mu / sigma;
    let z = 1.0 - standard.cdf(alpha);
    let phi = (-alpha * alpha / 2.0).exp() / (2.0 * std::f64::consts::PI).sqrt();
    let sd = sigma * (1.0 + alpha * phi / z - (phi / z).powi(2)).sqrt();
    let at = |p: f64| mu + sigma * standard.inverse_cdf(standard.cdf(alpha) + p * z);
    check_spread("normal(10, 10, min=0)", sd, at(0.05), at(0.95));
}

#[test]
fn every_standard_error_is_the_sd_over_the_root_of_the_iterations() {
    let dir = tempfile::tempdir().unwrap();
    let out = run_named(dir.path(), &fixture("small.toml"), "out", &["-n", "3000"]);
    for file in ["summary.csv", "appraisal.csv"] {
        for row in read_csv(&out.join(file)) {
            // The BCR's and the payback year's statistics are over the iterations where they
            // are defined, not all of them: their n is their own.
            let own_n = row
                .get("metric")
                .is_some_and(|m| m == "bcr" || m == "payback_year");
            if row["se"].is_empty() || own_n {
                continue;
            }
            let (sd, se) = (num(&row, "sd"), num(&row, "se"));
            assert_relative(&format!("{file} se"), se, sd / 3000f64.sqrt(), 1e-12);
        }
    }
}
