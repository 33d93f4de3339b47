//! Options and their effects: costs by year, adoption, optimism bias, and the rules that tie
//! an effect to departments and parameters that exist.

use std::collections::BTreeMap;

use toml::{Spanned, Value};

use super::inputs::{InputKind, Loader};
use super::raw::{RawList, RawOption};
use super::{Department, Funder, InputId, OptionSpec};
use crate::dist::Domain;
use crate::error::quote;
use crate::params::Unit;

impl Loader<'_> {
    pub(super) fn options(
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
        // `bau` names business as usual beside the options in every table, in any case.
        if id.eq_ignore_ascii_case("bau") {
            self.error_at(
                Some(span.clone()),
                &prefix,
                format!(
                    "`{}` is reserved for business as usual (ids are compared ignoring case)",
                    quote(&id)
                ),
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
        let adoption = self.adoption(&prefix, raw.adoption.as_ref(), years.saturating_sub(live));
        let optimism_bias = self.optimism_bias(&prefix, raw.optimism_bias.as_ref());
        let mitigation = self.input(
            &format!("{prefix}.optimism_bias_mitigation"),
            raw.optimism_bias_mitigation.as_ref(),
            InputKind::new(
                Unit::Share,
                Domain::SHARE,
                "share of the optimism-bias uplift mitigated",
            ),
            Some(0.0),
        );
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
            optimism_bias_mitigation: mitigation?,
            effects,
            non_monetised: raw.non_monetised.clone(),
            funder: self.funder(&prefix, &raw, departments),
        })
        .filter(|_| complete)
    }

    /// The option's funder: `funded_by` names an organisation, a department or another.
    fn funder(
        &mut self,
        prefix: &str,
        raw: &RawOption,
        departments: &[Department],
    ) -> Option<Funder> {
        let id = raw.funded_by.as_ref()?;
        let text = id.get_ref().trim();
        if text.is_empty() || text.eq_ignore_ascii_case("not allocated") {
            self.error_at(
                Some(id.span()),
                &format!("{prefix}.funded_by"),
                "names no organisation".into(),
                "give the id of the organisation that pays, e.g. funded_by = \"gds\", or leave it out",
            );
            return None;
        }
        let department = departments.iter().find(|d| d.id == text);
        let name = raw
            .funder_name
            .clone()
            .or_else(|| department.map(|d| d.name.clone()))
            .unwrap_or_else(|| text.to_string());
        Some(Funder {
            id: text.to_string(),
            name,
            organisation: department.map(|d| d.organisation),
        })
    }

    fn capital(
        &mut self,
        prefix: &str,
        raw: Option<&Spanned<RawList>>,
        years: usize,
        money: InputKind,
    ) -> Option<Vec<InputId>> {
        let entries = raw.map(|r| r.get_ref().items(r.span())).unwrap_or_default();
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

    /// The adoption list, by appraisal year from `live`: at most `room` entries, the years
    /// from `live` to the end of the period (the same rule as capital's, which starts at 0).
    fn adoption(
        &mut self,
        prefix: &str,
        raw: Option<&Spanned<Vec<Spanned<Value>>>>,
        room: usize,
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
        if raw.get_ref().len() > room {
            self.error_at(
                Some(raw.span()),
                &format!("{prefix}.adoption"),
                format!(
                    "{} adoption entries, but only {room} appraisal years run from live to the end of the period",
                    raw.get_ref().len()
                ),
                "adoption is a list by year from live; give at most one entry per remaining year (the last value holds to the end)",
            );
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
}
