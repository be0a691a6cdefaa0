//! What the trainee can do in a shift. Actions name things by their ids, as
//! scripts, saved runs and the game do, so a run can be replayed on an edited
//! scenario.

use serde::{Deserialize, Serialize};

pub use crate::scenario::ChoiceRef;
use crate::scenario::Id;

/// One thing the trainee does.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub enum Action {
    /// Answer the open dialogue `dialogue` with one of its current node's
    /// choices.
    Answer { dialogue: Id, choice: ChoiceRef },
    /// Start a conversation the scenario offers the trainee (a call, a
    /// visit, a proposal); dialogues wait meanwhile as for any answer.
    Open { dialogue: Id },
    /// Put a task at the end of a team member's queue.
    Assign { task: Id, to: Id },
    /// Work on a task yourself; dialogues wait meanwhile.
    DoMyself { task: Id },
    /// Ask the client to move a task's deadline to a later "HH:MM".
    MoveDeadline { task: Id, to: String },
    /// Give a task up; it counts as late at its deadline.
    Drop { task: Id },
    /// Step away for a few minutes: stress eases fast, dialogues wait.
    TakeBreak { minutes: u32 },
}

/// Why an action was refused. The shift is unchanged when `act` returns one.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ActError {
    #[error("the shift is over")]
    ShiftOver,
    #[error("there is no dialogue `{0}` in this scenario")]
    UnknownDialogue(String),
    #[error("dialogue `{0}` is not waiting for an answer")]
    DialogueNotOpen(String),
    #[error(
        "node `{node}` of dialogue `{dialogue}` has {count} answer(s), so there is no answer {choice}"
    )]
    NoSuchChoice {
        dialogue: String,
        node: String,
        choice: usize,
        count: usize,
    },
    #[error(
        "node `{node}` of dialogue `{dialogue}` has no answer with id `{id}` (its answers: {known})"
    )]
    UnknownChoiceId {
        dialogue: String,
        node: String,
        id: String,
        known: String,
    },
    #[error(
        "answer {choice} of node `{node}` of dialogue `{dialogue}` is not offered right now: {why}"
    )]
    ChoiceNotOffered {
        dialogue: String,
        node: String,
        choice: ChoiceRef,
        why: &'static str,
    },
    #[error("dialogue `{0}` is not one the trainee can open")]
    NoInitiative(String),
    #[error("dialogue `{dialogue}` cannot be opened now: {why}")]
    NotOffered { dialogue: String, why: &'static str },
    #[error("there is no task `{0}` in this scenario")]
    UnknownTask(String),
    #[error("task `{0}` has not arrived yet")]
    TaskNotArrived(String),
    #[error("task `{0}` is already finished, dropped or cancelled")]
    TaskClosed(String),
    #[error("there is no team member `{0}`")]
    UnknownMember(String),
    #[error("{member} is a {has}, task `{task}` needs a {needs}")]
    WrongRole {
        member: String,
        task: String,
        has: String,
        needs: String,
    },
    #[error("you are busy until {0}")]
    Busy(String),
    #[error("you have no hours left for tasks today")]
    NoHoursLeft,
    #[error("`{0}` is not a time of the form HH:MM")]
    BadTime(String),
    #[error("the new deadline {to} must be later than the current one, {current}")]
    DeadlineNotLater { to: String, current: String },
    #[error("task `{0}` is already late; its deadline can no longer be moved")]
    AlreadyLate(String),
    #[error("a break lasts between 5 and 60 minutes, not {0}")]
    BadBreak(u32),
}
