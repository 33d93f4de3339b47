//! # seams
//!
//! A Monte Carlo cost model of disjointed public services, with a Green Book appraisal of the
//! options that would join them up. It reads a scenario file (TOML) describing, per
//! department, repetition, failure demand, getting stuck and the time each costs users and
//! government, each as a distribution; it estimates the annual cost of disjointedness and, per
//! option, present values, NPSV, BCR and the chance the option pays off. The method is set out
//! for reviewers in `docs/method.md`.
//!
//! A run is a value: load a [`Model`], [`run`] it with a [`RunConfig`], and read the
//! [`Results`] — in memory, by meaning — or render them into files with [`export`]. Nothing
//! touches the disk or the terminal until the caller asks.
//!
//! ```
//! use seams::outputs::{Bearer, Component, Metric, Scope};
//! use seams::{export, RunConfig, Source};
//!
//! let model = Source::read("scenarios/border-exports.toml").and_then(|s| s.model(&[]))?;
//! let config = RunConfig { iterations: Some(4_096), ..RunConfig::default() };
//! let results = seams::run(&model, &config)?;
//!
//! let failure = results.cost(Scope::Total, Component::Failure, Bearer::Users);
//! println!("failure demand costs users £{:.0} a year (mean)", failure.mean);
//! let npsv = results.appraisal(0, Metric::Npsv).expect("NPSV is always defined");
//! assert!(npsv.p10 <= npsv.p90);
//!
//! // Every file a run writes, rendered in memory.
//! let rendered = export::render_all(&results, export::ExportOptions { charts: false, samples: false }, &[])?;
//! assert!(rendered.get("economic-case.md").is_some());
//! # Ok::<(), seams::Error>(())
//! ```
//!
//! The pipeline, one module per stage: [`scenario`] reads and validates the file (with the
//! distribution language in [`dist`] and the parameter catalogue in [`params`]); [`engine`]
//! draws and evaluates iterations in deterministic parallel batches; [`appraisal`] turns costs
//! into Green Book figures; [`sensitivity`] finds what drives them; [`export`] and [`charts`]
//! render the results through the typed tables of [`table`]; [`register`] writes and reads the
//! assumptions register; [`disk`] reads files safely and writes a results folder atomically;
//! [`app`] ties them into
//! the commands of the binary.

pub mod app;
pub mod appraisal;
pub mod charts;
pub mod compare;
pub mod conditions;
pub mod disk;
pub mod dist;
pub mod elicit;
pub mod engine;
pub mod error;
pub mod export;
pub mod fit;
pub mod fixed;
pub mod format;
pub mod named_cases;
pub mod optimise;
pub mod order;
pub mod outputs;
pub mod params;
pub mod register;
pub mod regression;
pub mod results;
pub mod scenario;
pub mod sensitivity;
pub mod serve;
pub mod table;
pub mod template;
pub mod voi;
pub mod voi_groups;

pub use engine::{Analyses, CancelToken, Keep, Progress, RunConfig};
pub use error::{Error, Result};
pub use results::{run, Results};
pub use scenario::{Model, Override, Source};
