//! `kam-trainer verify`: replays each run record on its scenario version
//! and prints OK or every difference. Exit 1 when any record fails or
//! cannot be read.

use std::fmt::Write as _;
use std::path::Path;
use std::process::ExitCode;

use super::args::VerifyArgs;
use super::{CliError, FAILED, emit};
use crate::report::ScenarioIndex;
use crate::report::collect::{json_files, read_record};
use crate::report::verify::verify_run;

pub fn run(args: VerifyArgs, scenarios: &Path) -> Result<ExitCode, CliError> {
    let index = ScenarioIndex::load(&[scenarios.to_owned()]).map_err(|e| {
        CliError::Usage(format!(
            "{e}; pass --scenarios DIR, the folder of the scenario files the runs were played on"
        ))
    })?;
    let (files, missing) = json_files(&args.paths);
    let mut out = String::new();
    let (mut ok, mut failed) = (0, missing.len());
    for m in &missing {
        let _ = writeln!(out, "FAILED {}: {}", m.path.display(), m.reason);
    }
    for file in files {
        if file.file_name().is_some_and(|n| n == "profile.json") {
            continue;
        }
        let run = match read_record(&file) {
            Ok(r) => r,
            Err(reason) => {
                failed += 1;
                let _ = writeln!(
                    out,
                    "FAILED {}: cannot be verified: {reason}",
                    file.display()
                );
                continue;
            }
        };
        let findings = verify_run(&run, &index);
        let what = format!(
            "{}: {}, {} (seed {}), overall {}",
            file.display(),
            run.trainee,
            run.scenario.id,
            run.seed,
            run.scores.overall
        );
        if findings.is_empty() {
            ok += 1;
            let _ = writeln!(out, "OK     {what}");
        } else {
            failed += 1;
            let _ = writeln!(out, "FAILED {what}");
            for f in findings {
                let _ = writeln!(out, "       - {f}");
            }
        }
    }
    let _ = writeln!(out, "{ok} genuine, {failed} failed");
    emit(&out);
    Ok(if failed > 0 {
        ExitCode::from(FAILED)
    } else if ok == 0 {
        eprintln!("error: no run records found in the given paths");
        ExitCode::from(FAILED)
    } else {
        ExitCode::SUCCESS
    })
}
