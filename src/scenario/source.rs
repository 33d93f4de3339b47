//! A scenario's source, read once. [`Source::read`] reads the file (and, as a portfolio's
//! models are built, each scenario file it names) a single time, keeping the bytes' text and
//! SHA-256; every model — the run, one with overrides, a register's baseline, each edit on the
//! live page, each reverted input `compare` tries — is built from it in memory, so all of
//! them describe the same bytes even if the file changes on disk meanwhile.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use sha2::{Digest, Sha256};

use super::{inputs, portfolio, raw, Model, Override, MAX_SCENARIO_BYTES, MAX_TEXT_CHARS};
use crate::error::{line_column, InputError, Result};

/// One file's text and the SHA-256 of its bytes, in hex.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct FileText {
    pub text: String,
    pub sha256: String,
}

/// A scenario or portfolio, read once: see the module's header.
#[derive(Debug, Clone)]
pub struct Source {
    /// The file's path, or for text given in memory the name its messages use.
    path: PathBuf,
    from_file: bool,
    main: FileText,
    /// A portfolio's scenario files, read the first time a model needs them.
    parts: Arc<Mutex<BTreeMap<PathBuf, FileText>>>,
    /// What is known of each text, by its digest: worked out once, not on every model built
    /// from it (each of the live page's edits builds one).
    facts: Arc<Mutex<BTreeMap<String, TextFacts>>>,
}

/// What has been worked out about one text.
#[derive(Debug, Clone, Copy, Default)]
struct TextFacts {
    /// Every string passed [`check_text_lengths`] (a text that failed is not remembered: its
    /// error is given again).
    lengths_passed: bool,
    /// Whether it is a portfolio ([`portfolio::is_portfolio`], which parses the whole text).
    portfolio: Option<bool>,
}

impl Source {
    /// Reads a scenario or portfolio file.
    ///
    /// # Errors
    /// [`crate::Error::Read`] when the file cannot be read (missing, not a regular file, too
    /// large); [`crate::Error::Input`] when it is not UTF-8.
    pub fn read(path: impl AsRef<Path>) -> Result<Source> {
        let path = path.as_ref();
        Ok(Source {
            path: path.to_path_buf(),
            from_file: true,
            main: read_text(path)?,
            parts: Arc::default(),
            facts: Arc::default(),
        })
    }

    /// Scenario text held in memory; `origin` names it in messages. (A portfolio must be read
    /// from its file, whose folder its scenario paths are relative to.)
    pub fn from_text(text: &str, origin: &str) -> Source {
        Source {
            path: PathBuf::from(origin),
            from_file: false,
            main: FileText {
                text: text.to_string(),
                sha256: sha256_hex(text.as_bytes()),
            },
            parts: Arc::default(),
            facts: Arc::default(),
        }
    }

    /// The validated model, with `overrides` applied: the one way to build a [`Model`].
    ///
    /// # Errors
    /// [`crate::Error::Input`] or [`crate::Error::Inputs`] naming the file, key, line, problem
    /// and fix for anything malformed; [`crate::Error::Read`] for a portfolio's scenario file
    /// that cannot be read.
    pub fn model(&self, overrides: &[Override]) -> Result<Model> {
        let origin = self.path.display().to_string();
        let text = &self.main.text;
        self.check_lengths(&self.main, &origin)?;
        for o in overrides {
            if let Some(problem) = too_long(&o.text) {
                return Err(long_text(&o.by, &o.key, problem));
            }
        }
        if self.is_portfolio(&self.main) {
            if !self.from_file {
                return Err(InputError {
                    origin,
                    location: None,
                    key: "portfolio".into(),
                    problem: "is a portfolio, whose scenario paths are relative to its file".into(),
                    fix: "read a portfolio from its file (Source::read)".into(),
                }
                .into());
            }
            let mut model = portfolio::load(self, text, overrides)?;
            model.path = self.path.clone();
            model.sha256 = self.main.sha256.clone();
            return Ok(model);
        }
        let mut raw: raw::RawScenario =
            toml::from_str(text).map_err(|e| raw::toml_error(text, &origin, &e))?;
        let cases = std::mem::take(&mut raw.case);
        let mut model = self.scenario_model(raw, overrides)?;
        model.cases = super::cases::build(self, &origin, cases, overrides)?;
        Ok(model)
    }

