//! A results folder being written: files go into a hidden folder beside the target, and only
//! when every one is written are they moved into the target, replacing just the files seams
//! wrote there before. Any failure puts back what was moved.

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

use super::{
    check_target, is_plain_relative, kind_of, manifest, temporary_path, write_error, write_new,
};
use crate::error::Result;

/// A results folder being written.
#[derive(Debug)]
pub struct Staging {
    target: PathBuf,
    temp: PathBuf,
    written: Vec<String>,
    committed: bool,
}

impl Staging {
    /// Starts writing into a temporary folder beside `target`, after removing stale temporary
    /// folders that earlier runs, since stopped, left beside it.
    ///
    /// # Errors
    /// When the target is unusable ([`check_target`]) or its parent cannot be created.
    pub fn new(target: &Path) -> Result<Staging> {
        check_target(target)?;
        let temp = temporary_path(target, "partial");
        let parent = temp.parent().unwrap_or(Path::new(".")).to_path_buf();
        fs::create_dir_all(&parent).map_err(|e| write_error(&parent, e))?;
        remove_stale(&parent, target);
        if kind_of(&temp) == Some("folder") {
            fs::remove_dir_all(&temp).map_err(|e| write_error(&temp, e))?;
        }
        fs::create_dir(&temp)
            .map_err(|e| write_error(&temp, format!("{e} (is the folder read-only?)")))?;
        Ok(Staging {
            target: target.to_path_buf(),
            temp,
            written: Vec::new(),
            committed: false,
        })
    }

    /// Writes one file (a name like `charts/costs.png` creates the subfolder).
    ///
    /// # Errors
    /// When the name is not a plain relative path or the file cannot be written (a full disk
    /// included).
    pub fn write(&mut self, name: &str, bytes: &[u8]) -> Result<()> {
        if !is_plain_relative(name) {
            return Err(write_error(
                &self.target.join(name),
                "not a plain name inside the results folder",
            ));
        }
        let path = self.temp.join(name);
        if let Some(dir) = path.parent() {
            fs::create_dir_all(dir).map_err(|e| write_error(dir, e))?;
        }
        write_new(&path, bytes, &self.target.join(name))?;
        self.written.push(name.to_string());
        Ok(())
    }

    /// Creates one file to be written as a stream (`samples.parquet`, written batch by batch
    /// during a run), moved into the target with the rest at [`Staging::commit`].
    ///
    /// # Errors
    /// When the name is not a plain relative path or the file cannot be created.
    pub fn create(&mut self, name: &str) -> Result<fs::File> {
        if !is_plain_relative(name) {
            return Err(write_error(
                &self.target.join(name),
                "not a plain name inside the results folder",
            ));
        }
        let path = self.temp.join(name);
        let file = fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)
            .map_err(|e| write_error(&self.target.join(name), e))?;
        self.written.push(name.to_string());
        Ok(file)
    }

    /// Moves the written files into the target, replacing the files seams wrote there before
    /// and leaving every other file alone.
    ///
    /// # Errors
    /// When a move fails; everything moved is then put back.
    pub fn commit(mut self) -> Result<PathBuf> {
        if kind_of(&self.target).is_none() {
            fs::rename(&self.temp, &self.target).map_err(|e| write_error(&self.target, e))?;
        } else {
            self.replace_files()?;
            let _ = fs::remove_dir_all(&self.temp);
        }
        self.committed = true;
        Ok(self.target.clone())
    }

    /// Moves the old files seams wrote into a backup folder, the new ones into the target, then
    /// drops the backup; on any failure, undoes every move.
    fn replace_files(&self) -> Result<()> {
        // Re-check: the folder may have changed while the run was working.
        check_target(&self.target)?;
        let old: BTreeSet<String> = manifest(&self.target)
            .unwrap_or_default()
            .into_iter()
            .collect();
        for name in &self.written {
            let at = self.target.join(name);
            if !matches!(kind_of(&at), None | Some("file")) || !real_folders(&self.target, name) {
                return Err(write_error(
                    &at,
                    "is in the way and is not a file seams wrote; move it and run again",
                ));
            }
        }
        let backup = temporary_path(&self.target, "previous");
        let mut undo = Undo::default();
        let result: Result<()> = (|| {
            fs::create_dir(&backup).map_err(|e| write_error(&backup, e))?;
            let replaced = old.iter().chain(&self.written).collect::<BTreeSet<_>>();
            for name in replaced {
                let at = self.target.join(name);
                if kind_of(&at) == Some("file") && real_folders(&self.target, name) {
                    undo.step(&at, &backup.join(name))?;
                }
            }
            for name in &self.written {
                undo.step(&self.temp.join(name), &self.target.join(name))?;
            }
            Ok(())
        })();
        if result.is_err() {
            undo.roll_back();
        }
        let _ = fs::remove_dir_all(&backup);
        result?;
        // Folders that held only old files (e.g. charts/ after a run without charts).
        for name in old.iter().filter(|n| !self.written.contains(n)) {
            if let Some(dir) = Path::new(name)
                .parent()
                .filter(|d| !d.as_os_str().is_empty())
            {
                let _ = fs::remove_dir(self.target.join(dir));
            }
        }
        Ok(())
    }
}

