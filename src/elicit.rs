//! An expert's judgements into a distribution (MODEL.md §3d, after the SHELF framework): three
//! or more quantiles ("10% = 12, 50% = 20, 90% = 45") are matched by every family of the
//! distribution language whose support allows them, each fitted by least squares on the CDF —
//! the parameters minimising Σ (F(x_j) − p_j)² — and ranked by that sum. Several experts'
//! judgements are pooled linearly (SHELF's linear pool): each expert's best fit is weighted,
//! and one family is fitted to the pooled CDF at every value any expert gave.
//!
//! The minimisation is a Nelder–Mead simplex (`optimise`) in unconstrained coordinates
//! (logarithms of widths and spreads, so every point it tries is a valid distribution).

use crate::dist::{Dist, Family};
use crate::error::{Error, Result};
use crate::format::four_figures as figure;
use crate::optimise::minimise;

/// One judgement: the expert's probability `p` that the quantity is at most `x`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Judgement {
    pub p: f64,
    pub x: f64,
}

/// A family's best fit: the distribution, its sum of squared CDF differences at the
/// judgements, and its quantiles at the judgements' probabilities.
#[derive(Debug, Clone)]
pub struct Fit {
    pub dist: Dist,
    pub squares: f64,
    pub quantiles: Vec<f64>,
}

/// The most judgements one fit takes (a request from the page is bounded by it too).
pub const MAX_JUDGEMENTS: usize = 20;

/// The families tried, by name.
pub const FAMILIES: [&str; 6] = [
    "pert",
    "triangular",
    "normal",
    "lognormal",
    "uniform",
    "beta",
];

/// Reads "10%=12, 50%=20, 90%=45" (probabilities as percentages or fractions; values as the
/// distribution language writes numbers: 1.5k, 2m, 35%).
///
/// # Errors
/// [`Error::Usage`] naming `flag`, for text that is not such a list, fewer than three
/// judgements, probabilities outside (0, 1) or not increasing, values not increasing, or no
/// judgement below 40 % or above 60 %.
pub fn parse_quantiles(flag: &str, text: &str) -> Result<Vec<Judgement>> {
    let refuse = |problem: String| {
        Error::Usage {
        flag: flag.into(),
        problem,
        fix: "give three or more quantiles in increasing order, one below 40% and one above 60%, e.g. --quantiles \"10%=12, 50%=20, 90%=45\"".into(),
    }
    };
    // A number as the distribution language reads one; why not, where it is not one.
    let number = |text: &str, what: &str| -> Result<f64> {
        let text = text.trim();
        match Dist::parse(text) {
            Ok(d) => d
                .fixed_value()
                .ok_or_else(|| refuse(format!("\"{text}\" is a distribution, not {what}"))),
            Err(e) => Err(refuse(format!("\"{text}\" is not {what}: {e}"))),
        }
    };
    let mut judgements = Vec::new();
    for part in text.split(',').filter(|p| !p.trim().is_empty()) {
        let (p, x) = part
            .split_once('=')
            .ok_or_else(|| refuse(format!("\"{}\" is not PROBABILITY=VALUE", part.trim())))?;
        let p = number(p, "a probability")?;
        let x = number(x, "a number")?;
        if !(p > 0.0 && p < 1.0) {
            return Err(refuse(format!(
                "the probability {} is not strictly between 0% and 100%",
                crate::format::percent(p)
            )));
        }
        judgements.push(Judgement { p, x });
    }
    if judgements.len() > MAX_JUDGEMENTS {
        return Err(refuse(format!(
            "{} quantiles given; at most {MAX_JUDGEMENTS} are fitted",
            judgements.len()
        )));
    }
    if judgements.len() < 3 {
        return Err(refuse(format!(
            "{} quantile(s) given; a distribution needs at least three",
            judgements.len()
        )));
    }
    for pair in judgements.windows(2) {
        if pair[1].p <= pair[0].p || pair[1].x <= pair[0].x {
            return Err(refuse(format!(
                "the quantiles are not increasing: {}={} comes before {}={}",
                crate::format::percent(pair[0].p),
                crate::dist::fmt_num(pair[0].x),
                crate::format::percent(pair[1].p),
                crate::dist::fmt_num(pair[1].x)
            )));
        }
    }
    if judgements[0].p >= 0.4 || judgements[judgements.len() - 1].p <= 0.6 {
        return Err(refuse(
            "the quantiles need one below 40% and one above 60%, to say how spread the quantity is"
                .into(),
        ));
    }
    Ok(judgements)
}