    /// The scenario with `overrides` applied, its named cases left aside: the model of a case.
    pub(super) fn model_without_cases(&self, overrides: &[Override]) -> Result<Model> {
        let origin = self.path.display().to_string();
        let text = &self.main.text;
        let mut raw: raw::RawScenario =
            toml::from_str(text).map_err(|e| raw::toml_error(text, &origin, &e))?;
        raw.case.clear();
        self.scenario_model(raw, overrides)
    }

    /// The scenario read from `raw` with `overrides` applied, its named cases left aside.
    pub(super) fn scenario_model(
        &self,
        raw: raw::RawScenario,
        overrides: &[Override],
    ) -> Result<Model> {
        let origin = self.path.display().to_string();
        let text = &self.main.text;
        let mut loader = inputs::Loader::new(text, &origin, overrides)?;
        let model = loader.build(raw);
        let mut model = loader.finish_with(model, "loading the scenario")?;
        model.overrides = loader.applied;
        model.inputs = loader.inputs;
        model.path = self.path.clone();
        model.sha256 = self.main.sha256.clone();
        model.journeys[0].sha256 = self.main.sha256.clone();
        if self.from_file {
            model.journeys[0].path = self.path.clone();
        }
        Ok(model)
    }

    /// The path (or the name given to text in memory).
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The SHA-256 of the bytes read, in hex.
    pub fn sha256(&self) -> &str {
        &self.main.sha256
    }

    /// The text read.
    pub fn text(&self) -> &str {
        &self.main.text
    }

    /// Whether the file, or one of a portfolio's scenario files read so far, now differs on
    /// disk from what was read (or can no longer be read): the figures built from this source
    /// no longer describe the file.
    pub fn changed_on_disk(&self) -> bool {
        if !self.from_file {
            return false;
        }
        let differs = |path: &Path, read: &FileText| {
            read_text(path).map_or(true, |now| now.sha256 != read.sha256)
        };
        let parts = self.parts.lock().unwrap_or_else(|e| e.into_inner());
        differs(&self.path, &self.main) || parts.iter().any(|(p, read)| differs(p, read))
    }

    /// [`check_text_lengths`] of `file`, once for each text.
    pub(super) fn check_lengths(&self, file: &FileText, origin: &str) -> Result<()> {
        if self.facts_of(file).lengths_passed {
            return Ok(());
        }
        check_text_lengths(&file.text, origin)?;
        self.learn(file, |facts| facts.lengths_passed = true);
        Ok(())
    }

    /// Whether `file` is a portfolio, worked out once for each text.
    pub(super) fn is_portfolio(&self, file: &FileText) -> bool {
        if let Some(is) = self.facts_of(file).portfolio {
            return is;
        }
        let is = portfolio::is_portfolio(&file.text);
        self.learn(file, |facts| facts.portfolio = Some(is));
        is
    }

    /// What is known of `file`'s text so far.
    fn facts_of(&self, file: &FileText) -> TextFacts {
        let facts = self.facts.lock().unwrap_or_else(|e| e.into_inner());
        facts.get(&file.sha256).copied().unwrap_or_default()
    }

    /// Records a fact about `file`'s text.
    fn learn(&self, file: &FileText, fact: impl FnOnce(&mut TextFacts)) {
        let mut facts = self.facts.lock().unwrap_or_else(|e| e.into_inner());
        fact(facts.entry(file.sha256.clone()).or_default());
    }

    /// A portfolio's scenario file, read on first use and kept.
    pub(super) fn part(&self, path: &Path) -> Result<FileText> {
        let mut parts = self.parts.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(read) = parts.get(path) {
            return Ok(read.clone());
        }
        let read = read_text(path)?;
        parts.insert(path.to_path_buf(), read.clone());
        Ok(read)
    }
}

