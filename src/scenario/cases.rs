//! Named cases (docs/method.md §6): `[[case]]` tables such as "pessimistic" or "slow adoption",
//! each the scenario with some inputs set, built as a model of its own. Each input keeps its
//! random stream, so a case runs on the central case's random numbers; a key no input has is
//! refused before anything runs, with the suggestion `--set` gives.

use toml::{Spanned, Value};

use super::raw::RawCase;
use super::{NamedCase, Override, Source};
use crate::error::{line_column, quote, InputError, Result};

/// The most named cases a scenario may have: each is a run of its own.
pub const MAX_CASES: usize = 12;

/// Every case of the scenario, its model built with the run's own `overrides` and the case's
/// settings on top (the case's win for a key both set).
pub(super) fn build(
    source: &Source,
    origin: &str,
    cases: Vec<Spanned<RawCase>>,
    overrides: &[Override],
) -> Result<Vec<NamedCase>> {
    let text = source.text();
    let refuse = |span: std::ops::Range<usize>, key: String, problem: String, fix: &str| {
        crate::Error::from(InputError {
            origin: origin.to_string(),
            location: Some(line_column(text, span.start)),
            key,
            problem,
            fix: fix.into(),
        })
    };
    if let Some(extra) = cases.get(MAX_CASES) {
        return Err(refuse(
            extra.span(),
            "case".into(),
            format!("{} named cases; each is a run of its own", cases.len()),
            "keep the cases a reviewer needs (at most 12), or run the others with --set",
        ));
    }
    let mut built: Vec<NamedCase> = Vec::new();
    for (i, case) in cases.into_iter().enumerate() {
        let span = case.span();
        let case = case.into_inner();
        let key = format!("case[{i}]");
        let name = case.name.trim().to_string();
        if name.is_empty() || name.eq_ignore_ascii_case("central") {
            return Err(refuse(
                span,
                format!("{key}.name"),
                format!("`{}` cannot name a case", quote(&case.name)),
                "give each case a name of its own, such as \"pessimistic\" (\"central\" is the scenario as written)",
            ));
        }
        if built.iter().any(|c| c.name.eq_ignore_ascii_case(&name)) {
            return Err(refuse(
                span,
                format!("{key}.name"),
                format!("a case named `{}` comes earlier", quote(&name)),
                "give each case a name of its own",
            ));
        }
        let mut set = Vec::new();
        for (input, value) in &case.set {
            let text =
                match value.get_ref() {
                    Value::String(s) => s.clone(),
                    Value::Integer(n) => n.to_string(),
                    Value::Float(x) if x.is_finite() => x.to_string(),
                    _ => return Err(refuse(
                        value.span(),
                        format!("{key}.set.{input}"),
                        "must be a number or a distribution in quotes".into(),
                        "write e.g. \"departments.hmrc.repetition_rate\" = \"pert(40%, 60%, 80%)\"",
                    )),
                };
            set.push((input.clone(), text));
        }
        let by = format!("case \"{name}\"");
        let mut all: Vec<Override> = overrides
            .iter()
            .filter(|o| !case.set.contains_key(&o.key))
            .cloned()
            .collect();
        all.extend(set.iter().map(|(k, t)| Override {
            key: k.clone(),
            text: t.clone(),
            by: by.clone(),
            price_year: None,
        }));
        let model = source.model_without_cases(&all)?;
        built.push(NamedCase {
            name,
            description: case.description,
            set,
            model,
        });
    }
    Ok(built)
}
