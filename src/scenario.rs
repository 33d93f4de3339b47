//! Reading a scenario file (MODEL.md §4–5) into a validated [`Model`].
//!
//! Loading has two stages. Serde reads the TOML into raw structures that refuse unknown keys
//! and keep every value's position. Then each input is turned into a checked distribution, with
//! overrides (`--set`, an assumptions CSV) applied by key path, so that every error can name the
//! file, line, key, problem and fix, and the engine only ever sees valid inputs.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};

use serde::Deserialize;
use sha2::{Digest, Sha256};
use toml::{Spanned, Value};

use crate::dist::{Dist, Domain, Sampler};
use crate::error::{closest, line_column, Error, InputError, Result};
use crate::params::{self, DeptParam, GlobalParam, Unit, DEPT_PARAM_COUNT};
use crate::reference;

/// The largest appraisal period seams accepts, in years.
pub const MAX_YEARS: usize = 1000;

/// The largest scenario file seams reads.
pub const MAX_SCENARIO_BYTES: u64 = 10_000_000;

/// Index of an input in [`Model::inputs`].
pub type InputId = usize;

/// Scenario-wide settings from `[scenario]`.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Settings {
    pub name: String,
    pub description: Option<String>,
    pub price_base_year: i32,
    pub first_year: i32,
    pub years: usize,
    pub iterations: u64,
    pub seed: u64,
}

/// Where an input's distribution came from.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum Origin {
    Scenario,
    Default,
    Override { was: String, by: String },
}

/// One uncertain (or fixed) input, drawn once per iteration.
#[derive(Debug, Clone)]
pub struct Input {
    /// Key path, e.g. `departments.hmrc.repetition_rate`.
    pub key: String,
    /// The distribution as written (or the default).
    pub text: String,
    pub dist: Dist,
    pub sampler: Sampler,
    pub unit: Unit,
    pub domain: Domain,
    pub describes: String,
    pub source: Option<String>,
    pub note: Option<String>,
    pub origin: Origin,
    /// Identifies the input's own random stream, so changing one input leaves the draws of
    /// every other input unchanged (common random numbers across runs).
    pub stream: u64,
}

impl Input {
    /// Mean, P5 and P95 of the input's distribution, computed from the distribution itself.
    pub fn summary(&self) -> (f64, f64, f64) {
        (
            self.sampler.mean(),
            self.sampler.quantile(0.05),
            self.sampler.quantile(0.95),
        )
    }
}

/// A department and the inputs behind each of its parameters.
#[derive(Debug, Clone)]
pub struct Department {
    pub id: String,
    pub name: String,
    pub description: Option<String>,
    /// Indexed by [`DeptParam::index`]; a defaulted "same draw" parameter shares its input.
    pub params: [InputId; DEPT_PARAM_COUNT],
}

/// How an effect changes a parameter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum EffectKind {
    /// Multiply by 1 − x.
    Reduce,
    /// Replace by x.
    Set,
}

/// One effect of an option on a parameter of some departments.
#[derive(Debug, Clone)]
pub struct Effect {
    pub departments: Vec<usize>,
    pub param: DeptParam,
    pub kind: EffectKind,
    pub value: InputId,
}

/// An intervention appraised against business as usual.
#[derive(Debug, Clone)]
pub struct OptionSpec {
    pub id: String,
    pub name: String,
    pub description: Option<String>,
    pub live: usize,
    pub adoption: Vec<InputId>,
    pub capital: Vec<InputId>,
    pub running: InputId,
    pub optimism_bias: InputId,
    pub effects: Vec<Effect>,
}

impl OptionSpec {
    /// The input giving adoption in appraisal year `year`, or `None` before `live`.
    pub fn adoption_input(&self, year: usize) -> Option<InputId> {
        let since = year.checked_sub(self.live)?;
        self.adoption.get(since).or(self.adoption.last()).copied()
    }
}

/// An override of one input's distribution, from `--set` or an assumptions CSV.
#[derive(Debug, Clone, PartialEq)]
pub struct Override {
    pub key: String,
    pub text: String,
    /// Where it came from, e.g. `--set` or `assumptions.csv row 4`.
    pub by: String,
}

