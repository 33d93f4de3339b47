//! Reading the files a user names — scenarios, registers, results folders — safely: only
//! regular files are opened (a folder, FIFO or device is bad input, never a hang), and only up
//! to a size limit, so a wrong path gives one clear message rather than a stall or a crash.

use std::path::Path;

use crate::error::{Error, InputError, Result};

/// Reads a regular file of at most `max_bytes`; `what` names it in messages ("scenario").
///
/// # Errors
/// [`Error::Read`] when it cannot be read; [`Error::Input`] when it is not a regular file or
/// is too large.
pub fn read_regular(path: &Path, what: &str, max_bytes: u64) -> Result<Vec<u8>> {
    let refuse = |problem: String, fix: String| -> Error {
        InputError {
            origin: path.display().to_string(),
            location: None,
            key: String::new(),
            problem,
            fix,
        }
        .into()
    };
    let meta = std::fs::metadata(path).map_err(|e| unreadable(path, &e, what))?;
    if meta.is_dir() {
        return Err(refuse(
            format!("is a folder, not a {what} file"),
            format!("give the path of the {what} file itself"),
        ));
    }
    if !meta.is_file() {
        return Err(refuse(
            format!("is not a regular file (a FIFO, socket or device), so it cannot be a {what}"),
            format!("give the path of a saved {what} file"),
        ));
    }
    if meta.len() > max_bytes {
        return Err(refuse(
            format!(
                "the file is {:.0} MB; a {what} is a small text file (at most {} MB)",
                meta.len() as f64 / 1e6,
                max_bytes / 1_000_000
            ),
            format!("check that this is the {what} you meant"),
        ));
    }
    std::fs::read(path).map_err(|e| unreadable(path, &e, what))
}

/// A file that cannot be read, with what to do about it.
fn unreadable(path: &Path, e: &std::io::Error, what: &str) -> Error {
    let fix = match e.kind() {
        std::io::ErrorKind::NotFound => format!(
            "check the path of the {what}: a relative path is read from the folder the command runs in"
        ),
        std::io::ErrorKind::PermissionDenied => {
            format!("give yourself permission to read the {what}, or copy it somewhere you can")
        }
        _ => format!("check that the {what} can be opened, then run again"),
    };
    Error::Read {
        path: path.to_path_buf(),
        problem: e.to_string(),
        fix,
    }
}

/// Text of a file that must be UTF-8 (a byte-order mark is dropped).
///
/// # Errors
/// An [`Error::Input`] saying how to save the file as UTF-8: it names UTF-16 where the file
/// starts with a UTF-16 byte-order mark, and the first bad byte otherwise.
pub fn utf8(path: &Path, bytes: Vec<u8>, what: &str) -> Result<String> {
    let refuse = |problem: String| -> Error {
        InputError {
            origin: path.display().to_string(),
            location: None,
            key: String::new(),
            problem,
            fix: format!("save the {what} as UTF-8 (in Excel: Save As → CSV UTF-8)"),
        }
        .into()
    };
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        return Err(refuse("the file is UTF-16 text, not UTF-8".into()));
    }
    let bytes = match bytes.strip_prefix(b"\xEF\xBB\xBF") {
        Some(rest) => rest.to_vec(),
        None => bytes,
    };
    String::from_utf8(bytes).map_err(|e| {
        refuse(format!(
            "the file is not UTF-8 text (byte {} is not valid UTF-8; Latin-1 or Windows-1252 perhaps)",
            e.utf8_error().valid_up_to() + 1
        ))
    })
}
