//! The EVPPI of groups of inputs (docs/method.md §6): all the uncertain inputs of one
//! department, of one option, of one journey of a portfolio. Slices do not extend to many
//! inputs at once, so E[NB_d | group] is estimated by a linear regression metamodel — NB_d on
//! the group's inputs, by least squares over the kept iterations — exact where NB_d is linear
//! in them, blind to their interactions and curvature (so it can understate the value), and
//! pushed up by fitting noise by about (number of inputs) / (iterations) of NB's variance
//! (negligible at the run's counts).

use std::collections::BTreeMap;

/// The most iterations a group's regression reads (the run's first): its cost grows with the
/// iterations times the square of the group's size.
pub const GROUP_ITERATIONS: usize = 100_000;

/// The most inputs a group may have for its regression.
pub const MAX_GROUP_INPUTS: usize = 60;

/// A group of inputs: its name and its (key, column of values) members.
pub struct Group<'v> {
    pub name: String,
    pub members: Vec<&'v [f64]>,
}

/// The groups of the kept inputs: per department (`departments.ID`, in a portfolio with its
/// journey's stem in front), per option (`options.ID`), and per journey of a portfolio (its
/// stem); only groups of two or more inputs and at most [`MAX_GROUP_INPUTS`].
pub fn groups<'v>(inputs: &'v [(String, Vec<f64>)]) -> Vec<Group<'v>> {
    let mut by: BTreeMap<String, Vec<&'v [f64]>> = BTreeMap::new();
    for (key, values) in inputs {
        let (journey, rest) = match key.split_once('/') {
            Some((stem, rest)) => (Some(stem), rest),
            None => (None, key.as_str()),
        };
        let parts: Vec<&str> = rest.splitn(3, '.').collect();
        if let ["departments" | "options", id, _] = parts.as_slice() {
            let name = format!("{}.{id}", parts[0]);
            let name = journey.map_or(name.clone(), |stem| format!("{stem}/{name}"));
            by.entry(name).or_default().push(values);
        }
        if let Some(stem) = journey {
            by.entry(stem.to_string()).or_default().push(values);
        }
    }
    by.into_iter()
        .filter(|(_, members)| (2..=MAX_GROUP_INPUTS).contains(&members.len()))
        .map(|(name, members)| Group { name, members })
        .collect()
}

/// `mean_n max(0, max_d f_d(n)) − max(0, max_d mean NB_d)`, f_d the least-squares fit of NB_d
/// on the group's inputs.
pub fn evppi(nb: &[Vec<f64>], group: &Group) -> f64 {
    let n = nb.first().map_or(0, Vec::len).min(GROUP_ITERATIONS);
    let members: Vec<&[f64]> = group.members.iter().map(|c| &c[..n]).collect();
    let fits: Vec<Vec<f64>> = nb.iter().map(|y| fitted(&y[..n], &members)).collect();
    let best_mean = nb
        .iter()
        .map(|v| v[..n].iter().sum::<f64>() / n as f64)
        .fold(0.0, f64::max);
    let expected = (0..n)
        .map(|i| fits.iter().map(|f| f[i]).fold(0.0, f64::max))
        .sum::<f64>()
        / n as f64;
    expected - best_mean
}

/// The fitted values of `y` regressed on an intercept and `columns` (each centred and scaled
/// first, so the normal equations are well conditioned).
fn fitted(y: &[f64], columns: &[&[f64]]) -> Vec<f64> {
    let n = y.len();
    let scaled: Vec<Vec<f64>> = columns
        .iter()
        .filter_map(|c| {
            let mean = c.iter().sum::<f64>() / n as f64;
            let sd = (c.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / n as f64).sqrt();
            (sd > 0.0).then(|| c.iter().map(|x| (x - mean) / sd).collect())
        })
        .collect();
    let y_mean = y.iter().sum::<f64>() / n as f64;
    let p = scaled.len();
    // Normal equations of the centred problem: (XᵀX) b = Xᵀ(y − ȳ).
    let mut a = vec![vec![0.0; p + 1]; p];
    for (j, row) in a.iter_mut().enumerate() {
        for k in 0..p {
            row[k] = (0..n).map(|i| scaled[j][i] * scaled[k][i]).sum();
        }
        row[p] = (0..n).map(|i| scaled[j][i] * (y[i] - y_mean)).sum();
    }
    let b = solve(a);
    (0..n)
        .map(|i| y_mean + (0..p).map(|j| b[j] * scaled[j][i]).sum::<f64>())
        .collect()
}

/// Solves the augmented system by Gaussian elimination with partial pivoting; a singular
/// direction (inputs moving together exactly) gets coefficient 0.
fn solve(mut a: Vec<Vec<f64>>) -> Vec<f64> {
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
            if a[r][r].abs() < 1e-9 {
                0.0
            } else {
                a[r][p] / a[r][r]
            }
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
        let fit = fitted(&y, &[&x1, &x2]);
        for (f, want) in fit.iter().zip(&y) {
            assert!((f - want).abs() < 1e-9, "{f} vs {want}");
        }
    }

    #[test]
    fn inputs_group_by_department_option_and_journey() {
        let column = vec![0.0; 3];
        let inputs: Vec<(String, Vec<f64>)> = [
            "departments.hmrc.staff_minutes",
            "departments.hmrc.user_minutes",
            "departments.apha.user_minutes",
            "options.share.capital[0]",
            "options.share.effect[0].reduce",
            "journeys.per_year",
        ]
        .iter()
        .map(|k| (k.to_string(), column.clone()))
        .collect();
        let names: Vec<String> = groups(&inputs).into_iter().map(|g| g.name).collect();
        assert_eq!(names, ["departments.hmrc", "options.share"]);
    }
}
