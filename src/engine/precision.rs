//! A precision target (docs/method.md §5): after each round the headline means — the annual
//! cost of disjointedness and each option's NPSV — are checked against the target, and the run
//! stops once every one's 95% half-width is within it. A judgement needs enough iterations to
//! mean anything, and a target not met says how far off it is and what would meet it.

use super::stats::Moments;
use super::{total_disjointed, Layout};
use crate::scenario::Model;

/// How a run with a precision target ended (docs/method.md §5): whether every headline mean's
/// 95% half-width (1.96·se) came within the target share of its absolute value, and the
/// headline furthest from it (which governed the stop).
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Precision {
    /// The target, a share of each headline mean.
    pub target: f64,
    pub converged: bool,
    /// Whether the run had the [`MIN_PRECISION_ITERATIONS`] a precision is judged from: a
    /// standard error from a handful of iterations says nothing, so fewer never converge.
    pub judged: bool,
    /// The headline that governed: the one whose half-width was the largest share of its mean.
    pub governing: String,
    /// The same, in words for a reader: "the NPSV of Share data".
    pub governing_words: String,
    /// That headline's half-width as a share of its absolute mean.
    pub achieved: f64,
}

impl Precision {
    /// About how many iterations would bring the governing headline within the target, at the
    /// rate seen in a run of `iterations` (a half-width shrinks as 1/√n): rounded up to a
    /// thousand.
    pub fn iterations_to_reach(&self, iterations: u64) -> Option<u64> {
        let factor = (self.achieved / self.target).powi(2);
        let needed = (iterations as f64 * factor / 1000.0).ceil() * 1000.0;
        (needed.is_finite() && needed > 0.0).then_some(needed as u64)
    }
}

/// A headline output in a reader's words: the annual cost of disjointedness, or an option's
/// NPSV by the option's name.
fn headline_words(model: &Model, layout: &Layout, k: usize) -> String {
    (0..layout.options)
        .find(|&o| layout.appraisal(o, crate::outputs::Metric::Npsv) == k)
        .map_or("the annual cost of disjointedness".into(), |o| {
            format!("the NPSV of {}", model.options[o].name)
        })
}

/// The fewest iterations from which a precision target is judged.
pub const MIN_PRECISION_ITERATIONS: u64 = 1_000;

/// The precision check after a round, by output index.
pub(super) struct PrecisionCheck {
    target: f64,
    pub(super) converged: bool,
    judged: bool,
    governing: usize,
    achieved: f64,
}

impl PrecisionCheck {
    /// Checks the headline means — the annual cost of disjointedness and each option's NPSV.
    pub(super) fn of(moments: &[Moments], layout: &Layout, target: f64) -> PrecisionCheck {
        let headlines = std::iter::once(total_disjointed(layout))
            .chain((0..layout.options).map(|o| layout.appraisal(o, crate::outputs::Metric::Npsv)));
        let (governing, achieved) = headlines
            .map(|k| {
                let m = &moments[k];
                let half_width = 1.96 * m.se();
                // A mean of exactly 0 with no spread is known exactly; with spread, never.
                let share = if half_width == 0.0 {
                    0.0
                } else if m.mean == 0.0 {
                    f64::INFINITY
                } else {
                    half_width / m.mean.abs()
                };
                (k, share)
            })
            .fold(
                (0, -1.0),
                |best, next| if next.1 > best.1 { next } else { best },
            );
        let judged = moments
            .first()
            .is_some_and(|m| m.n >= MIN_PRECISION_ITERATIONS);
        PrecisionCheck {
            target,
            converged: judged && achieved <= target,
            judged,
            governing,
            achieved,
        }
    }

    pub(super) fn named(self, model: &Model, layout: &Layout) -> Precision {
        Precision {
            target: self.target,
            converged: self.converged,
            judged: self.judged,
            governing: layout.output_name(model, self.governing),
            governing_words: headline_words(model, layout, self.governing),
            achieved: self.achieved,
        }
    }
}