/// Why a text is too long to keep, if it is.
fn too_long(text: &str) -> Option<String> {
    let chars = text.chars().count();
    (chars > MAX_TEXT_CHARS).then(|| {
        let count = |n: usize| crate::format::thousands(n as u64);
        format!(
            "is too long to keep ({} characters); seams keeps each text to at most {} characters, a spreadsheet cell's limit",
            count(chars),
            count(MAX_TEXT_CHARS)
        )
    })
}

fn long_text(origin: &str, key: &str, problem: String) -> crate::Error {
    InputError {
        origin: origin.into(),
        location: None,
        key: key.into(),
        problem,
        fix: "shorten it: put long evidence in a document and cite it in `source`".into(),
    }
    .into()
}

/// Refuses a scenario (or portfolio) file with a text longer than [`MAX_TEXT_CHARS`], naming
/// its key, before anything is built from it. (A file that is not TOML is left to the loader,
/// which says where.)
pub(super) fn check_text_lengths(text: &str, origin: &str) -> Result<()> {
    let Ok(table) = text.parse::<toml::Table>() else {
        return Ok(());
    };
    let mut stack: Vec<(String, &toml::Value)> =
        table.iter().map(|(k, v)| (k.clone(), v)).collect();
    while let Some((key, value)) = stack.pop() {
        match value {
            toml::Value::String(s) => {
                if let Some(problem) = too_long(s) {
                    return Err(long_text(origin, &crate::error::quote(&key), problem));
                }
            }
            toml::Value::Table(t) => {
                stack.extend(t.iter().map(|(k, v)| (format!("{key}.{k}"), v)));
            }
            toml::Value::Array(items) => {
                stack.extend(
                    items
                        .iter()
                        .enumerate()
                        .map(|(i, v)| (format!("{key}[{i}]"), v)),
                );
            }
            _ => {}
        }
    }
    Ok(())
}

fn sha256_hex(bytes: &[u8]) -> String {
    format!("{:x}", Sha256::digest(bytes))
}

/// Reads a scenario (or portfolio) file as UTF-8 text, with the SHA-256 of its bytes.
fn read_text(path: &Path) -> Result<FileText> {
    let origin = path.display().to_string();
    let bytes = crate::disk::read_regular(path, "scenario", MAX_SCENARIO_BYTES)?;
    let text = std::str::from_utf8(&bytes).map_err(|e| InputError {
        origin: origin.clone(),
        location: Some(line_column(
            &String::from_utf8_lossy(&bytes[..e.valid_up_to()]),
            e.valid_up_to(),
        )),
        key: String::new(),
        problem: format!(
            "the file is not UTF-8 text (invalid byte at offset {})",
            e.valid_up_to()
        ),
        fix: "save the scenario as UTF-8".into(),
    })?;
    Ok(FileText {
        text: text.to_string(),
        sha256: sha256_hex(&bytes),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts(source: &Source) -> TextFacts {
        source.facts_of(&source.main)
    }

    /// A text's facts are worked out once and kept; a text that fails the length check is not
    /// remembered as passing, so every model built from it is refused alike.
    #[test]
    fn a_text_is_checked_once_and_a_failure_is_given_every_time() {
        let scenario = include_str!("../../scenarios/border-exports.toml");
        let good = Source::from_text(scenario, "good.toml");
        assert_eq!(
            (facts(&good).lengths_passed, facts(&good).portfolio),
            (false, None)
        );
        for _ in 0..2 {
            good.model(&[]).unwrap();
            assert_eq!(
                (facts(&good).lengths_passed, facts(&good).portfolio),
                (true, Some(false))
            );
        }

        let long = format!("name = \"{}\"\n", "x".repeat(MAX_TEXT_CHARS + 1));
        let refused = Source::from_text(&long, "long.toml");
        for _ in 0..2 {
            let message = refused.model(&[]).unwrap_err().to_string();
            assert!(message.contains("too long to keep"), "{message}");
            assert!(!facts(&refused).lengths_passed);
        }

        let portfolio = Source::from_text("[portfolio]\nname = \"p\"\n", "p.toml");
        for _ in 0..2 {
            let message = portfolio.model(&[]).unwrap_err().to_string();
            assert!(message.contains("is a portfolio"), "{message}");
            assert_eq!(facts(&portfolio).portfolio, Some(true));
        }
    }
}
