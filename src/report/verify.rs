//! `verify`: a record is believed only if its decisions, replayed with its
//! seed on the scenario file with its content hash, give back exactly its
//! decision log, its outcome, its scores and its verdict. Every difference
//! is a [`Finding`] that says what differs and where.

use std::fmt;

use super::scenarios::ScenarioIndex;
use crate::engine::replay;
use std::sync::Arc;

use crate::engine::{Decision, DecisionKind, Outcome};
use crate::record::{RunRecord, run_id};
use crate::scenario::format_time;
use crate::scoring::assess::Assessment;
use crate::scoring::assess::assess;

/// What part of a record a finding is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum FindingKind {
    /// No scenario file with the record's hash, or it does not match.
    Scenario,
    /// The seed differs between the record and its outcome.
    Seed,
    /// The run id does not match the trainee, scenario, seed and start.
    Id,
    /// The start and finish times are impossible.
    Times,
    /// The decision log is not what the replay gives.
    DecisionLog,
    /// The rest of the outcome (clients, tasks, timeline) is not.
    Outcome,
    /// A score is not what the replay gives.
    Scores,
    /// The pass marks are not the scenario's.
    PassMarks,
    /// The pass verdict is not what the scores give.
    Verdict,
    /// The critical errors are not the ones the replay gives.
    Critical,
}

/// One way a record differs from its replay.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub kind: FindingKind,
    pub message: String,
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

fn finding(kind: FindingKind, message: impl Into<String>) -> Finding {
    Finding {
        kind,
        message: message.into(),
    }
}

/// Checks one record; an empty list means the run is genuine. The record's
/// identity is checked first, then that its scenario version is at hand;
/// then its decision log, its outcome and its scores are each compared with
/// a replay of its decisions.
pub fn verify_run(run: &RunRecord, scenarios: &ScenarioIndex) -> Vec<Finding> {
    let mut out = check_identity(run);
    let resolved = match find_scenario(run, scenarios) {
        Ok(resolved) => resolved,
        Err(findings) => {
            out.extend(findings);
            check_verdict_consistency(run, &mut out);
            return out;
        }
    };
    check_log_order(run, &mut out);
    check_answers(&resolved, run, &mut out);
    let decisions = &run.outcome.decisions;
    let replayed = replay(Arc::clone(&resolved), run.seed, decisions, resolved.end);
    if let Some((i, reason)) = &replayed.refused {
        out.push(finding(
            FindingKind::DecisionLog,
            format!(
                "decision {} ({}) cannot have been made: {reason}",
                i + 1,
                describe(&resolved, &decisions[*i])
            ),
        ));
        check_verdict_consistency(run, &mut out);
        return out;
    }
    if let Some(i) = replayed.after_end {
        out.push(finding(
            FindingKind::DecisionLog,
            format!(
                "decision {} ({}) comes after the shift had ended at {}",
                i + 1,
                describe(&resolved, &decisions[i]),
                format_time(replayed.shift.now())
            ),
        ));
    }
    let outcome = replayed.shift.outcome();
    // Records of format 1 logged words, not facts: their decisions are
    // compared by what was done, when, and in what tone.
    let legacy = run.format == 1;
    match first_difference(&resolved, decisions, &outcome.decisions, legacy) {
        Some(message) => out.push(finding(FindingKind::DecisionLog, message)),
        None => out.extend(compare_outcomes(&run.outcome, &outcome)),
    }
    out.extend(compare_scores(run, &assess(&resolved, &outcome)));
    out
}

/// The record agrees with itself: its seed, its run id, its times.
fn check_identity(run: &RunRecord) -> Vec<Finding> {
    let mut out = Vec::new();
    if run.seed != run.outcome.seed {
        out.push(finding(
            FindingKind::Seed,
            format!(
                "the record's seed is {} but its outcome was played with seed {}",
                run.seed, run.outcome.seed
            ),
        ));
    }
    let expected_id = run_id(&run.trainee, &run.scenario.hash, run.seed, run.started_at);
    if expected_id != run.id {
        out.push(finding(
            FindingKind::Id,
            format!(
                "the run id {} does not belong to this trainee, scenario version, seed and start time (they give {expected_id}): one of them was changed",
                run.id
            ),
        ));
    }
    if run.finished_at < run.started_at {
        out.push(finding(
            FindingKind::Times,
            format!(
                "the run finished ({}) before it started ({})",
                run.finished_at, run.started_at
            ),
        ));
    }
    out
}

