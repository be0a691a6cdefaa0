//! Scripts: a trainee's actions written down, each done at a shift time
//! (`at: "09:20"`) or when something happens (`on: Opened("kupets-call")`,
//! perhaps `wait: 10` minutes later). `play --script` and the test plans of
//! `check` play them. A step timed by what happens holds whatever minute a
//! jittered event fires at under another seed, so one plan serves every
//! seed.

use std::sync::Arc;

use serde::{Deserialize, Serialize};

use super::action::{ActError, Action, ChoiceRef};
use super::outcome::EndReason;
use super::shift::Shift;
use crate::scenario::{Minute, Resolved, format_time as hhmm, parse_time as parse_hhmm};

/// What a step waits for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Cue {
    /// The dialogue opens (its first opening of the shift).
    Opened(String),
    /// The dialogue reaches this node.
    Reached(String, String),
    /// The task arrives.
    Arrived(String),
    /// The task is finished.
    Done(String),
    /// The trainee is first offered this dialogue to open.
    Offered(String),
}

impl std::fmt::Display for Cue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Cue::Opened(d) => write!(f, "dialogue `{d}` opens"),
            Cue::Reached(d, n) => write!(f, "dialogue `{d}` reaches node `{n}`"),
            Cue::Arrived(t) => write!(f, "task `{t}` arrives"),
            Cue::Done(t) => write!(f, "task `{t}` is done"),
            Cue::Offered(d) => write!(f, "dialogue `{d}` is offered to open"),
        }
    }
}

/// One line of a script: at this shift time, or on this cue, do this.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TimedAction {
    /// "HH:MM": the step is done at this time.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub at: Option<String>,
    /// The step is done when this happens (and the trainee is free, for
    /// what needs their attention), `wait` minutes later.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub on: Option<Cue>,
    /// Minutes after the cue.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub wait: u32,
    #[serde(rename = "do")]
    pub action: Action,
    /// For an answer named by its number: the first words of the answer the
    /// author meant, so a reordered node is caught instead of played.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub says: Option<String>,
    /// A step that may not come to pass (one branch of a `OneOf`, an answer
    /// to a conversation that may have moved on): no error when its cue
    /// never happens or the shift refuses it when it is due.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub optional: bool,
}

fn is_zero(n: &u32) -> bool {
    *n == 0
}

impl TimedAction {
    /// A step at a clock time.
    pub fn at(time: &str, action: Action) -> TimedAction {
        TimedAction {
            at: Some(time.to_owned()),
            on: None,
            wait: 0,
            action,
            says: None,
            optional: false,
        }
    }

    /// A step on a cue.
    pub fn on(cue: Cue, action: Action) -> TimedAction {
        TimedAction {
            at: None,
            on: Some(cue),
            wait: 0,
            action,
            says: None,
            optional: false,
        }
    }

    /// When the step is done, in words: "at 09:20", "when task `x` arrives".
    pub fn timing(&self) -> String {
        match (&self.at, &self.on) {
            (Some(at), _) => format!("at {at}"),
            (None, Some(cue)) if self.wait > 0 => format!("{} min after {cue}", self.wait),
            (None, Some(cue)) => format!("when {cue}"),
            (None, None) => "with no time".to_owned(),
        }
    }
}

/// A script line that could not be played. Steps are numbered from 1.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ScriptError {
    #[error("the script is not valid RON: {0}")]
    Syntax(String),
    #[error("step {step}: `{at}` is not a time of the form HH:MM")]
    BadTime { step: usize, at: String },
    #[error(
        "step {step} at {at} comes before the previous timed step; keep the steps with `at` in time order"
    )]
    OutOfOrder { step: usize, at: String },
    #[error("step {step}: {problem}")]
    BadStep { step: usize, problem: String },
    #[error("step {step} at {at} was refused: {reason}")]
    Refused {
        step: usize,
        at: String,
        reason: Box<ActError>,
    },
    #[error("step {step} waits until {cue}, but {problem}")]
    UnknownCue {
        step: usize,
        cue: String,
        problem: String,
    },
    #[error(
        "step {step} waits until {cue}, which did not happen before the shift ended; mark the step `optional: true` if it belongs to a branch that may not come"
    )]
    NeverHappened { step: usize, cue: String },
    #[error("{0}")]
    WrongAnswer(Box<WrongAnswer>),
}

