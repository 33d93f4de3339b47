//! The distribution language (MODEL.md §4): one parser for TOML strings, CSV cells and `--set`.
//!
//! A [`Dist`] is what the text says; a [`Sampler`] is a `Dist` checked against a parameter's
//! [`Domain`], ready to draw from. Keeping the two apart means the text a user wrote can always
//! be printed back (`Display` parses back to the same `Dist`), while every draw the engine makes
//! has passed the 0.1 % rule and is truncated by redraw, never clamped.

use std::fmt;

use rand::distr::Distribution as _;
use rand::Rng;
use statrs::distribution::{Beta, ContinuousCDF, LogNormal, Normal, Triangular, Uniform};
use statrs::statistics::Distribution as _;

/// The largest share of a distribution's probability that may fall outside its domain.
pub const MAX_OUTSIDE_DOMAIN: f64 = 0.001;

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
    fn check_parameters(&self) -> Result<(), DistError> {
        let all_finite = self.numbers().iter().all(|x| x.is_finite());
        if !all_finite {
            return Err(dist_error(
                "a number is not finite (nan or infinity)",
                "write an ordinary number such as 42 or 1.5m",
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

/// The set of values a parameter may take: `[low, high]`, or `(low, high]` when `low_open`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Domain {
    pub low: f64,
    pub low_open: bool,
    pub high: f64,
}

impl Domain {
    /// Any value ≥ 0 (counts, minutes, money).
    pub const NON_NEGATIVE: Domain = Domain {
        low: 0.0,
        low_open: false,
        high: f64::INFINITY,
    };
    /// A share in [0, 1].
    pub const SHARE: Domain = Domain {
        low: 0.0,
        low_open: false,
        high: 1.0,
    };
    /// Failure demand, [0, 0.99]: at 1 every contact would be failure demand.
    pub const FAILURE_SHARE: Domain = Domain {
        low: 0.0,
        low_open: false,
        high: 0.99,
    };
    /// A growth rate, > −1.
    pub const GROWTH: Domain = Domain {
        low: -1.0,
        low_open: true,
        high: f64::INFINITY,
    };
    /// Any real number.
    pub const ANY: Domain = Domain {
        low: f64::NEG_INFINITY,
        low_open: false,
        high: f64::INFINITY,
    };

    /// Whether `x` lies in the domain.
    pub fn contains(&self, x: f64) -> bool {
        let above = if self.low_open {
            x > self.low
        } else {
            x >= self.low
        };
        above && x <= self.high && x.is_finite()
    }

    fn fix_hint(&self) -> String {
        if *self == Domain::SHARE || *self == Domain::FAILURE_SHARE {
            "use pert or beta for a rate, or truncate explicitly with min=/max=".into()
        } else if *self == Domain::GROWTH {
            "growth must stay above −100%; narrow the distribution or add min=".into()
        } else if *self == Domain::NON_NEGATIVE {
            "this quantity cannot be negative: use pert, triangular, lognormal or `a to b`, or add min=0 to truncate".into()
        } else {
            "narrow the distribution or truncate it with min=/max=".into()
        }
    }
}

impl fmt::Display for Domain {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let open = if self.low_open { "(" } else { "[" };
        match (self.low.is_finite(), self.high.is_finite()) {
            (true, true) => write!(f, "{open}{}, {}]", fmt_num(self.low), fmt_num(self.high)),
            (true, false) if self.low_open => write!(f, "> {}", fmt_num(self.low)),
            (true, false) => write!(f, "≥ {}", fmt_num(self.low)),
            _ => write!(f, "any number"),
        }
    }
}

/// The continuous shape behind a family, with its CDF and sampler from statrs.
#[derive(Debug, Clone, Copy)]
enum Shape {
    Uniform(Uniform),
    Triangular(Triangular),
    Normal(Normal),
    LogNormal(LogNormal),
    /// A beta on [offset, offset + scale] (PERT and the beta family).
    Scaled {
        beta: Beta,
        offset: f64,
        scale: f64,
    },
}

impl Shape {
    fn cdf(&self, x: f64) -> f64 {
        match self {
            Shape::Uniform(d) => d.cdf(x),
            Shape::Triangular(d) => d.cdf(x),
            Shape::Normal(d) => d.cdf(x),
            Shape::LogNormal(d) => {
                if x <= 0.0 {
                    0.0
                } else {
                    d.cdf(x)
                }
            }
            Shape::Scaled {
                beta,
                offset,
                scale,
            } => {
                let z = (x - offset) / scale;
                if z <= 0.0 {
                    0.0
                } else if z >= 1.0 {
                    1.0
                } else {
                    beta.cdf(z)
                }
            }
        }
    }

    fn inverse_cdf(&self, p: f64) -> f64 {
        match self {
            Shape::Uniform(d) => d.inverse_cdf(p),
            Shape::Triangular(d) => d.inverse_cdf(p),
            Shape::Normal(d) => d.inverse_cdf(p),
            Shape::LogNormal(d) => d.inverse_cdf(p),
            Shape::Scaled {
                beta,
                offset,
                scale,
            } => offset + scale * beta.inverse_cdf(p),
        }
    }

    fn mean(&self) -> f64 {
        match self {
            Shape::Uniform(d) => d.mean().unwrap_or(f64::NAN),
            Shape::Triangular(d) => d.mean().unwrap_or(f64::NAN),
            Shape::Normal(d) => d.mean().unwrap_or(f64::NAN),
            Shape::LogNormal(d) => d.mean().unwrap_or(f64::NAN),
            Shape::Scaled {
                beta,
                offset,
                scale,
            } => offset + scale * beta.mean().unwrap_or(f64::NAN),
        }
    }

    #[inline]
    fn draw<R: Rng + ?Sized>(&self, rng: &mut R) -> f64 {
        match self {
            Shape::Uniform(d) => d.sample(rng),
            Shape::Triangular(d) => d.sample(rng),
            Shape::Normal(d) => d.sample(rng),
            Shape::LogNormal(d) => d.sample(rng),
            Shape::Scaled {
                beta,
                offset,
                scale,
            } => offset + scale * beta.sample(rng),
        }
    }
}

/// The bounds a sampler's draws must respect.
#[derive(Debug, Clone, Copy)]
struct Truncation {
    low: f64,
    high: f64,
    low_open: bool,
    cdf_low: f64,
    cdf_high: f64,
}

impl Truncation {
    #[inline]
    fn contains(&self, x: f64) -> bool {
        let above = if self.low_open {
            x > self.low
        } else {
            x >= self.low
        };
        above && x <= self.high
    }
}

/// A distribution checked against its domain: draws are truncated by redraw, never clamped.
#[derive(Debug, Clone, Copy)]
pub struct Sampler {
    shape: Option<Shape>,
    value: f64,
    truncation: Option<Truncation>,
}

impl Sampler {
    /// A sampler that always returns `value`.
    pub fn fixed(value: f64) -> Sampler {
        Sampler {
            shape: None,
            value,
            truncation: None,
        }
    }

    /// Whether every draw is the same value.
    pub fn is_fixed(&self) -> bool {
        self.shape.is_none()
    }

    /// One draw.
    #[inline]
    pub fn sample<R: Rng + ?Sized>(&self, rng: &mut R) -> f64 {
        let Some(shape) = &self.shape else {
            return self.value;
        };
        match &self.truncation {
            None => shape.draw(rng),
            Some(t) if t.cdf_high - t.cdf_low >= 0.5 => loop {
                let x = shape.draw(rng);
                if t.contains(x) {
                    return x;
                }
            },
            // Tight explicit truncation: invert the CDF on the kept interval instead of
            // redrawing many times. Same distribution, bounded cost.
            Some(t) => loop {
                let u: f64 = rand::RngExt::random(rng);
                let x = shape.inverse_cdf(t.cdf_low + u * (t.cdf_high - t.cdf_low));
                if t.contains(x) {
                    return x;
                }
            },
        }
    }

    /// Fills `out` with independent draws.
    pub fn fill<R: Rng + ?Sized>(&self, rng: &mut R, out: &mut [f64]) {
        match &self.shape {
            None => out.fill(self.value),
            Some(_) => out.iter_mut().for_each(|x| *x = self.sample(rng)),
        }
    }

    /// The `p`-quantile of the (truncated) distribution.
    pub fn quantile(&self, p: f64) -> f64 {
        let Some(shape) = &self.shape else {
            return self.value;
        };
        match &self.truncation {
            None => shape.inverse_cdf(p),
            Some(t) => shape
                .inverse_cdf(t.cdf_low + p * (t.cdf_high - t.cdf_low))
                .clamp(t.low, t.high),
        }
    }

    /// The mean of the (truncated) distribution: analytic when untruncated, otherwise the
    /// integral of the quantile function by the midpoint rule (error far below 0.1 %).
    pub fn mean(&self) -> f64 {
        let Some(shape) = &self.shape else {
            return self.value;
        };
        if self.truncation.is_none() {
            return shape.mean();
        }
        const STEPS: usize = 4000;
        (0..STEPS)
            .map(|i| self.quantile((i as f64 + 0.5) / STEPS as f64))
            .sum::<f64>()
            / STEPS as f64
    }
}

/// A recursive-descent parser for one distribution.
struct Parser<'a> {
    text: &'a str,
    pos: usize,
}

impl<'a> Parser<'a> {
    fn new(text: &'a str) -> Parser<'a> {
        Parser { text, pos: 0 }
    }

    fn rest(&self) -> &'a str {
        &self.text[self.pos..]
    }

    fn skip_space(&mut self) {
        let trimmed = self.rest().trim_start();
        self.pos = self.text.len() - trimmed.len();
    }

    fn error_here(&self, what: &str, fix: &str) -> DistError {
        let at = if self.pos >= self.text.len() {
            "at the end".to_string()
        } else {
            format!("at character {}", self.text[..self.pos].chars().count() + 1)
        };
        dist_error(format!("cannot read `{}`: {what} {at}", self.text), fix)
    }

    fn parse(mut self) -> Result<Dist, DistError> {
        self.skip_space();
        if self.rest().is_empty() {
            return Err(dist_error(
                "the distribution is empty",
                "write a number such as 42, or a distribution such as pert(10, 20, 45)",
            ));
        }
        let starts_with_letter = self.rest().starts_with(|c: char| c.is_ascii_alphabetic());
        let dist = if starts_with_letter {
            self.parse_call()?
        } else {
            let first = self.parse_number()?;
            self.skip_space();
            if self.rest().starts_with("to") {
                self.pos += 2;
                let second = self.parse_number()?;
                Dist {
                    family: Family::Range90 {
                        p5: first,
                        p95: second,
                    },
                    min: None,
                    max: None,
                }
            } else {
                Dist::fixed(first)
            }
        };
        self.skip_space();
        if !self.rest().is_empty() {
            return Err(self.error_here(
                "unexpected text",
                "a distribution is one number, `a to b`, or one family call such as pert(10, 20, 45)",
            ));
        }
        Ok(dist)
    }

    fn parse_identifier(&mut self) -> &'a str {
        let rest = self.rest();
        let len = rest
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or(rest.len());
        self.pos += len;
        &rest[..len]
    }

    fn parse_call(&mut self) -> Result<Dist, DistError> {
        let name = self.parse_identifier().to_ascii_lowercase();
        const FAMILIES: &str = "uniform, triangular, pert, normal, lognormal, beta";
        if !matches!(
            name.as_str(),
            "uniform" | "triangular" | "pert" | "normal" | "lognormal" | "beta" | "fixed"
        ) {
            let fix = if matches!(name.as_str(), "nan" | "inf" | "infinity") {
                "write an ordinary finite number".to_string()
            } else {
                format!("the families are {FAMILIES}; a fixed value is a plain number")
            };
            return Err(dist_error(
                format!(
                    "cannot read `{}`: `{name}` is not a distribution",
                    self.text
                ),
                fix,
            ));
        }
        self.skip_space();
        if !self.rest().starts_with('(') {
            return Err(self.error_here(
                "expected `(`",
                &format!("write {name}(…) with its arguments in brackets"),
            ));
        }
        self.pos += 1;
        let (positional, named) = self.parse_arguments(&name)?;
        build_family(&name, &positional, &named).map_err(|e| DistError {
            problem: format!("cannot read `{}`: {}", self.text, e.problem),
            fix: e.fix,
        })
    }

    #[allow(clippy::type_complexity)]
    fn parse_arguments(&mut self, name: &str) -> Result<(Vec<f64>, Vec<(String, f64)>), DistError> {
        let mut positional = Vec::new();
        let mut named: Vec<(String, f64)> = Vec::new();
        loop {
            self.skip_space();
            if self.rest().starts_with(')') && positional.is_empty() && named.is_empty() {
                self.pos += 1;
                break;
            }
            if self.rest().starts_with(|c: char| c.is_ascii_alphabetic()) {
                let key = self.parse_identifier().to_ascii_lowercase();
                self.skip_space();
                if !self.rest().starts_with('=') {
                    return Err(self.error_here(
                        &format!("expected `=` after `{key}`"),
                        "named arguments are written like sd=5",
                    ));
                }
                self.pos += 1;
                let value = self.parse_number()?;
                if named.iter().any(|(k, _)| *k == key) {
                    return Err(self.error_here(
                        &format!("`{key}=` is given twice"),
                        "give each named argument once",
                    ));
                }
                named.push((key, value));
            } else {
                if !named.is_empty() {
                    return Err(self.error_here(
                        "a plain argument follows a named one",
                        "put plain arguments first, then named ones such as min=0",
                    ));
                }
                positional.push(self.parse_number()?);
            }
            self.skip_space();
            match self.rest().chars().next() {
                Some(',') => self.pos += 1,
                Some(')') => {
                    self.pos += 1;
                    break;
                }
                _ => {
                    return Err(self.error_here(
                        "expected `,` or `)`",
                        &format!("close the brackets, e.g. {name}(…)"),
                    ))
                }
            }
        }
        Ok((positional, named))
    }

    /// A number with optional `£`, `_` separators, exponent and suffix (k, m, bn, %).
    fn parse_number(&mut self) -> Result<f64, DistError> {
        self.skip_space();
        let rest = self.rest();
        let mut chars = rest.char_indices().peekable();
        let mut digits = String::new();
        let mut end = 0;
        if let Some(&(_, c)) = chars.peek() {
            if c == '-' || c == '+' || c == '−' {
                digits.push(if c == '+' { '+' } else { '-' });
                chars.next();
                end = c.len_utf8();
            }
        }
        if let Some(&(i, '£')) = chars.peek() {
            chars.next();
            end = i + '£'.len_utf8();
        }
        let mut seen_digit = false;
        let mut prev_e = false;
        while let Some(&(i, c)) = chars.peek() {
            let accept = c.is_ascii_digit()
                || c == '.'
                || (c == '_' && seen_digit)
                || ((c == 'e' || c == 'E') && seen_digit && !prev_e && is_exponent(&rest[i..]))
                || ((c == '-' || c == '+') && prev_e);
            if !accept {
                break;
            }
            seen_digit |= c.is_ascii_digit();
            prev_e = c == 'e' || c == 'E';
            if c != '_' {
                digits.push(c);
            }
            chars.next();
            end = i + c.len_utf8();
        }
        if !seen_digit {
            return Err(self.error_here(
                "expected a number",
                "numbers look like 42, 1.5, 35%, 1.5k, 2m or 3bn",
            ));
        }
        let value: f64 = digits.parse().map_err(|_| {
            self.error_here(
                &format!("`{}` is not a number", &rest[..end]),
                "numbers look like 42, 1.5, 35%, 1.5k, 2m or 3bn",
            )
        })?;
        self.pos += end;
        let (scale, suffix_len) = suffix(self.rest());
        self.pos += suffix_len;
        let x = scale.apply(value);
        if !x.is_finite() {
            return Err(self.error_here("the number is too large", "write a finite number"));
        }
        Ok(x)
    }
}

