//! Where the benefits register's figures (docs/method.md §3e) live in an iteration's output
//! row, and how one iteration writes them. Each option has an entry per department its
//! effects reach (the benefit's owner): every parameter its effects change there, before
//! (business as usual) and after (the option in full effect), then what the department gains
//! — to users and to government in the first full-effect year, and over the period in present
//! value, with the part that releases cash.

use super::eval::{Layout, Scratch};
use crate::params::{ChannelParam, DeptParam, Unit};
use crate::scenario::{Model, Target};

/// A parameter an option changes at a department: the department's own, or one of its
/// channels' (the channel's position among the department's channels, and its id).
#[derive(Debug, Clone, PartialEq)]
pub enum Measure {
    Department(DeptParam),
    Channel {
        position: usize,
        id: String,
        param: ChannelParam,
    },
}

impl Measure {
    /// The measure as an effect names it: `repetition_rate`, `channels.online.share`.
    pub fn key(&self) -> String {
        match self {
            Measure::Department(param) => param.spec().key.to_string(),
            Measure::Channel { id, param, .. } => format!("channels.{id}.{}", param.spec().key),
        }
    }

    /// The unit of the measure's values.
    pub fn unit(&self) -> Unit {
        match self {
            Measure::Department(param) => param.spec().unit,
            Measure::Channel { param, .. } => param.spec().unit,
        }
    }
}

/// What a department gains from an option: `benefits.csv`'s value rows (docs/method.md §3e).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Gain {
    /// The benefit to users and government together in the first full-effect year.
    Year,
    /// The benefit to users in the first full-effect year (real, undiscounted).
    UsersYear,
    /// The benefit to government in the first full-effect year.
    GovernmentYear,
    /// The present value of the benefits to users and government over the period.
    PvBenefits,
    /// The present value of the benefits to government: the department's part of
    /// `organisations.csv`'s `pv_benefits_government`.
    PvGovernment,
    /// The present value of the cash-releasing part of the benefit to government.
    PvCashReleasing,
}

impl Gain {
    pub const ALL: [Gain; 6] = [
        Gain::Year,
        Gain::UsersYear,
        Gain::GovernmentYear,
        Gain::PvBenefits,
        Gain::PvGovernment,
        Gain::PvCashReleasing,
    ];

    /// The name of the row in `benefits.csv`.
    pub fn name(self) -> &'static str {
        match self {
            Gain::Year => "value_year",
            Gain::UsersYear => "value_users_year",
            Gain::GovernmentYear => "value_government_year",
            Gain::PvBenefits => "pv_benefits",
            Gain::PvGovernment => "pv_benefits_government",
            Gain::PvCashReleasing => "pv_cash_releasing",
        }
    }

    fn index(self) -> usize {
        self as usize
    }
}

/// One option at one department it reaches, and where its figures start in the output row.
#[derive(Debug, Clone)]
pub struct Entry {
    pub option: usize,
    pub department: usize,
    /// Every parameter the option's effects change at the department, in the order first
    /// written.
    pub measures: Vec<Measure>,
    start: usize,
}

impl Entry {
    /// The output holding the measure's value in business as usual (`target` false) or with
    /// the option in full effect.
    pub fn measure(&self, m: usize, target: bool) -> usize {
        self.start + 2 * m + usize::from(target)
    }

    /// The output holding one of the department's gains.
    pub fn gain(&self, gain: Gain) -> usize {
        self.start + 2 * self.measures.len() + gain.index()
    }

    fn len(&self) -> usize {
        2 * self.measures.len() + Gain::ALL.len()
    }
}

/// What one organisation gains from an option over the journeys where it has a department
/// the option reaches (a portfolio's organisation in several journeys).
#[derive(Debug, Clone)]
pub struct Total {
    pub option: usize,
    pub organisation: usize,
    start: usize,
}

impl Total {
    /// The output holding one of the organisation's gains, summed over its journeys.
    pub fn gain(&self, gain: Gain) -> usize {
        self.start + gain.index()
    }
}

