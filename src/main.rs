//! The `seams` binary: parses arguments, calls the library, prints the error and maps it to an
//! exit code (0 success, 1 failure while running, 2 bad input, 130 interrupted).

mod cli;

use std::io::Write;
use std::process::ExitCode;

use clap::Parser;
use seams::CancelToken;

fn main() -> ExitCode {
    // The process runs one command, so one token is the token of the run in flight. Ctrl-C
    // asks it to stop at its next check, so that no partial results folder is left; a second
    // Ctrl-C stops at once.
    let cancel = CancelToken::new();
    let on_interrupt = cancel.clone();
    let _ = ctrlc::set_handler(move || {
        if on_interrupt.is_cancelled() {
            std::process::exit(130);
        }
        on_interrupt.cancel();
    });
    let args = match cli::Cli::try_parse() {
        Ok(args) => args,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() {
                ExitCode::from(2)
            } else {
                ExitCode::SUCCESS
            };
        }
    };
    match cli::execute(args, cancel) {
        Ok(text) => {
            let mut stdout = std::io::stdout().lock();
            // A closed pipe (`seams check … | head`) is not an error.
            let _ = stdout.write_all(text.as_bytes());
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e:#}");
            match e.downcast_ref::<seams::Error>() {
                Some(seams::Error::Interrupted) => ExitCode::from(130),
                Some(error) if error.is_bad_input() => ExitCode::from(2),
                _ => ExitCode::from(1),
            }
        }
    }
}
