//! Reading one input, along one path for every input: the override if there is one, else the
//! scenario's value, else the default; then the domain check that turns it into a sampler.
//! Errors are collected, so one pass reports every independent problem.

use std::collections::{HashMap, HashSet};

use toml::{Spanned, Value};

use super::raw::type_name;
use super::{AppliedOverride, Input, InputId, Origin, Override};
use crate::appraisal::reference;
use crate::dist::{Dist, Domain};
use crate::error::{closest, line_column, quote, Error, InputError, Result};
use crate::params::{self, GlobalParam, Unit};

/// A value as read from TOML: its text, distribution and evidence.
pub(super) struct ReadValue {
    pub(super) text: String,
    pub(super) dist: Dist,
    pub(super) source: Option<String>,
    pub(super) note: Option<String>,
    /// The price year the text is written in (money only), where given.
    pub(super) price_year: Option<i32>,
}

/// Reads a price year: a calendar year (`2012`) or a financial year (`"2012-13"`, whose first
/// calendar year is used), inside the GDP deflator table.
pub(super) fn read_price_year(value: &Value) -> std::result::Result<i32, (String, String)> {
    let (first, last) = reference::gdp_deflator_years();
    let year = match value {
        Value::Integer(y) => i32::try_from(*y).ok(),
        Value::String(s) => year_of_text(s.trim()),
        _ => None,
    };
    let fix = format!(
        "write a calendar year such as 2012, or a financial year such as \"2012-13\", from {first} to {last}"
    );
    match year {
        Some(y) if (first..=last).contains(&y) => Ok(y),
        Some(y) => Err((
            format!(
                "price year {y} is outside the GDP deflator table, which holds {first}–{last} (data/gdp_deflator.csv)"
            ),
            fix,
        )),
        None => Err((
            format!("`price_year` {} is not a year", quote_value(value)),
            fix,
        )),
    }
}

/// A TOML value as written, shortened, for a message.
fn quote_value(value: &Value) -> String {
    match value {
        Value::String(s) => format!("\"{}\"", crate::error::quote(s)),
        other => crate::error::quote(&other.to_string()),
    }
}

/// A year written as text: a calendar year (`2012`), or a financial year of two consecutive
/// years (`2012-13`, `2012/13`, `2012-2013`), which counts as its first. Anything else —
/// `2012-14`, `2012-xyz` — is no year.
fn year_of_text(text: &str) -> Option<i32> {
    let digits = |t: &str| !t.is_empty() && t.chars().all(|c| c.is_ascii_digit());
    let (first, second) = match text.split_once(['-', '/']) {
        None => (text, None),
        Some((first, second)) => (first, Some(second)),
    };
    if !digits(first) || first.len() != 4 {
        return None;
    }
    let year: i32 = first.parse().ok()?;
    match second {
        None => Some(year),
        Some(s) if digits(s) && s.len() == 2 => {
            ((year + 1) % 100 == s.parse::<i32>().ok()?).then_some(year)
        }
        Some(s) if digits(s) && s.len() == 4 => {
            (s.parse::<i32>().ok()? == year + 1).then_some(year)
        }
        Some(_) => None,
    }
}

/// What kind of input is being read, for its domain and words.
#[derive(Clone, Copy)]
pub(super) struct InputKind<'a> {
    pub(super) unit: Unit,
    pub(super) domain: Domain,
    pub(super) describes: &'a str,
    /// Whether a Green Book optimism-bias category name stands for its upper bound.
    pub(super) optimism_bias_names: bool,
}

impl<'a> InputKind<'a> {
    /// An input of this unit and domain, described in these words.
    pub(super) fn new(unit: Unit, domain: Domain, describes: &'a str) -> InputKind<'a> {
        InputKind {
            unit,
            domain,
            describes,
            optimism_bias_names: false,
        }
    }
}

/// Where an optimism-bias category's figure comes from.
const OPTIMISM_BIAS_SOURCE: &str =
    "HM Treasury Green Book supplementary guidance on optimism bias (upper bound for capital)";

/// Reads distribution text: a category name where the input takes them, else the language
/// of docs/method.md §4.
fn parse_text(text: &str, kind: &InputKind) -> std::result::Result<ReadValue, (String, String)> {
    if kind.optimism_bias_names {
        if let Some(category) = reference::optimism_bias(text.trim()) {
            return Ok(ReadValue {
                text: category.category.clone(),
                dist: Dist::fixed(category.upper),
                source: Some(OPTIMISM_BIAS_SOURCE.into()),
                note: None,
                price_year: None,
            });
        }
    }
    Dist::parse(text)
        .map(|dist| ReadValue {
            text: text.to_string(),
            dist,
            source: None,
            note: None,
            price_year: None,
        })
        .map_err(|e| {
            let looks_like_name = text.trim().starts_with(|c: char| c.is_ascii_alphabetic())
                && !text.contains('(')
                && !text.contains(" to ");
            if kind.optimism_bias_names && looks_like_name {
                let names: Vec<&str> = reference::optimism_bias_categories()
                    .iter()
                    .map(|c| c.category.as_str())
                    .collect();
                (
                    format!(
                        "`{}` is not a Green Book optimism-bias category",
                        quote(text)
                    ),
                    format!("use one of {}, or a number such as 40%", names.join(", ")),
                )
            } else {
                (e.problem, e.fix)
            }
        })
}

/// Reads a scenario's inputs, collecting every error.
pub(super) struct Loader<'t> {
    pub(super) text: &'t str,
    pub(super) origin: String,
    pub(super) overrides: HashMap<String, Override>,
    pub(super) used: HashSet<String>,
    pub(super) inputs: Vec<Input>,
    pub(super) errors: Vec<InputError>,
    pub(super) applied: Vec<AppliedOverride>,
    /// `scenario.price_base_year`, once read: the year money inputs are converted to.
    pub(super) price_base_year: i32,
    /// Departments whose errors are already reported: rules that name them stay quiet, so a
    /// message reports a root cause, not its consequences.
    pub(super) failed_departments: HashSet<String>,
    /// Put before every key read: a scenario's stem and `/` inside a portfolio.
    pub(super) key_prefix: String,
    /// Whether random streams follow the prefixed key (a portfolio of several scenarios) or
    /// the key as written (so a portfolio of one draws as its scenario does alone).
    pub(super) prefix_streams: bool,
    /// The price year of money written without one: a scenario's own base year when a
    /// portfolio puts its figures in another's prices.
    pub(super) default_price_year: Option<i32>,
    /// A portfolio's journeys (id and departments), for effects that name scenarios; empty
    /// in a scenario.
    pub(super) journeys: Vec<(String, std::ops::Range<usize>)>,
}

