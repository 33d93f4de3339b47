//! Mergeable accumulators: exact moments and a quantile sketch with a stated error bound.
//!
//! Storing every iteration of every output (hundreds of outputs × a million iterations) would
//! need gigabytes, so percentiles come from a log-linear histogram instead: each bin covers a
//! relative width of 2⁻¹⁰ of its value, so a reported percentile lies within
//! [`SKETCH_RELATIVE_ERROR`] (0.05 %) of the exact order statistic. Bins hold integer counts,
//! so merging is exact and independent of order: results do not depend on the thread count.
//! Means and sds are exact: two-pass per batch, merged pairwise in batch order (Chan et al.).

/// Mantissa bits kept by the sketch's bin index.
const MANTISSA_BITS: u32 = 10;
const SHIFT: u32 = 52 - MANTISSA_BITS;

/// The largest relative error of a sketch percentile against the exact order statistic.
pub const SKETCH_RELATIVE_ERROR: f64 = 1.0 / (1u64 << (MANTISSA_BITS + 1)) as f64;

/// Magnitudes below this count as zero in the sketch (they are far below a penny).
const ZERO_BELOW: f64 = 1e-9;

/// Independent accumulators in the hot loops, to break chains of dependent additions.
const LANES: usize = 4;

/// Count, mean and sum of squared deviations, mergeable.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Moments {
    pub n: u64,
    pub mean: f64,
    pub m2: f64,
}

impl Moments {
    /// Two-pass moments of a slice, skipping NaN markers (undefined values such as a BCR
    /// with zero costs).
    pub fn from_slice(values: &[f64]) -> Moments {
        let sum: f64 = values.iter().sum();
        if !sum.is_nan() {
            return Moments::two_pass(values, sum);
        }
        // Rare: only a column with undefined values comes here, once per batch.
        let defined: Vec<f64> = values.iter().copied().filter(|x| !x.is_nan()).collect();
        Moments::two_pass(&defined, defined.iter().sum())
    }

    /// Corrected two-pass moments of a slice with no NaN, given its sum: the second pass also
    /// removes the rounding error of the first mean (Chan, Golub and LeVeque 1983). Four
    /// independent lanes break the chain of dependent additions.
    fn two_pass(values: &[f64], sum: f64) -> Moments {
        Moments::two_pass_visiting(values, sum, |_| {})
    }

    /// [`Moments::two_pass`], calling `visit` with each value on the way (the sketch's bin
    /// counts, in the same pass).
    #[inline(always)]
    fn two_pass_visiting(values: &[f64], sum: f64, mut visit: impl FnMut(f64)) -> Moments {
        let n = values.len() as u64;
        if n == 0 {
            return Moments::default();
        }
        let rough = sum / n as f64;
        let mut deviations = [0.0; LANES];
        let mut squares = [0.0; LANES];
        let chunks = values.chunks_exact(LANES);
        let tail = chunks.remainder();
        for chunk in chunks {
            for lane in 0..LANES {
                let e = chunk[lane] - rough;
                deviations[lane] += e;
                squares[lane] += e * e;
                visit(chunk[lane]);
            }
        }
        for &x in tail {
            let e = x - rough;
            deviations[0] += e;
            squares[0] += e * e;
            visit(x);
        }
        let deviations = (deviations[0] + deviations[1]) + (deviations[2] + deviations[3]);
        let squares = (squares[0] + squares[1]) + (squares[2] + squares[3]);
        Moments {
            n,
            mean: rough + deviations / n as f64,
            m2: (squares - deviations * deviations / n as f64).max(0.0),
        }
    }

    /// Combines two sets of moments (Chan, Golub and LeVeque).
    pub fn merge(&self, other: &Moments) -> Moments {
        if self.n == 0 {
            return *other;
        }
        if other.n == 0 {
            return *self;
        }
        let n = self.n + other.n;
        let delta = other.mean - self.mean;
        let weight = other.n as f64 / n as f64;
        Moments {
            n,
            mean: self.mean + delta * weight,
            m2: self.m2 + other.m2 + delta * delta * self.n as f64 * weight,
        }
    }

