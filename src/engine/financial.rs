//! The financial view (docs/method.md §3c): each organisation's cash by financial year, in the
//! money of the day and undiscounted — what a finance business partner asks of a business case
//! beside its Economic Case. The funder's capital, the optimism-bias uplift shown as a risk
//! allowance and its running cost; each department's cash-releasing savings; their net. A
//! calendar year's flows fall 9/12 in the financial year that starts that April and 3/12 in
//! the one before, at that year's prices: real × (1 + inflation)^(year − price base year).

use super::eval::{Layout, Scratch};
use crate::appraisal::OptionCost;
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

    /// Whether the metric is a cost the funder bears.
    fn is_cost(self) -> bool {
        matches!(
            self,
            CashMetric::Capital | CashMetric::RiskAllowance | CashMetric::Running
        )
    }
}

/// Where the financial view's figures are in the output row. Per option, the slots are every
/// organisation, then the funder that is no department (or costs not allocated), then the
/// total; per slot, the financial years from the one before the first appraisal year to the
/// one that starts in the last, then the period's total. A figure that is zero by
/// construction (a department's capital where another funds the option) is not stored.
#[derive(Debug, Clone, Default)]
pub struct CashLayout {
    pub slots: usize,
    /// Financial years, the period total after them.
    pub years: usize,
    map: Vec<Option<usize>>,
    pub len: usize,
}

impl CashLayout {
    /// The view of `model`'s options, laid out from output `start`.
    pub fn new(model: &Model, start: usize) -> CashLayout {
        let slots = model.organisations.len() + 2;
        let years = model.settings.years + 2;
        let mut map = Vec::with_capacity(model.options.len() * slots * years * 5);
        let mut at = start;
        for o in 0..model.options.len() {
            let funder = funder_slot(model, o);
            for slot in 0..slots {
                let total = slot == slots - 1;
                for _ in 0..years {
                    for metric in CashMetric::ALL {
                        let stored = total
                            || slot == funder
                            || (slot < model.organisations.len() && !metric.is_cost());
                        map.push(stored.then(|| {
                            at += 1;
                            at - 1
                        }));
                    }
                }
            }
        }
        CashLayout {
            slots,
            years,
            map,
            len: at - start,
        }
    }

    /// The output holding a figure, or `None` where it is zero by construction.
    pub fn at(&self, option: usize, slot: usize, year: usize, metric: CashMetric) -> Option<usize> {
        self.map[((option * self.slots + slot) * self.years + year) * 5 + metric.index()]
    }

    /// The option, slot, financial year and metric of output `k`, if it is one of the view's.
    pub fn place(&self, k: usize) -> Option<(usize, usize, usize, CashMetric)> {
        let i = self.map.iter().position(|&c| c == Some(k))?;
        let metric = CashMetric::ALL[i % 5];
        let year = (i / 5) % self.years;
        let slot = (i / 5 / self.years) % self.slots;
        let option = i / 5 / self.years / self.slots;
        Some((option, slot, year, metric))
    }
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

/// Writes option `o`'s financial view of one iteration, from its cost in each appraisal year
/// and (in `scratch`) its adoption by year, the journeys by year and each department's
/// cash-releasing saving per journey.
pub(super) fn put_cash(
    model: &Model,
    layout: &Layout,
    (inputs, o): (&[f64], usize),
    costs: &[OptionCost],
    scratch: &mut Scratch,
    put: &mut impl FnMut(usize, f64),
) {
    let cash = &layout.cash;
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
    for (y, cost) in costs.iter().enumerate() {
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
    for slot in 0..total {
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
    for slot in 0..cash.slots {
        for year in 0..cash.years {
            for metric in CashMetric::ALL {
                if let Some(k) = cash.at(o, slot, year, metric) {
                    put(k, buffer[cell(slot, year, metric)]);
                }
            }
        }
    }
    scratch.cash = buffer;
}
