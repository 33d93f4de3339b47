//! The value of finding out (docs/method.md §6): the expected value of perfect information
//! (EVPI) over the decision "business as usual or one of the options", and of partial perfect
//! information (EVPPI) about each uncertain input, from the run's kept iterations.
//!
//! EVPI = mean_n max_d NB_d(n) − max_d mean_n NB_d(n), with business as usual's NB = 0. It is the
//! mean of D(n) = max_d NB_d(n) − NB_{d*}(n), d* the best option on average, so its standard
//! error is that of a mean.
//!
//! EVPPI of input X = `E_X[max_d E[NB_d | X]] − max_d E[NB_d]`; `E[NB_d | X]` is estimated by
//! the mean of NB_d in equal-probability bins of X (the iterations sorted by X, cut into
//! √n bins). Noise in the bin means can only push the estimate up; the same computation on bins
//! that ignore X (iterations in a fixed scrambled order) measures that push where X explains
//! nothing, the most it can be, and is reported as the estimate's bias bound (it is not
//! subtracted: where X explains much, the bins' noise is smaller). Estimates are clipped to
//! [0, EVPI], and a clipped one is marked.

use rayon::prelude::*;

use crate::engine::{Layout, Samples};
use crate::outputs::Metric;
use crate::scenario::Model;

/// The most iterations an input's EVPPI reads: sorting a million iterations for each of tens of
/// inputs would cost more than the run itself, and the slices' means are already precise.
pub const EVPPI_ITERATIONS: usize = 200_000;

/// What perfect information would be worth.
#[derive(Debug, Clone, PartialEq)]
pub struct Voi {
    /// Iterations the EVPI uses (the run's first, as kept).
    pub iterations: usize,
    /// Iterations each input's EVPPI uses (the first of those).
    pub evppi_iterations: usize,
    pub evpi: f64,
    pub evpi_se: f64,
    /// Per uncertain input, largest first.
    pub inputs: Vec<Evppi>,
    /// Per group of inputs (a department's, an option's, a journey's), largest first:
    /// (group, EVPPI, whether clipped).
    pub groups: Vec<(String, f64, bool)>,
}

/// The EVPPI of one uncertain input.
#[derive(Debug, Clone, PartialEq)]
pub struct Evppi {
    pub input: String,
    pub evppi: f64,
    /// The most that noise in the bin means can have pushed the estimate up: its bias bound.
    pub noise: f64,
    /// Whether the estimate was clipped to 0 or to the EVPI.
    pub clipped: bool,
}

/// The value of information of `model`'s decision, from the kept iterations; `None` without
/// options or kept iterations.
pub fn value_of_information(model: &Model, samples: &Samples) -> Option<Voi> {
    if model.options().is_empty() || samples.len() < 100 {
        return None;
    }
    let layout = Layout::new(model);
    let nb: Vec<Vec<f64>> = (0..model.options().len())
        .map(|o| samples.output(layout.appraisal(o, Metric::Npsv)))
        .collect::<Option<_>>()?;
    let n = samples.len();
    let (evpi, evpi_se) = evpi(&nb, n);
    // Each input's EVPPI sorts the iterations it reads: the first EVPPI_ITERATIONS.
    let m = n.min(EVPPI_ITERATIONS);
    let best_mean = best_of_means(&nb, (0..m).collect::<Vec<_>>().as_slice());
    let scrambled = scrambled_order(m);
    let noise = binned(&nb, &scrambled) - best_mean;
    let mut inputs: Vec<Evppi> = samples
        .inputs()
        .into_par_iter()
        .map(|(id, c)| {
            let values = samples.input_prefix(c, m);
            let mut order: Vec<usize> = (0..m).collect();
            order.sort_by(|&a, &b| values[a].total_cmp(&values[b]).then(a.cmp(&b)));
            let raw = binned(&nb, &order) - best_mean;
            let evppi = raw.clamp(0.0, evpi);
            Evppi {
                input: model.inputs()[id].key.clone(),
                evppi,
                noise: noise.max(0.0),
                clipped: evppi != raw,
            }
        })
        .collect();
    inputs.sort_by(|a, b| b.evppi.total_cmp(&a.evppi).then(a.input.cmp(&b.input)));
    let columns: Vec<(String, Vec<f64>)> = samples
        .inputs()
        .into_iter()
        .map(|(id, c)| {
            let values = samples.input_prefix(c, crate::voi_groups::GROUP_ITERATIONS);
            (model.inputs()[id].key.clone(), values)
        })
        .collect();
    let mut groups: Vec<(String, f64, bool)> = crate::voi_groups::groups(&columns)
        .into_par_iter()
        .map(|group| {
            let raw = crate::voi_groups::evppi(&nb, &group);
            let value = raw.clamp(0.0, evpi);
            (group.name, value, value != raw)
        })
        .collect();
    groups.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    Some(Voi {
        iterations: n,
        evppi_iterations: m,
        evpi,
        evpi_se,
        inputs,
        groups,
    })
}

/// EVPI and its standard error: the mean and se of max_d NB_d(n) − NB_{d*}(n).
fn evpi(nb: &[Vec<f64>], n: usize) -> (f64, f64) {
    let means: Vec<f64> = nb
        .iter()
        .map(|v| v.iter().sum::<f64>() / n as f64)
        .collect();
    // d* is business as usual (None) unless an option's mean is above 0.
    let best = means
        .iter()
        .enumerate()
        .filter(|(_, &m)| m > 0.0)
        .max_by(|a, b| a.1.total_cmp(b.1))
        .map(|(d, _)| d);
    let gap = |i: usize| {
        let top = nb.iter().map(|v| v[i]).fold(0.0f64, f64::max);
        top - best.map_or(0.0, |d| nb[d][i])
    };
    let mean = (0..n).map(gap).sum::<f64>() / n as f64;
    let var = (0..n).map(|i| (gap(i) - mean).powi(2)).sum::<f64>() / (n as f64 - 1.0);
    (mean, (var / n as f64).sqrt())
}

/// max(0, max_d mean of NB_d over `iterations`).
fn best_of_means(nb: &[Vec<f64>], iterations: &[usize]) -> f64 {
    let count = iterations.len() as f64;
    nb.iter()
        .map(|v| iterations.iter().map(|&i| v[i]).sum::<f64>() / count)
        .fold(0.0, f64::max)
}

/// The mean over √n equal bins of `order` of the best option's (or BAU's) mean in the bin.
fn binned(nb: &[Vec<f64>], order: &[usize]) -> f64 {
    let n = order.len();
    let bins = ((n as f64).sqrt().round() as usize).max(1);
    let mut total = 0.0;
    for b in 0..bins {
        let (start, end) = (b * n / bins, (b + 1) * n / bins);
        total += best_of_means(nb, &order[start..end]) * (end - start) as f64;
    }
    total / n as f64
}

/// The iterations in a fixed scrambled order, unrelated to any input (a multiplicative
/// permutation by a large odd constant, so it is the same on every run).
fn scrambled_order(n: usize) -> Vec<usize> {
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by_key(|&i| {
        (i as u64)
            .wrapping_mul(0x9E37_79B9_7F4A_7C15)
            .rotate_left(17)
    });
    order
}
