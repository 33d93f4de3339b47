//! `economic-case.md`: the Economic Case of a Five Case Model business case, written from the
//! numbers so that a case author can paste it without editing.

use std::fmt::Write as _;

use super::markdown::{
    component_table, department_table, detail_table, disjointed_share_sentence, mean_range,
};
use super::words::{effect_sentence, join_and, words};
use super::{case_tables, option_tables};
use super::{Artefact, Exporter, Tables};
use crate::error::Result;
use crate::format::{chance, describe_value, md, money, percent, ratio, thousands};
use crate::outputs::{Bearer, Component, Metric, Scope};
use crate::results::Results;
use crate::table::markdown::render as render_table;

/// The file the case is written to.
pub const NAME: &str = "economic-case.md";

/// `economic-case.md`; `charts` says whether the charts are drawn beside it (and linked).
pub struct EconomicCaseMd {
    pub charts: bool,
}

impl Exporter for EconomicCaseMd {
    fn name(&self) -> &'static str {
        NAME
    }

    fn render(&self, r: &Results, _tables: &Tables) -> Result<Vec<Artefact>> {
        Ok(vec![Artefact::text(self.name(), render(r, self.charts))])
    }
}

/// Renders the whole section; `charts` says whether the charts were drawn beside it.
pub fn render(r: &Results, charts: bool) -> String {
    let mut out = format!("# Economic Case: {}\n\n", md(&r.model().settings().name));
    out.push_str(&caveat(r));
    out.push_str(&summary(r));
    if r.model().is_portfolio() {
        out.push_str(&super::portfolio_md::journeys_section(r));
    }
    out.push_str(&cost_section(r, charts));
    let channel_chart = chart(charts, crate::charts::CHANNELS, "Bar charts of contacts a year and of the cost to government a year through each channel, in business as usual and with each option in full effect, with P10–P90 ranges");
    out.push_str(&super::transactions_md::section(r, &channel_chart));
    if !r.model().options().is_empty() {
        out.push_str(&options_section(r, charts));
        out.push_str(&drivers_section(r, charts));
        out.push_str(&switching_section(r, charts));
        let voi_chart = match crate::charts::voi_data(r) {
            Some(_) => chart(charts, crate::charts::VOI, "Bar chart of the expected value of perfect information about each of the inputs and groups of inputs worth most, against the EVPI"),
            _ => String::new(),
        };
        out.push_str(&super::voi_md::section(r, &voi_chart));
        out.push_str(&super::benefits::section(r));
        let cash_chart = chart(charts, crate::charts::CASH, "Line charts of each organisation's net cash by financial year, in the money of the day, one panel per option, above zero spending and below zero saving");
        out.push_str(&super::financial::section(r, &cash_chart));
    }
    out.push_str(&assumptions_section(r));
    out.push_str(&method_section(r));
    out
}

fn caveat(r: &Results) -> String {
    let s = &r.model().settings();
    format!(
        "> Figures are estimates from a Monte Carlo model of {} iterations, in {} prices. Each is a central value with its 80% range (P10–P90) in brackets: the true figure is as likely to lie below the range as above it. Present values are discounted to {} using {}.\n\n",
        thousands(r.iterations()),
        s.price_base_year,
        s.first_year,
        discount_words(r)
    )
}

pub(super) fn discount_words(r: &Results) -> String {
    use crate::appraisal::Discounting;
    match r.model().discounting() {
        Discounting::Fixed(rate) => format!("a fixed discount rate of {}", describe_value(crate::params::Unit::Share, rate)),
        Discounting::GreenBook => "the Green Book social time preference rate (3.5% a year for the first 30 years, declining after)".into(),
        Discounting::Health => "the Green Book health discount rate (1.5% a year for the first 30 years, declining after)".into(),
    }
}

