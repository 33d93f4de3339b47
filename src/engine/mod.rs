//! The Monte Carlo engine: deterministic parallel batches of iterations.
//!
//! Iterations are cut into fixed batches of [`BATCH`]. Each input of each batch draws from its
//! own random stream, seeded from (seed, batch index, input key), so the results are the same
//! for any number of threads, and changing one input leaves every other input's draws as they
//! were. A batch draws its inputs column by column, evaluates every iteration into output
//! columns, then folds each column into mergeable accumulators; buffers are allocated once per
//! worker, never per iteration.

mod channels;
pub mod eval;
mod layout;
pub mod stats;
mod transactions;

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;

use rand::rngs::Xoshiro256PlusPlus;
use rand::SeedableRng;
use rayon::prelude::*;

use crate::error::{Error, Result};
use crate::outputs::{Bearer, Component, Metric, Scope};
use crate::scenario::Model;
pub use eval::Layout;
use stats::{Moments, Sketch};

/// Iterations per batch.
pub const BATCH: usize = 4096;

/// Distance between columns in a worker's buffers: a batch plus one cache line, so that the
/// same row of different columns does not fall in the same cache set (a power-of-two stride
/// would make every column contend for one set).
const COLUMN: usize = BATCH + 8;

pub use crate::scenario::MAX_ITERATIONS;

/// Asks a run to stop. Each run has its own token: cancelling one run leaves every other run,
/// before or after it in the same process, alone. Clones share the flag.
#[derive(Debug, Clone, Default)]
pub struct CancelToken(Arc<AtomicBool>);

impl CancelToken {
    /// A token not yet cancelled.
    pub fn new() -> CancelToken {
        CancelToken::default()
    }

    /// Asks the run holding this token to stop at its next check (between batches).
    pub fn cancel(&self) {
        self.0.store(true, Ordering::SeqCst);
    }

    /// Whether a stop has been asked for.
    pub fn is_cancelled(&self) -> bool {
        self.0.load(Ordering::SeqCst)
    }
}

/// Told of progress after each batch: iterations done, and iterations in all. Called from the
/// worker threads, so it must be cheap and thread-safe; the engine itself never prints.
pub type Progress = Arc<dyn Fn(u64, u64) + Send + Sync>;

/// How to run a model: everything but the model itself.
#[derive(Clone, Default)]
pub struct RunConfig {
    /// Iterations; `None` for the scenario's own `iterations`.
    pub iterations: Option<u64>,
    /// Random seed; `None` for the scenario's own `seed`.
    pub seed: Option<u64>,
    /// Which per-iteration values to keep, for sensitivity and `samples.parquet`.
    pub keep: Keep,
    /// Cancels this run.
    pub cancel: CancelToken,
    /// Told of progress, if given.
    pub progress: Option<Progress>,
}

impl std::fmt::Debug for RunConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RunConfig")
            .field("iterations", &self.iterations)
            .field("seed", &self.seed)
            .field("keep", &self.keep)
            .field("cancel", &self.cancel)
            .field("progress", &self.progress.is_some())
            .finish()
    }
}

impl RunConfig {
    /// The iteration count this config gives `model`.
    pub fn iterations_for(&self, model: &Model) -> u64 {
        self.iterations.unwrap_or(model.settings().iterations)
    }

    /// The seed this config gives `model`.
    pub fn seed_for(&self, model: &Model) -> u64 {
        self.seed.unwrap_or(model.settings().seed)
    }
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
    /// Nothing: statistics only (no sensitivity analysis).
    Nothing,
    /// Uncertain inputs and the outputs sensitivity analysis needs: the total annual cost of
    /// disjointedness and each option's NPSV. The default: every report needs them.
    #[default]
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
                .chain((0..layout.options).map(|o| layout.appraisal(o, Metric::Npsv)))
                .collect(),
            Keep::Everything => (0..layout.yearly_start()).collect(),
        }
    }
}

/// The output index of the total annual cost of disjointedness (users and government).
pub fn total_disjointed(layout: &Layout) -> usize {
    layout.summary(Scope::Total, Component::Disjointed, Bearer::All)
}

