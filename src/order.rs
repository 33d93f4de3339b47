//! The order of a run's iterations by the values of one column (an input's draws, a group's
//! regrets): the value of information slices the iterations in this order. It is taken for
//! every edited input and every group on each of the live page's edits, so it sorts integer
//! keys packed eight bytes to an iteration rather than comparing floats.

/// The iterations in the order of their values (smallest first, as `f64::total_cmp` orders
/// them; ties by iteration). Each value becomes an integer key that orders as it does; the
/// keys' top halves are sorted packed with their iterations in one `u64` each, then each run
/// of iterations whose keys share a top half by the whole key. About twice as fast as a
/// radix sort of (key, iteration) pairs for the few thousand draws the value of information
/// sorts, and the order is the one a stable comparison sort gives.
pub fn sorted_order(values: &[f64]) -> Vec<u32> {
    let keys: Vec<u64> = values.iter().map(|&v| total_order_key(v)).collect();
    let mut packed: Vec<u64> = keys
        .iter()
        .zip(0u32..)
        .map(|(&key, i)| (key >> 32) << 32 | u64::from(i))
        .collect();
    packed.sort_unstable();
    let mut order: Vec<u32> = packed.iter().map(|&p| p as u32).collect();
    let mut start = 0;
    while start < packed.len() {
        let top = packed[start] >> 32;
        let run = packed[start..]
            .iter()
            .take_while(|&&p| p >> 32 == top)
            .count();
        if run > 1 {
            order[start..start + run].sort_unstable_by_key(|&i| (keys[i as usize], i));
        }
        start += run;
    }
    order
}

/// An unsigned integer that orders as `f64::total_cmp` orders `value`: negative numbers' bits
/// reversed below positive numbers' (the standard library's own transformation, then the sign
/// bit flipped to compare unsigned).
fn total_order_key(value: f64) -> u64 {
    let bits = value.to_bits();
    let ordered = bits ^ ((((bits as i64) >> 63) as u64) >> 1);
    ordered ^ (1 << 63)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The integer keys order every pair of values as `f64::total_cmp` does: signed zeros,
    /// infinities, subnormals and NaNs of either sign included.
    #[test]
    fn the_sort_keys_order_as_total_cmp() {
        let values = [
            f64::NEG_INFINITY,
            -f64::MAX,
            -1.5,
            -f64::MIN_POSITIVE / 4.0,
            -0.0,
            0.0,
            f64::MIN_POSITIVE / 4.0,
            1e-300,
            2.0,
            f64::MAX,
            f64::INFINITY,
            f64::NAN,
            -f64::NAN,
        ];
        for a in values {
            for b in values {
                assert_eq!(
                    total_order_key(a).cmp(&total_order_key(b)),
                    a.total_cmp(&b),
                    "{a} against {b}"
                );
            }
        }
        // Ties go by iteration.
        assert_eq!(sorted_order(&[2.0, -0.0, 2.0, 0.0, -3.0]), [4, 1, 3, 0, 2]);
    }

    /// The sort orders as a comparison sort of (value, iteration) does: on values of both
    /// signs across many magnitudes, with ties, and on values that share every byte but one
    /// (so every key's top half: the runs sorted by the whole key).
    #[test]
    fn the_sort_is_a_comparison_sort() {
        let mut state = 0x2545_f491_4f6c_dd1du64;
        let mut next = || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        let wide: Vec<f64> = (0..5000)
            .map(|_| {
                let r = next();
                let magnitude = 10f64.powi((r % 40) as i32 - 20);
                let sign = if r & (1 << 40) == 0 { 1.0 } else { -1.0 };
                // 5,000 draws of 80,000 possible values: many repeat, so ties.
                sign * magnitude * ((r >> 20) % 1000) as f64
            })
            .collect();
        let close: Vec<f64> = (0..3000)
            .map(|i| 1.0 + f64::from(i % 97) * f64::EPSILON)
            .collect();
        for values in [wide, close] {
            let mut expected: Vec<u32> = (0..values.len() as u32).collect();
            expected.sort_by(|&a, &b| {
                values[a as usize]
                    .total_cmp(&values[b as usize])
                    .then(a.cmp(&b))
            });
            assert_eq!(sorted_order(&values), expected);
        }
    }
}
