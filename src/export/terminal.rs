//! The short tables `seams run` prints: the headline cost and the options. The same figures
//! as the files, formatted for a terminal.

use super::markdown::money_kind;
use crate::format::thousands;
use crate::outputs::{Bearer, Component, Metric, Scope};
use crate::results::Results;
use crate::table::terminal::render;
use crate::table::{Cell, Kind, Table};

/// The headline and, where there are options, the options table; then how a precision
/// target ended, where the run had one.
pub fn summary(r: &Results) -> String {
    format!("{}{}{}", headline(r), options(r), precision(r))
}

/// One line on the precision target: where the run stopped and which figure governed.
fn precision(r: &Results) -> String {
    let Some(p) = r.precision() else {
        return String::new();
    };
    let share = |x: f64| crate::format::describe_value(crate::params::Unit::Share, x);
    if !p.judged {
        return format!(
            "\nPrecision ±{} not judged: a precision is judged from at least {} iterations, and the run had {}. Raise --iterations.\n",
            share(p.target),
            thousands(crate::engine::MIN_PRECISION_ITERATIONS),
            thousands(r.iterations())
        );
    }
    if p.converged {
        format!(
            "\nPrecision ±{} reached after {} iterations (the widest 95% half-width: {} at {}).\n",
            share(p.target),
            thousands(r.iterations()),
            p.governing_words,
            share(p.achieved)
        )
    } else {
        let needed = p
            .iterations_to_reach(r.iterations())
            .map_or(String::new(), |n| {
                format!(
                    " At the rate seen, about {} iterations would reach it.",
                    thousands(n)
                )
            });
        format!(
            "\nPrecision ±{} NOT reached in {} iterations: {} is still ±{}.{needed} Raise --iterations.\n",
            share(p.target),
            thousands(r.iterations()),
            p.governing_words,
            share(p.achieved)
        )
    }
}

/// The cost of disjointedness, for users, government and in total.
pub fn headline(r: &Results) -> String {
    let s = r.model().settings();
    let across = match r.model().journeys().len() {
        n if r.model().is_portfolio() => format!(" across {n} journeys"),
        _ => String::new(),
    };
    let mut out = format!(
        "{}\nCost of disjointedness{across} in {}, {} prices (mean, P10–P90), {} iterations:\n",
        s.name,
        s.first_year,
        s.price_base_year,
        thousands(r.iterations())
    );
    let mut table = Table::new("Cost of disjointedness", &[]);
    for (bearer, label) in Bearer::ALL
        .into_iter()
        .zip(["users", "government", "total"])
    {
        let cost = r.cost(Scope::Total, Component::Disjointed, bearer);
        table.push(vec![Cell::text(label), Cell::range(&cost, money_kind(r))]);
    }
    out.push_str(&render(&table, &[11]));
    out
}

/// The compact options table.
pub fn options(r: &Results) -> String {
    let model = r.model();
    if model.options().is_empty() {
        return String::new();
    }
    let mut table = Table::new(
        "Options",
        &[
            "option",
            "NPSV mean",
            "P10",
            "P90",
            "P(NPSV>0)",
            "BCR",
            "payback",
        ],
    );
    for (o, option) in model.options().iter().enumerate() {
        let Some(npsv) = r.appraisal(o, Metric::Npsv) else {
            continue;
        };
        let money = |x: f64| Cell::Figure(x, money_kind(r));
        table.push(vec![
            Cell::key(&option.id),
            money(npsv.mean),
            money(npsv.p10),
            money(npsv.p90),
            Cell::Figure(npsv.p_positive, Kind::Chance),
            r.bcr_expected(o)
                .map_or(Cell::Empty, |x| Cell::Figure(x, Kind::Ratio)),
            Cell::Text(r.payback(o).summary()),
        ]);
    }
    format!(
        "\nOptions over {} years, present values in {} prices:\n{}",
        model.settings().years,
        model.settings().price_base_year,
        render(&table, &[24, 9, 9, 9, 10, 7, 0])
    )
}
