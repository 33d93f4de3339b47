//! Where each batch of a round writes what it keeps: its stretch of every kept column, its
//! block of the round's streamed values and of the run's journey parts. Handing each batch its
//! own disjoint pieces of the run's buffers lets the workers write in parallel without locks
//! or copies, in any order, with the same result.

use std::sync::Arc;

use super::{Plan, BATCH};

/// By kept column (inputs, then `outputs` outputs): the previous run's column where this rerun
/// shares it — an input whose draws it takes unchanged, kept as long — else `None`.
pub(super) fn shared_columns(
    plan: &Plan,
    inputs: &[usize],
    outputs: usize,
    kept_iterations: u64,
) -> Vec<Option<Arc<Vec<f64>>>> {
    let share = |id: usize| {
        let (reuse, before) = plan.reuse?;
        let samples = before.samples.as_ref()?;
        let c = reuse.inputs[id]?;
        (samples.len() as u64 == kept_iterations).then(|| samples.shared_column(c))
    };
    inputs
        .iter()
        .map(|&id| share(id))
        .chain(std::iter::repeat_n(None, outputs))
        .collect()
}

/// Each batch of `first..first + count`'s stretch of every column of `kept` (`None` for a
/// column shared, hence empty); `None` for a batch beyond the kept iterations.
pub(super) fn column_blocks(
    kept: &mut [Vec<f64>],
    first: usize,
    count: usize,
) -> Vec<Option<Vec<Option<&mut [f64]>>>> {
    let kept_len = kept.iter().map(Vec::len).max().unwrap_or(0);
    let mut blocks: Vec<Option<Vec<Option<&mut [f64]>>>> = (0..count)
        .map(|i| ((first + i) * BATCH < kept_len).then(|| Vec::with_capacity(kept.len())))
        .collect();
    for column in kept.iter_mut() {
        let mut stretches = column
            .get_mut((first * BATCH).min(kept_len)..)
            .unwrap_or_default()
            .chunks_mut(BATCH);
        for block in blocks.iter_mut().flatten() {
            block.push(stretches.next());
        }
    }
    blocks
}

/// Blocks `first..first + count` of `buffer`, each `stride` values long: one per batch of a
/// round, `None` for a batch the buffer holds no block for (beyond the kept iterations, or
/// nothing kept at all).
pub(super) fn batch_blocks(
    buffer: &mut [f64],
    stride: usize,
    first: usize,
    count: usize,
) -> Vec<Option<&mut [f64]>> {
    let mut blocks: Vec<Option<&mut [f64]>> = Vec::with_capacity(count);
    if stride > 0 {
        blocks.extend(buffer.chunks_mut(stride).skip(first).take(count).map(Some));
    }
    blocks.resize_with(count, || None);
    blocks
}

/// A round's streamed values, column by column in iteration order, from the blocks the
/// batches wrote (each block `columns` columns of [`BATCH`] values).
pub(super) fn gather_round(
    blocks: &[f64],
    columns: usize,
    lens: impl Iterator<Item = usize>,
) -> Vec<Vec<f64>> {
    let lens: Vec<usize> = lens.collect();
    let total: usize = lens.iter().sum();
    (0..columns)
        .map(|c| {
            let mut column = Vec::with_capacity(total);
            for (i, &len) in lens.iter().enumerate() {
                let at = i * columns * BATCH + c * BATCH;
                column.extend_from_slice(&blocks[at..at + len]);
            }
            column
        })
        .collect()
}
