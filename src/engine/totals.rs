//! The accumulators of a run: every output's moments and sketch (and every input's moments),
//! merged round by round in batch order so the statistics are the same bits for any number
//! of threads, and the statistics a previous run gives for outputs an edit cannot have moved.

use super::stats::{Moments, Sketch};
use super::worker::{self, Worker};
use super::{reuse, stats_from, Layout, Outcome, Stats};
use crate::error::{Error, Result};
use crate::scenario::Model;

/// The accumulators of the rounds run so far.
pub(super) struct Totals {
    pub(super) moments: Vec<Moments>,
    pub(super) sketches: Vec<Sketch>,
    /// The earliest iteration whose outputs overflowed, if any.
    overflow: Option<worker::Overflow>,
    /// By output: the statistics a previous run gives it, where it does.
    reused: Vec<Option<Stats>>,
}

impl Totals {
    /// Accumulators for every output, and moments for every input after them.
    pub(super) fn new(outputs: usize, inputs: usize) -> Totals {
        Totals {
            moments: vec![Moments::default(); outputs + inputs],
            sketches: vec![Sketch::default(); outputs],
            overflow: None,
            reused: Vec::new(),
        }
    }

    /// Folds one round in: its batches' moments merged pairwise in batch order, then onto the
    /// rounds before it; the earliest overflow kept.
    pub(super) fn absorb_round(&mut self, workers: &mut [Worker]) {
        let mut batch_moments: Vec<(usize, Vec<Moments>)> = workers
            .iter_mut()
            .flat_map(|w| std::mem::take(&mut w.batch_moments))
            .collect();
        batch_moments.sort_by_key(|(b, _)| *b);
        for (k, total) in self.moments.iter_mut().enumerate() {
            let per_batch: Vec<Moments> = batch_moments.iter().map(|(_, m)| m[k]).collect();
            *total = total.merge(&Moments::merge_pairwise(&per_batch));
        }
        if self.overflow.is_none() {
            self.overflow = workers
                .iter_mut()
                .filter_map(|w| w.overflow.take())
                .min_by_key(|o| o.iteration);
        }
    }

    /// Takes the previous run's moments and sketch for each output it stands for.
    pub(super) fn take_reused(&mut self, reuse: &reuse::Reuse, before: &Outcome) {
        self.reused = vec![None; reuse.outputs.len()];
        for (k, _) in reuse.outputs.iter().enumerate().filter(|(_, &r)| r) {
            self.reused[k] = before.stats[k];
            self.sketches[k] = before.sketches[k].clone();
        }
    }

    /// Merges the workers' sketches (exact counts: the order does not matter).
    pub(super) fn absorb_sketches(&mut self, workers: &[Worker]) {
        for worker in workers {
            for (mine, theirs) in self.sketches.iter_mut().zip(&worker.sketches) {
                mine.merge(theirs);
            }
        }
    }

    /// The statistics of every output folded (the first `folded`; `None` for the rest), or the
    /// error naming the first that is not finite.
    pub(super) fn stats(
        &self,
        model: &Model,
        layout: &Layout,
        folded: usize,
    ) -> Result<Vec<Option<Stats>>> {
        (0..layout.len)
            .map(|k| {
                if k >= folded {
                    return Ok(None);
                }
                if let Some(Some(stats)) = self.reused.get(k) {
                    return Ok(Some(*stats));
                }
                let moments = &self.moments[k];
                if !moments.mean.is_finite() || !moments.m2.is_finite() {
                    let message = self.overflow.as_ref().map_or_else(
                        || {
                            format!(
                                "{} is not a finite number: the inputs overflow",
                                layout.output_name(model, k)
                            )
                        },
                        |o| o.describe(model, layout),
                    );
                    return Err(Error::Numeric(message));
                }
                Ok(stats_from(moments, &self.sketches[k]))
            })
            .collect()
    }
}