/// A step that names an answer by number whose words (`says`) are not the
/// answer's any more: the node's answers were changed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "step {step} at {at} names answer {choice} of node `{node}`, which says “{found}”, not “{expected}…”{now}: the node's answers were changed; name the answer by its id"
)]
pub struct WrongAnswer {
    pub step: usize,
    pub at: String,
    pub choice: usize,
    pub node: String,
    pub expected: String,
    pub found: String,
    /// " (that is now answer 3)" when the meant answer is still there.
    pub now: String,
}

impl ScriptError {
    /// The step the error is about (1-based), when it is about one.
    pub fn step(&self) -> Option<usize> {
        match self {
            ScriptError::Syntax(_) => None,
            ScriptError::BadTime { step, .. }
            | ScriptError::OutOfOrder { step, .. }
            | ScriptError::BadStep { step, .. }
            | ScriptError::Refused { step, .. }
            | ScriptError::UnknownCue { step, .. }
            | ScriptError::NeverHappened { step, .. } => Some(*step),
            ScriptError::WrongAnswer(w) => Some(w.step),
        }
    }
}

/// Something worth telling the author about a script that played.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StepNote {
    /// The step names an answer by number on a node whose answers have ids:
    /// a reordering would silently change what it plays.
    NumberForNamedAnswer {
        step: usize,
        dialogue: String,
        node: String,
        choice: usize,
        /// The id of the answer the number picked, when it has one.
        id: Option<String>,
    },
}

/// A script played to the end of the shift.
#[derive(Debug, Clone)]
pub struct ScriptRun {
    pub shift: Shift,
    pub notes: Vec<StepNote>,
}

/// Reads a script: a RON list of steps `(at: "HH:MM", do: Action)` or
/// `(on: Cue, wait: N, do: Action)`.
pub fn parse_script(src: &str) -> Result<Vec<TimedAction>, ScriptError> {
    ron::Options::default()
        .with_default_extension(ron::extensions::Extensions::IMPLICIT_SOME)
        .from_str(src)
        .map_err(|e| ScriptError::Syntax(e.to_string()))
}

/// Plays a script, then the shift to its end.
pub fn run_script(
    scenario: Arc<Resolved>,
    seed: u64,
    script: &[TimedAction],
) -> Result<Shift, ScriptError> {
    run_steps(scenario, seed, script).map(|r| r.shift)
}

/// When a step becomes due.
#[derive(Debug, Clone, Copy)]
enum Trigger {
    Clock(Minute),
    Cue(CueR, u32),
}

/// A cue with its ids resolved to indices.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum CueR {
    Opened(usize),
    Reached(usize, usize),
    Arrived(usize),
    Done(usize),
    Offered(usize),
}

/// The checks a script passes before it is played: each step timed one
/// way, times valid and in order, cues naming what exists.
fn triggers(sc: &Resolved, script: &[TimedAction]) -> Result<Vec<Trigger>, ScriptError> {
    let mut out = Vec::with_capacity(script.len());
    let mut last = 0;
    for (i, step) in script.iter().enumerate() {
        let n = i + 1;
        let bad = |problem: &str| ScriptError::BadStep {
            step: n,
            problem: problem.to_owned(),
        };
        let trigger = match (&step.at, &step.on) {
            (Some(_), Some(_)) => {
                return Err(bad(
                    "it has both `at` and `on`; a step is done at a time or on a cue, not both",
                ));
            }
            (None, None) => {
                return Err(bad(
                    "it has neither `at: \"HH:MM\"` nor `on: Opened(\"dialogue\")` (or another cue), so it is never done",
                ));
            }
            (Some(at), None) => {
                if step.wait > 0 {
                    return Err(bad(
                        "`wait` counts minutes after a cue; with `at`, write the later time instead",
                    ));
                }
                let time = parse_hhmm(at).ok_or_else(|| ScriptError::BadTime {
                    step: n,
                    at: at.clone(),
                })?;
                if time < last {
                    return Err(ScriptError::OutOfOrder {
                        step: n,
                        at: at.clone(),
                    });
                }
                last = time;
                Trigger::Clock(time)
            }
            (None, Some(cue)) => Trigger::Cue(resolve_cue(sc, n, cue)?, step.wait),
        };
        out.push(trigger);
    }
    Ok(out)
}

