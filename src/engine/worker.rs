//! One worker's share of a round: it draws a batch's inputs column by column, evaluates every
//! iteration into output columns, and folds each column into mergeable accumulators. Buffers
//! are allocated once per worker, never per iteration.

use std::sync::{Arc, Mutex};

use rand::rngs::Xoshiro256PlusPlus;
use rand::SeedableRng;

use super::parts::evaluate_with_states;
use super::stats::{self, Moments, Sketch};
use super::{column_len, Layout, Plan, BATCH};
use super::{eval, sampling};
use crate::scenario::{Model, Sampling};

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
pub(super) struct Worker<'m> {
    model: &'m Model,
    layout: &'m Layout,
    plan: &'m Plan<'m>,
    input_columns: Vec<f64>,
    output_columns: Vec<f64>,
    /// Where each input's and output's column lies in its buffer (`NONE` for one a rerun
    /// takes from the previous run without reading it): a rerun holds only what it computes.
    input_slot: Vec<usize>,
    output_slot: Vec<usize>,
    /// The uncertain inputs the evaluation reads, gathered into `rows`.
    gathered: Vec<usize>,
    /// [`ROWS`] iterations' inputs, row by row, indexed like the model's inputs.
    rows: Vec<f64>,
    scratch: eval::Scratch,
    /// Scratch space for a stratified column's order and a copula's normal scores.
    order: Vec<usize>,
    scores: Vec<f64>,
    pub(super) sketches: Vec<Sketch>,
    /// The distance between columns in the buffers: a batch (or the whole run, if shorter)
    /// and its padding.
    column: usize,
    pub(super) batch_moments: Vec<(usize, Vec<Moments>)>,
    /// The earliest iteration whose outputs overflowed, if any.
    pub(super) overflow: Option<Overflow>,
}

/// An iteration whose outputs were not finite numbers.
#[derive(Debug, Clone)]
pub(super) struct Overflow {
    pub(super) iteration: u64,
    output: usize,
    inputs: Vec<f64>,
}

impl Overflow {
    /// A message naming the output and the largest inputs drawn in that iteration.
    pub(super) fn describe(&self, model: &Model, layout: &Layout) -> String {
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
    /// A worker for `plan`, its buffers taken from `spare` where it has some.
    pub(super) fn new(
        model: &'m Model,
        layout: &'m Layout,
        plan: &'m Plan<'m>,
        spare: Option<&SpareBuffers>,
    ) -> Worker<'m> {
        let column = column_len(plan.iterations);
        let n_inputs = model.inputs.len();
        let fixed = |i: usize| model.inputs[i].sampler.is_fixed();
        // A fixed input needs no column (every draw is its value), and a rerun holds only the
        // inputs it draws again: the rest it reads from the previous run's samples.
        let (input_slot, output_slot, read) = match plan.reuse {
            Some((reuse, _)) => (
                slots((0..n_inputs).map(|i| reuse.inputs[i].is_none() && !fixed(i))),
                slots(
                    reuse
                        .outputs
                        .iter()
                        .enumerate()
                        .map(|(k, &same)| !same && k < plan.folded),
                ),
                reuse.read.clone(),
            ),
            None => (
                slots((0..n_inputs).map(|i| !fixed(i))),
                slots((0..layout.len).map(|k| k < plan.folded)),
                (0..n_inputs).collect(),
            ),
        };
        let held = |slot: &[usize]| slot.iter().filter(|&&s| s != NONE).count();
        // Each row starts with the fixed inputs' values, which no gathering overwrites.
        let width = row_width(model);
        let mut rows = vec![0.0; ROWS * width];
        for (i, input) in model.inputs.iter().enumerate() {
            if let Some(value) = input.sampler.fixed_value() {
                rows.iter_mut()
                    .skip(i)
                    .step_by(width)
                    .for_each(|x| *x = value);
            }
        }
        Worker {
            model,
            layout,
            plan,
            input_columns: sized(
                spare.and_then(SpareBuffers::take),
                held(&input_slot) * column,
            ),
            output_columns: sized(
                spare.and_then(SpareBuffers::take),
                held(&output_slot) * column,
            ),
            input_slot,
            output_slot,
            column,
            gathered: read.into_iter().filter(|&i| !fixed(i)).collect(),
            rows,
            scratch: eval::Scratch::new(model, layout),
            order: Vec::with_capacity(BATCH),
            scores: vec![0.0; model.copula().map_or(0, |c| c.inputs.len())],
            sketches: vec![Sketch::default(); layout.len],
            batch_moments: Vec::new(),
            overflow: None,
        }
    }

