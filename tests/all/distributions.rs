//! Each family's sample mean lies within 4 standard errors of its formula, and the sampler's
//! own mean (used by `seams check` and the economic case) agrees with the formula.

use rand::rngs::Xoshiro256PlusPlus;
use rand::SeedableRng;
use seams::dist::{Dist, Domain};
use statrs::distribution::{Continuous, ContinuousCDF, Normal};

const DRAWS: usize = 200_000;

fn check_mean(text: &str, domain: Domain, expected: f64) {
    let sampler = Dist::parse(text).unwrap().sampler(domain).unwrap();
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(99);
    let draws: Vec<f64> = (0..DRAWS).map(|_| sampler.sample(&mut rng)).collect();
    let mean = draws.iter().sum::<f64>() / DRAWS as f64;
    let var = draws.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (DRAWS - 1) as f64;
    let se = (var / DRAWS as f64).sqrt();
    super::common::assert_within_se(text, mean, expected, se, 4.0);
    super::common::assert_relative(
        &format!("{text} sampler mean"),
        sampler.mean(),
        expected,
        1e-3,
    );
    assert!(
        draws.iter().all(|x| domain.contains(*x)),
        "{text}: a draw left the domain"
    );
}

#[test]
fn every_family_has_the_mean_of_its_formula() {
    let any = Domain::ANY;
    check_mean("uniform(2, 5)", any, 3.5);
    check_mean("triangular(1, 2, 6)", any, 3.0);
    check_mean("pert(10, 20, 45)", any, (10.0 + 4.0 * 20.0 + 45.0) / 6.0);
    check_mean("normal(30, 6)", any, 30.0);
    check_mean("lognormal(mean=8, sd=3)", any, 8.0);
    check_mean("beta(6, 10)", any, 6.0 / 16.0);
    check_mean("beta(mean=35%, sd=5%)", any, 0.35);
    // `a to b`: lognormal with P5 = a, P95 = b; mean = exp(mu + sigma^2 / 2).
    let z95 = 1.644_853_626_951_472_2;
    let (mu, sigma) = (
        (5f64.ln() + 15f64.ln()) / 2.0,
        (15f64.ln() - 5f64.ln()) / (2.0 * z95),
    );
    check_mean("5 to 15", any, (mu + sigma * sigma / 2.0).exp());
}

#[test]
fn truncation_redraws_rather_than_clamps() {
    // A normal(1, 1) kept above 0: mean = mu + sigma * phi(alpha) / (1 - Phi(alpha)), alpha = -1.
    let n = Normal::standard();
    let mills = |alpha: f64| n.pdf(alpha) / (1.0 - n.cdf(alpha));
    check_mean("normal(1, 1, min=0)", Domain::ANY, 1.0 + mills(-1.0));
    // A tight truncation (97.7% of the mass removed) samples by inverting the CDF.
    check_mean("normal(0, 1, min=2)", Domain::ANY, mills(2.0));
    // Truncation by the domain within the 0.1% tolerance: normal(10, 3.2) has 0.09% below 0.
    check_mean(
        "normal(10, 3.2)",
        Domain::NON_NEGATIVE,
        10.0 + 3.2 * mills(-10.0 / 3.2),
    );
}

#[test]
fn percentiles_of_the_distribution_are_ordered() {
    for text in [
        "pert(1, 2, 9)",
        "2 to 40",
        "normal(5, 1, min=4)",
        "beta(2, 3)",
        "uniform(0, 1)",
    ] {
        let s = Dist::parse(text).unwrap().sampler(Domain::ANY).unwrap();
        let q: Vec<f64> = [0.05, 0.1, 0.5, 0.9, 0.95]
            .iter()
            .map(|p| s.quantile(*p))
            .collect();
        assert!(q.windows(2).all(|w| w[0] < w[1]), "{text}: {q:?}");
    }
}