/// Every iteration's uncertain inputs and kept outputs. They are stored batch by batch, as the
/// workers wrote them (each batch a block of columns of [`BATCH`] values), so that keeping them
/// costs no copy; a column is gathered into iteration order when it is read.
#[derive(Debug, Clone, Default)]
pub struct Samples {
    input_ids: Vec<usize>,
    output_ids: Vec<usize>,
    iterations: usize,
    data: Vec<f64>,
}

impl Samples {
    fn columns(&self) -> usize {
        self.input_ids.len() + self.output_ids.len()
    }

    /// Column `c` in iteration order.
    fn column(&self, c: usize) -> Vec<f64> {
        let stride = self.columns() * BATCH;
        let mut out = Vec::with_capacity(self.iterations);
        for (b, block) in self.data.chunks(stride).enumerate() {
            let len = (self.iterations - b * BATCH).min(BATCH);
            out.extend_from_slice(&block[c * BATCH..c * BATCH + len]);
        }
        out
    }

    /// (input id, column) of every kept input.
    pub fn inputs(&self) -> Vec<(usize, usize)> {
        self.input_ids
            .iter()
            .copied()
            .enumerate()
            .map(|(c, id)| (id, c))
            .collect()
    }

    /// The draws of the kept input in column `c` (from [`Samples::inputs`]).
    pub fn input_column(&self, c: usize) -> Vec<f64> {
        self.column(c)
    }

    /// The kept output indices.
    pub fn output_ids(&self) -> &[usize] {
        &self.output_ids
    }

    /// The values of output `k`, if kept.
    pub fn output(&self, k: usize) -> Option<Vec<f64>> {
        let c = self.output_ids.iter().position(|&i| i == k)?;
        Some(self.column(self.input_ids.len() + c))
    }
}

/// The statistics of every output of a run, by position in its [`Layout`]; read them through
/// [`crate::Results`], which addresses them by meaning.
#[derive(Debug, Clone)]
pub struct Outcome {
    pub layout: Layout,
    pub iterations: u64,
    pub seed: u64,
    /// Indexed like [`Layout`]; `None` where an output is undefined in every iteration.
    pub stats: Vec<Option<Stats>>,
    /// The quantile sketch of every output, for distribution curves in charts.
    pub sketches: Vec<Sketch>,
    pub samples: Option<Samples>,
}

/// What one run of the engine needs, resolved from the model and a [`RunConfig`].
struct Plan<'c> {
    iterations: u64,
    seed: u64,
    keep: Keep,
    cancel: &'c CancelToken,
    progress: Option<&'c Progress>,
}

/// Runs the model: every iteration's outputs, folded into statistics.
///
/// # Errors
/// [`Error::Usage`] for an iteration count out of range; [`Error::Interrupted`] when the run's
/// token is cancelled; [`Error::Numeric`] when an output is not finite (the inputs overflow),
/// naming the output.
pub fn run(model: &Model, config: &RunConfig) -> Result<Outcome> {
    let plan = Plan {
        iterations: config.iterations_for(model),
        seed: config.seed_for(model),
        keep: config.keep,
        cancel: &config.cancel,
        progress: config.progress.as_ref(),
    };
    check_iterations(plan.iterations)?;
    let layout = Layout::new(model);
    let batches = plan.iterations.div_ceil(BATCH as u64) as usize;
    let done = AtomicU64::new(0);
    let kept_inputs = if plan.keep == Keep::Nothing {
        Vec::new()
    } else {
        uncertain_inputs(model)
    };
    let kept_outputs = plan.keep.outputs(&layout);
    // Each batch writes its kept columns straight into its own block of this buffer.
    let stride = (kept_inputs.len() + kept_outputs.len()) * BATCH;
    let mut kept = vec![
        0.0;
        if stride == 0 {
            batches
        } else {
            batches * stride
        }
    ];
    let worker = kept
        .par_chunks_mut(stride.max(1))
        .enumerate()
        .with_min_len(4)
        .fold(
            || Worker::new(model, &layout, &plan),
            |mut w, (b, block)| {
                if !plan.cancel.is_cancelled() {
                    w.run_batch(b);
                    w.keep_samples(b, block, &kept_inputs, &kept_outputs);
                    let len = w.batch_len(b) as u64;
                    let so_far = done.fetch_add(len, Ordering::Relaxed) + len;
                    if let Some(progress) = plan.progress {
                        progress(so_far, plan.iterations);
                    }
                }
                w
            },
        )
        .reduce_with(|mut a, b| {
            a.absorb(b);
            a
        });
    if plan.cancel.is_cancelled() {
        return Err(Error::Interrupted);
    }
    let Some(mut worker) = worker else {
        return Err(Error::Numeric("no iterations were run".into()));
    };
    worker.batch_moments.sort_by_key(|(b, _)| *b);
    let stats = (0..layout.len)
        .map(|k| {
            let per_batch: Vec<Moments> = worker.batch_moments.iter().map(|(_, m)| m[k]).collect();
            let moments = Moments::merge_pairwise(&per_batch);
            if !moments.mean.is_finite() || !moments.m2.is_finite() {
                let message = worker.overflow.as_ref().map_or_else(
                    || {
                        format!(
                            "{} is not a finite number: the inputs overflow",
                            layout.output_name(model, k)
                        )
                    },
                    |o| o.describe(model, &layout),
                );
                return Err(Error::Numeric(message));
            }
            Ok(Stats::from_accumulators(&moments, &worker.sketches[k]))
        })
        .collect::<Result<Vec<_>>>()?;
    let samples = (plan.keep != Keep::Nothing).then_some(Samples {
        input_ids: kept_inputs,
        output_ids: kept_outputs,
        iterations: plan.iterations as usize,
        data: kept,
    });
    let sketches = std::mem::take(&mut worker.sketches);
    drop(worker);
    Ok(Outcome {
        layout,
        iterations: plan.iterations,
        seed: plan.seed,
        stats,
        sketches,
        samples,
    })
}