fn resolve_cue(sc: &Resolved, step: usize, cue: &Cue) -> Result<CueR, ScriptError> {
    let unknown = |problem: String| ScriptError::UnknownCue {
        step,
        cue: cue.to_string(),
        problem,
    };
    let dialogue = |id: &str| {
        sc.dialogues
            .iter()
            .position(|d| *d.id == *id)
            .ok_or_else(|| {
                let known = sc.dialogues.iter().map(|d| &*d.id);
                unknown(match crate::scenario::validate::suggest(id, known) {
                    Some(close) => format!("there is no dialogue `{id}` (did you mean `{close}`?)"),
                    None => format!("there is no dialogue `{id}` in this scenario"),
                })
            })
    };
    let task = |id: &str| {
        sc.tasks.iter().position(|t| *t.id == *id).ok_or_else(|| {
            let known = sc.tasks.iter().map(|t| &*t.id);
            unknown(match crate::scenario::validate::suggest(id, known) {
                Some(close) => format!("there is no task `{id}` (did you mean `{close}`?)"),
                None => format!("there is no task `{id}` in this scenario"),
            })
        })
    };
    Ok(match cue {
        Cue::Opened(d) => CueR::Opened(dialogue(d)?),
        Cue::Reached(d, n) => {
            let di = dialogue(d)?;
            let nodes = &sc.dialogues[di].nodes;
            let ni = nodes.iter().position(|x| *x.id == **n).ok_or_else(|| {
                let known: Vec<&str> = nodes.iter().map(|x| &*x.id).collect();
                unknown(format!(
                    "dialogue `{d}` has no node `{n}` (its nodes: {})",
                    known.join(", ")
                ))
            })?;
            CueR::Reached(di, ni)
        }
        Cue::Arrived(t) => CueR::Arrived(task(t)?),
        Cue::Done(t) => CueR::Done(task(t)?),
        Cue::Offered(d) => {
            let di = dialogue(d)?;
            if sc.dialogues[di].initiative.is_none() {
                return Err(unknown(format!(
                    "dialogue `{d}` has no `initiative`, so it is never offered to the trainee"
                )));
            }
            CueR::Offered(di)
        }
    })
}

/// The first minute each cue was seen, by watching the shift after every
/// change and every action.
struct Seen {
    reached: Vec<Vec<Option<Minute>>>,
    offered: Vec<Option<Minute>>,
}

impl Seen {
    fn new(sc: &Resolved) -> Seen {
        Seen {
            reached: sc
                .dialogues
                .iter()
                .map(|d| vec![None; d.nodes.len()])
                .collect(),
            offered: vec![None; sc.dialogues.len()],
        }
    }

    fn observe(&mut self, shift: &Shift) {
        for c in shift.conversations() {
            self.reached[c.dialogue][c.node].get_or_insert(c.since);
        }
        for d in shift.offered_initiatives() {
            self.offered[d].get_or_insert(shift.now());
        }
    }

    fn time(&self, shift: &Shift, cue: CueR) -> Option<Minute> {
        match cue {
            CueR::Opened(d) => shift.dialogue_opened_at(d),
            CueR::Reached(d, n) => self.reached[d][n],
            CueR::Arrived(t) => shift.task_arrived_at(t),
            CueR::Done(t) => shift.task_done_at(t),
            CueR::Offered(d) => self.offered[d],
        }
    }
}

/// The action needs the trainee's attention, so a step on a cue waits
/// until they are free (own work, a break) before doing it.
fn needs_the_trainee(action: &Action) -> bool {
    matches!(
        action,
        Action::Answer { .. }
            | Action::Open { .. }
            | Action::DoMyself { .. }
            | Action::TakeBreak { .. }
    )
}

