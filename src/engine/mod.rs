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

/// Distance between columns in a worker's buffers: a batch plus one cache line, so that the
/// same row of different columns does not fall in the same cache set (a power-of-two stride
/// would make every column contend for one set).
const COLUMN: usize = BATCH + 8;

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
    check_iterations(config.iterations)?;
    let layout = Layout::new(model);
    let batches = config.iterations.div_ceil(BATCH as u64) as usize;
    let progress = progress_bar(config);
    let kept_inputs = if config.keep == Keep::Nothing {
        Vec::new()
    } else {
        uncertain_inputs(model)
    };
    let kept_outputs = config.keep.outputs(&layout);
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
            || Worker::new(model, &layout, config),
            |mut w, (b, block)| {
                if !crate::error::interrupted() {
                    w.run_batch(b);
                    w.keep_samples(b, block, &kept_inputs, &kept_outputs);
                    progress.inc(w.batch_len(b) as u64);
                }
                w
            },
        )
        .reduce_with(|mut a, b| {
            a.absorb(b);
            a
        });
    progress.finish_and_clear();
    if crate::error::interrupted() {
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
                            output_name(model, &layout, k)
                        )
                    },
                    |o| o.describe(model, &layout),
                );
                return Err(Error::Numeric(message));
            }
            Ok(Stats::from_accumulators(&moments, &worker.sketches[k]))
        })
        .collect::<Result<Vec<_>>>()?;
    let samples = (config.keep != Keep::Nothing).then_some(Samples {
        input_ids: kept_inputs,
        output_ids: kept_outputs,
        iterations: config.iterations as usize,
        data: kept,
    });
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

/// The memory this machine has available, from /proc/meminfo where there is one.
pub fn memory_available() -> u64 {
    std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|text| {
            let line = text.lines().find(|l| l.starts_with("MemAvailable:"))?;
            let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
            Some(kib * 1024)
        })
        .unwrap_or(16 << 30)
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
            output_name(model, layout, self.output),
            self.iteration + 1,
            named.join("; ")
        )
    }
}

impl<'m> Worker<'m> {
    fn new(model: &'m Model, layout: &'m Layout, config: &'m RunConfig) -> Worker<'m> {
        Worker {
            model,
            layout,
            config,
            input_columns: vec![0.0; model.inputs.len() * COLUMN],
            output_columns: vec![0.0; layout.len * COLUMN],
            row: vec![0.0; model.inputs.len()],
            scratch: eval::Scratch::new(model),
            sketches: vec![Sketch::default(); layout.len],
            batch_moments: Vec::new(),
            overflow: None,
        }
    }

    fn batch_len(&self, b: usize) -> usize {
        let start = (b * BATCH) as u64;
        (self.config.iterations - start).min(BATCH as u64) as usize
    }

    fn run_batch(&mut self, b: usize) {
        let len = self.batch_len(b);
        for (i, input) in self.model.inputs.iter().enumerate() {
            let column = &mut self.input_columns[i * COLUMN..i * COLUMN + len];
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
