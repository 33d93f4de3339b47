//! Reading a portfolio file (docs/method.md §6a) into one [`Model`] with a journey per scenario.
//!
//! Each scenario file is read by the scenario loader, unchanged but for three things: its keys
//! are put under its stem (`border-exports/departments.hmrc.repetition_rate`), so overrides,
//! the register and sensitivity name each journey's inputs apart; its settings and options give
//! way to the portfolio's; and money written in its own base year's prices is converted to the
//! portfolio's. The scenarios are then joined: their inputs one after another (a `[shared]` key
//! replaced by one input used by all), their departments one after another, each department's
//! organisation matched by id across journeys, and their copulas side by side. The portfolio's
//! own options are read last, against every journey's departments.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::source::{FileText, Source};

use toml::Spanned;

use super::build::stem_of;
use super::correlation::Copula;
use super::inputs::{InputKind, Loader};
use super::raw::{self, RawPortfolioFile, RawScenario};
use super::{AppliedOverride, Department, Input, InputId, Model, Organisation, Override};
use crate::appraisal;
use crate::error::{closest, quote, Error, InputError, Result};

/// Whether TOML text is a portfolio: it has a `[portfolio]` table.
pub(super) fn is_portfolio(text: &str) -> bool {
    text.parse::<toml::Table>()
        .is_ok_and(|t| t.contains_key("portfolio"))
}

/// One scenario of a portfolio as its loader left it.
struct Part {
    stem: String,
    model: Model,
    inputs: Vec<Input>,
    applied: Vec<AppliedOverride>,
}

/// Reads and validates a portfolio file whose text is `text`, applying `overrides`.
pub(super) fn load(source: &Source, text: &str, overrides: &[Override]) -> Result<Model> {
    let path = source.path();
    let origin = path.display().to_string();
    let raw: RawPortfolioFile =
        toml::from_str(text).map_err(|e| raw::toml_error(text, &origin, &e))?;
    let (routed, own) = route_overrides(&raw, overrides);
    let (across, own): (Vec<Override>, Vec<Override>) = own
        .into_iter()
        .partition(|o| o.key.starts_with(super::correlation::OVERRIDE_PREFIX));
    let mut errors: Vec<InputError> = across
        .into_iter()
        .map(|o| InputError {
            origin: o.by,
            location: None,
            key: o.key,
            problem: "a correlation between two journeys' inputs, or with a shared input or a portfolio option, is not supported".into(),
            fix: "correlate two inputs of one scenario: both keys under the same stem, e.g. border-exports/departments.hmrc.staff_minutes".into(),
        })
        .collect();
    let mut loader = Loader::new(text, &origin, &own)?;
    let before = loader.errors.len();
    let settings = loader.settings(&raw.portfolio.settings());
    for e in &mut loader.errors[before..] {
        e.key = e.key.replacen("scenario.", "portfolio.", 1);
    }
    let (Some(mut settings), true) = (settings, loader.errors.is_empty()) else {
        return Err(Error::inputs(
            std::mem::take(&mut loader.errors),
            "reading the portfolio's settings",
        ));
    };
    let files = scenario_files(&mut loader, path, &raw);
    let several = files.len() > 1;
    let mut parts = Vec::new();
    for (stem, file) in files {
        let overrides = routed.get(&stem).cloned().unwrap_or_default();
        match load_part(source, &file, &stem, &raw, several, &overrides) {
            Ok(part) => parts.push(part),
            Err(e) => errors.extend(e.into_input_errors()),
        }
    }
    errors.extend(same_file_twice(&origin, &parts));
    if !errors.is_empty() || !loader.errors.is_empty() {
        errors.append(&mut loader.errors);
        return Err(Error::inputs(errors, "loading the portfolio's scenarios"));
    }
    let shared = shared_kinds(&mut loader, &raw, &parts);
    let mut model = join(&mut loader, parts, &shared);
    for (key, (kind, _)) in &shared {
        let value = &raw.shared[key];
        let kind = InputKind::new(kind.unit, kind.domain, &kind.describes);
        loader.input(key, Some(value), kind, None);
    }
    // The channels counted as digital: the portfolio's list, else every one any scenario
    // counts.
    match &raw.portfolio.digital_channels {
        Some(list) => {
            loader.check_digital_channels(Some(list), &model.departments);
            settings.digital_channels = list.get_ref().clone();
        }
        None => settings.digital_channels = model.settings.digital_channels.clone(),
    }
    let discounting = loader.discounting(raw.discounting.as_ref());
    loader.journeys = model
        .journeys
        .iter()
        .map(|j| (j.id.clone(), j.departments.clone()))
        .collect();
    model.options = loader.options(raw.options, &model.departments, settings.years);
    model.inflation = loader.inflation(raw.financial.as_ref());
    if let Some(inflation) = model.inflation {
        loader.check_inflation(inflation, &settings);
    }
    let discounting = loader.finish_with(discounting, "reading the portfolio's discounting")?;
    model.discount_factors = appraisal::discount_factors(settings.years, discounting);
    model.discounting = discounting;
    model.settings = settings;
    model.inputs = std::mem::take(&mut loader.inputs);
    model.overrides.append(&mut loader.applied);
    Ok(model)
}

