//! The benefits register (docs/method.md §3e): `benefits.csv`, and the case's "Benefits
//! register" section, which the Word document and the workbook carry too. For each option and
//! each department it reaches (the benefit's owner): what is measured there, from what
//! baseline to what target, from when, and what it is worth.

use std::fmt::Write as _;

use super::tables::ScenarioColumn;
use crate::engine::register::{Entry, Gain, Measure};
use crate::format::{md, percent};
use crate::outputs::{Metric, Scope, Stats, TransactionMetric};
use crate::params::DeptParam;
use crate::results::Results;
use crate::table::markdown::render as render_table;
use crate::table::{Cell, Emphasis, Kind, Table};

/// The owner a benefit the model does not value is given.
const TO_BE_AGREED: &str = "to be agreed";

/// One measure of a register entry: its key, words, unit and the outputs of its baseline and
/// target.
struct Line {
    key: String,
    words: String,
    kind: Kind,
    baseline: Stats,
    target: Stats,
}

/// The measures of an entry: each parameter its option changes there, then, at a department
/// with channels, its cost per transaction and digital take-up (as in `transactions.csv`).
fn lines(r: &Results, entry: &Entry) -> Vec<Line> {
    let mut lines: Vec<Line> = entry
        .measures
        .iter()
        .enumerate()
        .map(|(m, measure)| Line {
            key: measure.key(),
            words: measure_words(measure),
            kind: Kind::Input(measure.unit()),
            baseline: r.output(entry.measure(m, false)),
            target: r.output(entry.measure(m, true)),
        })
        .collect();
    if r.model().departments()[entry.department]
        .channels
        .is_empty()
    {
        return lines;
    }
    let scope = Scope::Department(entry.department);
    let price_year = r.model().settings().price_base_year;
    let transaction_measures = [
        (
            TransactionMetric::CostPerTransaction,
            "Cost per transaction",
            Kind::UnitCost(price_year),
        ),
        (
            TransactionMetric::DigitalTakeUp,
            "Digital take-up",
            Kind::Share,
        ),
    ];
    for (metric, words, kind) in transaction_measures {
        let (Some(baseline), Some(target)) = (
            r.transaction(None, scope, metric),
            r.transaction(Some(entry.option), scope, metric),
        ) else {
            continue;
        };
        lines.push(Line {
            key: metric.name(r.channel_ids()),
            words: words.into(),
            kind,
            baseline,
            target,
        });
    }
    lines
}

/// A measure in words, capitalised: "Repetition rate", "Online share".
fn measure_words(measure: &Measure) -> String {
    let words = match measure {
        Measure::Department(DeptParam::FailureDemand) => {
            "failure demand (share of contacts)".to_string()
        }
        Measure::Department(param) => param.spec().key.replace('_', " "),
        Measure::Channel { id, param, .. } => {
            format!("{} {}", id, param.spec().key).replace('_', " ")
        }
    };
    capitalised(&words)
}

/// The calendar years option `o` goes live and first reaches full effect.
fn years(r: &Results, o: usize) -> (i32, i32) {
    let model = r.model();
    (
        model.calendar_year(model.options()[o].live),
        model.calendar_year(r.register().full_effect[o]),
    )
}

/// `benefits.csv`: per option and department reached, each measure's baseline and target,
/// then the department's gains in the `target_*` cells; in a portfolio, an organisation in
/// several journeys has a `total` row of each gain; then the benefits not valued.
pub fn benefits_csv(r: &Results) -> Option<Table> {
    if r.model().options().is_empty() || !r.has_appendices() {
        return None;
    }
    let lead = ScenarioColumn::of(r);
    let mut table = lead.table(
        "Benefits register: each measure's baseline and target, and what each department gains",
        vec![
            "option",
            "department",
            "measure",
            "baseline_mean",
            "baseline_p10",
            "baseline_p90",
            "target_mean",
            "target_p10",
            "target_p90",
            "from_year",
            "full_year",
        ],
    );
    let money = Kind::Money(r.model().settings().price_base_year);
    let model = r.model();
    for (o, option) in model.options().iter().enumerate() {
        let (from, full) = years(r, o);
        let when = [
            Cell::Figure(from.into(), Kind::Year),
            Cell::Figure(full.into(), Kind::Year),
        ];
        for entry in r.register().entries.iter().filter(|e| e.option == o) {
            let (scenario, department) = r.scope_ids(Scope::Department(entry.department));
            let names = |measure: &str| {
                vec![
                    Cell::key(&option.id),
                    Cell::key(department),
                    Cell::key(measure),
                ]
            };
            for line in lines(r, entry) {
                let mut row = names(&line.key);
                row.extend(figures(Some(&line.baseline), line.kind));
                row.extend(figures(Some(&line.target), line.kind));
                row.extend(when.clone());
                table.push(lead.row(scenario, row));
            }
            for gain in Gain::ALL {
                let mut row = names(gain.name());
                row.extend(figures(None, money));
                row.extend(figures(Some(&r.output(entry.gain(gain))), money));
                row.extend(when.clone());
                table.push(lead.row(scenario, row));
            }
        }
        for total in r.register().totals.iter().filter(|t| t.option == o) {
            let organisation = &model.organisations()[total.organisation].id;
            for gain in Gain::ALL {
                let mut row = vec![
                    Cell::key(&option.id),
                    Cell::key(organisation),
                    Cell::key(gain.name()),
                ];
                row.extend(figures(None, money));
                row.extend(figures(Some(&r.output(total.gain(gain))), money));
                row.extend(when.clone());
                table.push(lead.row("total", row));
            }
        }
        for benefit in &option.non_monetised {
            let mut row = vec![
                Cell::key(&option.id),
                Cell::key(TO_BE_AGREED),
                Cell::text(benefit),
            ];
            row.extend((0..8).map(|_| Cell::Empty));
            table.push(lead.row("total", row));
        }
    }
    table.notes.push("Baselines are business as usual; targets are with the option in full effect. The value rows (value_year, value_users_year, value_government_year: in the first full-effect year, real and undiscounted; pv_benefits, pv_benefits_government, pv_cash_releasing: present values over the period) carry their figures in the target cells.".into());
    Some(table)
}

