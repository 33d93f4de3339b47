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

use crate::engine::eval::{self, Layout, Scratch, NPSV};
use crate::engine::{self, Results, Samples};
use crate::scenario::Model;

/// The name of the cost output in `sensitivity.csv`.
pub const COST_OUTPUT: &str = "cost_of_disjointedness";

/// One input's influence on one output.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Driver {
    pub input: String,
    pub spearman: f64,
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
pub fn tornadoes(model: &Model, results: &Results) -> Vec<Tornado> {
    let Some(samples) = &results.samples else {
        return Vec::new();
    };
    let layout = &results.layout;
    let mut outputs = vec![(
        COST_OUTPUT.to_string(),
        "Annual cost of disjointedness".to_string(),
        engine::total_disjointed(layout),
    )];
    for (o, option) in model.options.iter().enumerate() {
        outputs.push((
            format!("npsv.{}", option.id),
            option.name.clone(),
            layout.appraisal(o, NPSV),
        ));
    }
    outputs
        .into_iter()
        .filter_map(|(output, title, k)| {
            let values = samples.output(k)?;
            Some(tornado(model, samples, output, title, values))
        })
        .collect()
}

fn tornado(
    model: &Model,
    samples: &Samples,
    output: String,
    title: String,
    values: &[f64],
) -> Tornado {
    let output_ranks = ranks(values);
    let mean = values.iter().sum::<f64>() / values.len().max(1) as f64;
    let mut drivers: Vec<Driver> = samples
        .inputs
        .par_iter()
        .map(|(id, draws)| {
            let (input_ranks, low, high) = ranks_and_deciles(draws);
            let mean_where = |keep: &dyn Fn(f64) -> bool| {
                let (sum, n) = draws
                    .iter()
                    .zip(values)
                    .filter(|(x, _)| keep(**x))
                    .fold((0.0, 0usize), |(s, n), (_, y)| (s + y, n + 1));
                if n == 0 {
                    mean
                } else {
                    sum / n as f64
                }
            };
            let mean_when_low = mean_where(&|x| x <= low);
            let mean_when_high = mean_where(&|x| x >= high);
            Driver {
                input: model.inputs[*id].key.clone(),
                spearman: pearson(&input_ranks, &output_ranks),
                mean_when_low,
                mean_when_high,
                swing: mean_when_high - mean_when_low,
            }
        })
        .collect();
    drivers.sort_by(|a, b| {
        b.swing
            .abs()
            .total_cmp(&a.swing.abs())
            .then_with(|| a.input.cmp(&b.input))
    });
    Tornado {
        output,
        title,
        mean,
        drivers,
    }
}

/// Ranks from 1 to n, ties sharing their average rank.
pub fn ranks(values: &[f64]) -> Vec<f64> {
    let mut order: Vec<u32> = (0..values.len() as u32).collect();
    order.sort_unstable_by(|&a, &b| values[a as usize].total_cmp(&values[b as usize]));
    let mut ranks = vec![0.0; values.len()];
    let mut start = 0;
    while start < order.len() {
        let mut end = start + 1;
        while end < order.len() && values[order[end] as usize] == values[order[start] as usize] {
            end += 1;
        }
        let average = (start + end + 1) as f64 / 2.0;
        for &i in &order[start..end] {
            ranks[i as usize] = average;
        }
        start = end;
    }
    ranks
}

/// Ranks of the draws, with the draws' own P10 and P90 (nearest rank).
fn ranks_and_deciles(draws: &[f64]) -> (Vec<f64>, f64, f64) {
    let r = ranks(draws);
    let n = draws.len();
    let mut sorted = draws.to_vec();
    sorted.sort_unstable_by(f64::total_cmp);
    let at = |p: f64| sorted[((p * n as f64).ceil() as usize).clamp(1, n) - 1];
    (r, at(0.1), at(0.9))
}

/// Pearson correlation; 0 when either side does not vary.
fn pearson(a: &[f64], b: &[f64]) -> f64 {
    let n = a.len() as f64;
    let (ma, mb) = (a.iter().sum::<f64>() / n, b.iter().sum::<f64>() / n);
    let (mut sab, mut saa, mut sbb) = (0.0, 0.0, 0.0);
    for (x, y) in a.iter().zip(b) {
        let (dx, dy) = (x - ma, y - mb);
        sab += dx * dy;
        saa += dx * dx;
        sbb += dy * dy;
    }
    if saa <= 0.0 || sbb <= 0.0 {
        0.0
    } else {
        sab / (saa * sbb).sqrt()
    }
}

/// Where an option's NPSV crosses zero as one input moves, the rest held at their means.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct SwitchingValue {
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
    outputs: Vec<f64>,
}

impl<'m> Npsv<'m> {
    fn new(model: &'m Model) -> Npsv<'m> {
        let layout = Layout::new(model);
        Npsv {
            model,
            outputs: vec![0.0; layout.len],
            scratch: Scratch::new(model),
            layout,
        }
    }

    fn at(&mut self, inputs: &[f64], option: usize) -> f64 {
        let outputs = &mut self.outputs;
        eval::evaluate(
            self.model,
            &self.layout,
            inputs,
            &mut self.scratch,
            |k, v| outputs[k] = v,
        );
        self.outputs[self.layout.appraisal(option, NPSV)]
    }
}

/// Switching values for every option and uncertain input.
pub fn switching_values(model: &Model) -> Vec<SwitchingValue> {
    let base: Vec<f64> = model.inputs.iter().map(|i| i.sampler.mean()).collect();
    let mut npsv = Npsv::new(model);
    let mut found = Vec::new();
    for (o, option) in model.options.iter().enumerate() {
        let base_npsv = npsv.at(&base, o);
        for id in engine::uncertain_inputs(model) {
            let input = &model.inputs[id];
            let mut values = base.clone();
            let mut f = |x: f64| {
                values[id] = x;
                npsv.at(&values, o)
            };
            found.push(SwitchingValue {
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
    found
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
        assert_eq!(ranks(&[3.0, 1.0, 2.0, 1.0]), vec![4.0, 1.5, 3.0, 1.5]);
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
