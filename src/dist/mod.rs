//! The distribution language (docs/method.md §4): one parser for TOML strings, CSV cells and `--set`.
//!
//! A [`Dist`] is what the text says; a [`Sampler`] is a `Dist` checked against a parameter's
//! [`Domain`], ready to draw from. Keeping the two apart means the text a user wrote can always
//! be printed back (`Display` parses back to the same `Dist`), while every draw the engine makes
//! has passed the 0.1 % rule and is truncated by redraw, never clamped.

mod inversion;
mod parse;
mod sampler;
#[cfg(test)]
mod tests;

use std::fmt;

pub use inversion::Inversion;
use parse::Parser;
pub use sampler::{Domain, Sampler};
use sampler::{Shape, Truncation};

use statrs::distribution::{Beta, LogNormal, Normal, Triangular, Uniform};

/// The largest share of a distribution's probability that may fall outside its domain.
pub const MAX_OUTSIDE_DOMAIN: f64 = 0.001;

/// The largest magnitude of any number in a distribution: ±10¹⁵.
pub const MAX_MAGNITUDE: f64 = 1e15;

/// The range of beta shape parameters seams samples accurately and in bounded time.
pub const BETA_SHAPES: (f64, f64) = (0.1, 1e6);

/// The z-score of the 95th percentile, used by the `a to b` form.
const Z95: f64 = 1.644_853_626_951_472_2;

/// A distribution family with its parameters, exactly as written.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Family {
    Fixed(f64),
    Uniform {
        low: f64,
        high: f64,
    },
    Triangular {
        min: f64,
        mode: f64,
        max: f64,
    },
    Pert {
        min: f64,
        mode: f64,
        max: f64,
    },
    Normal {
        mean: f64,
        sd: f64,
    },
    LogNormal {
        mean: f64,
        sd: f64,
    },
    /// `a to b`: a lognormal whose 5th and 95th percentiles are `p5` and `p95`.
    Range90 {
        p5: f64,
        p95: f64,
    },
    Beta {
        a: f64,
        b: f64,
    },
    BetaMeanSd {
        mean: f64,
        sd: f64,
    },
}

/// A parsed distribution: a family and an optional explicit truncation (`min=`, `max=`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Dist {
    pub family: Family,
    pub min: Option<f64>,
    pub max: Option<f64>,
}

/// Why a distribution's text could not be read, with a fix for the user.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{problem}")]
pub struct DistError {
    pub problem: String,
    pub fix: String,
}

fn dist_error(problem: impl Into<String>, fix: impl Into<String>) -> DistError {
    DistError {
        problem: problem.into(),
        fix: fix.into(),
    }
}

impl Dist {
    /// A fixed value.
    pub fn fixed(value: f64) -> Dist {
        Dist {
            family: Family::Fixed(value),
            min: None,
            max: None,
        }
    }

    /// A fixed value written as a bare number (a TOML number), checked as the language checks
    /// a number in text: finite, and within ±[`MAX_MAGNITUDE`].
    ///
    /// # Errors
    /// A [`DistError`] for a number out of range.
    pub fn fixed_checked(value: f64) -> Result<Dist, DistError> {
        let dist = Dist::fixed(value);
        dist.check_parameters()?;
        Ok(dist)
    }

    /// The same distribution with every value multiplied by `factor` (> 0): a price-year
    /// conversion. Every family scales linearly (a beta is a share, never a price: unchanged).
    pub fn scaled(&self, factor: f64) -> Dist {
        let f = factor;
        let family = match self.family {
            Family::Fixed(x) => Family::Fixed(x * f),
            Family::Uniform { low, high } => Family::Uniform {
                low: low * f,
                high: high * f,
            },
            Family::Triangular { min, mode, max } => Family::Triangular {
                min: min * f,
                mode: mode * f,
                max: max * f,
            },
            Family::Pert { min, mode, max } => Family::Pert {
                min: min * f,
                mode: mode * f,
                max: max * f,
            },
            Family::Normal { mean, sd } => Family::Normal {
                mean: mean * f,
                sd: sd * f,
            },
            Family::LogNormal { mean, sd } => Family::LogNormal {
                mean: mean * f,
                sd: sd * f,
            },
            Family::Range90 { p5, p95 } => Family::Range90 {
                p5: p5 * f,
                p95: p95 * f,
            },
            beta @ (Family::Beta { .. } | Family::BetaMeanSd { .. }) => beta,
        };
        Dist {
            family,
            min: self.min.map(|x| x * f),
            max: self.max.map(|x| x * f),
        }
    }