/// Splits the overrides between the scenarios (keys under `STEM/`, a correlation whose two
/// keys are both under one stem) and the portfolio itself (shared inputs, its options).
fn route_overrides(
    raw: &RawPortfolioFile,
    overrides: &[Override],
) -> (BTreeMap<String, Vec<Override>>, Vec<Override>) {
    let stems: Vec<String> = raw
        .portfolio
        .scenarios
        .get_ref()
        .iter()
        .map(|s| stem_of(s.get_ref()))
        .collect();
    let stem_of_key = |key: &str| -> Option<String> {
        let key = key
            .strip_prefix(super::correlation::OVERRIDE_PREFIX)
            .unwrap_or(key);
        let stem = key.split_once('/')?.0;
        stems.iter().find(|s| *s == stem).cloned()
    };
    let mut routed: BTreeMap<String, Vec<Override>> = BTreeMap::new();
    let mut own = Vec::new();
    for o in overrides {
        let stem = match o.key.strip_prefix(super::correlation::OVERRIDE_PREFIX) {
            Some(pair) => pair.split_once(',').and_then(|(a, b)| {
                let a = stem_of_key(a.trim())?;
                (stem_of_key(b.trim()) == Some(a.clone())).then_some(a)
            }),
            None => stem_of_key(&o.key),
        };
        match stem {
            Some(stem) => routed.entry(stem).or_default().push(o.clone()),
            None => own.push(o.clone()),
        }
    }
    (routed, own)
}

/// Each scenario file of the portfolio, with its stem, relative to the portfolio's folder;
/// problems with the list (empty, a stem twice) are reported.
fn scenario_files(
    loader: &mut Loader,
    path: &Path,
    raw: &RawPortfolioFile,
) -> Vec<(String, PathBuf)> {
    let folder = path.parent().unwrap_or(Path::new(""));
    let list = &raw.portfolio.scenarios;
    if list.get_ref().is_empty() {
        loader.error_at(
            Some(list.span()),
            "portfolio.scenarios",
            "the portfolio names no scenario".into(),
            "list scenario files, relative to the portfolio: scenarios = [\"border-exports.toml\"]",
        );
    }
    let mut files: Vec<(String, PathBuf)> = Vec::new();
    for (i, entry) in list.get_ref().iter().enumerate() {
        let stem = stem_of(entry.get_ref());
        if let Some((_, other)) = files.iter().find(|(s, _)| *s == stem) {
            loader.error_at(
                Some(entry.span()),
                &format!("portfolio.scenarios[{i}]"),
                format!(
                    "`{}` and `{}` have the same stem `{}`, which names a journey in every table",
                    quote(entry.get_ref()),
                    other.display(),
                    quote(&stem)
                ),
                "rename one of the files, or list each scenario once",
            );
            continue;
        }
        files.push((stem, folder.join(entry.get_ref())));
    }
    files
}