fn summary(r: &Results) -> String {
    let s = &r.model().settings();
    let users = r.cost(Scope::Total, Component::Disjointed, Bearer::Users);
    let government = r.cost(Scope::Total, Component::Disjointed, Bearer::Government);
    let across = match r.model().journeys().len() {
        n if r.model().is_portfolio() => format!(" across these {n} journeys"),
        _ => String::new(),
    };
    let mut out = format!(
        "## Summary\n\nDisjointed services cost users {} and government {} a year{across}, in {} prices.",
        mean_range(&users),
        mean_range(&government),
        s.price_base_year
    );
    for (o, option) in r.model().options().iter().enumerate() {
        let Some(npsv) = r.appraisal(o, Metric::Npsv) else {
            continue;
        };
        let bcr = r.bcr_expected(o).map_or(String::new(), |b| {
            format!(", a benefit–cost ratio of {}", ratio(b))
        });
        let payback = r.payback(o);
        let _ = write!(
            out,
            " *{}* has an expected net present social value of {} over {} years{bcr}, with a {} chance of being positive; {}.",
            md(&option.name),
            mean_range(&npsv),
            s.years,
            chance(npsv.p_positive),
            payback.clause()
        );
    }
    if let Some(best) = best_option(r) {
        if r.model().options().len() > 1 {
            let _ = write!(
                out,
                " *{}* has the highest expected NPSV.",
                md(&r.model().options()[best].name)
            );
        }
    }
    out.push_str("\n\n");
    out
}

/// The option with the highest mean NPSV.
pub(super) fn best_option(r: &Results) -> Option<usize> {
    (0..r.model().options().len())
        .filter_map(|o| r.appraisal(o, Metric::Npsv).map(|s| (o, s.mean)))
        .max_by(|a, b| a.1.total_cmp(&b.1))
        .map(|(o, _)| o)
}

/// A chart embedded with a relative link and alt text, when charts were drawn.
fn chart(charts: bool, stem: &str, alt: &str) -> String {
    if charts {
        format!("![{}](charts/{stem}.png)\n\n", md(alt))
    } else {
        String::new()
    }
}

fn cost_section(r: &Results, charts: bool) -> String {
    let s = &r.model().settings();
    let (by, whose) = if r.model().is_portfolio() {
        ("journey and department", "each journey's")
    } else {
        ("department", "the scenario's")
    };
    let mut out = format!(
        "## The cost of disjointedness (business as usual)\n\nAnnual cost in {} (mean, with P10–P90), by {by}. Users' time is valued at {whose} value of time; government's cost is staff time at fully loaded rates plus channel costs.\n\n",
        s.first_year
    );
    out.push_str(&render_table(&department_table(r)));
    out.push('\n');
    let by = if r.model().is_portfolio() {
        "journey"
    } else {
        "department"
    };
    out.push_str(&chart(charts, crate::charts::COSTS, &format!("Bar chart of the annual cost of disjointedness by {by}, for users and for government, split into repetition, failure demand and getting stuck, with P10–P90 ranges")));
    out.push_str(&disjointed_share_sentence(r));
    if let Some(t) = r
        .tornadoes()
        .iter()
        .find(|t| t.output == crate::sensitivity::COST_OUTPUT)
    {
        let top: Vec<String> = t
            .drivers
            .iter()
            .take(3)
            .map(|d| md(&mid_sentence(&r.model().label(&d.input))))
            .collect();
        if !top.is_empty() {
            let _ = write!(
                out,
                " The inputs whose uncertainty moves this cost most are {}.",
                join_and(&top)
            );
        }
        out.push_str("\n\n");
        out.push_str(&chart(
            charts,
            &crate::charts::tornado_stem(&t.output),
            "Tornado chart of the ten inputs that move the annual cost of disjointedness most",
        ));
    } else {
        out.push_str("\n\n");
    }
    out.push_str("### By kind of cost\n\n");
    out.push_str(&render_table(&component_table(r)));
    out.push_str("\n### By department and kind of cost (means, users and government together)\n\n");
    out.push_str(&render_table(&detail_table(r)));
    out.push('\n');
    out
}

