//! Which assumptions drive the answer: tornado sensitivity from the run's own samples, and
//! Green Book switching values from the base case.
//!
//! Sensitivity needs no extra runs: for each uncertain input and each headline output (the
//! annual cost of disjointedness, each option's NPSV) it takes the Spearman rank correlation
//! over the iterations, and the swing: the output's mean where the input is at or below its own
//! P10, against where it is at or above its P90.
//!
//! Switching values hold every input at its mean (the base case) and find, by bisection within
//! the input's domain, the value of one input at which an option's NPSV crosses zero.

use rayon::prelude::*;

use crate::engine::eval::{self, Layout, Scratch};
use crate::engine::{self, CancelToken, Outcome};
use crate::error::{Error, Result};
use crate::outputs::Metric;
use crate::scenario::Model;

/// The name of the cost output in `sensitivity.csv`.
pub const COST_OUTPUT: &str = "cost_of_disjointedness";

/// One input's influence on one output.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Driver {
    pub input: String,
    pub spearman: f64,
    /// The input's first-order share of the output's variance: the variance of the output's
    /// means within equal-probability classes of the input, over the output's variance
    /// (bias-corrected, so an input with no effect reads about 0).
    pub variance_share: f64,
    pub mean_when_low: f64,
    pub mean_when_high: f64,
    pub swing: f64,
}

/// The drivers of one output, largest |swing| first.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Tornado {
    /// `cost_of_disjointedness` or `npsv.OPTION`.
    pub output: String,
    /// A readable title, e.g. the option's name.
    pub title: String,
    /// The output's mean over all iterations.
    pub mean: f64,
    pub drivers: Vec<Driver>,
}

/// Tornado sensitivity for every headline output.
pub fn tornadoes(model: &Model, outcome: &Outcome) -> Vec<Tornado> {
    let Some(samples) = &outcome.samples else {
        return Vec::new();
    };
    let layout = &outcome.layout;
    let mut wanted = vec![(
        COST_OUTPUT.to_string(),
        "Annual cost of disjointedness".to_string(),
        engine::total_disjointed(layout),
    )];
    for (o, option) in model.options.iter().enumerate() {
        wanted.push((
            format!("npsv.{}", option.id),
            option.name.clone(),
            layout.appraisal(o, Metric::Npsv),
        ));
    }
    let outputs: Vec<(String, String, &[f64])> = wanted
        .into_iter()
        .filter_map(|(output, title, k)| Some((output, title, samples.output(k)?)))
        .collect();
    let output_ranks: Vec<Vec<f32>> = outputs
        .par_iter()
        .map(|(_, _, values)| ranks(values))
        .collect();
    let means: Vec<f64> = outputs
        .iter()
        .map(|(_, _, v)| v.iter().sum::<f64>() / v.len().max(1) as f64)
        .collect();
    // Each input is ranked once, then compared with every output in one pass.
    let targets: Vec<Target> = outputs
        .iter()
        .zip(&output_ranks)
        .zip(&means)
        .map(|(((_, _, values), ranks), &mean)| Target {
            values,
            ranks,
            mean,
        })
        .collect();
    let per_input: Vec<Vec<Driver>> = samples
        .inputs()
        .par_iter()
        .map(|&(id, c)| {
            let draws = samples.input_column(c);
            let (input_ranks, low, high) = ranks_and_deciles(draws);
            drivers(
                &model.inputs[id].key,
                draws,
                &input_ranks,
                (low, high),
                &targets,
            )
        })
        .collect();
    outputs
        .iter()
        .enumerate()
        .map(|(o, (output, title, _))| {
            let mut drivers: Vec<Driver> = per_input.iter().map(|d| d[o].clone()).collect();
            drivers.sort_by(|a, b| {
                b.swing
                    .abs()
                    .total_cmp(&a.swing.abs())
                    .then_with(|| a.input.cmp(&b.input))
            });
            Tornado {
                output: output.clone(),
                title: title.clone(),
                mean: means[o],
                drivers,
            }
        })
        .collect()
}