/// Plays a script: each step when it is due, in order of due time (file
/// order among steps due together), then the shift to its end.
pub fn run_steps(
    scenario: Arc<Resolved>,
    seed: u64,
    script: &[TimedAction],
) -> Result<ScriptRun, ScriptError> {
    let triggers = triggers(&scenario, script)?;
    let mut shift = Shift::from_resolved(Arc::clone(&scenario), seed);
    let mut seen = Seen::new(&scenario);
    let mut done = vec![false; script.len()];
    let mut notes = Vec::new();
    loop {
        seen.observe(&shift);
        if shift.is_over() {
            break;
        }
        let now = shift.now();
        let busy = shift.busy_until().filter(|&u| u > now);
        let due_at = |i: usize| -> Option<Minute> {
            match triggers[i] {
                Trigger::Clock(m) => Some(m),
                Trigger::Cue(cue, wait) => {
                    let t = seen.time(&shift, cue)? + wait;
                    Some(match busy {
                        Some(until) if needs_the_trainee(&script[i].action) => t.max(until),
                        _ => t,
                    })
                }
            }
        };
        let due: Vec<(Minute, usize)> = (0..script.len())
            .filter(|&i| !done[i])
            .filter_map(|i| due_at(i).map(|t| (t, i)))
            .collect();
        if let Some(&(_, i)) = due.iter().filter(|(t, _)| *t <= now).min() {
            done[i] = true;
            match play_step(&mut shift, i + 1, &script[i], &mut notes) {
                // An optional step the shift cannot take when it is due
                // (its conversation has moved on) is skipped.
                Err(ScriptError::Refused { .. }) if script[i].optional => {}
                other => other?,
            }
            continue;
        }
        let next = due
            .iter()
            .map(|&(t, _)| t)
            .filter(|&t| t > now)
            .chain([shift.next_change()])
            .min()
            .unwrap_or(now + 1)
            .max(now + 1);
        shift.advance_to(next);
    }
    if shift.end_reason() == Some(EndReason::ShiftOver)
        && let Some(i) = (0..script.len())
            .find(|&i| !done[i] && !script[i].optional && matches!(triggers[i], Trigger::Cue(..)))
    {
        let cue = script[i]
            .on
            .as_ref()
            .map(Cue::to_string)
            .unwrap_or_default();
        return Err(ScriptError::NeverHappened { step: i + 1, cue });
    }
    shift.finish();
    Ok(ScriptRun { shift, notes })
}

fn play_step(
    shift: &mut Shift,
    step: usize,
    line: &TimedAction,
    notes: &mut Vec<StepNote>,
) -> Result<(), ScriptError> {
    let at = hhmm(shift.now());
    if let Action::Answer {
        dialogue,
        choice: ChoiceRef::Number(number),
    } = &line.action
    {
        check_numbered_answer(shift, step, &at, dialogue, *number, line, notes)?;
    }
    shift
        .act(line.action.clone())
        .map_err(|reason| ScriptError::Refused {
            step,
            at,
            reason: Box::new(reason),
        })
}

/// An answer named by number: compares it with the words the author wrote
/// down (`says`), and notes when the node's answers have ids to use.
fn check_numbered_answer(
    shift: &Shift,
    step: usize,
    at: &str,
    dialogue: &str,
    number: usize,
    line: &TimedAction,
    notes: &mut Vec<StepNote>,
) -> Result<(), ScriptError> {
    let sc = shift.scenario();
    let Some(conv) = shift
        .conversations()
        .iter()
        .find(|c| *sc.dialogues[c.dialogue].id == *dialogue)
    else {
        return Ok(()); // `act` says why it is refused
    };
    let node = &sc.dialogues[conv.dialogue].nodes[conv.node];
    let Some(choice) = number.checked_sub(1).and_then(|i| node.choices.get(i)) else {
        return Ok(());
    };
    if let Some(expected) = &line.says {
        let starts = |say: &str| normalise(say).starts_with(&normalise(expected));
        if !starts(&choice.say) {
            let now = node
                .choices
                .iter()
                .position(|c| starts(&c.say))
                .map(|i| format!(" (that is now answer {})", i + 1))
                .unwrap_or_default();
            return Err(ScriptError::WrongAnswer(Box::new(WrongAnswer {
                step,
                at: at.to_owned(),
                choice: number,
                node: node.id.to_string(),
                expected: expected.trim().to_owned(),
                found: choice.say.clone(),
                now,
            })));
        }
    }
    if node.choices.iter().any(|c| c.id.is_some()) {
        notes.push(StepNote::NumberForNamedAnswer {
            step,
            dialogue: dialogue.to_owned(),
            node: node.id.to_string(),
            choice: number,
            id: choice.id.as_deref().map(str::to_owned),
        });
    }
    Ok(())
}

/// Lowercase with single spaces, for comparing an answer's first words.
fn normalise(text: &str) -> String {
    text.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}
