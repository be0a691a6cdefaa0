//! The three scores of a played shift, the overall score and the pass rule,
//! and what the best plan did differently. Everything here is computed from
//! the scenario and the engine's [`Outcome`]; nothing is stored by hand.

use serde::{Deserialize, Serialize};

use super::best_plan::{BestPlan, PlanInput, PlanTask, PlanWorker, best_plan};
use crate::engine::{Action, Decision, DecisionKind, EndReason, Outcome, Worker, rules};
use crate::scenario::format_time as hhmm;
use crate::scenario::{ChoiceRef, Id, PassMarks, Resolved, Weights};

/// A reply to a key client that waited longer than this (without a timer)
/// counts against prioritisation.
pub const KEY_REPLY_MINUTES: u32 = 15;
/// Points of prioritisation each such reply costs.
pub const KEY_REPLY_PENALTY: f64 = 5.0;

/// Each score 0..=100.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Scores {
    pub loyalty: u32,
    pub stress: u32,
    pub priorities: u32,
    pub overall: u32,
}

/// An answer a real employer would not tolerate: the run cannot pass.
/// Facts only; `crate::messages::critical` words it from the scenario.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CriticalError {
    /// When it was said.
    pub time: crate::scenario::Minute,
    /// Its place in the decision log (0-based).
    pub decision: usize,
    pub dialogue: String,
    pub node: String,
    /// The answer, as the decision log names it.
    pub choice: crate::scenario::ChoiceRef,
}

/// The verdict on one shift.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Assessment {
    pub scores: Scores,
    /// Every score at its pass mark and no critical error.
    pub passed: bool,
    /// Critical errors, in shift order; any one fails the run.
    pub critical: Vec<CriticalError>,
    pub pass: PassMarks,
    pub weights: Weights,
    /// Prioritisation value of the work done on time.
    pub achieved_value: u64,
    /// What the best plan could have done with the same arrivals and hours.
    pub best_value: u64,
    /// The best plan was proven optimal (small task sets), not a heuristic.
    pub best_exact: bool,
    /// Replies to key clients that waited too long.
    pub slow_key_replies: u32,
    /// What the best plan did differently, one line per task.
    pub plan_differences: Vec<String>,
}

/// Scores a shift's outcome.
pub fn assess(sc: &Resolved, outcome: &Outcome) -> Assessment {
    assess_with_plan(sc, outcome, &best_plan(&plan_input(sc, outcome)))
}

/// Scores a shift's outcome against a best plan already computed for its
/// [`plan_input`] (the Monte Carlo reuses plans across runs).
pub fn assess_with_plan(sc: &Resolved, outcome: &Outcome, plan: &BestPlan) -> Assessment {
    let marks = marks(sc, outcome, plan);
    let critical = critical_errors(outcome);
    Assessment {
        scores: marks.scores,
        passed: passes(sc, &marks.scores, !critical.is_empty()),
        critical,
        pass: sc.scoring.pass,
        weights: sc.scoring.weights,
        achieved_value: marks.achieved,
        best_value: plan.value,
        best_exact: plan.exact,
        slow_key_replies: marks.slow,
        plan_differences: differences(sc, outcome, plan),
    }
}

/// A run's scores and whether it passed, without the words of an
/// [`Assessment`]: what the Monte Carlo's thousands of runs need.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Verdict {
    pub scores: Scores,
    pub passed: bool,
    /// At least one critical error.
    pub critical: bool,
}

/// [`assess_with_plan`]'s scores and verdict alone.
pub fn verdict_with_plan(sc: &Resolved, outcome: &Outcome, plan: &BestPlan) -> Verdict {
    let scores = marks(sc, outcome, plan).scores;
    let critical = outcome
        .decisions
        .iter()
        .any(|d| critical_answer(d).is_some());
    Verdict {
        scores,
        passed: passes(sc, &scores, critical),
        critical,
    }
}

/// The numbers of a run against a best plan.
struct Marks {
    scores: Scores,
    achieved: u64,
    slow: u32,
}

