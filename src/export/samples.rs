//! `samples.parquet` from the iterations a library caller kept in memory
//! ([`crate::Keep::Everything`]), rendered in one piece; a run of the binary streams it
//! instead ([`crate::disk::ParquetStream`]).

use polars::prelude::*;

use super::{Artefact, Exporter, Tables};
use crate::disk::samples::{fail, frame, NAME};
use crate::error::Result;
use crate::results::Results;

/// `samples.parquet` from the iterations a run kept in memory.
pub struct SamplesParquet;

impl Exporter for SamplesParquet {
    fn name(&self) -> &'static str {
        NAME
    }

    fn render(&self, r: &Results, _tables: &Tables) -> Result<Vec<Artefact>> {
        let Some(samples) = r.samples() else {
            return Ok(Vec::new());
        };
        let model = r.model();
        let inputs = samples.inputs();
        let names: Vec<String> = inputs
            .iter()
            .map(|&(id, _)| model.inputs()[id].key.clone())
            .chain(samples.output_ids().iter().map(|&k| r.output_name(k)))
            .collect();
        let columns: Vec<Vec<f64>> = inputs
            .iter()
            .map(|&(_, c)| samples.input_column(c).to_vec())
            .chain(
                samples
                    .output_ids()
                    .iter()
                    .filter_map(|&k| samples.output(k).map(<[f64]>::to_vec)),
            )
            .collect();
        let mut frame = frame(&names, columns)?;
        let mut bytes = Vec::new();
        ParquetWriter::new(&mut bytes)
            .finish(&mut frame)
            .map_err(|e| fail(&e))?;
        Ok(vec![Artefact {
            name: NAME.into(),
            bytes,
        }])
    }
}
