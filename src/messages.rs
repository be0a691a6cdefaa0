//! The message catalogue: every sentence a trainee or an instructor reads
//! about a decision, made where it is shown (the game, `play`, the exports,
//! the cohort report) from the decision's facts and the scenario. The run
//! record holds facts only, so rewording a sentence here, or showing it in
//! another language, never changes a record or what `verify` checks.
//!
//! A decision read from a record of format 1 carries the words it was
//! recorded with; those are shown as they were.

use crate::engine::{Action, Decision, DecisionKind, Facts};
use crate::scenario::{Resolved, format_time as hhmm};
use crate::scoring::assess::CriticalError;

/// What a decision is called and why it was good or bad.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Words {
    /// What was done: "Answered Anna: “…”", "Gave “Banner” to Olga".
    pub text: String,
    /// Why it was good or bad: the author's feedback for answers, the
    /// catalogue's explanation for the rest.
    pub feedback: String,
}

/// The words of a critical error.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CriticalWords {
    /// What was said.
    pub said: String,
    /// Why a real employer would not tolerate it, in the author's words.
    pub reason: String,
    pub feedback: String,
}

/// The words of a decision. Without the scenario (a record read on its
/// own), the ids stand in for the names.
pub fn decision(sc: Option<&Resolved>, d: &Decision) -> Words {
    if let (Some(text), Some(feedback)) = (&d.text, &d.feedback) {
        return Words {
            text: text.clone(),
            feedback: feedback.clone(),
        };
    }
    match sc {
        Some(sc) => from_scenario(sc, d),
        None => from_ids(d),
    }
}

fn from_scenario(sc: &Resolved, d: &Decision) -> Words {
    let task_title = |id: &str| {
        sc.tasks
            .iter()
            .find(|t| *t.id == *id)
            .map_or_else(|| id.to_owned(), |t| t.title.clone())
    };
    let member_name = |id: &str| {
        sc.team
            .iter()
            .find(|m| *m.id == *id)
            .map_or_else(|| id.to_owned(), |m| m.name.clone())
    };
    match (&d.kind, d.facts) {
        (DecisionKind::Timeout { dialogue, node: n }, _) => {
            let (speaker, minutes) = sc.node(dialogue, n).map_or((n.clone(), 0), |x| {
                (x.speaker.clone(), x.reply_within.unwrap_or(0))
            });
            Words {
                text: format!("No answer to {speaker} within {minutes} min"),
                feedback: format!(
                    "{speaker} waited {minutes} minutes for an answer and decided without you. A short holding reply is better than silence."
                ),
            }
        }
        (DecisionKind::Action(Action::Answer { dialogue, choice }), _) => {
            match d
                .node
                .as_deref()
                .and_then(|n| sc.answer(dialogue, n, choice))
            {
                Some((n, c)) => Words {
                    text: format!("Answered {}: “{}”", n.speaker, c.say),
                    feedback: c.feedback.clone(),
                },
                None => from_ids(d),
            }
        }
        (DecisionKind::Action(Action::Open { dialogue }), _) => {
            let label = sc
                .dialogues
                .iter()
                .find(|x| x.id == *dialogue)
                .and_then(|x| x.initiative.as_ref())
                .map_or_else(|| format!("Opened {dialogue}"), |i| i.label.clone());
            Words {
                text: label,
                feedback: "You opened this conversation yourself: what you say next decides whether the initiative was worth it.".to_owned(),
            }
        }
        (
            DecisionKind::Action(Action::Assign { task, to }),
            Facts::Assigned {
                finish,
                deadline,
                minutes_left,
            },
        ) => {
            let name = member_name(to);
            let feedback = match finish {
                Some(f) if f <= deadline => format!(
                    "{name} can finish it by {}, before the {} deadline.",
                    hhmm(f),
                    hhmm(deadline)
                ),
                Some(f) => format!(
                    "{name} will only finish it at {}, after the {} deadline: someone else, an earlier deadline move, or a smaller scope would have been safer.",
                    hhmm(f),
                    hhmm(deadline)
                ),
                None => format!(
                    "{name} does not have the hours left today to finish this behind their other work ({minutes_left} min left)."
                ),
            };
            Words {
                text: format!("Gave “{}” to {name}", task_title(task)),
                feedback,
            }
        }
        (
            DecisionKind::Action(Action::DoMyself { task }),
            Facts::Myself {
                minutes,
                finish,
                deadline,
            },
        ) => Words {
            text: format!("Took on “{}” yourself", task_title(task)),
            feedback: match finish {
                Some(f) if f <= deadline => format!(
                    "You will be heads-down for {minutes} min, done by {}. Doing simple work yourself saves a colleague's hours, but every call waits until you are back.",
                    hhmm(f)
                ),
                _ => format!(
                    "This takes {minutes} min of your time and you cannot finish it by its {} deadline; calls wait meanwhile.",
                    hhmm(deadline)
                ),
            },
        },
        (
            DecisionKind::Action(Action::MoveDeadline { task, to }),
            Facts::Moved { from, ahead, cost },
        ) => {
            let client = sc
                .tasks
                .iter()
                .find(|t| t.id == *task)
                .and_then(|t| t.client)
                .map(|c| sc.clients[c].name.clone());
            let feedback = match (cost, client) {
                (Some(cost), Some(client)) => format!(
                    "Asked {client} {} before the deadline; it cost {cost} loyalty. The earlier you ask, the cheaper bad news is.",
                    duration(ahead)
                ),
                _ => "An internal deadline moved: no client is hurt, but the work still has to be done.".to_owned(),
            };
            Words {
                text: format!(
                    "Moved the deadline of “{}” from {} to {to}",
                    task_title(task),
                    hhmm(from)
                ),
                feedback,
            }
        }
        (DecisionKind::Action(Action::Drop { task }), Facts::Dropped { late, deadline }) => Words {
            text: format!("Dropped “{}”", task_title(task)),
            feedback: if late {
                "It was already late; dropping it frees the hours for work that can still be saved."
                    .to_owned()
            } else {
                format!(
                    "Dropped: it counts as late at {}. Sometimes right for low-value work when the team is short; never silently for a key client.",
                    hhmm(deadline)
                )
            },
        },
        (DecisionKind::Action(Action::TakeBreak { minutes }), Facts::Break { waiting }) => Words {
            text: format!("Took a {minutes}-minute break"),
            feedback: if waiting == 0 {
                "A pause while nothing is waiting: stress eases fast and nothing is lost."
                    .to_owned()
            } else {
                format!(
                    "A break lowers stress, but {waiting} conversation(s) wait and their timers keep running."
                )
            },
        },
        _ => from_ids(d),
    }
}