/// Whether every folder on the way to `name` inside `root` is a real folder (or missing), so a
/// move never follows a symlink out of the results folder.
fn real_folders(root: &Path, name: &str) -> bool {
    let mut at = root.to_path_buf();
    let parts: Vec<_> = Path::new(name).components().collect();
    parts[..parts.len().saturating_sub(1)].iter().all(|part| {
        at.push(part);
        matches!(kind_of(&at), None | Some("folder"))
    })
}

/// Moves made so far, to put back in reverse order if a later one fails.
#[derive(Default)]
struct Undo {
    moves: Vec<(PathBuf, PathBuf)>,
}

impl Undo {
    fn step(&mut self, from: &Path, to: &Path) -> Result<()> {
        if let Some(dir) = to.parent() {
            fs::create_dir_all(dir).map_err(|e| write_error(dir, e))?;
        }
        fs::rename(from, to).map_err(|e| write_error(to, e))?;
        self.moves.push((from.to_path_buf(), to.to_path_buf()));
        Ok(())
    }

    fn roll_back(&mut self) {
        while let Some((from, to)) = self.moves.pop() {
            let _ = fs::rename(&to, &from);
        }
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.committed {
            let _ = fs::remove_dir_all(&self.temp);
        }
    }
}

/// Removes temporary folders of `target`'s naming (`.NAME.seams-partial-PID`,
/// `.NAME.seams-previous-PID`) whose process no longer runs: what a run stopped by a second
/// signal, or killed outright, left behind. Where processes cannot be looked up (no `/proc`),
/// nothing is removed.
fn remove_stale(parent: &Path, target: &Path) {
    if !Path::new("/proc/self").exists() {
        return;
    }
    let name = target
        .file_name()
        .map_or_else(|| "results".into(), |n| n.to_string_lossy().into_owned());
    let Ok(entries) = fs::read_dir(parent) else {
        return;
    };
    for entry in entries.filter_map(|e| e.ok()) {
        let file = entry.file_name().to_string_lossy().into_owned();
        let pid = ["partial", "previous"].iter().find_map(|what| {
            file.strip_prefix(&format!(".{name}.seams-{what}-"))?
                .parse::<u32>()
                .ok()
        });
        let Some(pid) = pid else { continue };
        let path = entry.path();
        let alive = Path::new(&format!("/proc/{pid}")).exists();
        if !alive && pid != std::process::id() && kind_of(&path) == Some("folder") {
            let _ = fs::remove_dir_all(&path);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run_json(files: &[&str]) -> String {
        serde_json::json!({ "format": super::super::FORMAT_ID, "files": files }).to_string()
    }

    #[test]
    fn a_dropped_staging_leaves_the_old_folder() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("out");
        {
            let mut staging = Staging::new(&target).unwrap();
            staging.write("a.csv", b"one").unwrap();
            staging
                .write("run.json", run_json(&["a.csv", "run.json"]).as_bytes())
                .unwrap();
            staging.commit().unwrap();
        }
        {
            let mut staging = Staging::new(&target).unwrap();
            staging.write("a.csv", b"two").unwrap();
        }
        assert_eq!(fs::read_to_string(target.join("a.csv")).unwrap(), "one");
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn a_rerun_replaces_only_its_own_files() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("out");
        let mut staging = Staging::new(&target).unwrap();
        staging.write("charts/c.png", b"old chart").unwrap();
        staging.write("old.csv", b"old").unwrap();
        staging
            .write(
                "run.json",
                run_json(&["charts/c.png", "old.csv", "run.json"]).as_bytes(),
            )
            .unwrap();
        staging.commit().unwrap();
        fs::write(target.join("notes.md"), "mine").unwrap();
        fs::create_dir(target.join("drafts")).unwrap();
        fs::write(target.join("drafts/x.txt"), "mine too").unwrap();

        let mut staging = Staging::new(&target).unwrap();
        staging.write("new.csv", b"new").unwrap();
        staging
            .write("run.json", run_json(&["new.csv", "run.json"]).as_bytes())
            .unwrap();
        staging.commit().unwrap();
        let mut names: Vec<String> = fs::read_dir(&target)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        assert_eq!(names, ["drafts", "new.csv", "notes.md", "run.json"]);
        assert_eq!(fs::read_to_string(target.join("notes.md")).unwrap(), "mine");
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn refuses_a_folder_that_is_not_a_results_folder() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join("precious.txt"), "keep").unwrap();
        // A run.json that is not seams' own does not make it a results folder.
        fs::write(dir.path().join("run.json"), "{\"files\": []}").unwrap();
        assert!(check_target(dir.path()).is_err());
        assert!(check_target(&dir.path().join("precious.txt")).is_err());
    }

    #[cfg(unix)]
    #[test]
    fn stale_folders_of_dead_processes_are_removed() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("out");
        // Process ids above the kernel's maximum (4,194,304) never run.
        let stale = dir.path().join(".out.seams-partial-999999999");
        fs::create_dir(&stale).unwrap();
        let other = dir.path().join(".other.seams-partial-999999999");
        fs::create_dir(&other).unwrap();
        let staging = Staging::new(&target).unwrap();
        assert!(!stale.exists());
        assert!(other.exists(), "another target's folder is left alone");
        drop(staging);
    }
}
