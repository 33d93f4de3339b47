//! A department's channels (docs/method.md §2a): online, phone, post… each with a share of the
//! department's contacts and its own minutes and costs per contact, read along the same input
//! path as every other parameter (`departments.ID.channels.CHANNEL.KEY`).

use toml::{Spanned, Value};

use super::inputs::{InputKind, Loader};
use super::Channel;
use crate::error::{closest, quote};
use crate::params::{self, ChannelParam, CHANNEL_PARAM_COUNT};

impl Loader<'_> {
    /// Reads `departments.ID.channels`: a table of channel tables. `None` when anything in it
    /// is wrong (each problem reported).
    pub(super) fn channels(&mut self, prefix: &str, raw: &Spanned<Value>) -> Option<Vec<Channel>> {
        let key = format!("{prefix}.channels");
        let span = raw.span();
        let table = match raw.get_ref() {
            Value::Table(t) if !t.is_empty() => t,
            _ => {
                self.error_at(
                    Some(span),
                    &key,
                    "expected a table of channels".into(),
                    format!("write a table per channel: [{key}.online] with share, user_minutes and staff_minutes"),
                );
                return None;
            }
        };
        let mut channels = Vec::new();
        let mut complete = true;
        for (id, value) in table {
            let value = Spanned::new(span.clone(), value.clone());
            match self.channel(&key, id, &value) {
                Some(channel) => channels.push(channel),
                None => complete = false,
            }
        }
        if complete && self.shares_all_zero(&channels) {
            self.error_at(
                Some(span),
                &format!("{key}.*.share"),
                "every channel's share is 0, so no contact goes through any channel".into(),
                "give at least one channel a share above 0 (shares are weights, normalised to sum to 1)",
            );
            return None;
        }
        complete.then_some(channels)
    }

    fn shares_all_zero(&self, channels: &[Channel]) -> bool {
        channels
            .iter()
            .all(|c| self.inputs[c.input(ChannelParam::Share)].dist.fixed_value() == Some(0.0))
    }

    fn channel(&mut self, prefix: &str, id: &str, raw: &Spanned<Value>) -> Option<Channel> {
        let key = format!("{prefix}.{id}");
        if id.is_empty() || id.contains(['.', ':', ' ', ',']) {
            self.error_at(
                Some(raw.span()),
                &key,
                format!("`{}` cannot be a channel id", quote(id)),
                "use a plain id such as online, phone, post or face_to_face (no dots, colons, commas or spaces)",
            );
            return None;
        }
        let Value::Table(table) = raw.get_ref() else {
            self.error_at(
                Some(raw.span()),
                &key,
                "a channel must be a table".into(),
                format!("write [{key}] with share, user_minutes and staff_minutes"),
            );
            return None;
        };
        let mut complete = true;
        for name in table.keys() {
            if ChannelParam::from_key(name).is_none() && name != "description" {
                let keys = ChannelParam::ALL.iter().map(|p| p.spec().key);
                let fix = match closest(name, keys) {
                    Some(k) => format!("did you mean `{k}`? A channel takes share, user_minutes, staff_minutes, channel_cost_per_contact, user_cost_per_contact and channel_cost_cash_releasing"),
                    None => "a channel takes share, user_minutes, staff_minutes, channel_cost_per_contact, user_cost_per_contact and channel_cost_cash_releasing; give the department's other parameters at department level".into(),
                };
                self.error_at(
                    Some(raw.span()),
                    &format!("{key}.{name}"),
                    "unknown key".into(),
                    fix,
                );
                complete = false;
            }
        }
        let mut inputs = [0; CHANNEL_PARAM_COUNT];
        for param in ChannelParam::ALL {
            let spec = param.spec();
            let value = table
                .get(spec.key)
                .map(|v| Spanned::new(raw.span(), v.clone()));
            let default = match spec.default {
                params::Default::Value(v) => Some(v),
                _ => None,
            };
            let kind = InputKind::new(spec.unit, spec.domain, spec.describes);
            match self.input(
                &format!("{key}.{}", spec.key),
                value.as_ref(),
                kind,
                default,
            ) {
                Some(i) => inputs[param.index()] = i,
                None => complete = false,
            }
        }
        complete.then(|| Channel {
            id: id.to_string(),
            inputs,
        })
    }
}

/// Draws used to estimate a channel's mean share after normalising.
const SHARE_DRAWS: usize = 20_000;

impl super::Model {
    /// The mean share of each of department `d`'s channels after the shares are normalised to
    /// sum to 1 (docs/method.md §2a): exact for fixed shares, else estimated from 20,000 draws
    /// of the share inputs with a fixed seed, so the figure is the same on every run.
    pub fn channel_shares(&self, d: usize) -> Vec<f64> {
        use rand::SeedableRng;
        let channels = &self.departments[d].channels;
        let samplers: Vec<_> = channels
            .iter()
            .map(|c| &self.inputs[c.input(ChannelParam::Share)].sampler)
            .collect();
        if samplers.iter().all(|s| s.is_fixed()) {
            return normalised(samplers.iter().map(|s| s.mean()).collect());
        }
        let mut rng = rand::rngs::Xoshiro256PlusPlus::seed_from_u64(1);
        let mut sums = vec![0.0; channels.len()];
        for _ in 0..SHARE_DRAWS {
            let draws = normalised(samplers.iter().map(|s| s.sample(&mut rng)).collect());
            for (sum, share) in sums.iter_mut().zip(draws) {
                *sum += share;
            }
        }
        sums.into_iter().map(|s| s / SHARE_DRAWS as f64).collect()
    }
}

/// A channel's share of its department's contacts from its weight, the `total` of its
/// department's weights and the `count` of its channels (docs/method.md §2a): the weight over
/// the total, or an equal split where every weight is 0 (which loading refuses for fixed
/// shares; draws cannot all land on 0 in practice, but a table must never show NaN).
pub fn share_of(weight: f64, total: f64, count: usize) -> f64 {
    if total > 0.0 {
        weight / total
    } else {
        1.0 / count as f64
    }
}

/// Weights → shares summing to 1, by [`share_of`].
fn normalised(weights: Vec<f64>) -> Vec<f64> {
    let total: f64 = weights.iter().sum();
    let count = weights.len();
    weights
        .into_iter()
        .map(|w| share_of(w, total, count))
        .collect()
}
