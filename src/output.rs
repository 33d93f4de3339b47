//! Writing so that nothing is lost: a results folder, or a single file, is written under a
//! temporary name beside its target and renamed into place only once complete. An error at any
//! point leaves what was there before exactly as it was.

use std::fs;
use std::path::{Path, PathBuf};

use crate::error::{Error, InputError, Result};

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

/// A results folder being written.
#[derive(Debug)]
pub struct Staging {
    target: PathBuf,
    temp: PathBuf,
    committed: bool,
}

fn write_error(path: &Path, problem: impl std::fmt::Display) -> Error {
    Error::Write {
        path: path.to_path_buf(),
        problem: problem.to_string(),
    }
}

fn out_error(target: &Path, problem: String, fix: &str) -> Error {
    InputError {
        origin: "--out".into(),
        location: None,
        key: target.display().to_string(),
        problem,
        fix: fix.into(),
    }
    .into()
}

/// Checks that `target` may be used as a results folder, without touching anything.
///
/// # Errors
/// When it is a file, or an existing folder that is not a seams results folder (replacing it
/// would lose someone's files).
pub fn check_target(target: &Path) -> Result<()> {
    if target.is_file() {
        return Err(out_error(
            target,
            "is a file, not a folder".into(),
            "give --out a folder path (it is created if missing)",
        ));
    }
    if target.is_dir() {
        let mut entries = fs::read_dir(target).map_err(|e| write_error(target, e))?;
        let empty = entries.next().is_none();
        if !empty && !target.join("run.json").is_file() {
            return Err(out_error(
                target,
                "exists and is not a seams results folder (it has no run.json); seams replaces its output folder whole, so it will not write there".into(),
                "choose a new or empty folder for --out",
            ));
        }
    }
    Ok(())
}

/// Refuses an output folder that holds the scenario (replacing it would delete the scenario),
/// or that lies inside a `scenarios` folder holding it (results do not belong among the
/// scenarios others copy from).
///
/// # Errors
/// As above, naming both paths.
pub fn check_not_over_scenario(target: &Path, scenario: &Path) -> Result<()> {
    let absolute = |p: &Path| std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf());
    let (target, scenario) = (absolute(target), absolute(scenario));
    if scenario.starts_with(&target) {
        return Err(out_error(
            &target,
            format!(
                "contains the scenario {}; writing results there would replace it",
                scenario.display()
            ),
            "choose a results folder outside the scenario's folder, e.g. results/NAME",
        ));
    }
    if let Some(folder) = scenario
        .parent()
        .filter(|p| p.file_name().is_some_and(|n| n == "scenarios"))
    {
        if target.starts_with(folder) {
            return Err(out_error(
                &target,
                format!("lies inside the scenarios folder {}", folder.display()),
                "keep results out of the scenarios folder, e.g. --out results/NAME",
            ));
        }
    }
    Ok(())
}

/// The temporary name beside `target` under which it is written: hidden, and marked with
/// this process's id so that two runs never share one.
fn partial_path(target: &Path) -> PathBuf {
    let name = target
        .file_name()
        .map_or_else(|| "results".into(), |n| n.to_string_lossy().into_owned());
    target.with_file_name(format!(".{name}.seams-partial-{}", std::process::id()))
}

/// Writes a single file whole or not at all.
///
/// # Errors
/// When `path` is a folder or the file cannot be written.
pub fn write_file(path: &Path, bytes: &[u8]) -> Result<()> {
    if path.is_dir() {
        return Err(write_error(path, "is a folder; give a file name"));
    }
    let temp = partial_path(path);
    fs::write(&temp, bytes).map_err(|e| write_error(path, e))?;
    fs::rename(&temp, path).map_err(|e| {
        let _ = fs::remove_file(&temp);
        write_error(path, e)
    })
}

impl Staging {
    /// Starts writing into a temporary folder beside `target`.
    ///
    /// # Errors
    /// When the target is unusable ([`check_target`]) or its parent cannot be created.
    pub fn new(target: &Path) -> Result<Staging> {
        check_target(target)?;
        let parent = match target.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        fs::create_dir_all(&parent).map_err(|e| write_error(&parent, e))?;
        let temp = parent.join(partial_path(target).file_name().unwrap_or_default());
        if temp.exists() {
            fs::remove_dir_all(&temp).map_err(|e| write_error(&temp, e))?;
        }
        fs::create_dir(&temp)
            .map_err(|e| write_error(&temp, format!("{e} (is the folder read-only?)")))?;
        Ok(Staging {
            target: target.to_path_buf(),
            temp,
            committed: false,
        })
    }

    /// The path a file will have while staged.
    pub fn path(&self, name: &str) -> PathBuf {
        self.temp.join(name)
    }

    /// Writes one file (a name like `charts/costs.png` creates the subfolder).
    ///
    /// # Errors
    /// When the file cannot be written.
    pub fn write(&self, name: &str, bytes: &[u8]) -> Result<()> {
        let path = self.path(name);
        if let Some(dir) = path.parent() {
            fs::create_dir_all(dir).map_err(|e| write_error(dir, e))?;
        }
        fs::write(&path, bytes).map_err(|e| write_error(&self.target.join(name), e))
    }

    /// Puts the complete folder in place of the target.
    ///
    /// # Errors
    /// When a rename fails; the previous folder is then restored.
    pub fn commit(mut self) -> Result<PathBuf> {
        let old = self.temp.with_file_name(
            self.temp
                .file_name()
                .map(|n| {
                    n.to_string_lossy()
                        .replace("seams-partial", "seams-previous")
                })
                .unwrap_or_default(),
        );
        let had_previous = self.target.exists();
        if had_previous {
            fs::rename(&self.target, &old).map_err(|e| write_error(&self.target, e))?;
        }
        if let Err(e) = fs::rename(&self.temp, &self.target) {
            if had_previous {
                let _ = fs::rename(&old, &self.target);
            }
            return Err(write_error(&self.target, e));
        }
        self.committed = true;
        if had_previous {
            let _ = fs::remove_dir_all(&old);
        }
        Ok(self.target.clone())
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.committed {
            let _ = fs::remove_dir_all(&self.temp);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_dropped_staging_leaves_the_old_folder() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("out");
        fs::create_dir(&target).unwrap();
        fs::write(target.join("run.json"), "old").unwrap();
        {
            let staging = Staging::new(&target).unwrap();
            staging.write("run.json", b"new").unwrap();
        }
        assert_eq!(fs::read_to_string(target.join("run.json")).unwrap(), "old");
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);
        let staging = Staging::new(&target).unwrap();
        staging.write("run.json", b"new").unwrap();
        staging.commit().unwrap();
        assert_eq!(fs::read_to_string(target.join("run.json")).unwrap(), "new");
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn refuses_a_folder_that_is_not_a_results_folder() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join("precious.txt"), "keep").unwrap();
        assert!(check_target(dir.path()).is_err());
        assert!(check_target(&dir.path().join("precious.txt")).is_err());
    }
}
