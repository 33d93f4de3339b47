//! The Word document's first page, "Summary for decision-makers": what disjointedness costs,
//! each option's NPSV with its range, BCR, chance of being positive and payback, the assumption
//! nearest to turning each option, and what is most worth finding out — stated, never
//! recommended. It is built from the results (not from the case's prose) so that it stays on
//! one A4 page.

use super::blocks::{Block, TableBlock};
use crate::format::{describe_value, md, money_range};
use crate::outputs::{Bearer, Component, Scope};
use crate::results::Results;
use crate::sensitivity::SwitchingValue;

/// The page's blocks, ending with a page break.
pub fn page(r: &Results) -> Vec<Block> {
    let m = r.model();
    let s = m.settings();
    let cost = |b| {
        let c = r.cost(Scope::Total, Component::Disjointed, b);
        money_range(c.mean, c.p10, c.p90)
    };
    let mut blocks = vec![
        Block::Heading(1, "Summary for decision-makers".into()),
        Block::Paragraph(format!(
            "*{}*. Figures are estimates in {} prices from {} Monte Carlo iterations: each is the mean with its 80% range (P10–P90) in brackets. Present values are over {} years from {}.",
            md(&s.name),
            s.price_base_year,
            crate::format::thousands(r.iterations()),
            s.years,
            s.first_year
        )),
        Block::Heading(2, "The cost of disjointedness".into()),
        Block::Paragraph(format!(
            "Disjointed services cost users {} and government {} a year, {} in all.",
            cost(Bearer::Users),
            cost(Bearer::Government),
            cost(Bearer::All)
        )),
    ];
    if !m.options().is_empty() {
        blocks.push(Block::Heading(2, "The options".into()));
        blocks.push(Block::Table(options_table(r)));
        blocks.push(Block::Heading(2, "What each option turns on".into()));
        for (o, option) in m.options().iter().enumerate() {
            blocks.push(Block::Bullet(format!(
                "*{}*: {}",
                md(&option.name),
                turns_on(r, o, &option.id)
            )));
        }
        blocks.push(Block::Heading(2, "What is most worth finding out".into()));
        blocks.push(Block::Paragraph(md(&crate::export::voi_sentence(r))));
    }
    blocks.push(Block::Paragraph(
        "seams states what each option is worth and how sure that is; choosing between them is for the decision-makers. The Economic Case follows, with every figure's evidence.".into(),
    ));
    blocks.push(Block::PageBreak);
    blocks
}

fn options_table(r: &Results) -> TableBlock {
    let rows = r
        .model()
        .options()
        .iter()
        .enumerate()
        .map(|(o, option)| {
            let h = crate::export::option_headline(r, o);
            vec![
                md(&option.name),
                h.npsv,
                h.bcr,
                h.p_positive,
                md(&h.payback),
            ]
        })
        .collect();
    TableBlock {
        header: [
            "Option",
            "NPSV (P10–P90)",
            "BCR",
            "P(NPSV > 0)",
            "Pays back",
        ]
        .map(String::from)
        .to_vec(),
        right: vec![false, true, true, true, true],
        rows,
    }
}

/// The assumption nearest to turning an option's NPSV to zero: of its switching values
/// (uncertain inputs and fixed assumptions), the one that needs the smallest move from its
/// value in the base case.
fn turns_on(r: &Results, o: usize, id: &str) -> String {
    let nearest = r
        .switching_values()
        .iter()
        .filter(|s| s.option == id)
        .filter_map(|s| s.change_percent().map(|c| (s, c.abs())))
        .min_by(|a, b| a.1.total_cmp(&b.1));
    match nearest {
        Some((s, _)) => switching_sentence(r, o, s),
        None => "no single assumption, at any value it can take, brings its NPSV to zero with the others at their means.".into(),
    }
}

fn switching_sentence(r: &Results, o: usize, s: &SwitchingValue) -> String {
    let m = r.model();
    let fixed = s.kind == crate::sensitivity::Kind::Fixed;
    let name = if fixed {
        match s.input.as_str() {
            crate::fixed::ADOPTION => "adoption, as a multiple of the path written,".to_string(),
            other => format!("the {}", super::super::fixed_md::name(other).to_lowercase()),
        }
    } else {
        md(&m.label_within(&s.input, &m.options()[o].name))
    };
    let unit = m.input(&s.input).map(|i| i.unit);
    let value = |x: f64| match unit {
        Some(u) => describe_value(u, x),
        None => crate::table::markdown::figure(
            x,
            crate::fixed::kind_of(&s.input),
            crate::format::MoneyUnit::for_magnitude(x.abs()),
        ),
    };
    let (Some(switch), Some(change)) = (s.switching_value, s.change_percent()) else {
        return String::new();
    };
    let range = if !fixed {
        format!(
            " ({} its 90% range, {}–{})",
            if s.within_p5_p95() {
                "inside"
            } else {
                "outside"
            },
            value(s.p5),
            value(s.p95)
        )
    } else {
        " (a fixed assumption)".into()
    };
    format!(
        "its NPSV reaches zero if {name} is {} instead of {}, a change of {}{range}.",
        value(switch),
        value(s.base_value),
        format!("{change:+.0}%").replace('-', "−"),
    )
}
