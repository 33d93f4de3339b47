//! The integration tests: one binary, one module per area. Statistical tests use fixed seeds and
//! tolerances of 4 standard errors around values worked out by hand (see each module).

mod analytic;
mod api;
mod appraisal;
mod architecture;
mod bad_input;
mod browser;
mod cases;
mod channels;
mod charts;
mod cli;
mod common;
mod corpus;
mod distributions;
mod golden;
mod hostile_compare;
mod hostile_messages;
mod hostile_workbooks;
mod money_format;
mod nothing_lost;
mod one_truth;
mod portfolio;
mod properties;
mod reviewer;
mod safety;
mod sampling;
mod scenarios;
mod serve;
mod snapshots;
mod source;
mod spreads;
mod tables;
mod treasury;
mod voi;
mod word;
mod workbook;