/// The register's entries, option by option, departments in the scenario's order; then the
/// totals of organisations with entries in more than one journey.
#[derive(Debug, Clone, Default)]
pub struct Register {
    pub entries: Vec<Entry>,
    pub totals: Vec<Total>,
    /// Per option, the appraisal year adoption first takes the value it keeps to the end.
    pub full_effect: Vec<usize>,
    pub len: usize,
}

impl Register {
    /// The entries of `model`'s options, laid out from output `start`; none where the run
    /// leaves the register out (`wanted` false), though each option's full-effect year stays.
    pub fn new(model: &Model, start: usize, wanted: bool) -> Register {
        let mut entries = Vec::new();
        let mut at = start;
        for (o, option) in model.options.iter().enumerate().filter(|_| wanted) {
            for d in 0..model.departments.len() {
                let measures = measures_at(model, o, d);
                if measures.is_empty() {
                    continue;
                }
                let entry = Entry {
                    option: o,
                    department: d,
                    measures,
                    start: at,
                };
                at += entry.len();
                entries.push(entry);
            }
            debug_assert!(!option.adoption.is_empty() || option.effects.is_empty());
        }
        let mut totals = Vec::new();
        for o in (0..model.options.len()).filter(|_| wanted) {
            for organisation in 0..model.organisations.len() {
                let journeys = entries
                    .iter()
                    .filter(|e| e.option == o)
                    .filter(|e| model.departments[e.department].organisation == organisation)
                    .count();
                if journeys > 1 {
                    totals.push(Total {
                        option: o,
                        organisation,
                        start: at,
                    });
                    at += Gain::ALL.len();
                }
            }
        }
        let full_effect = model
            .options
            .iter()
            .map(|option| option.live + full_effect_offset(model, &option.adoption))
            .collect();
        Register {
            entries,
            totals,
            full_effect,
            len: at - start,
        }
    }

    /// The entry whose figures hold output `k`, and whether `k` is a measure (written with
    /// the department's journey) rather than a gain (written with the whole).
    pub fn owner(&self, k: usize) -> Option<(&Entry, bool)> {
        if self.totals.first().is_some_and(|t| t.start <= k) {
            return None;
        }
        let i = self
            .entries
            .partition_point(|e| e.start <= k)
            .checked_sub(1)?;
        let entry = &self.entries[i];
        (k < entry.start + entry.len()).then_some((entry, k < entry.gain(Gain::Year)))
    }

    /// A readable name for output `k` of the register.
    pub fn output_name(&self, model: &Model, k: usize) -> Option<String> {
        if let Some(total) = self
            .totals
            .iter()
            .find(|t| (t.start..t.start + Gain::ALL.len()).contains(&k))
        {
            let option = &model.options[total.option].id;
            let organisation = &model.organisations[total.organisation].id;
            let gain = Gain::ALL[k - total.start].name();
            return Some(format!("{option}_total/{organisation}_register_{gain}"));
        }
        let (entry, _) = self.owner(k)?;
        let option = &model.options[entry.option].id;
        let dept = &model.departments[entry.department];
        let place = if model.is_portfolio() {
            format!("{}/{}", model.journeys[dept.journey].id, dept.id)
        } else {
            dept.id.clone()
        };
        let within = k - entry.start;
        let what = match within.checked_sub(2 * entry.measures.len()) {
            Some(g) => Gain::ALL[g].name().to_string(),
            None => {
                let side = if within % 2 == 0 {
                    "baseline"
                } else {
                    "target"
                };
                format!("{}_{side}", entry.measures[within / 2].key())
            }
        };
        Some(format!("{option}_{place}_register_{what}"))
    }
}

/// The parameters option `o`'s effects change at department `d`, in the order first written.
fn measures_at(model: &Model, o: usize, d: usize) -> Vec<Measure> {
    let mut measures: Vec<Measure> = Vec::new();
    for effect in &model.options[o].effects {
        let Some(i) = effect.departments.iter().position(|&x| x == d) else {
            continue;
        };
        let measure = match &effect.target {
            Target::Department(param) => Measure::Department(*param),
            Target::Channel { id, param, at } => Measure::Channel {
                position: at[i],
                id: id.clone(),
                param: *param,
            },
        };
        if !measures.contains(&measure) {
            measures.push(measure);
        }
    }
    measures
}

