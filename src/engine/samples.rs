//! What a run keeps of each iteration: the uncertain inputs and the outputs that sensitivity
//! analysis (or `--samples`) needs, for at most the first [`KEPT_ITERATIONS`] iterations, so
//! that memory stays bounded whatever the iteration count (docs/method.md §5).

use std::sync::Arc;

use super::{Layout, BATCH};
use crate::outputs::{Bearer, Component, Metric, Scope};
use crate::scenario::Model;

/// The most iterations whose values are kept: enough for rank correlations to about ±0.001.
pub const KEPT_ITERATIONS: u64 = 1_000_000;

/// The most memory the kept values of sensitivity analysis take: a model with many uncertain
/// inputs (a portfolio of journeys) keeps fewer iterations, whole batches, at least one.
pub const KEPT_BYTES: u64 = 512 * 1024 * 1024;

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
    /// How many of a run's first iterations are kept, each of `columns` values: for
    /// sensitivity at most [`KEPT_ITERATIONS`], and no more than fit in [`KEPT_BYTES`]; every
    /// one for `--samples` (whose memory the run checks before it starts).
    pub fn iterations_kept(self, iterations: u64, columns: usize) -> u64 {
        match self {
            Keep::Nothing => 0,
            Keep::Sensitivity => {
                let fit = KEPT_BYTES / (8 * columns.max(1) as u64);
                let fit = (fit / BATCH as u64).max(1) * BATCH as u64;
                iterations.min(KEPT_ITERATIONS).min(fit)
            }
            Keep::Everything => iterations,
        }
    }

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

/// Every iteration's uncertain inputs and kept outputs, each a column in iteration order.
/// The workers write each batch straight into its stretch of every column, so keeping them
/// costs no copy; a rerun on the live page shares the columns of the inputs an edit did not
/// change with the run before it instead of copying them.
#[derive(Debug, Clone, Default)]
pub struct Samples {
    pub(super) input_ids: Vec<usize>,
    pub(super) output_ids: Vec<usize>,
    /// Iterations kept: the first [`Keep::iterations_kept`].
    pub(super) iterations: usize,
    /// The kept inputs' columns, then the kept outputs', each `iterations` long.
    pub(super) columns: Vec<Arc<Vec<f64>>>,
}

impl Samples {
    /// Iterations kept (the first of the run, at most [`KEPT_ITERATIONS`]; see
    /// [`Keep::iterations_kept`]).
    pub fn len(&self) -> usize {
        self.iterations
    }

    /// Whether no iteration is kept.
    pub fn is_empty(&self) -> bool {
        self.iterations == 0
    }

    /// Column `c` in iteration order.
    fn column(&self, c: usize) -> &[f64] {
        self.column_prefix(c, self.iterations)
    }

    /// The first `n` values of column `c` (all of them where fewer are kept), in iteration
    /// order.
    fn column_prefix(&self, c: usize, n: usize) -> &[f64] {
        &self.columns[c][..n.min(self.iterations)]
    }

    /// The shared column `c`, for a rerun that keeps it unchanged.
    pub(super) fn shared_column(&self, c: usize) -> Arc<Vec<f64>> {
        Arc::clone(&self.columns[c])
    }

    /// The `len` values of column `c` in batch `b`.
    pub(super) fn batch_column(&self, b: usize, c: usize, len: usize) -> &[f64] {
        &self.columns[c][b * BATCH..b * BATCH + len]
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
    pub fn input_column(&self, c: usize) -> &[f64] {
        self.column(c)
    }

    /// The first `n` draws of the kept input in column `c`: what an analysis of the run's
    /// first iterations reads, without gathering the rest.
    pub fn input_prefix(&self, c: usize, n: usize) -> &[f64] {
        self.column_prefix(c, n)
    }

    /// The kept output indices.
    pub fn output_ids(&self) -> &[usize] {
        &self.output_ids
    }

    /// The values of output `k`, if kept.
    pub fn output(&self, k: usize) -> Option<&[f64]> {
        let c = self.output_ids.iter().position(|&i| i == k)?;
        Some(self.column(self.input_ids.len() + c))
    }
}

/// The uncertain inputs: the ones worth keeping per iteration.
pub fn uncertain_inputs(model: &Model) -> Vec<usize> {
    (0..model.inputs.len())
        .filter(|&i| !model.inputs[i].sampler.is_fixed())
        .collect()
}

pub use crate::outputs::SampleSink;

/// The columns a [`SampleSink`] receives, in order: (input ids, output indices, names) —
/// every uncertain input by its key, then every summary and appraisal output by its name.
pub fn stream_columns(model: &Model) -> (Vec<usize>, Vec<usize>, Vec<String>) {
    let layout = Layout::new(model);
    let inputs = uncertain_inputs(model);
    let outputs: Vec<usize> = (0..layout.yearly_start()).collect();
    let names = inputs
        .iter()
        .map(|&i| model.inputs[i].key.clone())
        .chain(outputs.iter().map(|&k| layout.output_name(model, k)))
        .collect();
    (inputs, outputs, names)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sensitivity_keeps_a_million_iterations_or_what_fits_in_its_memory() {
        let keep = Keep::Sensitivity;
        assert_eq!(keep.iterations_kept(5_000, 50), 5_000);
        assert_eq!(keep.iterations_kept(10_000_000, 50), KEPT_ITERATIONS);
        // 200 columns of 8 bytes: 512 MiB holds 335,544 iterations, whole batches of them.
        let kept = keep.iterations_kept(10_000_000, 200);
        assert!(kept * 200 * 8 <= KEPT_BYTES && kept < KEPT_ITERATIONS);
        assert_eq!(kept % BATCH as u64, 0);
        assert!(KEPT_BYTES - kept * 200 * 8 < BATCH as u64 * 200 * 8);
        assert_eq!(
            Keep::Everything.iterations_kept(10_000_000, 200),
            10_000_000
        );
        assert_eq!(Keep::Nothing.iterations_kept(10_000_000, 200), 0);
    }
}
