//! Every artefact a run writes, in one shape: results in, named bytes out.
//!
//! Each file (or family of files, such as the charts) is one [`Exporter`], rendered from the
//! results alone: no exporter reads another's output. The list of files a run writes is
//! [`registered`], and `run.json`, written last, lists them. A table is built once as a typed
//! [`crate::table::Table`]: registering its builder in [`DATA_TABLES`] gives it its CSV file
//! and its sheet of the workbook, and the same value renders as Markdown in the case and in
//! the terminal. Nothing here touches the disk — [`render_all`] returns the bytes, and the
//! caller decides where they go (a results folder through [`crate::disk::Staging`], a test, a
//! web page).

mod base_case;
mod benefits;
mod case_tables;
mod charts;
mod docx;
pub mod economic_case;
mod financial;
mod fixed_md;
mod markdown;
mod option_tables;
mod options_sheet;
mod portfolio_md;
mod run_json;
mod samples;
mod tables;
pub mod terminal;
mod transactions_md;
mod voi_md;
mod words;
mod workbook;

use crate::error::Result;
use crate::results::Results;

pub use markdown::{component_table, department_table, detail_table};
pub use tables::{DataTable, Tables, DATA_TABLES};

pub use crate::disk::Artefact;
pub use option_tables::{headline as option_headline, OptionHeadline};
pub use run_json::RESULTS_FORMAT;
pub use voi_md::sentence as voi_sentence;
pub use workbook::{workbook, WORKBOOK};

/// Turns results into files.
pub trait Exporter: Sync {
    /// The file (or, ending in `/`, the folder) this exporter writes, as a run lists it.
    fn name(&self) -> &'static str;

    /// The files, rendered in memory from the results alone (and the run's registered tables,
    /// built once for every exporter that writes one). An exporter with nothing to say for
    /// these results (an appraisal table of a scenario with no options) returns no files.
    ///
    /// # Errors
    /// When an artefact cannot be rendered (a chart the backend refuses, a Parquet encoding
    /// failure, a figure that is not finite).
    fn render(&self, results: &Results, tables: &Tables) -> Result<Vec<Artefact>>;
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

/// The exporters of a run, in the order their files are listed; `run.json`, which lists
/// them, comes after them all.
pub fn registered(options: ExportOptions) -> Vec<Box<dyn Exporter>> {
    let mut list: Vec<Box<dyn Exporter>> = tables::DATA_TABLES
        .iter()
        .map(|t| Box::new(tables::CsvFile(t)) as Box<dyn Exporter>)
        .collect();
    list.push(Box::new(markdown::SummaryMd));
    list.push(Box::new(economic_case::EconomicCaseMd {
        charts: options.charts,
    }));
    list.push(Box::new(workbook::EconomicCaseXlsx));
    if options.charts {
        list.push(Box::new(charts::ChartsPng));
    }
    if options.samples {
        list.push(Box::new(samples::SamplesParquet));
    }
    list
}

/// Every artefact of a run, rendered in memory, with the names of the exporters that wrote at
/// least one file (the list a run reports), and last `run.json`, which lists them together
/// with `written_by_caller`: the files the caller wrote itself (a streamed `samples.parquet`).
///
/// # Errors
/// The first exporter that fails.
pub fn render_all(
    results: &Results,
    options: ExportOptions,
    written_by_caller: &[&str],
) -> Result<Rendered> {
    let mut rendered = Rendered::default();
    let tables = Tables::new(results);
    for exporter in registered(options) {
        let files = exporter.render(results, &tables)?;
        if !files.is_empty() {
            rendered.names.push(exporter.name().to_string());
            rendered.files.extend(files);
        }
    }
    if let Some(case) = rendered.get(economic_case::NAME) {
        let text = String::from_utf8_lossy(&case.bytes).into_owned();
        let document = docx::render(results, &text, &rendered.files)?;
        let at = rendered
            .names
            .iter()
            .position(|n| n == economic_case::NAME)
            .map_or(rendered.names.len(), |i| i + 1);
        rendered.names.insert(at, docx::NAME.to_string());
        rendered.files.push(document);
    }
    let listed: Vec<&str> = rendered
        .files
        .iter()
        .map(|a| a.name.as_str())
        .chain(written_by_caller.iter().copied())
        .collect();
    let manifest = run_json::render(results, &listed)?;
    rendered
        .names
        .extend(written_by_caller.iter().map(|n| n.to_string()));
    rendered.names.push(run_json::NAME.to_string());
    rendered.files.push(manifest);
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
