//! The `kam-trainer` binary: parses the command line and hands over to
//! [`kam_trainer::cli::run`].

use std::process::ExitCode;

fn main() -> ExitCode {
    kam_trainer::cli::run(std::env::args_os())
}