/// The scenario file the run was played on, checked; or why it cannot be
/// replayed.
fn find_scenario(
    run: &RunRecord,
    scenarios: &ScenarioIndex,
) -> Result<Arc<crate::scenario::Resolved>, Vec<Finding>> {
    let Some(file) = scenarios.by_hash(&run.scenario.hash) else {
        let others: Vec<String> = scenarios
            .with_id(&run.scenario.id)
            .map(|f| {
                format!(
                    "{} has id `{}` but hash {}",
                    f.path.display(),
                    run.scenario.id,
                    short(&f.hash)
                )
            })
            .collect();
        let message = if others.is_empty() {
            format!(
                "no scenario file has hash {} (scenario `{}`), and none has its id: add the scenario file the run was played on",
                short(&run.scenario.hash),
                run.scenario.id
            )
        } else {
            format!(
                "no scenario file has hash {}, the version of `{}` this run was played on; {}: a different version of the scenario",
                short(&run.scenario.hash),
                run.scenario.id,
                others.join("; ")
            )
        };
        return Err(vec![finding(FindingKind::Scenario, message)]);
    };
    let Some(resolved) = file.resolved.clone() else {
        return Err(vec![finding(
            FindingKind::Scenario,
            format!(
                "{} has the run's hash but has errors, so the run cannot be replayed (see `kam-trainer check {}`)",
                file.path.display(),
                file.path.display()
            ),
        )]);
    };
    if resolved.id != run.scenario.id
        || resolved.title != run.scenario.title
        || resolved.stage != run.scenario.stage
    {
        // Reported, and the replay still goes ahead on the file with the hash.
        let f = finding(
            FindingKind::Scenario,
            format!(
                "the record names scenario `{}` (\"{}\", {}) but {} with its hash is `{}` (\"{}\", {})",
                run.scenario.id,
                run.scenario.title,
                run.scenario.stage.title(),
                file.path.display(),
                resolved.id,
                resolved.title,
                resolved.stage.title()
            ),
        );
        return Err(vec![f]).or_else(|f: Vec<Finding>| {
            // Keep going: the hash identifies the file; the names were edited.
            let _ = f;
            Ok::<_, Vec<Finding>>(resolved)
        });
    }
    Ok(resolved)
}

/// Decisions are logged in shift order.
fn check_log_order(run: &RunRecord, out: &mut Vec<Finding>) {
    for (i, pair) in run.outcome.decisions.windows(2).enumerate() {
        if pair[1].time < pair[0].time {
            out.push(finding(
                FindingKind::DecisionLog,
                format!(
                    "decision {} at {} comes before decision {} at {}: the log is out of order",
                    i + 2,
                    format_time(pair[1].time),
                    i + 1,
                    format_time(pair[0].time)
                ),
            ));
        }
    }
}