/// An output that inputs are compared with: its values, their ranks and its mean.
struct Target<'a> {
    values: &'a [f64],
    ranks: &'a [f32],
    mean: f64,
}

/// Equal-probability classes of an input for its share of an output's variance: 50, or one
/// per hundred iterations in a shorter run (at least 2).
fn variance_classes(n: usize) -> usize {
    (n / 100).clamp(2, 50)
}

/// Running sums for one input against one output.
#[derive(Clone, Copy, Default)]
struct Sums {
    xy: f64,
    yy: f64,
    /// Σ (y − mean)² over the iterations.
    total_squares: f64,
    low: f64,
    low_n: usize,
    high: f64,
    high_n: usize,
}

/// One input against every output, in a single pass over the iterations: the rank correlation,
/// and each output's mean where the input is at or below its P10 (`deciles.0`) and at or above
/// its P90.
fn drivers(
    key: &str,
    draws: &[f64],
    input_ranks: &[f32],
    deciles: (f64, f64),
    targets: &[Target],
) -> Vec<Driver> {
    let n = draws.len();
    let centre = (n as f64 + 1.0) / 2.0;
    let classes = variance_classes(n);
    let mut xx = 0.0;
    let mut sums = vec![Sums::default(); targets.len()];
    // Per output, per class of the input: the count and sum of the output's deviations.
    let mut class_sums = vec![(0usize, 0.0f64); targets.len() * classes];
    for i in 0..n {
        let dx = f64::from(input_ranks[i]) - centre;
        xx += dx * dx;
        let (low, high) = (draws[i] <= deciles.0, draws[i] >= deciles.1);
        let class = (((f64::from(input_ranks[i]) - 1.0) * classes as f64 / n as f64) as usize)
            .min(classes - 1);
        for (t, (sum, target)) in sums.iter_mut().zip(targets).enumerate() {
            let dy = f64::from(target.ranks[i]) - centre;
            sum.xy += dx * dy;
            sum.yy += dy * dy;
            let deviation = target.values[i] - target.mean;
            sum.total_squares += deviation * deviation;
            let cell = &mut class_sums[t * classes + class];
            cell.0 += 1;
            cell.1 += deviation;
            if low {
                sum.low += target.values[i];
                sum.low_n += 1;
            }
            if high {
                sum.high += target.values[i];
                sum.high_n += 1;
            }
        }
    }
    sums.iter()
        .zip(targets)
        .enumerate()
        .map(|(t, (sum, target))| {
            let cells = &class_sums[t * classes..(t + 1) * classes];
            let variance_share = variance_share(cells, sum.total_squares, n);
            let spearman = if xx > 0.0 && sum.yy > 0.0 {
                sum.xy / (xx * sum.yy).sqrt()
            } else {
                0.0
            };
            let mean_over = |total: f64, count: usize| {
                if count == 0 {
                    target.mean
                } else {
                    total / count as f64
                }
            };
            let (mean_when_low, mean_when_high) = (
                mean_over(sum.low, sum.low_n),
                mean_over(sum.high, sum.high_n),
            );
            Driver {
                input: key.to_string(),
                spearman,
                variance_share,
                mean_when_low,
                mean_when_high,
                swing: mean_when_high - mean_when_low,
            }
        })
        .collect()
}

/// The first-order share of variance from class sums of deviations (count, Σ(y − ȳ)): the
/// between-class sum of squares, less what classes of pure noise would give ((B − 1) times
/// the within-class mean square), over the total sum of squares; 0 when it is negative or
/// the output does not vary.
fn variance_share(cells: &[(usize, f64)], total_squares: f64, n: usize) -> f64 {
    if total_squares <= 0.0 || n <= cells.len() {
        return 0.0;
    }
    let between: f64 = cells
        .iter()
        .filter(|(count, _)| *count > 0)
        .map(|&(count, sum)| sum * sum / count as f64)
        .sum();
    let groups = cells.iter().filter(|(count, _)| *count > 0).count();
    let within_mean_square = (total_squares - between).max(0.0) / (n - groups) as f64;
    ((between - (groups as f64 - 1.0) * within_mean_square) / total_squares).clamp(0.0, 1.0)
}

