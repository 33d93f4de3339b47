//! Least squares of several responses on the same columns, for the value of information of a
//! group of inputs (`voi_groups`). The columns are centred and scaled first, so the normal
//! equations are well conditioned. Their cross-products — the costly part, growing with the
//! rows times the square of the columns — depend on the columns alone, so a [`Design`] keeps
//! them: the live page refits a group whose inputs an edit did not change to the new net
//! benefits without summing them again, and gets the same bits as a fit from scratch.

use std::ops::Range;

/// The columns' moments and cross-products over some rows: everything of a least-squares fit
/// that does not depend on the response.
#[derive(Debug, Clone)]
pub struct Design {
    rows: Range<usize>,
    /// Per column: mean and standard deviation over the rows.
    moments: Vec<(f64, f64)>,
    /// The columns that vary over the rows (the others get coefficient 0).
    varying: Vec<usize>,
    /// XᵀX of the varying columns, centred and scaled; symmetric.
    gram: Vec<Vec<f64>>,
}

/// A fitted line: y ≈ intercept + Σ b·(x − mean)/sd.
#[derive(Debug, Clone)]
pub struct Fit {
    intercept: f64,
    /// Per column: mean, standard deviation and coefficient.
    terms: Vec<(f64, f64, f64)>,
}

impl Design {
    /// The design of `columns` over `rows`.
    pub fn of(columns: &[&[f64]], rows: Range<usize>) -> Design {
        let moments: Vec<(f64, f64)> = columns.iter().map(|c| column_moments(c, &rows)).collect();
        Design::summed(columns, rows, moments, |_, _| None)
    }

    /// The design of `columns` over the same rows, where only the columns `changed` marks
    /// differ from those this design was made of: the cross-products of two unchanged columns
    /// are kept, the rest summed, so the result has the same bits as [`Design::of`] (every
    /// entry is its own sum, in the same order). `None` where the columns do not fit this
    /// design: not as many, or too short for its rows.
    pub fn updated(&self, columns: &[&[f64]], changed: &[bool]) -> Option<Design> {
        let fits = columns.len() == self.moments.len()
            && changed.len() == columns.len()
            && columns.iter().all(|c| c.len() >= self.rows.end);
        if !fits {
            return None;
        }
        let rows = self.rows.clone();
        let moments: Vec<(f64, f64)> = (0..columns.len())
            .map(|j| match changed[j] {
                true => column_moments(columns[j], &rows),
                false => self.moments[j],
            })
            .collect();
        // Where each unchanged column was among the earlier design's varying columns.
        let mut earlier = vec![None; columns.len()];
        for (position, &j) in self.varying.iter().enumerate() {
            earlier[j] = Some(position).filter(|_| !changed[j]);
        }
        let kept = |j: usize, k: usize| Some(self.gram[earlier[j]?][earlier[k]?]);
        Some(Design::summed(columns, rows, moments, kept))
    }

    /// The design of `columns` with these `moments`: each cross-product of two varying
    /// columns `j`, `k` is `known(j, k)` where that has it, and otherwise summed.
    fn summed(
        columns: &[&[f64]],
        rows: Range<usize>,
        moments: Vec<(f64, f64)>,
        known: impl Fn(usize, usize) -> Option<f64>,
    ) -> Design {
        let varying: Vec<usize> = (0..columns.len()).filter(|&j| moments[j].1 > 0.0).collect();
        let scaled: Vec<Vec<f64>> = varying
            .iter()
            .map(|&j| scaled(columns[j], &rows, moments[j]).collect())
            .collect();
        let p = varying.len();
        let mut gram = vec![vec![0.0; p]; p];
        for a in 0..p {
            for b in 0..=a {
                let value =
                    known(varying[a], varying[b]).unwrap_or_else(|| dot(&scaled[a], &scaled[b]));
                gram[a][b] = value;
                gram[b][a] = value;
            }
        }
        Design {
            rows,
            moments,
            varying,
            gram,
        }
    }

    /// The rows the design was summed over.
    pub fn rows(&self) -> Range<usize> {
        self.rows.clone()
    }

