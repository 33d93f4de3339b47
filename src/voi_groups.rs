//! The EVPPI of groups of inputs (docs/method.md §6): all the uncertain inputs of one
//! department, of one option, of one journey of a portfolio. Slices do not extend to many
//! inputs at once, so each option's NB is predicted from the group's inputs by a linear
//! regression metamodel, and the iterations are sliced by the regret those predictions give
//! the choice best on average: the EVPPI of that one index, a function of the group, is at
//! most the group's (up to the slices' noise) and exact where NB is linear in the group.
//! Taking the fitted values themselves as E[NB | group] instead overstates it where NB
//! multiplies inputs together: a straight line through a product reaches further below zero
//! than the product does (on border-exports, by 30% beyond the EVPI itself).

use std::collections::BTreeMap;

/// The most iterations a group's regression reads (the run's first): its cost grows with the
/// iterations times the square of the group's size.
pub const GROUP_ITERATIONS: usize = 100_000;

/// The most inputs a group may have for its regression.
pub const MAX_GROUP_INPUTS: usize = 60;

/// A group of inputs: its name and its (key, column of values) members.
pub struct Group<'v> {
    pub name: String,
    pub keys: Vec<&'v str>,
    pub members: Vec<&'v [f64]>,
}

/// The groups of the kept inputs: per department (`departments.ID`, in a portfolio with its
/// journey's stem in front), per option (`options.ID`), and per journey of a portfolio (its
/// stem); only groups of two or more inputs and at most [`MAX_GROUP_INPUTS`].
pub fn groups<'v>(inputs: &'v [(String, Vec<f64>)]) -> Vec<Group<'v>> {
    let mut by: BTreeMap<String, Vec<(&'v str, &'v [f64])>> = BTreeMap::new();
    for (key, values) in inputs {
        let (journey, rest) = match key.split_once('/') {
            Some((stem, rest)) => (Some(stem), rest),
            None => (None, key.as_str()),
        };
        let parts: Vec<&str> = rest.splitn(3, '.').collect();
        if let ["departments" | "options", id, _] = parts.as_slice() {
            let name = format!("{}.{id}", parts[0]);
            let name = journey.map_or(name.clone(), |stem| format!("{stem}/{name}"));
            by.entry(name).or_default().push((key, values));
        }
        if let Some(stem) = journey {
            by.entry(stem.to_string()).or_default().push((key, values));
        }
    }
    by.into_iter()
        .filter(|(_, members)| (2..=MAX_GROUP_INPUTS).contains(&members.len()))
        .map(|(name, members)| Group {
            name,
            keys: members.iter().map(|m| m.0).collect(),
            members: members.iter().map(|m| m.1).collect(),
        })
        .collect()
}

/// A group of `voi.csv` in words: "HMRC", "the option Share data", "the journey Telling
/// government about a death".
pub fn group_label(model: &crate::scenario::Model, group: &str) -> String {
    let (journey, rest) = match group.split_once('/') {
        Some((stem, rest)) => (Some(stem), rest),
        None => (None, group),
    };
    let in_journey = |d: &&crate::scenario::Department| {
        journey.is_none_or(|stem| model.journeys()[d.journey].id == stem)
    };
    match rest.split_once('.') {
        Some(("departments", id)) => model
            .departments()
            .iter()
            .filter(in_journey)
            .find(|d| d.id == id)
            .map_or(group.to_string(), |d| match journey {
                Some(stem) => format!("{} ({stem})", d.short_name),
                None => d.short_name.clone(),
            }),
        Some(("options", id)) => model
            .options()
            .iter()
            .find(|o| o.id == id)
            .map_or(group.to_string(), |o| format!("the option {}", o.name)),
        _ => model
            .journeys()
            .iter()
            .find(|j| j.id == group)
            .map_or(group.to_string(), |j| format!("the journey {}", j.name)),
    }
}