impl Override {
    /// Parses `KEY=DIST` as given to `--set`.
    ///
    /// # Errors
    /// When there is no `=` or the key is empty.
    pub fn parse_set(arg: &str) -> Result<Override> {
        let Some((key, text)) = arg.split_once('=') else {
            return Err(InputError {
                origin: "--set".into(),
                location: None,
                key: arg.into(),
                problem: "expected KEY=DIST".into(),
                fix: "write e.g. --set departments.hmrc.repetition_rate=\"pert(20%, 30%, 50%)\""
                    .into(),
            }
            .into());
        };
        Ok(Override {
            key: key.trim().to_string(),
            text: text.trim().to_string(),
            by: "--set".into(),
        })
    }
}

/// An override that changed an input, for provenance.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct AppliedOverride {
    pub key: String,
    pub from: String,
    pub to: String,
    pub by: String,
}

/// A validated scenario, ready for the engine.
#[derive(Debug, Clone)]
pub struct Model {
    pub path: PathBuf,
    pub sha256: String,
    pub settings: Settings,
    pub inputs: Vec<Input>,
    pub journeys_per_year: InputId,
    pub journey_growth: InputId,
    pub value_of_time: InputId,
    pub value_of_time_growth: InputId,
    pub departments: Vec<Department>,
    pub options: Vec<OptionSpec>,
    /// `discounting.rate` when given; otherwise the Green Book schedule applies.
    pub discount_rate: Option<f64>,
    pub discount_factors: Vec<f64>,
    pub overrides: Vec<AppliedOverride>,
}

impl Model {
    /// The input with this key path.
    pub fn input(&self, key: &str) -> Option<&Input> {
        self.inputs.iter().find(|i| i.key == key)
    }

    /// Calendar year of appraisal year `y`.
    pub fn calendar_year(&self, y: usize) -> i32 {
        self.settings.first_year + y as i32
    }
}

// ---------------------------------------------------------------------------------------------
// Raw TOML structures

