//! The disk, in one room: reading the files a user names only if they are regular files of a
//! bounded size ([`read_regular`]), streaming `samples.parquet` ([`ParquetStream`]), and
//! writing so that nothing is lost. A results folder, or a single file, is written under a
//! temporary name beside its target and moved into place only once complete; an error, a
//! cancellation or a full disk at any point leaves what was there before exactly as it was.
//!
//! seams writes only where it may: a new or empty folder, or a folder it wrote before — known
//! by the manifest in its `run.json` (seams' own format id and the list of files it wrote). On
//! a re-run it replaces only those files, and leaves anything else a user put there alone. It
//! never renames, replaces or deletes anything that is not a regular file or folder it made:
//! a symlink, device, FIFO or socket given as a target is refused.

mod files;
pub mod samples;
mod staging;

use std::fs;
use std::path::{Component, Path, PathBuf};

use crate::error::{Error, InputError, Result};

pub use files::{read_regular, utf8};
pub use samples::ParquetStream;
pub use staging::Staging;

/// The format id in a results folder's `run.json`.
pub const FORMAT_ID: &str = "seams-results";

/// The file in a results folder that marks it as seams' own and lists what seams wrote.
pub const MANIFEST: &str = "run.json";

/// One file's name (relative to the results folder, e.g. `charts/npsv-by-option.png`) and
/// its bytes: what every exporter renders and a [`Staging`] folder writes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Artefact {
    pub name: String,
    pub bytes: Vec<u8>,
}

impl Artefact {
    /// An artefact of text.
    pub fn text(name: impl Into<String>, text: String) -> Artefact {
        Artefact {
            name: name.into(),
            bytes: text.into_bytes(),
        }
    }
}

fn write_error(path: &Path, problem: impl std::fmt::Display) -> Error {
    Error::Write {
        path: path.to_path_buf(),
        problem: problem.to_string(),
    }
}

fn out_error(flag: &str, target: &Path, problem: String, fix: &str) -> Error {
    InputError {
        origin: flag.into(),
        location: None,
        key: target.display().to_string(),
        problem,
        fix: fix.into(),
    }
    .into()
}

/// What kind of thing stands at a path, without following a symlink.
fn kind_of(path: &Path) -> Option<&'static str> {
    let meta = fs::symlink_metadata(path).ok()?;
    let t = meta.file_type();
    Some(if t.is_symlink() {
        "a symbolic link"
    } else if t.is_dir() {
        "folder"
    } else if t.is_file() {
        "file"
    } else {
        "a device, FIFO or socket"
    })
}

/// The files a seams results folder lists in its manifest, or `None` when `dir` is not one.
pub fn manifest(dir: &Path) -> Option<Vec<String>> {
    let path = dir.join(MANIFEST);
    let meta = fs::symlink_metadata(&path).ok()?;
    if !meta.is_file() || meta.len() > 10_000_000 {
        return None;
    }
    let json: serde_json::Value = serde_json::from_slice(&fs::read(&path).ok()?).ok()?;
    if json.get("format")?.as_str()? != FORMAT_ID {
        return None;
    }
    json.get("files")?
        .as_array()?
        .iter()
        .map(|f| {
            f.as_str()
                .filter(|f| is_plain_relative(f))
                .map(String::from)
        })
        .collect()
}

/// A relative path with no `..`, root or prefix: a name inside a results folder.
pub(crate) fn is_plain_relative(name: &str) -> bool {
    !name.is_empty()
        && Path::new(name)
            .components()
            .all(|c| matches!(c, Component::Normal(_)))
}

/// Checks that `target` may be used as a results folder, without touching anything.
///
/// # Errors
/// When it is a file, a symlink, a device, FIFO or socket, or a folder holding files that seams
/// did not write (naming some of them).
pub fn check_target(target: &Path) -> Result<()> {
    match kind_of(target) {
        None => Ok(()),
        Some("folder") => {
            if manifest(target).is_some() {
                return Ok(());
            }
            let entries: Vec<String> = fs::read_dir(target)
                .map_err(|e| write_error(target, e))?
                .filter_map(|e| e.ok())
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect();
            if entries.is_empty() {
                return Ok(());
            }
            let mut shown: Vec<String> = entries.iter().take(3).cloned().collect();
            if entries.len() > 3 {
                shown.push(format!("and {} more", entries.len() - 3));
            }
            Err(out_error(
                "--out",
                target,
                format!(
                    "is a folder that seams did not write (it holds {}); seams writes only into a new or empty folder, or one it wrote before",
                    shown.join(", ")
                ),
                "choose a new or empty folder for --out",
            ))
        }
        Some("file") => Err(out_error(
            "--out",
            target,
            "is a file, not a folder".into(),
            "give --out a folder path (it is created if missing)",
        )),
        Some(kind) => Err(out_error(
            "--out",
            target,
            format!("is {kind}; seams writes results only into a real folder"),
            "give --out the path of a new folder, e.g. results/NAME",
        )),
    }
}