/// Every part of the outcome but the decision log (compared before), each
/// named: the outcome is taken apart without `..`, so a field added to it
/// later does not compile until it is compared here.
fn compare_outcomes(recorded: &Outcome, replayed: &Outcome) -> Vec<Finding> {
    let Outcome {
        scenario,
        seed: _, // checked with the record's identity
        end_reason,
        ended_at,
        clients,
        stress,
        danger_minutes,
        tasks,
        decisions: _, // compared entry by entry before
        answers,
        timeline,
        hours_changes,
    } = recorded;
    let mut differs = Vec::new();
    if *scenario != replayed.scenario {
        differs.push("scenario");
    }
    if *end_reason != replayed.end_reason || *ended_at != replayed.ended_at {
        differs.push("end of the shift");
    }
    if *clients != replayed.clients {
        differs.push("clients");
    }
    if *stress != replayed.stress || *danger_minutes != replayed.danger_minutes {
        differs.push("stress");
    }
    if *tasks != replayed.tasks {
        differs.push("tasks");
    }
    if *answers != replayed.answers {
        differs.push("answers");
    }
    if *timeline != replayed.timeline {
        differs.push("timeline");
    }
    if *hours_changes != replayed.hours_changes {
        differs.push("team hours");
    }
    if differs.is_empty() {
        return Vec::new();
    }
    vec![finding(
        FindingKind::Outcome,
        format!(
            "the outcome's {} differ from the replay's: a decision was added, removed or moved in the log, or the outcome was edited",
            differs.join(", ")
        ),
    )]
}

/// The record's scores, marks, critical errors and verdict against the
/// replay's assessment.
fn compare_scores(run: &RunRecord, a: &Assessment) -> Vec<Finding> {
    let mut out = Vec::new();
    let (r, s) = (run.scores, a.scores);
    for (name, recorded, replayed) in [
        ("loyalty", r.loyalty, s.loyalty),
        ("stress handling", r.stress, s.stress),
        ("prioritisation", r.priorities, s.priorities),
        ("overall", r.overall, s.overall),
    ] {
        if recorded != replayed {
            out.push(finding(
                FindingKind::Scores,
                format!("{name} score: the record says {recorded}, the replay gives {replayed}"),
            ));
        }
    }
    if run.pass != a.pass {
        out.push(finding(
            FindingKind::PassMarks,
            format!(
                "pass marks: the record says {}/{}/{}, the scenario's are {}/{}/{} (loyalty/stress/prioritisation)",
                run.pass.loyalty,
                run.pass.stress,
                run.pass.priorities,
                a.pass.loyalty,
                a.pass.stress,
                a.pass.priorities
            ),
        ));
    }
    if run.critical_errors != a.critical {
        let said = |list: &[crate::scoring::assess::CriticalError]| {
            if list.is_empty() {
                "none".to_owned()
            } else {
                list.iter()
                    .map(|e| {
                        format!(
                            "{} {}/{} {}",
                            format_time(e.time),
                            e.dialogue,
                            e.node,
                            e.choice
                        )
                    })
                    .collect::<Vec<_>>()
                    .join(", ")
            }
        };
        out.push(finding(
            FindingKind::Critical,
            format!(
                "critical errors: the record lists {}, the replay gives {}",
                said(&run.critical_errors),
                said(&a.critical)
            ),
        ));
    }
    if run.passed != a.passed {
        out.push(finding(
            FindingKind::Verdict,
            format!(
                "the record says {}, but the replay's scores give {}",
                verdict(run.passed),
                verdict(a.passed)
            ),
        ));
    }
    out
}

/// The outcome keeps its own list of answers (and timeouts) with their
/// times; an answer added to, removed from or moved in the decision log
/// alone no longer matches it.
fn check_answers(sc: &crate::scenario::Resolved, run: &RunRecord, out: &mut Vec<Finding>) {
    let logged: Vec<&Decision> = run
        .outcome
        .decisions
        .iter()
        .filter(|d| {
            matches!(
                d.kind,
                DecisionKind::Timeout { .. }
                    | DecisionKind::Action(crate::engine::Action::Answer { .. })
            )
        })
        .collect();
    let answers = &run.outcome.answers;
    let first = logged
        .iter()
        .zip(answers)
        .position(|(d, a)| d.time != a.time || d.tone != a.tone);
    let recorded = |k: usize| {
        answers.get(k).map_or("nothing".to_owned(), |a| {
            format!(
                "{} ({})",
                format_time(a.time),
                a.tone.map_or("timeout".to_owned(), |t| format!("{t:?}"))
            )
        })
    };
    if logged.len() != answers.len() {
        let k = first.unwrap_or(logged.len().min(answers.len()));
        out.push(finding(
            FindingKind::DecisionLog,
            format!(
                "the decision log has {} answers and timeouts but the outcome records {}: an answer was {} the log (first difference: answer {}, where the outcome has {})",
                logged.len(),
                answers.len(),
                if logged.len() > answers.len() {
                    "added to"
                } else {
                    "removed from"
                },
                k + 1,
                recorded(k)
            ),
        ));
    } else if let Some(k) = first {
        out.push(finding(
            FindingKind::DecisionLog,
            format!(
                "answer {} in the decision log is `{}` but the outcome recorded it at {}: its time or tone was edited",
                k + 1,
                describe(sc, logged[k]),
                recorded(k)
            ),
        ));
    }
}

