//! `samples.parquet` (with `--samples`): every kept iteration's uncertain inputs and outputs,
//! one column each, through polars.

use polars::prelude::*;

use super::{Artefact, Exporter};
use crate::error::{Error, Result};
use crate::results::Results;

/// `samples.parquet`.
pub struct SamplesParquet;

impl Exporter for SamplesParquet {
    fn name(&self) -> &'static str {
        "samples.parquet"
    }

    fn render(&self, r: &Results, _earlier: &[Artefact]) -> Result<Vec<Artefact>> {
        let Some(samples) = r.samples() else {
            return Ok(Vec::new());
        };
        let model = r.model();
        let inputs = samples.inputs().into_iter().map(|(id, c)| {
            Column::new(
                model.inputs()[id].key.as_str().into(),
                samples.input_column(c),
            )
        });
        let outputs = samples.output_ids().iter().filter_map(|&k| {
            Some(Column::new(
                r.output_name(k).as_str().into(),
                samples.output(k)?,
            ))
        });
        let columns: Vec<Column> = inputs.chain(outputs).collect();
        let fail = |e: &dyn std::fmt::Display| Error::Write {
            path: self.name().into(),
            problem: e.to_string(),
        };
        let mut frame = DataFrame::new(r.iterations() as usize, columns).map_err(|e| fail(&e))?;
        let mut bytes = Vec::new();
        ParquetWriter::new(&mut bytes)
            .finish(&mut frame)
            .map_err(|e| fail(&e))?;
        Ok(vec![Artefact {
            name: self.name().into(),
            bytes,
        }])
    }
}