    /// Merges a list pairwise, in order: the same list gives the same bits every time.
    pub fn merge_pairwise(list: &[Moments]) -> Moments {
        match list.len() {
            0 => Moments::default(),
            1 => list[0],
            n => {
                let (a, b) = list.split_at(n / 2);
                Moments::merge_pairwise(a).merge(&Moments::merge_pairwise(b))
            }
        }
    }

    /// Sample standard deviation (n − 1); 0 for fewer than two values.
    pub fn sd(&self) -> f64 {
        if self.n < 2 {
            0.0
        } else {
            (self.m2 / (self.n - 1) as f64).max(0.0).sqrt()
        }
    }

    /// Standard error of the mean, sd/√n.
    pub fn se(&self) -> f64 {
        if self.n == 0 {
            0.0
        } else {
            self.sd() / (self.n as f64).sqrt()
        }
    }
}

/// Folds one batch's column into its sketch and returns its moments. Most columns hold costs
/// or benefits of one sign and no undefined values: for them this takes two fused passes
/// (sum and range; then deviations and bin counts) instead of one pass per statistic.
pub fn accumulate(values: &[f64], sketch: &mut Sketch) -> Moments {
    // Four independent lanes break the chains of dependent floating-point additions.
    let mut sum = [0.0; LANES];
    let mut low = [f64::INFINITY; LANES];
    let mut high = [f64::NEG_INFINITY; LANES];
    let chunks = values.chunks_exact(LANES);
    let tail = chunks.remainder();
    // Comparisons rather than f64::min/max, whose NaN rule keeps them from vectorising: a NaN
    // makes the sum NaN and takes the slow path below, so what they do with one is moot.
    for chunk in chunks {
        for lane in 0..LANES {
            let x = chunk[lane];
            sum[lane] += x;
            low[lane] = if x < low[lane] { x } else { low[lane] };
            high[lane] = if x > high[lane] { x } else { high[lane] };
        }
    }
    for &x in tail {
        sum[0] += x;
        low[0] = low[0].min(x);
        high[0] = high[0].max(x);
    }
    let sum = (sum[0] + sum[1]) + (sum[2] + sum[3]);
    let low = low.iter().copied().fold(f64::INFINITY, f64::min);
    let high = high.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    if sum.is_nan() || values.is_empty() {
        // Undefined values (a BCR with no costs) are skipped one by one.
        sketch.extend(values);
        return Moments::from_slice(values);
    }
    let n = values.len() as u64;
    sketch.count += n;
    sketch.min = sketch.min.min(low);
    sketch.max = sketch.max.max(high);
    if low >= ZERO_BELOW {
        sketch.above_zero += n;
        count_with_moments(&mut sketch.positive, values, sum, low, high)
    } else if high <= -ZERO_BELOW {
        count_with_moments(&mut sketch.negative, values, sum, -high, -low)
    } else if low == 0.0 && high == 0.0 {
        // A column of zeros (a rate the scenario leaves at 0): its moments are exactly these.
        sketch.zeros += n;
        Moments {
            n,
            mean: 0.0,
            m2: 0.0,
        }
    } else {
        count_mixed(sketch, values, low, high);
        Moments::two_pass(values, sum)
    }
}

/// Counts values of one sign, whose magnitudes lie in `small..=large`, into `store`, in the
/// same pass as their moments' second.
fn count_with_moments(
    store: &mut Store,
    values: &[f64],
    sum: f64,
    small: f64,
    large: f64,
) -> Moments {
    let (first, last) = (bin_of(small), bin_of(large));
    store.cover(first, last);
    if first == last {
        // Every value in one bin (a constant, or nearly): one addition.
        store.bins[(first - store.offset) as usize] += values.len() as u32;
        return Moments::two_pass(values, sum);
    }
    let offset = store.offset;
    let bins = &mut store.bins;
    Moments::two_pass_visiting(values, sum, |x| {
        bins[(bin_of(x.abs()) - offset) as usize] += 1
    })
}