fn options_section(r: &Results, charts: bool) -> String {
    let s = &r.model().settings();
    let mut out = format!(
        "## Options\n\nPresent values over {} years ({}–{}), in {} prices: expected values (means) with P10–P90. Benefits are the costs each option removes, against business as usual, on the same draws of every uncertain input. The benefit–cost ratio (BCR) is the expected present value of benefits (to users and government together) divided by the expected present value of costs, with the P10–P90 of the ratio in each iteration in brackets.\n\n",
        s.years,
        s.first_year,
        r.model().calendar_year(s.years - 1),
        s.price_base_year
    );
    let options = option_tables::options_table(r);
    out.push_str(&render_table(&options));
    let _ = write!(out, "\n{}\n\n", options.notes.join(" "));
    let cash = option_tables::cash_table(r);
    let _ = write!(
        out,
        "{}: the column \"of which cash-releasing\" counts, of each department's saving, the share of staff costs it banks and the share of channel costs that is cash. A cost per transaction that includes staff time (as the Digital Efficiency Report's do) releases cash only in its non-staff part.\n\n{}\n{}\n\n",
        cash.title,
        render_table(&cash),
        cash.notes.join(" ")
    );
    let parts = option_tables::cost_parts_table(r);
    let _ = write!(out, "{}:\n\n{}\n", parts.title, render_table(&parts));
    out.push_str(&chart(charts, crate::charts::COSTS_BENEFITS, "Bar chart of each option's present value of costs and of benefits to users and to government, with P10–P90 ranges"));
    out.push_str("How sure can we be? The curves show, for each option, the chance that its NPSV is at most a given value; where a curve crosses the dashed zero line is the chance the option does not pay off.\n\n");
    out.push_str(&chart(charts, crate::charts::NPSV_CURVES, "Cumulative distribution curves of each option's net present social value, with the zero line"));
    out.push_str("The same distributions as histograms: the darker band holds the middle 80% of iterations (P10 to P90), the black line is the mean.\n\n");
    out.push_str(&chart(charts, crate::charts::NPSV_HISTOGRAM, "Histogram of each option's net present social value, its P10–P90 band shaded and its mean marked"));
    out.push_str("Year by year, the net benefit (benefits less the option's costs) and the mean of its cumulative discounted total (an iteration pays back from the year its own cumulative total turns positive for good):\n\n");
    out.push_str(&chart(charts, crate::charts::OVER_TIME, "Fan charts of each option's yearly net benefit with its P10–P90 band, and the cumulative discounted net benefit"));
    for (o, option) in r.model().options().iter().enumerate() {
        let _ = write!(out, "**{}.**", md(&option.name));
        if let Some(d) = &option.description {
            let _ = write!(out, " {}", md(d));
        }
        let _ = write!(
            out,
            " Live from {} (appraisal year {}).",
            r.model().calendar_year(option.live),
            option.live
        );
        for effect in &option.effects {
            out.push(' ');
            out.push_str(&effect_sentence(r.model(), effect));
        }
        out.push(' ');
        out.push_str(&r.payback(o).sentence());
        out.push_str(&cash_sentence(r, o));
        if !option.non_monetised.is_empty() {
            let items: Vec<String> = option.non_monetised.iter().map(|b| md(b)).collect();
            let _ = write!(
                out,
                " Benefits not valued in these figures (and not added to them): {}.",
                join_and(&items)
            );
        }
        out.push_str("\n\n");
        let who_pays = option_tables::who_pays_table(r, o);
        let _ = write!(
            out,
            "{}\n{}\n\n",
            render_table(&who_pays),
            who_pays.notes.join(" ")
        );
    }
    out
}

/// How much of the benefit to government is cash a finance director could bank.
fn cash_sentence(r: &Results, o: usize) -> String {
    let (Some(government), Some(cash)) = (
        r.appraisal(o, Metric::PvBenefitsGovernment),
        r.appraisal(o, Metric::PvBenefitsCashReleasing),
    ) else {
        return String::new();
    };
    if government.mean <= 0.0 {
        return String::new();
    }
    format!(
        " Of its benefits to government ({} in present value, mean), {} ({}) is cash-releasing; the rest is staff time freed for other work.",
        money(government.mean),
        money(cash.mean),
        percent(cash.mean / government.mean)
    )
}