/// The inputs worth keeping per iteration: the uncertain ones.
pub fn uncertain_inputs(model: &Model) -> Vec<usize> {
    (0..model.inputs.len())
        .filter(|&i| !model.inputs[i].sampler.is_fixed())
        .collect()
}

/// Checks an iteration count against 1 … [`MAX_ITERATIONS`].
///
/// # Errors
/// [`Error::Usage`] naming `--iterations`.
pub fn check_iterations(iterations: u64) -> Result<()> {
    if iterations == 0 || iterations > MAX_ITERATIONS {
        return Err(Error::Usage {
            flag: "--iterations".into(),
            problem: format!("{iterations} is outside 1…{MAX_ITERATIONS}"),
            fix: "use e.g. --iterations 20000 (10,000 or more for stable percentiles)".into(),
        });
    }
    Ok(())
}

/// An estimate of the memory a run needs, in bytes: the kept per-iteration columns, plus
/// each worker's batch buffers and sketches.
pub fn memory_estimate(model: &Model, iterations: u64, keep: Keep) -> u64 {
    let layout = Layout::new(model);
    let kept_columns = match keep {
        Keep::Nothing => 0,
        _ => uncertain_inputs(model).len() + keep.outputs(&layout).len(),
    } as u64;
    let per_worker =
        ((model.inputs.len() + layout.len) * COLUMN * 8 + layout.len * 48 * 1024) as u64;
    let threads = rayon::current_num_threads().max(1) as u64;
    // The kept columns are joined after the run, one column at a time, so one extra column.
    kept_columns * iterations * 8 + iterations * 8 + per_worker * (threads + 2) + 64 * 1024 * 1024
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
    plan: &'m Plan<'m>,
    input_columns: Vec<f64>,
    output_columns: Vec<f64>,
    row: Vec<f64>,
    scratch: eval::Scratch,
    sketches: Vec<Sketch>,
    batch_moments: Vec<(usize, Vec<Moments>)>,
    /// The earliest iteration whose outputs overflowed, if any.
    overflow: Option<Overflow>,
}

/// An iteration whose outputs were not finite numbers.
#[derive(Debug, Clone)]
struct Overflow {
    iteration: u64,
    output: usize,
    inputs: Vec<f64>,
}

