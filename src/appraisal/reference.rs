//! Reference tables from `data/`, embedded at build time so the binary needs no data folder:
//! the Green Book discount schedule and optimism-bias categories. The CSV files stay the one
//! source of truth, with their sources beside each row.

use std::sync::OnceLock;

const DISCOUNT_RATES_CSV: &str = include_str!("../../data/discount_rates.csv");
const OPTIMISM_BIAS_CSV: &str = include_str!("../../data/optimism_bias.csv");
const GDP_DEFLATOR_CSV: &str = include_str!("../../data/gdp_deflator.csv");

/// Where the GDP deflator comes from, and its vintage.
pub const GDP_DEFLATOR_SOURCE: &str = "HM Treasury, GDP deflators at market prices, and money GDP: December 2025 (Quarterly National Accounts), calendar years, 2024 = 100";

/// One band of the Green Book discount schedule.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DiscountBand {
    pub from_year: u32,
    /// Inclusive; `None` for the open-ended last band.
    pub to_year: Option<u32>,
    pub rate: f64,
    /// The Green Book rate for health effects over the same band.
    pub health_rate: f64,
}

/// Where the discount schedules come from, and their vintage.
pub const DISCOUNT_SOURCE: &str =
    "HM Treasury, The Green Book (2022), Annex A6: social time preference rate and health discount rate, declining long-term schedules";

/// Where the optimism-bias categories come from, and their vintage.
pub const OPTIMISM_BIAS_TABLE_SOURCE: &str =
    "HM Treasury, Green Book supplementary guidance: optimism bias (Mott MacDonald, Review of Large Public Procurement in the UK, 2002)";

/// A Green Book optimism-bias category for capital costs.
#[derive(Debug, Clone, PartialEq)]
pub struct OptimismBias {
    pub category: String,
    pub upper: f64,
    pub lower: f64,
}

#[derive(serde::Deserialize)]
struct DiscountRow {
    from_year: u32,
    to_year: Option<u32>,
    rate: f64,
    health_rate: f64,
}

#[derive(serde::Deserialize)]
struct BiasRow {
    category: String,
    capital_upper: f64,
    capital_lower: f64,
}

fn read_rows<T: serde::de::DeserializeOwned>(text: &str) -> Vec<T> {
    csv::Reader::from_reader(text.as_bytes())
        .deserialize()
        .collect::<Result<Vec<T>, _>>()
        // The tables are compiled in and checked by the tests below; a broken one is a bug.
        .expect("embedded reference table is valid CSV")
}

/// The Green Book declining schedule of social time preference rates.
pub fn green_book_schedule() -> &'static [DiscountBand] {
    static BANDS: OnceLock<Vec<DiscountBand>> = OnceLock::new();
    BANDS.get_or_init(|| {
        read_rows::<DiscountRow>(DISCOUNT_RATES_CSV)
            .into_iter()
            .map(|r| DiscountBand {
                from_year: r.from_year,
                to_year: r.to_year,
                rate: r.rate,
                health_rate: r.health_rate,
            })
            .collect()
    })
}

/// The band of the Green Book schedule that holds appraisal year `year`.
fn band(year: u32) -> &'static DiscountBand {
    let bands = green_book_schedule();
    bands
        .iter()
        .find(|b| year >= b.from_year && b.to_year.is_none_or(|to| year <= to))
        .unwrap_or(&bands[bands.len() - 1])
}

/// The Green Book social time preference rate for appraisal year `year`.
pub fn green_book_rate(year: u32) -> f64 {
    band(year).rate
}

/// The Green Book health discount rate for appraisal year `year`.
pub fn green_book_health_rate(year: u32) -> f64 {
    band(year).health_rate
}

#[derive(serde::Deserialize)]
struct DeflatorRow {
    year: i32,
    deflator: f64,
}

/// The GDP deflator at market prices by calendar year (2024 = 100).
pub fn gdp_deflators() -> &'static [(i32, f64)] {
    static ROWS: OnceLock<Vec<(i32, f64)>> = OnceLock::new();
    ROWS.get_or_init(|| {
        read_rows::<DeflatorRow>(GDP_DEFLATOR_CSV)
            .into_iter()
            .map(|r| (r.year, r.deflator))
            .collect()
    })
}

/// The GDP deflator of a calendar year, where the table has it.
pub fn gdp_deflator(year: i32) -> Option<f64> {
    gdp_deflators()
        .iter()
        .find(|(y, _)| *y == year)
        .map(|(_, d)| *d)
}

/// The first and last years of the deflator table.
pub fn gdp_deflator_years() -> (i32, i32) {
    let rows = gdp_deflators();
    (rows[0].0, rows[rows.len() - 1].0)
}

/// The optimism-bias categories.
pub fn optimism_bias_categories() -> &'static [OptimismBias] {
    static CATEGORIES: OnceLock<Vec<OptimismBias>> = OnceLock::new();
    CATEGORIES.get_or_init(|| {
        read_rows::<BiasRow>(OPTIMISM_BIAS_CSV)
            .into_iter()
            .map(|r| OptimismBias {
                category: r.category,
                upper: r.capital_upper,
                lower: r.capital_lower,
            })
            .collect()
    })
}

/// The category with this name.
pub fn optimism_bias(category: &str) -> Option<&'static OptimismBias> {
    optimism_bias_categories()
        .iter()
        .find(|c| c.category == category)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_deflator_table_is_read() {
        assert_eq!(gdp_deflator_years(), (1990, 2024));
        assert_eq!(gdp_deflator(2012), Some(71.9294));
        assert_eq!(gdp_deflator(2024), Some(100.0));
        assert_eq!(gdp_deflator(1989), None);
        assert_eq!(gdp_deflators().len(), 35);
    }

    #[test]
    fn later_bands_are_read() {
        assert_eq!(green_book_health_rate(10), 0.015);
        assert_eq!(green_book_health_rate(50), 0.0129);
        assert_eq!(green_book_health_rate(400), 0.0043);
        assert_eq!(green_book_rate(150), 0.02);
        assert_eq!(green_book_rate(250), 0.015);
        assert_eq!(green_book_rate(1000), 0.01);
    }

    #[test]
    fn optimism_bias_categories_are_read() {
        assert_eq!(
            optimism_bias("equipment-development").map(|c| c.upper),
            Some(2.0)
        );
        assert_eq!(
            optimism_bias("standard-buildings").map(|c| c.lower),
            Some(0.02)
        );
        assert_eq!(optimism_bias_categories().len(), 6);
        assert!(optimism_bias("nope").is_none());
    }
}
