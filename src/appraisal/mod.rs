//! The Green Book appraisal (docs/method.md §3): discounting, optimism bias, present values,
//! NPSV, BCR, net present cost to government and the payback year.
//!
//! The engine computes costs with and without each option; this module turns the yearly flows
//! into Green Book figures. It holds no state and allocates nothing, so the engine calls it once
//! per option per iteration.

pub mod payback;
pub mod reference;

pub use payback::Payback;

use crate::outputs::Metric;

/// How future years are discounted (docs/method.md §3).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Discounting {
    /// The Green Book social time preference rate: 3.5 % for years 1–30, declining after.
    GreenBook,
    /// The Green Book health discount rate: 1.5 % for years 1–30, declining after.
    Health,
    /// One rate for every year (`discounting.rate`).
    Fixed(f64),
}

impl Discounting {
    /// The rate of appraisal year `year`.
    pub fn rate(self, year: u32) -> f64 {
        match self {
            Discounting::GreenBook => reference::green_book_rate(year),
            Discounting::Health => reference::green_book_health_rate(year),
            Discounting::Fixed(rate) => rate,
        }
    }
}

/// Discount factors DF_0 … DF_{years−1}: DF_0 = 1 and DF_y = DF_{y−1} / (1 + rate of year y).
pub fn discount_factors(years: usize, discounting: Discounting) -> Vec<f64> {
    let mut factors = Vec::with_capacity(years);
    let mut df = 1.0;
    for y in 0..years {
        if y > 0 {
            df /= 1.0 + discounting.rate(y as u32);
        }
        factors.push(df);
    }
    factors
}

/// Option cost in one year: capital with its optimism-bias uplift, plus running cost once live.
pub fn option_cost(capital: f64, optimism_bias: f64, running: f64, live: bool) -> OptionCost {
    let running = if live { running } else { 0.0 };
    OptionCost {
        total: capital * (1.0 + optimism_bias) + running,
        capital,
        optimism_bias: capital * optimism_bias,
        running,
    }
}

/// An option's cost in one year, in its three parts.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct OptionCost {
    /// Capital × (1 + optimism bias) + running cost.
    pub total: f64,
    pub capital: f64,
    /// The optimism-bias uplift on the capital.
    pub optimism_bias: f64,
    pub running: f64,
}

/// Discounted sums of an option's flows over the appraisal period, year by year, with the
/// payback year as the flows come in.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct PresentValues {
    pub benefits_users: f64,
    pub benefits_government: f64,
    /// The cash-releasing part of the benefits to government.
    pub benefits_cash: f64,
    pub costs: f64,
    /// The parts of the costs: capital, its optimism-bias uplift, and running costs.
    pub cost_parts: [f64; 3],
    years: usize,
    /// The year from which the cumulative discounted net benefit has stayed ≥ 0, if it has.
    paid_back_since: Option<usize>,
}

impl PresentValues {
    /// Adds the next year's flows at discount factor `df`: benefits to users, to government,
    /// and the cash-releasing part of the latter; and the option's cost.
    pub fn add_year(&mut self, df: f64, [users, government, cash]: [f64; 3], cost: OptionCost) {
        self.benefits_users += df * users;
        self.benefits_government += df * government;
        self.benefits_cash += df * cash;
        self.costs += df * cost.total;
        let parts = [cost.capital, cost.optimism_bias, cost.running];
        for (sum, part) in self.cost_parts.iter_mut().zip(parts) {
            *sum += df * part;
        }
        let cumulative = self.benefits_users + self.benefits_government - self.costs;
        if cumulative < 0.0 {
            self.paid_back_since = None;
        } else if self.paid_back_since.is_none() {
            self.paid_back_since = Some(self.years);
        }
        self.years += 1;
    }

    /// Every appraisal metric, in the order of [`Metric::ALL`]. The BCR is NaN — undefined, and
    /// left out of its statistics — when PV costs are not above 0; so is the payback year when
    /// the option never pays back. The payback year is given as the appraisal year (0, 1, …):
    /// small whole numbers keep its percentiles exact, and [`crate::Results`] adds the first
    /// calendar year when it reports them.
    pub fn metrics(&self) -> [f64; Metric::ALL.len()] {
        let benefits = self.benefits_users + self.benefits_government;
        let bcr = if self.costs > 0.0 {
            benefits / self.costs
        } else {
            f64::NAN
        };
        let payback = self.paid_back_since.map_or(f64::NAN, |y| y as f64);
        [
            self.benefits_users,
            self.benefits_government,
            benefits,
            self.costs,
            benefits - self.costs,
            bcr,
            self.costs - self.benefits_government,
            self.benefits_cash,
            self.benefits_government - self.benefits_cash,
            payback,
            self.cost_parts[0],
            self.cost_parts[1],
            self.cost_parts[2],
        ]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn discount_factors_follow_the_green_book() {
        let df = discount_factors(80, Discounting::GreenBook);
        assert_eq!(df[0], 1.0);
        assert!((df[10] - 1.0 / 1.035f64.powi(10)).abs() < 1e-12);
        assert!((df[31] - df[30] / 1.03).abs() < 1e-12);
        assert!((df[76] - df[75] / 1.025).abs() < 1e-12);
        let flat = discount_factors(5, Discounting::Fixed(0.05));
        assert!((flat[4] - 1.0 / 1.05f64.powi(4)).abs() < 1e-12);
        let health = discount_factors(40, Discounting::Health);
        assert!((health[30] - 1.0 / 1.015f64.powi(30)).abs() < 1e-12);
        assert!((health[31] - health[30] / 1.0129).abs() < 1e-12);
    }

    /// The payback year (appraisal year, NaN for never) of undiscounted net flows.
    fn payback(net: &[f64]) -> f64 {
        let mut pv = PresentValues::default();
        for &flow in net {
            pv.add_year(1.0, [flow, 0.0, 0.0], OptionCost::default());
        }
        pv.metrics()[Metric::ALL
            .iter()
            .position(|m| *m == Metric::PaybackYear)
            .unwrap()]
    }

    #[test]
    fn payback_is_the_year_from_which_the_total_stays_positive() {
        assert_eq!(payback(&[-10.0, 4.0, 4.0, 4.0]), 3.0);
        assert_eq!(payback(&[5.0, 1.0]), 0.0);
        // Positive, then negative again, then positive for good.
        assert_eq!(payback(&[1.0, -3.0, 1.0, 5.0]), 3.0);
        assert!(payback(&[-10.0, 4.0, 4.0]).is_nan());
        assert!(payback(&[]).is_nan());
    }

    #[test]
    fn metrics_by_hand() {
        let mut pv = PresentValues::default();
        // Capital of 20 with 50% optimism bias, and 10 of running cost: 40 in year 0.
        pv.add_year(1.0, [10.0, 20.0, 8.0], option_cost(20.0, 0.5, 10.0, true));
        assert!(pv.metrics()[Metric::PaybackYear.index()].is_nan());
        pv.add_year(0.5, [10.0, 20.0, 8.0], OptionCost::default());
        let m = pv.metrics();
        assert_eq!(
            m,
            [
                15.0,
                30.0,
                45.0,
                40.0,
                5.0,
                45.0 / 40.0,
                10.0,
                12.0,
                18.0,
                1.0, // paid back from appraisal year 1
                20.0,
                10.0,
                10.0
            ]
        );
        assert!(PresentValues::default().metrics()[Metric::Bcr.index()].is_nan());
    }
}