/// An order-preserving 32-bit key for a value (its single-precision bits, sign-flipped).
fn order_key(x: f64) -> u32 {
    let bits = (x as f32).to_bits();
    if bits & 0x8000_0000 != 0 {
        !bits
    } else {
        bits | 0x8000_0000
    }
}

/// Positions sorted by value: a stable radix sort on (key << 32 | position), four passes of
/// eight bits over the 32-bit key. Values within single precision of each other count as ties.
fn sorted_keys(values: &[f64]) -> Vec<u64> {
    const BITS: u32 = 8;
    const BUCKETS: usize = 1 << BITS;
    let mut keys: Vec<u64> = values
        .iter()
        .enumerate()
        .map(|(i, &x)| (u64::from(order_key(x)) << 32) | i as u64)
        .collect();
    let mut spare = vec![0u64; keys.len()];
    for pass in 0..4 {
        let shift = 32 + pass * BITS;
        let digit = |k: u64| ((k >> shift) as usize) & (BUCKETS - 1);
        let mut starts = vec![0usize; BUCKETS + 1];
        for &k in &keys {
            starts[digit(k) + 1] += 1;
        }
        for b in 0..BUCKETS {
            starts[b + 1] += starts[b];
        }
        for &k in &keys {
            let d = digit(k);
            spare[starts[d]] = k;
            starts[d] += 1;
        }
        std::mem::swap(&mut keys, &mut spare);
    }
    keys
}

/// Ranks from 1 to n, ties sharing their average rank.
pub fn ranks(values: &[f64]) -> Vec<f32> {
    ranks_from(&sorted_keys(values))
}

/// Ranks from sorted (key, position) pairs.
fn ranks_from(keys: &[u64]) -> Vec<f32> {
    let mut ranks = vec![0.0f32; keys.len()];
    let mut start = 0;
    while start < keys.len() {
        let mut end = start + 1;
        while end < keys.len() && keys[end] >> 32 == keys[start] >> 32 {
            end += 1;
        }
        let average = (start + end + 1) as f64 / 2.0;
        for k in &keys[start..end] {
            ranks[(k & 0xffff_ffff) as usize] = average as f32;
        }
        start = end;
    }
    ranks
}

/// Ranks of the draws, with the draws' own P10 and P90 (nearest rank).
fn ranks_and_deciles(draws: &[f64]) -> (Vec<f32>, f64, f64) {
    let keys = sorted_keys(draws);
    let n = draws.len();
    let at = |p: f64| {
        draws[(keys[((p * n as f64).ceil() as usize).clamp(1, n) - 1] & 0xffff_ffff) as usize]
    };
    let (low, high) = (at(0.1), at(0.9));
    (ranks_from(&keys), low, high)
}

/// Where an option's NPSV crosses zero as one input moves, the rest held at their means.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct SwitchingValue {
    /// An uncertain input (at its mean, every other input at its mean) or a fixed assumption
    /// (on the run's random numbers: a statement about the mean NPSV).
    pub kind: Kind,
    pub option: String,
    pub input: String,
    pub base_value: f64,
    /// `None` when NPSV does not cross zero anywhere in the input's domain.
    pub switching_value: Option<f64>,
    pub p5: f64,
    pub p95: f64,
    /// NPSV in the base case.
    pub base_npsv: f64,
}

/// What a switching value is of (docs/method.md §6, §3a).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    Uncertain,
    Fixed,
}

impl Kind {
    /// As `switching.csv` writes it.
    pub fn name(self) -> &'static str {
        match self {
            Kind::Uncertain => "uncertain",
            Kind::Fixed => "fixed",
        }
    }
}

