//! Fixed assumptions under test (docs/method.md §3a): the switching values of what the analyst
//! fixed rather than drew — the optimism-bias uplift, the adoption path, the live year and the
//! discount rate — as statements about the mean NPSV, on the run's own random numbers.
//!
//! Each option's NPSV in one iteration is Σ_y DF_y · (A_y · S_y − K_y · (1 + ob) − R · [y ≥
//! live]), where S_y is the saving in year y at full adoption, A_y the adoption, K_y the capital,
//! ob the uplift and R the running cost. The kept iterations are evaluated once with every
//! adoption set to 1 to find S_y; every fixed assumption then moves only A, ob, the live year or
//! DF, so each switching value is a search over stored arrays, not a rerun of the model.

use crate::engine::eval::{self, Layout, Scratch};
use crate::engine::Samples;
use crate::outputs::YearlyMetric;
use crate::scenario::Model;
use crate::sensitivity::{Kind as SwitchingKind, SwitchingValue};
use rayon::prelude::*;

/// The most iterations the fixed assumptions are evaluated on (the run's first).
pub const FIXED_ITERATIONS: usize = 20_000;

/// The most values stored for them: three per iteration, option and year.
const MAX_STORED: usize = 4_000_000;

/// One option's flows over the kept iterations, iteration-major.
struct Flows {
    n: usize,
    years: usize,
    live: usize,
    /// Saving at full adoption, adoption and capital, `n × years` each.
    saving: Vec<f64>,
    adoption: Vec<f64>,
    capital: Vec<f64>,
    /// The drawn uplift and the share of it mitigated, per iteration.
    uplift: Vec<f64>,
    mitigation: Vec<f64>,
    running: Vec<f64>,
}

/// Changes to the fixed assumptions; the default is the scenario as written.
#[derive(Debug, Clone, Copy, Default)]
struct Change {
    /// One uplift for every iteration in place of the drawn one, applied as it is.
    uplift: Option<f64>,
    /// One share mitigated for every iteration in place of the scenario's.
    mitigation: Option<f64>,
    /// The adoption path times this (capped at 1 a year); 1 when `None`.
    multiplier: Option<f64>,
    /// Whole years past `live`, the adoption path and running costs shifted with it.
    delay: usize,
}

impl Flows {
    /// The mean undiscounted net flow of each year, as written.
    fn mean_net_by_year(&self) -> Vec<f64> {
        let mut net = vec![0.0; self.years];
        for i in 0..self.n {
            let row = i * self.years;
            for (y, total) in net.iter_mut().enumerate() {
                let running = if y >= self.live { self.running[i] } else { 0.0 };
                let cost =
                    self.capital[row + y] * (1.0 + self.applied(i, Change::default())) + running;
                *total += self.adoption[row + y] * self.saving[row + y] - cost;
            }
        }
        net.iter().map(|x| x / self.n as f64).collect()
    }

    /// The mean uplift applied, as written.
    fn mean_uplift(&self) -> f64 {
        (0..self.n)
            .map(|i| self.applied(i, Change::default()))
            .sum::<f64>()
            / self.n.max(1) as f64
    }

    /// The uplift applied in iteration `i` under `change`.
    fn applied(&self, i: usize, change: Change) -> f64 {
        change.uplift.unwrap_or_else(|| {
            let mitigated = change.mitigation.unwrap_or(self.mitigation[i]);
            self.uplift[i] * (1.0 - mitigated)
        })
    }

    /// Each iteration's present values of benefits and of costs under `change`, discounted by
    /// `df`, handed to `each`.
    fn present_values(&self, df: &[f64], change: Change, mut each: impl FnMut(f64, f64)) {
        for i in 0..self.n {
            let row = i * self.years;
            let uplift = self.applied(i, change);
            let (mut benefits, mut costs) = (0.0, 0.0);
            for (y, &factor) in df.iter().enumerate().take(self.years) {
                let adoption = match y.checked_sub(change.delay) {
                    Some(from) => self.adoption[row + from],
                    None => 0.0,
                };
                let adoption = change
                    .multiplier
                    .map_or(adoption, |m| (m * adoption).min(1.0));
                let running = if y >= self.live + change.delay {
                    self.running[i]
                } else {
                    0.0
                };
                benefits += factor * adoption * self.saving[row + y];
                costs += factor * (self.capital[row + y] * (1.0 + uplift) + running);
            }
            each(benefits, costs);
        }
    }

