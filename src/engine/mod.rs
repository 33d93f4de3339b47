//! The Monte Carlo engine: deterministic parallel batches of iterations.
//!
//! Iterations are cut into fixed batches of [`BATCH`]. Each input of each batch draws from its
//! own random stream, seeded from (seed, batch index, input key), so the results are the same
//! for any number of threads, and changing one input leaves every other input's draws as they
//! were. A batch draws its inputs column by column, evaluates every iteration into output
//! columns, then folds each column into mergeable accumulators; buffers are allocated once per
//! worker, never per iteration.

pub mod eval;
pub mod stats;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use rand::rngs::Xoshiro256PlusPlus;
use rand::SeedableRng;
use rayon::prelude::*;

use crate::error::{Error, Result};
use crate::scenario::Model;
pub use eval::Layout;
use stats::{Moments, Sketch};

/// Iterations per batch.
pub const BATCH: usize = 4096;

/// The most iterations one run accepts.
pub const MAX_ITERATIONS: u64 = 100_000_000;

/// What to run.
#[derive(Debug, Clone)]
pub struct RunConfig {
    pub iterations: u64,
    pub seed: u64,
    /// Which per-iteration values to keep, for sensitivity and `samples.parquet`.
    pub keep: Keep,
    /// Show a progress bar on stderr (drawn only when stderr is a terminal).
    pub progress: bool,
}

/// Statistics of one output across iterations.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct Stats {
    pub n: u64,
    pub mean: f64,
    pub sd: f64,
    pub se: f64,
    pub p5: f64,
    pub p10: f64,
    pub p50: f64,
    pub p90: f64,
    pub p95: f64,
    /// Share of iterations above zero.
    pub p_positive: f64,
}

impl Stats {
    fn from_accumulators(moments: &Moments, sketch: &Sketch) -> Option<Stats> {
        let q = |p| sketch.quantile(p);
        Some(Stats {
            n: moments.n,
            mean: moments.mean,
            sd: moments.sd(),
            se: moments.se(),
            p5: q(0.05)?,
            p10: q(0.10)?,
            p50: q(0.50)?,
            p90: q(0.90)?,
            p95: q(0.95)?,
            p_positive: sketch.share_above_zero(),
        })
    }
}

/// Which per-iteration values a run keeps.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Keep {
    /// Nothing: statistics only.
    #[default]
    Nothing,
    /// Uncertain inputs and the outputs sensitivity analysis needs: the total annual cost of
    /// disjointedness and each option's NPSV.
    Sensitivity,
    /// Uncertain inputs and every summary and appraisal output (`--samples`).
    Everything,
}

impl Keep {
    /// The output indices kept.
    pub fn outputs(self, layout: &Layout) -> Vec<usize> {
        match self {
            Keep::Nothing => Vec::new(),
            Keep::Sensitivity => std::iter::once(total_disjointed(layout))
                .chain((0..layout.options).map(|o| layout.appraisal(o, eval::NPSV)))
                .collect(),
            Keep::Everything => (0..layout.yearly_start()).collect(),
        }
    }
}

/// The output index of the total annual cost of disjointedness (users and government).
pub fn total_disjointed(layout: &Layout) -> usize {
    layout.summary(layout.departments, 4, 2)
}

/// Every iteration's uncertain inputs and kept outputs, in iteration order.
#[derive(Debug, Clone, Default)]
pub struct Samples {
    /// (input id, values) for every uncertain input.
    pub inputs: Vec<(usize, Vec<f64>)>,
    /// (output index, values) for every kept output.
    pub outputs: Vec<(usize, Vec<f64>)>,
}

impl Samples {
    /// The values of output `k`, if kept.
    pub fn output(&self, k: usize) -> Option<&[f64]> {
        self.outputs
            .iter()
            .find(|(i, _)| *i == k)
            .map(|(_, v)| v.as_slice())
    }
}

/// The statistics of every output of a run.
#[derive(Debug, Clone)]
pub struct Results {
    pub layout: Layout,
    pub iterations: u64,
    pub seed: u64,
    /// Indexed like [`Layout`]; `None` where an output is undefined in every iteration.
    pub stats: Vec<Option<Stats>>,
    /// The quantile sketch of every output, for distribution curves in charts.
    pub sketches: Vec<Sketch>,
    pub samples: Option<Samples>,
}

