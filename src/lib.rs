//! # seams
//!
//! A Monte Carlo cost model of disjointed public services, with a Green Book appraisal of the
//! options that would join them up. It reads a scenario file (TOML) describing, per
//! department, repetition, failure demand, getting stuck and the time each costs users and
//! government, each as a distribution; it estimates the annual cost of disjointedness and, per
//! option, present values, NPSV, BCR and the chance the option pays off.
//!
//! The pipeline, one module per stage: [`scenario`] reads and validates the file (with the
//! distribution language in [`dist`] and the parameter catalogue in [`params`]); [`engine`]
//! draws and evaluates iterations in deterministic parallel batches; [`report`] turns results
//! into CSV and Markdown; [`output`] writes the results folder atomically; [`app`] ties them
//! into the commands.
//!
//! ```no_run
//! use seams::app::{run, RunPlan};
//! let plan = RunPlan {
//!     scenario: "scenarios/border-exports.toml".into(),
//!     iterations: Some(20_000),
//!     seed: None,
//!     out: Some("results/border".into()),
//!     overrides: vec![],
//!     assumptions: None,
//!     samples: false,
//!     charts: true,
//!     progress: false,
//! };
//! let outcome = run(&plan)?;
//! println!("{}", outcome.terminal);
//! # Ok::<(), seams::Error>(())
//! ```

pub mod app;
pub mod assumptions;
pub mod charts;
pub mod compare;
pub mod dist;
pub mod engine;
pub mod error;
pub mod output;
pub mod params;
pub mod reference;
pub mod report;
pub mod scenario;
pub mod sensitivity;

pub use error::{Error, Result};
