//! What must be true (docs/method.md §6): per option, the uncertain inputs that differ most
//! between the iterations where its NPSV is below zero and all iterations — the median of the
//! input in each, and the shift in units of the input's own standard deviation — read from the
//! run's kept iterations. A reviewer learns which values the option's failure rests on.

use rayon::prelude::*;

use crate::engine::{Layout, Samples};
use crate::outputs::Metric;
use crate::scenario::Model;

/// The most iterations read (the run's first): medians of 200,000 draws are precise to well
/// under a hundredth of an sd, and sorting more costs more than the run.
pub const CONDITIONS_ITERATIONS: usize = 200_000;

/// The smallest shift, in standard deviations, that `conditions.csv` lists.
pub const MIN_SHIFT: f64 = 0.5;

/// One uncertain input that differs where an option loses value.
#[derive(Debug, Clone, PartialEq)]
pub struct Condition {
    pub option: String,
    pub input: String,
    pub median_all: f64,
    pub median_npsv_negative: f64,
    /// (median where NPSV < 0 − median of all) / the input's sd.
    pub shift_sd: f64,
    /// Where the median of the negative iterations sits in the input's own distribution: the
    /// share of all kept iterations at or below it.
    pub percentile: f64,
}

/// One kept input, summarised once for every option.
struct Column {
    id: usize,
    values: Vec<f64>,
    sorted: Vec<f64>,
    median: f64,
    sd: f64,
}

/// Every option's conditions, largest shift first within each option.
pub fn conditions(model: &Model, samples: &Samples) -> Vec<Condition> {
    let layout = Layout::new(model);
    let columns: Vec<Column> = samples
        .inputs()
        .into_par_iter()
        .filter_map(|(id, c)| {
            let values = samples.input_prefix(c, CONDITIONS_ITERATIONS).to_vec();
            let sd = sd(&values);
            let mut sorted = values.clone();
            let median = median(&mut sorted);
            (sd > 0.0).then_some(Column {
                id,
                values,
                sorted,
                median,
                sd,
            })
        })
        .collect();
    let mut found = Vec::new();
    for (o, option) in model.options().iter().enumerate() {
        let Some(npsv) = samples.output(layout.appraisal(o, Metric::Npsv)) else {
            continue;
        };
        let negative: Vec<bool> = npsv
            .iter()
            .take(CONDITIONS_ITERATIONS)
            .map(|&x| x < 0.0)
            .collect();
        let count = negative.iter().filter(|&&n| n).count();
        if count == 0 || count == negative.len() {
            continue;
        }
        let mut rows: Vec<Condition> = columns
            .par_iter()
            .filter_map(|column| {
                let mut subset = Vec::with_capacity(count);
                subset.extend(
                    column
                        .values
                        .iter()
                        .zip(&negative)
                        .filter_map(|(&x, &n)| n.then_some(x)),
                );
                let median_negative = lower_middle(&mut subset);
                let shift = (median_negative - column.median) / column.sd;
                let at_or_below = column.sorted.partition_point(|&x| x <= median_negative);
                (shift.abs() >= MIN_SHIFT).then(|| Condition {
                    option: option.id.clone(),
                    input: model.inputs()[column.id].key.clone(),
                    median_all: column.median,
                    median_npsv_negative: median_negative,
                    shift_sd: shift,
                    percentile: at_or_below as f64 / column.sorted.len() as f64,
                })
            })
            .collect();
        rows.sort_by(|a, b| b.shift_sd.abs().total_cmp(&a.shift_sd.abs()));
        found.extend(rows);
    }
    found
}

/// The lower middle of `values` by selection, without sorting them all.
fn lower_middle(values: &mut [f64]) -> f64 {
    let k = (values.len() - 1) / 2;
    *values.select_nth_unstable_by(k, f64::total_cmp).1
}

/// The median of `values`, which are sorted in place (the lower middle of an even count).
fn median(values: &mut [f64]) -> f64 {
    values.sort_by(f64::total_cmp);
    values[(values.len() - 1) / 2]
}

/// The standard deviation of `values` (n − 1 in the denominator).
fn sd(values: &[f64]) -> f64 {
    let n = values.len() as f64;
    if n < 2.0 {
        return 0.0;
    }
    let mean = values.iter().sum::<f64>() / n;
    (values.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1.0)).sqrt()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn medians_and_spreads_by_hand() {
        assert_eq!(median(&mut [3.0, 1.0, 2.0]), 2.0);
        assert_eq!(median(&mut [4.0, 1.0, 3.0, 2.0]), 2.0);
        assert_eq!(lower_middle(&mut [4.0, 1.0, 3.0, 2.0]), 2.0);
        assert_eq!(lower_middle(&mut [5.0, 1.0, 3.0]), 3.0);
        assert!((sd(&[1.0, 2.0, 3.0, 4.0]) - (5.0f64 / 3.0).sqrt()).abs() < 1e-15);
    }
}