/// The iterations ordered by the regret of the choice that is best on average, as the group's
/// inputs predict it: each option's NB is fitted linearly on the group's inputs (on the other
/// half of the iterations, so the fit's own noise cannot flatter it), and the regret is the
/// best prediction of the others (business as usual's NB being 0) less that of the choice best
/// on average. Slicing this order as one input's values are sliced measures the EVPPI of the
/// prediction, a function of the group: at most the group's EVPPI, exact where NB is linear in
/// the group.
pub fn regret_order(nb: &[Vec<f64>], group: &Group) -> Vec<usize> {
    let n = group
        .members
        .iter()
        .map(|c| c.len())
        .chain(nb.first().map(Vec::len))
        .min()
        .unwrap_or(0);
    let members: Vec<&[f64]> = group.members.iter().map(|c| &c[..n]).collect();
    let half = n / 2;
    let mut predictions = vec![vec![0.0; n]; nb.len()];
    for (fit_rows, use_rows) in [(0..half, half..n), (half..n, 0..half)] {
        let fits = Fit::each(nb, &members, fit_rows);
        for (fit, predicted) in fits.iter().zip(&mut predictions) {
            for i in use_rows.clone() {
                predicted[i] = fit.predict(&members, i);
            }
        }
    }
    let means: Vec<f64> = nb
        .iter()
        .map(|v| v[..n].iter().sum::<f64>() / n as f64)
        .collect();
    let best = (0..nb.len())
        .filter(|&d| means[d] > 0.0)
        .max_by(|&a, &b| means[a].total_cmp(&means[b]));
    let regret = |i: usize| {
        let others = (0..nb.len())
            .filter(|&d| Some(d) != best)
            .map(|d| predictions[d][i])
            .chain(best.map(|_| 0.0))
            .fold(f64::NEG_INFINITY, f64::max);
        others - best.map_or(0.0, |d| predictions[d][i])
    };
    let regrets: Vec<f64> = (0..n).map(regret).collect();
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by(|&a, &b| regrets[a].total_cmp(&regrets[b]).then(a.cmp(&b)));
    order
}

/// A least-squares fit of y on an intercept and columns (each centred and scaled first, so the
/// normal equations are well conditioned).
struct Fit {
    intercept: f64,
    /// Per column: mean, standard deviation and coefficient (columns that do not vary in the
    /// fitted rows are left out with coefficient 0).
    terms: Vec<(f64, f64, f64)>,
}

impl Fit {
    /// The fit of each of `ys` on the same columns over `rows`: the columns are scaled and
    /// their cross-products summed once for all.
    fn each(ys: &[Vec<f64>], columns: &[&[f64]], rows: std::ops::Range<usize>) -> Vec<Fit> {
        let count = rows.len().max(1) as f64;
        let mean_of = |c: &[f64]| c[rows.clone()].iter().sum::<f64>() / count;
        let moments: Vec<(f64, f64)> = columns
            .iter()
            .map(|c| {
                let mean = mean_of(c);
                let var = c[rows.clone()]
                    .iter()
                    .map(|x| (x - mean).powi(2))
                    .sum::<f64>()
                    / count;
                (mean, var.sqrt())
            })
            .collect();
        let varying: Vec<usize> = (0..columns.len()).filter(|&j| moments[j].1 > 0.0).collect();
        let scaled: Vec<Vec<f64>> = varying
            .iter()
            .map(|&j| {
                let (mean, sd) = moments[j];
                columns[j][rows.clone()]
                    .iter()
                    .map(|x| (x - mean) / sd)
                    .collect()
            })
            .collect();
        let p = scaled.len();
        // The normal equations of the centred problem, (XᵀX) b = Xᵀ(y − ȳ); XᵀX is symmetric.
        let mut gram = vec![vec![0.0; p]; p];
        for j in 0..p {
            for k in 0..=j {
                let value = dot(&scaled[j], &scaled[k]);
                gram[j][k] = value;
                gram[k][j] = value;
            }
        }
        ys.iter()
            .map(|y| {
                let y_mean = mean_of(y);
                let centred: Vec<f64> = y[rows.clone()].iter().map(|v| v - y_mean).collect();
                let mut a = gram.clone();
                for (j, row) in a.iter_mut().enumerate() {
                    row.push(dot(&scaled[j], &centred));
                }
                let b = solve(a);
                let mut terms = vec![(0.0, 1.0, 0.0); columns.len()];
                for (k, &j) in varying.iter().enumerate() {
                    terms[j] = (moments[j].0, moments[j].1, b[k]);
                }
                Fit {
                    intercept: y_mean,
                    terms,
                }
            })
            .collect()
    }

    fn predict(&self, columns: &[&[f64]], i: usize) -> f64 {
        self.intercept
            + self
                .terms
                .iter()
                .zip(columns)
                .map(|(&(mean, sd, b), c)| b * (c[i] - mean) / sd)
                .sum::<f64>()
    }
}

fn dot(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
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
        let fit = &Fit::each(std::slice::from_ref(&y), &[&x1, &x2], 0..50)[0];
        for (i, want) in y.iter().enumerate() {
            let f = fit.predict(&[&x1, &x2], i);
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