/// Runs the model.
///
/// # Errors
/// [`Error::Usage`] for an iteration count out of range; [`Error::Numeric`] when an output is
/// not finite (the inputs overflow), naming the output.
pub fn run(model: &Model, config: &RunConfig) -> Result<Results> {
    if config.iterations == 0 || config.iterations > MAX_ITERATIONS {
        return Err(Error::Usage {
            flag: "--iterations".into(),
            problem: format!("{} is outside 1…{MAX_ITERATIONS}", config.iterations),
            fix: "use e.g. --iterations 20000 (10,000 or more for stable percentiles)".into(),
        });
    }
    let layout = Layout::new(model);
    let batches = config.iterations.div_ceil(BATCH as u64) as usize;
    let progress = progress_bar(config);
    let worker = (0..batches)
        .into_par_iter()
        .with_min_len(4)
        .fold(
            || Worker::new(model, &layout, config),
            |mut w, b| {
                w.run_batch(b);
                progress.inc(w.batch_len(b) as u64);
                w
            },
        )
        .reduce_with(|mut a, b| {
            a.absorb(b);
            a
        });
    progress.finish_and_clear();
    let Some(mut worker) = worker else {
        return Err(Error::Numeric("no iterations were run".into()));
    };
    worker.batch_moments.sort_by_key(|(b, _)| *b);
    let stats = (0..layout.len)
        .map(|k| {
            let per_batch: Vec<Moments> = worker.batch_moments.iter().map(|(_, m)| m[k]).collect();
            let moments = Moments::merge_pairwise(&per_batch);
            if !moments.mean.is_finite() || !moments.m2.is_finite() {
                return Err(Error::Numeric(format!(
                    "{} is not a finite number in some iterations: the inputs multiply to overflow. Check inputs with very wide or heavy-tailed distributions (large `a to b` ranges, lognormal with a large sd)",
                    output_name(model, &layout, k)
                )));
            }
            Ok(Stats::from_accumulators(&moments, &worker.sketches[k]))
        })
        .collect::<Result<Vec<_>>>()?;
    let samples = (config.keep != Keep::Nothing).then(|| worker.samples());
    let sketches = std::mem::take(&mut worker.sketches);
    drop(worker);
    Ok(Results {
        layout,
        iterations: config.iterations,
        seed: config.seed,
        stats,
        sketches,
        samples,
    })
}

fn progress_bar(config: &RunConfig) -> ProgressBar {
    if !config.progress || config.iterations < 200_000 {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::with_draw_target(Some(config.iterations), ProgressDrawTarget::stderr());
    if let Ok(style) = ProgressStyle::with_template(
        "{bar:40} {percent:>3}% {human_pos}/{human_len} iterations, {eta} left",
    ) {
        bar.set_style(style);
    }
    bar
}

/// A readable name for output `k`, e.g. `summary total/failure/users`.
pub fn output_name(model: &Model, layout: &Layout, k: usize) -> String {
    use eval::*;
    if k < layout.summary_len() {
        let per_dept = COMPONENTS.len() * BEARERS.len();
        let d = k / per_dept;
        let c = (k % per_dept) / BEARERS.len();
        let b = k % BEARERS.len();
        let dept = model.departments.get(d).map_or("total", |d| d.id.as_str());
        return format!("{dept}_{}_{}", COMPONENTS[c], BEARERS[b]);
    }
    for o in 0..layout.options {
        for (m, metric) in APPRAISAL_METRICS.iter().enumerate() {
            if layout.appraisal(o, m) == k {
                return format!("{}_{metric}", model.options[o].id);
            }
        }
    }
    for y in 0..layout.years {
        let year = model.calendar_year(y);
        for (m, metric) in BAU_YEARLY_METRICS.iter().enumerate() {
            if layout.yearly(None, y, m) == k {
                return format!("bau_{year}_{metric}");
            }
        }
        for o in 0..layout.options {
            for (m, metric) in OPTION_YEARLY_METRICS.iter().enumerate() {
                if layout.yearly(Some(o), y, m) == k {
                    return format!("{}_{year}_{metric}", model.options[o].id);
                }
            }
        }
    }
    format!("output {k}")
}

/// The inputs worth keeping per iteration: the uncertain ones.
pub fn uncertain_inputs(model: &Model) -> Vec<usize> {
    (0..model.inputs.len())
        .filter(|&i| !model.inputs[i].sampler.is_fixed())
        .collect()
}

/// SplitMix64: a strong 64-bit mixer for deriving stream seeds.
fn splitmix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// The random stream of one input in one batch.
fn stream_rng(seed: u64, batch: usize, stream: u64) -> Xoshiro256PlusPlus {
    Xoshiro256PlusPlus::seed_from_u64(splitmix(seed ^ splitmix(batch as u64 ^ splitmix(stream))))
}

/// One worker's buffers and accumulators; several are merged at the end.
struct Worker<'m> {
    model: &'m Model,
    layout: &'m Layout,
    config: &'m RunConfig,
    input_columns: Vec<f64>,
    output_columns: Vec<f64>,
    row: Vec<f64>,
    scratch: eval::Scratch,
    sketches: Vec<Sketch>,
    batch_moments: Vec<(usize, Vec<Moments>)>,
    kept_inputs: Vec<usize>,
    kept_outputs: Vec<usize>,
    /// Per batch: one vector per kept input, then one per kept output.
    batch_samples: Vec<(usize, Vec<Vec<f64>>)>,
}

