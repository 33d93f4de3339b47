//! `charts/`: every chart as PNG and SVG, drawn by [`crate::charts`].

use super::{Artefact, Exporter, Tables};
use crate::charts::{render_all, ChartData};
use crate::error::Result;
use crate::results::Results;

/// `charts/`.
pub struct ChartsPng;

impl Exporter for ChartsPng {
    fn name(&self) -> &'static str {
        "charts/"
    }

    fn render(&self, r: &Results, _tables: &Tables) -> Result<Vec<Artefact>> {
        render_all(&ChartData::new(r))
    }
}
