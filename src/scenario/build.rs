//! Assembling a model from its raw shapes: settings, departments and options, with the rules
//! that span fields — minutes required where a rate can be non-zero, effects that name
//! departments and parameters that exist, live years and capital lists inside the period.

use std::collections::BTreeMap;
use std::path::PathBuf;

use toml::{Spanned, Value};

use super::inputs::{InputKind, Loader};
use super::raw::{RawDepartment, RawScenario, RawSettings};
use super::{
    Department, InputId, Journey, Model, Organisation, Sampling, Settings, MAX_ITERATIONS,
    MAX_YEARS,
};
use crate::appraisal::{self, Discounting};
use crate::error::{closest, quote};
use crate::params::{self, DeptParam, GlobalParam, DEPT_PARAM_COUNT};

/// The most a growth rate may multiply a figure by over the appraisal period.
const MAX_GROWTH_FACTOR: f64 = 1e15;

impl Loader<'_> {
    pub(super) fn build(&mut self, raw: RawScenario) -> Option<Model> {
        let settings = self.settings(&raw.scenario);
        self.price_base_year = *raw.scenario.price_base_year.get_ref() as i32;
        let journeys_per_year =
            self.global(GlobalParam::JourneysPerYear, raw.journeys.per_year.as_ref());
        let journey_growth = self.global(GlobalParam::JourneyGrowth, raw.journeys.growth.as_ref());
        let value_of_time = self.global(GlobalParam::ValueOfTime, raw.users.value_of_time.as_ref());
        let value_of_time_growth = self.global(
            GlobalParam::ValueOfTimeGrowth,
            raw.users.value_of_time_growth.as_ref(),
        );
        let mut departments = self.departments(raw.departments.unwrap_or_default());
        for (d, department) in departments.iter_mut().enumerate() {
            department.organisation = d;
        }
        let settings = settings?;
        let discounting = self.discounting(raw.discounting.as_ref());
        // A scenario of a portfolio takes the portfolio's inflation.
        let inflation = match self.key_prefix.is_empty() {
            true => self.inflation(raw.financial.as_ref()),
            false => None,
        };
        self.check_digital_channels(raw.scenario.digital_channels.as_ref(), &departments);
        let options = self.options(raw.options, &departments, settings.years);
        for growth in [journey_growth, value_of_time_growth].into_iter().flatten() {
            self.check_compounding(growth, settings.years, "of the appraisal");
        }
        if let Some(inflation) = inflation {
            self.check_inflation(inflation, &settings);
        }
        let (correlations, copula) = self.correlations(&raw.correlation);
        let name = settings.name.clone();
        Some(Model {
            path: PathBuf::from(&self.origin),
            sha256: String::new(),
            discount_factors: appraisal::discount_factors(
                settings.years,
                discounting.unwrap_or(Discounting::GreenBook),
            ),
            discounting: discounting?,
            inflation,
            settings,
            inputs: Vec::new(),
            journeys: vec![Journey {
                id: stem_of(&self.origin),
                name,
                path: PathBuf::from(&self.origin),
                sha256: String::new(),
                per_year: journeys_per_year?,
                growth: journey_growth?,
                value_of_time: value_of_time?,
                value_of_time_growth: value_of_time_growth?,
                departments: 0..departments.len(),
                left_out_options: Vec::new(),
            }],
            organisations: departments
                .iter()
                .map(|d| Organisation {
                    id: d.id.clone(),
                    name: d.name.clone(),
                })
                .collect(),
            departments,
            portfolio: false,
            options,
            overrides: Vec::new(),
            correlations,
            copula,
            cases: Vec::new(),
        })
    }

    /// Each channel named in `digital_channels` must be one a department has: a misspelt id
    /// would silently count nothing as digital.
    pub(super) fn check_digital_channels(
        &mut self,
        raw: Option<&Spanned<Vec<String>>>,
        departments: &[Department],
    ) {
        let Some(raw) = raw else { return };
        let known: Vec<&str> = departments
            .iter()
            .flat_map(|d| d.channels.iter().map(|c| c.id.as_str()))
            .collect();
        for id in raw.get_ref() {
            if !known.contains(&id.as_str()) {
                let fix = match closest(id, known.iter().copied()) {
                    Some(k) => format!("did you mean `{k}`?"),
                    None if known.is_empty() => "no department has channels: give them under [departments.ID.channels.CHANNEL], or remove digital_channels".into(),
                    None => format!("the channels are {}", known.join(", ")),
                };
                self.error_at(
                    Some(raw.span()),
                    "scenario.digital_channels",
                    format!("no department has a channel `{}`", quote(id)),
                    fix,
                );
            }
        }
    }

    /// Refuses a growth rate that compounds past [`MAX_GROWTH_FACTOR`] over the period: the
    /// year-by-year figures would overflow, or mean nothing.
    /// Inflation compounds from the price base year to the last appraisal year: refused, as
    /// growth is, where it would multiply a price past 10^15.
    pub(super) fn check_inflation(&mut self, inflation: InputId, settings: &Settings) {
        let gap = (settings.first_year - settings.price_base_year).max(0) as usize;
        self.check_compounding(
            inflation,
            settings.years + gap,
            "from the price base year to the last of the appraisal",
        );
    }

    fn check_compounding(&mut self, growth: InputId, years: usize, span: &str) {
        let input = &self.inputs[growth];
        let high = input.sampler.quantile(0.9999);
        let factor = (1.0 + high).powf(years.saturating_sub(1) as f64);
        if factor <= MAX_GROWTH_FACTOR {
            return;
        }
        let key = input.key.clone();
        let problem = format!(
            "growth of up to {:.1}% a year (its P99.99), compounded over the {} years {span}, multiplies year 0 by about 10^{:.0}; seams refuses growth that compounds past 10^15",
            high * 100.0,
            years,
            factor.log10().min(999.0)
        );
        self.error_at(
            None,
            &key,
            problem,
            "use a growth rate that fits the whole period, or a shorter appraisal period (scenario.years)",
        );
    }

    pub(super) fn settings(&mut self, raw: &RawSettings) -> Option<Settings> {
        let mut ok = true;
        let file_value = |v: &Option<Spanned<i64>>| v.as_ref().map(|v| v.get_ref().to_string());
        let first_year_set = self.year_override(
            "scenario.first_year",
            file_value(&raw.first_year),
            1900,
            2200,
        );
        let years_set = self.year_override(
            "scenario.years",
            file_value(&raw.years),
            1,
            MAX_YEARS as i64,
        );
        let period_ok =
            first_year_set.is_none_or(|v| v.is_some()) && years_set.is_none_or(|v| v.is_some());
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
        let first_year = first_year_set.flatten().unwrap_or_else(|| {
            int(
                &raw.first_year,
                "scenario.first_year",
                price_base_year,
                1900,
                2200,
                "give a calendar year such as 2025",
            )
        });
        let years = years_set.flatten().unwrap_or_else(|| {
            int(
                &raw.years,
                "scenario.years",
                10,
                1,
                MAX_YEARS as i64,
                "years is the appraisal period: at least 1",
            )
        });
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
        let sampling = self.sampling(raw.sampling.as_ref())?;
        let precision = self.precision(raw.precision.as_ref())?;
        (ok && period_ok).then(|| Settings {
            name: raw.name.clone(),
            description: raw.description.clone(),
            price_base_year: price_base_year as i32,
            first_year: first_year as i32,
            years: years as usize,
            iterations: iterations as u64,
            seed: seed as u64,
            digital_channels: raw
                .digital_channels
                .as_ref()
                .map_or_else(|| vec!["online".to_string()], |d| d.get_ref().clone()),
            sampling,
            precision,
        })
    }

    /// `sampling`: "monte-carlo" (the default) or "latin-hypercube".
    fn sampling(&mut self, raw: Option<&Spanned<String>>) -> Option<Sampling> {
        let Some(raw) = raw else {
            return Some(Sampling::MonteCarlo);
        };
        let found = Sampling::from_name(raw.get_ref());
        if found.is_none() {
            self.error_at(
                Some(raw.span()),
                "scenario.sampling",
                format!("`{}` is not a sampling method", quote(raw.get_ref())),
                "use \"monte-carlo\" (the default) or \"latin-hypercube\"",
            );
        }
        found
    }

    /// `precision`: a share such as "0.5%" (or 0.005), in (0, 50%].
    fn precision(&mut self, raw: Option<&Spanned<Value>>) -> Option<Option<f64>> {
        let Some(raw) = raw else {
            return Some(None);
        };
        match read_precision(raw.get_ref()) {
            Ok(share) => Some(Some(share)),
            Err(problem) => {
                self.error_at(
                    Some(raw.span()),
                    "scenario.precision",
                    problem,
                    "give the target as a share of each headline mean, e.g. precision = \"0.5%\"",
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
        if id.eq_ignore_ascii_case("total") {
            self.error_at(
                Some(span.clone()),
                &prefix,
                format!("`{}` is reserved for the row of all departments together (ids are compared ignoring case)", quote(&id)),
                "give the department another id",
            );
            return None;
        }
        let mut name = id.clone();
        let mut short_name = None;
        let mut description = None;
        for (key, value) in &table {
            match key.as_str() {
                "name" | "description" | "short_name" => match value.get_ref() {
                    Value::String(s) if key == "name" => name = s.clone(),
                    Value::String(s) if key == "short_name" => {
                        short_name = self.short_name(s, &prefix, value.span());
                    }
                    Value::String(s) => description = Some(s.clone()),
                    _ => self.error_at(
                        Some(value.span()),
                        &format!("{prefix}.{key}"),
                        format!("`{key}` must be text"),
                        format!("write {key} = \"…\""),
                    ),
                },
                "channels" => {}
                _ if DeptParam::from_key(key).is_some() => {}
                _ => {
                    let keys = DeptParam::ALL.iter().map(|p| p.spec().key).chain([
                        "name",
                        "short_name",
                        "description",
                        "channels",
                    ]);
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
        let channels = match table.get("channels") {
            Some(raw) => self.channels(&prefix, raw),
            None => Some(Vec::new()),
        };
        let has_channels = channels.as_ref().is_none_or(|c| !c.is_empty());
        let mut ids: [Option<InputId>; DEPT_PARAM_COUNT] = [None; DEPT_PARAM_COUNT];
        let mut follows = Vec::new();
        let mut complete = channels.is_some();
        for param in DeptParam::ALL {
            let spec = param.spec();
            let key = format!("{prefix}.{}", spec.key);
            let raw = table.get(spec.key);
            if has_channels && param.channel_param().is_some() {
                if let Some(raw) = raw {
                    self.error_at(
                        Some(raw.span()),
                        &key,
                        format!("is given for the department and also by its channels (departments.{id}.channels.*.{})", spec.key),
                        format!("give {} in each channel's table and remove it here: with channels, the department's value is their {} mean", spec.key, if param == DeptParam::ChannelCostCashReleasing { "channel-cost-weighted" } else { "share-weighted" }),
                    );
                    complete = false;
                }
                continue;
            }
            let kind = InputKind::new(spec.unit, spec.domain, spec.describes);
            let overridden = self.overrides.contains_key(&key);
            let id = match spec.default {
                params::Default::SameAs(other) if raw.is_none() && !overridden => {
                    follows.push((param, other));
                    ids[param.index()] = ids[other.index()];
                    continue;
                }
                params::Default::RequiredIfNonZero(rate) if raw.is_none() && !overridden => {
                    let rate_is_zero = ids[rate.index()]
                        .is_some_and(|r| self.inputs[r].dist.fixed_value() == Some(0.0));
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
                Some(i) => ids[param.index()] = Some(i),
                None => complete = false,
            }
        }
        complete.then(|| Department {
            journey: 0,
            organisation: 0,
            follows,
            id,
            short_name: short_name.unwrap_or_else(|| name.clone()),
            name,
            description,
            params: ids,
            channels: channels.unwrap_or_default(),
        })
    }
}

impl Loader<'_> {
    /// A department's `short_name`, for charts and tight tables: at most
    /// [`MAX_SHORT_NAME`] characters.
    fn short_name(
        &mut self,
        text: &str,
        prefix: &str,
        span: std::ops::Range<usize>,
    ) -> Option<String> {
        let length = text.trim().chars().count();
        if (1..=MAX_SHORT_NAME).contains(&length) {
            return Some(text.trim().to_string());
        }
        self.error_at(
            Some(span),
            &format!("{prefix}.short_name"),
            format!("`{}` has {length} characters; a short name is for charts and tight tables", quote(text)),
            format!("give at most {MAX_SHORT_NAME} characters, such as the initials the department is known by (HMRC, Defra)"),
        );
        None
    }
}

/// The longest short name of a department.
pub const MAX_SHORT_NAME: usize = 24;

/// A scenario file's stem (`scenarios/border-exports.toml` → `border-exports`): its journey's
/// id.
pub(super) fn stem_of(origin: &str) -> String {
    std::path::Path::new(origin)
        .file_stem()
        .map_or_else(|| origin.to_string(), |s| s.to_string_lossy().into_owned())
}

/// Reads a precision target: a share in (0, 50%], written "0.5%" or 0.005.
pub fn read_precision(value: &Value) -> std::result::Result<f64, String> {
    let share = match value {
        Value::Float(f) => Some(*f),
        Value::Integer(i) => Some(*i as f64),
        Value::String(s) => crate::dist::Dist::parse(s)
            .ok()
            .and_then(|d| d.fixed_value()),
        _ => None,
    };
    match share {
        Some(s) if s > 0.0 && s <= 0.5 => Ok(s),
        Some(s) => Err(format!(
            "{} is outside 0 < precision ≤ 50%",
            crate::dist::fmt_num(s)
        )),
        None => Err("is not a share".into()),
    }
}