fn drivers_section(r: &Results, charts: bool) -> String {
    let mut out = String::from("## What drives the results\n\nFor each option, the five inputs whose uncertainty moves its NPSV most, from the same Monte Carlo iterations: the rank correlation between input and NPSV, the share of the NPSV's variance the input accounts for on its own (its first-order share: how much the NPSV's mean moves across equal-probability slices of the input), and the mean NPSV in the iterations where the input is at or below its own P10 and at or above its P90. Every input is listed in `sensitivity.csv`.\n\n");
    for tornado in r
        .tornadoes()
        .iter()
        .filter(|t| t.output.starts_with("npsv."))
    {
        let _ = writeln!(out, "### {}\n", md(&tornado.title));
        out.push_str(&render_table(&case_tables::drivers_table(r, tornado)));
        out.push('\n');
        let stem = crate::charts::tornado_stem(&tornado.output);
        out.push_str(&chart(
            charts,
            &stem,
            &format!(
                "Tornado chart of the ten inputs that move the NPSV of {} most",
                tornado.title
            ),
        ));
    }
    out
}

fn switching_section(r: &Results, charts: bool) -> String {
    let mut out = String::from("## Switching values\n\nA switching value is the value an input would have to take, with every other input held at its mean, for an option's net present social value to reach zero: the point at which the decision would change. A switching value inside the input's own 90% range (P5–P95) means the decision could turn on that input alone and deserves the most scrutiny.\n\n");
    let near: Vec<_> = r
        .switching_values()
        .iter()
        .filter(|s| s.near_range())
        .collect();
    for (o, option) in r.model().options().iter().enumerate() {
        let uncertain = |s: &&crate::sensitivity::SwitchingValue| {
            s.option == option.id && s.kind == crate::sensitivity::Kind::Uncertain
        };
        if let Some(base) = r.switching_values().iter().find(uncertain) {
            let expected = r.appraisal(o, Metric::Npsv).map_or(0.0, |s| s.mean);
            let _ = writeln!(
                out,
                "- *{}*: NPSV in the base case (every input at its mean) is {}, against an expected NPSV of {}.",
                md(&option.name),
                money(base.base_npsv),
                money(expected)
            );
        }
    }
    out.push_str("\nThe base case differs from the expected value because NPSV is not a straight-line function of its inputs: it multiplies uncertain quantities together, and the mean of a product is not the product of the means when the inputs vary together or enter more than once.\n\n");
    if near.is_empty() {
        out.push_str("No input switches any option's decision within twice its plausible range. Every switching value is in `switching.csv`.\n\n");
    } else {
        out.push_str("The switching values that lie within or near each input's plausible range (every one is in `switching.csv`):\n\n");
        out.push_str(&render_table(&case_tables::switching_table(r, &near)));
        out.push('\n');
    }
    out.push_str(&super::fixed_md::section(r));
    if !r.fixed_curves().is_empty() {
        out.push_str(&chart(
            charts,
            crate::charts::FIXED,
            "Line charts of each option's expected NPSV as the optimism-bias uplift, the adoption path, the years late and the discount rate move, the values as written marked",
        ));
    }
    out.push_str(&super::fixed_md::mitigation_section(r));
    out.push_str(&super::fixed_md::cases_section(r));
    out.push_str(&super::fixed_md::conditions_section(r));
    out
}

fn assumptions_section(r: &Results) -> String {
    let mut out = String::from("## Key assumptions\n\nEvery input of the model as the scenario states it, with the mean and the 90% range (P5–P95) of its distribution. Inputs left at their defaults (zero, or full adoption) are not repeated here; `seams assumptions` on the scenario writes the full register, defaults included.\n\n");
    out.push_str(&render_table(&case_tables::assumptions_table(r)));
    if !r.model().overrides().is_empty() {
        let changed = case_tables::overrides_table(r);
        let _ = write!(out, "\n### {}\n\n{}", changed.title, render_table(&changed));
    }
    out.push('\n');
    out
}

