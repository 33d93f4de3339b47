//! The EVPPI of groups of inputs (docs/method.md §6): all the uncertain inputs of one
//! department, of one option, of one journey of a portfolio. Slices do not extend to many
//! inputs at once, so each option's NB is predicted from the group's inputs by a linear
//! regression metamodel, and the iterations are sliced by the regret those predictions give
//! the choice best on average: the EVPPI of that one index, a function of the group, is at
//! most the group's (up to the slices' noise) and exact where NB is linear in the group.
//! Taking the fitted values themselves as E[NB | group] instead overstates it where NB
//! multiplies inputs together: a straight line through a product reaches further below zero
//! than the product does (on border-exports, by 30% beyond the EVPI itself).

use std::collections::{BTreeMap, HashMap};
use std::ops::Range;
use std::sync::Arc;

use rayon::prelude::*;

use crate::regression::{column_products, Centred, Design};

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
pub fn groups<'v>(inputs: &'v [(String, &'v [f64])]) -> Vec<Group<'v>> {
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

/// What every group's regressions share, worked out once for all of them: each option's NB
/// over the first `n` iterations (every group's columns are cut to them) and its mean, each
/// option's NB centred over each half, and each grouped input's products with those (its
/// entries of Xᵀ(y − ȳ), the same in every group it is in: an input of a department is also an
/// input of its journey).
pub struct Shared<'v> {
    n: usize,
    means: Vec<f64>,
    halves: [Vec<Centred>; 2],
    /// By input key: per half, per option.
    products: HashMap<&'v str, [Vec<f64>; 2]>,
}

/// The [`Shared`] sums of `groups` for the net benefits `nb`, over their first `n` iterations
/// (or as many as every column has).
pub fn shared<'v>(nb: &[Vec<f64>], groups: &[Group<'v>], n: usize) -> Shared<'v> {
    let n = nb
        .iter()
        .map(Vec::len)
        .chain(
            groups
                .iter()
                .flat_map(|g| g.members.iter().map(|c| c.len())),
        )
        .fold(n, usize::min);
    let means = nb
        .iter()
        .map(|v| v[..n].iter().sum::<f64>() / n as f64)
        .collect();
    let halves: [Vec<Centred>; 2] =
        halves(n).map(|(rows, _)| nb.iter().map(|y| Centred::of(y, rows.clone())).collect());
    let mut members: Vec<(&'v str, &'v [f64])> = groups
        .iter()
        .flat_map(|g| g.keys.iter().copied().zip(g.members.iter().copied()))
        .collect();
    members.sort_by_key(|m| m.0);
    members.dedup_by_key(|m| m.0);
    // Eight members to a task: each task sums its members' products with every option's NB
    // over each half.
    let products = members
        .par_chunks(8)
        .flat_map_iter(|chunk| {
            let columns: Vec<&[f64]> = chunk.iter().map(|m| m.1).collect();
            let [first, second] = halves.each_ref().map(|ys| column_products(&columns, ys));
            chunk
                .iter()
                .zip(first.into_iter().zip(second))
                .map(|(m, (first, second))| (m.0, [first, second]))
                .collect::<Vec<_>>()
        })
        .collect();
    Shared {
        n,
        means,
        halves,
        products,
    }
}

impl Shared<'_> {
    /// The iterations every group's regression reads: the first this many.
    pub fn iterations(&self) -> usize {
        self.n
    }

    /// max(0, max_d mean of NB_d) over those iterations: the mean of the choice best on
    /// average, business as usual's being 0.
    pub fn best_mean(&self) -> f64 {
        self.means.iter().fold(0.0, |best, &mean| best.max(mean))
    }
}

/// The two halves of the first `n` iterations, each with the other: a regression is fitted on
/// one and predicts the other.
fn halves(n: usize) -> [(Range<usize>, Range<usize>); 2] {
    let half = n / 2;
    [(0..half, half..n), (half..n, 0..half)]
}

/// The iterations ordered by the regret of the choice that is best on average, as the group's
/// inputs predict it: each option's NB is fitted linearly on the group's inputs (on the other
/// half of the iterations, so the fit's own noise cannot flatter it), and the regret is the
/// best prediction of the others (business as usual's NB being 0) less that of the choice best
/// on average. Slicing this order as one input's values are sliced measures the EVPPI of the
/// prediction, a function of the group: at most the group's EVPPI, exact where NB is linear in
/// the group.
///
/// `designs`, where given, are the group's two halves' designs from an earlier run on the same
/// draws of its inputs; the designs used are returned with the order, for a later run.
pub fn regret_order(
    nb: &[Vec<f64>],
    group: &Group,
    shared: &Shared,
    designs: Option<&Designs>,
) -> (Vec<u32>, Designs) {
    let n = shared.n;
    let members: Vec<&[f64]> = group.members.iter().map(|c| &c[..n.min(c.len())]).collect();
    let mut predictions = vec![vec![0.0; n]; nb.len()];
    let halves = halves(n);
    let designs: Designs = match designs {
        Some(kept) if kept.iter().zip(&halves).all(|(d, h)| d.rows() == h.0) => kept.clone(),
        _ => halves
            .clone()
            .map(|(fit_rows, _)| Arc::new(Design::of(&members, fit_rows))),
    };
    for (h, (design, (_, use_rows))) in designs.iter().zip(halves).enumerate() {
        let ys = &shared.halves[h];
        let fits = design.fit_with(ys, |r, k| {
            let j = design.varying()[k];
            match shared.products.get(group.keys[j]) {
                Some(products) => products[h][r],
                None => column_products(&[members[j]], &ys[r..=r])[0][0],
            }
        });
        for (fit, predicted) in fits.iter().zip(&mut predictions) {
            fit.predict_into(&members, use_rows.clone(), predicted);
        }
    }
    let means = &shared.means;
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
    (crate::order::sorted_order(&regrets), designs)
}

/// A group's regressions' designs: on the first half of the iterations, then the second.
pub type Designs = [Arc<Design>; 2];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inputs_group_by_department_option_and_journey() {
        let column = [0.0; 3];
        let inputs: Vec<(String, &[f64])> = [
            "departments.hmrc.staff_minutes",
            "departments.hmrc.user_minutes",
            "departments.apha.user_minutes",
            "options.share.capital[0]",
            "options.share.effect[0].reduce",
            "journeys.per_year",
        ]
        .iter()
        .map(|k| (k.to_string(), &column[..]))
        .collect();
        let names: Vec<String> = groups(&inputs).into_iter().map(|g| g.name).collect();
        assert_eq!(names, ["departments.hmrc", "options.share"]);
    }
}
