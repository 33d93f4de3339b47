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

use crate::engine::{DrawAnalyses, Layout, Samples};
use crate::outputs::Metric;
use crate::scenario::Model;

/// The most iterations an input's EVPPI reads: sorting a million iterations for each of tens of
/// inputs would cost more than the run itself, and the slices' means are already precise.
pub const EVPPI_ITERATIONS: usize = 200_000;

/// The least value of information the outputs call measurable: half a pound. Below it a figure
/// is rounding, and the case, the chart and the page leave it out.
pub const MEASURABLE: f64 = 0.5;

/// Whether `value` (an EVPPI in pounds) is worth naming.
pub fn measurable(value: f64) -> bool {
    value >= MEASURABLE
}

/// What perfect information would be worth.
#[derive(Debug, Clone, PartialEq)]
pub struct Voi {
    /// Iterations the EVPI uses (the run's first, as kept).
    pub iterations: usize,
    /// Iterations each input's EVPPI uses (the first of those).
    pub evppi_iterations: usize,
    /// Iterations each group's EVPPI uses (the first of those).
    pub group_iterations: usize,
    pub evpi: f64,
    pub evpi_se: f64,
    /// Per uncertain input, largest first.
    pub inputs: Vec<Evppi>,
    /// Per group of inputs (a department's, an option's, a journey's), largest first:
    /// (group, EVPPI, whether clipped).
    pub groups: Vec<(String, f64, bool)>,
    /// What the estimates cost: the EVPI and every input's EVPPI, then every group's.
    pub seconds: [f64; 2],
}

