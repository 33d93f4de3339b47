//! The financial view (docs/method.md §3c): each organisation's cash by financial year, in the
//! money of the day and undiscounted — what a finance business partner asks of a business case
//! beside its Economic Case. The funder's capital, the optimism-bias uplift shown as a risk
//! allowance and its running cost; each department's cash-releasing savings; their net. A
//! calendar year's flows fall 9/12 in the financial year that starts that April and 3/12 in
//! the one before, at that year's prices: real × (1 + inflation)^(year − price base year).
//! Beside it, what each option means to each organisation in present values (who pays, who
//! benefits), from the same savings.

use super::eval::{Layout, Scratch};
use crate::outputs::OrgMetric;
use crate::scenario::Model;

/// A figure of the financial view.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CashMetric {
    /// Capital before the optimism-bias uplift.
    Capital,
    /// The optimism-bias uplift on the capital: a risk allowance, not a cost estimate.
    RiskAllowance,
    Running,
    /// The cash-releasing part of the department's benefit to government.
    CashReleasingSavings,
    /// Capital + risk allowance + running − savings: positive is cash going out.
    NetCash,
}

impl CashMetric {
    pub const ALL: [CashMetric; 5] = [
        CashMetric::Capital,
        CashMetric::RiskAllowance,
        CashMetric::Running,
        CashMetric::CashReleasingSavings,
        CashMetric::NetCash,
    ];

    /// The metric's name in `financial.csv`.
    pub fn name(self) -> &'static str {
        match self {
            CashMetric::Capital => "capital",
            CashMetric::RiskAllowance => "risk_allowance",
            CashMetric::Running => "running",
            CashMetric::CashReleasingSavings => "cash_releasing_savings",
            CashMetric::NetCash => "net_cash",
        }
    }

    fn index(self) -> usize {
        self as usize
    }
}

/// Where one figure of the financial view comes from: an output of its own, another figure's
/// (a funder's capital is the total's: no one else bears any), another's with its sign turned
/// (the net cash of a department that funds nothing is minus its savings), or nowhere (zero by
/// construction).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CashSource {
    Own(usize),
    Same(usize),
    Negated(usize),
    Zero,
}

/// Where the financial view's figures are in the output row. Per option, the slots are every
/// organisation, then the funder that is no department (or costs not allocated), then the
/// total; per slot, the financial years from the one before the first appraisal year to the
/// one that starts in the last, then the period's total. Only the figures no other gives have
/// outputs of their own.
#[derive(Debug, Clone, Default)]
pub struct CashLayout {
    pub slots: usize,
    /// Financial years, the period total after them.
    pub years: usize,
    map: Vec<CashSource>,
    /// Per option, the organisations' slots with any flow: its funder and those that save.
    active: Vec<Vec<usize>>,
    /// Per option, each output of its own with the figure it holds (as a place in one
    /// option's figures: `(slot · years + year) · 5 + metric`).
    writes: Vec<Vec<(usize, usize)>>,
    pub len: usize,
}

impl CashLayout {
    /// The view of `model`'s options, laid out from output `start`.
    pub fn new(model: &Model, start: usize) -> CashLayout {
        let slots = model.organisations.len() + 2;
        let years = model.settings.years + 2;
        let total = slots - 1;
        let mut map = vec![CashSource::Zero; model.options.len() * slots * years * 5];
        let index = |o: usize, slot: usize, year: usize, m: CashMetric| {
            ((o * slots + slot) * years + year) * 5 + m.index()
        };
        let mut at = start;
        let mut own = |map: &mut Vec<CashSource>, i: usize| {
            map[i] = CashSource::Own(at);
            at += 1;
            at - 1
        };
        for o in 0..model.options.len() {
            let funder = funder_slot(model, o);
            let saves: Vec<bool> = (0..slots).map(|s| saves_at(model, o, s)).collect();
            for year in 0..years {
                let mut costs = [0; 3];
                for (m, metric) in CashMetric::ALL.into_iter().enumerate() {
                    let k = own(&mut map, index(o, total, year, metric));
                    if m < 3 {
                        costs[m] = k;
                    }
                }
                for slot in 0..total {
                    let savings = match saves[slot] {
                        true => Some(own(
                            &mut map,
                            index(o, slot, year, CashMetric::CashReleasingSavings),
                        )),
                        false => None,
                    };
                    if slot == funder {
                        for (m, &k) in costs.iter().enumerate() {
                            map[index(o, slot, year, CashMetric::ALL[m])] = CashSource::Same(k);
                        }
                        own(&mut map, index(o, slot, year, CashMetric::NetCash));
                    } else if let Some(k) = savings {
                        map[index(o, slot, year, CashMetric::NetCash)] = CashSource::Negated(k);
                    }
                }
            }
        }
        let per_option = slots * years * 5;
        let writes = (0..model.options.len())
            .map(|o| {
                (0..per_option)
                    .filter_map(|i| match map[o * per_option + i] {
                        CashSource::Own(k) => Some((i, k)),
                        _ => None,
                    })
                    .collect()
            })
            .collect();
        let active = (0..model.options.len())
            .map(|o| {
                let funder = funder_slot(model, o);
                (0..total)
                    .filter(|&s| s == funder || saves_at(model, o, s))
                    .collect()
            })
            .collect();
        CashLayout {
            slots,
            years,
            map,
            active,
            writes,
            len: at - start,
        }
    }

    /// Where a figure comes from.
    pub fn source(
        &self,
        option: usize,
        slot: usize,
        year: usize,
        metric: CashMetric,
    ) -> CashSource {
        let i = ((option * self.slots + slot) * self.years + year) * 5 + metric.index();
        self.map.get(i).copied().unwrap_or(CashSource::Zero)
    }