    /// The mean NPSV under `change`, discounted by `df`.
    fn mean_npsv(&self, df: &[f64], change: Change) -> f64 {
        let mut total = 0.0;
        self.present_values(df, change, |b, c| total += b - c);
        total / self.n as f64
    }
}

/// The mitigation shares the case sweeps (MODEL §3a).
pub const MITIGATION_SWEEP: [f64; 5] = [0.0, 0.25, 0.5, 0.75, 1.0];

/// An option's figures with a share of its optimism-bias uplift mitigated.
#[derive(Debug, Clone, PartialEq)]
pub struct Mitigated {
    pub option: String,
    pub mitigation: f64,
    pub mean_npsv: f64,
    /// E[PV benefits] / E[PV costs]; `None` where the expected PV of costs is not above 0.
    pub bcr: Option<f64>,
    pub p_positive: f64,
}

/// Each option's mean NPSV, BCR and chance of a positive NPSV at every share of
/// [`MITIGATION_SWEEP`], on the same iterations as its fixed-assumption switching values.
fn mitigation_sweep(option: &str, flows: &Flows, df: &[f64]) -> Vec<Mitigated> {
    MITIGATION_SWEEP
        .iter()
        .map(|&x| {
            let change = Change {
                mitigation: Some(x),
                ..Change::default()
            };
            let (mut benefits, mut costs, mut positive) = (0.0, 0.0, 0usize);
            flows.present_values(df, change, |b, c| {
                benefits += b;
                costs += c;
                positive += usize::from(b - c > 0.0);
            });
            let n = flows.n as f64;
            Mitigated {
                option: option.to_string(),
                mitigation: x,
                mean_npsv: (benefits - costs) / n,
                bcr: (costs > 0.0).then(|| benefits / costs),
                p_positive: positive as f64 / n,
            }
        })
        .collect()
}

/// What testing the fixed assumptions found.
#[derive(Debug, Clone, Default)]
pub struct FixedAssumptions {
    /// Per option: the optimism-bias uplift, adoption multiplier, delay and discount rate at
    /// which the mean NPSV reaches zero.
    pub switching: Vec<SwitchingValue>,
    /// Per option and share of [`MITIGATION_SWEEP`].
    pub mitigation: Vec<Mitigated>,
    /// Per option, for the chart.
    pub curves: Vec<Curves>,
}

/// An option's mean NPSV across each fixed assumption's range, for the chart: per assumption
/// (uplift, adoption multiplier, years late, discount rate) the (value, mean NPSV) points and
/// the value as written.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Curves {
    pub option: String,
    pub points: [Vec<(f64, f64)>; 4],
    pub current: [f64; 4],
}

/// Points per curve.
const CURVE_POINTS: usize = 21;

/// A common uplift `u` in place of the drawn ones.
fn with_uplift(u: f64) -> Change {
    Change {
        uplift: Some(u),
        ..Change::default()
    }
}

/// The adoption path times `m`, each year capped at 1.
fn with_multiplier(m: f64) -> Change {
    Change {
        multiplier: Some(m),
        ..Change::default()
    }
}

/// The option `d` whole years late.
fn with_delay(d: usize) -> Change {
    Change {
        delay: d,
        ..Change::default()
    }
}

