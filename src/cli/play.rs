//! `kam-trainer play`: one shift without a window, by a policy or a script.

use std::process::ExitCode;
use std::sync::Arc;

use serde::Serialize;

use std::fmt::Write as _;

use super::args::PlayArgs;
use super::{CliError, emit};
use crate::engine::policy::{autoplay, parse_script, run_script};
use crate::engine::{Action, DecisionKind, Outcome, Shift};
use crate::scenario::format_time as hhmm;
use crate::scenario::{Resolved, load_path};
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

pub fn run(args: PlayArgs) -> Result<ExitCode, CliError> {
    let loaded = load_path(&args.scenario);
    let Some(resolved) = loaded.resolved.clone() else {
        eprint!("{}", loaded.render_diagnostics());
        return Err(CliError::Failed(format!(
            "{} has errors; fix them (see `kam-trainer check {}`) before playing it",
            args.scenario.display(),
            args.scenario.display()
        )));
    };
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
    if args.json {
        let report = report(&resolved, &shift, &outcome, &assessment, played_by);
        emit(&(serde_json::to_string(&report).expect("plain data serialises") + "\n"));
    } else {
        emit(&print_text(&resolved, &outcome, &assessment, &played_by));
    }
    Ok(ExitCode::SUCCESS)
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