    /// The output a figure has of its own, if it has one.
    pub fn at(&self, option: usize, slot: usize, year: usize, metric: CashMetric) -> Option<usize> {
        match self.source(option, slot, year, metric) {
            CashSource::Own(k) => Some(k),
            _ => None,
        }
    }

    /// The option, slot, financial year and metric of output `k`, if it is one of the view's.
    pub fn place(&self, k: usize) -> Option<(usize, usize, usize, CashMetric)> {
        let i = self.map.iter().position(|&c| c == CashSource::Own(k))?;
        let metric = CashMetric::ALL[i % 5];
        let year = (i / 5) % self.years;
        let slot = (i / 5 / self.years) % self.slots;
        let option = i / 5 / self.years / self.slots;
        Some((option, slot, year, metric))
    }
}

/// Whether an organisation's departments can save cash through option `o`: one of them is
/// named by one of its effects.
fn saves_at(model: &Model, o: usize, slot: usize) -> bool {
    model.options[o].effects.iter().any(|effect| {
        effect
            .departments
            .iter()
            .any(|&d| model.departments[d].organisation == slot)
    })
}

/// The slot bearing option `o`'s costs: its funder's organisation, else the slot after every
/// organisation.
pub fn funder_slot(model: &Model, o: usize) -> usize {
    model.options[o]
        .funder
        .as_ref()
        .and_then(|f| f.organisation)
        .unwrap_or(model.organisations.len())
}

/// Writes option `o`'s financial view of one iteration, from (in `scratch`) its cost in each
/// appraisal year, the journeys by year and each department's cash-releasing saving per
/// journey.
pub(super) fn put_cash(
    model: &Model,
    layout: &Layout,
    (inputs, o): (&[f64], usize),
    scratch: &mut Scratch,
    put: &mut impl FnMut(usize, f64),
) {
    let cash = &layout.cash;
    if cash.len == 0 {
        return;
    }
    let inflation = model.inflation.map_or(0.0, |id| inputs[id]);
    let gap = model.settings.first_year - model.settings.price_base_year;
    let funder = funder_slot(model, o);
    let mut buffer = std::mem::take(&mut scratch.cash);
    buffer.resize(cash.slots * cash.years * 5, 0.0);
    buffer.fill(0.0);
    let cell = |slot: usize, year: usize, metric: CashMetric| {
        (slot * cash.years + year) * 5 + metric.index()
    };
    let count = model.departments.len();
    for (y, cost) in scratch.costs.iter().enumerate() {
        let nominal = (1.0 + inflation).powi(gap + y as i32);
        let adoption = model.options[o]
            .adoption_input(y)
            .map_or(0.0, |id| inputs[id]);
        // Calendar year y: 3/12 in the financial year before (index y), 9/12 in its own.
        for (fy, part) in [(y, 0.25), (y + 1, 0.75)] {
            let at = part * nominal;
            buffer[cell(funder, fy, CashMetric::Capital)] += at * cost.capital;
            buffer[cell(funder, fy, CashMetric::RiskAllowance)] += at * cost.optimism_bias;
            buffer[cell(funder, fy, CashMetric::Running)] += at * cost.running;
            for (d, dept) in model.departments.iter().enumerate() {
                let (journeys, _) = scratch.year(dept.journey, y, layout.years);
                let saving = adoption * journeys * scratch.saved[o * count + d][3];
                buffer[cell(dept.organisation, fy, CashMetric::CashReleasingSavings)] +=
                    at * saving;
            }
        }
    }
    // Net cash, each slot's period total, and the total over slots.
    let period = cash.years - 1;
    let total = cash.slots - 1;
    for &slot in &cash.active[o] {
        for year in 0..period {
            let [capital, risk, running, savings, _] =
                CashMetric::ALL.map(|m| buffer[cell(slot, year, m)]);
            buffer[cell(slot, year, CashMetric::NetCash)] = capital + risk + running - savings;
            for metric in CashMetric::ALL {
                let value = buffer[cell(slot, year, metric)];
                buffer[cell(slot, period, metric)] += value;
                buffer[cell(total, year, metric)] += value;
                buffer[cell(total, period, metric)] += value;
            }
        }
    }
    for &(i, k) in &cash.writes[o] {
        put(k, buffer[i]);
    }
    scratch.cash = buffer;
}

/// What option `o` means to each organisation (who pays, who benefits), its register's gains
/// and its cash, from the reach and savings [`super::eval::appraise`] left in `scratch`.
pub(super) fn put_organisations(
    model: &Model,
    layout: &Layout,
    (inputs, o): (&[f64], usize),
    pv_costs: f64,
    scratch: &mut Scratch,
    put: &mut impl FnMut(usize, f64),
) {
    // Who pays and who benefits: each organisation receives its departments' savings; the
    // funder bears the costs (the last slot when the funder is no department, or none is
    // named).
    scratch.organisation_benefits.fill(0.0);
    let count = model.departments.len();
    for (d, dept) in model.departments.iter().enumerate() {
        scratch.organisation_benefits[dept.organisation] +=
            scratch.reach[dept.journey] * scratch.saved[o * count + d][2];
    }
    super::register::put_gains(model, layout, o, scratch, put);
    put_cash(model, layout, (inputs, o), scratch, put);
    let funder_slot = funder_slot(model, o);
    for slot in 0..=layout.organisations {
        let costs = if slot == funder_slot { pv_costs } else { 0.0 };
        let benefits = scratch
            .organisation_benefits
            .get(slot)
            .copied()
            .unwrap_or(0.0);
        for (metric, value) in [costs, benefits, costs - benefits].into_iter().enumerate() {
            put(layout.organisation(o, slot, OrgMetric::ALL[metric]), value);
        }
    }
}