    /// The same distribution with every parameter to four significant figures (as a fit is
    /// printed).
    pub fn rounded(&self) -> Dist {
        let r = round_significant;
        let family = match self.family {
            Family::Fixed(x) => Family::Fixed(r(x)),
            Family::Uniform { low, high } => Family::Uniform {
                low: r(low),
                high: r(high),
            },
            Family::Triangular { min, mode, max } => Family::Triangular {
                min: r(min),
                mode: r(mode),
                max: r(max),
            },
            Family::Pert { min, mode, max } => Family::Pert {
                min: r(min),
                mode: r(mode),
                max: r(max),
            },
            Family::Normal { mean, sd } => Family::Normal {
                mean: r(mean),
                sd: r(sd),
            },
            Family::LogNormal { mean, sd } => Family::LogNormal {
                mean: r(mean),
                sd: r(sd),
            },
            Family::Range90 { p5, p95 } => Family::Range90 {
                p5: r(p5),
                p95: r(p95),
            },
            Family::Beta { a, b } => Family::Beta { a: r(a), b: r(b) },
            Family::BetaMeanSd { mean, sd } => Family::BetaMeanSd {
                mean: r(mean),
                sd: r(sd),
            },
        };
        Dist { family, ..*self }
    }

    /// Parses the distribution language, e.g. `pert(10, 20, 45)` or `35%`.
    ///
    /// # Errors
    /// A [`DistError`] saying what is wrong with the text and how to write it instead.
    pub fn parse(text: &str) -> Result<Dist, DistError> {
        let dist = Parser::new(text).parse()?;
        dist.check_parameters()?;
        Ok(dist)
    }

    /// The value when the distribution is a fixed number.
    pub fn fixed_value(&self) -> Option<f64> {
        match self.family {
            Family::Fixed(v) => Some(v),
            _ => None,
        }
    }