/// A department's table: each key with its value and position.
type RawDepartment = Spanned<BTreeMap<String, Spanned<Value>>>;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawScenario {
    scenario: RawSettings,
    journeys: RawJourneys,
    users: RawUsers,
    departments: Option<BTreeMap<String, RawDepartment>>,
    #[serde(default)]
    options: BTreeMap<String, Spanned<RawOption>>,
    discounting: Option<RawDiscounting>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSettings {
    name: String,
    description: Option<String>,
    price_base_year: Spanned<i64>,
    first_year: Option<Spanned<i64>>,
    years: Option<Spanned<i64>>,
    iterations: Option<Spanned<i64>>,
    seed: Option<Spanned<i64>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawJourneys {
    per_year: Option<Spanned<Value>>,
    growth: Option<Spanned<Value>>,
    #[allow(dead_code)]
    description: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawUsers {
    value_of_time: Option<Spanned<Value>>,
    value_of_time_growth: Option<Spanned<Value>>,
    #[allow(dead_code)]
    description: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDiscounting {
    rate: Option<Spanned<Value>>,
    #[allow(dead_code)]
    description: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawOption {
    name: Option<String>,
    description: Option<String>,
    live: Option<Spanned<i64>>,
    capital: Option<Spanned<Vec<Spanned<Value>>>>,
    running: Option<Spanned<Value>>,
    adoption: Option<Spanned<Vec<Spanned<Value>>>>,
    optimism_bias: Option<Spanned<Value>>,
    #[serde(default)]
    effect: Vec<Spanned<RawEffect>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawEffect {
    departments: Spanned<Value>,
    parameter: Spanned<String>,
    reduce: Option<Spanned<Value>>,
    set: Option<Spanned<Value>>,
    #[allow(dead_code)]
    description: Option<String>,
}

// ---------------------------------------------------------------------------------------------
// Loading

/// Reads and validates a scenario file, applying `overrides`.
///
/// # Errors
/// [`Error::Read`] when the file cannot be read; [`Error::Input`] or [`Error::Inputs`] naming
/// the file, key, line, problem and fix for anything malformed.
pub fn load(path: &Path, overrides: &[Override]) -> Result<Model> {
    let read_error = |source| Error::Read {
        path: path.to_path_buf(),
        source,
    };
    let origin = path.display().to_string();
    let size = std::fs::metadata(path).map_err(read_error)?.len();
    if size > MAX_SCENARIO_BYTES {
        return Err(InputError {
            origin,
            location: None,
            key: String::new(),
            problem: format!(
                "the file is {:.0} MB; a scenario is a small text file (at most {} MB)",
                size as f64 / 1e6,
                MAX_SCENARIO_BYTES / 1_000_000
            ),
            fix: "check that this is the scenario you meant to run".into(),
        }
        .into());
    }
    let bytes = std::fs::read(path).map_err(read_error)?;
    let text = std::str::from_utf8(&bytes).map_err(|e| InputError {
        origin: origin.clone(),
        location: Some(line_column(
            &String::from_utf8_lossy(&bytes[..e.valid_up_to()]),
            e.valid_up_to(),
        )),
        key: String::new(),
        problem: format!(
            "the file is not UTF-8 text (invalid byte at offset {})",
            e.valid_up_to()
        ),
        fix: "save the scenario as UTF-8".into(),
    })?;
    let mut model = load_str(text, &origin, overrides)?;
    model.path = path.to_path_buf();
    model.sha256 = format!("{:x}", Sha256::digest(&bytes));
    Ok(model)
}

/// Validates scenario text; `origin` names it in messages.
///
/// # Errors
/// As [`load`].
pub fn load_str(text: &str, origin: &str, overrides: &[Override]) -> Result<Model> {
    let raw: RawScenario = toml::from_str(text).map_err(|e| toml_error(text, origin, &e))?;
    let mut loader = Loader::new(text, origin, overrides)?;
    let model = loader.build(raw);
    loader.finish()?;
    let mut model = model.ok_or_else(|| Error::Inputs(Vec::new()))?;
    model.overrides = loader.applied;
    model.inputs = loader.inputs;
    model.sha256 = format!("{:x}", Sha256::digest(text.as_bytes()));
    Ok(model)
}

fn toml_error(text: &str, origin: &str, e: &toml::de::Error) -> Error {
    let location = e.span().map(|s| line_column(text, s.start));
    // Serde names the raw structures; say which table of the scenario is meant instead.
    let mut message = e.message().trim().to_string();
    for (raw, table) in [
        (
            "struct RawScenario",
            "a scenario: [scenario], [journeys], [users] and [departments.ID] tables",
        ),
        ("struct RawSettings", "the [scenario] table"),
        ("struct RawJourneys", "the [journeys] table"),
        ("struct RawUsers", "the [users] table"),
        ("struct RawDiscounting", "the [discounting] table"),
        ("struct RawOption", "an [options.ID] table"),
        ("struct RawEffect", "an [[options.ID.effect]] table"),
    ] {
        message = message.replace(raw, table);
    }
    let fix = if message.contains("unknown field") {
        "check the spelling against docs/scenario-format.md; misspelt keys are refused so they cannot silently become 0"
    } else if message.contains("missing field") {
        "add the missing key"
    } else if message.contains("invalid type") {
        "check the value's type: numbers bare, distributions in quotes, sections as [tables]"
    } else {
        "fix the TOML syntax at that position"
    };
    InputError {
        origin: origin.into(),
        location,
        key: String::new(),
        problem: message,
        fix: fix.into(),
    }
    .into()
}

/// A value as read from TOML: its text, distribution and evidence.
struct ReadValue {
    text: String,
    dist: Dist,
    source: Option<String>,
    note: Option<String>,
}

/// What kind of input is being read, for its domain and words.
#[derive(Clone, Copy)]
struct InputKind<'a> {
    unit: Unit,
    domain: Domain,
    describes: &'a str,
}

struct Loader<'t> {
    text: &'t str,
    origin: String,
    overrides: HashMap<String, Override>,
    used: HashSet<String>,
    inputs: Vec<Input>,
    errors: Vec<InputError>,
    applied: Vec<AppliedOverride>,
}

impl<'t> Loader<'t> {
    fn new(text: &'t str, origin: &str, overrides: &[Override]) -> Result<Loader<'t>> {
        let mut map = HashMap::new();
        for o in overrides {
            if map.insert(o.key.clone(), o.clone()).is_some() {
                return Err(InputError {
                    origin: o.by.clone(),
                    location: None,
                    key: o.key.clone(),
                    problem: "this key is overridden twice".into(),
                    fix: "give each key once".into(),
                }
                .into());
            }
        }
        Ok(Loader {
            text,
            origin: origin.into(),
            overrides: map,
            used: HashSet::new(),
            inputs: Vec::new(),
            errors: Vec::new(),
            applied: Vec::new(),
        })
    }

    fn error_at(
        &mut self,
        span: Option<std::ops::Range<usize>>,
        key: &str,
        problem: String,
        fix: impl Into<String>,
    ) {
        self.errors.push(InputError {
            origin: self.origin.clone(),
            location: span.map(|s| line_column(self.text, s.start)),
            key: key.into(),
            problem,
            fix: fix.into(),
        });
    }

    fn finish(&mut self) -> Result<()> {
        let known: Vec<String> = self.inputs.iter().map(|i| i.key.clone()).collect();
        let mut unused: Vec<&Override> = self
            .overrides
            .values()
            .filter(|o| !self.used.contains(&o.key))
            .collect();
        unused.sort_by(|a, b| a.key.cmp(&b.key));
        for o in unused {
            let fix = match closest(&o.key, known.iter().map(String::as_str)) {
                Some(k) => format!("did you mean {k}? `seams assumptions` lists every key"),
                None => {
                    "`seams assumptions SCENARIO` lists every key that can be overridden".into()
                }
            };
            self.errors.push(InputError {
                origin: o.by.clone(),
                location: None,
                key: o.key.clone(),
                problem: "no input has this key".into(),
                fix,
            });
        }
        match self.errors.len() {
            0 => Ok(()),
            1 => Err(self.errors.remove(0).into()),
            _ => Err(Error::Inputs(std::mem::take(&mut self.errors))),
        }
    }

    /// Converts a TOML value into a distribution, or an error message and fix.
    fn read_value(value: &Value) -> std::result::Result<ReadValue, (String, String)> {
        let plain = |text: String, dist: Dist| ReadValue {
            text,
            dist,
            source: None,
            note: None,
        };
        match value {
            Value::Integer(i) => Ok(plain(i.to_string(), Dist::fixed(*i as f64))),
            Value::Float(f) if f.is_finite() => Ok(plain(crate::dist::fmt_num(*f), Dist::fixed(*f))),
            Value::Float(f) => Err((format!("{f} is not a usable number"), "write a finite number".into())),
            Value::String(s) => Dist::parse(s)
                .map(|d| plain(s.clone(), d))
                .map_err(|e| (e.problem, e.fix)),
            Value::Table(t) => {
                if let Some(k) = t.keys().find(|k| !matches!(k.as_str(), "value" | "source" | "note")) {
                    return Err((format!("unknown key `{k}` in the value table"), "the table form is { value = …, source = \"…\", note = \"…\" }".into()));
                }
                let inner = t.get("value").ok_or_else(|| ("the table has no `value`".to_string(), "write { value = \"pert(1, 2, 3)\", source = \"…\" }".to_string()))?;
                if matches!(inner, Value::Table(_)) {
                    return Err(("`value` is itself a table".into(), "write the value as a number or a distribution in quotes".into()));
                }
                let text_of = |k: &str| -> std::result::Result<Option<String>, (String, String)> {
                    match t.get(k) {
                        None => Ok(None),
                        Some(Value::String(s)) => Ok(Some(s.clone())),
                        Some(_) => Err((format!("`{k}` must be text"), format!("write {k} = \"…\""))),
                    }
                };
                let mut read = Self::read_value(inner)?;
                read.source = text_of("source")?;
                read.note = text_of("note")?;
                Ok(read)
            }
            other => Err((
                format!("expected a number or a distribution, got {}", type_name(other)),
                "write a number (42), a distribution in quotes (\"pert(10, 20, 45)\") or { value = …, source = \"…\" }".into(),
            )),
        }
    }

    /// Reads one input: the override if any, else the scenario's value, else the default.
    fn input(
        &mut self,
        key: &str,
        raw: Option<&Spanned<Value>>,
        kind: InputKind,
        default: Option<f64>,
    ) -> Option<InputId> {
        let span = raw.map(|r| r.span());
        let from_file = raw.map(|r| Self::read_value(r.get_ref()));
        let read = if let Some(o) = self.overrides.get(key).cloned() {
            self.used.insert(key.to_string());
            let was = match (&from_file, default) {
                (Some(Ok(v)), _) => v.text.clone(),
                (Some(Err(_)), _) => "(invalid)".into(),
                (None, Some(d)) => format!("{} (default)", crate::dist::fmt_num(d)),
                (None, None) => "(missing)".into(),
            };
            match Dist::parse(&o.text) {
                Ok(dist) => {
                    self.applied.push(AppliedOverride {
                        key: key.into(),
                        from: was.clone(),
                        to: o.text.clone(),
                        by: o.by.clone(),
                    });
                    let evidence = from_file.and_then(|r| r.ok());
                    Some((
                        ReadValue {
                            text: o.text.clone(),
                            dist,
                            source: evidence.as_ref().and_then(|e| e.source.clone()),
                            note: evidence.and_then(|e| e.note),
                        },
                        Origin::Override {
                            was,
                            by: o.by.clone(),
                        },
                        None,
                    ))
                }
                Err(e) => {
                    self.errors.push(InputError {
                        origin: o.by.clone(),
                        location: None,
                        key: key.into(),
                        problem: e.problem,
                        fix: e.fix,
                    });
                    return None;
                }
            }
        } else {
            match from_file {
                Some(Ok(v)) => Some((v, Origin::Scenario, span.clone())),
                Some(Err((problem, fix))) => {
                    self.error_at(span, key, problem, fix);
                    return None;
                }
                None => default.map(|d| {
                    (
                        ReadValue {
                            text: crate::dist::fmt_num(d),
                            dist: Dist::fixed(d),
                            source: None,
                            note: None,
                        },
                        Origin::Default,
                        None,
                    )
                }),
            }
        };
        let Some((value, origin, span)) = read else {
            self.error_at(
                None,
                key,
                format!("is required ({})", kind.describes),
                format!(
                    "add `{}` to the scenario",
                    key.rsplit('.').next().unwrap_or(key)
                ),
            );
            return None;
        };
        self.push_input(key, value, origin, span, kind)
    }

    fn push_input(
        &mut self,
        key: &str,
        value: ReadValue,
        origin: Origin,
        span: Option<std::ops::Range<usize>>,
        kind: InputKind,
    ) -> Option<InputId> {
        let sampler = match value.dist.sampler(kind.domain) {
            Ok(s) => s,
            Err(e) => {
                let problem = format!("`{}`: {}", value.text, e.problem);
                match &origin {
                    Origin::Override { by, .. } => self.errors.push(InputError {
                        origin: by.clone(),
                        location: None,
                        key: key.into(),
                        problem,
                        fix: e.fix,
                    }),
                    _ => self.error_at(span, key, problem, e.fix),
                }
                return None;
            }
        };
        self.inputs.push(Input {
            key: key.into(),
            text: value.text,
            dist: value.dist,
            sampler,
            unit: kind.unit,
            domain: kind.domain,
            describes: kind.describes.into(),
            source: value.source,
            note: value.note,
            origin,
            stream: stream_id(key),
        });
        Some(self.inputs.len() - 1)
    }

    fn global(&mut self, param: GlobalParam, raw: Option<&Spanned<Value>>) -> Option<InputId> {
        let spec = param.spec();
        let default = match spec.default {
            params::Default::Value(v) => Some(v),
            _ => None,
        };
        let kind = InputKind {
            unit: spec.unit,
            domain: spec.domain,
            describes: spec.describes,
        };
        self.input(spec.key, raw, kind, default)
    }

    fn build(&mut self, raw: RawScenario) -> Option<Model> {
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
            discount_factors: reference::discount_factors(settings.years, discount_rate.flatten()),
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
            crate::engine::MAX_ITERATIONS as i64,
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
        let kind = InputKind {
            unit: Unit::Share,
            domain: Domain::GROWTH,
            describes: "discount rate replacing the Green Book schedule",
        };
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
            .filter_map(|(id, table)| self.department(id, table))
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
            let kind = InputKind {
                unit: spec.unit,
                domain: spec.domain,
                describes: spec.describes,
            };
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
        let money = InputKind {
            unit: Unit::Pounds,
            domain: Domain::NON_NEGATIVE,
            describes: "",
        };
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
        let kind = InputKind {
            unit: Unit::Share,
            domain: Domain::SHARE,
            describes: "share of journeys the option reaches",
        };
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
        let key = format!("{prefix}.optimism_bias");
        let kind = InputKind {
            unit: Unit::Share,
            domain: Domain::NON_NEGATIVE,
            describes: "optimism-bias uplift on capital",
        };
        let category_text = match self.overrides.get(&key) {
            Some(o) => Some((o.text.clone(), None)),
            None => match raw.map(|r| r.get_ref()) {
                Some(Value::String(s)) => Some((s.clone(), None)),
                Some(Value::Table(t)) => match t.get("value") {
                    Some(Value::String(s)) => Some((s.clone(), Some(t))),
                    _ => None,
                },
                _ => None,
            },
        };
        if let Some((text, table)) = category_text {
            let looks_like_name = text.contains(|c: char| c.is_ascii_alphabetic())
                && !text.contains('(')
                && !text.contains(" to ");
            if looks_like_name {
                let Some(category) = reference::optimism_bias(text.trim()) else {
                    let names: Vec<&str> = reference::optimism_bias_categories()
                        .iter()
                        .map(|c| c.category.as_str())
                        .collect();
                    self.error_at(
                        raw.map(|r| r.span()),
                        &key,
                        format!("`{text}` is not a Green Book optimism-bias category"),
                        format!("use one of {}, or a number such as 40%", names.join(", ")),
                    );
                    return None;
                };
                if let Some(o) = self.overrides.get(&key).cloned() {
                    self.used.insert(key.clone());
                    self.applied.push(AppliedOverride {
                        key: key.clone(),
                        from: raw
                            .and_then(|r| Self::read_value(r.get_ref()).ok())
                            .map_or_else(|| "0 (default)".into(), |r| r.text),
                        to: o.text.clone(),
                        by: o.by.clone(),
                    });
                }
                let text_field = |k: &str| {
                    table
                        .and_then(|t| t.get(k))
                        .and_then(Value::as_str)
                        .map(String::from)
                };
                let value = ReadValue {
                    text: category.category.clone(),
                    dist: Dist::fixed(category.upper),
                    source: text_field("source").or_else(|| Some("HM Treasury Green Book supplementary guidance on optimism bias (upper bound for capital)".into())),
                    note: text_field("note"),
                };
                return self.push_input(&key, value, Origin::Scenario, raw.map(|r| r.span()), kind);
            }
        }
        self.input(&key, raw, kind, Some(0.0))
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
            EffectKind::Reduce => InputKind {
                unit: Unit::Share,
                domain: Domain::SHARE,
                describes: "reduction in the parameter",
            },
            EffectKind::Set => InputKind {
                unit: spec.unit,
                domain: spec.domain,
                describes: "new value of the parameter",
            },
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

fn type_name(v: &Value) -> &'static str {
    match v {
        Value::String(_) => "text",
        Value::Integer(_) => "an integer",
        Value::Float(_) => "a number",
        Value::Boolean(_) => "true/false",
        Value::Datetime(_) => "a date",
        Value::Array(_) => "a list",
        Value::Table(_) => "a table",
    }
}

/// FNV-1a hash of a key path: the identity of an input's random stream.
fn stream_id(key: &str) -> u64 {
    key.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}
