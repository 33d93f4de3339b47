//! The raw shapes of a scenario file as serde reads them, refusing unknown keys and keeping
//! each value's position, and the words for what is wrong with a malformed file.

use std::collections::BTreeMap;

use serde::Deserialize;
use toml::{Spanned, Value};

use crate::error::{line_column, Error, InputError};

/// A department's table: each key with its value and position.
pub(super) type RawDepartment = Spanned<BTreeMap<String, Spanned<Value>>>;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawScenario {
    pub(super) scenario: RawSettings,
    pub(super) journeys: RawJourneys,
    pub(super) users: RawUsers,
    pub(super) departments: Option<BTreeMap<String, RawDepartment>>,
    #[serde(default)]
    pub(super) options: BTreeMap<String, Spanned<RawOption>>,
    pub(super) discounting: Option<RawDiscounting>,
    pub(super) financial: Option<RawFinancial>,
    #[serde(default)]
    pub(super) correlation: Vec<Spanned<RawCorrelation>>,
    /// Named cases beside the central one (docs/method.md §6).
    #[serde(default)]
    pub(super) case: Vec<Spanned<RawCase>>,
}

/// A `[[case]]` table: a name, what it stands for, and the inputs it sets.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawCase {
    pub(super) name: String,
    pub(super) description: Option<String>,
    #[serde(default)]
    pub(super) set: BTreeMap<String, Spanned<Value>>,
}

/// A portfolio file (docs/method.md §6a): its settings and scenario files, the inputs shared by
/// every scenario that has them, and the options that reach across the scenarios.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawPortfolioFile {
    pub(super) portfolio: RawPortfolio,
    #[serde(default)]
    pub(super) shared: BTreeMap<String, Spanned<Value>>,
    #[serde(default)]
    pub(super) options: BTreeMap<String, Spanned<RawOption>>,
    pub(super) discounting: Option<RawDiscounting>,
    pub(super) financial: Option<RawFinancial>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawPortfolio {
    pub(super) name: String,
    pub(super) description: Option<String>,
    pub(super) price_base_year: Spanned<i64>,
    pub(super) first_year: Option<Spanned<i64>>,
    pub(super) years: Option<Spanned<i64>>,
    pub(super) iterations: Option<Spanned<i64>>,
    pub(super) seed: Option<Spanned<i64>>,
    pub(super) digital_channels: Option<Spanned<Vec<String>>>,
    pub(super) sampling: Option<Spanned<String>>,
    pub(super) precision: Option<Spanned<Value>>,
    pub(super) scenarios: Spanned<Vec<Spanned<String>>>,
}