/// Refuses an output folder that holds one of the command's input files (writing there could
/// replace it), or that lies inside a `scenarios` folder holding the scenario (results do not
/// belong among the scenarios others copy from).
///
/// # Errors
/// As above, naming both paths.
pub fn check_not_over_inputs(target: &Path, scenario: &Path, inputs: &[&Path]) -> Result<()> {
    let absolute = |p: &Path| std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf());
    let target = absolute(target);
    for input in std::iter::once(scenario).chain(inputs.iter().copied()) {
        let input = absolute(input);
        if input.starts_with(&target) {
            return Err(out_error(
                "--out",
                &target,
                format!(
                    "contains the input {}; writing results there could replace it",
                    input.display()
                ),
                "choose a results folder that holds none of the inputs, e.g. results/NAME",
            ));
        }
    }
    let scenario = absolute(scenario);
    if let Some(folder) = scenario
        .parent()
        .filter(|p| p.file_name().is_some_and(|n| n == "scenarios"))
    {
        if target.starts_with(folder) {
            return Err(out_error(
                "--out",
                &target,
                format!("lies inside the scenarios folder {}", folder.display()),
                "keep results out of the scenarios folder, e.g. --out results/NAME",
            ));
        }
    }
    Ok(())
}

/// The temporary name beside `target` for one of this process's writes: hidden, marked with
/// `what` (`partial` or `previous`) and with this process's id, so two runs never share one and
/// a later run can tell a stale one from a live one.
fn temporary_path(target: &Path, what: &str) -> PathBuf {
    let name = target
        .file_name()
        .map_or_else(|| "results".into(), |n| n.to_string_lossy().into_owned());
    let parent = match target.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    parent.join(format!(".{name}.seams-{what}-{}", std::process::id()))
}

/// Writes bytes to a new file and makes sure they reached the disk: every error, a full disk
/// included, is reported, never swallowed.
fn write_new(path: &Path, bytes: &[u8], report_as: &Path) -> Result<()> {
    use std::io::Write as _;
    let fail = |e: std::io::Error| write_error(report_as, e);
    if let Some(name) = std::env::var_os("SEAMS_TEST_FAIL_WRITE") {
        // A test hook: simulate a full disk on the file of this name.
        if report_as.file_name() == Some(name.as_os_str()) {
            return Err(fail(std::io::Error::new(
                std::io::ErrorKind::StorageFull,
                "no space left on device (simulated by SEAMS_TEST_FAIL_WRITE)",
            )));
        }
    }
    let mut file = fs::File::create_new(path).map_err(fail)?;
    file.write_all(bytes).map_err(fail)?;
    file.sync_all().map_err(fail)
}

/// Writes a single file whole or not at all. A `path` that is anything but a regular file or
/// a new name (a folder, a symlink, a device, FIFO or socket) is refused, and so is one of the
/// command's own input files.
///
/// # Errors
/// Bad input for a refused path (naming `flag`); [`Error::Write`] when writing fails.
pub fn write_file(flag: &str, path: &Path, bytes: &[u8], inputs: &[&Path]) -> Result<()> {
    match kind_of(path) {
        None | Some("file") => {}
        Some(kind) => {
            let kind = if kind == "folder" { "a folder" } else { kind };
            return Err(out_error(
                flag,
                path,
                format!("is {kind}; seams writes only a regular file here"),
                "give the path of a new file, e.g. compare.md",
            ));
        }
    }
    let absolute = |p: &Path| std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf());
    if let Some(input) = inputs
        .iter()
        .find(|i| absolute(path).starts_with(absolute(i)))
    {
        return Err(out_error(
            flag,
            path,
            format!("would overwrite the input {}", input.display()),
            "write the output somewhere outside the command's inputs",
        ));
    }
    let temp = temporary_path(path, "partial");
    let _ = fs::remove_file(&temp);
    write_new(&temp, bytes, path)
        .and_then(|()| fs::rename(&temp, path).map_err(|e| write_error(path, e)))
        .inspect_err(|_| {
            let _ = fs::remove_file(&temp);
        })
}