fn is_exponent(s: &str) -> bool {
    let after = &s[1..];
    let after = after.strip_prefix(['-', '+']).unwrap_or(after);
    after.starts_with(|c: char| c.is_ascii_digit())
}

/// How a number suffix scales the number.
#[derive(Clone, Copy)]
enum Scale {
    Times(f64),
    /// `%`: divided by 100, which is exact where multiplying by 0.01 is not.
    Percent,
}

impl Scale {
    fn apply(self, x: f64) -> f64 {
        match self {
            Scale::Times(m) => x * m,
            Scale::Percent => x / 100.0,
        }
    }
}

/// The scale of a number suffix and its length; a suffix must not run into more letters.
fn suffix(s: &str) -> (Scale, usize) {
    let lower = s.to_ascii_lowercase();
    let word_ends = |n: usize| !lower[n..].starts_with(|c: char| c.is_ascii_alphanumeric());
    if lower.starts_with('%') {
        (Scale::Percent, 1)
    } else if lower.starts_with("bn") && word_ends(2) {
        (Scale::Times(1e9), 2)
    } else if lower.starts_with('k') && word_ends(1) {
        (Scale::Times(1e3), 1)
    } else if lower.starts_with('m') && word_ends(1) {
        (Scale::Times(1e6), 1)
    } else {
        (Scale::Times(1.0), 0)
    }
}