impl Overflow {
    /// A message naming the output and the largest inputs drawn in that iteration.
    fn describe(&self, model: &Model, layout: &Layout) -> String {
        let mut order: Vec<usize> = (0..self.inputs.len()).collect();
        order.sort_by(|&a, &b| self.inputs[b].abs().total_cmp(&self.inputs[a].abs()));
        let named: Vec<String> = order
            .iter()
            .take(3)
            .map(|&i| {
                let x = self.inputs[i];
                let value = if x.abs() < 1e15 {
                    crate::dist::fmt_num(x)
                } else {
                    format!("{x:e}")
                };
                format!(
                    "{} = {value} (`{}`)",
                    model.inputs[i].key, model.inputs[i].text
                )
            })
            .collect();
        format!(
            "{} is not a finite number in iteration {}: the inputs multiply to overflow. The largest inputs drawn there: {}",
            layout.output_name(model, self.output),
            self.iteration + 1,
            named.join("; ")
        )
    }
}

impl<'m> Worker<'m> {
    fn new(model: &'m Model, layout: &'m Layout, plan: &'m Plan<'m>) -> Worker<'m> {
        Worker {
            model,
            layout,
            plan,
            input_columns: vec![0.0; model.inputs.len() * COLUMN],
            output_columns: vec![0.0; layout.len * COLUMN],
            row: vec![0.0; model.inputs.len()],
            scratch: eval::Scratch::new(model, layout),
            sketches: vec![Sketch::default(); layout.len],
            batch_moments: Vec::new(),
            overflow: None,
        }
    }

    fn batch_len(&self, b: usize) -> usize {
        let start = (b * BATCH) as u64;
        (self.plan.iterations - start).min(BATCH as u64) as usize
    }

    fn run_batch(&mut self, b: usize) {
        let len = self.batch_len(b);
        for (i, input) in self.model.inputs.iter().enumerate() {
            let column = &mut self.input_columns[i * COLUMN..i * COLUMN + len];
            let mut rng = stream_rng(self.plan.seed, b, input.stream);
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
                *x = input_columns[i * COLUMN + j];
            }
            eval::evaluate(model, layout, row, scratch, |k, v| {
                output_columns[k * COLUMN + j] = v
            });
        }
        let moments: Vec<Moments> = (0..self.layout.len)
            .map(|k| {
                stats::accumulate(
                    &self.output_columns[k * COLUMN..k * COLUMN + len],
                    &mut self.sketches[k],
                )
            })
            .collect();
        if self.overflow.is_none() {
            self.overflow = self.find_overflow(b, len, &moments);
        }
        self.batch_moments.push((b, moments));
    }

    /// The first iteration of this batch with an output that is not a finite number, with the
    /// output and the inputs drawn for it. (A BCR is left undefined on purpose and skipped.)
    fn find_overflow(&self, b: usize, len: usize, moments: &[Moments]) -> Option<Overflow> {
        let k = moments
            .iter()
            .position(|m| !m.mean.is_finite() || !m.m2.is_finite())?;
        let column = &self.output_columns[k * COLUMN..k * COLUMN + len];
        let j = column.iter().position(|v| !v.is_finite()).unwrap_or(0);
        let inputs = (0..self.model.inputs.len())
            .map(|i| self.input_columns[i * COLUMN + j])
            .collect();
        Some(Overflow {
            iteration: (b * BATCH + j) as u64,
            output: k,
            inputs,
        })
    }

    /// Copies the kept columns of batch `b` into its block of the samples buffer.
    fn keep_samples(&self, b: usize, block: &mut [f64], inputs: &[usize], outputs: &[usize]) {
        let len = self.batch_len(b);
        let sources = inputs
            .iter()
            .map(|&i| &self.input_columns[i * COLUMN..i * COLUMN + len])
            .chain(
                outputs
                    .iter()
                    .map(|&k| &self.output_columns[k * COLUMN..k * COLUMN + len]),
            );
        for (c, source) in sources.enumerate() {
            block[c * BATCH..c * BATCH + len].copy_from_slice(source);
        }
    }

    fn absorb(&mut self, other: Worker) {
        for (mine, theirs) in self.sketches.iter_mut().zip(&other.sketches) {
            mine.merge(theirs);
        }
        self.batch_moments.extend(other.batch_moments);
        self.overflow = match (self.overflow.take(), other.overflow) {
            (Some(a), Some(b)) => Some(if a.iteration <= b.iteration { a } else { b }),
            (a, b) => a.or(b),
        };
    }
}
