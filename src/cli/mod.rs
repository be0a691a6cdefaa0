//! The headless commands, one file per subcommand. They load, call the
//! modules that own the logic and print; nothing here decides a score.

mod args;
mod check;
mod course;
mod export;
#[cfg(feature = "gui")]
mod game;
mod graph;
mod new;
mod play;
mod profile;
mod send;
mod verify;

use std::ffi::OsString;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;

pub use args::{Args, Command};

/// Exit code for a run that found errors in its input.
const FAILED: u8 = 1;
/// Exit code for a command line that cannot be carried out.
const USAGE: u8 = 2;

/// Runs the command line and returns the process's exit code.
pub fn run(argv: impl IntoIterator<Item = OsString>) -> ExitCode {
    let args = match Args::try_parse_from(argv) {
        Ok(a) => a,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { USAGE } else { 0 });
        }
    };
    let result = match args.command {
        Some(Command::Check(c)) => check::run(c),
        Some(Command::Play(p)) => play::run(p, args.data_dir, &args.scenarios),
        Some(Command::Profile(p)) => profile::run(p, args.data_dir, &args.scenarios),
        Some(Command::Export(e)) => export::run(e, args.data_dir, &args.scenarios),
        Some(Command::Send(s)) => send::run(s, args.data_dir, &args.scenarios),
        Some(Command::Verify(v)) => verify::run(v, &args.scenarios),
        Some(Command::Report(r)) => export::report(r, args.data_dir, &args.scenarios),
        Some(Command::Graph(g)) => graph::run(g),
        Some(Command::New(n)) => new::run(n, &args.scenarios),
        #[cfg(feature = "gui")]
        Some(Command::Shot(s)) => game::shot(s, args.data_dir, args.scenarios, args.author),
        #[cfg(feature = "gui")]
        None => game::start(args.data_dir, args.scenarios, args.author),
        #[cfg(not(feature = "gui"))]
        None => no_game(),
    };
    match result {
        Ok(code) => code,
        Err(CliError::Usage(msg)) => {
            eprintln!("error: {msg}");
            ExitCode::from(USAGE)
        }
        Err(CliError::Failed(msg)) => {
            eprintln!("error: {msg}");
            ExitCode::from(FAILED)
        }
    }
}

/// What can go wrong in a command, and so its exit code.
#[derive(Debug)]
pub enum CliError {
    /// The command line asks for something impossible (exit 2).
    Usage(String),
    /// The input is wrong (exit 1).
    Failed(String),
}

/// The data directory: `--data-dir`, then `KAM_TRAINER_DATA` (clap reads
/// both), then the platform's data directory.
pub fn data_dir(given: Option<PathBuf>) -> Result<PathBuf, CliError> {
    if let Some(dir) = given {
        return Ok(dir);
    }
    crate::career::store::default_data_dir().ok_or_else(|| {
        CliError::Usage("no home directory to keep profiles in; pass --data-dir DIR".to_owned())
    })
}

/// Writes the command's output; a closed pipe (`| head`) is not an error.
fn emit(text: &str) {
    use std::io::Write;
    let mut stdout = std::io::stdout().lock();
    let _ = stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush());
}

/// Writes bytes as they are (exports with a BOM, HTML).
fn emit_bytes(bytes: &[u8]) {
    use std::io::Write;
    let mut stdout = std::io::stdout().lock();
    let _ = stdout.write_all(bytes).and_then(|()| stdout.flush());
}

#[cfg(not(feature = "gui"))]
fn no_game() -> Result<ExitCode, CliError> {
    use clap::CommandFactory;
    eprintln!(
        "The desktop game is not part of this build yet. Check and play scenarios without a window:\n"
    );
    let _ = Args::command().print_help();
    Ok(ExitCode::SUCCESS)
}
