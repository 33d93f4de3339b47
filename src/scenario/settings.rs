//! The settings a run's figures rest on that `--set` may change like an input: discounting
//! (the Green Book schedule, its health schedule or one fixed rate) and the appraisal period.
//! A change is recorded as an applied override, so the case, the workbook and `compare` see it.

use super::inputs::{InputKind, Loader};
use super::raw::RawDiscounting;
use crate::appraisal::Discounting;

/// The key of the inflation assumption, and its value when a scenario gives none: 2%, the
/// Bank of England's inflation target.
pub const INFLATION_KEY: &str = "financial.inflation";
pub const DEFAULT_INFLATION: f64 = 0.02;
use crate::dist::Domain;
use crate::error::quote;
use crate::params::Unit;

impl Loader<'_> {
    /// `[discounting]`: the Green Book schedule (default), its health schedule
    /// (`schedule = "health"`), or one fixed `rate`.
    pub(super) fn discounting(&mut self, raw: Option<&RawDiscounting>) -> Option<Discounting> {
        let file_text = match (
            raw.and_then(|r| r.schedule.as_ref()),
            raw.and_then(|r| r.rate.as_ref()),
        ) {
            (Some(s), _) => Some(s.get_ref().clone()),
            (None, Some(_)) => Some("(a fixed rate)".into()),
            (None, None) => None,
        };
        // `--set discounting.schedule=…` replaces the file's schedule or rate.
        if let Some(text) = self.setting_override("discounting.schedule", file_text) {
            let found = Self::schedule_of(&text);
            if found.is_none() {
                let by = self.overrides["discounting.schedule"].by.clone();
                self.errors.push(crate::error::InputError {
                    origin: by,
                    location: None,
                    key: "discounting.schedule".into(),
                    problem: format!("`{}` is not a Green Book discount schedule", quote(&text)),
                    fix: SCHEDULES.into(),
                });
            }
            return found;
        }
        let schedule = match raw.and_then(|r| r.schedule.as_ref()) {
            None => Discounting::GreenBook,
            Some(s) => self.schedule_named(s.get_ref(), s.span())?,
        };
        let rate = self.discount_rate(raw)?;
        if let (Some(rate), true) = (rate, self.overrides.contains_key("discounting.rate")) {
            // `--set discounting.rate=…` replaces the file's schedule as well as its rate.
            return Some(Discounting::Fixed(rate));
        }
        match (rate, raw.and_then(|r| r.schedule.as_ref())) {
            (Some(_), Some(s)) => {
                self.error_at(
                    Some(s.span()),
                    "discounting",
                    "gives both a schedule and a fixed rate".into(),
                    "keep one: schedule = \"health\" or rate = 3.5%",
                );
                None
            }
            (Some(rate), None) => Some(Discounting::Fixed(rate)),
            (None, _) => Some(schedule),
        }
    }

    /// A schedule by name: "green-book" or "health".
    /// `[financial] inflation`: the annual rate from base-year prices to nominal (a
    /// distribution allowed), 2% unless the file says.
    pub(super) fn inflation(
        &mut self,
        raw: Option<&super::raw::RawFinancial>,
    ) -> Option<super::InputId> {
        let kind = super::inputs::InputKind::new(
            crate::params::Unit::Share,
            crate::dist::Domain::GROWTH,
            "annual inflation from base-year prices to the money of the day",
        );
        let raw = raw.and_then(|f| f.inflation.as_ref());
        self.input(INFLATION_KEY, raw, kind, Some(DEFAULT_INFLATION))
    }

    fn schedule_of(name: &str) -> Option<Discounting> {
        match name.trim() {
            "green-book" => Some(Discounting::GreenBook),
            "health" => Some(Discounting::Health),
            _ => None,
        }
    }

    /// A schedule by name, or an error at `span`.
    fn schedule_named(&mut self, name: &str, span: std::ops::Range<usize>) -> Option<Discounting> {
        let found = Self::schedule_of(name);
        if found.is_none() {
            self.error_at(
                Some(span),
                "discounting.schedule",
                format!("`{}` is not a Green Book discount schedule", quote(name)),
                SCHEDULES,
            );
        }
        found
    }

    /// `--set scenario.years=15` or `scenario.first_year=2026`: `None` without one, `Some(None)`
    /// when it is not a whole number in `low..=high` (reported against the override).
    pub(super) fn year_override(
        &mut self,
        key: &str,
        file: Option<String>,
        low: i64,
        high: i64,
    ) -> Option<Option<i64>> {
        let text = self.setting_override(key, file)?;
        let by = self.overrides[key].by.clone();
        let value = text
            .trim()
            .parse::<i64>()
            .ok()
            .filter(|v| (low..=high).contains(v));
        if value.is_none() {
            self.errors.push(crate::error::InputError {
                origin: by,
                location: None,
                key: key.into(),
                problem: format!(
                    "`{}` is not a whole number from {low} to {high}",
                    quote(&text)
                ),
                fix: format!(
                    "give {key} as a whole number, e.g. {key}={}",
                    if key.ends_with("years") { "10" } else { "2025" }
                ),
            });
        }
        Some(value)
    }

    /// The text of an override of a setting (`scenario.years`, `scenario.first_year`,
    /// `discounting.schedule`), recorded as applied over `file` (the file's value, if any).
    fn setting_override(&mut self, key: &str, file: Option<String>) -> Option<String> {
        let o = self.overrides.get(key)?.clone();
        self.used.insert(key.to_string());
        self.applied.push(super::AppliedOverride {
            key: key.to_string(),
            from: file.unwrap_or_else(|| "(default)".into()),
            to: o.text.clone(),
            by: o.by.clone(),
        });
        Some(o.text)
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
        // An override of a rate the file does not give replaces the schedule: say which.
        if let Some(applied) = self.applied.last_mut().filter(|a| a.key == KEY) {
            if applied.from == "(missing)" {
                applied.from = "the Green Book schedule".into();
            }
        }
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
}

/// What `discounting.schedule` may be.
const SCHEDULES: &str =
    "use \"green-book\" (the default, 3.5% declining) or \"health\" (1.5% declining)";
