//! One typed table for every output. A table is data: a title, a header, rows of cells that
//! know what they hold (money in a price year, a share, a count, a year, a key…) and notes.
//! Every format is a renderer of that one value — [`csv`] for the CSV files, [`markdown`]
//! for the case, [`terminal`] for what `seams run` prints, [`sheet`] for the workbook — and
//! differs from the others only in how it writes a cell. No renderer reads another's output,
//! and no renderer guesses a cell's meaning from a column's name.
//!
//! A table built once can be written anywhere: adding a table to the run's files is one
//! builder (results in, [`Table`] out) and one registration in `export`.

pub mod csv;
pub mod markdown;
pub mod sheet;
pub mod terminal;

use crate::outputs::Stats;
use crate::params::Unit;

/// What a figure measures, which decides how every renderer writes it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Kind {
    /// A sum of pounds in this price year; one money unit down a Markdown column (£k, £m).
    Money(i32),
    /// Pounds a unit (a cost per transaction or per journey) in this price year: to the penny.
    UnitCost(i32),
    /// A share from 0 to 1, written as a percentage.
    Share,
    /// An estimated chance from the iterations (P(NPSV > 0)): a share never written 0% or
    /// 100%.
    Chance,
    /// A change already in percentage points of the base (+12 %), signed.
    Change,
    /// A count of things (contacts, journeys).
    Count,
    /// A calendar year.
    Year,
    /// A whole number written in full, without separators (a seed).
    Whole,
    /// A ratio such as a BCR.
    Ratio,
    /// A correlation coefficient, to two decimals.
    Correlation,
    /// A value in the unit of a scenario input (a switching value, a register's mean).
    Input(Unit),
}

/// One cell.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    /// Nothing: an undefined figure (a BCR with no costs) or a field with no value.
    Empty,
    /// Words a reader reads: a name, a label.
    Text(String),
    /// Words that may run to sentences (a source, a note, a method's account): wrapped where
    /// a renderer wraps.
    Long(String),
    /// An identifier a program reads: an option's id, a metric's name, an input's key.
    Key(String),
    /// One figure.
    Figure(f64, Kind),
    /// A central figure with its P10–P90.
    Range {
        central: f64,
        low: f64,
        high: f64,
        kind: Kind,
    },
    /// Low to high (an input's P5–P95).
    Interval { low: f64, high: f64, kind: Kind },
    /// Yes or no; in the case, "yes" stands out.
    Flag(bool),
}

impl Cell {
    /// A text cell.
    pub fn text(s: impl Into<String>) -> Cell {
        Cell::Text(s.into())
    }

    /// A key cell.
    pub fn key(s: impl Into<String>) -> Cell {
        Cell::Key(s.into())
    }

    /// The mean of `s` with its P10–P90.
    pub fn range(s: &Stats, kind: Kind) -> Cell {
        Cell::Range {
            central: s.mean,
            low: s.p10,
            high: s.p90,
            kind,
        }
    }

    /// The figure's kind, for a figure, range or interval.
    pub fn kind(&self) -> Option<Kind> {
        match self {
            Cell::Figure(_, kind) | Cell::Range { kind, .. } | Cell::Interval { kind, .. } => {
                Some(*kind)
            }
            _ => None,
        }
    }

    /// The numbers the cell shows.
    fn numbers(&self) -> Vec<f64> {
        match *self {
            Cell::Figure(x, _) => vec![x],
            Cell::Range {
                central, low, high, ..
            } => vec![central, low, high],
            Cell::Interval { low, high, .. } => vec![low, high],
            _ => Vec::new(),
        }
    }
}

/// How a row stands out in a rendered table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Emphasis {
    #[default]
    None,
    /// Its first cell (a journey's name above its departments).
    Label,
    /// The whole row (a total).
    Whole,
}

/// One row.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Row {
    pub cells: Vec<Cell>,
    pub emphasis: Emphasis,
}

impl From<Vec<Cell>> for Row {
    fn from(cells: Vec<Cell>) -> Row {
        Row {
            cells,
            emphasis: Emphasis::None,
        }
    }
}

/// Which cells share one money unit where a renderer picks one (Markdown, the terminal).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum MoneyUnits {
    /// One unit down each column: that of its largest figure.
    #[default]
    PerColumn,
    /// One unit across each row (a base case beside its switching value).
    PerRow,
    /// Each figure in its own unit.
    PerCell,
}

/// A table: a title, a header, typed rows and notes.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Table {
    /// What the table shows, for a sheet or a heading.
    pub title: String,
    pub header: Vec<String>,
    pub rows: Vec<Row>,
    /// Sentences that go with it (what a negative figure means…).
    pub notes: Vec<String>,
    pub money_units: MoneyUnits,
    /// The columns of words (left-aligned where a renderer aligns); the rest hold figures.
    pub text_columns: Vec<usize>,
}

impl Table {
    /// An empty table with this title and header.
    pub fn new(title: impl Into<String>, header: &[&str]) -> Table {
        Table {
            title: title.into(),
            header: header.iter().map(|h| h.to_string()).collect(),
            text_columns: vec![0],
            ..Table::default()
        }
    }

    /// Adds a row.
    pub fn push(&mut self, cells: Vec<Cell>) {
        self.rows.push(cells.into());
    }

    /// Adds a row that stands out.
    pub fn push_emphasised(&mut self, cells: Vec<Cell>, emphasis: Emphasis) {
        self.rows.push(Row { cells, emphasis });
    }

    /// Whether a column holds figures (and is right-aligned): declared by the table, so an
    /// empty table, or a column whose figures are all undefined, aligns as its figures would.
    pub fn is_figure_column(&self, c: usize) -> bool {
        !self.text_columns.contains(&c)
    }

    /// The money unit of each cell of a row, under the table's rule.
    fn units(&self) -> Vec<Vec<crate::format::MoneyUnit>> {
        use crate::format::MoneyUnit;
        let money = |cell: &Cell| -> Vec<f64> {
            match cell.kind() {
                Some(Kind::Money(_) | Kind::Input(Unit::Pounds)) => cell.numbers(),
                _ => Vec::new(),
            }
        };
        let width = self.rows.iter().map(|r| r.cells.len()).max().unwrap_or(0);
        match self.money_units {
            MoneyUnits::PerColumn => {
                let columns: Vec<MoneyUnit> = (0..width)
                    .map(|c| {
                        MoneyUnit::of(
                            self.rows
                                .iter()
                                .filter_map(|r| r.cells.get(c))
                                .flat_map(money),
                        )
                    })
                    .collect();
                self.rows.iter().map(|_| columns.clone()).collect()
            }
            MoneyUnits::PerRow => self
                .rows
                .iter()
                .map(|r| vec![MoneyUnit::of(r.cells.iter().flat_map(money)); width])
                .collect(),
            MoneyUnits::PerCell => self
                .rows
                .iter()
                .map(|r| {
                    r.cells
                        .iter()
                        .map(|cell| MoneyUnit::of(cell.numbers()))
                        .collect()
                })
                .collect(),
        }
    }
}

/// The statistics columns of the CSV files.
pub fn statistics_cells(s: Option<&Stats>, kind: Kind) -> Vec<Cell> {
    let values = s.map(|s| [s.mean, s.sd, s.se, s.p5, s.p10, s.p50, s.p90, s.p95]);
    (0..crate::outputs::STATISTICS.len())
        .map(|i| values.map_or(Cell::Empty, |v| Cell::Figure(v[i], kind)))
        .collect()
}
