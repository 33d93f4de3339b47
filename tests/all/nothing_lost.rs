//! Nothing lost, nothing hung: one regression test per class of the hostile test's findings —
//! results folders that keep a user's files, output paths that are not plain files, a full
//! disk, inputs that are not regular files, damaged results folders, signals.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use super::common::*;

fn run_into(dir: &Path, out: &Path, extra: &[&str]) -> std::process::Output {
    run_scenario(dir, &fixture("small.toml"), out, extra)
}

fn names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn a_users_files_in_a_results_folder_survive_a_rerun() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    assert!(run_into(dir.path(), &out, &["--samples"]).status.success());
    std::fs::write(out.join("notes.md"), "my notes").unwrap();
    std::fs::create_dir(out.join("drafts")).unwrap();
    std::fs::write(out.join("drafts/v1.md"), "draft").unwrap();
    // Re-run without samples and without charts: seams' old files go, the user's stay.
    let output = run_into(dir.path(), &out, &["--no-charts"]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(
        std::fs::read_to_string(out.join("notes.md")).unwrap(),
        "my notes"
    );
    assert_eq!(
        std::fs::read_to_string(out.join("drafts/v1.md")).unwrap(),
        "draft"
    );
    assert!(!out.join("samples.parquet").exists());
    assert!(!out.join("charts").exists());
    assert!(out.join("summary.csv").exists());
    // The manifest lists what seams wrote, and nothing of the user's.
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("run.json")).unwrap()).unwrap();
    let files: Vec<&str> = json["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f.as_str().unwrap())
        .collect();
    assert!(files.contains(&"summary.csv") && files.contains(&"run.json"));
    assert!(!files.iter().any(|f| f.contains("notes")));
    assert_eq!(names(dir.path()), ["out"], "no temporary folder is left");
}

#[test]
fn a_folder_with_a_foreign_run_json_is_not_taken_for_results() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("mine");
    std::fs::create_dir(&out).unwrap();
    std::fs::write(out.join("run.json"), "{\"training\": \"10k run\"}").unwrap();
    std::fs::write(out.join("plan.txt"), "keep").unwrap();
    let output = run_into(dir.path(), &out, &[]);
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    assert!(stderr(&output).contains("did not write"));
    assert_eq!(names(&out), ["plan.txt", "run.json"]);
}

#[cfg(unix)]
#[test]
fn symlinks_fifos_and_devices_given_as_outputs_are_refused_and_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let real = dir.path().join("real");
    std::fs::create_dir(&real).unwrap();
    let link = dir.path().join("link");
    std::os::unix::fs::symlink(&real, &link).unwrap();
    let fifo = dir.path().join("fifo");
    assert!(Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap()
        .success());
    let mut targets = vec![link.clone(), fifo.clone()];
    // A character device like /dev/null, made here (root only); never a real /dev node.
    let device = dir.path().join("null");
    let made = Command::new("mknod")
        .args([device.to_str().unwrap(), "c", "1", "3"])
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if made {
        targets.push(device.clone());
    }
    for target in &targets {
        let output = run_into(dir.path(), target, &[]);
        assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
        assert!(
            stderr(&output).contains("symbolic link") || stderr(&output).contains("FIFO"),
            "{}",
            stderr(&output)
        );
        // Single-file outputs are guarded the same way.
        let output = run_in(
            dir.path(),
            &[
                "assumptions",
                fixture("small.toml").to_str().unwrap(),
                "-o",
                target.to_str().unwrap(),
            ],
        );
        assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    }
    assert!(std::fs::symlink_metadata(&link)
        .unwrap()
        .file_type()
        .is_symlink());
    assert!(
        names(&real).is_empty(),
        "nothing was written through the link"
    );
    use std::os::unix::fs::FileTypeExt;
    assert!(std::fs::symlink_metadata(&fifo)
        .unwrap()
        .file_type()
        .is_fifo());
    if made {
        assert!(std::fs::symlink_metadata(&device)
            .unwrap()
            .file_type()
            .is_char_device());
    }
}