    /// Checks each family's parameters (ordering, positivity, feasibility).
    pub(crate) fn check_parameters(&self) -> Result<(), DistError> {
        let all_finite = self.numbers().iter().all(|x| x.is_finite());
        if !all_finite {
            return Err(dist_error(
                "a number is not finite (nan or infinity)",
                "write an ordinary number such as 42 or 1.5m",
            ));
        }
        if let Some(x) = self.numbers().into_iter().find(|x| x.abs() > MAX_MAGNITUDE) {
            return Err(dist_error(
                format!(
                    "{} is beyond ±10¹⁵, the largest magnitude seams accepts: no count, minute or pound in a public service comes near it, and figures that large overflow once multiplied",
                    fmt_num(x)
                ),
                "check the units (k = thousand, m = million, bn = billion); the figure is probably mistyped",
            ));
        }
        match self.family {
            Family::Fixed(_) => {}
            Family::Uniform { low, high } => {
                if low >= high {
                    return Err(dist_error(
                        format!("uniform needs low < high, got low = {low} and high = {high}"),
                        "write uniform(low, high) with the smaller number first, or a plain number for a fixed value",
                    ));
                }
            }
            Family::Triangular { min, mode, max } | Family::Pert { min, mode, max } => {
                let name = self.family_name();
                if min >= max {
                    return Err(dist_error(
                        format!("{name} needs min < max, got min = {min} and max = {max}"),
                        format!("write {name}(min, mode, max) with min below max, or a plain number for a fixed value"),
                    ));
                }
                if mode < min || mode > max {
                    let [a, b, c] = sorted3(min, mode, max).map(fmt_num);
                    return Err(dist_error(
                        format!("{name}(min, mode, max): the mode {mode} lies outside {min}…{max}"),
                        format!("the arguments are in the order min, mode, max: did you mean {name}({a}, {b}, {c})?"),
                    ));
                }
            }
            Family::Normal { sd, .. } => positive_sd("normal", sd)?,
            Family::LogNormal { mean, sd } => {
                positive_sd("lognormal", sd)?;
                if mean <= 0.0 {
                    return Err(dist_error(
                        format!("lognormal needs mean > 0, got {mean}"),
                        "a lognormal is for positive quantities; use normal for one that can be negative",
                    ));
                }
            }
            Family::Range90 { p5, p95 } => {
                if p5 <= 0.0 || p95 <= p5 {
                    return Err(dist_error(
                        format!("`a to b` needs 0 < a < b, got a = {p5} and b = {p95}"),
                        "`a to b` is a lognormal with 5th percentile a and 95th percentile b; use uniform(a, b) or normal for values that can be 0 or negative",
                    ));
                }
            }
            Family::Beta { a, b } => {
                if a <= 0.0 || b <= 0.0 {
                    return Err(dist_error(
                        format!("beta(a, b) needs a > 0 and b > 0, got a = {a} and b = {b}"),
                        "give two positive shape parameters, or beta(mean=…, sd=…)",
                    ));
                }
                check_beta_shapes(a, b, "")?;
            }
            Family::BetaMeanSd { mean, sd } => {
                positive_sd("beta", sd)?;
                if mean <= 0.0 || mean >= 1.0 {
                    return Err(dist_error(
                        format!("beta(mean=…, sd=…) needs 0 < mean < 1, got mean = {mean}"),
                        "write the mean as a share, e.g. mean=35%",
                    ));
                }
                let limit = (mean * (1.0 - mean)).sqrt();
                if sd >= limit {
                    return Err(dist_error(
                        format!("beta(mean={mean}, sd={sd}) is infeasible: a beta with mean {mean} must have sd < {}", fmt_num(limit)),
                        format!("choose sd below {} (sd² < mean·(1−mean)), or use another family", fmt_num(limit)),
                    ));
                }
                let nu = mean * (1.0 - mean) / (sd * sd) - 1.0;
                check_beta_shapes(mean * nu, (1.0 - mean) * nu, " (from this mean and sd)")?;
            }
        }
        if let (Some(lo), Some(hi)) = (self.min, self.max) {
            if lo >= hi {
                return Err(dist_error(
                    format!("the truncation min={lo} is not below max={hi}"),
                    "give min= smaller than max=",
                ));
            }
        }
        if let Some(v) = self.fixed_value() {
            if self.min.is_some_and(|lo| v < lo) || self.max.is_some_and(|hi| v > hi) {
                return Err(dist_error(
                    format!("the fixed value {v} lies outside its own min=/max="),
                    "drop min=/max= or change the value",
                ));
            }
        }
        Ok(())
    }

    fn numbers(&self) -> Vec<f64> {
        let mut v = match self.family {
            Family::Fixed(x) => vec![x],
            Family::Uniform { low, high } => vec![low, high],
            Family::Triangular { min, mode, max } | Family::Pert { min, mode, max } => {
                vec![min, mode, max]
            }
            Family::Normal { mean, sd }
            | Family::LogNormal { mean, sd }
            | Family::BetaMeanSd { mean, sd } => vec![mean, sd],
            Family::Range90 { p5, p95 } => vec![p5, p95],
            Family::Beta { a, b } => vec![a, b],
        };
        v.extend(self.min);
        v.extend(self.max);
        v
    }