impl<'m> Worker<'m> {
    fn new(model: &'m Model, layout: &'m Layout, config: &'m RunConfig) -> Worker<'m> {
        Worker {
            model,
            layout,
            config,
            input_columns: vec![0.0; model.inputs.len() * BATCH],
            output_columns: vec![0.0; layout.len * BATCH],
            row: vec![0.0; model.inputs.len()],
            scratch: eval::Scratch::new(model),
            sketches: vec![Sketch::default(); layout.len],
            batch_moments: Vec::new(),
            kept_inputs: if config.keep == Keep::Nothing {
                Vec::new()
            } else {
                uncertain_inputs(model)
            },
            kept_outputs: config.keep.outputs(layout),
            batch_samples: Vec::new(),
        }
    }

    fn batch_len(&self, b: usize) -> usize {
        let start = (b * BATCH) as u64;
        (self.config.iterations - start).min(BATCH as u64) as usize
    }

    fn run_batch(&mut self, b: usize) {
        let len = self.batch_len(b);
        for (i, input) in self.model.inputs.iter().enumerate() {
            let column = &mut self.input_columns[i * BATCH..i * BATCH + len];
            let mut rng = stream_rng(self.config.seed, b, input.stream);
            input.sampler.fill(&mut rng, column);
        }
        let n_inputs = self.model.inputs.len();
        let Worker {
            model,
            layout,
            input_columns,
            output_columns,
            row,
            scratch,
            ..
        } = self;
        for j in 0..len {
            for (i, x) in row.iter_mut().enumerate().take(n_inputs) {
                *x = input_columns[i * BATCH + j];
            }
            eval::evaluate(model, layout, row, scratch, |k, v| {
                output_columns[k * BATCH + j] = v
            });
        }
        let moments = (0..self.layout.len)
            .map(|k| {
                let column = &self.output_columns[k * BATCH..k * BATCH + len];
                self.sketches[k].extend(column);
                Moments::from_slice(column)
            })
            .collect();
        self.batch_moments.push((b, moments));
        if self.config.keep != Keep::Nothing {
            self.keep_samples(b, len);
        }
    }

    fn keep_samples(&mut self, b: usize, len: usize) {
        let inputs = self
            .kept_inputs
            .iter()
            .map(|&i| &self.input_columns[i * BATCH..i * BATCH + len]);
        let outputs = self
            .kept_outputs
            .iter()
            .map(|&k| &self.output_columns[k * BATCH..k * BATCH + len]);
        let columns = inputs.chain(outputs).map(<[f64]>::to_vec).collect();
        self.batch_samples.push((b, columns));
    }

    fn absorb(&mut self, other: Worker) {
        for (mine, theirs) in self.sketches.iter_mut().zip(&other.sketches) {
            mine.merge(theirs);
        }
        self.batch_moments.extend(other.batch_moments);
        self.batch_samples.extend(other.batch_samples);
    }

    /// Joins the kept batches into whole columns, one column at a time so that memory never
    /// holds two copies of the samples.
    fn samples(&mut self) -> Samples {
        self.batch_samples.sort_by_key(|(b, _)| *b);
        let iterations = self.config.iterations as usize;
        let mut join = |c: usize| {
            let mut column = Vec::with_capacity(iterations);
            for (_, columns) in &mut self.batch_samples {
                column.extend_from_slice(&std::mem::take(&mut columns[c]));
            }
            column
        };
        let n_inputs = self.kept_inputs.len();
        let inputs = (0..n_inputs).map(|c| join(c)).collect::<Vec<_>>();
        let outputs = (0..self.kept_outputs.len())
            .map(|c| join(n_inputs + c))
            .collect::<Vec<_>>();
        Samples {
            inputs: self.kept_inputs.iter().copied().zip(inputs).collect(),
            outputs: self.kept_outputs.iter().copied().zip(outputs).collect(),
        }
    }
}
