//! Correlated inputs (docs/method.md §5): `[[correlation]]` tables and `--correlate`
//! overrides, each a Spearman rank correlation between two uncertain inputs, realised by a
//! Gaussian copula. Loading checks every pair names two different uncertain inputs once, and
//! that the matrix of normal-score correlations ρₙ = 2·sin(π·ρ/6) is positive definite;
//! where it is not, the error gives the nearest valid correlations (all shrunk in proportion
//! towards 0, the least change that makes the set consistent along that path).

use toml::Spanned;

use super::inputs::Loader;
use super::raw::RawCorrelation;
use super::{AppliedOverride, InputId};
use crate::error::quote;

/// The prefix of an override key that sets a correlation: `correlation:KEY,KEY`.
pub const OVERRIDE_PREFIX: &str = "correlation:";

/// A rank correlation between two inputs, as the scenario (or an override) gives it.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Correlation {
    pub inputs: [String; 2],
    /// Spearman's ρ, in (−1, 1).
    pub rank: f64,
    /// Where it came from: the scenario, `--correlate` or a register row.
    pub by: String,
}

impl Correlation {
    /// The key of its row in the assumptions register and of `--correlate`.
    pub fn key(&self) -> String {
        format!("{OVERRIDE_PREFIX}{},{}", self.inputs[0], self.inputs[1])
    }
}

/// The Gaussian copula that realises a scenario's correlations: its inputs and the lower
/// Cholesky factor of their normal-score correlation matrix (row-major, n × n).
#[derive(Debug, Clone, PartialEq)]
pub struct Copula {
    pub inputs: Vec<InputId>,
    pub lower: Vec<f64>,
}

/// Spearman's ρ → the Pearson correlation of the normal scores that gives it.
pub fn normal_score(rank: f64) -> f64 {
    2.0 * (std::f64::consts::PI * rank / 6.0).sin()
}

/// The inverse of [`normal_score`].
pub fn rank_of(normal: f64) -> f64 {
    6.0 / std::f64::consts::PI * (normal / 2.0).asin()
}

/// The lower Cholesky factor of a symmetric n × n matrix, or `None` when it is not positive
/// definite (to a small tolerance, so a matrix on the edge is refused too).
pub fn cholesky(matrix: &[f64], n: usize) -> Option<Vec<f64>> {
    let mut lower = vec![0.0; n * n];
    for i in 0..n {
        for j in 0..=i {
            let dot: f64 = (0..j).map(|k| lower[i * n + k] * lower[j * n + k]).sum();
            if i == j {
                let d = matrix[i * n + i] - dot;
                if d <= 1e-10 {
                    return None;
                }
                lower[i * n + j] = d.sqrt();
            } else {
                lower[i * n + j] = (matrix[i * n + j] - dot) / lower[j * n + j];
            }
        }
    }
    Some(lower)
}

