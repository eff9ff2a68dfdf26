//! What every example tool does the same way: read its arguments and load the schedules.
//! (A folder without main.rs is not an example of its own; each tool includes it.)

#![allow(dead_code, clippy::print_stderr)] // not every tool uses every helper

use std::path::Path;
use std::process::ExitCode;

use radfee::Schedules;

/// Output format of the tools that print a result.
#[derive(Clone, Copy, Debug, clap::ValueEnum)]
pub(crate) enum Format {
    /// Readable text.
    Text,
    /// JSON.
    Json,
}

/// The tool's arguments, or the exit code after clap printed usage (2) or help/version (0).
pub(crate) fn parse_args<T: clap::Parser>() -> Result<T, ExitCode> {
    T::try_parse().map_err(|e| {
        let code = if e.use_stderr() { 2 } else { 0 };
        let _ = e.print();
        ExitCode::from(code)
    })
}

/// The schedules of `dir`, or the compiled-in ones; on a bad folder, the findings on
/// standard error and exit code 2.
pub(crate) fn load_schedules(dir: Option<&Path>) -> Result<Schedules, ExitCode> {
    match dir {
        Some(d) => Schedules::from_dir(d),
        None => Schedules::builtin(),
    }
    .map_err(|e| {
        eprintln!("error:\n{e}");
        ExitCode::from(2)
    })
}