/// Counts values of both signs (and zeros) lying in `low..=high`.
fn count_mixed(sketch: &mut Sketch, values: &[f64], low: f64, high: f64) {
    // The smallest magnitude of each sign, so each store covers only the bins it needs.
    let (smallest_positive, smallest_negative) =
        values
            .iter()
            .fold((f64::INFINITY, f64::INFINITY), |(p, n), &x| {
                if x >= ZERO_BELOW {
                    (p.min(x), n)
                } else if x <= -ZERO_BELOW {
                    (p, n.min(-x))
                } else {
                    (p, n)
                }
            });
    if high >= ZERO_BELOW {
        sketch
            .positive
            .cover(bin_of(smallest_positive), bin_of(high));
    }
    if low <= -ZERO_BELOW {
        sketch
            .negative
            .cover(bin_of(smallest_negative), bin_of(-low));
    }
    for &x in values {
        if x >= ZERO_BELOW {
            sketch.above_zero += 1;
        } else if x > -ZERO_BELOW {
            sketch.above_zero += u64::from(x > 0.0);
            sketch.zeros += 1;
        }
    }
    sketch
        .positive
        .count_magnitudes(values.iter().copied().filter(|&x| x >= ZERO_BELOW));
    sketch
        .negative
        .count_magnitudes(values.iter().filter(|&&x| x <= -ZERO_BELOW).map(|x| -x));
}

/// Counts by bin for one sign; bins are contiguous from `offset`. Counts are 32-bit (a run has
/// at most [`crate::engine::MAX_ITERATIONS`] values) to keep each sketch small in cache.
#[derive(Debug, Clone, Default)]
struct Store {
    offset: u64,
    bins: Vec<u32>,
}

impl Store {
    /// Makes the store cover bins `low..=high`.
    fn cover(&mut self, low: u64, high: u64) {
        if self.bins.is_empty() {
            self.offset = low;
            self.bins.resize((high - low + 1) as usize, 0);
            return;
        }
        if low < self.offset {
            let grow = (self.offset - low) as usize;
            self.bins.splice(0..0, std::iter::repeat_n(0, grow));
            self.offset = low;
        }
        let end = self.offset + self.bins.len() as u64;
        if high >= end {
            self.bins.resize((high - self.offset + 1) as usize, 0);
        }
    }

    #[inline]
    fn add(&mut self, bin: u64) {
        self.cover(bin, bin);
        self.bins[(bin - self.offset) as usize] += 1;
    }

    /// Counts the bins of magnitudes (already covered).
    #[inline]
    fn count_magnitudes(&mut self, magnitudes: impl Iterator<Item = f64>) {
        let offset = self.offset;
        for m in magnitudes {
            self.bins[(bin_of(m) - offset) as usize] += 1;
        }
    }

    fn merge(&mut self, other: &Store) {
        let Some(last) = other.bins.len().checked_sub(1) else {
            return;
        };
        self.cover(other.offset, other.offset + last as u64);
        let start = (other.offset - self.offset) as usize;
        for (mine, theirs) in self.bins[start..].iter_mut().zip(&other.bins) {
            *mine += theirs;
        }
    }

    /// (bin, count) pairs with counts, smallest magnitude first.
    fn counts(&self) -> impl DoubleEndedIterator<Item = (u64, u64)> + '_ {
        self.bins
            .iter()
            .enumerate()
            .map(|(i, &c)| (self.offset + i as u64, u64::from(c)))
            .filter(|(_, c)| *c > 0)
    }
}

#[inline]
fn bin_of(magnitude: f64) -> u64 {
    magnitude.to_bits() >> SHIFT
}

/// The middle of a bin's range of magnitudes.
fn bin_middle(bin: u64) -> f64 {
    let low = f64::from_bits(bin << SHIFT);
    let high = f64::from_bits((bin + 1) << SHIFT);
    (low + high) / 2.0
}

/// A mergeable quantile sketch with exact count, min, max and count above zero.
#[derive(Debug, Clone)]
pub struct Sketch {
    positive: Store,
    negative: Store,
    zeros: u64,
    count: u64,
    above_zero: u64,
    min: f64,
    max: f64,
}

impl Default for Sketch {
    fn default() -> Self {
        Sketch {
            positive: Store::default(),
            negative: Store::default(),
            zeros: 0,
            count: 0,
            above_zero: 0,
            min: f64::INFINITY,
            max: f64::NEG_INFINITY,
        }
    }
}