/// Runs `seams` on a small full filesystem: a tmpfs mounted in a private mount namespace
/// (`unshare`), so the test needs no privileges beyond user namespaces. `None` where the
/// machine allows neither.
fn run_on_full_disk(dir: &Path, script: &str) -> Option<std::process::Output> {
    let seams = env!("CARGO_BIN_EXE_seams");
    let fixture = fixture("small.toml");
    let full = format!(
        "set -e; mount -t tmpfs -o size=400k tmpfs {disk}; cd {disk}; {script}",
        disk = dir.display(),
        script = script
            .replace("SEAMS", seams)
            .replace("SCENARIO", fixture.to_str().unwrap())
    );
    let probe = Command::new("unshare")
        .args(["-rm", "true"])
        .stderr(Stdio::null())
        .status();
    if !probe.is_ok_and(|s| s.success()) {
        return None;
    }
    Some(
        Command::new("unshare")
            .args(["-rm", "sh", "-c", &full])
            .output()
            .unwrap(),
    )
}

#[test]
fn a_full_disk_is_an_error_and_keeps_the_previous_results() {
    let dir = tempfile::tempdir().unwrap();
    // First a small run that fits, then one with charts that cannot: the second must fail with
    // exit 1 and leave the first run's files as they were, with no temporary folder.
    let script = "SEAMS run SCENARIO -o out -q --no-charts -n 2000; \
                  sha256sum out/summary.csv > before; \
                  set +e; SEAMS run SCENARIO -o out -q -n 2000 2> err; echo $? > code; set -e; \
                  sha256sum out/summary.csv > after; \
                  cat code; cat err; cmp before after && echo SAME; ls -a";
    match run_on_full_disk(dir.path(), script) {
        Some(output) => {
            let text = stdout(&output);
            assert!(output.status.success(), "{text}{}", stderr(&output));
            assert!(text.starts_with("1\n"), "exit code 1 expected:\n{text}");
            assert!(
                text.contains("No space left on device") || text.contains("space"),
                "{text}"
            );
            assert!(
                text.contains("SAME"),
                "the previous results changed:\n{text}"
            );
            assert!(
                !text.contains("seams-partial"),
                "a partial folder was left:\n{text}"
            );
        }
        // No namespaces here: the same failure injected through the test hook.
        None => fails_to_write_keeping_the_previous_results("economic-case.md"),
    }
}

/// A run whose write of `file` fails (through the test hook) exits 1 and leaves the previous
/// results as they were, with no temporary folder.
fn fails_to_write_keeping_the_previous_results(file: &str) {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    assert!(run_into(dir.path(), &out, &["--no-charts", "-n", "2000"])
        .status
        .success());
    let before = std::fs::read(out.join("run.json")).unwrap();
    let output = seams()
        .current_dir(dir.path())
        .env("SEAMS_TEST_FAIL_WRITE", file)
        .args([
            "run",
            fixture("small.toml").to_str().unwrap(),
            "-o",
            "out",
            "-q",
        ])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    assert!(stderr(&output).contains("no space left on device"));
    assert_eq!(std::fs::read(out.join("run.json")).unwrap(), before);
    assert_eq!(names(dir.path()), ["out"]);
}

#[test]
fn a_simulated_write_failure_keeps_the_previous_results() {
    fails_to_write_keeping_the_previous_results("run.json");
}