/// Mean, P10 and P90, or three empty cells.
fn figures(s: Option<&Stats>, kind: Kind) -> [Cell; 3] {
    match s {
        Some(s) => [s.mean, s.p10, s.p90].map(|x| Cell::Figure(x, kind)),
        None => [Cell::Empty, Cell::Empty, Cell::Empty],
    }
}

/// The departments option `o` reaches where it moves a measure, each with the measures it
/// moves, in the register's order; and how many it reaches but moves nothing at.
fn moved_entries(r: &Results, o: usize) -> (Vec<(&Entry, Vec<Line>)>, usize) {
    let mut left_out = 0;
    let mut moved = Vec::new();
    for entry in r.register().entries.iter().filter(|e| e.option == o) {
        let lines: Vec<Line> = lines(r, entry)
            .into_iter()
            .filter(|line| line.baseline != line.target)
            .collect();
        if lines.is_empty() {
            left_out += 1;
        } else {
            moved.push((entry, lines));
        }
    }
    (moved, left_out)
}

/// In a portfolio, a journey's name as a row of its own before its first department.
fn journey_label(r: &Results, table: &mut Table, journey: &mut Option<usize>, entry: &Entry) {
    let model = r.model();
    let j = model.departments()[entry.department].journey;
    if !model.is_portfolio() || *journey == Some(j) {
        return;
    }
    *journey = Some(j);
    let mut label = vec![Cell::text(&model.journeys()[j].name)];
    label.extend(blanks(table.header.len() - 1));
    table.push_emphasised(label, Emphasis::Label);
}

/// The register of option `o` as the case shows it, in two tables that fit a page: what will
/// be measured (each measure the option moves at each department it reaches, baseline and
/// target; the benefits not valued, owner to be agreed), and when and what each owner's part
/// is worth (in a portfolio, departments grouped by journey and an organisation's total over
/// journeys after them; then the option's total).
pub fn register_tables(r: &Results, o: usize) -> [Table; 2] {
    let model = r.model();
    let option = &model.options()[o];
    let (moved, left_out) = moved_entries(r, o);
    let mut measures = Table::new(
        format!("What will be measured: {}", option.name),
        &["Owner", "Measure", "Baseline", "Target"],
    );
    measures.text_columns = vec![0, 1];
    let mut worth = Table::new(
        format!("When, and what each owner's part is worth: {}", option.name),
        &[
            "Owner",
            "From",
            "Full effect",
            "Value a year",
            "PV",
            "Cash-releasing PV",
        ],
    );
    let money = Kind::Money(model.settings().price_base_year);
    let (from, full) = years(r, o);
    let (mut journey_m, mut journey_w) = (None, None);
    for (entry, lines) in &moved {
        let name = &model.departments()[entry.department].name;
        journey_label(r, &mut measures, &mut journey_m, entry);
        for (i, line) in lines.iter().enumerate() {
            measures.push(vec![
                if i == 0 { Cell::text(name) } else { blank() },
                Cell::text(&line.words),
                figure_range(&line.baseline, line.kind),
                figure_range(&line.target, line.kind),
            ]);
        }
        journey_label(r, &mut worth, &mut journey_w, entry);
        let mut row = vec![Cell::text(name)];
        row.extend(when_and_gains(r, (from, full), money, |g| entry.gain(g)));
        worth.push(row);
    }
    for benefit in &option.non_monetised {
        measures.push(vec![
            Cell::text(capitalised(TO_BE_AGREED)),
            Cell::text(capitalised(benefit)),
            Cell::text("not valued"),
            blank(),
        ]);
    }
    for total in r.register().totals.iter().filter(|t| t.option == o) {
        let name = &model.organisations()[total.organisation].name;
        let mut row = vec![Cell::text(format!("{name}, all journeys"))];
        row.extend(when_and_gains(r, (from, full), money, |g| total.gain(g)));
        worth.push_emphasised(row, Emphasis::Whole);
    }
    let (pv, cash) = (
        r.appraisal(o, Metric::PvBenefits),
        r.appraisal(o, Metric::PvBenefitsCashReleasing),
    );
    let mut row = vec![Cell::text("Total")];
    row.extend(blanks(3));
    row.extend([pv, cash].map(|s| s.map_or(Cell::Empty, |s| figure_range(&s, money))));
    worth.push_emphasised(row, Emphasis::Whole);
    measures.notes.push("Baseline: business as usual; target: with the option in full effect; each a mean with its P10–P90.".into());
    if left_out > 0 {
        let (who, verb) = match left_out {
            1 => ("One organisation the option reaches".to_string(), "is"),
            n => (format!("{n} organisations the option reaches"), "are"),
        };
        measures.notes.push(format!("{who} {verb} left out: the option changes none of the measures there (the rate it acts on is zero, say). `benefits.csv` lists every one."));
    }
    worth.notes.push(format!("From: the year the option goes live; full effect: the first year of full adoption. Value a year: the benefit to users and government together in {full}, in {} prices, undiscounted. PV: present value over the appraisal period.", model.settings().price_base_year));
    [measures, worth]
}