    /// The fit of each of `ys` on `columns` (the columns the design was made of) over the
    /// design's rows: the normal equations (XᵀX) b = Xᵀ(y − ȳ) solved for every y at once.
    /// The plain form the tests check [`Design::fit_with`] against; the value of information
    /// gives `fit_with` the products it has summed once for every group.
    #[cfg(test)]
    pub fn fit(&self, ys: &[Vec<f64>], columns: &[&[f64]]) -> Vec<Fit> {
        let centred: Vec<Centred> = ys.iter().map(|y| Centred::of(y, self.rows())).collect();
        let varying: Vec<&[f64]> = self.varying.iter().map(|&j| columns[j]).collect();
        let products = column_products(&varying, &centred);
        self.fit_with(&centred, |r, k| products[k][r])
    }

    /// The fit of each of `ys` on the columns the design was made of, over its rows: the normal
    /// equations (XᵀX) b = Xᵀ(y − ȳ), for responses already centred over the design's rows and
    /// with each entry of Xᵀ(y − ȳ) given: `products(r, k)` is Σ (x − mean)·(y − ȳ) of response
    /// `r` and the `k`-th varying column (as [`column_products`] sums it). Every y is solved in
    /// one elimination, each right-hand side getting the operations it would alone: the same
    /// bits.
    pub fn fit_with(&self, ys: &[Centred], products: impl Fn(usize, usize) -> f64) -> Vec<Fit> {
        let mut a = self.gram.clone();
        for r in 0..ys.len() {
            for (k, (row, &j)) in a.iter_mut().zip(&self.varying).enumerate() {
                row.push(products(r, k) / self.moments[j].1);
            }
        }
        let solutions = solve(a, ys.len());
        ys.iter()
            .enumerate()
            .map(|(r, y)| {
                let mut terms = vec![(0.0, 1.0, 0.0); self.moments.len()];
                for (k, &j) in self.varying.iter().enumerate() {
                    terms[j] = (self.moments[j].0, self.moments[j].1, solutions[k][r]);
                }
                Fit {
                    intercept: y.mean,
                    terms,
                }
            })
            .collect()
    }

    /// The columns (indices into those the design was made of) that vary over its rows, in the
    /// order [`Design::fit_with`] asks for their products.
    pub fn varying(&self) -> &[usize] {
        &self.varying
    }
}

/// A response over some rows: its mean there and its values less the mean.
#[derive(Debug, Clone)]
pub struct Centred {
    pub rows: Range<usize>,
    pub mean: f64,
    pub values: Vec<f64>,
}

impl Centred {
    pub fn of(y: &[f64], rows: Range<usize>) -> Centred {
        let mean = mean_over(y, &rows);
        let values = y[rows.clone()].iter().map(|v| v - mean).collect();
        Centred { rows, mean, values }
    }
}

/// Σ (x − mean)·(y − ȳ) over the responses' rows (the same for all of `ys`), each column's
/// mean taken over them: per column, per response, the entries of Xᵀ(y − ȳ), with the bits a
/// design's fit gives them (each the same sum in the same order), so a column in several
/// designs over the same rows can be summed once for all. Four columns and two
/// responses go to a pass over the rows, their sums advancing together.
pub fn column_products(columns: &[&[f64]], ys: &[Centred]) -> Vec<Vec<f64>> {
    let mut out = vec![vec![0.0; ys.len()]; columns.len()];
    let Some(rows) = ys.first().map(|y| y.rows.clone()) else {
        return out;
    };
    let means = means_over(columns, &rows);
    for a in (0..columns.len()).step_by(COLUMNS_A_PASS) {
        // Columns past the last repeat it; their sums are the same.
        let pass: [usize; COLUMNS_A_PASS] = std::array::from_fn(|k| (a + k).min(columns.len() - 1));
        let xs = pass.map(|c| (&columns[c][rows.clone()], means[c]));
        for r in (0..ys.len()).step_by(2) {
            let q = (r + 1).min(ys.len() - 1);
            let sums = products_of(&xs, [&ys[r].values, &ys[q].values]);
            for (&c, [with_r, with_q]) in pass.iter().zip(sums) {
                out[c][r] = with_r;
                out[c][q] = with_q;
            }
        }
    }
    out
}

