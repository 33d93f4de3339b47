//! Every artefact a run writes, in one shape: results in, named bytes out.
//!
//! Each file (or family of files, such as the charts) is one [`Exporter`]. The list of files a
//! run writes is [`registered`]: adding an output file means writing one exporter and adding
//! it there. Nothing here touches the disk — [`render_all`] returns the bytes, and the caller
//! decides where they go (a results folder through [`crate::output::Staging`], a test, a web
//! page).

mod charts;
pub mod economic_case;
mod markdown;
mod option_tables;
mod portfolio_md;
pub mod register;
mod run_json;
mod samples;
mod tables;
pub mod terminal;
mod transactions_md;
mod words;
mod workbook;

use crate::error::Result;
use crate::results::Results;

pub use markdown::{component_table, department_table, detail_table};
pub use samples::ParquetStream;
pub use tables::{csv_table, AppraisalCsv, Cell, SummaryCsv};

pub use crate::output::Artefact;
pub use run_json::RESULTS_FORMAT;
pub use workbook::WORKBOOK;

/// Turns results into files.
pub trait Exporter: Sync {
    /// The file (or, ending in `/`, the folder) this exporter writes, as a run lists it.
    fn name(&self) -> &'static str;

    /// The files, rendered in memory. `earlier` holds the files of the exporters registered
    /// before this one (`run.json` lists them). An exporter with nothing to say for these
    /// results (an appraisal table of a scenario with no options) returns no files.
    ///
    /// # Errors
    /// When an artefact cannot be rendered (a chart the backend refuses, a Parquet encoding
    /// failure).
    fn render(&self, results: &Results, earlier: &[Artefact]) -> Result<Vec<Artefact>>;
}

/// Which optional artefacts to render.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ExportOptions {
    /// Draw the charts (and link them from the economic case).
    pub charts: bool,
    /// Write every kept iteration to `samples.parquet`.
    pub samples: bool,
}

impl Default for ExportOptions {
    fn default() -> Self {
        ExportOptions {
            charts: true,
            samples: false,
        }
    }
}

/// The exporters of a run, in the order their files are listed.
pub fn registered(options: ExportOptions) -> Vec<Box<dyn Exporter>> {
    let mut list: Vec<Box<dyn Exporter>> = vec![
        Box::new(tables::SummaryCsv),
        Box::new(markdown::SummaryMd),
        Box::new(economic_case::EconomicCaseMd {
            charts: options.charts,
        }),
        Box::new(tables::SensitivityCsv),
        Box::new(tables::AppraisalCsv),
        Box::new(tables::YearlyCsv),
        Box::new(tables::OrganisationsCsv),
        Box::new(tables::TransactionsCsv),
        Box::new(tables::SwitchingCsv),
        Box::new(workbook::EconomicCaseXlsx),
    ];
    if options.charts {
        list.push(Box::new(charts::ChartsPng));
    }
    if options.samples {
        list.push(Box::new(samples::SamplesParquet));
    }
    list.push(Box::new(run_json::RunJson));
    list
}

/// Every artefact of a run, rendered in memory, with the names of the exporters that wrote at
/// least one file (the list a run reports).
///
/// # Errors
/// The first exporter that fails.
pub fn render_all(results: &Results, options: ExportOptions) -> Result<Rendered> {
    let mut rendered = Rendered::default();
    for exporter in registered(options) {
        let files = exporter.render(results, &rendered.files)?;
        if !files.is_empty() {
            rendered.names.push(exporter.name().to_string());
            rendered.files.extend(files);
        }
    }
    Ok(rendered)
}

/// The artefacts of a run.
#[derive(Debug, Clone, Default)]
pub struct Rendered {
    /// Each exporter that wrote something, by its name (`summary.csv`, `charts/`).
    pub names: Vec<String>,
    pub files: Vec<Artefact>,
}

impl Rendered {
    /// The artefact with this name.
    pub fn get(&self, name: &str) -> Option<&Artefact> {
        self.files.iter().find(|a| a.name == name)
    }
}