impl SwitchingValue {
    /// The change from the base value, in percent.
    pub fn change_percent(&self) -> Option<f64> {
        let s = self.switching_value?;
        (self.base_value != 0.0).then(|| (s - self.base_value) / self.base_value.abs() * 100.0)
    }

    /// Whether the switching value lies inside the input's own 90% range: a red flag.
    pub fn within_p5_p95(&self) -> bool {
        self.switching_value
            .is_some_and(|s| s >= self.p5 && s <= self.p95)
    }

    /// Within the 90% range widened by its own width on each side.
    pub fn near_range(&self) -> bool {
        let width = self.p95 - self.p5;
        self.switching_value
            .is_some_and(|s| s >= self.p5 - width && s <= self.p95 + width)
    }
}

/// Evaluates an option's NPSV for a given input vector.
struct Npsv<'m> {
    model: &'m Model,
    layout: Layout,
    scratch: Scratch,
}

impl<'m> Npsv<'m> {
    fn new(model: &'m Model) -> Npsv<'m> {
        let layout = Layout::core(model);
        Npsv {
            model,
            scratch: Scratch::new(model, &layout),
            layout,
        }
    }

    /// The NPSV of `option` alone (business as usual and that option are evaluated).
    fn at(&mut self, inputs: &[f64], option: usize) -> f64 {
        let wanted = self.layout.appraisal(option, Metric::Npsv);
        let mut npsv = f64::NAN;
        eval::evaluate_options(
            self.model,
            &self.layout,
            inputs,
            &mut self.scratch,
            option..option + 1,
            |k, v| {
                if k == wanted {
                    npsv = v;
                }
            },
        );
        npsv
    }
}

/// Switching values for every option and each uncertain input that can move its NPSV: the
/// inputs of business as usual and the option's own (another option's inputs cannot).
///
/// # Errors
/// [`Error::Interrupted`] when `cancel` is cancelled between options.
pub fn switching_values(model: &Model, cancel: &CancelToken) -> Result<Vec<SwitchingValue>> {
    let base: Vec<f64> = model.inputs.iter().map(|i| i.sampler.mean()).collect();
    let mut npsv = Npsv::new(model);
    let journeys: std::collections::HashMap<&str, usize> = model
        .journeys
        .iter()
        .enumerate()
        .map(|(j, journey)| (journey.id.as_str(), j))
        .collect();
    let mut found = Vec::new();
    for (o, option) in model.options.iter().enumerate() {
        if cancel.is_cancelled() {
            return Err(Error::Interrupted);
        }
        let base_npsv = npsv.at(&base, o);
        let others: std::collections::HashSet<usize> = model
            .options
            .iter()
            .enumerate()
            .filter(|(k, _)| *k != o)
            .flat_map(|(_, other)| other.inputs())
            .collect();
        // In a portfolio, a journey's input moves only that journey's part of the NPSV (a
        // scenario of one journey has no parts: `journey_of` gives none).
        let portfolio = if model.journeys.len() > 1 {
            model.journeys.len()
        } else {
            0
        };
        let mut parts: Vec<engine::JourneyPart> = (0..portfolio)
            .map(|j| engine::JourneyPart::new(model, o, j))
            .collect();
        let part_base: Vec<f64> = parts.iter_mut().map(|p| p.pv_benefits(&base)).collect();
        for id in engine::uncertain_inputs(model)
            .into_iter()
            .filter(|id| !others.contains(id))
        {
            let input = &model.inputs[id];
            let journey = journey_of(model, &journeys, &input.key);
            let mut values = base.clone();
            let mut f = |x: f64| {
                values[id] = x;
                match journey {
                    Some(j) => base_npsv + (parts[j].pv_benefits(&values) - part_base[j]),
                    None => npsv.at(&values, o),
                }
            };
            found.push(SwitchingValue {
                kind: Kind::Uncertain,
                option: option.id.clone(),
                input: input.key.clone(),
                base_value: base[id],
                switching_value: find_root(
                    &mut f,
                    base[id],
                    base_npsv,
                    search_points(input.domain, base[id]),
                ),
                p5: input.sampler.quantile(0.05),
                p95: input.sampler.quantile(0.95),
                base_npsv,
            });
        }
    }
    Ok(found)
}

/// The journey whose input `key` is, in a portfolio of several (its key starts with the
/// journey's stem); `None` for a scenario's inputs, a shared one or an option's.
fn journey_of(
    model: &Model,
    journeys: &std::collections::HashMap<&str, usize>,
    key: &str,
) -> Option<usize> {
    if model.journeys.len() < 2 {
        return None;
    }
    let (stem, _) = key.split_once('/')?;
    journeys.get(stem).copied()
}

/// Points to scan for a sign change: a fine grid over a bounded domain, or geometric steps
/// out from the base value over an unbounded one.
fn search_points(domain: crate::dist::Domain, base: f64) -> Vec<f64> {
    let low = if domain.low_open {
        domain.low + 1e-9 * (1.0 + domain.low.abs())
    } else {
        domain.low
    };
    let mut points = Vec::new();
    if domain.high.is_finite() && low.is_finite() {
        points.extend((0..=400).map(|i| low + (domain.high - low) * i as f64 / 400.0));
    } else {
        let scale = base.abs().max(1.0);
        points.extend((0..=60).map(|i| base + scale * (1.3f64.powi(i) - 1.0)));
        points.extend(
            (0..=60)
                .map(|i| base - scale * (1.3f64.powi(i) - 1.0))
                .filter(|&x| x >= low),
        );
        if low.is_finite() {
            points.push(low);
        }
    }
    points.push(base);
    points.sort_by(f64::total_cmp);
    points.dedup();
    points
}

/// The root of `f` nearest `base`, bracketed from `points` and refined by bisection.
fn find_root(
    f: &mut impl FnMut(f64) -> f64,
    base: f64,
    base_value: f64,
    points: Vec<f64>,
) -> Option<f64> {
    if base_value == 0.0 {
        return Some(base);
    }
    let values: Vec<f64> = points.iter().map(|&x| f(x)).collect();
    let bracket = points
        .windows(2)
        .zip(values.windows(2))
        .filter(|(_, v)| v[0].is_finite() && v[1].is_finite() && (v[0] <= 0.0) != (v[1] <= 0.0))
        .map(|(x, v)| (x[0], x[1], v[0]))
        .min_by(|a, b| distance(a, base).total_cmp(&distance(b, base)))?;
    let (mut lo, mut hi, f_lo) = bracket;
    let lo_negative = f_lo <= 0.0;
    for _ in 0..200 {
        let mid = (lo + hi) / 2.0;
        if mid == lo || mid == hi {
            break;
        }
        if (f(mid) <= 0.0) == lo_negative {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    Some((lo + hi) / 2.0)
}

fn distance(bracket: &(f64, f64, f64), base: f64) -> f64 {
    if base >= bracket.0 && base <= bracket.1 {
        0.0
    } else {
        (bracket.0 - base).abs().min((bracket.1 - base).abs())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranks_average_ties() {
        assert_eq!(
            ranks(&[3.0, 1.0, 2.0, 1.0, -5.0]),
            vec![5.0, 2.5, 4.0, 2.5, 1.0]
        );
    }

    #[test]
    fn root_of_a_line() {
        let mut f = |x: f64| 2.0 * x - 3.0;
        let points = search_points(crate::dist::Domain::NON_NEGATIVE, 10.0);
        let root = find_root(&mut f, 10.0, 17.0, points).unwrap();
        assert!((root - 1.5).abs() < 1e-9);
        let mut never = |x: f64| x + 1.0;
        let points = search_points(crate::dist::Domain::NON_NEGATIVE, 1.0);
        assert_eq!(find_root(&mut never, 1.0, 2.0, points), None);
    }
}