/// The columns [`column_products`] sums in one pass over the rows: each sum is a chain of
/// additions, each waiting for the one before, and eight chains at once keep the processor
/// busy while each waits.
const COLUMNS_A_PASS: usize = 4;

/// Σ (x − mean)·y for each `(x, mean)` of `xs` and each of two responses `ys`, in row order.
fn products_of(
    xs: &[(&[f64], f64); COLUMNS_A_PASS],
    [c, d]: [&[f64]; 2],
) -> [[f64; 2]; COLUMNS_A_PASS] {
    let rows = c.len().min(d.len());
    let xs = xs.map(|(x, mean)| (&x[..rows], mean));
    let mut sums = [[0.0f64; 2]; COLUMNS_A_PASS];
    for (i, (c, d)) in c[..rows].iter().zip(&d[..rows]).enumerate() {
        for (sum, (x, mean)) in sums.iter_mut().zip(&xs) {
            let dx = x[i] - mean;
            sum[0] += dx * c;
            sum[1] += dx * d;
        }
    }
    sums
}

impl Fit {
    /// The fitted values at `rows` of `columns`, into `out` (indexed like the columns),
    /// column by column: y = (intercept − Σ b·mean/sd) + Σ (b/sd)·x.
    pub fn predict_into(&self, columns: &[&[f64]], rows: Range<usize>, out: &mut [f64]) {
        let constant = self.intercept
            - self
                .terms
                .iter()
                .map(|&(mean, sd, b)| b * mean / sd)
                .sum::<f64>();
        let out = &mut out[rows.clone()];
        out.fill(constant);
        let slopes: Vec<(f64, &[f64])> = self
            .terms
            .iter()
            .zip(columns)
            .filter(|(&(_, _, b), _)| b != 0.0)
            .map(|(&(_, sd, b), column)| (b / sd, &column[rows.clone()]))
            .collect();
        let mut passes = slopes.chunks_exact(TERMS_A_PASS);
        for pass in passes.by_ref() {
            add_terms::<TERMS_A_PASS>(out, pass);
        }
        for term in passes.remainder() {
            add_terms::<1>(out, std::slice::from_ref(term));
        }
    }
}

/// The terms [`Fit::predict_into`] adds in one pass over its rows: each row's value still
/// takes them one at a time, in order, but is read and written once for all of them.
const TERMS_A_PASS: usize = 4;

/// Adds `N` terms `slope · x` to each row of `out`, in the terms' order.
fn add_terms<const N: usize>(out: &mut [f64], terms: &[(f64, &[f64])]) {
    let rows = out.len();
    let terms: [(f64, &[f64]); N] = std::array::from_fn(|k| (terms[k].0, &terms[k].1[..rows]));
    for (i, y) in out.iter_mut().enumerate() {
        for (slope, column) in &terms {
            *y += slope * column[i];
        }
    }
}

/// A column's mean and standard deviation over `rows`.
fn column_moments(column: &[f64], rows: &Range<usize>) -> (f64, f64) {
    let count = rows.len().max(1) as f64;
    let mean = mean_over(column, rows);
    let var = column[rows.clone()]
        .iter()
        .map(|x| (x - mean).powi(2))
        .sum::<f64>()
        / count;
    (mean, var.sqrt())
}

/// A column's mean over `rows` (the mean of [`column_moments`]).
fn mean_over(column: &[f64], rows: &Range<usize>) -> f64 {
    column[rows.clone()].iter().sum::<f64>() / rows.len().max(1) as f64
}

/// Each column's [`mean_over`] `rows`, the same bits: each column's sum is added in row order,
/// but [`COLUMNS_A_PASS`] columns' sums advance together, so none waits on its own last addition.
fn means_over(columns: &[&[f64]], rows: &Range<usize>) -> Vec<f64> {
    let mut means = Vec::with_capacity(columns.len());
    let mut passes = columns.chunks_exact(COLUMNS_A_PASS);
    for pass in passes.by_ref() {
        let [a, b, c, d]: [&[f64]; COLUMNS_A_PASS] =
            std::array::from_fn(|k| &pass[k][rows.clone()]);
        let sums = a.iter().zip(b).zip(c).zip(d).fold(
            [0.0f64; COLUMNS_A_PASS],
            |[sa, sb, sc, sd], (((a, b), c), d)| [sa + a, sb + b, sc + c, sd + d],
        );
        means.extend(sums.map(|sum| sum / rows.len().max(1) as f64));
    }
    means.extend(passes.remainder().iter().map(|c| mean_over(c, rows)));
    means
}