/// Every family whose support allows the judgements, fitted to them, best (smallest sum of
/// squares) first.
pub fn fit_all(judgements: &[Judgement]) -> Vec<Fit> {
    let mut fits: Vec<Fit> = FAMILIES
        .iter()
        .filter_map(|family| fit_family(family, judgements))
        .collect();
    fits.sort_by(|a, b| a.squares.total_cmp(&b.squares));
    fits
}

/// Pools several experts' judgements (weights in the same order, any positive numbers) and
/// fits every family to the pool: the pooled CDF is Σ wᵢ Fᵢ(x) of each expert's best fit, read
/// at every value any expert gave. Returns the fits, best first, and the judgements the pool
/// gives.
pub fn fit_pool(experts: &[Vec<Judgement>], weights: &[f64]) -> (Vec<Fit>, Vec<Judgement>) {
    let total: f64 = weights.iter().sum();
    let bests: Vec<Dist> = experts
        .iter()
        .filter_map(|j| fit_all(j).into_iter().next().map(|f| f.dist))
        .collect();
    let mut values: Vec<f64> = experts.iter().flatten().map(|j| j.x).collect();
    values.sort_by(f64::total_cmp);
    values.dedup();
    let pooled: Vec<Judgement> = values
        .into_iter()
        .map(|x| Judgement {
            x,
            p: bests
                .iter()
                .zip(weights)
                .map(|(d, w)| w * d.cdf(x).unwrap_or(0.0))
                .sum::<f64>()
                / total,
        })
        // Values below or above everyone's range say nothing a fit can use.
        .filter(|j| j.p > 1e-9 && j.p < 1.0 - 1e-9)
        .collect();
    (fit_all(&pooled), pooled)
}

/// A family fitted to the judgements, or `None` where its support cannot hold them (a
/// lognormal for values ≤ 0, a beta for values outside (0, 1)).
fn fit_family(family: &str, judgements: &[Judgement]) -> Option<Fit> {
    let (lo, hi) = (judgements[0].x, judgements[judgements.len() - 1].x);
    let spread = hi - lo;
    let mid = (lo + hi) / 2.0;
    // Several starts, so that a skewed set of judgements finds the far tail it needs.
    let starts: Vec<Vec<f64>> = match family {
        "normal" => vec![vec![mid, (spread / 2.0).ln()]],
        "lognormal" if lo > 0.0 => vec![vec![(lo * hi).sqrt().ln(), ((hi / lo).ln() / 2.0).ln()]],
        "uniform" => vec![vec![lo - spread / 4.0, (spread * 1.5).ln()]],
        "triangular" | "pert" => {
            let mut starts = Vec::new();
            for below in [0.5, 0.1] {
                for wide in [1.3, 2.0, 4.0] {
                    for skew in [-2.0, 0.0, 2.0] {
                        starts.push(vec![lo - below * spread, (wide * spread).ln(), skew]);
                    }
                }
            }
            starts
        }
        "beta" if lo > 0.0 && hi < 1.0 => vec![vec![0.0, 0.0], vec![1.0, 1.0], vec![-0.5, 0.5]],
        _ => return None,
    };
    let squares_of = |d: &Dist| {
        judgements
            .iter()
            .map(|j| (d.cdf(j.x).unwrap_or(f64::NAN) - j.p).powi(2))
            .sum::<f64>()
    };
    let squares = |v: &[f64]| distribution(family, v).map_or(f64::INFINITY, |d| squares_of(&d));
    let best = starts
        .into_iter()
        .map(|start| minimise(&squares, start, spread.abs().max(1e-9)))
        .min_by(|a, b| squares(a).total_cmp(&squares(b)))?;
    // Reported to four significant figures: the figures printed are the ones measured.
    let dist = distribution(family, &best)?.rounded();
    let sampler = dist.sampler(crate::dist::Domain::ANY).ok()?;
    let squares = squares_of(&dist);
    squares.is_finite().then(|| Fit {
        dist,
        squares,
        quantiles: judgements.iter().map(|j| sampler.quantile(j.p)).collect(),
    })
}