impl Loader<'_> {
    /// Reads the scenario's correlations and the correlation overrides, checks them, and
    /// builds the copula (`None` with no correlations). Problems are reported, and `None`
    /// returned for the copula.
    pub(super) fn correlations(
        &mut self,
        raw: &[Spanned<RawCorrelation>],
    ) -> (Vec<Correlation>, Option<Copula>) {
        let mut list: Vec<(Correlation, Option<std::ops::Range<usize>>)> = Vec::new();
        for (i, entry) in raw.iter().enumerate() {
            let key = format!("correlation[{i}]");
            let Some(pair) = self.correlation_pair(&key, entry) else {
                continue;
            };
            list.push((pair, Some(entry.span())));
        }
        self.apply_correlation_overrides(&mut list);
        let ids = self.check_pairs(&list);
        let correlations: Vec<Correlation> = list.into_iter().map(|(c, _)| c).collect();
        let Some(ids) = ids else {
            return (correlations, None);
        };
        let copula = self.copula(&correlations, &ids);
        (correlations, copula)
    }

    fn correlation_pair(
        &mut self,
        key: &str,
        entry: &Spanned<RawCorrelation>,
    ) -> Option<Correlation> {
        let raw = entry.get_ref();
        let inputs = raw.inputs.get_ref();
        let [a, b] = inputs.as_slice() else {
            self.error_at(
                Some(raw.inputs.span()),
                &format!("{key}.inputs"),
                format!(
                    "names {} inputs; a correlation is between two",
                    inputs.len()
                ),
                "write inputs = [\"KEY\", \"KEY\"] with two keys as `seams check` prints them",
            );
            return None;
        };
        let rank = *raw.rank.get_ref();
        if !(rank > -1.0 && rank < 1.0) {
            self.error_at(
                Some(raw.rank.span()),
                &format!("{key}.rank"),
                format!("{rank} is outside −1 < ρ < 1"),
                "give Spearman's rank correlation as a number such as 0.6 or -0.3",
            );
            return None;
        }
        let prefix = &self.key_prefix;
        Some(Correlation {
            inputs: [format!("{prefix}{a}"), format!("{prefix}{b}")],
            rank,
            by: "scenario".into(),
        })
    }

    /// `--correlate KEY,KEY=ρ` and register rows `correlation:KEY,KEY`: replace the scenario's
    /// ρ for that pair (in either order), or add the pair.
    fn apply_correlation_overrides(
        &mut self,
        list: &mut Vec<(Correlation, Option<std::ops::Range<usize>>)>,
    ) {
        let mut overrides: Vec<_> = self
            .overrides
            .values()
            .filter(|o| o.key.starts_with(OVERRIDE_PREFIX))
            .cloned()
            .collect();
        overrides.sort_by(|a, b| a.key.cmp(&b.key));
        for o in overrides {
            self.used.insert(o.key.clone());
            let pair = o.key[OVERRIDE_PREFIX.len()..].split_once(',');
            let rank = o
                .text
                .trim()
                .parse::<f64>()
                .ok()
                .filter(|r| *r > -1.0 && *r < 1.0);
            let (Some((a, b)), Some(rank)) = (pair, rank) else {
                self.errors.push(crate::error::InputError {
                    origin: o.by.clone(),
                    location: None,
                    key: o.key.clone(),
                    problem: format!("`{}` is not KEY,KEY=ρ with −1 < ρ < 1", quote(&o.text)),
                    fix: "write e.g. --correlate \"departments.hmrc.staff_minutes,departments.defra.staff_minutes=0.6\"".into(),
                });
                continue;
            };
            let (a, b) = (a.trim().to_string(), b.trim().to_string());
            let same = |c: &Correlation| {
                (c.inputs[0] == a && c.inputs[1] == b) || (c.inputs[0] == b && c.inputs[1] == a)
            };
            let was = list.iter().position(|(c, _)| same(c));
            let from = was.map_or("(none)".to_string(), |i| list[i].0.rank.to_string());
            self.applied.push(AppliedOverride {
                key: o.key.clone(),
                from,
                to: rank.to_string(),
                by: o.by.clone(),
            });
            let correlation = Correlation {
                inputs: [a, b],
                rank,
                by: o.by.clone(),
            };
            match was {
                Some(i) => list[i].0 = correlation,
                None => list.push((correlation, None)),
            }
        }
    }

    /// Each pair must name two different uncertain inputs, and no pair may be given twice.
    /// Returns each pair's input ids, or `None` after reporting a problem.
    fn check_pairs(
        &mut self,
        list: &[(Correlation, Option<std::ops::Range<usize>>)],
    ) -> Option<Vec<[InputId; 2]>> {
        let mut ids = Vec::new();
        let mut ok = true;
        for (n, (c, span)) in list.iter().enumerate() {
            let key = format!("correlation[{n}]");
            let mut pair = [0; 2];
            for (slot, name) in c.inputs.iter().enumerate() {
                match self.inputs.iter().position(|i| i.key == *name) {
                    Some(i) if self.inputs[i].sampler.is_fixed() => {
                        self.error_at(
                            span.clone(),
                            &key,
                            format!(
                                "`{}` is fixed at {}, and a fixed input cannot be correlated",
                                quote(name),
                                self.inputs[i].text
                            ),
                            "give it a distribution, or leave it out of the correlation",
                        );
                        ok = false;
                    }
                    Some(i) => pair[slot] = i,
                    None => {
                        let known = self.inputs.iter().map(|i| i.key.as_str());
                        let fix = match crate::error::closest(name, known) {
                            Some(k) => format!("did you mean {k}? `seams check` lists every key"),
                            None => "name inputs as `seams check` prints them".into(),
                        };
                        self.error_at(
                            span.clone(),
                            &key,
                            format!("no input has the key `{}`", quote(name)),
                            fix,
                        );
                        ok = false;
                    }
                }
            }
            if c.inputs[0] == c.inputs[1] {
                self.error_at(
                    span.clone(),
                    &key,
                    format!("names `{}` twice", quote(&c.inputs[0])),
                    "a correlation is between two different inputs",
                );
                ok = false;
            }
            let sorted = if pair[0] < pair[1] {
                pair
            } else {
                [pair[1], pair[0]]
            };
            if ok && ids.contains(&sorted) {
                self.error_at(
                    span.clone(),
                    &key,
                    format!(
                        "the pair {} and {} is given twice",
                        c.inputs[0], c.inputs[1]
                    ),
                    "give each pair once",
                );
                ok = false;
            }
            ids.push(sorted);
        }
        ok.then_some(ids)
    }

    /// The copula of the checked pairs, or `None` (reported) when the correlations are not
    /// consistent with each other.
    fn copula(&mut self, correlations: &[Correlation], ids: &[[InputId; 2]]) -> Option<Copula> {
        if ids.is_empty() {
            return None;
        }
        let mut inputs: Vec<InputId> = ids.iter().flatten().copied().collect();
        inputs.sort_unstable();
        inputs.dedup();
        let n = inputs.len();
        let at = |id: InputId| inputs.iter().position(|&i| i == id).unwrap_or(0);
        let matrix = |shrink: f64| {
            let mut m = vec![0.0; n * n];
            for i in 0..n {
                m[i * n + i] = 1.0;
            }
            for (pair, c) in ids.iter().zip(correlations) {
                let (i, j) = (at(pair[0]), at(pair[1]));
                let r = (1.0 - shrink) * normal_score(c.rank);
                m[i * n + j] = r;
                m[j * n + i] = r;
            }
            m
        };
        if let Some(lower) = cholesky(&matrix(0.0), n) {
            return Some(Copula { inputs, lower });
        }
        // The least proportional shrink towards 0 that makes the matrix positive definite.
        let (mut low, mut high) = (0.0, 1.0);
        for _ in 0..60 {
            let mid = (low + high) / 2.0;
            if cholesky(&matrix(mid), n).is_some() {
                high = mid;
            } else {
                low = mid;
            }
        }
        let nearest: Vec<String> = correlations
            .iter()
            .map(|c| {
                let valid = rank_of((1.0 - high) * normal_score(c.rank));
                format!(
                    "{} & {}: {:.2} (was {})",
                    c.inputs[0],
                    c.inputs[1],
                    valid - 0.005 * valid.signum(),
                    c.rank
                )
            })
            .collect();
        let involved: Vec<String> = inputs.iter().map(|&i| self.inputs[i].key.clone()).collect();
        self.error_at(
            None,
            "correlation",
            format!(
                "the correlations between {} cannot all hold at once (their matrix is not positive definite)",
                involved.join(", ")
            ),
            format!("weaken them; the nearest valid set, each shrunk in proportion, is {}", nearest.join("; ")),
        );
        None
    }
}
