//! Data into a distribution (MODEL.md §3d): every family of the distribution language whose
//! support the data allows, fitted by maximum likelihood and ranked by AIC (BIC beside), with
//! the Kolmogorov–Smirnov and Anderson–Darling statistics of each fit.
//!
//! Normal and lognormal have closed forms (the mean and the n-divisor standard deviation, of
//! the values or of their logarithms); a uniform's are the data's minimum and maximum. Beta
//! (for shares strictly between 0 and 1), triangular and PERT (whose bounds are fitted too,
//! beyond the data's range) are fitted by maximising the log-likelihood with the Nelder–Mead
//! simplex of `optimise`, in unconstrained coordinates.

mod read;

pub use read::{read_column, Column, MAX_FILE_BYTES, MAX_VALUES};

use crate::dist::{Dist, Family};
use crate::error::{Error, InputError, Result};
use crate::format::four_figures as figure;
use crate::optimise::minimise;

/// The fewest values a fit is made to.
pub const MIN_VALUES: usize = 5;

/// One family fitted to the data.
#[derive(Debug, Clone)]
pub struct Fitted {
    pub dist: Dist,
    /// Parameters fitted (k of AIC and BIC).
    pub parameters: usize,
    pub log_likelihood: f64,
    pub aic: f64,
    pub bic: f64,
    /// The Kolmogorov–Smirnov statistic: the largest gap between the data's and the fit's CDF.
    pub ks: f64,
    /// The Anderson–Darling statistic A².
    pub ad: f64,
}

/// Checks that `values` can be fitted: at least [`MIN_VALUES`], and not all the same.
///
/// # Errors
/// An [`InputError`] naming `origin` and `column`.
pub fn check(origin: &str, column: &str, values: &[f64]) -> Result<()> {
    let refuse = |problem: String| -> Error {
        InputError::refusal(
            origin,
            column,
            problem,
            format!("fit to a column with at least {MIN_VALUES} numbers that vary"),
        )
    };
    if values.len() < MIN_VALUES {
        return Err(refuse(format!(
            "holds {} number(s); a fit needs at least {MIN_VALUES}",
            values.len()
        )));
    }
    if values.iter().all(|&x| x == values[0]) {
        return Err(refuse(format!(
            "holds the one value {} throughout: a fixed value, not a distribution",
            crate::dist::fmt_num(values[0])
        )));
    }
    Ok(())
}

/// Every family the data's range allows, fitted by maximum likelihood, best (lowest AIC) first.
pub fn fit_all(values: &[f64]) -> Vec<Fitted> {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    let mut fits: Vec<Fitted> = [
        "normal",
        "lognormal",
        "uniform",
        "triangular",
        "pert",
        "beta",
    ]
    .iter()
    .filter_map(|family| estimate(family, &sorted))
    .filter_map(|(dist, parameters)| judged(dist, parameters, &sorted))
    .collect();
    fits.sort_by(|a, b| a.aic.total_cmp(&b.aic));
    fits
}

/// The maximum-likelihood estimate of `family` for the sorted data, and its parameter count;
/// `None` where the data's range rules the family out.
pub fn estimate(family: &str, sorted: &[f64]) -> Option<(Dist, usize)> {
    let n = sorted.len() as f64;
    let (lo, hi) = (sorted[0], sorted[sorted.len() - 1]);
    let plain = |family| Dist {
        family,
        min: None,
        max: None,
    };
    let mean_sd = |xs: &mut dyn Iterator<Item = f64>| {
        let xs: Vec<f64> = xs.collect();
        let mean = xs.iter().sum::<f64>() / n;
        let sd = (xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / n).sqrt();
        (mean, sd)
    };
    match family {
        "normal" => {
            let (mean, sd) = mean_sd(&mut sorted.iter().copied());
            Some((plain(Family::Normal { mean, sd }), 2))
        }
        "lognormal" if lo > 0.0 => {
            let (mu, sigma) = mean_sd(&mut sorted.iter().map(|x| x.ln()));
            let mean = (mu + sigma * sigma / 2.0).exp();
            let sd = mean * ((sigma * sigma).exp() - 1.0).sqrt();
            Some((plain(Family::LogNormal { mean, sd }), 2))
        }
        "uniform" => Some((plain(Family::Uniform { low: lo, high: hi }), 2)),
        "triangular" | "pert" => bounded(family, &thinned(sorted)).map(|d| (d, 3)),
        "beta" if lo > 0.0 && hi < 1.0 => {
            let (mean, sd) = mean_sd(&mut sorted.iter().copied());
            // The method of moments as the start: a + b = m(1 − m)/s² − 1.
            let total = (mean * (1.0 - mean) / (sd * sd) - 1.0).max(0.1);
            let start = vec![(mean * total).ln(), ((1.0 - mean) * total).ln()];
            let beta = |v: &[f64]| {
                plain(Family::Beta {
                    a: v[0].exp(),
                    b: v[1].exp(),
                })
            };
            let thin = thinned(sorted);
            let best = minimise(&|v| -log_likelihood(&beta(v), &thin), start, 1.0);
            Some((beta(&best), 2))
        }
        _ => None,
    }
}

/// The most values an iterative fit (beta, triangular, PERT) reads: beyond it, that many
/// evenly spaced order statistics of the data, which keep its shape, so a large file is
/// fitted in seconds; the likelihood, AIC, BIC, KS and AD are then those of all the data.
pub const ITERATIVE_VALUES: usize = 20_000;