fn method_section(r: &Results) -> String {
    let m = r.model();
    let s = &m.settings();
    let mut out = format!(
        "## Method\n\n- Monte Carlo simulation: {} iterations, seed {}. Each iteration draws every uncertain input once; business as usual and every option are evaluated on the same draws.\n- Prices: real, {} prices. Appraisal period: {} years from {} (year 0) to {}.\n- Discounting: {}; the discount factor in year 0 is 1.\n",
        thousands(r.iterations()),
        r.seed(),
        s.price_base_year,
        s.years,
        s.first_year,
        m.calendar_year(s.years - 1),
        discount_words(r)
    );
    out.push_str(&sampling_lines(r));
    for (o, option) in m.options().iter().enumerate() {
        let bias = &m.inputs()[option.optimism_bias];
        let se = r
            .appraisal(o, Metric::Npsv)
            .map_or("–".to_string(), |st| money(st.se));
        let _ = writeln!(
            out,
            "- *{}*: optimism bias on capital {}; standard error of the mean NPSV {}.",
            md(&option.name),
            words(bias, s.price_base_year),
            se
        );
    }
    let what = if m.is_portfolio() {
        "a portfolio file"
    } else {
        "a scenario file"
    };
    let _ = writeln!(
        out,
        "- Percentiles are read from a histogram sketch accurate to within {:.2}% of the exact value.\n- Produced by seams {} from {what} with SHA-256 `{}`.",
        crate::engine::stats::SKETCH_RELATIVE_ERROR * 100.0,
        env!("CARGO_PKG_VERSION"),
        m.sha256()
    );
    if m.is_portfolio() {
        out.push_str(&super::portfolio_md::method_lines(m));
    }
    out
}

/// The method's lines on sampling: Latin hypercube, correlated inputs and a precision target,
/// where the run used them.
fn sampling_lines(r: &Results) -> String {
    let m = r.model();
    let mut out = String::new();
    if r.sampling() == crate::scenario::Sampling::LatinHypercube {
        out.push_str("- Sampling: Latin hypercube — each input's draws are stratified within each batch of 4,096 iterations (one draw in each of 4,096 equal-probability strata), which narrows the sampling error of the means.\n");
    }
    if !m.correlations().is_empty() {
        let pairs: Vec<String> = m
            .correlations()
            .iter()
            .map(|c| {
                format!(
                    "{} and {}: {}",
                    md(&m.label(&c.inputs[0])),
                    md(&m.label(&c.inputs[1])),
                    c.rank
                )
            })
            .collect();
        let _ = writeln!(
            out,
            "- Correlated inputs (Spearman rank correlation, realised by a Gaussian copula so that each input keeps its own distribution; every other pair is independent): {}.",
            pairs.join("; ")
        );
    }
    if let Some(p) = r.precision() {
        let target = crate::format::describe_value(crate::params::Unit::Share, p.target);
        let achieved = crate::format::describe_value(crate::params::Unit::Share, p.achieved);
        if !p.judged {
            let _ = writeln!(out, "- Precision target ±{target} **not judged**: a precision is judged from at least {} iterations, and this run had {}. Run more iterations before relying on the figures.", thousands(crate::engine::MIN_PRECISION_ITERATIONS), thousands(r.iterations()));
        } else if p.converged {
            let _ = writeln!(out, "- Precision target ±{target}: the run stopped after {} iterations, when the 95% confidence half-width of every headline mean (the annual cost of disjointedness and each option's NPSV) was within {target} of it; the widest was that of {} at {achieved}.", thousands(r.iterations()), md(&p.governing_words));
        } else {
            let needed = p
                .iterations_to_reach(r.iterations())
                .map_or(String::new(), |n| {
                    format!(
                        " At the rate seen, about {} iterations would reach the target.",
                        thousands(n)
                    )
                });
            let _ = writeln!(out, "- Precision target ±{target} **not reached** in {} iterations: the 95% half-width of {} is still {achieved} of its mean.{needed} Run more iterations before relying on it.", thousands(r.iterations()), md(&p.governing_words));
        }
    }
    out
}

/// A label placed inside a sentence: "Value of users' time" reads "value of users' time",
/// while a label that starts with an organisation's or option's name ("Office One: failure
/// demand", "DVSA: stuck rate") keeps its capital.
fn mid_sentence(label: &str) -> String {
    let mut chars = label.chars();
    match chars.next() {
        Some(first) if !label.contains(':') => first.to_lowercase().chain(chars).collect(),
        _ => label.to_string(),
    }
}