/// A scenario listed twice under two names — a link to it, or a copy with the same bytes —
/// would count its journey twice: each such pair is refused, naming both.
fn same_file_twice(origin: &str, parts: &[Part]) -> Vec<InputError> {
    let mut errors = Vec::new();
    for (i, part) in parts.iter().enumerate() {
        let journey = &part.model.journeys[0];
        if let Some(first) = parts[..i]
            .iter()
            .map(|p| &p.model.journeys[0])
            .find(|j| j.sha256 == journey.sha256)
        {
            errors.push(InputError {
                origin: origin.to_string(),
                location: None,
                key: "portfolio.scenarios".into(),
                problem: format!(
                    "`{}` and `{}` are the same scenario (the same bytes, SHA-256 {}): its journey would be counted twice",
                    first.path.display(),
                    journey.path.display(),
                    &journey.sha256[..12]
                ),
                fix: "list each scenario once; a second journey needs a scenario of its own".into(),
            });
        }
    }
    errors
}

/// Reads one scenario of the portfolio: its settings replaced by the portfolio's, its options
/// and discounting left out, its keys put under its stem.
fn load_part(
    source: &Source,
    file: &Path,
    stem: &str,
    portfolio: &RawPortfolioFile,
    several: bool,
    overrides: &[Override],
) -> Result<Part> {
    let portfolio_path = source.path();
    let read = source
        .part(file)
        .map_err(|e| in_portfolio(e, file, portfolio_path))?;
    if source.is_portfolio(&read) {
        return Err(InputError {
            origin: file.display().to_string(),
            location: None,
            key: "portfolio".into(),
            problem: "is itself a portfolio; a portfolio lists scenario files".into(),
            fix: "list the scenarios of that portfolio here instead".into(),
        }
        .into());
    }
    let origin = file.display().to_string();
    source.check_lengths(&read, &origin)?;
    let FileText { text, sha256 } = read;
    let mut raw: RawScenario =
        toml::from_str(&text).map_err(|e| raw::toml_error(&text, &origin, &e))?;
    let mut left_out: Vec<_> = std::mem::take(&mut raw.options).into_iter().collect();
    left_out.sort_by_key(|(_, o)| o.span().start);
    raw.discounting = None;
    raw.financial = None;
    // A scenario's named cases are its own: a portfolio's cases would be the portfolio's.
    raw.case.clear();
    raw.correlation.retain(|c| {
        !c.get_ref()
            .inputs
            .get_ref()
            .iter()
            .any(|k| k.starts_with("options."))
    });
    let own_base = *raw.scenario.price_base_year.get_ref() as i32;
    let settings = &portfolio.portfolio;
    let base = *settings.price_base_year.get_ref();
    let at = raw.scenario.price_base_year.span();
    raw.scenario.price_base_year = Spanned::new(at.clone(), base);
    raw.scenario.years = settings.years.clone().or(Some(Spanned::new(at, 10)));
    raw.scenario.sampling = None;
    raw.scenario.precision = None;
    let mut loader = Loader::new(&text, &origin, overrides)?;
    loader.key_prefix = format!("{stem}/");
    loader.prefix_streams = several;
    loader.default_price_year = (own_base != base as i32).then_some(own_base);
    let model = loader.build(raw);
    let mut model = loader.finish_with(model, "loading a scenario of the portfolio")?;
    let journey = &mut model.journeys[0];
    journey.id = stem.to_string();
    journey.path = file.to_path_buf();
    journey.sha256 = sha256;
    journey.left_out_options = left_out
        .into_iter()
        .map(|(id, o)| o.into_inner().name.unwrap_or(id))
        .collect();
    Ok(Part {
        stem: stem.to_string(),
        model,
        inputs: std::mem::take(&mut loader.inputs),
        applied: std::mem::take(&mut loader.applied),
    })
}

