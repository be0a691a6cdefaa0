//! Players without a window: the built-in policies used by `play` and by the
//! Monte Carlo of `check`, and timed scripts. A policy only reads the shift
//! and chooses [`Action`]s, exactly as a trainee in the game does; it has its
//! own seeded generator, so the shift's draws do not depend on it.

use std::sync::Arc;

use rand_chacha::ChaCha8Rng;
use rand_chacha::rand_core::SeedableRng;
use serde::{Deserialize, Serialize};

use super::action::{ActError, Action};
use super::outcome::{Decision, DecisionKind};
use super::shift::{Shift, TaskStatus, roll};
use crate::scenario::{EffectR, Minute, Resolved};
use crate::scenario::{format_time as hhmm, parse_time as parse_hhmm};

/// How often a policy looks at the shift when nothing else happens.
const LOOK_EVERY: Minute = 5;

/// A built-in way to play.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "snake_case")]
pub enum Policy {
    /// Always the first choice offered; every task to the first colleague
    /// with its role. A baseline an author can read.
    First,
    /// Answers late or early, with any choice; hands tasks to anyone, takes
    /// them on, drops or postpones them, at random. What `check` uses to see
    /// whether a shift can be passed by chance.
    Random,
    /// Answers at once with the constructive choice that pleases the client
    /// most; gives each task to whoever finishes it soonest, does it
    /// themselves when nobody else can make the deadline.
    Greedy,
}

/// Plays a whole shift with a policy.
pub fn autoplay(scenario: Arc<Resolved>, seed: u64, policy: Policy) -> Shift {
    let end = scenario.end;
    autoplay_until(scenario, seed, policy, end)
}

/// Plays a shift with a policy up to `until` (the game's screenshots show a
/// shift in progress this way).
pub fn autoplay_until(scenario: Arc<Resolved>, seed: u64, policy: Policy, until: Minute) -> Shift {
    let mut shift = Shift::from_resolved(scenario, seed);
    // A separate stream, so the policy's draws never shift the scenario's.
    let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 0x9e37_79b9_7f4a_7c15);
    while !shift.is_over() && shift.now() < until {
        for action in decide(&shift, policy, &mut rng) {
            // A policy may propose something the previous action made
            // impossible (two answers while the first started own work);
            // the trainee would simply not be able to do it either.
            let _ = shift.act(action);
        }
        let next = shift.next_change().min(shift.now() + LOOK_EVERY).min(until);
        shift.advance_to(next);
    }
    shift
}

/// What a policy does at the current moment.
fn decide(shift: &Shift, policy: Policy, rng: &mut ChaCha8Rng) -> Vec<Action> {
    let sc = shift.scenario();
    let mut actions = Vec::new();
    let free = shift.busy_until().is_none();
    if free {
        for c in shift.conversations() {
            let offered = shift.offered_choices(c);
            if offered.is_empty() {
                continue;
            }
            let pick = match policy {
                Policy::First => Some(offered[0]),
                Policy::Random => {
                    chance(rng, 1, 2).then(|| offered[roll(rng, offered.len() as u64) as usize])
                }
                Policy::Greedy => Some(best_choice(shift, c.dialogue, c.node, &offered)),
            };
            if let Some(choice) = pick {
                actions.push(Action::Answer {
                    dialogue: sc.dialogues[c.dialogue].id.clone(),
                    choice: choice + 1,
                });
            }
        }
    }
    let mut open: Vec<usize> = (0..sc.tasks.len())
        .filter(|&t| {
            shift.task_status(t) == TaskStatus::Open
                && shift.task_worker(t).is_none()
                && !shift.task_is_late(t)
        })
        .collect();
    open.sort_by_key(|&t| (shift.task_deadline(t), t));
    let mut myself_taken = !free || !actions.is_empty();
    for t in open {
        let task = &sc.tasks[t];
        let id = task.id.clone();
        let action = match policy {
            Policy::First => task.eligible.first().map(|&m| Action::Assign {
                task: id,
                to: sc.team[m].id.clone(),
            }),
            Policy::Random => random_task_action(shift, t, rng, &mut myself_taken),
            Policy::Greedy => greedy_task_action(shift, t, &mut myself_taken),
        };
        actions.extend(action);
    }
    if policy == Policy::Greedy
        && !myself_taken
        && shift.conversations().is_empty()
        && shift.stress() >= 60
    {
        actions.push(Action::TakeBreak { minutes: 15 });
    }
    if policy == Policy::Random && !myself_taken && chance(rng, 1, 40) {
        actions.push(Action::TakeBreak { minutes: 10 });
    }
    actions
}

fn chance(rng: &mut ChaCha8Rng, num: u64, den: u64) -> bool {
    roll(rng, den) < num
}

/// The constructive choice with the most loyalty for the dialogue's client;
/// a destructive one only if nothing else is offered.
fn best_choice(shift: &Shift, dialogue: usize, node: usize, offered: &[usize]) -> usize {
    let choices = &shift.scenario().dialogues[dialogue].nodes[node].choices;
    let gain = |i: usize| -> i32 {
        choices[i]
            .effects
            .iter()
            .map(|e| match e {
                EffectR::Loyalty(_, n) => *n,
                EffectR::Stress(n) => -n,
                _ => 0,
            })
            .sum()
    };
    *offered
        .iter()
        .max_by_key(|&&i| {
            (
                choices[i].tone.is_constructive(),
                gain(i),
                std::cmp::Reverse(i),
            )
        })
        .expect("offered is not empty")
}