/// Each option's curves over common ranges: the uplift from 0 to twice the largest written,
/// the adoption multiplier from 0 to 2, every whole year of delay the period allows, and a
/// constant discount rate from 0 to 20 %.
fn curves(model: &Model, flows: &[Flows]) -> Vec<Curves> {
    let df = &model.discount_factors;
    let top = flows.iter().map(Flows::mean_uplift).fold(0.5f64, f64::max) * 2.0;
    let grid = |high: f64| -> Vec<f64> {
        (0..CURVE_POINTS)
            .map(|k| high * k as f64 / (CURVE_POINTS - 1) as f64)
            .collect()
    };
    let rate = model.discounting().rate(1);
    model
        .options
        .iter()
        .zip(flows)
        .filter(|(_, f)| f.n > 0)
        .map(|(option, flows)| {
            let uplift = flows.mean_uplift();
            let at = |change: Change| flows.mean_npsv(df, change);
            let net = flows.mean_net_by_year();
            let late = flows.years.saturating_sub(flows.live);
            Curves {
                option: option.id.clone(),
                points: [
                    // The mean NPSV is a straight line in a common uplift: two points draw it.
                    {
                        let (a, b) = (at(with_uplift(0.0)), at(with_uplift(1.0)));
                        grid(top)
                            .into_iter()
                            .map(|u| (u, a + (b - a) * u))
                            .collect()
                    },
                    grid(2.0)
                        .into_par_iter()
                        .map(|m| (m, at(with_multiplier(m))))
                        .collect(),
                    (0..=late)
                        .into_par_iter()
                        .map(|d| (d as f64, at(with_delay(d))))
                        .collect(),
                    grid(0.2)
                        .into_iter()
                        .map(|r| (r, at_rate(&net, r)))
                        .collect(),
                ],
                current: [uplift, 1.0, 0.0, rate],
            }
        })
        .collect()
}

/// Tests every option's fixed assumptions on the run's kept iterations.
pub fn test(model: &Model, samples: &Samples) -> FixedAssumptions {
    let flows = flows(model, samples);
    let df = &model.discount_factors;
    let mut found = FixedAssumptions {
        curves: curves(model, &flows),
        ..FixedAssumptions::default()
    };
    for (o, option) in model.options.iter().enumerate() {
        let Some(flows) = flows.get(o).filter(|f| f.n > 0) else {
            continue;
        };
        let base_npsv = flows.mean_npsv(df, Change::default());
        let row = |input: &str, base_value: f64, value: Option<f64>| SwitchingValue {
            option: option.id.clone(),
            input: input.into(),
            base_value,
            switching_value: value,
            p5: f64::NAN,
            p95: f64::NAN,
            base_npsv,
            kind: SwitchingKind::Fixed,
        };
        let applied = flows.mean_uplift();
        let rate = model.discounting().rate(1);
        found.switching.extend([
            row(OPTIMISM_BIAS, applied, uplift_switch(flows, df)),
            row(ADOPTION, 1.0, multiplier_switch(flows, df)),
            row(DELAY, 0.0, delay_switch(flows, df)),
            row(DISCOUNT_RATE, rate, rate_switch(flows, rate)),
        ]);
        found
            .mitigation
            .extend(mitigation_sweep(&option.id, flows, df));
    }
    found
}

/// How a fixed assumption's values are written: the uplift and the rate as shares, the
/// multiplier as a ratio, the delay as a count of years.
pub fn kind_of(input: &str) -> crate::table::Kind {
    use crate::table::Kind;
    match input {
        ADOPTION => Kind::Ratio,
        DELAY => Kind::Count,
        _ => Kind::Input(crate::params::Unit::Share),
    }
}

/// The ids of the fixed assumptions in `switching.csv`.
pub const OPTIMISM_BIAS: &str = "optimism_bias_uplift";
pub const ADOPTION: &str = "adoption_multiplier";
pub const DELAY: &str = "delay_years";
pub const DISCOUNT_RATE: &str = "discount_rate";

/// The uplift u ≥ 0 at which the mean NPSV is 0: the NPSV is linear in u, falling by the
/// mean PV of capital for each unit of u.
fn uplift_switch(flows: &Flows, df: &[f64]) -> Option<f64> {
    let at = |u: f64| flows.mean_npsv(df, with_uplift(u));
    let (zero, one) = (at(0.0), at(1.0));
    let slope = one - zero;
    if slope >= 0.0 {
        return None;
    }
    let u = -zero / slope;
    (u >= 0.0).then_some(u)
}