    /// Leaves this worker's buffers for the next run.
    pub(super) fn leave_buffers(self, spare: &SpareBuffers) {
        spare.give(self.input_columns);
        spare.give(self.output_columns);
    }

    pub(super) fn batch_len(&self, b: usize) -> usize {
        super::batch_len(self.plan.iterations, b)
    }

    /// Runs batch `b`; `states`, where the run keeps them, is where its iterations' journey
    /// parts go.
    pub(super) fn run_batch(&mut self, b: usize, mut states: Option<&mut [f64]>) {
        let len = self.batch_len(b);
        self.draw_inputs(b, len);
        let width = row_width(self.model);
        let plan = self.plan;
        let Worker {
            model,
            layout,
            input_columns,
            output_columns,
            input_slot,
            output_slot,
            gathered,
            rows,
            scratch,
            column,
            ..
        } = self;
        let column = *column;
        let reused = plan.reuse.map(|(reuse, _)| &reuse.outputs[..]);
        // Every output has a column unless a previous run stands for it or it is not folded.
        let every_column = reused.is_none() && plan.folded == layout.len;
        // The previous run's journey parts, and which journeys take theirs from it.
        let per = plan.states;
        let previous = plan
            .reuse
            .and_then(|(_, before)| before.journey_states.as_ref());
        let skip = plan.reuse.map_or(&[][..], |(reuse, _)| &reuse.journeys[..]);
        let options = 0..model.options.len();
        let draws: Vec<&[f64]> = gathered
            .iter()
            .map(|&i| draws_of(plan, input_columns, input_slot[i], column, (b, i, len)))
            .collect();
        for start in (0..len).step_by(ROWS) {
            let count = ROWS.min(len - start);
            gather(gathered, &draws, start..start + count, rows);
            if let Some(previous) = previous {
                let first = b * super::BATCH + start;
                super::parts::warm(previous, skip, first..first + count);
            }
            for (r, row) in rows.chunks_exact(width).take(count).enumerate() {
                let j = start + r;
                // Where the run keeps journey parts (the live page), this iteration's.
                let kept = (!plan.state_offsets.is_empty()).then(|| super::parts::States {
                    skip,
                    iteration: b * super::BATCH + j,
                    previous,
                    next: match states.as_deref_mut() {
                        Some(block) => &mut block[j * per..(j + 1) * per],
                        None => &mut [],
                    },
                    offsets: &plan.state_offsets,
                });
                let options = options.clone();
                match every_column {
                    // An output the previous run's statistics stand for, or one not folded,
                    // is not stored.
                    false => {
                        evaluate_with_states(model, layout, row, scratch, options, kept, |k, v| {
                            let slot = output_slot[k];
                            if slot != NONE {
                                output_columns[slot * column + j] = v;
                            }
                        })
                    }
                    true => {
                        evaluate_with_states(model, layout, row, scratch, options, kept, |k, v| {
                            output_columns[k * column + j] = v
                        })
                    }
                }
            }
        }
        let mut moments: Vec<Moments> = (0..self.layout.len)
            .map(|k| {
                if reused.is_some_and(|skip| skip[k]) || k >= plan.folded {
                    return Moments::default();
                }
                let at = self.output_slot[k] * self.column;
                stats::accumulate(&self.output_columns[at..at + len], &mut self.sketches[k])
            })
            .collect();
        if self.overflow.is_none() {
            self.overflow = self.find_overflow(b, len, &moments);
        }
        // After the outputs, each input's moments: the mean of its draws, which the workbook's
        // rebuilt present values start from.
        // (An input whose draws are the previous run's has that run's mean, and a fixed input
        // its value: neither is measured again.)
        let reused_inputs = plan.reuse.map(|(reuse, _)| &reuse.inputs[..]);
        moments.extend((0..self.model.inputs.len()).map(|i| {
            if reused_inputs.is_some_and(|r| r[i].is_some())
                || self.model.inputs[i].sampler.is_fixed()
            {
                return Moments::default();
            }
            Moments::from_slice(self.input_draws(b, i, len))
        }));
        self.batch_moments.push((b, moments));
    }

