//! Errors, split by who must act: bad input (exit 2) names the file, the key, what is wrong and
//! how to fix it; failures while running (exit 1) name the file or step that failed.

use std::fmt;
use std::path::PathBuf;

/// Where in an input a problem lies: the file (or `--set`, or an assumptions CSV row) and key.
#[derive(Debug, Clone, PartialEq)]
pub struct InputError {
    /// The file, or the command-line flag, the input came from.
    pub origin: String,
    /// Line and column in the file, where known (1-based).
    pub location: Option<(usize, usize)>,
    /// The key path, e.g. `departments.hmrc.repetition_rate`.
    pub key: String,
    pub problem: String,
    pub fix: String,
}

impl InputError {
    /// A refusal of something read from `origin` (a file, a cell, a flag) with no line to
    /// point at, as an [`Error`]: the key, what is wrong, and how to fix it.
    pub fn refusal(
        origin: impl Into<String>,
        key: impl Into<String>,
        problem: String,
        fix: impl Into<String>,
    ) -> Error {
        InputError {
            origin: origin.into(),
            location: None,
            key: key.into(),
            problem,
            fix: fix.into(),
        }
        .into()
    }
}

impl fmt::Display for InputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.origin)?;
        if let Some((line, column)) = self.location {
            write!(f, ":{line}:{column}")?;
        }
        if !self.key.is_empty() {
            write!(f, ": {}", quote(&self.key))?;
        }
        write!(f, ": {}", self.problem)?;
        if !self.fix.is_empty() {
            write!(f, "\n  fix: {}", self.fix)?;
        }
        Ok(())
    }
}

/// Everything that can go wrong in the library.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A scenario, override or assumptions file the user must correct.
    #[error("{0}")]
    Input(Box<InputError>),
    /// Several input problems found in one pass, reported together (made by
    /// [`Error::inputs`], so never fewer than two).
    #[error("{}", .0.iter().map(|e| e.to_string()).collect::<Vec<_>>().join("\n"))]
    Inputs(InputErrors),
    /// A command-line value that is out of range (`--iterations 0`).
    #[error("{flag}: {problem}\n  fix: {fix}")]
    Usage {
        flag: String,
        problem: String,
        fix: String,
    },
    /// A file that could not be read (missing, or not readable).
    #[error("cannot read {}: {problem}\n  fix: {fix}", path.display())]
    Read {
        path: PathBuf,
        problem: String,
        fix: String,
    },
    /// A results folder or file that could not be written.
    #[error("cannot write {}: {problem}", path.display())]
    Write { path: PathBuf, problem: String },
    /// The numbers went wrong during a run (overflow, NaN) in a way the inputs allowed.
    #[error("{0}")]
    Numeric(String),
    /// The run was cancelled (Ctrl-C in the binary); nothing was written.
    #[error("interrupted: no results were written")]
    Interrupted,
    /// The local page's server could not listen on its address, or failed while serving.
    #[error("the server on {address}: {problem}")]
    Server { address: String, problem: String },
    /// A step refused its input without recording why: a fault in seams, not in the input.
    #[error("internal error: {0} (a fault in seams, not in your input: please report it)")]
    Internal(String),
}

/// Two or more input problems, in the order found. Only [`Error::inputs`] makes one, so an
/// error that lists problems always has some to list.
#[derive(Debug, Clone, PartialEq)]
pub struct InputErrors(Vec<InputError>);

impl InputErrors {
    /// The problems.
    pub fn iter(&self) -> std::slice::Iter<'_, InputError> {
        self.0.iter()
    }

    /// The first problem.
    pub fn first(&self) -> &InputError {
        &self.0[0]
    }

    /// The problems, as a list.
    pub fn into_vec(self) -> Vec<InputError> {
        self.0
    }
}

impl Error {
    /// The error for the problems a pass over the input found: one problem alone, several
    /// together. A pass that found none but still failed is a fault of seams, said as such
    /// (`what` names the step), never an empty message.
    pub fn inputs(problems: Vec<InputError>, what: &str) -> Error {
        let mut problems = collapse(problems);
        match problems.len() {
            0 => Error::Internal(format!("{what} failed without naming a problem")),
            1 => Error::Input(Box::new(problems.remove(0))),
            _ => Error::Inputs(InputErrors(problems)),
        }
    }

