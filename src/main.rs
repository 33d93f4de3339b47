//! The `seams` binary: parses arguments, calls the library, prints the error and maps it to an
//! exit code (0 success, 1 failure while running, 2 bad input, 130 interrupted by Ctrl-C, 143
//! stopped by SIGTERM).

mod cli;

use std::io::Write;
use std::process::ExitCode;
use std::sync::atomic::{AtomicI32, Ordering};
use std::sync::Arc;

use clap::Parser;
use seams::CancelToken;

/// Cancels the run in flight on SIGINT (Ctrl-C) or SIGTERM, so that it stops at its next check
/// and leaves no partial results folder; a second signal ends the process at once. Returns the
/// number of the signal received, 0 while none is.
fn watch_signals(cancel: CancelToken) -> Arc<AtomicI32> {
    let received = Arc::new(AtomicI32::new(0));
    #[cfg(unix)]
    {
        use signal_hook::consts::signal::{SIGINT, SIGTERM};
        if let Ok(mut signals) = signal_hook::iterator::Signals::new([SIGINT, SIGTERM]) {
            let seen = received.clone();
            std::thread::spawn(move || {
                for signal in signals.forever() {
                    if cancel.is_cancelled() {
                        std::process::exit(128 + signal);
                    }
                    seen.store(signal, Ordering::SeqCst);
                    cancel.cancel();
                }
            });
        }
    }
    received
}

fn main() -> ExitCode {
    // The process runs one command, so one token is the token of the run in flight.
    let cancel = CancelToken::new();
    let signal = watch_signals(cancel.clone());
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
            // A command that ended on a signal (`seams serve` stopped by Ctrl-C or SIGTERM)
            // says so in its exit code, as the help promises.
            match signal.load(Ordering::SeqCst) {
                0 => ExitCode::SUCCESS,
                number => ExitCode::from(128 + number as u8),
            }
        }
        Err(e) => {
            eprintln!("error: {e:#}");
            match e.downcast_ref::<seams::Error>() {
                Some(seams::Error::Interrupted) => {
                    let number = signal.load(Ordering::SeqCst);
                    ExitCode::from(if number > 0 { 128 + number as u8 } else { 130 })
                }
                Some(error) if error.is_bad_input() => ExitCode::from(2),
                _ => ExitCode::from(1),
            }
        }
    }
}