fn marks(sc: &Resolved, outcome: &Outcome, plan: &BestPlan) -> Marks {
    let loyalty = loyalty_score(sc, outcome);
    let stress = stress_score(sc, outcome);
    let achieved = achieved_value(sc, outcome);
    let slow = outcome
        .answers
        .iter()
        .filter(|a| {
            a.key_client && (a.tone.is_none() || (!a.timed && a.waited > KEY_REPLY_MINUTES))
        })
        .count() as u32;
    let ratio = if plan.value == 0 {
        1.0
    } else {
        achieved as f64 / plan.value as f64
    };
    let priorities = to_score(ratio * 100.0 - f64::from(slow) * KEY_REPLY_PENALTY);
    let w = sc.scoring.weights;
    let total = f64::from(w.loyalty + w.stress + w.priorities).max(1.0);
    let overall = to_score(
        (f64::from(w.loyalty) * f64::from(loyalty)
            + f64::from(w.stress) * f64::from(stress)
            + f64::from(w.priorities) * f64::from(priorities))
            / total,
    );
    Marks {
        scores: Scores {
            loyalty,
            stress,
            priorities,
            overall,
        },
        achieved,
        slow,
    }
}

/// The pass rule: every score at its pass mark and no critical error.
fn passes(sc: &Resolved, scores: &Scores, critical: bool) -> bool {
    let pass = sc.scoring.pass;
    !critical
        && scores.loyalty >= pass.loyalty
        && scores.stress >= pass.stress
        && scores.priorities >= pass.priorities
}

/// The answers of a run the author marks critical.
pub fn critical_errors(outcome: &Outcome) -> Vec<CriticalError> {
    outcome
        .decisions
        .iter()
        .enumerate()
        .filter_map(|(i, d)| {
            let (dialogue, choice, node) = critical_answer(d)?;
            Some(CriticalError {
                time: d.time,
                decision: i,
                dialogue: dialogue.to_string(),
                node: node.to_owned(),
                choice: choice.clone(),
            })
        })
        .collect()
}

/// The dialogue, answer and node of a decision that is a critical answer.
fn critical_answer(d: &Decision) -> Option<(&Id, &ChoiceRef, &str)> {
    if !d.critical {
        return None;
    }
    let DecisionKind::Action(Action::Answer { dialogue, choice }) = &d.kind else {
        return None;
    };
    Some((dialogue, choice, d.node.as_deref()?))
}

fn to_score(x: f64) -> u32 {
    x.round().clamp(0.0, 100.0) as u32
}

/// Client-weighted final loyalty; a lost client counts as zero.
fn loyalty_score(sc: &Resolved, outcome: &Outcome) -> u32 {
    let weight = |i: usize| f64::from(sc.clients[i].weight);
    let total: f64 = (0..sc.clients.len()).map(weight).sum();
    if sc.clients.is_empty() {
        return 100;
    }
    let (sum, total) = if total > 0.0 {
        let sum: f64 = outcome
            .clients
            .iter()
            .enumerate()
            .map(|(i, c)| {
                weight(i)
                    * if c.lost_at.is_some() {
                        0.0
                    } else {
                        f64::from(c.loyalty)
                    }
            })
            .sum();
        (sum, total)
    } else {
        let sum: f64 = outcome
            .clients
            .iter()
            .map(|c| {
                if c.lost_at.is_some() {
                    0.0
                } else {
                    f64::from(c.loyalty)
                }
            })
            .sum();
        (sum, sc.clients.len() as f64)
    };
    to_score(sum / total)
}

/// The tone of each answer weighted by the pressure it was given under,
/// less the share of the shift spent in the danger zone; 0 on burnout.
fn stress_score(sc: &Resolved, outcome: &Outcome) -> u32 {
    if outcome.end_reason == Some(EndReason::Burnout) {
        return 0;
    }
    let (mut sum, mut total) = (0.0, 0.0);
    for a in &outcome.answers {
        let pressure = 1.0 + f64::from(a.stress) / 50.0 + if a.timed { 0.5 } else { 0.0 };
        let quality = match a.tone {
            Some(t) if t.is_constructive() => 1.0,
            Some(_) => 0.0,
            None => 0.25,
        };
        sum += pressure * quality;
        total += pressure;
    }
    let tone = if total > 0.0 {
        100.0 * sum / total
    } else {
        100.0
    };
    let length = f64::from((sc.end - sc.start).max(1));
    to_score(tone - 100.0 * f64::from(outcome.danger_minutes) / length)
}

