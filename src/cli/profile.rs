//! `kam-trainer profile list|show|create`: the trainees of a data directory,
//! and the store and career that `play --profile` records into.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use jiff::Timestamp;
use serde::Serialize;

use super::args::ProfileCommand;
use super::{CliError, data_dir, emit};
use crate::career::ladder::{Career, load_course_dir};
use crate::career::{Notice, Profile, ProfileSummary, Promotion, Store, StoreError};
use crate::scenario::Stage;
use crate::scoring::assess::Scores;

pub fn run(
    command: ProfileCommand,
    data: Option<PathBuf>,
    scenarios: &Path,
) -> Result<ExitCode, CliError> {
    let store = open_store(data)?;
    match command {
        ProfileCommand::List { json } => {
            let career = career(scenarios);
            let (profiles, notices) = store.list(&career);
            print_notices(&notices);
            if json {
                let doc = ListDoc {
                    data_dir: store.data_dir(),
                    profiles: &profiles,
                    notices: &notices,
                };
                emit(&(serde_json::to_string_pretty(&doc).expect("plain data serialises") + "\n"));
            } else {
                emit(&list_text(&store, &profiles));
            }
        }
        ProfileCommand::Show { name, json } => {
            let career = career(scenarios);
            let profile = store.load(&name, &career).map_err(store_error)?;
            print_notices(&profile.notices);
            let doc = show_doc(&profile, &career);
            if json {
                emit(&(serde_json::to_string_pretty(&doc).expect("plain data serialises") + "\n"));
            } else {
                emit(&show_text(&doc));
            }
        }
        ProfileCommand::Create { name, email } => {
            let summary = store.create(&name, email.as_deref()).map_err(store_error)?;
            emit(&format!(
                "Created the trainee \"{}\" ({}) in {}\n",
                summary.name,
                summary.stage.title(),
                store.data_dir().display()
            ));
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// The store of `--data-dir` / `KAM_TRAINER_DATA` / the platform default.
pub(super) fn open_store(data: Option<PathBuf>) -> Result<Store, CliError> {
    Store::open(&data_dir(data)?).map_err(store_error)
}

/// The career of the scenarios folder; a course file with errors is
/// mentioned (the career is then built from its valid parts).
pub(super) fn career(scenarios: &Path) -> Career {
    let course = load_course_dir(scenarios);
    if course.has_errors()
        && let Some(path) = &course.path
    {
        eprintln!(
            "note: {} has errors, so the career is built from its valid parts; see `kam-trainer check {}`",
            path.display(),
            scenarios.display()
        );
    }
    course.career
}

/// Notices go to stderr, so `--json` output stays one document.
pub(super) fn print_notices(notices: &[Notice]) {
    for n in notices {
        eprintln!("notice: {n}");
    }
}

/// A wrong name is the command line's mistake (exit 2); a disk that
/// fails is not (exit 1).
pub(super) fn store_error(e: StoreError) -> CliError {
    match e {
        StoreError::Io { .. } => CliError::Failed(e.to_string()),
        _ => CliError::Usage(e.to_string()),
    }
}

#[derive(Serialize)]
struct ListDoc<'a> {
    data_dir: &'a Path,
    profiles: &'a [ProfileSummary],
    notices: &'a [Notice],
}

fn list_text(store: &Store, profiles: &[ProfileSummary]) -> String {
    let mut out = String::new();
    if profiles.is_empty() {
        let _ = writeln!(
            out,
            "No trainees in {} yet; create one with `kam-trainer profile create NAME`.",
            store.data_dir().display()
        );
        return out;
    }
    let width = profiles
        .iter()
        .map(|p| p.name.chars().count())
        .max()
        .unwrap_or(0)
        .max(4);
    let _ = writeln!(out, "{:<width$}  {:<20}  {:>4}", "NAME", "STAGE", "RUNS");
    for p in profiles {
        let _ = writeln!(
            out,
            "{:<width$}  {:<20}  {:>4}",
            p.name,
            p.stage.title(),
            p.runs.len()
        );
    }
    let _ = writeln!(
        out,
        "({} trainee(s) in {})",
        profiles.len(),
        store.data_dir().display()
    );
    out
}

#[derive(Serialize)]
struct ShowDoc<'a> {
    name: &'a str,
    email: Option<&'a str>,
    created_at: Timestamp,
    stage: Stage,
    folder: &'a Path,
    promotions: &'a [Promotion],
    stages: Vec<StageLine<'a>>,
    best: Vec<RunLine<'a>>,
    runs: Vec<RunLine<'a>>,
    notices: &'a [Notice],
}

#[derive(Serialize)]
struct StageLine<'a> {
    stage: Stage,
    about: &'a str,
    scenarios: &'a [String],
    to_pass: usize,
    passed: usize,
    unlocked: bool,
}