/// A scenario file that cannot be read, named with the portfolio that lists it.
fn in_portfolio(e: Error, file: &Path, portfolio: &Path) -> Error {
    match e {
        Error::Read { problem, .. } => InputError {
            origin: file.display().to_string(),
            location: None,
            key: String::new(),
            problem: format!(
                "cannot read this scenario of the portfolio {}: {problem}",
                portfolio.display()
            ),
            fix: "check the path in the portfolio's `scenarios`: it is relative to the portfolio file's folder".into(),
        }
        .into(),
        other => other,
    }
}

/// What a shared input is, taken from the inputs it replaces.
struct SharedKind {
    unit: crate::params::Unit,
    domain: crate::dist::Domain,
    describes: String,
}

/// Each `[shared]` key with its kind and the scenarios that have it; a key no scenario has, or
/// whose domain differs between scenarios, is reported.
fn shared_kinds(
    loader: &mut Loader,
    raw: &RawPortfolioFile,
    parts: &[Part],
) -> BTreeMap<String, (SharedKind, Vec<String>)> {
    let mut kinds = BTreeMap::new();
    for (key, value) in &raw.shared {
        let matches: Vec<(&str, &Input)> = parts
            .iter()
            .flat_map(|p| {
                let prefix = format!("{}/", p.stem);
                p.inputs
                    .iter()
                    .filter(move |i| i.key.strip_prefix(prefix.as_str()) == Some(key.as_str()))
                    .map(move |i| (p.stem.as_str(), i))
            })
            .collect();
        let Some((_, first)) = matches.first() else {
            let known = parts
                .iter()
                .flat_map(|p| p.inputs.iter().filter_map(|i| i.key.split_once('/')))
                .map(|(_, k)| k);
            let fix = match closest(key, known) {
                Some(k) => {
                    format!("did you mean `{k}`? Shared keys are written as in the scenario files")
                }
                None => {
                    "name a key as `seams check SCENARIO` prints it for one of the scenarios".into()
                }
            };
            loader.error_at(
                Some(value.span()),
                &format!("shared.{key}"),
                format!("no scenario of the portfolio has the key `{}`", quote(key)),
                fix,
            );
            continue;
        };
        if let Some((stem, other)) = matches
            .iter()
            .find(|(_, i)| i.domain != first.domain || i.unit != first.unit)
        {
            loader.error_at(
                Some(value.span()),
                &format!("shared.{key}"),
                format!(
                    "the scenarios' `{}` are not the same kind of input: in `{}` it is {} ({:?}), elsewhere {} ({:?})",
                    quote(key), stem, other.describes, other.domain, first.describes, first.domain
                ),
                "share only inputs that mean the same in every scenario",
            );
            continue;
        }
        let kind = SharedKind {
            unit: first.unit,
            domain: first.domain,
            describes: first.describes.clone(),
        };
        let stems = matches.iter().map(|(s, _)| s.to_string()).collect();
        kinds.insert(key.clone(), (kind, stems));
    }
    kinds
}

