//! The economic case's portfolio parts (docs/method.md §6a): the opening table of the cost of
//! disjointedness by journey, with each journey's scenario file and the options left out, and
//! the method's lines on how the journeys are joined.

use std::fmt::Write as _;

use super::markdown::journey_table;
use super::words::join_and;
use crate::format::md;
use crate::results::Results;
use crate::scenario::Model;
use crate::table::markdown::render as render_table;

/// A portfolio's opening: the cost of disjointedness by journey and in total, with the
/// scenario each journey comes from and the scenarios' own options left out.
pub fn journeys_section(r: &Results) -> String {
    let model = r.model();
    let mut out = format!(
        "## The cost of disjointedness by journey\n\nThis case covers {} journeys, each modelled in its own scenario and appraised together: every option below is costed once and its benefits added up across the journeys it reaches, in the same draws of every uncertain input, so the ranges of the totals are the ranges of the sums. Annual cost in {} (mean, with P10–P90).\n\n",
        model.journeys().len(),
        model.settings().first_year
    );
    out.push_str(&render_table(&journey_table(r)));
    out.push('\n');
    let mut notes = Vec::new();
    for journey in model.journeys() {
        let file = journey
            .path
            .file_name()
            .map_or_else(|| journey.id.clone(), |f| f.to_string_lossy().into_owned());
        let left_out = match journey.left_out_options.as_slice() {
            [] => String::new(),
            list => format!(
                "; its own options ({}) are left out of this portfolio",
                join_and(
                    &list
                        .iter()
                        .map(|o| format!("*{}*", md(o)))
                        .collect::<Vec<_>>()
                )
            ),
        };
        notes.push(format!(
            "- *{}*: `{}`{left_out}.",
            md(&journey.name),
            md(&file)
        ));
    }
    out.push_str("The journeys and their scenario files:\n\n");
    out.push_str(&notes.join("\n"));
    out.push_str("\n\n");
    out
}

/// How a portfolio joins its scenarios, and each scenario file's SHA-256.
pub fn method_lines(m: &Model) -> String {
    let mut out = String::from("- Portfolio (docs/method.md §6a): each scenario keeps its own random streams (its inputs are keyed by its file's stem), so journeys draw independently except for the inputs the portfolio shares, which are drawn once per iteration for every journey that has them. The portfolio's settings replace each scenario's, and each scenario's own options are left out. An organisation that serves several journeys (matched by its department id) receives the benefits of all of them.\n");
    let shared: Vec<String> = m
        .inputs()
        .iter()
        .filter(|i| !i.key.contains('/') && !i.key.starts_with("options."))
        .map(|i| format!("`{}`", i.key))
        .collect();
    if !shared.is_empty() {
        let _ = writeln!(out, "- Shared inputs: {}.", join_and(&shared));
    }
    for journey in m.journeys() {
        // The file's name, not a path on the analyst's machine.
        let file = crate::format::file_name(&journey.path);
        let _ = writeln!(
            out,
            "- Journey `{}` from `{}`, SHA-256 `{}`.",
            journey.id,
            md(&file),
            journey.sha256
        );
    }
    out
}