/// The distribution of `family` at unconstrained coordinates `v`, if its parameters are
/// valid in the language.
fn distribution(family: &str, v: &[f64]) -> Option<Dist> {
    let family = match family {
        "normal" => Family::Normal {
            mean: v[0],
            sd: v[1].exp(),
        },
        "lognormal" => {
            // v = (μ, ln σ) of the logarithm; the language takes the variable's mean and sd.
            let sigma2 = (2.0 * v[1]).exp();
            let mean = (v[0] + sigma2 / 2.0).exp();
            Family::LogNormal {
                mean,
                sd: mean * (sigma2.exp() - 1.0).sqrt(),
            }
        }
        "uniform" => Family::Uniform {
            low: v[0],
            high: v[0] + v[1].exp(),
        },
        "triangular" | "pert" => {
            let (min, width) = (v[0], v[1].exp());
            let mode = min + width / (1.0 + (-v[2]).exp());
            let (min, mode, max) = (min, mode, min + width);
            if family == "pert" {
                Family::Pert { min, mode, max }
            } else {
                Family::Triangular { min, mode, max }
            }
        }
        "beta" => Family::Beta {
            a: v[0].exp(),
            b: v[1].exp(),
        },
        _ => return None,
    };
    let dist = Dist {
        family,
        min: None,
        max: None,
    };
    let valid = dist.check_parameters().is_ok() && dist.cdf(0.0).is_some_and(f64::is_finite);
    valid.then_some(dist)
}

/// The judgements as the user gave them: "10% = 12, 50% = 20, 90% = 45".
pub fn describe(judgements: &[Judgement]) -> String {
    judgements
        .iter()
        .map(|j| {
            format!(
                "{} = {}",
                crate::format::percent(j.p),
                crate::dist::fmt_num(j.x)
            )
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// The fits as text: the best first as a distribution, then each family's quantiles beside
/// the judgements'.
pub fn report(title: &str, judgements: &[Judgement], fits: &[Fit]) -> String {
    let Some(best) = fits.first() else {
        return format!(
            "{title}: {}\nNo family fits these judgements.\n",
            describe(judgements)
        );
    };
    let mut out = format!(
        "{title}: {}\nBest fit: {}  (sum of squared CDF differences {:.2e})\n\n",
        describe(judgements),
        best.dist,
        best.squares
    );
    let header: Vec<String> = judgements
        .iter()
        .map(|j| format!("{:>10}", crate::format::percent(j.p)))
        .collect();
    out += &format!(
        "{:<48} {:>9} {}\n",
        "distribution",
        "Σ(F−p)²",
        header.join("")
    );
    let given: Vec<String> = judgements
        .iter()
        .map(|j| format!("{:>10}", crate::dist::fmt_num(j.x)))
        .collect();
    out += &format!("{:<48} {:>9} {}\n", "(judged)", "", given.join(""));
    for fit in fits {
        let quantiles: Vec<String> = fit
            .quantiles
            .iter()
            .map(|q| format!("{:>10}", figure(*q)))
            .collect();
        out += &format!(
            "{:<48} {:>9.2e} {}\n",
            fit.dist.to_string(),
            fit.squares,
            quantiles.join("")
        );
    }
    out
}