/// Joins the scenarios into one model: inputs one after another (each shared key's inputs
/// replaced by the one shared input, which the caller reads next, in `shared`'s order, right
/// after them), departments and journeys one after another, organisations matched by id, and
/// copulas side by side.
fn join(
    loader: &mut Loader,
    parts: Vec<Part>,
    shared: &BTreeMap<String, (SharedKind, Vec<String>)>,
) -> Model {
    let kept: usize = parts
        .iter()
        .map(|p| {
            p.inputs
                .iter()
                .filter(|i| shared_slot(shared, &p.stem, &i.key).is_none())
                .count()
        })
        .sum();
    let mut inputs = Vec::with_capacity(kept + shared.len());
    let mut model = parts[0].model.clone();
    model.portfolio = true;
    model.journeys.clear();
    model.departments.clear();
    model.organisations.clear();
    model.correlations.clear();
    model.overrides.clear();
    let mut copulas: Vec<Copula> = Vec::new();
    let mut digital: Vec<String> = Vec::new();
    for part in parts {
        let map: Vec<InputId> = part
            .inputs
            .iter()
            .map(|i| match shared_slot(shared, &part.stem, &i.key) {
                Some(s) => kept + s,
                None => {
                    inputs.push(i.clone());
                    inputs.len() - 1
                }
            })
            .collect();
        let journey_index = model.journeys.len();
        let offset = model.departments.len();
        let mut journey = part.model.journeys[0].clone();
        for id in [
            &mut journey.per_year,
            &mut journey.growth,
            &mut journey.value_of_time,
            &mut journey.value_of_time_growth,
        ] {
            *id = map[*id];
        }
        journey.departments = offset..offset + part.model.departments.len();
        model.journeys.push(journey);
        for mut dept in part.model.departments {
            remap_department(&mut dept, &map);
            dept.journey = journey_index;
            dept.organisation = organisation_of(&mut model.organisations, &dept);
            model.departments.push(dept);
        }
        if let Some(copula) = part.model.copula {
            let ids: Vec<InputId> = copula.inputs.iter().map(|&i| map[i]).collect();
            if let Some(&i) = ids.iter().find(|&&i| i >= kept) {
                let key = shared.keys().nth(i - kept).cloned().unwrap_or_default();
                loader.error_at(
                    None,
                    &format!("shared.{key}"),
                    format!(
                        "scenario `{}` correlates `{}`, which the portfolio shares",
                        part.stem,
                        quote(&key)
                    ),
                    "leave the key out of [shared], or its correlation out of the scenario",
                );
            }
            copulas.push(Copula {
                inputs: ids,
                lower: copula.lower,
            });
        }
        model.correlations.extend(part.model.correlations);
        for id in part.model.settings.digital_channels {
            if !digital.contains(&id) {
                digital.push(id);
            }
        }
        model.overrides.extend(part.applied);
    }
    model.copula = side_by_side(copulas);
    model.settings.digital_channels = digital;
    loader.inputs = inputs;
    model
}

/// The position among the shared keys of the input with this (prefixed) key, if shared.
fn shared_slot(
    shared: &BTreeMap<String, (SharedKind, Vec<String>)>,
    stem: &str,
    key: &str,
) -> Option<usize> {
    let bare = key.strip_prefix(stem)?.strip_prefix('/')?;
    shared.keys().position(|k| k == bare)
}

/// A department's inputs renumbered into the joined model's.
fn remap_department(dept: &mut Department, map: &[InputId]) {
    for id in dept.params.iter_mut().flatten() {
        *id = map[*id];
    }
    for channel in &mut dept.channels {
        for id in &mut channel.inputs {
            *id = map[*id];
        }
    }
}

/// The organisation of a department: the one with its id, added if it is the first.
fn organisation_of(organisations: &mut Vec<Organisation>, dept: &Department) -> usize {
    match organisations.iter().position(|o| o.id == dept.id) {
        Some(k) => k,
        None => {
            organisations.push(Organisation {
                id: dept.id.clone(),
                name: dept.name.clone(),
            });
            organisations.len() - 1
        }
    }
}

/// The copula of independent blocks: their inputs one after another, and the block-diagonal
/// Cholesky factor (the factor of a block-diagonal matrix is the blocks' factors).
fn side_by_side(copulas: Vec<Copula>) -> Option<Copula> {
    if copulas.len() <= 1 {
        return copulas.into_iter().next();
    }
    let n: usize = copulas.iter().map(|c| c.inputs.len()).sum();
    let mut joined = Copula {
        inputs: Vec::with_capacity(n),
        lower: vec![0.0; n * n],
    };
    for copula in copulas {
        let (start, m) = (joined.inputs.len(), copula.inputs.len());
        for i in 0..m {
            for j in 0..m {
                joined.lower[(start + i) * n + start + j] = copula.lower[i * m + j];
            }
        }
        joined.inputs.extend(copula.inputs);
    }
    Some(joined)
}