    /// The input problems inside this error, as a list (another error as one problem with
    /// its message).
    pub fn into_input_errors(self) -> Vec<InputError> {
        match self {
            Error::Input(e) => vec![*e],
            Error::Inputs(list) => list.into_vec(),
            other => vec![InputError {
                origin: String::new(),
                location: None,
                key: String::new(),
                problem: other.to_string(),
                fix: String::new(),
            }],
        }
    }

    /// Whether the user must change their input (exit code 2) rather than the run failing (1).
    pub fn is_bad_input(&self) -> bool {
        match self {
            // A run whose numbers overflow is stopped by its inputs, which the user must change.
            // A file the user named that cannot be read is theirs to fix too.
            Error::Input(_)
            | Error::Inputs(_)
            | Error::Usage { .. }
            | Error::Numeric(_)
            | Error::Read { .. } => true,
            Error::Write { .. }
            | Error::Interrupted
            | Error::Server { .. }
            | Error::Internal(_) => false,
        }
    }
}

impl From<InputError> for Error {
    fn from(e: InputError) -> Self {
        Error::Input(Box::new(e))
    }
}

/// How many places of one problem a message names before it counts the rest.
pub const SHOWN_PER_PROBLEM: usize = 3;

/// The problems with each kind (the same words) named at most [`SHOWN_PER_PROBLEM`] times, the
/// last of them counting the rest: a million bad rows make one short message, not a million.
fn collapse(problems: Vec<InputError>) -> Vec<InputError> {
    let mut seen: std::collections::HashMap<String, (usize, usize)> = Default::default();
    let mut kept: Vec<InputError> = Vec::new();
    for e in problems {
        let (count, last) = seen.entry(e.problem.clone()).or_insert((0, 0));
        *count += 1;
        if *count <= SHOWN_PER_PROBLEM {
            *last = kept.len();
            kept.push(e);
        }
    }
    for (count, last) in seen.into_values() {
        if count > SHOWN_PER_PROBLEM {
            let more = (count - SHOWN_PER_PROBLEM) as u64;
            kept[last].problem = format!(
                "{} (and {} more like it)",
                kept[last].problem,
                thousands(more)
            );
        }
    }
    kept
}

/// A plain number with thousands separators: `20,000`.
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// The longest piece of a user's text quoted back in a message.
pub const QUOTE_CHARS: usize = 80;

/// Text from the user, shortened for a message: a 1 MB bad value is named, not echoed.
pub fn quote(text: &str) -> String {
    let count = text.chars().count();
    if count <= QUOTE_CHARS {
        return text.to_string();
    }
    let start: String = text.chars().take(QUOTE_CHARS - 1).collect();
    format!("{start}… ({count} characters)")
}

/// The library's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// 1-based line and column of a byte offset in `text`.
pub fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
}

/// The closest of `candidates` to `word` (by edit distance), if it is close enough to suggest.
pub fn closest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let length = word.chars().count();
    candidates
        .into_iter()
        // The distance is at least the difference in length: a word far longer or shorter than
        // a candidate (a hostile 60 KB key) is dismissed without computing it.
        .filter(|c| length.abs_diff(c.chars().count()) <= 3.max(c.len() / 4))
        .map(|c| (edit_distance(word, c), c))
        .filter(|(d, c)| *d <= 3.max(c.len() / 4))
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != *cb);
            let next = (prev + cost).min(row[j] + 1).min(row[j + 1] + 1);
            prev = row[j + 1];
            row[j + 1] = next;
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_column_counts_from_one() {
        assert_eq!(line_column("a\nbc\nd", 3), (2, 2));
        assert_eq!(line_column("abc", 0), (1, 1));
    }

    #[test]
    fn long_text_is_quoted_short() {
        assert_eq!(quote("pert(1, 2, 3)"), "pert(1, 2, 3)");
        let long = "x".repeat(1_000_000);
        let quoted = quote(&long);
        assert!(quoted.chars().count() < 110, "{quoted}");
        assert!(quoted.ends_with("(1000000 characters)"));
    }

    #[test]
    fn closest_suggests_misspellings() {
        let keys = ["repetition_rate", "stuck_rate", "user_minutes"];
        assert_eq!(closest("repetiton_rate", keys), Some("repetition_rate"));
        assert_eq!(closest("zzzzzzzzzzzzz", keys), None);
        // A word far longer than any candidate gets none (it is dismissed on its length).
        assert_eq!(closest(&"repetition_rate".repeat(4000), keys), None);
        assert_eq!(closest("repetition_rates", keys), Some("repetition_rate"));
    }
}