    /// The family's name as written in the language.
    pub fn family_name(&self) -> &'static str {
        match self.family {
            Family::Fixed(_) => "fixed",
            Family::Uniform { .. } => "uniform",
            Family::Triangular { .. } => "triangular",
            Family::Pert { .. } => "pert",
            Family::Normal { .. } => "normal",
            Family::LogNormal { .. } => "lognormal",
            Family::Range90 { .. } => "to",
            Family::Beta { .. } | Family::BetaMeanSd { .. } => "beta",
        }
    }

    /// The probability of a value at or below `x`, ignoring any `min=`/`max=` (`None` for a
    /// fixed value or parameters no distribution has).
    pub fn cdf(&self, x: f64) -> Option<f64> {
        self.shape().map(|shape| shape.cdf(x))
    }

    /// The logarithm of the density at `x`, ignoring any `min=`/`max=` (`None` for a fixed
    /// value); −∞ outside the support.
    pub fn ln_pdf(&self, x: f64) -> Option<f64> {
        self.shape().map(|shape| shape.ln_pdf(x))
    }

    /// The untruncated continuous distribution behind the family (`None` for a fixed value).
    fn shape(&self) -> Option<Shape> {
        // Parameters were checked by `check_parameters`, so the constructors cannot fail; a
        // failure would still surface as `None` rather than a panic.
        Some(match self.family {
            Family::Fixed(_) => return None,
            Family::Uniform { low, high } => Shape::Uniform(Uniform::new(low, high).ok()?),
            Family::Triangular { min, mode, max } => {
                Shape::Triangular(Triangular::new(min, max, mode).ok()?)
            }
            Family::Pert { min, mode, max } => {
                let range = max - min;
                let alpha = 1.0 + 4.0 * (mode - min) / range;
                let beta = 1.0 + 4.0 * (max - mode) / range;
                Shape::Scaled {
                    beta: Beta::new(alpha, beta).ok()?,
                    offset: min,
                    scale: range,
                }
            }
            Family::Normal { mean, sd } => Shape::Normal(Normal::new(mean, sd).ok()?),
            Family::LogNormal { mean, sd } => {
                let sigma2 = (1.0 + (sd / mean).powi(2)).ln();
                Shape::LogNormal(LogNormal::new(mean.ln() - sigma2 / 2.0, sigma2.sqrt()).ok()?)
            }
            Family::Range90 { p5, p95 } => {
                let mu = (p5.ln() + p95.ln()) / 2.0;
                let sigma = (p95.ln() - p5.ln()) / (2.0 * Z95);
                Shape::LogNormal(LogNormal::new(mu, sigma).ok()?)
            }
            Family::Beta { a, b } => Shape::Scaled {
                beta: Beta::new(a, b).ok()?,
                offset: 0.0,
                scale: 1.0,
            },
            Family::BetaMeanSd { mean, sd } => {
                let nu = mean * (1.0 - mean) / (sd * sd) - 1.0;
                Shape::Scaled {
                    beta: Beta::new(mean * nu, (1.0 - mean) * nu).ok()?,
                    offset: 0.0,
                    scale: 1.0,
                }
            }
        })
    }

    /// Checks the distribution against a parameter's domain and prepares it for sampling.
    ///
    /// # Errors
    /// When more than [`MAX_OUTSIDE_DOMAIN`] of the probability lies outside the domain (or
    /// outside the explicit `min=`/`max=`), with the share outside and a fix.
    pub fn sampler(&self, domain: Domain) -> Result<Sampler, DistError> {
        let lo = domain.low.max(self.min.unwrap_or(f64::NEG_INFINITY));
        let hi = domain.high.min(self.max.unwrap_or(f64::INFINITY));
        let Some(shape) = self.shape() else {
            let v = self.fixed_value().unwrap_or(f64::NAN);
            if !domain.contains(v) {
                return Err(dist_error(
                    format!(
                        "the value {} lies outside the parameter's domain {domain}",
                        fmt_num(v)
                    ),
                    domain.fix_hint(),
                ));
            }
            return Ok(Sampler::fixed(v));
        };
        let explicit_lo = self.min.unwrap_or(f64::NEG_INFINITY);
        let explicit_hi = self.max.unwrap_or(f64::INFINITY);
        let explicit_mass = shape.cdf(explicit_hi) - shape.cdf(explicit_lo);
        if explicit_mass <= 1e-9 {
            return Err(dist_error(
                "the truncation min=/max= leaves (almost) none of the distribution's probability",
                "widen min=/max= or move the distribution inside them",
            ));
        }
        let mass = (shape.cdf(hi) - shape.cdf(lo)).max(0.0);
        let outside = 1.0 - mass / explicit_mass;
        if outside > MAX_OUTSIDE_DOMAIN {
            return Err(dist_error(
                format!(
                    "{} of its probability lies outside the parameter's domain {domain} (at most 0.1% may)",
                    fmt_share(outside)
                ),
                domain.fix_hint(),
            ));
        }
        let truncated = shape.cdf(lo) > 0.0 || shape.cdf(hi) < 1.0;
        let truncation = truncated.then_some(Truncation {
            low: lo,
            high: hi,
            low_open: domain.low_open && lo == domain.low,
            cdf_low: shape.cdf(lo),
            cdf_high: shape.cdf(hi),
        });
        Ok(Sampler {
            shape: Some(shape),
            value: 0.0,
            truncation,
        })
    }
}

