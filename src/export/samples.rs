//! `samples.parquet` (with `--samples`): every iteration's uncertain inputs and summary and
//! appraisal outputs, one column each, through polars. A run of the binary streams it batch by
//! batch ([`ParquetStream`]), so its size on disk never has to fit in memory; a library caller
//! that kept every iteration in memory ([`crate::Keep::Everything`]) renders it in one piece.

use std::fs::File;
use std::sync::Mutex;

use polars::prelude::*;

use super::{Artefact, Exporter};
use crate::engine::SampleSink;
use crate::error::{Error, Result};
use crate::results::Results;

const NAME: &str = "samples.parquet";

fn fail(e: &dyn std::fmt::Display) -> Error {
    Error::Write {
        path: NAME.into(),
        problem: e.to_string(),
    }
}

/// A frame of named columns of equal length.
fn frame(names: &[String], columns: Vec<Vec<f64>>) -> Result<DataFrame> {
    let height = columns.first().map_or(0, Vec::len);
    let columns: Vec<Column> = names
        .iter()
        .zip(columns)
        .map(|(name, values)| Column::new(name.as_str().into(), values))
        .collect();
    DataFrame::new(height, columns).map_err(|e| fail(&e))
}

/// `samples.parquet` from the iterations a run kept in memory.
pub struct SamplesParquet;

impl Exporter for SamplesParquet {
    fn name(&self) -> &'static str {
        NAME
    }

    fn render(&self, r: &Results, _earlier: &[Artefact]) -> Result<Vec<Artefact>> {
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
            .map(|&(_, c)| samples.input_column(c))
            .chain(
                samples
                    .output_ids()
                    .iter()
                    .filter_map(|&k| samples.output(k)),
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

/// `samples.parquet` written as the run goes: one row group per round of batches.
pub struct ParquetStream {
    names: Vec<String>,
    writer: Mutex<Option<polars::io::parquet::write::BatchedWriter<File>>>,
}

impl ParquetStream {
    /// A stream into `file` of the columns `names` (from [`crate::engine::stream_columns`]).
    ///
    /// # Errors
    /// When polars cannot start the file.
    pub fn new(file: File, names: Vec<String>) -> Result<ParquetStream> {
        let schema = Schema::from_iter(
            names
                .iter()
                .map(|n| Field::new(n.as_str().into(), DataType::Float64)),
        );
        let writer = ParquetWriter::new(file)
            .batched(&schema)
            .map_err(|e| fail(&e))?;
        Ok(ParquetStream {
            names,
            writer: Mutex::new(Some(writer)),
        })
    }

    /// Writes the file's footer.
    ///
    /// # Errors
    /// When the footer cannot be written (a full disk included).
    pub fn finish(&self) -> Result<()> {
        let mut guard = self.writer.lock().map_err(|e| fail(&e))?;
        match guard.take() {
            Some(writer) => writer.finish().map(|_| ()).map_err(|e| fail(&e)),
            None => Ok(()),
        }
    }
}

impl SampleSink for ParquetStream {
    fn write(&self, columns: Vec<Vec<f64>>) -> Result<()> {
        let frame = frame(&self.names, columns)?;
        let mut guard = self.writer.lock().map_err(|e| fail(&e))?;
        match guard.as_mut() {
            Some(writer) => writer.write_batch(&frame).map_err(|e| fail(&e)),
            None => Err(fail(&"the file was already finished")),
        }
    }
}