    /// Draws every input's column of batch `b` from its own stream (docs/method.md §5), or
    /// leaves an input that did not change to be read from the previous run's samples.
    fn draw_inputs(&mut self, b: usize, len: usize) {
        let stratified = self.plan.sampling == Sampling::LatinHypercube;
        for (i, input) in self.model.inputs.iter().enumerate() {
            let slot = self.input_slot[i];
            if slot == NONE {
                continue;
            }
            let column = &mut self.input_columns[slot * self.column..slot * self.column + len];
            let mut rng = stream_rng(self.plan.seed, b, input.stream);
            if self.plan.inversions[i].is_some() {
                sampling::fill_uniforms(&mut rng, column, stratified, &mut self.order);
            } else {
                input.sampler.fill(&mut rng, column);
            }
        }
        // (A rerun never has correlated inputs, and a correlated input is never fixed: each
        // holds its own column here.)
        if let Some(copula) = self.model.copula() {
            let columns: Vec<usize> = copula
                .inputs
                .iter()
                .map(|&i| self.input_slot[i] * self.column)
                .collect();
            sampling::correlate(
                copula,
                (&mut self.input_columns, &columns),
                len,
                &mut self.scores,
            );
        }
        for (i, inversion) in self.plan.inversions.iter().enumerate() {
            let slot = self.input_slot[i];
            if let (Some(inversion), true) = (inversion, slot != NONE) {
                let column = &mut self.input_columns[slot * self.column..slot * self.column + len];
                sampling::to_quantiles(inversion, column);
            }
        }
    }

    /// The first iteration of this batch with an output that is not a finite number, with the
    /// output and the inputs drawn for it. (A BCR is left undefined on purpose and skipped.)
    fn find_overflow(&self, b: usize, len: usize, moments: &[Moments]) -> Option<Overflow> {
        let k = moments
            .iter()
            .position(|m| !m.mean.is_finite() || !m.m2.is_finite())?;
        let at = self.output_slot[k] * self.column;
        let column = &self.output_columns[at..at + len];
        let j = column.iter().position(|v| !v.is_finite()).unwrap_or(0);
        let inputs = (0..self.model.inputs.len())
            .map(|i| self.input_value(i, b, j))
            .collect();
        Some(Overflow {
            iteration: (b * BATCH + j) as u64,
            output: k,
            inputs,
        })
    }

    /// Input `i`'s draw in iteration `j` of batch `b`.
    fn input_value(&self, i: usize, b: usize, j: usize) -> f64 {
        match self.model.inputs[i].sampler.fixed_value() {
            Some(value) => value,
            None => self.input_draws(b, i, j + 1)[j],
        }
    }

    /// Input `i`'s first `len` draws in batch `b` (none for a fixed input).
    fn input_draws(&self, b: usize, i: usize, len: usize) -> &[f64] {
        draws_of(
            self.plan,
            &self.input_columns,
            self.input_slot[i],
            self.column,
            (b, i, len),
        )
    }