/// Refuses beta shapes outside [`BETA_SHAPES`]: below it, draws underflow to exactly 0 or 1
/// (and to 0/0); above it, the distribution is all but fixed and its CDF too slow to evaluate.
fn check_beta_shapes(a: f64, b: f64, how: &str) -> Result<(), DistError> {
    let (low, high) = BETA_SHAPES;
    if [a, b].iter().all(|s| (low..=high).contains(s)) {
        return Ok(());
    }
    let fix = if a.min(b) < low {
        "a beta this U-shaped puts nearly everything at exactly 0 or 1: use a wider-spread family such as uniform(0, 1), or a larger sd-to-mean gap"
    } else {
        "a beta this narrow is all but a fixed value: write the value itself, or a pert or normal with a realistic spread"
    };
    Err(dist_error(
        format!(
            "the beta's shapes{how} are a = {} and b = {}; seams samples betas with shapes from {} to {}",
            fmt_num(a),
            fmt_num(b),
            fmt_num(low),
            fmt_num(high)
        ),
        fix,
    ))
}

fn sorted3(a: f64, b: f64, c: f64) -> [f64; 3] {
    let mut v = [a, b, c];
    v.sort_by(f64::total_cmp);
    v
}

fn positive_sd(name: &str, sd: f64) -> Result<(), DistError> {
    if sd <= 0.0 {
        return Err(dist_error(
            format!("{name} needs sd > 0, got {sd}"),
            "give a positive sd, or a plain number for a fixed value",
        ));
    }
    Ok(())
}

/// A share as a percentage with enough digits to be non-zero, e.g. `6.7%` or `0.02%`.
pub fn fmt_share(share: f64) -> String {
    let pct = share * 100.0;
    if pct >= 10.0 {
        format!("{pct:.0}%")
    } else if pct >= 1.0 {
        format!("{pct:.1}%")
    } else {
        format!("{pct:.2}%")
    }
}

/// `x` rounded to four significant figures.
pub fn round_significant(x: f64) -> f64 {
    if x == 0.0 || !x.is_finite() {
        return x;
    }
    let scale = 10f64.powi(3 - x.abs().log10().floor() as i32);
    (x * scale).round() / scale
}

/// A number printed so that it parses back exactly: the shortest round-trip form.
pub fn fmt_num(x: f64) -> String {
    if x == 0.0 {
        return "0".to_string();
    }
    // Very large or very small numbers in exponent form, which also reads back exactly.
    if x.abs() >= 1e15 || x.abs() < 1e-5 {
        return format!("{x:e}");
    }
    format!("{x}")
}

impl fmt::Display for Dist {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = fmt_num;
        let args = match self.family {
            Family::Fixed(v) => {
                if self.min.is_none() && self.max.is_none() {
                    return write!(f, "{}", n(v));
                }
                // A fixed value with truncation keeps the truncation only to round-trip.
                format!("fixed({}", n(v))
            }
            Family::Range90 { p5, p95 } => return write!(f, "{} to {}", n(p5), n(p95)),
            Family::Uniform { low, high } => format!("uniform({}, {}", n(low), n(high)),
            Family::Triangular { min, mode, max } => {
                format!("triangular({}, {}, {}", n(min), n(mode), n(max))
            }
            Family::Pert { min, mode, max } => format!("pert({}, {}, {}", n(min), n(mode), n(max)),
            Family::Normal { mean, sd } => format!("normal({}, {}", n(mean), n(sd)),
            Family::LogNormal { mean, sd } => format!("lognormal(mean={}, sd={}", n(mean), n(sd)),
            Family::Beta { a, b } => format!("beta({}, {}", n(a), n(b)),
            Family::BetaMeanSd { mean, sd } => format!("beta(mean={}, sd={}", n(mean), n(sd)),
        };
        f.write_str(&args)?;
        if let Some(lo) = self.min {
            write!(f, ", min={}", n(lo))?;
        }
        if let Some(hi) = self.max {
            write!(f, ", max={}", n(hi))?;
        }
        f.write_str(")")
    }
}