impl RawPortfolio {
    /// The settings it shares with a scenario's `[scenario]` table.
    pub(super) fn settings(&self) -> RawSettings {
        RawSettings {
            name: self.name.clone(),
            description: self.description.clone(),
            price_base_year: self.price_base_year.clone(),
            first_year: self.first_year.clone(),
            years: self.years.clone(),
            iterations: self.iterations.clone(),
            seed: self.seed.clone(),
            digital_channels: None,
            sampling: self.sampling.clone(),
            precision: self.precision.clone(),
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawCorrelation {
    pub(super) inputs: Spanned<Vec<String>>,
    pub(super) rank: Spanned<f64>,
    #[allow(dead_code)]
    pub(super) description: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawSettings {
    pub(super) name: String,
    pub(super) description: Option<String>,
    pub(super) price_base_year: Spanned<i64>,
    pub(super) first_year: Option<Spanned<i64>>,
    pub(super) years: Option<Spanned<i64>>,
    pub(super) iterations: Option<Spanned<i64>>,
    pub(super) seed: Option<Spanned<i64>>,
    pub(super) digital_channels: Option<Spanned<Vec<String>>>,
    pub(super) sampling: Option<Spanned<String>>,
    pub(super) precision: Option<Spanned<Value>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawJourneys {
    pub(super) per_year: Option<Spanned<Value>>,
    pub(super) growth: Option<Spanned<Value>>,
    #[allow(dead_code)]
    pub(super) description: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawUsers {
    pub(super) value_of_time: Option<Spanned<Value>>,
    pub(super) value_of_time_growth: Option<Spanned<Value>>,
    #[allow(dead_code)]
    pub(super) description: Option<String>,
}

/// `[financial]`: what turns base-year prices into the money of the day (docs/method.md §3c).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawFinancial {
    pub(super) inflation: Option<Spanned<Value>>,
    #[allow(dead_code)]
    pub(super) description: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawDiscounting {
    pub(super) rate: Option<Spanned<Value>>,
    pub(super) schedule: Option<Spanned<String>>,
    #[allow(dead_code)]
    pub(super) description: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawOption {
    pub(super) name: Option<String>,
    pub(super) description: Option<String>,
    pub(super) live: Option<Spanned<i64>>,
    pub(super) capital: Option<Spanned<RawList>>,
    pub(super) running: Option<Spanned<Value>>,
    pub(super) adoption: Option<Spanned<Vec<Spanned<Value>>>>,
    pub(super) optimism_bias: Option<Spanned<Value>>,
    pub(super) optimism_bias_mitigation: Option<Spanned<Value>>,
    #[serde(default)]
    pub(super) non_monetised: Vec<String>,
    pub(super) funded_by: Option<Spanned<String>>,
    pub(super) funder_name: Option<String>,
    #[serde(default)]
    pub(super) effect: Vec<Spanned<RawEffect>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawEffect {
    /// A portfolio's effects name the scenarios (file stems) they reach.
    pub(super) scenarios: Option<Spanned<Value>>,
    pub(super) departments: Spanned<Value>,
    pub(super) parameter: Spanned<String>,
    pub(super) reduce: Option<Spanned<Value>>,
    pub(super) set: Option<Spanned<Value>>,
    #[allow(dead_code)]
    pub(super) description: Option<String>,
}

/// A list by year that may also be written as one value (`capital = "pert(1m, 2m, 3m)"` is
/// `capital = ["pert(1m, 2m, 3m)"]`): each element keeps its position for messages.
pub(super) enum RawList {
    Many(Vec<Spanned<Value>>),
    One(Value),
}

impl RawList {
    /// The elements; a single value takes the position of the whole, `span`.
    pub(super) fn items(&self, span: std::ops::Range<usize>) -> Vec<Spanned<Value>> {
        match self {
            RawList::Many(items) => items.clone(),
            RawList::One(value) => vec![Spanned::new(span, value.clone())],
        }
    }
}

impl<'de> Deserialize<'de> for RawList {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct ListOrValue;
        impl<'de> serde::de::Visitor<'de> for ListOrValue {
            type Value = RawList;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a list by appraisal year, or one value for year 0")
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(
                self,
                mut seq: A,
            ) -> Result<RawList, A::Error> {
                let mut items = Vec::new();
                while let Some(item) = seq.next_element::<Spanned<Value>>()? {
                    items.push(item);
                }
                Ok(RawList::Many(items))
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<RawList, E> {
                Ok(RawList::One(Value::String(v.to_string())))
            }
            fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<RawList, E> {
                Ok(RawList::One(Value::Integer(v)))
            }
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<RawList, E> {
                i64::try_from(v)
                    .map(|v| RawList::One(Value::Integer(v)))
                    .map_err(|_| E::custom("the number is too large"))
            }
            fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<RawList, E> {
                Ok(RawList::One(Value::Float(v)))
            }
            fn visit_bool<E: serde::de::Error>(self, v: bool) -> Result<RawList, E> {
                Ok(RawList::One(Value::Boolean(v)))
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, map: A) -> Result<RawList, A::Error> {
                Value::deserialize(serde::de::value::MapAccessDeserializer::new(map))
                    .map(RawList::One)
            }
        }
        deserializer.deserialize_any(ListOrValue)
    }
}

pub(super) fn toml_error(text: &str, origin: &str, e: &toml::de::Error) -> Error {
    let location = e.span().map(|s| line_column(text, s.start));
    // Serde names the raw structures; say which table of the scenario is meant instead.
    let mut message = e.message().trim().to_string();
    for (raw, table) in [
        (
            "struct RawScenario",
            "a scenario: [scenario], [journeys], [users] and [departments.ID] tables",
        ),
        ("struct RawSettings", "the [scenario] table"),
        (
            "struct RawPortfolioFile",
            "a portfolio: [portfolio], [shared], [options.ID], [discounting] and [financial] tables",
        ),
        ("struct RawPortfolio", "the [portfolio] table"),
        ("struct RawJourneys", "the [journeys] table"),
        ("struct RawUsers", "the [users] table"),
        ("struct RawDiscounting", "the [discounting] table"),
        ("struct RawFinancial", "the [financial] table"),
        ("struct RawOption", "an [options.ID] table"),
        ("struct RawEffect", "an [[options.ID.effect]] table"),
    ] {
        message = message.replace(raw, table);
    }
    let fix = if message.contains("unknown field") {
        let spelling = "check the spelling against docs/scenario-format.md; misspelt keys are refused so they cannot silently become 0";
        match suggestion(&message) {
            Some(known) => format!("did you mean `{known}`? Misspelt keys are refused so they cannot silently become 0"),
            None => spelling.into(),
        }
    } else if let Some(field) = quoted_after(&message, "missing field") {
        format!("add `{field}` to this table")
    } else if message.contains("invalid type") {
        "check the value's type: numbers bare, distributions in quotes, sections as [tables]".into()
    } else if message.contains("overflowed") {
        "write a number a computer can hold (below about 1.8e308); it is far beyond any real figure"
            .into()
    } else if message.contains("duplicate key") {
        "give each key and table once: remove or rename the second".into()
    } else {
        "fix the TOML syntax at that position".into()
    };
    let key = e
        .span()
        .map_or(String::new(), |s| key_at(text, s.start, &message));
    InputError {
        origin: origin.into(),
        location,
        key,
        problem: message,
        fix,
    }
    .into()
}

/// The first `…`-quoted word after `marker` in a serde message: "missing field `name`" →
/// `name`.
fn quoted_after<'m>(message: &'m str, marker: &str) -> Option<&'m str> {
    let rest = &message[message.find(marker)? + marker.len()..];
    let start = rest.find('`')? + 1;
    let end = start + rest[start..].find('`')?;
    Some(&rest[start..end])
}

/// The known key closest to an unknown one, from serde's "unknown field `x`, expected one of
/// `a`, `b`" message.
fn suggestion(message: &str) -> Option<&str> {
    let unknown = quoted_after(message, "unknown field")?;
    let expected = &message[message.find("expected")?..];
    let known: Vec<&str> = expected.split('`').skip(1).step_by(2).collect();
    crate::error::closest(unknown, known)
}

/// The key path at byte `offset` of a TOML text, for a message a reader can act on: the
/// nearest table header above (`[options.share-data]`) joined to the key on that line
/// (`runing`), or the header itself when the offset is on it (with the missing field, where
/// the message names one).
fn key_at(text: &str, offset: usize, message: &str) -> String {
    let mut end = offset.min(text.len());
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let line_start = text[..end].rfind('\n').map_or(0, |i| i + 1);
    let line_end = text[end..].find('\n').map_or(text.len(), |i| end + i);
    let line = text[line_start..line_end].trim();
    let header = |l: &str| {
        l.starts_with('[')
            .then(|| l.trim_matches(|c| c == '[' || c == ']').trim().to_string())
    };
    if let Some(table) = header(line) {
        return match quoted_after(message, "missing field") {
            Some(field) => format!("{table}.{field}"),
            None => table,
        };
    }
    let table = text[..line_start]
        .lines()
        .rev()
        .find_map(|l| header(l.trim()));
    let key = line
        .split(|c: char| c == '=' || c.is_whitespace())
        .next()
        .unwrap_or("")
        .trim_matches('"');
    match (table, key.is_empty()) {
        (_, true) => String::new(),
        (Some(table), false) => format!("{table}.{key}"),
        (None, false) => key.to_string(),
    }
}

pub(super) fn type_name(v: &Value) -> &'static str {
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
