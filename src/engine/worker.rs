//! One worker's share of a round: it draws a batch's inputs column by column, evaluates every
//! iteration into output columns, and folds each column into mergeable accumulators. Buffers
//! are allocated once per worker, never per iteration.

use rand::rngs::Xoshiro256PlusPlus;
use rand::SeedableRng;

use super::parts::evaluate_with_states;
use super::stats::{self, Moments, Sketch};
use super::{column_len, Layout, Plan, BATCH};
use super::{eval, sampling};
use crate::scenario::Model;
use crate::scenario::Sampling;

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
    row: Vec<f64>,
    scratch: eval::Scratch,
    /// Which inputs are drawn as uniforms and mapped through their quantile functions (Latin
    /// hypercube sampling, or a correlated input); the rest draw directly.
    via_uniforms: Vec<bool>,
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
    pub(super) fn new(model: &'m Model, layout: &'m Layout, plan: &'m Plan<'m>) -> Worker<'m> {
        let column = column_len(plan.iterations);
        Worker {
            model,
            layout,
            plan,
            input_columns: vec![0.0; model.inputs.len() * column],
            output_columns: vec![0.0; layout.len * column],
            column,
            row: vec![0.0; model.inputs.len()],
            scratch: eval::Scratch::new(model, layout),
            via_uniforms: via_uniforms(model, plan.sampling),
            order: Vec::with_capacity(BATCH),
            scores: vec![0.0; model.copula().map_or(0, |c| c.inputs.len())],
            sketches: vec![Sketch::default(); layout.len],
            batch_moments: Vec::new(),
            overflow: None,
        }
    }

    pub(super) fn batch_len(&self, b: usize) -> usize {
        super::batch_len(self.plan.iterations, b)
    }

    /// Runs batch `b`; `states`, where the run keeps them, is where its iterations' journey
    /// parts go.
    pub(super) fn run_batch(&mut self, b: usize, mut states: Option<&mut [f64]>) {
        let len = self.batch_len(b);
        self.draw_inputs(b, len);
        let n_inputs = self.model.inputs.len();
        let plan = self.plan;
        let Worker {
            model,
            layout,
            input_columns,
            output_columns,
            row,
            scratch,
            column,
            ..
        } = self;
        let column = *column;
        let reused = plan.reuse.map(|(reuse, _)| &reuse.outputs[..]);
        // The previous run's journey parts, and which journeys take theirs from it.
        let per = plan.states;
        let previous = plan
            .reuse
            .and_then(|(_, before)| before.journey_states.as_ref());
        let skip = plan.reuse.map_or(&[][..], |(reuse, _)| &reuse.journeys[..]);
        let options = 0..model.options.len();
        for j in 0..len {
            for (i, x) in row.iter_mut().enumerate().take(n_inputs) {
                *x = input_columns[i * column + j];
            }
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
            match reused {
                // An output the previous run's statistics stand for is not stored.
                Some(skip) => {
                    evaluate_with_states(model, layout, row, scratch, options, kept, |k, v| {
                        if !skip[k] {
                            output_columns[k * column + j] = v;
                        }
                    })
                }
                None => evaluate_with_states(model, layout, row, scratch, options, kept, |k, v| {
                    output_columns[k * column + j] = v
                }),
            }
        }
        let mut moments: Vec<Moments> = (0..self.layout.len)
            .map(|k| {
                if reused.is_some_and(|skip| skip[k]) {
                    return Moments::default();
                }
                stats::accumulate(
                    &self.output_columns[k * self.column..k * self.column + len],
                    &mut self.sketches[k],
                )
            })
            .collect();
        if self.overflow.is_none() {
            self.overflow = self.find_overflow(b, len, &moments);
        }
        // After the outputs, each input's moments: the mean of its draws, which the workbook's
        // rebuilt present values start from.
        // (An input whose draws are the previous run's has that run's mean: not measured again.)
        let reused_inputs = plan.reuse.map(|(reuse, _)| &reuse.inputs[..]);
        moments.extend((0..n_inputs).map(|i| {
            if reused_inputs.is_some_and(|r| r[i].is_some()) {
                return Moments::default();
            }
            Moments::from_slice(&self.input_columns[i * self.column..i * self.column + len])
        }));
        self.batch_moments.push((b, moments));
    }

    /// Draws every input's column of batch `b` from its own stream (docs/method.md §5), or
    /// copies the previous run's draws of an input that did not change.
    fn draw_inputs(&mut self, b: usize, len: usize) {
        let stratified = self.plan.sampling == Sampling::LatinHypercube;
        for (i, input) in self.model.inputs.iter().enumerate() {
            let column = &mut self.input_columns[i * self.column..i * self.column + len];
            if let Some((reuse, previous)) = self.plan.reuse {
                if let Some(c) = reuse.inputs[i] {
                    let samples = previous.samples.as_ref().expect("reuse needs samples");
                    column.copy_from_slice(samples.batch_column(b, c, len));
                    continue;
                }
            }
            let mut rng = stream_rng(self.plan.seed, b, input.stream);
            if self.via_uniforms[i] {
                sampling::fill_uniforms(&mut rng, column, stratified, &mut self.order);
            } else {
                input.sampler.fill(&mut rng, column);
            }
        }
        if let Some(copula) = self.model.copula() {
            sampling::correlate(
                copula,
                &mut self.input_columns,
                self.column,
                len,
                &mut self.scores,
            );
        }
        for (i, input) in self.model.inputs.iter().enumerate() {
            if self.via_uniforms[i] {
                let column = &mut self.input_columns[i * self.column..i * self.column + len];
                sampling::to_quantiles(&input.sampler, column);
            }
        }
    }

    /// The first iteration of this batch with an output that is not a finite number, with the
    /// output and the inputs drawn for it. (A BCR is left undefined on purpose and skipped.)
    fn find_overflow(&self, b: usize, len: usize, moments: &[Moments]) -> Option<Overflow> {
        let k = moments
            .iter()
            .position(|m| !m.mean.is_finite() || !m.m2.is_finite())?;
        let column = &self.output_columns[k * self.column..k * self.column + len];
        let j = column.iter().position(|v| !v.is_finite()).unwrap_or(0);
        let inputs = (0..self.model.inputs.len())
            .map(|i| self.input_columns[i * self.column + j])
            .collect();
        Some(Overflow {
            iteration: (b * BATCH + j) as u64,
            output: k,
            inputs,
        })
    }

    /// Copies the kept columns of batch `b` into its block of the samples buffer.
    pub(super) fn keep_samples(
        &self,
        b: usize,
        block: &mut [f64],
        inputs: &[usize],
        outputs: &[usize],
    ) {
        let len = self.batch_len(b);
        let sources = inputs
            .iter()
            .map(|&i| &self.input_columns[i * self.column..i * self.column + len])
            .chain(
                outputs
                    .iter()
                    .map(|&k| &self.output_columns[k * self.column..k * self.column + len]),
            );
        for (c, source) in sources.enumerate() {
            block[c * BATCH..c * BATCH + len].copy_from_slice(source);
        }
    }
}

/// Which inputs go through uniforms and their quantile functions: every uncertain input under
/// Latin hypercube sampling, and every correlated one.
fn via_uniforms(model: &Model, sampling: Sampling) -> Vec<bool> {
    let correlated = model.copula().map_or(&[][..], |c| &c.inputs[..]);
    (0..model.inputs.len())
        .map(|i| {
            !model.inputs[i].sampler.is_fixed()
                && (sampling == Sampling::LatinHypercube || correlated.contains(&i))
        })
        .collect()
}
