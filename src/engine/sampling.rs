//! Drawing a batch of one input through its quantile function (docs/method.md §5): uniforms
//! from the input's own stream — independent, or stratified for Latin hypercube sampling —
//! correlated through the Gaussian copula where the scenario asks, then mapped through the
//! input's quantile function, truncation included, so every input keeps exactly its own
//! distribution (tabulated once per run, within 1e-10 in probability: `dist::Inversion`).
//! Inputs that need neither draw directly.

use rand::Rng;
use statrs::distribution::{ContinuousCDF, Normal};

use rayon::prelude::*;

use super::CancelToken;
use crate::dist::Inversion;
use crate::scenario::correlation::Copula;
use crate::scenario::{Model, Sampling};

/// A uniform draw in the open interval (0, 1): never 0 or 1, whose quantiles may be infinite.
#[inline]
fn open_uniform<R: Rng + ?Sized>(rng: &mut R) -> f64 {
    ((rng.next_u64() >> 11) as f64 + 0.5) * (1.0 / (1u64 << 53) as f64)
}

/// Fills `column` with uniforms in (0, 1): independent, or `stratified` — one in each of the
/// column's equal strata, in random order (`order` is scratch space).
pub fn fill_uniforms<R: Rng + ?Sized>(
    rng: &mut R,
    column: &mut [f64],
    stratified: bool,
    order: &mut Vec<usize>,
) {
    if !stratified {
        column.iter_mut().for_each(|u| *u = open_uniform(rng));
        return;
    }
    let n = column.len();
    order.clear();
    order.extend(0..n);
    // Fisher–Yates shuffle of the strata.
    for i in (1..n).rev() {
        let j = (rng.next_u64() % (i as u64 + 1)) as usize;
        order.swap(i, j);
    }
    for (u, &stratum) in column.iter_mut().zip(order.iter()) {
        *u = (stratum as f64 + open_uniform(rng)) / n as f64;
    }
}

/// Correlates the copula's inputs iteration by iteration: each uniform becomes a normal score
/// z = Φ⁻¹(u), the scores are mixed by the Cholesky factor (z' = L·z), and each becomes a
/// uniform again, u' = Φ(z'). `starts` is where each of the copula's inputs' columns begins in
/// `columns`.
pub fn correlate(
    copula: &Copula,
    (columns, starts): (&mut [f64], &[usize]),
    len: usize,
    z: &mut [f64],
) {
    let standard = Normal::standard();
    let n = copula.inputs.len();
    for j in 0..len {
        for (k, &start) in starts.iter().enumerate() {
            z[k] = standard.inverse_cdf(columns[start + j]);
        }
        for (row, &start) in starts.iter().enumerate() {
            let mixed: f64 = (0..=row).map(|k| copula.lower[row * n + k] * z[k]).sum();
            // Keep u' inside (0, 1): the far tails of Φ round to 0 or 1.
            let u = standard
                .cdf(mixed)
                .clamp(f64::MIN_POSITIVE, 1.0 - f64::EPSILON / 2.0);
            columns[start + j] = u;
        }
    }
}

/// Maps each uniform of `column` through the input's quantile function, in place.
pub fn to_quantiles(inversion: &Inversion, column: &mut [f64]) {
    column.iter_mut().for_each(|u| *u = inversion.quantile(*u));
}

/// The quantile function of each input drawn through uniforms — every uncertain input under
/// Latin hypercube sampling, and every correlated one — tabulated once for the run (in
/// parallel); `None` for an input drawn directly. A table takes milliseconds, but up to a
/// third of a second for the narrowest beta allowed, so a cancelled run stops building them
/// (and the run then stops at its first batch).
pub fn inversions(
    model: &Model,
    sampling: Sampling,
    cancel: &CancelToken,
) -> Vec<Option<Inversion>> {
    let correlated = model.copula().map_or(&[][..], |c| &c.inputs[..]);
    model
        .inputs
        .par_iter()
        .enumerate()
        .map(|(i, input)| {
            let via_uniforms = !input.sampler.is_fixed()
                && (sampling == Sampling::LatinHypercube || correlated.contains(&i));
            (via_uniforms && !cancel.is_cancelled()).then(|| Inversion::new(input.sampler))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    #[test]
    fn stratified_uniforms_fall_one_in_each_stratum() {
        let mut rng = rand::rngs::Xoshiro256PlusPlus::seed_from_u64(3);
        let mut column = vec![0.0; 1000];
        fill_uniforms(&mut rng, &mut column, true, &mut Vec::new());
        let mut strata: Vec<usize> = column.iter().map(|u| (u * 1000.0) as usize).collect();
        strata.sort_unstable();
        assert_eq!(strata, (0..1000).collect::<Vec<_>>());
        assert!(column.iter().all(|&u| u > 0.0 && u < 1.0));
    }
}
