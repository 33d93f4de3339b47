//! Payback stated honestly (docs/method.md §3): the central year is the median over *all*
//! iterations, an iteration that never pays back counted as after the period, so a reader is
//! never told "it pays back by 2033" when four in five iterations never do.
//!
//! The engine keeps the statistics of the payback year over the iterations that pay back; the
//! quantiles over all iterations follow from them, because every iteration that never pays
//! back sits above every one that does.

use crate::format::chance;

/// What the run says about when an option pays back.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct Payback {
    /// The share of iterations that pay back within the appraisal period.
    pub share: f64,
    /// The median year over all iterations; `None` when fewer than half pay back.
    pub central: Option<i32>,
    /// P10 and P90 over all iterations; `None` where it falls after the period.
    pub p10: Option<i32>,
    pub p90: Option<i32>,
    /// The median year among the iterations that pay back: context, never the headline.
    pub median_of_those_that_do: Option<i32>,
}

impl Payback {
    /// The payback of a run of `iterations`, of which `paying` pay back, from `quantile`: the
    /// calendar year at a probability among the iterations that pay back.
    pub fn from_paying(
        iterations: u64,
        paying: u64,
        quantile: impl Fn(f64) -> Option<i32>,
    ) -> Payback {
        let over_all = |p: f64| {
            // The rank over all iterations; ranks above `paying` never pay back.
            let rank = (p * iterations as f64).ceil().max(1.0) as u64;
            if paying == 0 || rank > paying {
                return None;
            }
            // Half a rank below the rank, so the sketch's own ceiling lands on it.
            quantile((rank as f64 - 0.5) / paying as f64)
        };
        Payback {
            share: if iterations == 0 {
                0.0
            } else {
                paying as f64 / iterations as f64
            },
            central: over_all(0.5),
            p10: over_all(0.1),
            p90: over_all(0.9),
            median_of_those_that_do: if paying == 0 { None } else { quantile(0.5) },
        }
    }

    /// The central year in words: "2031" or "not within the period".
    pub fn central_words(&self) -> String {
        self.central
            .map_or("not within the period".into(), |y| y.to_string())
    }

    /// The short statement every output shows: "2031 (62% pay back)", "not within the
    /// period (22% pay back)".
    pub fn summary(&self) -> String {
        format!("{} ({} pay back)", self.central_words(), chance(self.share))
    }

    /// A clause for a summary, leading with the share: "it pays back within the period in
    /// 62% of iterations, half of all iterations by 2031", or "…in 22% of iterations, fewer
    /// than half".
    pub fn clause(&self) -> String {
        let share = chance(self.share);
        match self.central {
            Some(year) => format!(
                "it pays back within the period in {share} of iterations, half of all iterations by {year}"
            ),
            None => format!(
                "it pays back within the period in {share} of iterations, fewer than half"
            ),
        }
    }

    /// The sentence of the case, leading with the share that pays back: "62% of iterations pay
    /// back within the appraisal period; over all iterations the median payback year is 2031
    /// (P10–P90: 2029 to after the period)."
    pub fn sentence(&self) -> String {
        let share = chance(self.share);
        if self.median_of_those_that_do.is_none() {
            return "No iteration pays back within the appraisal period.".into();
        }
        let year = |y: Option<i32>| y.map_or("after the period".into(), |y| y.to_string());
        match self.central {
            Some(central) => {
                let range = if self.p10 == self.p90 {
                    year(self.p10)
                } else {
                    format!("{} to {}", year(self.p10), year(self.p90))
                };
                format!(
                    "{share} of iterations pay back within the appraisal period; over all iterations the median payback year is {central} (P10–P90: {range})."
                )
            }
            None => format!(
                "{share} of iterations pay back within the appraisal period, fewer than half, so the central payback year is not within the period (among the iterations that do pay back, the median year is {}).",
                year(self.median_of_those_that_do)
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Iterations paying back in years 2030 + k for the k-th tenth of those that pay back.
    fn tenths(p: f64) -> Option<i32> {
        Some(2030 + ((p * 10.0).ceil() as i32 - 1).max(0))
    }

    #[test]
    fn the_central_year_counts_iterations_that_never_pay_back_as_after_the_period() {
        // 1,000 iterations, 800 pay back: overall rank 500 is rank 500 of the 800 (the seventh
        // tenth of them, 2036); rank 100 is in their second tenth (2031); rank 900 never pays.
        let p = Payback::from_paying(1000, 800, tenths);
        assert_eq!(p.share, 0.8);
        assert_eq!(p.central, Some(2036));
        assert_eq!(p.p10, Some(2031));
        assert_eq!(p.p90, None);
        assert_eq!(p.median_of_those_that_do, Some(2034));
        assert!(p.sentence().starts_with("80% of iterations pay back"));
        assert!(p.sentence().contains("2031 to after the period"));
        assert_eq!(p.summary(), "2036 (80% pay back)");
        assert_eq!(
            p.clause(),
            "it pays back within the period in 80% of iterations, half of all iterations by 2036"
        );
    }

    #[test]
    fn fewer_than_half_paying_back_is_not_within_the_period() {
        let p = Payback::from_paying(1000, 220, tenths);
        assert_eq!(p.central, None);
        assert_eq!(p.summary(), "not within the period (22% pay back)");
        assert!(p.sentence().contains("median year is 2034"));
        let none = Payback::from_paying(1000, 0, tenths);
        assert_eq!(none.summary(), "not within the period (<0.1% pay back)");
        assert_eq!(
            none.sentence(),
            "No iteration pays back within the appraisal period."
        );
    }

    #[test]
    fn every_iteration_paying_back_gives_the_quantiles_of_those_that_do() {
        let p = Payback::from_paying(1000, 1000, tenths);
        assert_eq!(p.central, Some(2034));
        assert_eq!(p.p10, Some(2030));
        assert_eq!(p.p90, Some(2038));
        assert_eq!(p.summary(), "2034 (>99.9% pay back)");
    }
}