impl Sketch {
    /// Adds one value; NaN (an undefined value) is skipped.
    #[inline]
    pub fn push(&mut self, x: f64) {
        if x.is_nan() {
            return;
        }
        self.count += 1;
        self.min = self.min.min(x);
        self.max = self.max.max(x);
        if x > 0.0 {
            self.above_zero += 1;
        }
        let magnitude = x.abs();
        if magnitude < ZERO_BELOW {
            self.zeros += 1;
        } else if x > 0.0 {
            self.positive.add(bin_of(magnitude));
        } else {
            self.negative.add(bin_of(magnitude));
        }
    }

    /// Adds every value of a slice, one by one (see [`accumulate`] for the fast path).
    pub fn extend(&mut self, values: &[f64]) {
        values.iter().for_each(|&x| self.push(x));
    }

    /// Combines another sketch into this one; the order of merges does not matter.
    pub fn merge(&mut self, other: &Sketch) {
        self.positive.merge(&other.positive);
        self.negative.merge(&other.negative);
        self.zeros += other.zeros;
        self.count += other.count;
        self.above_zero += other.above_zero;
        self.min = self.min.min(other.min);
        self.max = self.max.max(other.max);
    }

    /// Number of values pushed.
    pub fn count(&self) -> u64 {
        self.count
    }

    /// The share of values above zero.
    pub fn share_above_zero(&self) -> f64 {
        if self.count == 0 {
            0.0
        } else {
            self.above_zero as f64 / self.count as f64
        }
    }

    /// The `p`-quantile by nearest rank (the ⌈p·n⌉-th smallest value), within
    /// [`SKETCH_RELATIVE_ERROR`] relative; exact at the minimum and maximum.
    pub fn quantile(&self, p: f64) -> Option<f64> {
        self.quantiles([p]).map(|[q]| q)
    }

    /// Several quantiles, as [`Sketch::quantile`] gives each, in one pass over the bins;
    /// `ps` in increasing order.
    pub fn quantiles<const N: usize>(&self, ps: [f64; N]) -> Option<[f64; N]> {
        let mut out = [0.0; N];
        self.quantiles_into(&ps, &mut out).then_some(out)
    }