#[derive(Serialize)]
struct RunLine<'a> {
    scenario: &'a str,
    title: &'a str,
    file: &'a str,
    seed: u64,
    started_at: Timestamp,
    finished_at: Timestamp,
    scores: Scores,
    passed: bool,
}

fn show_doc<'a>(p: &'a Profile, career: &'a Career) -> ShowDoc<'a> {
    let line = |i: usize| {
        let r = &p.runs[i];
        RunLine {
            scenario: &r.scenario.id,
            title: &r.scenario.title,
            file: &p.summary.runs[i],
            seed: r.seed,
            started_at: r.started_at,
            finished_at: r.finished_at,
            scores: r.scores,
            passed: r.passed,
        }
    };
    let best = p
        .summary
        .best
        .values()
        .filter_map(|file| p.summary.runs.iter().position(|f| f == file))
        .map(line)
        .collect();
    ShowDoc {
        name: &p.summary.name,
        email: p.summary.email.as_deref(),
        created_at: p.summary.created_at,
        stage: p.summary.stage,
        folder: &p.folder,
        promotions: &p.summary.promotions,
        stages: career
            .stages
            .iter()
            .map(|s| StageLine {
                stage: s.stage,
                about: &s.about,
                scenarios: &s.scenarios,
                to_pass: s.to_pass,
                passed: career.passed_count(s.stage, &p.runs),
                unlocked: Career::is_unlocked(s.stage, p.summary.stage),
            })
            .collect(),
        best,
        runs: (0..p.runs.len()).map(line).collect(),
        notices: &p.notices,
    }
}

fn show_text(d: &ShowDoc) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{} — {}", d.name, d.stage.title());
    if let Some(email) = d.email {
        let _ = writeln!(out, "  e-mail   {email}");
    }
    let _ = writeln!(out, "  since    {:.0}", d.created_at);
    let _ = writeln!(out, "  folder   {}", d.folder.display());
    let _ = writeln!(out, "\nPromotions:");
    if d.promotions.is_empty() {
        let _ = writeln!(out, "  none yet");
    }
    for p in d.promotions {
        let _ = writeln!(out, "  {:.0}  {}", p.at, p.to.title());
    }
    let _ = writeln!(out, "\nStages:");
    for s in &d.stages {
        let state = if !s.unlocked {
            "locked".to_owned()
        } else if s.scenarios.is_empty() {
            "no shifts yet".to_owned()
        } else {
            format!(
                "{} of {} passed ({} needed)",
                s.passed,
                s.scenarios.len(),
                s.to_pass
            )
        };
        let here = if s.stage == d.stage { "  <- here" } else { "" };
        let _ = writeln!(out, "  {:<20}  {state}{here}", s.stage.title());
    }
    let _ = writeln!(out, "\nBest run per scenario:");
    if d.best.is_empty() {
        let _ = writeln!(out, "  none yet");
    }
    for r in &d.best {
        let _ = writeln!(out, "  {}", run_text(r));
    }
    let _ = writeln!(out, "\nAll runs, oldest first:");
    if d.runs.is_empty() {
        let _ = writeln!(out, "  none yet");
    }
    for r in &d.runs {
        let _ = writeln!(out, "  {:.0}  {}", r.finished_at, run_text(r));
    }
    out
}

fn run_text(r: &RunLine) -> String {
    let s = r.scores;
    format!(
        "{:<28} {:<10} overall {:>3} (loyalty {:>3}, stress {:>3}, priorities {:>3}), seed {}",
        r.scenario,
        if r.passed { "PASSED" } else { "NOT PASSED" },
        s.overall,
        s.loyalty,
        s.stress,
        s.priorities,
        r.seed
    )
}