    /// Copies the kept columns of batch `b` to `targets`, its stretch of each (`None` for a
    /// column shared with the previous run).
    pub(super) fn keep_samples(
        &self,
        b: usize,
        targets: &mut [Option<&mut [f64]>],
        inputs: &[usize],
        outputs: &[usize],
    ) {
        let len = self.batch_len(b);
        let sources = inputs
            .iter()
            .map(|&i| Source::Input(i))
            .chain(outputs.iter().map(|&k| Source::Output(k)));
        for (target, source) in targets.iter_mut().zip(sources) {
            let Some(target) = target else { continue };
            let values = match source {
                Source::Input(i) => self.input_draws(b, i, len),
                Source::Output(k) => {
                    let at = self.output_slot[k] * self.column;
                    &self.output_columns[at..at + len]
                }
            };
            // The last kept stretch may end within the batch.
            let n = target.len().min(len);
            target[..n].copy_from_slice(&values[..n]);
        }
    }
}

/// Buffers a finished run leaves for the next (the live page's reruns): a rerun's workers
/// take them instead of allocating fresh ones. Every value a run reads from them it has
/// written first, so what they held before does not matter.
#[derive(Debug, Clone, Default)]
pub struct SpareBuffers(Arc<Mutex<Vec<Vec<f64>>>>);

impl SpareBuffers {
    fn take(&self) -> Option<Vec<f64>> {
        self.0.lock().unwrap_or_else(|e| e.into_inner()).pop()
    }

    fn give(&self, buffer: Vec<f64>) {
        self.0
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(buffer);
    }
}

/// `buffer` (or a new one) made `len` long.
fn sized(buffer: Option<Vec<f64>>, len: usize) -> Vec<f64> {
    let mut buffer = buffer.unwrap_or_default();
    buffer.resize(len, 0.0);
    buffer
}

/// A kept column's source: an input or an output.
#[derive(Clone, Copy)]
enum Source {
    Input(usize),
    Output(usize),
}

/// No column: a fixed input, or an input or output a rerun takes from the previous run.
const NONE: usize = usize::MAX;

/// The iterations whose inputs are gathered into rows at a time. Reading each input's column
/// a stretch of draws at a time runs along memory, which the processor fetches ahead; a row at
/// a time reads one value from each of up to a hundred columns, and waits on most of them.
const ROWS: usize = 64;

/// The values in a row of inputs: one for each of the model's inputs (at least one, so rows
/// can be counted).
fn row_width(model: &Model) -> usize {
    model.inputs.len().max(1)
}

/// Input `i`'s first `len` draws in batch `b`, with its column at `slot` of `columns`: from
/// the previous run's samples where this rerun takes them from there without drawing them,
/// and none for a fixed input.
fn draws_of<'a>(
    plan: &'a Plan<'_>,
    columns: &'a [f64],
    slot: usize,
    column: usize,
    (b, i, len): (usize, usize, usize),
) -> &'a [f64] {
    if slot != NONE {
        return &columns[slot * column..slot * column + len];
    }
    match plan.reuse {
        Some((reuse, before)) => match (reuse.inputs[i], before.samples.as_ref()) {
            (Some(c), Some(samples)) => samples.batch_column(b, c, len),
            _ => &[],
        },
        None => &[],
    }
}

/// Puts the draws of the `gathered` inputs for `iterations` (of their batch) into `rows`, one
/// row per iteration.
fn gather(
    gathered: &[usize],
    draws: &[&[f64]],
    iterations: std::ops::Range<usize>,
    rows: &mut [f64],
) {
    let width = rows.len() / ROWS;
    for (&i, draws) in gathered.iter().zip(draws) {
        for (r, &x) in draws[iterations.clone()].iter().enumerate() {
            rows[r * width + i] = x;
        }
    }
}

/// Consecutive slots for the columns `held` marks, [`NONE`] for the rest.
fn slots(held: impl Iterator<Item = bool>) -> Vec<usize> {
    let mut next = 0;
    held.map(|h| {
        if h {
            next += 1;
            next - 1
        } else {
            NONE
        }
    })
    .collect()
}