/// Builds a family from its call arguments.
fn build_family(
    name: &str,
    positional: &[f64],
    named: &[(String, f64)],
) -> Result<Dist, DistError> {
    let mut min = None;
    let mut max = None;
    let mut shape_named: Vec<(&str, f64)> = Vec::new();
    for (key, value) in named {
        match key.as_str() {
            "min" => min = Some(*value),
            "max" => max = Some(*value),
            other => shape_named.push((other, *value)),
        }
    }
    if let Some((key, _)) = shape_named
        .iter()
        .find(|(k, _)| !matches!(*k, "mean" | "sd"))
    {
        return Err(dist_error(
            format!("`{key}=` is not an argument of {name}"),
            "the named arguments are min= and max= (every family), and mean=, sd= for lognormal, beta and normal",
        ));
    }
    let get = |key: &str| shape_named.iter().find(|(k, _)| *k == key).map(|(_, v)| *v);
    let expect = |n: usize, usage: &str| -> Result<(), DistError> {
        if positional.len() != n || !shape_named.is_empty() {
            let got = positional.len() + shape_named.len();
            return Err(dist_error(
                format!("{name} takes {n} arguments, got {got}"),
                format!("write {usage}"),
            ));
        }
        Ok(())
    };
    let family = match name {
        "fixed" => {
            expect(1, "fixed(value), or simply the number")?;
            Family::Fixed(positional[0])
        }
        "uniform" => {
            expect(2, "uniform(low, high)")?;
            Family::Uniform {
                low: positional[0],
                high: positional[1],
            }
        }
        "triangular" | "pert" => {
            expect(3, &format!("{name}(min, mode, max)"))?;
            let (min, mode, max) = (positional[0], positional[1], positional[2]);
            if name == "pert" {
                Family::Pert { min, mode, max }
            } else {
                Family::Triangular { min, mode, max }
            }
        }
        "normal" => match (positional.len(), get("mean"), get("sd")) {
            (2, None, None) if shape_named.is_empty() => Family::Normal {
                mean: positional[0],
                sd: positional[1],
            },
            (0, Some(mean), Some(sd)) if shape_named.len() == 2 => Family::Normal { mean, sd },
            _ => {
                return Err(dist_error(
                    "normal takes a mean and an sd",
                    "write normal(mean, sd), e.g. normal(20, 5), optionally with min=/max=",
                ))
            }
        },
        "lognormal" => match (positional.len(), get("mean"), get("sd")) {
            (0, Some(mean), Some(sd)) if shape_named.len() == 2 => Family::LogNormal { mean, sd },
            _ => {
                return Err(dist_error(
                    "lognormal takes mean= and sd= (of the quantity itself)",
                    "write lognormal(mean=8, sd=3), or `a to b` for a 90% range",
                ))
            }
        },
        "beta" => match (positional.len(), get("mean"), get("sd")) {
            (2, None, None) if shape_named.is_empty() => Family::Beta {
                a: positional[0],
                b: positional[1],
            },
            (0, Some(mean), Some(sd)) if shape_named.len() == 2 => Family::BetaMeanSd { mean, sd },
            _ => {
                return Err(dist_error(
                    "beta takes two shapes or mean= and sd=",
                    "write beta(6, 10) or beta(mean=35%, sd=5%)",
                ))
            }
        },
        _ => unreachable!("family names are checked before building"),
    };
    Ok(Dist { family, min, max })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(s: &str) -> Dist {
        Dist::parse(s).unwrap_or_else(|e| panic!("{s}: {e}"))
    }

    #[test]
    fn suffixes_scale_numbers() {
        assert_eq!(parse("42").fixed_value(), Some(42.0));
        assert_eq!(parse("1.5k").fixed_value(), Some(1500.0));
        assert_eq!(parse("2m").fixed_value(), Some(2e6));
        assert_eq!(parse("3bn").fixed_value(), Some(3e9));
        assert_eq!(parse("35%").fixed_value(), Some(0.35));
        assert_eq!(parse("£1_200").fixed_value(), Some(1200.0));
        assert_eq!(parse("-2.5e-1").fixed_value(), Some(-0.25));
    }

    #[test]
    fn families_parse_and_print_back() {
        for text in [
            "uniform(28, 36)",
            "triangular(15, 25, 60)",
            "pert(10, 20, 45)",
            "normal(30, 6)",
            "normal(20, 5, min=0)",
            "lognormal(mean=8, sd=3)",
            "180000 to 260000",
            "beta(6, 10)",
            "beta(mean=0.35, sd=0.05)",
            "pert(0.1, 0.2, 0.3, min=0.12, max=0.28)",
        ] {
            let d = parse(text);
            assert_eq!(d.to_string(), text);
            assert_eq!(parse(&d.to_string()), d);
        }
    }

    #[test]
    fn errors_say_what_and_how_to_fix() {
        let cases = [
            ("pert(10, 50, 20)", "mode 50 lies outside"),
            ("beta(mean=0.5, sd=0.6)", "infeasible"),
            ("pert(10, 20", "expected `,` or `)`"),
            ("gamma(2, 3)", "not a distribution"),
            ("", "empty"),
            ("uniform(3, 1)", "low < high"),
            ("normal(1, 0)", "sd > 0"),
            ("5 to 2", "0 < a < b"),
            ("lognormal(8, 3)", "mean= and sd="),
            ("pert(1, 2, 3, foo=4)", "not an argument"),
            ("nan", "not a distribution"),
            ("1e400", "too large"),
            ("12 apples", "unexpected text"),
        ];
        for (text, fragment) in cases {
            let err = Dist::parse(text).expect_err(text);
            assert!(err.problem.contains(fragment), "{text}: {}", err.problem);
            assert!(!err.fix.is_empty());
        }
    }

    #[test]
    fn domain_rule_refuses_and_truncates() {
        let err = parse("normal(0.3, 0.2)")
            .sampler(Domain::SHARE)
            .unwrap_err();
        assert!(err.problem.contains("6.7%"), "{}", err.problem);
        assert!(parse("normal(0.3, 0.2, min=0, max=1)")
            .sampler(Domain::SHARE)
            .is_ok());
        // 0.0317 % below zero: accepted, and truncated by redraw.
        let s = parse("normal(10, 2.9)")
            .sampler(Domain::NON_NEGATIVE)
            .unwrap();
        assert!(s.quantile(0.0) >= 0.0);
        assert!(parse("-5").sampler(Domain::NON_NEGATIVE).is_err());
        assert!(parse("-1").sampler(Domain::GROWTH).is_err());
    }
}