/// The adoption multiplier m at which the mean NPSV is 0, searched from 0 to the multiplier at
/// which every year's adoption is capped at 1.
fn multiplier_switch(flows: &Flows, df: &[f64]) -> Option<f64> {
    let smallest = flows
        .adoption
        .iter()
        .copied()
        .filter(|&a| a > 0.0)
        .fold(f64::INFINITY, f64::min);
    if !smallest.is_finite() {
        return None;
    }
    let high = (1.0 / smallest).min(1e6);
    let at = |m: f64| flows.mean_npsv(df, with_multiplier(m));
    bisect(at, 0.0, high)
}

/// The fewest whole years of delay past `live` after which the mean NPSV is below 0.
fn delay_switch(flows: &Flows, df: &[f64]) -> Option<f64> {
    (0..flows.years.saturating_sub(flows.live) + 1)
        .find(|&delay| flows.mean_npsv(df, with_delay(delay)) < 0.0)
        .map(|d| d as f64)
}

/// The constant discount rate in 0–20 % at which the mean NPSV is 0: the root nearest the
/// scenario's own rate, found on a 0.1 % grid and refined by bisection.
fn rate_switch(flows: &Flows, rate: f64) -> Option<f64> {
    // The mean NPSV is the mean yearly net flows discounted: sum them once.
    let net = flows.mean_net_by_year();
    let at = |r: f64| at_rate(&net, r);
    let grid: Vec<f64> = (0..=200).map(|k| f64::from(k) * 0.001).collect();
    let values: Vec<f64> = grid.iter().map(|&r| at(r)).collect();
    (0..grid.len() - 1)
        .filter(|&k| (values[k] < 0.0) != (values[k + 1] < 0.0))
        .filter_map(|k| bisect(at, grid[k], grid[k + 1]))
        .min_by(|a, b| (a - rate).abs().total_cmp(&(b - rate).abs()))
}

/// The mean NPSV of mean yearly net flows `net` discounted at a constant rate `r`.
fn at_rate(net: &[f64], r: f64) -> f64 {
    net.iter()
        .enumerate()
        .map(|(y, x)| x * (1.0 + r).powi(-(y as i32)))
        .sum()
}

/// The root of `f` in [low, high], where `f` changes sign across it: regula falsi with the
/// Illinois step (a straight line through the bracket's ends, the end that stays halved), which
/// lands on a piecewise-linear function's root in a few steps and never leaves the bracket.
fn bisect(f: impl Fn(f64) -> f64, mut low: f64, mut high: f64) -> Option<f64> {
    let (mut f_low, mut f_high) = (f(low), f(high));
    if (f_low < 0.0) == (f_high < 0.0) || !f_low.is_finite() || !f_high.is_finite() {
        return None;
    }
    let mut kept = 0i8;
    for _ in 0..100 {
        let mid = (low * f_high - high * f_low) / (f_high - f_low);
        let mid = if mid > low && mid < high {
            mid
        } else {
            0.5 * (low + high)
        };
        let f_mid = f(mid);
        if f_mid == 0.0 || high - low <= 1e-12 * high.abs().max(1.0) {
            return Some(mid);
        }
        if (f_mid < 0.0) == (f_low < 0.0) {
            (low, f_low) = (mid, f_mid);
            if kept == 1 {
                f_high *= 0.5;
            }
            kept = 1;
        } else {
            (high, f_high) = (mid, f_mid);
            if kept == -1 {
                f_low *= 0.5;
            }
            kept = -1;
        }
        // Converged when the function at the new point is below a millionth of a pound.
        if f_mid.abs() < 1e-6 {
            return Some(mid);
        }
    }
    Some(0.5 * (low + high))
}