/// Waits for a child at most `limit`, killing it if it takes longer: a hang detector, not a
/// speed target.
fn wait_or_kill(mut child: std::process::Child, limit: Duration) -> std::process::Output {
    let start = Instant::now();
    while child.try_wait().unwrap().is_none() {
        if start.elapsed() > limit {
            child.kill().unwrap();
            panic!("seams hung for {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    child.wait_with_output().unwrap()
}

#[cfg(unix)]
#[test]
fn inputs_that_are_not_regular_files_are_refused_without_hanging() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("scenario.toml");
    assert!(Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap()
        .success());
    let folder = dir.path().join("folder.toml");
    std::fs::create_dir(&folder).unwrap();
    for (input, fragment) in [(&fifo, "not a regular file"), (&folder, "is a folder")] {
        for command in ["check", "run", "assumptions"] {
            let child = seams()
                .current_dir(dir.path())
                .args([command, input.to_str().unwrap()])
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap();
            let output = wait_or_kill(child, Duration::from_secs(20));
            let err = stderr(&output);
            assert_eq!(output.status.code(), Some(2), "{command}: {err}");
            assert_eq!(
                err.matches(fragment).count(),
                1,
                "{command}: said once: {err}"
            );
        }
    }
    // A register that is a FIFO, too.
    let child = seams()
        .current_dir(dir.path())
        .args([
            "run",
            fixture("small.toml").to_str().unwrap(),
            "--assumptions",
            fifo.to_str().unwrap(),
            "-o",
            "out",
        ])
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let output = wait_or_kill(child, Duration::from_secs(20));
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
}

#[test]
fn registers_in_other_encodings_are_refused_with_the_fix_and_semicolons_are_read() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = fixture("small.toml");
    let run = |register: &Path, out: &str| {
        run_in(
            dir.path(),
            &[
                "run",
                scenario.to_str().unwrap(),
                "--assumptions",
                register.to_str().unwrap(),
                "-o",
                out,
                "-q",
                "--no-charts",
            ],
        )
    };
    let utf16: Vec<u8> = [0xFF, 0xFE]
        .into_iter()
        .chain(
            "key,distribution\n"
                .encode_utf16()
                .flat_map(u16::to_le_bytes),
        )
        .collect();
    let latin1 = b"key,distribution,note\njourneys.per_year,50k,caf\xe9\n".to_vec();
    for (name, bytes, fragment) in [
        ("utf16.csv", utf16, "UTF-16"),
        ("latin1.csv", latin1, "Latin-1"),
    ] {
        let path = dir.path().join(name);
        std::fs::write(&path, bytes).unwrap();
        let output = run(&path, "bad");
        assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
        assert!(stderr(&output).contains(fragment), "{}", stderr(&output));
        assert!(stderr(&output).contains("save the register as UTF-8"));
    }
    // The same edit, comma- and semicolon-separated, gives the same results.
    let comma = dir.path().join("comma.csv");
    std::fs::write(
        &comma,
        "key,distribution\njourneys.per_year,\"pert(40k, 55k, 70k)\"\n",
    )
    .unwrap();
    let semicolon = dir.path().join("semicolon.csv");
    std::fs::write(
        &semicolon,
        "key;distribution\njourneys.per_year;pert(40k, 55k, 70k)\n",
    )
    .unwrap();
    assert!(run(&comma, "a").status.success());
    let output = run(&semicolon, "b");
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(
        std::fs::read(dir.path().join("a/summary.csv")).unwrap(),
        std::fs::read(dir.path().join("b/summary.csv")).unwrap()
    );
}

#[test]
fn compare_refuses_damaged_folders_and_never_writes_over_its_inputs() {
    let dir = tempfile::tempdir().unwrap();
    let a = dir.path().join("a");
    assert!(run_into(dir.path(), &a, &["--no-charts", "-n", "2000"])
        .status
        .success());
    let compare = |b: &Path, extra: &[&str]| {
        let mut args = vec!["compare", a.to_str().unwrap(), b.to_str().unwrap()];
        args.extend_from_slice(extra);
        run_in(dir.path(), &args)
    };
    // Writing the comparison over an input of the comparison is refused.
    let run_json = a.join("run.json");
    let before = std::fs::read(&run_json).unwrap();
    let output = compare(&a, &["-o", run_json.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    assert!(stderr(&output).contains("would overwrite the input"));
    assert_eq!(std::fs::read(&run_json).unwrap(), before);

    let copies = std::cell::Cell::new(0);
    let damage = |name: &str, edit: &dyn Fn(String) -> String| {
        copies.set(copies.get() + 1);
        let b = dir.path().join(format!("b{}-{name}", copies.get()));
        std::fs::create_dir(&b).unwrap();
        for entry in std::fs::read_dir(&a).unwrap() {
            let path = entry.unwrap().path();
            std::fs::copy(&path, b.join(path.file_name().unwrap())).unwrap();
        }
        let text = std::fs::read_to_string(b.join(name)).unwrap();
        std::fs::write(b.join(name), edit(text)).unwrap();
        b
    };
    let cases: Vec<(std::path::PathBuf, &str)> = vec![
        (
            damage("run.json", &|t| {
                t.replace("\"iterations\": 2000", "\"iterations\": \"many\"")
            }),
            "damaged",
        ),
        (
            damage("run.json", &|t| t.replace("\"inputs\"", "\"inputz\"")),
            "damaged",
        ),
        (
            damage("summary.csv", &|t| {
                let mut lines: Vec<String> = t.lines().map(String::from).collect();
                let row = lines
                    .iter()
                    .position(|l| l.starts_with("total,disjointed,all"))
                    .unwrap();
                let cells: Vec<&str> = lines[row].split(',').collect();
                lines[row] = format!(
                    "{},{},{},NaN,{}",
                    cells[0],
                    cells[1],
                    cells[2],
                    cells[4..].join(",")
                );
                lines.join("\n") + "\n"
            }),
            "not a finite number",
        ),
        (
            damage("appraisal.csv", &|t| t.replacen(",npsv,", ",npsv,inf", 1)),
            "damaged",
        ),
        // Without this version's format marker: written by another version.
        (
            damage("run.json", &|t| {
                t.replacen("\"format\": \"seams-results\",", "", 1)
            }),
            "cannot compare",
        ),
    ];
    for (b, fragment) in cases {
        let output = compare(&b, &[]);
        assert_eq!(
            output.status.code(),
            Some(2),
            "{}: {}",
            b.display(),
            stderr(&output)
        );
        assert!(
            stderr(&output).contains(fragment),
            "{}: {}",
            b.display(),
            stderr(&output)
        );
        assert!(!stdout(&output).contains("NaN"));
    }
}

#[cfg(unix)]
#[test]
fn sigterm_stops_a_run_like_ctrl_c_and_later_runs_clean_up_after_a_kill() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let start = |n: &str| {
        seams()
            .current_dir(dir.path())
            .args([
                "run",
                fixture("small.toml").to_str().unwrap(),
                "-n",
                n,
                "-o",
                "out",
            ])
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap()
    };
    let signal = |child: &std::process::Child, name: &str| {
        std::thread::sleep(Duration::from_millis(1500));
        assert!(Command::new("kill")
            .args([name, &child.id().to_string()])
            .status()
            .unwrap()
            .success());
    };
    let child = start("20000000");
    signal(&child, "-TERM");
    let output = wait_or_kill(child, Duration::from_secs(60));
    assert_eq!(output.status.code(), Some(143), "{}", stderr(&output));
    assert!(stderr(&output).contains("interrupted"));
    assert!(names(dir.path()).is_empty(), "{:?}", names(dir.path()));

    // A run killed outright leaves its temporary folder; the next run removes it.
    let child = start("20000000");
    signal(&child, "-KILL");
    let _ = wait_or_kill(child, Duration::from_secs(60));
    assert!(names(dir.path())
        .iter()
        .any(|n| n.contains("seams-partial")));
    assert!(run_into(dir.path(), &out, &["--no-charts", "-n", "2000"])
        .status
        .success());
    assert_eq!(names(dir.path()), ["out"]);
}