/// A cell left empty because the row above fills it: blank, not "–".
fn blank() -> Cell {
    Cell::text("")
}

fn blanks(n: usize) -> impl Iterator<Item = Cell> {
    (0..n).map(|_| blank())
}

/// A mean with its P10–P90, or the one figure where the three agree (a fixed value).
fn figure_range(s: &Stats, kind: Kind) -> Cell {
    if s.p10 == s.p90 && s.mean == s.p10 {
        Cell::Figure(s.mean, kind)
    } else {
        Cell::range(s, kind)
    }
}

/// The years and gains cells of a register row.
fn when_and_gains(
    r: &Results,
    (from, full): (i32, i32),
    money: Kind,
    at: impl Fn(Gain) -> usize,
) -> Vec<Cell> {
    let mut cells = vec![
        Cell::Figure(from.into(), Kind::Year),
        Cell::Figure(full.into(), Kind::Year),
    ];
    cells.extend(
        [Gain::Year, Gain::PvBenefits, Gain::PvCashReleasing]
            .map(|g| figure_range(&r.output(at(g)), money)),
    );
    cells
}

fn capitalised(s: &str) -> String {
    let mut chars = s.chars();
    chars
        .next()
        .map_or(String::new(), |c| c.to_uppercase().chain(chars).collect())
}

/// The sentence naming the measure whose target matters most to option `o`'s NPSV: the effect
/// with the largest share of the NPSV's variance.
pub fn key_measure_sentence(r: &Results, o: usize) -> String {
    let model = r.model();
    let option = &model.options()[o];
    let output = format!("npsv.{}", option.id);
    let Some(tornado) = r.tornadoes().iter().find(|t| t.output == output) else {
        return String::new();
    };
    let best = option
        .effects
        .iter()
        .filter_map(|effect| {
            let key = &model.inputs()[effect.value].key;
            let driver = tornado.drivers.iter().find(|d| d.input == *key)?;
            Some((effect, driver.variance_share))
        })
        .max_by(|a, b| a.1.total_cmp(&b.1));
    match best {
        Some((effect, share)) if share > 0.0 => {
            let owners: Vec<String> = effect
                .departments
                .iter()
                .map(|&d| md(&model.department_label(d)))
                .collect();
            let at = match owners.len() {
                n if n > 3 => format!("the {n} organisations its effect names"),
                _ => super::words::join_and(&owners),
            };
            format!(
                "The target that matters most to this option's NPSV is the {} at {}: the uncertainty in how far the option moves it accounts for {} of the NPSV's variance, more than any other effect's.",
                md(&effect.target.key().replace("channels.", "").replace(['.', '_'], " ")),
                at,
                percent(share)
            )
        }
        _ => "Every effect of this option is a fixed figure, so no target's uncertainty moves its NPSV in these iterations: give an effect its range to see how much its target matters.".into(),
    }
}

/// The case's "Benefits register" section: one table per option, with the sentence naming
/// the measure that matters most.
pub fn section(r: &Results) -> String {
    let model = r.model();
    if model.options().is_empty() || !r.has_appendices() {
        return String::new();
    }
    let mut out = String::from("## Benefits register\n\nA draft of the register for the Benefits section. For each option and each organisation it reaches (the benefit's owner): what will be measured there, its value today (the baseline, business as usual) and once the option is in full effect (the target), each a mean with its P10–P90; the year the option goes live and the first year of full effect; and what that organisation's part is worth — to users and government together in the first full-effect year, and in present value over the period, with the part that releases cash. Benefits the model does not value are listed with their owner to be agreed. Every figure is in `benefits.csv`.\n\n");
    for (o, option) in model.options().iter().enumerate() {
        let _ = writeln!(out, "### {}\n", md(&option.name));
        let [measures, worth] = register_tables(r, o);
        for table in [&measures, &worth] {
            let _ = write!(
                out,
                "{}\n{}\n\n",
                render_table(table),
                table.notes.join(" ")
            );
        }
        let sentence = key_measure_sentence(r, o);
        if !sentence.is_empty() {
            let _ = write!(out, "{sentence}\n\n");
        }
    }
    out
}