/// How many years after going live adoption first takes the value it keeps: the first entry
/// of the adoption path from which every entry is the same fixed value, else its last entry.
fn full_effect_offset(model: &Model, adoption: &[crate::scenario::InputId]) -> usize {
    let fixed = |id: &crate::scenario::InputId| model.inputs[*id].dist.fixed_value();
    let Some(last) = adoption.last() else {
        return 0;
    };
    let Some(value) = fixed(last) else {
        return adoption.len() - 1;
    };
    adoption
        .iter()
        .rposition(|id| fixed(id) != Some(value))
        .map_or(0, |i| i + 1)
}

/// The value of a measure in a department's values and channels.
fn measure_value(
    measure: &Measure,
    values: &[f64; crate::params::DEPT_PARAM_COUNT],
    channels: &[super::channels::ChannelValues],
) -> f64 {
    match measure {
        Measure::Department(param) => values[param.index()],
        Measure::Channel {
            position, param, ..
        } => channels[*position][param.index()],
    }
}

/// Writes what each department option `o` reaches gains (docs/method.md §3e), from its
/// savings per journey and its journey's reach: in the first full-effect year, and in present
/// value; and the sums of an organisation with such departments in several journeys.
pub(super) fn put_gains(
    model: &Model,
    layout: &Layout,
    o: usize,
    scratch: &Scratch,
    put: &mut impl FnMut(usize, f64),
) {
    let entries = || layout.register.entries.iter().filter(|e| e.option == o);
    for entry in entries() {
        let gains = scratch.gains(model, o, entry.department);
        for (gain, value) in Gain::ALL.into_iter().zip(gains) {
            put(entry.gain(gain), value);
        }
    }
    for total in layout.register.totals.iter().filter(|t| t.option == o) {
        let mut sum = [0.0; Gain::ALL.len()];
        for entry in
            entries().filter(|e| model.departments[e.department].organisation == total.organisation)
        {
            let gains = scratch.gains(model, o, entry.department);
            sum.iter_mut().zip(gains).for_each(|(s, g)| *s += g);
        }
        for (gain, value) in Gain::ALL.into_iter().zip(sum) {
            put(total.gain(gain), value);
        }
    }
}

impl Scratch {
    /// What department `d` gains from option `o`, in the order of [`Gain::ALL`].
    pub(super) fn gains(&self, model: &Model, o: usize, d: usize) -> [f64; Gain::ALL.len()] {
        let j = model.departments[d].journey;
        let [minutes, cash, government, government_cash] =
            self.saved[o * model.departments.len() + d];
        let [journeys, minute_value] = self.full_year[j];
        let (reach, time_reach) = (self.reach[j], self.time_reach[j]);
        let users_year = minute_value * minutes + journeys * cash;
        let pv_users = time_reach * minutes + reach * cash;
        [
            users_year + journeys * government,
            users_year,
            journeys * government,
            pv_users + reach * government,
            reach * government,
            reach * government_cash,
        ]
    }
}

/// Writes the register's measures of option `o` at journey `j`'s departments: each before
/// (business as usual) and after its effects.
pub(super) fn put_measures(
    model: &Model,
    layout: &Layout,
    (o, j): (usize, usize),
    scratch: &Scratch,
    put: &mut impl FnMut(usize, f64),
) {
    let departments = &model.journeys[j].departments;
    for entry in layout.register.entries.iter() {
        if entry.option != o || !departments.contains(&entry.department) {
            continue;
        }
        let d = entry.department;
        let channels = scratch.channel_start[d]..scratch.channel_start[d + 1];
        for (m, measure) in entry.measures.iter().enumerate() {
            let before = measure_value(
                measure,
                &scratch.bau[d],
                &scratch.bau_channels[channels.clone()],
            );
            let after = measure_value(
                measure,
                &scratch.changed[d],
                &scratch.changed_channels[channels.clone()],
            );
            put(entry.measure(m, false), before);
            put(entry.measure(m, true), after);
        }
    }
}
