//! `kam-trainer export` and `kam-trainer report`: gather runs from the
//! profile store or a collected folder, then export them or write the
//! cohort summary.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use super::args::{Delimiter, ExportArgs, ReportArgs, SourceArgs};
use super::{CliError, data_dir, emit_bytes};
use crate::report::export::{ExportOptions, XapiOptions, export_runs, write_atomically};
use crate::report::{Collection, ScenarioIndex, collect_from, collect_store};

/// Reads the runs, printing every skipped file on stderr.
fn gather(source: &SourceArgs, data: Option<PathBuf>) -> Result<Collection, CliError> {
    let found = match &source.from {
        Some(dir) => collect_from(dir),
        None => collect_store(&data_dir(data)?),
    }
    .map_err(|e| CliError::Usage(format!("{e}; pass --from DIR or --data-dir DIR")))?;
    for s in &found.skipped {
        eprintln!("warning: {s}");
    }
    if found.duplicates > 0 {
        eprintln!(
            "note: {} run(s) found more than once (same id); each is counted once",
            found.duplicates
        );
    }
    Ok(found)
}

/// `--since`: a date (midnight UTC) or an RFC 3339 moment.
fn parse_since(text: &str) -> Result<jiff::Timestamp, CliError> {
    if let Ok(t) = text.parse::<jiff::Timestamp>() {
        return Ok(t);
    }
    text.parse::<jiff::civil::Date>()
        .ok()
        .and_then(|d| d.to_zoned(jiff::tz::TimeZone::UTC).ok())
        .map(|z| z.timestamp())
        .ok_or_else(|| {
            CliError::Usage(format!(
                "--since {text}: expected a date like 2026-03-01 or a moment like 2026-03-01T09:00:00Z"
            ))
        })
}

pub(super) fn write_or_emit(out: Option<&Path>, bytes: &[u8]) -> Result<(), CliError> {
    match out {
        Some(path) => write_atomically(path, bytes).map_err(|e| CliError::Failed(e.to_string())),
        None => {
            emit_bytes(bytes);
            Ok(())
        }
    }
}

/// The runs `--profile`, `--since` and `--from` select.
pub(super) fn select(
    source: &SourceArgs,
    trainees: &[String],
    since: Option<&str>,
    data: Option<PathBuf>,
) -> Result<Collection, CliError> {
    let since = since.map(parse_since).transpose()?;
    let mut found = gather(source, data)?;
    if !trainees.is_empty() {
        let known: Vec<String> = found_names(&found);
        let unknown = found.keep_trainees(trainees);
        if !unknown.is_empty() {
            return Err(CliError::Usage(format!(
                "no trainee named {}; check the spelling{}",
                unknown.join(", "),
                if known.is_empty() {
                    String::new()
                } else {
                    format!(" (found: {})", known.join(", "))
                }
            )));
        }
    }
    if let Some(since) = since {
        found.keep_since(since);
    }
    Ok(found)
}

pub fn run(
    args: ExportArgs,
    data: Option<PathBuf>,
    scenarios: &Path,
) -> Result<ExitCode, CliError> {
    let found = select(&args.source, &args.profiles, args.since.as_deref(), data)?;
    if found.runs.is_empty() {
        eprintln!("note: no finished runs to export");
    }
    // Scenario files give the words of each decision and critical error
    // (a record holds facts), and xAPI the language of the names; without
    // them the ids stand in.
    let xapi = args.format == crate::report::Format::Xapi;
    let index = scenario_index(scenarios)?;
    if xapi && args.decisions {
        let missing = found
            .runs
            .iter()
            .filter(|r| index.by_hash(&r.scenario.hash).is_none())
            .count();
        if missing > 0 {
            eprintln!(
                "note: {missing} run(s) were played on a scenario version not in {}; their answer statements name the dialogue, not the node",
                scenarios.display()
            );
        }
    }
    let options = ExportOptions {
        csv_delimiter: match args.delimiter {
            Delimiter::Comma => b',',
            Delimiter::Semicolon => b';',
        },
        xapi: XapiOptions {
            home_page: args.home_page,
            activity_base: args.activity_base,
            decisions: args.decisions,
        },
        scenarios: Some(&index),
    };
    let bytes = export_runs(args.format, &found.runs, &found.profiles, &options)
        .map_err(|e| CliError::Usage(e.to_string()))?;
    write_or_emit(args.out.as_deref(), &bytes)?;
    if let Some(out) = &args.out {
        eprintln!("wrote {} run(s) to {}", found.runs.len(), out.display());
    }
    Ok(ExitCode::SUCCESS)
}

fn found_names(found: &Collection) -> Vec<String> {
    let mut names: Vec<String> = found
        .profiles
        .keys()
        .chain(found.runs.iter().map(|r| &r.trainee))
        .cloned()
        .collect();
    names.sort();
    names.dedup();
    names
}

/// The scenario files of the folder, when it exists.
pub(super) fn scenario_index(scenarios: &Path) -> Result<ScenarioIndex, CliError> {
    if scenarios.exists() {
        ScenarioIndex::load(&[scenarios.to_owned()]).map_err(CliError::Failed)
    } else {
        Ok(ScenarioIndex::default())
    }
}

pub fn report(
    args: ReportArgs,
    data: Option<PathBuf>,
    scenarios: &Path,
) -> Result<ExitCode, CliError> {
    let found = gather(&args.source, data)?;
    let index = scenario_index(scenarios)?;
    let html = crate::report::html::cohort_report(&found.runs, &found.profiles, &index);
    write_or_emit(args.out.as_deref(), html.as_bytes())?;
    if let Some(out) = &args.out {
        eprintln!(
            "wrote the report of {} run(s) to {}",
            found.runs.len(),
            out.display()
        );
    }
    Ok(ExitCode::SUCCESS)
}