/// Without a replay, the verdict can still be checked against the record's
/// own scores and marks.
fn check_verdict_consistency(run: &RunRecord, out: &mut Vec<Finding>) {
    let (s, p) = (run.scores, run.pass);
    let passes = run.critical_errors.is_empty()
        && s.loyalty >= p.loyalty
        && s.stress >= p.stress
        && s.priorities >= p.priorities;
    if passes != run.passed {
        out.push(finding(
            FindingKind::Verdict,
            format!(
                "the record says {}, but its own scores against its pass marks (and its critical errors) are {}",
                verdict(run.passed),
                verdict(passes)
            ),
        ));
    }
}

fn verdict(passed: bool) -> &'static str {
    if passed { "passed" } else { "not passed" }
}

fn short(hash: &str) -> &str {
    &hash[..hash.len().min(12)]
}

fn describe(sc: &crate::scenario::Resolved, d: &Decision) -> String {
    let kind = match &d.kind {
        DecisionKind::Action(_) => "",
        DecisionKind::Timeout { .. } => " (timeout)",
    };
    let words = crate::messages::decision(Some(sc), d);
    format!("{} {}{kind}", format_time(d.time), words.text)
}

/// What of a decision `verify` compares: everything it records, or for a
/// format 1 record what was done, when, and the tone.
fn facts_of(d: &Decision, legacy: bool) -> Decision {
    Decision {
        text: None,
        feedback: None,
        node: if legacy { None } else { d.node.clone() },
        critical: !legacy && d.critical,
        facts: if legacy {
            crate::engine::Facts::None
        } else {
            d.facts
        },
        ..d.clone()
    }
}

/// The first entry where two decision logs differ, in words.
fn first_difference(
    sc: &crate::scenario::Resolved,
    recorded: &[Decision],
    replayed: &[Decision],
    legacy: bool,
) -> Option<String> {
    let recorded: Vec<Decision> = recorded.iter().map(|d| facts_of(d, legacy)).collect();
    let replayed: Vec<Decision> = replayed.iter().map(|d| facts_of(d, legacy)).collect();
    let describe = |d: &Decision| describe(sc, d);
    let i = recorded
        .iter()
        .zip(&replayed)
        .position(|(a, b)| a != b)
        .or_else(|| {
            (recorded.len() != replayed.len()).then(|| recorded.len().min(replayed.len()))
        })?;
    let counts = format!(
        " (the record has {} entries, the replay {})",
        recorded.len(),
        replayed.len()
    );
    Some(match (recorded.get(i), replayed.get(i)) {
        (Some(a), Some(b)) if a.time == b.time && a.kind == b.kind => format!(
            "decision log entry {}: the tone or the facts of `{}` were changed{counts}",
            i + 1,
            describe(a)
        ),
        (Some(a), Some(b)) => format!(
            "decision log entry {}: the record has `{}` but the replay gives `{}`{counts}",
            i + 1,
            describe(a),
            describe(b)
        ),
        (Some(a), None) => format!(
            "decision log entry {}: the record has `{}`, which the replay does not{counts}",
            i + 1,
            describe(a)
        ),
        (None, Some(b)) => format!(
            "decision log entry {}: the replay gives `{}`, which the record lacks{counts}",
            i + 1,
            describe(b)
        ),
        (None, None) => return None,
    })
}