impl Voi {
    /// What the estimates cost, in words for the terminal.
    pub fn timing(&self) -> String {
        format!(
            "Value of information: the EVPI and {} inputs' EVPPI took {:.2} s, {} groups' EVPPI {:.2} s.",
            self.inputs.len(),
            self.seconds[0],
            self.groups.len(),
            self.seconds[1]
        )
    }
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

/// How many of the kept iterations the EVPPIs read: each input's, and each group's.
#[derive(Debug, Clone, Copy)]
pub struct Reach {
    pub inputs: usize,
    pub groups: usize,
}

impl Reach {
    /// A run's: as many as keep the estimates precise without costing more than the run.
    pub const RUN: Reach = Reach {
        inputs: EVPPI_ITERATIONS,
        groups: crate::voi_groups::GROUP_ITERATIONS,
    };
    /// The live page's: few enough that an edit still answers at once.
    pub const LIVE_PAGE: Reach = Reach {
        inputs: 5_000,
        groups: 5_000,
    };
}

/// The value of information of `model`'s decision, from the kept iterations (the EVPPIs from
/// the first of them, as `reach` says); `None` without options or kept iterations.
pub fn value_of_information(model: &Model, samples: &Samples, reach: Reach) -> Option<Voi> {
    value_of_information_reusing(model, samples, reach, None).map(|(voi, _)| voi)
}

/// As [`value_of_information`], taking from `previous` the order of each input's draws that
/// did not change (by input id); returns the orders too, for the next run.
pub fn value_of_information_reusing(
    model: &Model,
    samples: &Samples,
    reach: Reach,
    previous: Option<(&DrawAnalyses, &[bool])>,
) -> Option<(Voi, DrawAnalyses)> {
    if model.options().is_empty() || samples.len() < 100 {
        return None;
    }
    let started = std::time::Instant::now();
    let layout = Layout::new(model);
    let nb: Vec<Vec<f64>> = (0..model.options().len())
        .map(|o| {
            samples
                .output(layout.appraisal(o, Metric::Npsv))
                .map(<[f64]>::to_vec)
        })
        .collect::<Option<_>>()?;
    let n = samples.len();
    let (evpi, evpi_se) = evpi(&nb, n);
    let by_iteration = Interleaved::of(&nb);
    // Each input's EVPPI sorts the iterations it reads: the first `reach.inputs`.
    let m = n.min(reach.inputs);
    let best_mean = best_of_means(&by_iteration, &first(m));
    let scrambled = scrambled_order(m);
    let noise = binned(&by_iteration, &scrambled) - best_mean;
    let earlier = |id: usize| -> Option<&std::sync::Arc<[u32]>> {
        let (orders, unchanged) = previous?;
        let same = orders.iterations == m && unchanged.get(id).copied().unwrap_or(false);
        same.then(|| orders.orders.get(id)?.as_ref()).flatten()
    };
    let evaluated: Vec<(usize, Evppi, std::sync::Arc<[u32]>)> = samples
        .inputs()
        .into_par_iter()
        .map(|(id, c)| {
            let order = match earlier(id) {
                Some(order) => std::sync::Arc::clone(order),
                None => crate::order::sorted_order(samples.input_prefix(c, m)).into(),
            };
            let raw = rounding_to_zero(binned(&by_iteration, &order) - best_mean);
            let evppi = raw.clamp(0.0, evpi);
            let estimate = Evppi {
                input: model.inputs()[id].key.clone(),
                evppi,
                noise: noise.max(0.0),
                clipped: evppi != raw,
            };
            (id, estimate, order)
        })
        .collect();
    let mut orders = DrawAnalyses {
        iterations: m,
        orders: vec![None; model.inputs().len()],
        designs: Default::default(),
    };
    let mut inputs: Vec<Evppi> = Vec::with_capacity(evaluated.len());
    for (id, estimate, order) in evaluated {
        orders.orders[id] = Some(order);
        inputs.push(estimate);
    }
    inputs.sort_by(|a, b| b.evppi.total_cmp(&a.evppi).then(a.input.cmp(&b.input)));
    let inputs_seconds = started.elapsed().as_secs_f64();
    let columns: Vec<(String, &[f64])> = samples
        .inputs()
        .into_iter()
        .map(|(id, c)| {
            let values = samples.input_prefix(c, reach.groups);
            (model.inputs()[id].key.clone(), values)
        })
        .collect();
    // A group whose inputs' draws are the previous run's keeps its regressions' designs; one
    // with some inputs drawn again keeps the cross-products of the rest.
    let ids: std::collections::HashMap<&str, usize> = model
        .inputs()
        .iter()
        .enumerate()
        .map(|(id, input)| (input.key.as_str(), id))
        .collect();
    let kept_designs = |group: &crate::voi_groups::Group| {
        let (earlier, unchanged) = previous?;
        let changed: Vec<bool> = group
            .keys
            .iter()
            .map(|key| {
                !ids.get(key)
                    .is_some_and(|&id| unchanged.get(id).copied().unwrap_or(false))
            })
            .collect();
        let (keys, designs) = earlier.designs.get(&group.name)?;
        // The same members, in the same order: an input made fixed leaves its group.
        if !keys
            .iter()
            .map(String::as_str)
            .eq(group.keys.iter().copied())
        {
            return None;
        }
        if !changed.contains(&true) {
            return Some(designs.clone());
        }
        let [first, second] = designs
            .clone()
            .map(|design| design.updated(&group.members, &changed));
        Some([std::sync::Arc::new(first?), std::sync::Arc::new(second?)])
    };
    let mut by_size = crate::voi_groups::groups(&columns);
    let shared = crate::voi_groups::shared(&nb, &by_size, n.min(reach.groups));
    // Every group's regression reads the same first iterations, so every group's order is of
    // these, and the best choice's mean over them is the shared one.
    let group_best_mean = shared.best_mean();
    // The largest groups first, each a task of its own, so that no thread is left with a
    // large group at the end (the groups are sorted by value below, whatever their order here).
    by_size.sort_by_key(|group| std::cmp::Reverse(group.members.len()));
    let evaluated: Vec<_> = by_size
        .into_par_iter()
        .with_max_len(1)
        .map(|group| {
            let (order, designs) = crate::voi_groups::regret_order(
                &nb,
                &group,
                &shared,
                kept_designs(&group).as_ref(),
            );
            let raw = rounding_to_zero(binned(&by_iteration, &order) - group_best_mean);
            let value = raw.clamp(0.0, evpi);
            // Knowing the group tells at least what knowing any one of its inputs does.
            let best_member = inputs
                .iter()
                .filter(|e| group.keys.contains(&e.input.as_str()))
                .map(|e| e.evppi)
                .fold(0.0, f64::max);
            let keys = group.keys.iter().map(|k| k.to_string()).collect();
            (
                (group.name, value.max(best_member), value != raw),
                (keys, designs),
            )
        })
        .collect();
    let mut groups: Vec<(String, f64, bool)> = Vec::with_capacity(evaluated.len());
    for (group, designs) in evaluated {
        orders.designs.insert(group.0.clone(), designs);
        groups.push(group);
    }
    groups.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    let voi = Voi {
        iterations: n,
        evppi_iterations: m,
        group_iterations: shared.iterations(),
        seconds: [
            inputs_seconds,
            started.elapsed().as_secs_f64() - inputs_seconds,
        ],
        evpi,
        evpi_se,
        inputs,
        groups,
    };
    Some((voi, orders))
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

/// A difference of two means of the same pounds below a millionth of a pound is rounding, not
/// value: it reads 0.
fn rounding_to_zero(x: f64) -> f64 {
    if x.abs() < 1e-6 {
        0.0
    } else {
        x
    }
}

/// The options' net benefits iteration by iteration, `options` values to an iteration: a
/// slice's iterations are read in slice order, scattered over the run, and each read fetches
/// every option's value at once.
struct Interleaved {
    options: usize,
    values: Vec<f64>,
}

impl Interleaved {
    fn of(nb: &[Vec<f64>]) -> Interleaved {
        let n = nb.iter().map(Vec::len).min().unwrap_or(0);
        Interleaved {
            options: nb.len(),
            values: (0..n).flat_map(|i| nb.iter().map(move |v| v[i])).collect(),
        }
    }
}

/// The first `n` iterations.
fn first(n: usize) -> Vec<u32> {
    (0..n as u32).collect()
}

/// max(0, max_d mean of NB_d over `iterations`): each option's sum is added up in the order
/// of `iterations`, every option's in the same pass.
fn best_of_means(nb: &Interleaved, iterations: &[u32]) -> f64 {
    bests_of_means(nb, &[iterations])[0]
}

/// [`best_of_means`] of each of up to [`BINS_A_PASS`] slices. Each slice's sums are added in
/// its own order, as alone, but the slices' additions take turns: one slice's sums form a
/// chain, each addition waiting for the one before, and several chains at once keep the
/// processor busy while each waits.
fn bests_of_means(nb: &Interleaved, slices: &[&[u32]]) -> [f64; BINS_A_PASS] {
    let mut side_by_side: [&[u32]; BINS_A_PASS] = [&[]; BINS_A_PASS];
    for (to, slice) in side_by_side.iter_mut().zip(slices) {
        *to = slice;
    }
    let mut best = [0.0f64; BINS_A_PASS];
    for from in (0..nb.options).step_by(MAX_OPTIONS_A_PASS) {
        match nb.options - from {
            1 => best_means_into::<1>(nb, &side_by_side, from, &mut best),
            2 => best_means_into::<2>(nb, &side_by_side, from, &mut best),
            3 => best_means_into::<3>(nb, &side_by_side, from, &mut best),
            _ => best_means_into::<MAX_OPTIONS_A_PASS>(nb, &side_by_side, from, &mut best),
        }
    }
    best
}

/// Raises each slice's `best` to the best of its means of the `W` options from `from` (an
/// empty slice's means are NaN, which `f64::max` ignores).
fn best_means_into<const W: usize>(
    nb: &Interleaved,
    slices: &[&[u32]; BINS_A_PASS],
    from: usize,
    best: &mut [f64; BINS_A_PASS],
) {
    let k = nb.options;
    let add = |sums: &mut [f64; W], i: u32| {
        let at = i as usize * k + from;
        for (sum, value) in sums.iter_mut().zip(&nb.values[at..at + W]) {
            *sum += value;
        }
    };
    let mut sums = [[0.0f64; W]; BINS_A_PASS];
    let common = slices.iter().map(|s| s.len()).min().unwrap_or(0);
    for t in 0..common {
        for (sums, slice) in sums.iter_mut().zip(slices) {
            add(sums, slice[t]);
        }
    }
    for (sums, slice) in sums.iter_mut().zip(slices) {
        slice[common..].iter().for_each(|&i| add(sums, i));
    }
    for ((best, sums), slice) in best.iter_mut().zip(&sums).zip(slices) {
        let count = slice.len() as f64;
        *best = sums.iter().fold(*best, |best, sum| best.max(sum / count));
    }
}

/// The options whose sums [`best_of_means`] adds up in one pass over a slice.
const MAX_OPTIONS_A_PASS: usize = 4;

/// The slices [`bests_of_means`] adds up side by side.
const BINS_A_PASS: usize = 4;

/// The mean over √n equal bins of `order` of the best option's (or BAU's) mean in the bin.
fn binned(nb: &Interleaved, order: &[u32]) -> f64 {
    let n = order.len();
    let bins = ((n as f64).sqrt().round() as usize).max(1);
    let slices: Vec<&[u32]> = (0..bins)
        .map(|b| &order[b * n / bins..(b + 1) * n / bins])
        .collect();
    let mut total = 0.0;
    for pass in slices.chunks(BINS_A_PASS) {
        for (slice, best) in pass.iter().zip(bests_of_means(nb, pass)) {
            total += best * slice.len() as f64;
        }
    }
    total / n as f64
}

/// The iterations in a fixed scrambled order, unrelated to any input (a multiplicative
/// permutation by a large odd constant, so it is the same on every run).
fn scrambled_order(n: usize) -> Vec<u32> {
    let mut order: Vec<u32> = (0..n as u32).collect();
    order.sort_by_key(|&i| {
        (i as u64)
            .wrapping_mul(0x9E37_79B9_7F4A_7C15)
            .rotate_left(17)
    });
    order
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The plain binned estimate: each bin's options summed alone, in the bin's order.
    fn binned_one_bin_at_a_time(nb: &Interleaved, order: &[u32]) -> f64 {
        let n = order.len();
        let bins = ((n as f64).sqrt().round() as usize).max(1);
        let mut total = 0.0;
        for b in 0..bins {
            let bin = &order[b * n / bins..(b + 1) * n / bins];
            let mut best = 0.0f64;
            for d in 0..nb.options {
                let sum: f64 = bin
                    .iter()
                    .map(|&i| nb.values[i as usize * nb.options + d])
                    .sum();
                best = best.max(sum / bin.len() as f64);
            }
            total += best * bin.len() as f64;
        }
        total / n as f64
    }

    /// Bins summed side by side give the bits of bins summed one at a time: for one to six
    /// options (a pass takes four) and for counts of iterations whose bins differ in size and
    /// whose last pass is short.
    #[test]
    fn bins_summed_side_by_side_have_the_bits_of_each_alone() {
        for options in 1..=6 {
            for n in [1, 7, 100, 1_000, 1_234] {
                let nb: Vec<Vec<f64>> = (0..options)
                    .map(|d| {
                        (0..n)
                            .map(|i| ((i * 7919 + d * 104_729) % 1_009) as f64 - 480.5)
                            .collect()
                    })
                    .collect();
                let by_iteration = Interleaved::of(&nb);
                let order = scrambled_order(n);
                let (fast, plain) = (
                    binned(&by_iteration, &order),
                    binned_one_bin_at_a_time(&by_iteration, &order),
                );
                assert_eq!(fast.to_bits(), plain.to_bits(), "{options} options, {n}");
            }
        }
    }
}