fn greedy_task_action(shift: &Shift, t: usize, myself_taken: &mut bool) -> Option<Action> {
    let sc = shift.scenario();
    let task = &sc.tasks[t];
    let deadline = shift.task_deadline(t);
    let best_member = task
        .eligible
        .iter()
        .filter_map(|&m| shift.finish_if_assigned(t, m).map(|f| (f, m)))
        .min();
    match best_member {
        Some((f, m)) if f <= deadline => {
            return Some(Action::Assign {
                task: task.id.clone(),
                to: sc.team[m].id.clone(),
            });
        }
        _ => {}
    }
    if !*myself_taken
        && shift.conversations().is_empty()
        && shift.finish_if_myself(t).is_some_and(|f| f <= deadline)
    {
        *myself_taken = true;
        return Some(Action::DoMyself {
            task: task.id.clone(),
        });
    }
    // Nobody makes it: ask early for more time if someone can do it then.
    if let (Some((f, _)), Some(_)) = (best_member, task.client)
        && f <= sc.end
    {
        let to = hhmm(f.max(deadline + 1));
        return Some(Action::MoveDeadline {
            task: task.id.clone(),
            to,
        });
    }
    let m = *task
        .eligible
        .iter()
        .max_by_key(|&&m| shift.member_minutes_left(m))?;
    Some(Action::Assign {
        task: task.id.clone(),
        to: sc.team[m].id.clone(),
    })
}

fn random_task_action(
    shift: &Shift,
    t: usize,
    rng: &mut ChaCha8Rng,
    myself_taken: &mut bool,
) -> Option<Action> {
    if !chance(rng, 1, 2) {
        return None;
    }
    let sc = shift.scenario();
    let task = &sc.tasks[t];
    let id = task.id.clone();
    match roll(rng, 10) {
        0 if !*myself_taken && shift.trainee_minutes_left() > 0 => {
            *myself_taken = true;
            Some(Action::DoMyself { task: id })
        }
        1 => Some(Action::Drop { task: id }),
        2 => {
            let later = shift.task_deadline(t) + 30 + roll(rng, 150) as Minute;
            Some(Action::MoveDeadline {
                task: id,
                to: hhmm(later.min(23 * 60 + 59)),
            })
        }
        _ => {
            let m = task.eligible[roll(rng, task.eligible.len() as u64) as usize];
            Some(Action::Assign {
                task: id,
                to: sc.team[m].id.clone(),
            })
        }
    }
}

/// One line of a script: at this shift time, do this.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TimedAction {
    /// "HH:MM"
    pub at: String,
    #[serde(rename = "do")]
    pub action: Action,
}

/// A script line that could not be played.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ScriptError {
    #[error("the script is not valid RON: {0}")]
    Syntax(String),
    #[error("step {step}: `{at}` is not a time of the form HH:MM")]
    BadTime { step: usize, at: String },
    #[error(
        "step {step} at {at} comes before the previous step's time; keep the steps in time order"
    )]
    OutOfOrder { step: usize, at: String },
    #[error("step {step} at {at} was refused: {reason}")]
    Refused {
        step: usize,
        at: String,
        reason: Box<ActError>,
    },
}

/// Reads a script: a RON list of `(at: "HH:MM", do: Action)`.
pub fn parse_script(src: &str) -> Result<Vec<TimedAction>, ScriptError> {
    ron::Options::default()
        .with_default_extension(ron::extensions::Extensions::IMPLICIT_SOME)
        .from_str(src)
        .map_err(|e| ScriptError::Syntax(e.to_string()))
}

/// Plays a script: each step at its time, then the shift to its end. Steps
/// are numbered from 1 in errors.
pub fn run_script(
    scenario: Arc<Resolved>,
    seed: u64,
    script: &[TimedAction],
) -> Result<Shift, ScriptError> {
    let mut shift = Shift::from_resolved(scenario, seed);
    let mut last = 0;
    for (i, step) in script.iter().enumerate() {
        let (step_no, at) = (i + 1, step.at.clone());
        let time = parse_hhmm(&step.at).ok_or_else(|| ScriptError::BadTime {
            step: step_no,
            at: at.clone(),
        })?;
        if time < last {
            return Err(ScriptError::OutOfOrder { step: step_no, at });
        }
        last = time;
        shift.advance_to(time);
        if shift.is_over() {
            break;
        }
        shift
            .act(step.action.clone())
            .map_err(|reason| ScriptError::Refused {
                step: step_no,
                at,
                reason: Box::new(reason),
            })?;
    }
    shift.finish();
    Ok(shift)
}

/// Replays the trainee's decisions of a shift on a (possibly edited)
/// scenario with the same seed, up to `until`. Timeouts are not replayed:
/// the engine decides them again. Stops at the first decision the new
/// version refuses and says which; the shift is then at that decision's time.
pub fn replay(
    scenario: Arc<Resolved>,
    seed: u64,
    decisions: &[Decision],
    until: Minute,
) -> (Shift, Option<ScriptError>) {
    let mut shift = Shift::from_resolved(scenario, seed);
    let actions = decisions.iter().filter_map(|d| match &d.kind {
        DecisionKind::Action(a) => Some((d.time, a)),
        DecisionKind::Timeout { .. } => None,
    });
    for (i, (time, action)) in actions.enumerate() {
        shift.advance_to(time);
        if shift.is_over() {
            return (shift, None);
        }
        if let Err(reason) = shift.act(action.clone()) {
            let error = ScriptError::Refused {
                step: i + 1,
                at: hhmm(time),
                reason: Box::new(reason),
            };
            return (shift, Some(error));
        }
    }
    shift.advance_to(until);
    (shift, None)
}