/// Words from the decision alone, when the scenario is not at hand.
fn from_ids(d: &Decision) -> Words {
    let text = match &d.kind {
        DecisionKind::Timeout { dialogue, node } => format!("No answer in {dialogue}/{node}"),
        DecisionKind::Action(Action::Answer { dialogue, choice }) => match &d.node {
            Some(node) => format!("Answered {dialogue}/{node} with {choice}"),
            None => format!("Answered {dialogue} with {choice}"),
        },
        DecisionKind::Action(Action::Open { dialogue }) => format!("Opened {dialogue}"),
        DecisionKind::Action(Action::Assign { task, to }) => format!("Gave {task} to {to}"),
        DecisionKind::Action(Action::DoMyself { task }) => format!("Took on {task} yourself"),
        DecisionKind::Action(Action::MoveDeadline { task, to }) => {
            format!("Moved the deadline of {task} to {to}")
        }
        DecisionKind::Action(Action::Drop { task }) => format!("Dropped {task}"),
        DecisionKind::Action(Action::TakeBreak { minutes }) => {
            format!("Took a {minutes}-minute break")
        }
    };
    Words {
        text,
        feedback: String::new(),
    }
}

/// The reason of a decision that is a critical error, from the scenario.
pub fn critical_reason(sc: &Resolved, d: &Decision) -> Option<String> {
    if !d.critical {
        return None;
    }
    let DecisionKind::Action(Action::Answer { dialogue, choice }) = &d.kind else {
        return None;
    };
    let (_, c) = sc.answer(dialogue, d.node.as_deref()?, choice)?;
    c.critical.clone()
}

/// The words of a critical error.
pub fn critical(sc: Option<&Resolved>, e: &CriticalError) -> CriticalWords {
    match sc.and_then(|sc| sc.answer(&e.dialogue, &e.node, &e.choice)) {
        Some((n, c)) => CriticalWords {
            said: format!("Answered {}: “{}”", n.speaker, c.say),
            reason: c.critical.clone().unwrap_or_default(),
            feedback: c.feedback.clone(),
        },
        None => CriticalWords {
            said: format!("Answered {}/{} with {}", e.dialogue, e.node, e.choice),
            reason: format!("answer {} of {}/{}", e.choice, e.dialogue, e.node),
            feedback: String::new(),
        },
    }
}

/// "2 h 15 min".
pub fn duration(minutes: u32) -> String {
    match (minutes / 60, minutes % 60) {
        (0, m) => format!("{m} min"),
        (h, 0) => format!("{h} h"),
        (h, m) => format!("{h} h {m} min"),
    }
}
