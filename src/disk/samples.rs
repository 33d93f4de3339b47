//! `samples.parquet` (with `--samples`): every iteration's uncertain inputs and summary and
//! appraisal outputs, one column each, through polars. A run of the binary streams it batch by
//! batch ([`ParquetStream`]) straight into the results folder being staged, so its size on
//! disk never has to fit in memory.

use std::fs::File;
use std::sync::Mutex;

use polars::prelude::*;

use crate::error::{Error, Result};
use crate::outputs::SampleSink;

/// The file's name in a results folder.
pub const NAME: &str = "samples.parquet";

/// A write failure of the samples file.
pub(crate) fn fail(e: &dyn std::fmt::Display) -> Error {
    Error::Write {
        path: NAME.into(),
        problem: e.to_string(),
    }
}

/// A frame of named columns of equal length.
pub(crate) fn frame(names: &[String], columns: Vec<Vec<f64>>) -> Result<DataFrame> {
    let height = columns.first().map_or(0, Vec::len);
    let columns: Vec<Column> = names
        .iter()
        .zip(columns)
        .map(|(name, values)| Column::new(name.as_str().into(), values))
        .collect();
    DataFrame::new(height, columns).map_err(|e| fail(&e))
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