/// Every option's flows over the first kept iterations: the saving at full adoption from one
/// evaluation with every adoption set to 1, the rest read from the inputs.
fn flows(model: &Model, samples: &Samples) -> Vec<Flows> {
    let years = model.settings().years;
    let options = model.options.len().max(1);
    let n = samples
        .len()
        .min(FIXED_ITERATIONS)
        .min(MAX_STORED / (3 * years * options).max(1));
    let columns: Vec<(usize, &[f64])> = samples
        .inputs()
        .into_iter()
        .map(|(id, c)| (id, samples.input_prefix(c, n)))
        .collect();
    let base: Vec<f64> = model.inputs.iter().map(|i| i.sampler.mean()).collect();
    let inputs_of = |i: usize, inputs: &mut Vec<f64>| {
        for (id, column) in &columns {
            inputs[*id] = column[i];
        }
    };
    let saving = savings(model, n, &base, &inputs_of);
    let mut inputs = base.clone();
    let mut all = Vec::new();
    for (o, option) in model.options.iter().enumerate() {
        let mut flows = Flows {
            n,
            years,
            live: option.live,
            saving: vec![0.0; n * years],
            adoption: vec![0.0; n * years],
            capital: vec![0.0; n * years],
            uplift: vec![0.0; n],
            mitigation: vec![0.0; n],
            running: vec![0.0; n],
        };
        for i in 0..n {
            inputs_of(i, &mut inputs);
            for y in 0..years {
                let at = i * years + y;
                flows.adoption[at] = option.adoption_input(y).map_or(0.0, |id| inputs[id]);
                flows.capital[at] = option.capital.get(y).map_or(0.0, |&id| inputs[id]);
                flows.saving[at] = saving[(i * options + o) * years + y];
            }
            flows.uplift[i] = inputs[option.optimism_bias];
            flows.mitigation[i] = inputs[option.optimism_bias_mitigation];
            flows.running[i] = inputs[option.running];
        }
        all.push(flows);
    }
    all
}

/// Iterations evaluated together by one thread.
const CHUNK: usize = 512;

/// Each kept iteration's saving at full adoption, by option and year (iteration-major):
/// every option evaluated once with each adoption input set to 1, chunks of iterations in
/// parallel, each chunk with its own scratch space (the same figures for any thread count).
fn savings(
    model: &Model,
    n: usize,
    base: &[f64],
    inputs_of: &(dyn Fn(usize, &mut Vec<f64>) + Sync),
) -> Vec<f64> {
    use rayon::prelude::*;
    let years = model.settings().years;
    let options = model.options.len().max(1);
    let layout = Layout::core(model);
    let adoption_ids: Vec<usize> = model
        .options
        .iter()
        .flat_map(|o| (0..years).filter_map(|y| o.adoption_input(y)))
        .collect();
    // Output index → (option, year) of the yearly benefits to users and to government.
    let mut benefit_of = vec![None; layout.len];
    for o in 0..model.options.len() {
        for y in 0..years {
            for metric in [YearlyMetric::BenefitUsers, YearlyMetric::BenefitGovernment] {
                benefit_of[layout.yearly(Some(o), y, metric)] = Some((o, y));
            }
        }
    }
    let per_iteration = options * years;
    let mut saving = vec![0.0; n * per_iteration];
    saving
        .par_chunks_mut(CHUNK * per_iteration)
        .enumerate()
        .for_each(|(c, out)| {
            let mut scratch = Scratch::new(model, &layout);
            let mut inputs = base.to_vec();
            for (k, row) in out.chunks_mut(per_iteration).enumerate() {
                inputs_of(c * CHUNK + k, &mut inputs);
                for &id in &adoption_ids {
                    inputs[id] = 1.0;
                }
                let range = 0..model.options.len();
                eval::evaluate_options(model, &layout, &inputs, &mut scratch, range, |k, v| {
                    if let Some((o, y)) = benefit_of[k] {
                        row[o * years + y] += v;
                    }
                });
            }
        });
    saving
}
