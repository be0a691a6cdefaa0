//! `kam-trainer play`: one shift without a window, by a policy or a script.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use jiff::Timestamp;
use serde::Serialize;

use std::fmt::Write as _;

use super::args::PlayArgs;
use super::profile::{career, open_store, print_notices, store_error};
use super::{CliError, emit};
use crate::career::{Career, Recorded, Store};
use crate::engine::policy::{autoplay, parse_script, run_script};
use crate::engine::{Action, DecisionKind, Outcome, Shift};
use crate::report::RunRecord;
use crate::scenario::format_time as hhmm;
use crate::scenario::{Resolved, Scenario, Stage, load_bytes, load_path};
use crate::scoring::assess::{Assessment, Scores, assess};

#[derive(Serialize)]
struct PlayReport<'a> {
    scenario: &'a str,
    seed: u64,
    /// The policy's name, or "script:PATH".
    played_by: String,
    scores: Scores,
    passed: bool,
    pass_marks: crate::scenario::PassMarks,
    end_reason: Option<crate::engine::EndReason>,
    ended_at: String,
    clients: Vec<ClientLine<'a>>,
    decisions: Vec<DecisionLine<'a>>,
    best_plan: BestPlanLine<'a>,
    timeline: Vec<TimelinePoint<'a>>,
    /// With `--profile`: where the run was recorded and what it earned.
    #[serde(skip_serializing_if = "Option::is_none")]
    recorded: Option<RecordedLine<'a>>,
}

#[derive(Serialize)]
struct ClientLine<'a> {
    id: &'a str,
    loyalty: i32,
    lost: bool,
}

#[derive(Serialize)]
struct DecisionLine<'a> {
    time: String,
    action: ActionLine<'a>,
    text: &'a str,
    feedback: &'a str,
    tone: Option<crate::scenario::Tone>,
}

#[derive(Serialize)]
#[serde(untagged)]
enum ActionLine<'a> {
    Action(&'a Action),
    Timeout { timeout: &'a str, node: &'a str },
}

#[derive(Serialize)]
struct BestPlanLine<'a> {
    achieved_value: u64,
    best_value: u64,
    exact: bool,
    differences: &'a [String],
}

#[derive(Serialize)]
struct TimelinePoint<'a> {
    time: String,
    stress: i32,
    loyalty: &'a [i32],
}

pub fn run(args: PlayArgs, data: Option<PathBuf>, scenarios: &Path) -> Result<ExitCode, CliError> {
    // The exact bytes, so a recorded run names the version it was played on.
    let bytes = std::fs::read(&args.scenario).ok();
    let loaded = match &bytes {
        Some(b) => load_bytes(&args.scenario, b),
        None => load_path(&args.scenario),
    };
    let Some(resolved) = loaded.resolved.clone() else {
        eprint!("{}", loaded.render_diagnostics());
        return Err(CliError::Failed(format!(
            "{} has errors; fix them (see `kam-trainer check {}`) before playing it",
            args.scenario.display(),
            args.scenario.display()
        )));
    };
    let trainee = match &args.profile {
        Some(name) => Some(Trainee::prepare(name, data, scenarios, &resolved)?),
        None => None,
    };
    let started_at = Timestamp::now();
    let (shift, played_by) = match &args.script {
        Some(path) => {
            let src = std::fs::read_to_string(path).map_err(|e| {
                CliError::Failed(format!("cannot read the script {}: {e}", path.display()))
            })?;
            let script = parse_script(&src)
                .map_err(|e| CliError::Failed(format!("{}: {e}", path.display())))?;
            let shift = run_script(Arc::clone(&resolved), args.seed, &script)
                .map_err(|e| CliError::Failed(format!("{}: {e}", path.display())))?;
            (shift, format!("script:{}", path.display()))
        }
        None => {
            let name = format!("{:?}", args.policy).to_lowercase();
            (
                autoplay(Arc::clone(&resolved), args.seed, args.policy),
                name,
            )
        }
    };
    let outcome = shift.outcome();
    let assessment = assess(&resolved, &outcome);
    let finished_at = Timestamp::now();
    let recorded = match trainee {
        Some(t) => {
            let scenario = loaded
                .scenario
                .as_ref()
                .expect("a resolved scenario was parsed");
            let source = bytes.as_deref().unwrap_or_default();
            Some(t.record(
                scenario,
                source,
                &outcome,
                &assessment,
                started_at,
                finished_at,
            )?)
        }
        None => None,
    };
    if args.json {
        let mut report = report(&resolved, &shift, &outcome, &assessment, played_by);
        report.recorded = recorded.as_ref().map(|r| RecordedLine {
            profile: &r.summary.name,
            file: &r.file,
            stage: r.summary.stage,
            promoted_to: r.promoted_to,
            new_best: r.new_best,
        });
        emit(&(serde_json::to_string(&report).expect("plain data serialises") + "\n"));
    } else {
        let mut text = print_text(&resolved, &outcome, &assessment, &played_by);
        if let Some(r) = &recorded {
            text.push_str(&recorded_text(r));
        }
        emit(&text);
    }
    Ok(ExitCode::SUCCESS)
}