/// At most [`ITERATIVE_VALUES`] of the sorted data, evenly spaced, its extremes included.
fn thinned(sorted: &[f64]) -> Vec<f64> {
    let n = sorted.len();
    if n <= ITERATIVE_VALUES {
        return sorted.to_vec();
    }
    (0..ITERATIVE_VALUES)
        .map(|i| sorted[i * (n - 1) / (ITERATIVE_VALUES - 1)])
        .collect()
}

/// A triangular or PERT fitted with its bounds, which lie beyond the data's range (at a bound
/// the density is 0, so the likelihood of a value there would be 0).
fn bounded(family: &str, sorted: &[f64]) -> Option<Dist> {
    let (lo, hi) = (sorted[0], sorted[sorted.len() - 1]);
    let spread = hi - lo;
    let at = |v: &[f64]| {
        let min = lo - spread * v[0].exp();
        let max = hi + spread * v[1].exp();
        let mode = min + (max - min) / (1.0 + (-v[2]).exp());
        let family = if family == "pert" {
            Family::Pert { min, mode, max }
        } else {
            Family::Triangular { min, mode, max }
        };
        Dist {
            family,
            min: None,
            max: None,
        }
    };
    let mut best: Option<(Vec<f64>, f64)> = None;
    for edge in [-3.0, -1.0] {
        for skew in [-1.0, 0.0, 1.0] {
            let v = minimise(
                &|v| -log_likelihood(&at(v), sorted),
                vec![edge, edge, skew],
                1.0,
            );
            let value = -log_likelihood(&at(&v), sorted);
            if best.as_ref().is_none_or(|(_, b)| value < *b) {
                best = Some((v, value));
            }
        }
    }
    best.map(|(v, _)| at(&v))
}

/// Σ ln f(x) of the data under `dist` (−∞ where a value lies outside its support).
pub fn log_likelihood(dist: &Dist, values: &[f64]) -> f64 {
    let total: f64 = values
        .iter()
        .map(|&x| dist.ln_pdf(x).unwrap_or(f64::NEG_INFINITY))
        .sum();
    if total.is_nan() {
        f64::NEG_INFINITY
    } else {
        total
    }
}

/// A fit's statistics, with its parameters rounded to four significant figures as printed;
/// `None` if the rounded distribution is not one the language accepts or gives the data no
/// likelihood.
fn judged(dist: Dist, parameters: usize, sorted: &[f64]) -> Option<Fitted> {
    let shown = dist.rounded();
    let dist = if shown.check_parameters().is_ok() && log_likelihood(&shown, sorted).is_finite() {
        shown
    } else {
        dist
    };
    dist.check_parameters().ok()?;
    let log_likelihood = log_likelihood(&dist, sorted);
    if !log_likelihood.is_finite() {
        return None;
    }
    let n = sorted.len() as f64;
    let k = parameters as f64;
    let cdf: Vec<f64> = sorted
        .iter()
        .map(|&x| dist.cdf(x).unwrap_or(0.0).clamp(1e-300, 1.0 - 1e-16))
        .collect();
    let ks = cdf
        .iter()
        .enumerate()
        .map(|(i, &f)| ((i + 1) as f64 / n - f).max(f - i as f64 / n))
        .fold(0.0, f64::max);
    let ad = -n
        - cdf
            .iter()
            .enumerate()
            .map(|(i, &f)| {
                let upper = cdf[sorted.len() - 1 - i];
                (2.0 * i as f64 + 1.0) * (f.ln() + (1.0 - upper).ln())
            })
            .sum::<f64>()
            / n;
    Some(Fitted {
        dist,
        parameters,
        log_likelihood,
        aic: 2.0 * k - 2.0 * log_likelihood,
        bic: k * n.ln() - 2.0 * log_likelihood,
        ks,
        ad,
    })
}

/// The fits as text: the data in brief, the best fit as a distribution, then the ranking.
pub fn report(what: &str, column: &Column, fits: &[Fitted]) -> String {
    let values = &column.values;
    let n = values.len();
    let mean = values.iter().sum::<f64>() / n as f64;
    let (lo, hi) = values
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), &x| {
            (a.min(x), b.max(x))
        });
    let blanks = match column.blanks {
        0 => String::new(),
        1 => " (1 blank cell skipped)".into(),
        b => format!(" ({b} blank cells skipped)"),
    };
    let mut out = format!(
        "Fitted to {what}: n = {n}{blanks}; mean {}, from {} to {}.\n",
        figure(mean),
        figure(lo),
        figure(hi)
    );
    let Some(best) = fits.first() else {
        return out + "No family of the distribution language fits these values.\n";
    };
    out += &format!("Best fit (lowest AIC): {}\n\n", best.dist);
    out += &format!(
        "{:<48} {:>12} {:>12} {:>12} {:>7} {:>8}\n",
        "distribution (maximum likelihood)", "ln L", "AIC", "BIC", "KS", "AD"
    );
    for fit in fits {
        out += &format!(
            "{:<48} {:>12.2} {:>12.2} {:>12.2} {:>7.4} {:>8.3}\n",
            fit.dist.to_string(),
            fit.log_likelihood,
            fit.aic,
            fit.bic,
            fit.ks,
            fit.ad
        );
    }
    out
}
