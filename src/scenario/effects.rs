//! An option's effects (docs/method.md §2a, §3): which departments, which parameter — a
//! department's or one channel's — and whether it is reduced or set, with the rules that tie an
//! effect to departments, channels and parameters that exist.

use toml::{Spanned, Value};

use super::inputs::{InputKind, Loader};
use super::raw::RawEffect;
use super::{Department, Effect, EffectKind, Origin, Target};
use crate::dist::Domain;
use crate::error::{closest, quote};
use crate::params::{ChannelParam, DeptParam, Unit};

impl Loader<'_> {
    pub(super) fn effect(
        &mut self,
        prefix: &str,
        raw: &Spanned<RawEffect>,
        departments: &[Department],
    ) -> Option<Effect> {
        let span = raw.span();
        let raw = raw.get_ref();
        let candidates =
            self.effect_scenarios(prefix, raw.scenarios.as_ref(), departments.len())?;
        let mut targets =
            self.effect_departments(prefix, &raw.departments, departments, &candidates)?;
        let every = raw.departments.get_ref().as_str() == Some("*");
        let target = self.target(prefix, &raw.parameter, &mut targets, every, departments)?;
        let spec = match &target {
            Target::Department(param) => param.spec(),
            Target::Channel { param, .. } => param.spec(),
        };
        let (kind, value, key) = match (&raw.reduce, &raw.set) {
            (Some(v), None) => (EffectKind::Reduce, v, format!("{prefix}.reduce")),
            (None, Some(v)) => (EffectKind::Set, v, format!("{prefix}.set")),
            _ => {
                self.error_at(Some(span), prefix, "an effect needs exactly one of `reduce` or `set`".into(), "write reduce = \"pert(60%, 80%, 95%)\" (multiplies by 1 − x) or set = … (replaces the value)");
                return None;
            }
        };
        if let (EffectKind::Set, Target::Department(param)) = (kind, &target) {
            self.check_set_has_minutes(prefix, *param, &targets, departments, value.span())?;
        }
        let input_kind = match (kind, &target) {
            (EffectKind::Reduce, _) => {
                InputKind::new(Unit::Share, Domain::SHARE, "reduction in the parameter")
            }
            (
                EffectKind::Set,
                Target::Channel {
                    param: ChannelParam::Share,
                    ..
                },
            ) => InputKind::new(Unit::Share, Domain::SHARE, "new share of the channel"),
            (EffectKind::Set, _) => {
                InputKind::new(spec.unit, spec.domain, "new value of the parameter")
            }
        };
        let value = self.input(&key, Some(value), input_kind, None)?;
        Some(Effect {
            departments: targets,
            target,
            kind,
            value,
        })
    }

    /// What the effect's `parameter` names: a department parameter, or `channels.ID.KEY`.
    /// For a channel, `"*"` narrows `targets` to the departments that have it.
    fn target(
        &mut self,
        prefix: &str,
        raw: &Spanned<String>,
        targets: &mut Vec<usize>,
        every: bool,
        departments: &[Department],
    ) -> Option<Target> {
        let text = raw.get_ref();
        let key = format!("{prefix}.parameter");
        if let Some(rest) = text.strip_prefix("channels.") {
            return self.channel_target(&key, raw, rest, targets, every, departments);
        }
        let Some(param) = DeptParam::from_key(text) else {
            let keys = DeptParam::ALL.iter().map(|p| p.spec().key);
            let fix = match closest(text, keys) {
                Some(k) => format!("did you mean `{k}`?"),
                None => "an effect changes one department parameter, e.g. repetition_rate or failure_demand, or a channel's, e.g. channels.online.share".into(),
            };
            self.error_at(
                Some(raw.span()),
                &key,
                format!("`{}` is not a department parameter", quote(text)),
                fix,
            );
            return None;
        };
        // Failure minutes left to follow the channels' mixed minutes have no value of their
        // own to change.
        for &d in targets.iter() {
            let dept = &departments[d];
            let follows_channels = !dept.channels.is_empty()
                && dept.input(param).is_none()
                && param.channel_param().is_none();
            if follows_channels {
                self.error_at(
                    Some(raw.span()),
                    &key,
                    format!("department `{}` leaves {text} to follow its channels' minutes, so there is no value of its own to change", dept.id),
                    format!("give departments.{}.{text} explicitly to target it, or target the channels' minutes (channels.ID.{})", dept.id, text.trim_start_matches("failure_")),
                );
                return None;
            }
        }
        Some(Target::Department(param))
    }

    fn channel_target(
        &mut self,
        key: &str,
        raw: &Spanned<String>,
        rest: &str,
        targets: &mut Vec<usize>,
        every: bool,
        departments: &[Department],
    ) -> Option<Target> {
        let Some((id, name)) = rest.split_once('.') else {
            self.error_at(
                Some(raw.span()),
                key,
                format!("`{}` names no channel parameter", quote(raw.get_ref())),
                "write channels.ID.KEY, e.g. channels.online.share or channels.phone.staff_minutes",
            );
            return None;
        };
        let Some(param) = ChannelParam::from_key(name) else {
            let keys = ChannelParam::ALL.iter().map(|p| p.spec().key);
            let fix = match closest(name, keys) {
                Some(k) => format!("did you mean `channels.{id}.{k}`?"),
                None => "a channel's parameters are share, user_minutes, staff_minutes, channel_cost_per_contact and user_cost_per_contact".into(),
            };
            self.error_at(
                Some(raw.span()),
                key,
                format!("`{}` is not a channel parameter", quote(name)),
                fix,
            );
            return None;
        };
        if every {
            targets.retain(|&d| departments[d].channel(id).is_some());
            if targets.is_empty() {
                self.error_at(
                    Some(raw.span()),
                    key,
                    format!("no department has a channel `{}`", quote(id)),
                    "name a channel that a department describes under [departments.ID.channels.CHANNEL]",
                );
                return None;
            }
        }
        let mut at = Vec::new();
        for &d in targets.iter() {
            let dept = &departments[d];
            let Some(position) = dept.channel(id) else {
                let known: Vec<&str> = dept.channels.iter().map(|c| c.id.as_str()).collect();
                let fix = if known.is_empty() {
                    format!("department `{}` has no channels: give them under [departments.{}.channels.CHANNEL], or leave it out of this effect", dept.id, dept.id)
                } else {
                    format!("its channels are {}", known.join(", "))
                };
                self.error_at(
                    Some(raw.span()),
                    key,
                    format!("department `{}` has no channel `{}`", dept.id, quote(id)),
                    fix,
                );
                return None;
            };
            if param == ChannelParam::Share && dept.channels.len() < 2 {
                self.error_at(
                    Some(raw.span()),
                    key,
                    format!(
                        "department `{}` has one channel, so its share cannot shift",
                        dept.id
                    ),
                    "a channel shift needs at least two channels to move contacts between",
                );
                return None;
            }
            at.push(position);
        }
        Some(Target::Channel {
            id: id.to_string(),
            param,
            at,
        })
    }

    /// The departments an effect may reach: in a portfolio, those of the scenarios its
    /// `scenarios` names (stems, or `"*"`, the default); in a scenario, all of them (and
    /// `scenarios` is refused).
    fn effect_scenarios(
        &mut self,
        prefix: &str,
        raw: Option<&Spanned<Value>>,
        count: usize,
    ) -> Option<Vec<usize>> {
        let key = format!("{prefix}.scenarios");
        let Some(raw) = raw else {
            return Some((0..count).collect());
        };
        if self.journeys.is_empty() {
            self.error_at(
                Some(raw.span()),
                &key,
                "only a portfolio's effects name scenarios".into(),
                "remove `scenarios`: in a scenario file an effect names departments only",
            );
            return None;
        }
        let Named::Ids(stems) = named(raw.get_ref()) else {
            return Some((0..count).collect());
        };
        if stems.is_empty() {
            self.error_at(
                Some(raw.span()),
                &key,
                "expected a list of scenario file stems or \"*\"".into(),
                "write scenarios = [\"border-exports\", \"tell-us-once\"] or scenarios = \"*\"",
            );
            return None;
        }
        let mut candidates = Vec::new();
        for stem in stems {
            match self.journeys.iter().find(|(id, _)| *id == stem) {
                Some((_, range)) => candidates.extend(range.clone()),
                None => {
                    let known: Vec<&str> =
                        self.journeys.iter().map(|(id, _)| id.as_str()).collect();
                    let fix = match closest(&stem, known.iter().copied()) {
                        Some(k) => {
                            format!("did you mean `{k}`? Scenarios are named by their file's stem")
                        }
                        None => format!("the portfolio's scenarios are {}", known.join(", ")),
                    };
                    self.error_at(
                        Some(raw.span()),
                        &key,
                        format!("the portfolio has no scenario `{}`", quote(&stem)),
                        fix,
                    );
                    return None;
                }
            }
        }
        Some(candidates)
    }

    /// The departments an effect names among `candidates` (every department with a named
    /// id: in a portfolio an id may stand in several journeys).
    pub(super) fn effect_departments(
        &mut self,
        prefix: &str,
        raw: &Spanned<Value>,
        departments: &[Department],
        candidates: &[usize],
    ) -> Option<Vec<usize>> {
        let key = format!("{prefix}.departments");
        let ids = match named(raw.get_ref()) {
            // Departments that failed to load are reported already; the option waits on them.
            Named::All if !self.failed_departments.is_empty() => return None,
            Named::All => return Some(candidates.to_vec()),
            Named::Ids(ids) => ids,
        };
        if ids.is_empty() {
            self.error_at(
                Some(raw.span()),
                &key,
                "expected a list of department ids or \"*\"".into(),
                "write departments = [\"hmrc\", \"defra\"] or departments = \"*\"",
            );
            return None;
        }
        if ids.iter().any(|id| self.failed_departments.contains(id)) {
            return None;
        }
        let mut targets = Vec::new();
        for id in ids {
            let found: Vec<usize> = candidates
                .iter()
                .copied()
                .filter(|&d| departments[d].id == id)
                .collect();
            if found.is_empty() {
                let mut known: Vec<&str> = candidates
                    .iter()
                    .map(|&d| departments[d].id.as_str())
                    .collect();
                known.dedup();
                self.error_at(
                    Some(raw.span()),
                    &key,
                    format!("no department has the id `{}`", quote(&id)),
                    format!("the departments are {}", known.join(", ")),
                );
                return None;
            }
            targets.extend(found);
        }
        Some(targets)
    }

    /// Setting a rate that was fixed at 0 needs the minutes that rate would have required.
    fn check_set_has_minutes(
        &mut self,
        prefix: &str,
        param: DeptParam,
        targets: &[usize],
        departments: &[Department],
        span: std::ops::Range<usize>,
    ) -> Option<()> {
        let needs = match param {
            DeptParam::RepetitionRate => {
                [DeptParam::RepeatUserMinutes, DeptParam::RepeatStaffMinutes]
            }
            DeptParam::StuckRate => [DeptParam::StuckUserMinutes, DeptParam::StuckStaffMinutes],
            _ => return Some(()),
        };
        for &d in targets {
            let dept = &departments[d];
            for n in needs {
                let defaulted = dept
                    .input(n)
                    .is_none_or(|i| self.inputs[i].origin == Origin::Default);
                if defaulted {
                    self.error_at(
                        Some(span.clone()),
                        &format!("{prefix}.set"),
                        format!("department `{}` has no {}", dept.id, n.spec().key),
                        format!(
                            "give departments.{}.{} so that setting {} has a cost to change",
                            dept.id,
                            n.spec().key,
                            param.spec().key
                        ),
                    );
                    return None;
                }
            }
        }
        Some(())
    }
}

/// What an effect's `departments` or `scenarios` names: all (`"*"`), or the ids it lists —
/// none when it is neither text nor a list of text.
enum Named {
    All,
    Ids(Vec<String>),
}

fn named(value: &Value) -> Named {
    match value {
        Value::String(s) if s == "*" => Named::All,
        Value::String(s) => Named::Ids(vec![s.clone()]),
        Value::Array(items) => Named::Ids(
            items
                .iter()
                .filter_map(|v| v.as_str().map(String::from))
                .collect(),
        ),
        _ => Named::Ids(Vec::new()),
    }
}