    /// As [`Sketch::quantiles`], for any number of them: `out[i]` the `ps[i]`-quantile; false
    /// (and `out` untouched) where the sketch is empty.
    pub fn quantiles_into(&self, ps: &[f64], out: &mut [f64]) -> bool {
        if self.count == 0 {
            return false;
        }
        out.fill(self.max);
        // Every bin's middle and count, smallest value first.
        let mut bins = self
            .negative
            .counts()
            .rev()
            .map(|(bin, c)| (-bin_middle(bin), c))
            .chain(std::iter::once((0.0, self.zeros)))
            .chain(self.positive.counts().map(|(bin, c)| (bin_middle(bin), c)));
        let (mut seen, mut at) = (0, 0.0);
        for (q, &p) in out.iter_mut().zip(ps) {
            let rank = ((p * self.count as f64).ceil() as u64).clamp(1, self.count);
            if rank == 1 {
                *q = self.min;
                continue;
            }
            if rank == self.count {
                break;
            }
            while seen < rank {
                match bins.next() {
                    Some((middle, c)) => {
                        seen += c;
                        at = middle;
                    }
                    None => {
                        at = self.max;
                        break;
                    }
                }
            }
            *q = at.clamp(self.min, self.max);
        }
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn exact_quantile(sorted: &[f64], p: f64) -> f64 {
        let rank = ((p * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len());
        sorted[rank - 1]
    }

    #[test]
    fn sketch_quantiles_lie_within_the_stated_error() {
        // A deterministic spread of values over several orders of magnitude, both signs.
        let values: Vec<f64> = (0..20_000)
            .map(|i| {
                let t = i as f64 / 20_000.0;
                (t * 12.0).exp() * if i % 7 == 0 { -1.0 } else { 1.0 } + (i % 13) as f64
            })
            .collect();
        let mut sketch = Sketch::default();
        sketch.extend(&values);
        let mut sorted = values.clone();
        sorted.sort_by(f64::total_cmp);
        let ps = [0.0, 0.01, 0.05, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99, 1.0];
        // One at a time, and all in one pass.
        let together = sketch.quantiles(ps).unwrap();
        for (p, got_together) in ps.into_iter().zip(together) {
            let exact = exact_quantile(&sorted, p);
            let got = sketch.quantile(p).unwrap();
            assert_eq!(got, got_together, "p={p}");
            assert!(
                (got - exact).abs() <= SKETCH_RELATIVE_ERROR * exact.abs() + 1e-12,
                "p={p}: {got} vs {exact}"
            );
        }
    }

    #[test]
    fn merging_in_any_order_gives_the_same_sketch() {
        let values: Vec<f64> = (1..5000).map(|i| (i as f64).sqrt() * 1000.0).collect();
        let mut whole = Sketch::default();
        whole.extend(&values);
        let (a, b) = values.split_at(1234);
        let mut ab = Sketch::default();
        ab.extend(a);
        let mut other = Sketch::default();
        other.extend(b);
        let mut ba = other.clone();
        ba.merge(&ab);
        ab.merge(&other);
        for p in [0.05, 0.5, 0.95] {
            assert_eq!(whole.quantile(p), ab.quantile(p));
            assert_eq!(whole.quantile(p), ba.quantile(p));
        }
    }

    #[test]
    fn constant_values_are_exact() {
        let mut s = Sketch::default();
        s.extend(&[1234.5678; 100]);
        assert_eq!(s.quantile(0.5), Some(1234.5678));
        assert_eq!(s.share_above_zero(), 1.0);
    }

    /// 10⁷ values near 10⁹, as the engine folds them (batches of 4096, merged pairwise),
    /// against an exact reference in 128-bit integers: every value is a multiple of 1/8.
    #[test]
    fn moments_and_percentiles_are_stable_at_ten_million() {
        const N: usize = 10_000_000;
        let eighths = |i: usize| 8_000_000_000i128 + ((i * 7919) % 100_003) as i128;
        let values: Vec<f64> = (0..N).map(|i| eighths(i) as f64 / 8.0).collect();
        let mut sketch = Sketch::default();
        let batches: Vec<Moments> = values
            .chunks(4096)
            .map(|c| accumulate(c, &mut sketch))
            .collect();
        let m = Moments::merge_pairwise(&batches);
        // Exact: mean = Σe/(8n); m2 = (Σe² − (Σe)²/n)/64.
        let (sum, squares) = (0..N).fold((0i128, 0i128), |(s, q), i| {
            (s + eighths(i), q + eighths(i) * eighths(i))
        });
        let n = N as i128;
        let mean = sum as f64 / (8.0 * N as f64);
        let m2 = ((squares * n - sum * sum) as f64 / n as f64) / 64.0;
        assert_eq!(m.n, N as u64);
        assert!(
            (m.mean - mean).abs() <= 1e-15 * mean,
            "{} vs {mean}",
            m.mean
        );
        assert!((m.m2 - m2).abs() <= 1e-9 * m2, "{} vs {m2}", m.m2);
        let mut sorted = values;
        sorted.sort_unstable_by(f64::total_cmp);
        for p in [0.05, 0.1, 0.5, 0.9, 0.95] {
            let exact = sorted[(p * N as f64).ceil() as usize - 1];
            let got = sketch.quantile(p).unwrap();
            assert!(
                (got - exact).abs() <= SKETCH_RELATIVE_ERROR * exact,
                "p{p}: {got} vs {exact}"
            );
        }
    }

    #[test]
    fn merged_moments_equal_one_pass() {
        let values: Vec<f64> = (0..1000).map(|i| 1e6 + (i as f64 * 0.37).sin()).collect();
        let whole = Moments::from_slice(&values);
        let parts: Vec<Moments> = values.chunks(97).map(Moments::from_slice).collect();
        let merged = Moments::merge_pairwise(&parts);
        assert_eq!(whole.n, merged.n);
        assert!((whole.mean - merged.mean).abs() < 1e-9);
        assert!((whole.sd() - merged.sd()).abs() < 1e-9);
    }
}