/// The value of the work done by its original deadline. A deadline the
/// client agreed to move saves loyalty, not prioritisation: the best plan
/// is held to the original deadlines too.
fn achieved_value(sc: &Resolved, outcome: &Outcome) -> u64 {
    sc.tasks
        .iter()
        .zip(&outcome.tasks)
        .filter(|(spec, t)| t.done_at.is_some_and(|d| d <= spec.deadline))
        .map(|(spec, _)| value(sc, spec))
        .sum()
}

fn value(sc: &Resolved, task: &crate::scenario::TaskR) -> u64 {
    let weight = task.client.map_or(1, |c| sc.clients[c].weight);
    rules::task_value(task.priority, weight)
}

/// The planning problem of this run: the tasks that arrived, when they
/// arrived, their original deadlines, and the hours the team really had.
pub fn plan_input(sc: &Resolved, outcome: &Outcome) -> PlanInput {
    let trainee = sc.team.len();
    let tasks = sc
        .tasks
        .iter()
        .zip(&outcome.tasks)
        .filter_map(|(spec, t)| {
            let arrival = t.arrived_at?;
            let mut workers = Vec::with_capacity(spec.eligible.len() + 1);
            workers.extend_from_slice(&spec.eligible);
            workers.push(trainee);
            Some(PlanTask {
                arrival,
                effort: spec.effort,
                deadline: spec.deadline,
                value: value(sc, spec),
                workers,
            })
        })
        .collect();
    let mut workers: Vec<PlanWorker> = sc
        .team
        .iter()
        .map(|m| PlanWorker {
            minutes: m.minutes,
            changes: Vec::new(),
        })
        .collect();
    for c in &outcome.hours_changes {
        workers[c.member].changes.push((c.time, c.minutes));
    }
    workers.push(PlanWorker {
        minutes: sc.trainee.minutes,
        changes: Vec::new(),
    });
    PlanInput {
        start: sc.start,
        end: sc.end,
        tasks,
        workers,
    }
}

/// One line per task where the best plan and the trainee differ.
fn differences(sc: &Resolved, outcome: &Outcome, plan: &BestPlan) -> Vec<String> {
    let arrived: Vec<usize> = (0..sc.tasks.len())
        .filter(|&i| outcome.tasks[i].arrived_at.is_some())
        .collect();
    let mut lines = Vec::new();
    for (slot, &i) in plan.slots.iter().zip(&arrived) {
        let (spec, t) = (&sc.tasks[i], &outcome.tasks[i]);
        let on_time = t.done_at.is_some_and(|d| d <= spec.deadline) && !t.late;
        let who = |w: usize| {
            if w == sc.team.len() {
                "you yourself".to_owned()
            } else {
                sc.team[w].name.clone()
            }
        };
        match (slot, on_time) {
            (Some(s), false) => {
                let yours = if t.cancelled {
                    "it was cancelled when the client left".to_owned()
                } else if t.dropped {
                    "you dropped it".to_owned()
                } else if let Some(d) = t.done_at {
                    format!("you finished it at {}", hhmm(d))
                } else {
                    "it was not finished".to_owned()
                };
                lines.push(format!(
                    "“{}”: the best plan had {} do it from {} to {}, before its {} deadline; {yours}.",
                    spec.title,
                    who(s.worker),
                    hhmm(s.start),
                    hhmm(s.finish),
                    hhmm(spec.deadline)
                ));
            }
            (None, true) if t.split => lines.push(format!(
                "“{}”: you finished it on time by handing it over half-done, which the best plan (one person per task) does not do: well found.",
                spec.title
            )),
            (None, true) => lines.push(format!(
                "“{}”: you finished it on time, but the best plan spent those hours on more valuable work.",
                spec.title
            )),
            (Some(s), true) => {
                let same = match t.done_by {
                    Some(Worker::Member(m)) => m == s.worker,
                    Some(Worker::Trainee) => s.worker == sc.team.len(),
                    None => false,
                };
                if !same {
                    lines.push(format!(
                        "“{}”: done on time, as in the best plan (which gave it to {}).",
                        spec.title,
                        who(s.worker)
                    ));
                }
            }
            (None, false) => {}
        }
    }
    lines
}