/// The trainee a run is recorded for: the store, their career, and the
/// check that the scenario is unlocked for them, done before playing.
struct Trainee {
    name: String,
    store: Store,
    career: Career,
}

impl Trainee {
    fn prepare(
        name: &str,
        data: Option<PathBuf>,
        scenarios: &Path,
        resolved: &Resolved,
    ) -> Result<Trainee, CliError> {
        let store = open_store(data)?;
        let career = career(scenarios);
        let profile = store.load(name, &career).map_err(store_error)?;
        print_notices(&profile.notices);
        let stage = career.stage_of(&resolved.id).unwrap_or(resolved.stage);
        if !Career::is_unlocked(stage, profile.summary.stage) {
            return Err(CliError::Usage(format!(
                "`{}` is a {} shift and {} is a {}: it unlocks once the stages below are passed (see `kam-trainer profile show \"{}\"`)",
                resolved.id,
                stage.title(),
                profile.summary.name,
                profile.summary.stage.title(),
                profile.summary.name
            )));
        }
        Ok(Trainee {
            name: profile.summary.name,
            store,
            career,
        })
    }

    fn record(
        self,
        scenario: &Scenario,
        source: &[u8],
        outcome: &Outcome,
        assessment: &Assessment,
        started_at: Timestamp,
        finished_at: Timestamp,
    ) -> Result<Recorded, CliError> {
        let run = RunRecord::new(
            &self.name,
            scenario,
            source,
            outcome.clone(),
            assessment,
            started_at,
            finished_at,
        );
        self.store
            .record(&self.name, &run, &self.career)
            .map_err(store_error)
    }
}

#[derive(Serialize)]
struct RecordedLine<'a> {
    profile: &'a str,
    file: &'a Path,
    stage: Stage,
    promoted_to: Option<Stage>,
    new_best: bool,
}

fn recorded_text(r: &Recorded) -> String {
    let mut out = format!(
        "\nRecorded for {} in {}{}\n",
        r.summary.name,
        r.file.display(),
        if r.new_best {
            " (a new best for this shift)"
        } else {
            ""
        }
    );
    if let Some(stage) = r.promoted_to {
        let _ = writeln!(out, "PROMOTED to {}!", stage.title());
    }
    out
}

fn report<'a>(
    sc: &'a Resolved,
    shift: &Shift,
    outcome: &'a Outcome,
    a: &'a Assessment,
    played_by: String,
) -> PlayReport<'a> {
    PlayReport {
        scenario: &sc.id,
        seed: shift.seed(),
        played_by,
        scores: a.scores,
        passed: a.passed,
        pass_marks: a.pass,
        end_reason: outcome.end_reason,
        ended_at: hhmm(outcome.ended_at),
        clients: outcome
            .clients
            .iter()
            .map(|c| ClientLine {
                id: &c.id,
                loyalty: c.loyalty,
                lost: c.lost_at.is_some(),
            })
            .collect(),
        decisions: outcome
            .decisions
            .iter()
            .map(|d| DecisionLine {
                time: hhmm(d.time),
                action: match &d.kind {
                    DecisionKind::Action(a) => ActionLine::Action(a),
                    DecisionKind::Timeout { dialogue, node } => ActionLine::Timeout {
                        timeout: dialogue,
                        node,
                    },
                },
                text: &d.text,
                feedback: &d.feedback,
                tone: d.tone,
            })
            .collect(),
        best_plan: BestPlanLine {
            achieved_value: a.achieved_value,
            best_value: a.best_value,
            exact: a.best_exact,
            differences: &a.plan_differences,
        },
        timeline: outcome
            .timeline
            .iter()
            .map(|s| TimelinePoint {
                time: hhmm(s.time),
                stress: s.stress,
                loyalty: &s.loyalty,
            })
            .collect(),
        recorded: None,
    }
}

fn print_text(sc: &Resolved, outcome: &Outcome, a: &Assessment, played_by: &str) -> String {
    let mut out = String::new();
    let s = a.scores;
    let p = a.pass;
    let _ = writeln!(
        out,
        "{} — {} (seed {}, played by {played_by})",
        sc.id, sc.title, outcome.seed
    );
    let _ = writeln!(out, "  loyalty     {:>3}  (pass {})", s.loyalty, p.loyalty);
    let _ = writeln!(out, "  stress      {:>3}  (pass {})", s.stress, p.stress);
    let _ = writeln!(
        out,
        "  priorities  {:>3}  (pass {})",
        s.priorities, p.priorities
    );
    let _ = writeln!(
        out,
        "  overall     {:>3}  {}",
        s.overall,
        if a.passed { "PASSED" } else { "NOT PASSED" }
    );
    let _ = writeln!(out, "\nDecisions:");
    for d in &outcome.decisions {
        let _ = writeln!(out, "  {}  {}", hhmm(d.time), d.text);
        if !d.feedback.is_empty() {
            let _ = writeln!(out, "         {}", d.feedback);
        }
    }
    if !a.plan_differences.is_empty() {
        let _ = writeln!(out, "\nWhat the best plan did differently:");
        for line in &a.plan_differences {
            let _ = writeln!(out, "  - {line}");
        }
    }
    out
}