impl<'t> Loader<'t> {
    pub(super) fn new(text: &'t str, origin: &str, overrides: &[Override]) -> Result<Loader<'t>> {
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
            failed_departments: HashSet::new(),
            price_base_year: 0,
            key_prefix: String::new(),
            prefix_streams: false,
            default_price_year: None,
            journeys: Vec::new(),
        })
    }

    pub(super) fn error_at(
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

    pub(super) fn finish(&mut self) -> Result<()> {
        let known: Vec<String> = self.inputs.iter().map(|i| i.key.clone()).collect();
        let mut unused: Vec<&Override> = self
            .overrides
            .values()
            .filter(|o| !self.used.contains(&o.key))
            .collect();
        unused.sort_by(|a, b| a.key.cmp(&b.key));
        for (i, o) in unused.into_iter().enumerate() {
            // A suggestion for the first few; a message names no more than those.
            let suggestion = (i < crate::error::SHOWN_PER_PROBLEM)
                .then(|| suggest_key(&o.key, &known))
                .flatten();
            let fix = match suggestion {
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
        match self.errors.is_empty() {
            true => Ok(()),
            false => Err(Error::inputs(std::mem::take(&mut self.errors), "loading")),
        }
    }

    /// What a pass built, once every problem it found is reported: `None` comes only with a
    /// recorded problem, and without one it is a fault of seams, said as such.
    pub(super) fn finish_with<T>(&mut self, built: Option<T>, what: &str) -> Result<T> {
        self.finish()?;
        built.ok_or_else(|| Error::inputs(Vec::new(), what))
    }

    /// Converts a TOML value into a distribution, or an error message and fix.
    pub(super) fn read_value(
        value: &Value,
        kind: &InputKind,
    ) -> std::result::Result<ReadValue, (String, String)> {
        let plain = |text: String, dist: Dist| ReadValue {
            text,
            dist,
            source: None,
            note: None,
            price_year: None,
        };
        match value {
            Value::Integer(i) => Dist::fixed_checked(*i as f64)
                .map(|d| plain(i.to_string(), d))
                .map_err(|e| (e.problem, e.fix)),
            Value::Float(f) if f.is_finite() => Dist::fixed_checked(*f)
                .map(|d| plain(crate::dist::fmt_num(*f), d))
                .map_err(|e| (e.problem, e.fix)),
            Value::Float(f) => Err((format!("{f} is not a usable number"), "write a finite number".into())),
            Value::String(s) => parse_text(s, kind),
            Value::Table(t) => {
                if let Some(k) = t.keys().find(|k| !matches!(k.as_str(), "value" | "source" | "note" | "price_year")) {
                    return Err((format!("unknown key `{}` in the value table", quote(k)), "the table form is { value = …, source = \"…\", note = \"…\", price_year = 2012 }".into()));
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
                let mut read = Self::read_value(inner, kind)?;
                read.source = text_of("source")?.or(read.source);
                read.note = text_of("note")?;
                if let Some(year) = t.get("price_year") {
                    if kind.unit != Unit::Pounds {
                        return Err((
                            "`price_year` applies only to money inputs".into(),
                            "remove price_year: this input is not in pounds".into(),
                        ));
                    }
                    read.price_year = Some(read_price_year(year)?);
                }
                Ok(read)
            }
            other => Err((
                format!("expected a number or a distribution, got {}", type_name(other)),
                "write a number (42), a distribution in quotes (\"pert(10, 20, 45)\") or { value = …, source = \"…\" }".into(),
            )),
        }
    }

    /// Reads one input: the override if any, else the scenario's value, else the default.
    pub(super) fn input(
        &mut self,
        key: &str,
        raw: Option<&Spanned<Value>>,
        kind: InputKind,
        default: Option<f64>,
    ) -> Option<InputId> {
        let full = format!("{}{key}", self.key_prefix);
        let key = full.as_str();
        let span = raw.map(|r| r.span());
        let from_file = raw.map(|r| Self::read_value(r.get_ref(), &kind));
        let read = if let Some(o) = self.overrides.get(key).cloned() {
            self.used.insert(key.to_string());
            let was = match (&from_file, default) {
                (Some(Ok(v)), _) => v.text.clone(),
                (Some(Err(_)), _) => "(invalid)".into(),
                (None, Some(d)) => format!("{} (default)", crate::dist::fmt_num(d)),
                (None, None) => "(missing)".into(),
            };
            match parse_text(&o.text, &kind) {
                Ok(read) => {
                    self.applied.push(AppliedOverride {
                        key: key.into(),
                        from: was.clone(),
                        to: o.text.clone(),
                        by: o.by.clone(),
                    });
                    let evidence = from_file.and_then(|r| r.ok());
                    let price_year = o
                        .price_year
                        .unwrap_or_else(|| evidence.as_ref().and_then(|e| e.price_year));
                    Some((
                        ReadValue {
                            source: read
                                .source
                                .or_else(|| evidence.as_ref().and_then(|e| e.source.clone())),
                            note: evidence.and_then(|e| e.note),
                            price_year,
                            ..read
                        },
                        Origin::Override {
                            was,
                            by: o.by.clone(),
                        },
                        None,
                    ))
                }
                Err((problem, fix)) => {
                    self.errors.push(InputError {
                        origin: o.by.clone(),
                        location: None,
                        key: key.into(),
                        problem,
                        fix,
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
                            price_year: None,
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

    pub(super) fn push_input(
        &mut self,
        key: &str,
        value: ReadValue,
        origin: Origin,
        span: Option<std::ops::Range<usize>>,
        kind: InputKind,
    ) -> Option<InputId> {
        let report_at = |loader: &mut Self, problem: String, fix: String| match &origin {
            Origin::Override { by, .. } => loader.errors.push(InputError {
                origin: by.clone(),
                location: None,
                key: key.into(),
                problem,
                fix,
            }),
            _ => loader.error_at(span.clone(), key, problem, fix),
        };
        let price_year = match value.price_year {
            None if kind.unit == Unit::Pounds => self.default_price_year,
            year => year,
        };
        let price_factor = match price_year {
            None => 1.0,
            Some(year) => {
                let base = self.price_base_year;
                match (reference::gdp_deflator(base), reference::gdp_deflator(year)) {
                    (Some(to), Some(from)) => to / from,
                    _ => {
                        let (first, last) = reference::gdp_deflator_years();
                        report_at(
                            self,
                            format!("prices cannot be converted to {base} prices: the GDP deflator table holds {first}–{last}"),
                            format!("use a price_base_year from {first} to {last}, or drop price_year"),
                        );
                        return None;
                    }
                }
            }
        };
        let dist = value.dist.scaled(price_factor);
        let sampler = match dist.sampler(kind.domain) {
            Ok(s) => s,
            Err(e) => {
                let problem = format!("`{}`: {}", quote(&value.text), e.problem);
                report_at(self, problem, e.fix);
                return None;
            }
        };
        self.inputs.push(Input {
            key: key.into(),
            text: value.text,
            dist,
            price_year,
            price_factor,
            sampler,
            unit: kind.unit,
            domain: kind.domain,
            describes: kind.describes.into(),
            source: value.source,
            note: value.note,
            origin,
            stream: stream_id(if self.prefix_streams {
                key
            } else {
                key.strip_prefix(self.key_prefix.as_str()).unwrap_or(key)
            }),
        });
        Some(self.inputs.len() - 1)
    }

    pub(super) fn global(
        &mut self,
        param: GlobalParam,
        raw: Option<&Spanned<Value>>,
    ) -> Option<InputId> {
        let spec = param.spec();
        let default = match spec.default {
            params::Default::Value(v) => Some(v),
            _ => None,
        };
        let kind = InputKind::new(spec.unit, spec.domain, spec.describes);
        self.input(spec.key, raw, kind, default)
    }
}

/// FNV-1a hash of a key path: the identity of an input's random stream.
pub(super) fn stream_id(key: &str) -> u64 {
    key.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// A key to suggest for `key`, which no input has: in a portfolio, the journeys' keys that end
/// with it (a key written without its journey's prefix, `JOURNEY/`), else the closest spelling.
fn suggest_key(key: &str, known: &[String]) -> Option<String> {
    let prefixed: Vec<&str> = known
        .iter()
        .filter(|k| k.split_once('/').is_some_and(|(_, rest)| rest == key))
        .map(String::as_str)
        .collect();
    match prefixed.as_slice() {
        [] => closest(key, known.iter().map(String::as_str)).map(String::from),
        [one] => Some((*one).to_string()),
        several => Some(format!("one of {}", several.join(", "))),
    }
}
