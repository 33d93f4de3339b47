//! Assembling a model from its raw shapes: settings, departments and options, with the rules
//! that span fields — minutes required where a rate can be non-zero, effects that name
//! departments and parameters that exist, live years and capital lists inside the period.

use std::collections::BTreeMap;
use std::path::PathBuf;

use toml::{Spanned, Value};

use super::inputs::{InputKind, Loader};
use super::raw::{RawDepartment, RawDiscounting, RawEffect, RawOption, RawScenario, RawSettings};
use super::{
    Department, Effect, EffectKind, InputId, Model, OptionSpec, Origin, Settings, MAX_ITERATIONS,
    MAX_YEARS,
};
use crate::appraisal;
use crate::dist::Domain;
use crate::error::closest;
use crate::params::{self, DeptParam, GlobalParam, Unit, DEPT_PARAM_COUNT};

impl Loader<'_> {
    pub(super) fn build(&mut self, raw: RawScenario) -> Option<Model> {
        let settings = self.settings(&raw.scenario);
        let journeys_per_year =
            self.global(GlobalParam::JourneysPerYear, raw.journeys.per_year.as_ref());
        let journey_growth = self.global(GlobalParam::JourneyGrowth, raw.journeys.growth.as_ref());
        let value_of_time = self.global(GlobalParam::ValueOfTime, raw.users.value_of_time.as_ref());
        let value_of_time_growth = self.global(
            GlobalParam::ValueOfTimeGrowth,
            raw.users.value_of_time_growth.as_ref(),
        );
        let departments = self.departments(raw.departments.unwrap_or_default());
        let settings = settings?;
        let discount_rate = self.discount_rate(raw.discounting.as_ref());
        let options = self.options(raw.options, &departments, settings.years);
        Some(Model {
            path: PathBuf::from(&self.origin),
            sha256: String::new(),
            discount_factors: appraisal::discount_factors(settings.years, discount_rate.flatten()),
            discount_rate: discount_rate?,
            settings,
            inputs: Vec::new(),
            journeys_per_year: journeys_per_year?,
            journey_growth: journey_growth?,
            value_of_time: value_of_time?,
            value_of_time_growth: value_of_time_growth?,
            departments,
            options,
            overrides: Vec::new(),
        })
    }

    fn settings(&mut self, raw: &RawSettings) -> Option<Settings> {
        let mut ok = true;
        let mut int = |field: &Option<Spanned<i64>>,
                       key: &str,
                       default: i64,
                       low: i64,
                       high: i64,
                       fix: &str|
         -> i64 {
            let Some(v) = field else { return default };
            if *v.get_ref() < low || *v.get_ref() > high {
                self.error_at(
                    Some(v.span()),
                    key,
                    format!("{} is outside {low}…{high}", v.get_ref()),
                    fix,
                );
                ok = false;
            }
            *v.get_ref()
        };
        let price_base_year = int(
            &Some(raw.price_base_year.clone()),
            "scenario.price_base_year",
            0,
            1900,
            2200,
            "give a calendar year such as 2024",
        );
        let first_year = int(
            &raw.first_year,
            "scenario.first_year",
            price_base_year,
            1900,
            2200,
            "give a calendar year such as 2025",
        );
        let years = int(
            &raw.years,
            "scenario.years",
            10,
            1,
            MAX_YEARS as i64,
            "years is the appraisal period: at least 1",
        );
        let iterations = int(
            &raw.iterations,
            "scenario.iterations",
            10_000,
            1,
            MAX_ITERATIONS as i64,
            "use at least 1 iteration (10,000 or more for stable percentiles)",
        );
        let seed = int(
            &raw.seed,
            "scenario.seed",
            1,
            0,
            i64::MAX,
            "use a non-negative whole number",
        );
        ok.then(|| Settings {
            name: raw.name.clone(),
            description: raw.description.clone(),
            price_base_year: price_base_year as i32,
            first_year: first_year as i32,
            years: years as usize,
            iterations: iterations as u64,
            seed: seed as u64,
        })
    }

    fn discount_rate(&mut self, raw: Option<&RawDiscounting>) -> Option<Option<f64>> {
        const KEY: &str = "discounting.rate";
        let value = raw.and_then(|r| r.rate.as_ref());
        if value.is_none() && !self.overrides.contains_key(KEY) {
            return Some(None);
        }
        let kind = InputKind::new(
            Unit::Share,
            Domain::GROWTH,
            "discount rate replacing the Green Book schedule",
        );
        let id = self.input(KEY, value, kind, None)?;
        let input = self.inputs.pop()?;
        debug_assert_eq!(id, self.inputs.len());
        match input.dist.fixed_value() {
            Some(rate) => Some(Some(rate)),
            None => {
                self.error_at(
                    value.map(|v| v.span()),
                    KEY,
                    format!(
                        "`{}` is a distribution; the discount rate must be a single number",
                        input.text
                    ),
                    "give a number such as 3.5%, or remove it to use the Green Book schedule",
                );
                None
            }
        }
    }

    fn departments(&mut self, raw: BTreeMap<String, RawDepartment>) -> Vec<Department> {
        if raw.is_empty() {
            self.error_at(
                None,
                "departments",
                "the scenario has no departments".into(),
                "add at least one [departments.ID] table with its parameters",
            );
            return Vec::new();
        }
        let mut entries: Vec<_> = raw.into_iter().collect();
        entries.sort_by_key(|(_, table)| table.span().start);
        entries
            .into_iter()
            .filter_map(|(id, table)| {
                let department = self.department(id.clone(), table);
                if department.is_none() {
                    self.failed_departments.insert(id);
                }
                department
            })
            .collect()
    }

    fn department(&mut self, id: String, table: RawDepartment) -> Option<Department> {
        let prefix = format!("departments.{id}");
        let span = table.span();
        let table = table.into_inner();
        let mut name = id.clone();
        let mut description = None;
        for (key, value) in &table {
            match key.as_str() {
                "name" | "description" => match value.get_ref() {
                    Value::String(s) if key == "name" => name = s.clone(),
                    Value::String(s) => description = Some(s.clone()),
                    _ => self.error_at(
                        Some(value.span()),
                        &format!("{prefix}.{key}"),
                        format!("`{key}` must be text"),
                        format!("write {key} = \"…\""),
                    ),
                },
                _ if DeptParam::from_key(key).is_some() => {}
                _ => {
                    let keys = DeptParam::ALL
                        .iter()
                        .map(|p| p.spec().key)
                        .chain(["name", "description"]);
                    let fix = match closest(key, keys) {
                        Some(k) => format!("did you mean `{k}`? Misspelt keys are refused so they cannot silently become 0"),
                        None => "see docs/scenario-format.md for the department parameters".into(),
                    };
                    self.error_at(
                        Some(value.span()),
                        &format!("{prefix}.{key}"),
                        "unknown key".into(),
                        fix,
                    );
                }
            }
        }
        let mut ids = [usize::MAX; DEPT_PARAM_COUNT];
        let mut complete = true;
        for param in DeptParam::ALL {
            let spec = param.spec();
            let key = format!("{prefix}.{}", spec.key);
            let raw = table.get(spec.key);
            let kind = InputKind::new(spec.unit, spec.domain, spec.describes);
            let overridden = self.overrides.contains_key(&key);
            let id = match spec.default {
                params::Default::SameAs(other) if raw.is_none() && !overridden => {
                    Some(ids[other.index()]).filter(|i| *i != usize::MAX)
                }
                params::Default::RequiredIfNonZero(rate) if raw.is_none() && !overridden => {
                    let rate_is_zero = ids[rate.index()] != usize::MAX
                        && self.inputs[ids[rate.index()]].dist.fixed_value() == Some(0.0);
                    if rate_is_zero {
                        self.input(&key, None, kind, Some(0.0))
                    } else {
                        let rate_key = rate.spec().key;
                        self.error_at(
                            Some(span.clone()),
                            &key,
                            format!("is required because {rate_key} is not 0"),
                            format!("add {} (minutes), or set {rate_key} = 0", spec.key),
                        );
                        None
                    }
                }
                params::Default::Value(v) => self.input(&key, raw, kind, Some(v)),
                _ => self.input(&key, raw, kind, None),
            };
            match id {
                Some(i) => ids[param.index()] = i,
                None => complete = false,
            }
        }
        complete.then_some(Department {
            id,
            name,
            description,
            params: ids,
        })
    }

    fn options(
        &mut self,
        raw: BTreeMap<String, Spanned<RawOption>>,
        departments: &[Department],
        years: usize,
    ) -> Vec<OptionSpec> {
        let mut entries: Vec<_> = raw.into_iter().collect();
        entries.sort_by_key(|(_, o)| o.span().start);
        entries
            .into_iter()
            .filter_map(|(id, raw)| self.option(id, raw, departments, years))
            .collect()
    }

    fn option(
        &mut self,
        id: String,
        raw: Spanned<RawOption>,
        departments: &[Department],
        years: usize,
    ) -> Option<OptionSpec> {
        let span = raw.span();
        let raw = raw.into_inner();
        let prefix = format!("options.{id}");
        if id == "bau" {
            self.error_at(
                Some(span.clone()),
                &prefix,
                "`bau` is reserved for business as usual".into(),
                "give the option another id",
            );
        }
        let live = match &raw.live {
            None => 0,
            Some(v) if *v.get_ref() >= 0 && (*v.get_ref() as usize) < years => {
                *v.get_ref() as usize
            }
            Some(v) => {
                self.error_at(Some(v.span()), &format!("{prefix}.live"), format!("live = {} is outside the appraisal years 0…{}", v.get_ref(), years - 1), "live is the appraisal year (from 0) the option starts; it must be before the period ends");
                0
            }
        };
        let money = InputKind::new(Unit::Pounds, Domain::NON_NEGATIVE, "");
        let capital = self.capital(&prefix, raw.capital.as_ref(), years, money);
        let running = self.input(
            &format!("{prefix}.running"),
            raw.running.as_ref(),
            InputKind {
                describes: "running cost per year from live",
                ..money
            },
            Some(0.0),
        );
        let adoption = self.adoption(&prefix, raw.adoption.as_ref());
        let optimism_bias = self.optimism_bias(&prefix, raw.optimism_bias.as_ref());
        let effects = raw
            .effect
            .iter()
            .enumerate()
            .filter_map(|(i, e)| self.effect(&format!("{prefix}.effect[{i}]"), e, departments))
            .collect::<Vec<_>>();
        if raw.effect.is_empty() {
            self.error_at(Some(span), &prefix, "the option has no effect".into(), "add an [[options.ID.effect]] table naming departments, a parameter and reduce or set");
        }
        let complete = effects.len() == raw.effect.len();
        Some(OptionSpec {
            name: raw.name.clone().unwrap_or_else(|| id.clone()),
            id,
            description: raw.description.clone(),
            live,
            adoption: adoption?,
            capital: capital?,
            running: running?,
            optimism_bias: optimism_bias?,
            effects,
        })
        .filter(|_| complete)
    }

    fn capital(
        &mut self,
        prefix: &str,
        raw: Option<&Spanned<Vec<Spanned<Value>>>>,
        years: usize,
        money: InputKind,
    ) -> Option<Vec<InputId>> {
        let entries = raw.map(|r| r.get_ref().as_slice()).unwrap_or_default();
        if entries.len() > years {
            self.error_at(
                raw.map(|r| r.span()),
                &format!("{prefix}.capital"),
                format!(
                    "{} capital entries for a {years}-year appraisal",
                    entries.len()
                ),
                "capital is a list by appraisal year from year 0: give at most `years` entries",
            );
            return None;
        }
        let ids: Vec<_> = entries
            .iter()
            .enumerate()
            .map(|(y, v)| {
                self.input(
                    &format!("{prefix}.capital[{y}]"),
                    Some(v),
                    InputKind {
                        describes: "capital cost in this appraisal year",
                        ..money
                    },
                    None,
                )
            })
            .collect();
        ids.into_iter().collect()
    }

    fn adoption(
        &mut self,
        prefix: &str,
        raw: Option<&Spanned<Vec<Spanned<Value>>>>,
    ) -> Option<Vec<InputId>> {
        let kind = InputKind::new(
            Unit::Share,
            Domain::SHARE,
            "share of journeys the option reaches",
        );
        let Some(raw) = raw else {
            return self
                .input(&format!("{prefix}.adoption[0]"), None, kind, Some(1.0))
                .map(|i| vec![i]);
        };
        if raw.get_ref().is_empty() {
            self.error_at(Some(raw.span()), &format!("{prefix}.adoption"), "the adoption list is empty".into(), "give at least one share, e.g. [0.4, 0.7, 0.9], or leave adoption out for full adoption");
            return None;
        }
        let ids: Vec<_> = raw
            .get_ref()
            .iter()
            .enumerate()
            .map(|(i, v)| self.input(&format!("{prefix}.adoption[{i}]"), Some(v), kind, None))
            .collect();
        ids.into_iter().collect()
    }

    fn optimism_bias(&mut self, prefix: &str, raw: Option<&Spanned<Value>>) -> Option<InputId> {
        let kind = InputKind {
            optimism_bias_names: true,
            ..InputKind::new(
                Unit::Share,
                Domain::NON_NEGATIVE,
                "optimism-bias uplift on capital",
            )
        };
        self.input(&format!("{prefix}.optimism_bias"), raw, kind, Some(0.0))
    }

    fn effect(
        &mut self,
        prefix: &str,
        raw: &Spanned<RawEffect>,
        departments: &[Department],
    ) -> Option<Effect> {
        let span = raw.span();
        let raw = raw.get_ref();
        let targets = self.effect_departments(prefix, &raw.departments, departments)?;
        let Some(param) = DeptParam::from_key(raw.parameter.get_ref()) else {
            let keys = DeptParam::ALL.iter().map(|p| p.spec().key);
            let fix = match closest(raw.parameter.get_ref(), keys) {
                Some(k) => format!("did you mean `{k}`?"),
                None => "an effect changes one department parameter, e.g. repetition_rate or failure_demand".into(),
            };
            self.error_at(
                Some(raw.parameter.span()),
                &format!("{prefix}.parameter"),
                format!(
                    "`{}` is not a department parameter",
                    raw.parameter.get_ref()
                ),
                fix,
            );
            return None;
        };
        let spec = param.spec();
        let (kind, value, key) = match (&raw.reduce, &raw.set) {
            (Some(v), None) => (EffectKind::Reduce, v, format!("{prefix}.reduce")),
            (None, Some(v)) => (EffectKind::Set, v, format!("{prefix}.set")),
            _ => {
                self.error_at(Some(span), prefix, "an effect needs exactly one of `reduce` or `set`".into(), "write reduce = \"pert(60%, 80%, 95%)\" (multiplies by 1 − x) or set = … (replaces the value)");
                return None;
            }
        };
        if kind == EffectKind::Set {
            self.check_set_has_minutes(prefix, param, &targets, departments, value.span())?;
        }
        let input_kind = match kind {
            EffectKind::Reduce => {
                InputKind::new(Unit::Share, Domain::SHARE, "reduction in the parameter")
            }
            EffectKind::Set => InputKind::new(spec.unit, spec.domain, "new value of the parameter"),
        };
        let value = self.input(&key, Some(value), input_kind, None)?;
        Some(Effect {
            departments: targets,
            param,
            kind,
            value,
        })
    }

    fn effect_departments(
        &mut self,
        prefix: &str,
        raw: &Spanned<Value>,
        departments: &[Department],
    ) -> Option<Vec<usize>> {
        let key = format!("{prefix}.departments");
        let ids: Vec<String> = match raw.get_ref() {
            // Departments that failed to load are reported already; the option waits on them.
            Value::String(s) if s == "*" && !self.failed_departments.is_empty() => return None,
            Value::String(s) if s == "*" => return Some((0..departments.len()).collect()),
            Value::String(s) => vec![s.clone()],
            Value::Array(items) => items
                .iter()
                .filter_map(|v| v.as_str().map(String::from))
                .collect(),
            _ => Vec::new(),
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
            match departments.iter().position(|d| d.id == id) {
                Some(i) => targets.push(i),
                None => {
                    let known: Vec<&str> = departments.iter().map(|d| d.id.as_str()).collect();
                    self.error_at(
                        Some(raw.span()),
                        &key,
                        format!("no department has the id `{id}`"),
                        format!("the departments are {}", known.join(", ")),
                    );
                    return None;
                }
            }
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
                if self.inputs[dept.params[n.index()]].origin == Origin::Default {
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
