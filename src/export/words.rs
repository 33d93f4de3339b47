//! Inputs and effects in words, for the economic case: "between 20% and 40%, most likely
//! 30%", "It cuts failure contacts at HMRC by …". Kept apart from the case's layout so that
//! every section describes a distribution the same way.

use std::fmt::Write as _;

use crate::dist::Family;
use crate::format::{describe_value, md, percent};
use crate::params::{ChannelParam, DeptParam};
use crate::scenario::{Effect, EffectKind, Input, Model, Target};

/// One effect of an option as a reader would say it: "It cuts failure contacts at HMRC by
/// between 20% and 40%, most likely 30%."; a channel shift reads "It moves the online share
/// at DVSA from 80% to between 88% and 95%…".
pub fn effect_sentence(model: &Model, effect: &Effect) -> String {
    let value = words(
        &model.inputs()[effect.value],
        model.settings().price_base_year,
    );
    let names: Vec<String> = effect
        .departments
        .iter()
        .map(|&d| md(&model.department_label(d)))
        .collect();
    let at = join_and(&names);
    match (effect.kind, &effect.target) {
        // A reader takes "reduces failure demand by 30%" to mean 30% fewer failure contacts,
        // which is what the model does.
        (EffectKind::Reduce, Target::Department(DeptParam::FailureDemand)) => {
            format!("It cuts failure contacts at {at} by {value}.")
        }
        (
            EffectKind::Set,
            Target::Channel {
                id,
                param: ChannelParam::Share,
                at: positions,
            },
        ) => {
            let from: Vec<String> = effect
                .departments
                .iter()
                .zip(positions)
                .map(|(&d, &p)| percent(model.channel_shares(d)[p]))
                .collect();
            format!(
                "It moves the {} share at {at} from {} today (mean) to {value}, the other channels' shares shrinking in proportion.",
                md(&key_words(id)),
                join_and(&from)
            )
        }
        (EffectKind::Reduce, target) => {
            format!(
                "It reduces the {} at {at} by {value}.",
                target_words(target)
            )
        }
        (EffectKind::Set, target) => {
            format!("It sets the {} at {at} to {value}.", target_words(target))
        }
    }
}

/// What an effect changes, in words: "failure demand", "online share", "phone staff minutes".
fn target_words(target: &Target) -> String {
    match target {
        Target::Department(param) => key_words(param.spec().key),
        Target::Channel { id, param, .. } => md(&format!(
            "{} {}",
            key_words(id),
            key_words(param.spec().key)
        )),
    }
}

/// A key as words: `failure_demand` → `failure demand`.
fn key_words(key: &str) -> String {
    key.replace('_', " ")
}

/// "a", "a and b", "a, b and c".
pub fn join_and(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

/// A distribution in words, in the input's unit (and, for money in an older price year, in
/// both prices).
pub fn words(input: &Input, base_year: i32) -> String {
    let Some(year) = input.price_year else {
        return dist_words(input, &input.dist);
    };
    // As written, in its own prices, then the same distribution in the base year's.
    let written = input.dist.scaled(1.0 / input.price_factor);
    format!(
        "{} in {year} prices ({} in {base_year} prices, GDP deflator ×{:.4})",
        dist_words(input, &written),
        dist_words(input, &input.dist),
        input.price_factor
    )
}

/// A distribution in words, in the input's unit.
fn dist_words(input: &Input, dist: &crate::dist::Dist) -> String {
    let v = |x: f64| describe_value(input.unit, x);
    let mut text = match dist.family {
        Family::Fixed(x) => v(x),
        Family::Uniform { low, high } => {
            format!("between {} and {}, all equally likely", v(low), v(high))
        }
        Family::Triangular { min, mode, max } => format!(
            "between {} and {}, most likely {} (triangular)",
            v(min),
            v(max),
            v(mode)
        ),
        Family::Pert { min, mode, max } => {
            format!("between {} and {}, most likely {}", v(min), v(max), v(mode))
        }
        Family::Normal { mean, sd } => {
            format!("about {}, give or take {} (normal)", v(mean), v(sd))
        }
        Family::LogNormal { mean, sd } => {
            format!("about {}, give or take {} (lognormal)", v(mean), v(sd))
        }
        Family::Range90 { p5, p95 } => format!("90% likely between {} and {}", v(p5), v(p95)),
        Family::Beta { a, b } => format!(
            "beta({}, {}), mean {}",
            crate::dist::fmt_num(a),
            crate::dist::fmt_num(b),
            v(a / (a + b))
        ),
        Family::BetaMeanSd { mean, sd } => {
            format!("about {}, give or take {} (beta)", v(mean), v(sd))
        }
    };
    match (dist.min, dist.max) {
        (Some(lo), Some(hi)) => {
            let _ = write!(text, ", kept between {} and {}", v(lo), v(hi));
        }
        (Some(lo), None) => {
            let _ = write!(text, ", kept above {}", v(lo));
        }
        (None, Some(hi)) => {
            let _ = write!(text, ", kept below {}", v(hi));
        }
        (None, None) => {}
    }
    if let Some(category) = crate::appraisal::reference::optimism_bias(&input.text) {
        text = format!(
            "{} (Green Book {} upper bound)",
            v(category.upper),
            category.category
        );
    }
    text
}
