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
use crate::engine::policy::autoplay;
use crate::engine::script::{parse_script, run_script};
use crate::engine::{Action, DecisionKind, Happening, Outcome, Shift};
use crate::messages;
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
    /// Answers that no employer would tolerate; any one fails the run.
    critical_errors: Vec<CriticalLine>,
    decisions: Vec<DecisionLine<'a>>,
    /// What happened on its own, minute by minute: notifications (the
    /// inbox), tasks arriving, finished or late, conversations opening,
    /// replies timing out, clients lost.
    happenings: Vec<HappeningLine>,
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
    text: String,
    feedback: String,
    tone: Option<crate::scenario::Tone>,
    #[serde(skip_serializing_if = "Option::is_none")]
    critical: Option<String>,
}

#[derive(Serialize)]
struct CriticalLine {
    time: String,
    said: String,
    reason: String,
    feedback: String,
}

/// One happening, for authors: what it was and the ids it concerns.
#[derive(Serialize)]
struct HappeningLine {
    time: String,
    /// `notified`, `task_arrived`, `task_done`, `task_late`,
    /// `dialogue_opened`, `timed_out`, `client_lost`, `loyalty_changed` or
    /// `shift_ended`.
    kind: &'static str,
    /// The task, dialogue or client id, or the end reason.
    #[serde(skip_serializing_if = "Option::is_none")]
    id: Option<crate::scenario::Id>,
    /// What the trainee reads.
    text: String,
}

fn happening_line(sc: &Resolved, time: crate::scenario::Minute, h: &Happening) -> HappeningLine {
    let (kind, id, text) = match h {
        Happening::Notified(text) => ("notified", None, text.clone()),
        Happening::TaskArrived(t) => (
            "task_arrived",
            Some(sc.tasks[*t].id.clone()),
            format!(
                "New task: “{}”, due {}",
                sc.tasks[*t].title,
                hhmm(sc.tasks[*t].deadline)
            ),
        ),
        Happening::TaskDone(t) => (
            "task_done",
            Some(sc.tasks[*t].id.clone()),
            format!("Done: “{}”", sc.tasks[*t].title),
        ),
        Happening::TaskLate(t) => (
            "task_late",
            Some(sc.tasks[*t].id.clone()),
            format!("Late: “{}”", sc.tasks[*t].title),
        ),
        Happening::DialogueOpened(d) => {
            let dl = &sc.dialogues[*d];
            let who = &dl.nodes[dl.start].speaker;
            (
                "dialogue_opened",
                Some(dl.id.clone()),
                format!("{who}: “{}”", dl.nodes[dl.start].says),
            )
        }
        Happening::TimedOut(d) => (
            "timed_out",
            Some(sc.dialogues[*d].id.clone()),
            "No answer in time".to_owned(),
        ),
        Happening::ClientLost(c) => (
            "client_lost",
            Some(sc.clients[*c].id.clone()),
            format!("{} is lost", sc.clients[*c].name),
        ),
        Happening::LoyaltyChanged { client, by } => (
            "loyalty_changed",
            Some(sc.clients[*client].id.clone()),
            format!("{} loyalty {by:+}", sc.clients[*client].name),
        ),
        Happening::ShiftEnded(r) => (
            "shift_ended",
            Some(format!("{r:?}").to_lowercase().into()),
            "The shift ends".to_owned(),
        ),
    };
    HappeningLine {
        time: hhmm(time),
        kind,
        id,
        text,
    }
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
            let name = args.policy.name().to_owned();
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
        let mut text = print_text(&resolved, &shift, &outcome, &assessment, &played_by);
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
        if let Err(stage) = career.may_play(&resolved.id, resolved.stage, profile.summary.stage) {
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
        critical_errors: a
            .critical
            .iter()
            .map(|e| {
                let w = messages::critical(Some(sc), e);
                CriticalLine {
                    time: hhmm(e.time),
                    said: w.said,
                    reason: w.reason,
                    feedback: w.feedback,
                }
            })
            .collect(),
        happenings: shift
            .history()
            .iter()
            .map(|l| happening_line(sc, l.time, &l.happening))
            .collect(),
        decisions: outcome
            .decisions
            .iter()
            .map(|d| {
                let words = messages::decision(Some(sc), d);
                DecisionLine {
                    time: hhmm(d.time),
                    action: match &d.kind {
                        DecisionKind::Action(a) => ActionLine::Action(a),
                        DecisionKind::Timeout { dialogue, node } => ActionLine::Timeout {
                            timeout: dialogue,
                            node,
                        },
                    },
                    text: words.text,
                    feedback: words.feedback,
                    tone: d.tone,
                    critical: messages::critical_reason(sc, d),
                }
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

fn print_text(
    sc: &Resolved,
    shift: &Shift,
    outcome: &Outcome,
    a: &Assessment,
    played_by: &str,
) -> String {
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
    for e in &a.critical {
        let w = messages::critical(Some(sc), e);
        let _ = writeln!(
            out,
            "  CRITICAL ERROR at {}: {} ({})",
            hhmm(e.time),
            w.said,
            w.reason
        );
    }
    // Happenings and decisions in one timeline; at the same minute what
    // happened comes first, as the trainee saw it.
    let _ = writeln!(
        out,
        "\nThe shift, minute by minute (* what happened, > what you did):"
    );
    let history = shift.history();
    let (mut h, mut d) = (0, 0);
    while h < history.len() || d < outcome.decisions.len() {
        let take_happening = match history.get(h) {
            Some(l) => l.after_decisions <= d,
            None => false,
        };
        if take_happening {
            let l = &history[h];
            let line = happening_line(sc, l.time, &l.happening);
            let _ = writeln!(out, "  {} * {}", line.time, line.text);
            h += 1;
        } else {
            let dec = &outcome.decisions[d];
            let tone = dec.tone.map(|t| format!(" [{t:?}]")).unwrap_or_default();
            let words = messages::decision(Some(sc), dec);
            let _ = writeln!(out, "  {} > {}{tone}", hhmm(dec.time), words.text);
            if let Some(reason) = messages::critical_reason(sc, dec) {
                let _ = writeln!(out, "          CRITICAL: {reason}");
            }
            if !words.feedback.is_empty() {
                let _ = writeln!(out, "          {}", words.feedback);
            }
            d += 1;
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