/// A column's values over `rows`, centred and scaled by its `(mean, sd)`.
fn scaled<'c>(
    column: &'c [f64],
    rows: &Range<usize>,
    (mean, sd): (f64, f64),
) -> impl Iterator<Item = f64> + 'c {
    column[rows.clone()].iter().map(move |x| (x - mean) / sd)
}

fn dot(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

/// Solves the system augmented with `sides` right-hand sides by Gauss–Jordan elimination with
/// partial pivoting: for each unknown, its value on every side. A singular direction (inputs
/// moving together exactly) gets coefficient 0.
fn solve(mut a: Vec<Vec<f64>>, sides: usize) -> Vec<Vec<f64>> {
    let p = a.len();
    for col in 0..p {
        let pivot = (col..p)
            .max_by(|&r, &s| a[r][col].abs().total_cmp(&a[s][col].abs()))
            .unwrap_or(col);
        a.swap(col, pivot);
        if a[col][col].abs() < 1e-9 {
            continue;
        }
        let pivot_row = a[col].clone();
        for (r, row) in a.iter_mut().enumerate() {
            if r != col {
                let factor = row[col] / pivot_row[col];
                for (x, &y) in row.iter_mut().zip(&pivot_row).skip(col) {
                    *x -= factor * y;
                }
            }
        }
    }
    (0..p)
        .map(|r| {
            (0..sides)
                .map(|side| match a[r][r].abs() < 1e-9 {
                    true => 0.0,
                    false => a[r][p + side] / a[r][r],
                })
                .collect()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_linear_response_is_fitted_exactly() {
        let x1: Vec<f64> = (0..50).map(f64::from).collect();
        let x2: Vec<f64> = (0..50).map(|i| f64::from((i * 7) % 11)).collect();
        let y: Vec<f64> = (0..50).map(|i| 3.0 + 2.0 * x1[i] - 5.0 * x2[i]).collect();
        let design = Design::of(&[&x1, &x2], 0..50);
        let fit = &design.fit(std::slice::from_ref(&y), &[&x1, &x2])[0];
        let mut predicted = vec![0.0; 50];
        fit.predict_into(&[&x1, &x2], 0..50, &mut predicted);
        for (f, want) in predicted.iter().zip(&y) {
            assert!((f - want).abs() < 1e-9, "{f} vs {want}");
        }
    }

    /// 400 scattered values, different for each `seed`.
    fn column(seed: u64) -> Vec<f64> {
        (0..400u64)
            .map(|i| ((i * 2654435761 + seed * 40503) % 1000) as f64 / 7.0)
            .collect()
    }

    /// Fitting several responses at once gives each the bits of its fit alone.
    #[test]
    fn responses_fitted_together_are_fitted_as_alone() {
        let (a, b, c) = (column(1), column(2), column(3));
        let columns: [&[f64]; 3] = [&a, &b, &c];
        let ys: Vec<Vec<f64>> = (0..3)
            .map(|k| {
                (0..400)
                    .map(|i| a[i] * (k as f64 + 0.5) - b[i] * c[i] / 50.0 + column(7 + k)[i])
                    .collect()
            })
            .collect();
        let design = Design::of(&columns, 0..200);
        let together = design.fit(&ys, &columns);
        for (y, fit) in ys.iter().zip(&together) {
            let alone = &design.fit(std::slice::from_ref(y), &columns)[0];
            assert_eq!(format!("{fit:?}"), format!("{alone:?}"));
        }
    }

    /// A design updated for changed columns has the bits of one made from scratch: for a
    /// column redrawn, one made constant (it leaves the varying columns) and one that stops
    /// being constant.
    #[test]
    fn an_updated_design_is_the_design_from_scratch() {
        let (a, b, c, d) = (column(1), column(2), column(3), vec![5.0; 400]);
        let before = Design::of(&[&a, &b, &c, &d], 0..300);
        let (b2, c2, d2) = (column(9), vec![1.5; 400], column(4));
        let after: [&[f64]; 4] = [&a, &b2, &c2, &d2];
        let updated = before.updated(&after, &[false, true, true, true]).unwrap();
        assert_eq!(
            format!("{updated:?}"),
            format!("{:?}", Design::of(&after, 0..300))
        );
        // Nothing changed: the same design.
        let same = before.updated(&[&a, &b, &c, &d], &[false; 4]).unwrap();
        assert_eq!(format!("{same:?}"), format!("{before:?}"));
        // One column redrawn: the others' cross-products are kept, its own summed again.
        let one = before
            .updated(&[&a, &b2, &c, &d], &[false, true, false, false])
            .unwrap();
        assert_eq!(
            format!("{one:?}"),
            format!("{:?}", Design::of(&[&a, &b2, &c, &d], 0..300))
        );
        // Columns too short for the design's rows (a run of fewer iterations) do not fit.
        let short: Vec<f64> = a[..200].to_vec();
        assert!(before
            .updated(&[&short, &b, &c, &d], &[true, false, false, false])
            .is_none());
    }

    /// Column sums taken several at a time (the means, then the products with each response)
    /// have the bits of the plain sums, one column and one response at a time in row order:
    /// for every count of columns and responses around a pass's width.
    #[test]
    fn column_sums_taken_together_have_the_bits_of_each_alone() {
        let owned: Vec<Vec<f64>> = (0..9).map(|k| column(11 + k)).collect();
        let rows = 37..311;
        for count in 1..=owned.len() {
            let columns: Vec<&[f64]> = owned[..count].iter().map(Vec::as_slice).collect();
            let means = means_over(&columns, &rows);
            for (mean, column) in means.iter().zip(&columns) {
                let plain = column[rows.clone()].iter().sum::<f64>() / rows.len() as f64;
                assert_eq!(mean.to_bits(), plain.to_bits());
            }
            for responses in 1..=3 {
                let ys: Vec<Centred> = (0..responses)
                    .map(|r| Centred::of(&column(40 + r), rows.clone()))
                    .collect();
                let products = column_products(&columns, &ys);
                for ((column, mean), row) in columns.iter().zip(&means).zip(&products) {
                    for (y, product) in ys.iter().zip(row) {
                        let mut plain = 0.0;
                        for (x, v) in column[rows.clone()].iter().zip(&y.values) {
                            plain += (x - mean) * v;
                        }
                        assert_eq!(product.to_bits(), plain.to_bits(), "{count} columns");
                    }
                }
            }
        }
    }

    /// A prediction adding its terms several at a time has the bits of adding them one at a
    /// time, in order, skipping a zero coefficient: for every count of terms around a pass's.
    #[test]
    fn a_prediction_adds_its_terms_as_one_at_a_time() {
        let owned: Vec<Vec<f64>> = (0..10).map(|k| column(60 + k)).collect();
        let columns: Vec<&[f64]> = owned.iter().map(Vec::as_slice).collect();
        for count in 0..=columns.len() {
            let terms: Vec<(f64, f64, f64)> = (0..count)
                .map(|k| {
                    let b = if k == 2 { 0.0 } else { 0.3 * k as f64 - 1.1 };
                    (k as f64 * 1.7, 0.5 + k as f64, b)
                })
                .collect();
            let fit = Fit {
                intercept: 12.5,
                terms: terms.clone(),
            };
            let mut predicted = vec![f64::NAN; 400];
            fit.predict_into(&columns[..count], 100..350, &mut predicted);
            let constant = 12.5 - terms.iter().map(|&(m, sd, b)| b * m / sd).sum::<f64>();
            for i in 100..350 {
                let mut plain = constant;
                for (&(_, sd, b), column) in terms.iter().zip(&columns) {
                    if b != 0.0 {
                        plain += b / sd * column[i];
                    }
                }
                assert_eq!(predicted[i].to_bits(), plain.to_bits(), "{count} terms");
            }
            assert!(predicted[..100]
                .iter()
                .chain(&predicted[350..])
                .all(|v| v.is_nan()));
        }
    }
}
