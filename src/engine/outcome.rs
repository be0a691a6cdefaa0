//! What a shift leaves behind: the decision log, the timeline, and the raw
//! facts the scores are computed from.

use serde::{Deserialize, Serialize};

use super::action::Action;
use crate::scenario::{Id, Minute, Resolved, Tone};

/// Why the shift ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EndReason {
    /// The clock reached the end of the shift.
    ShiftOver,
    /// Stress reached `burnout_at`.
    Burnout,
}

/// Who does a task.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Worker {
    /// A team member, by index in the scenario's team.
    Member(usize),
    /// The trainee themselves.
    Trainee,
}

/// What a decision was: the trainee's own action, or the clock deciding for
/// them when a timed reply ran out.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DecisionKind {
    Action(Action),
    Timeout { dialogue: String, node: String },
}

/// One entry of the decision log, in shift order: what was done, when, and
/// what the engine knew then. It holds facts, never sentences: the words
/// the trainee reads are made where they are shown, from the scenario and
/// the message catalogue (`crate::messages`), so a rewording or another
/// language never changes a record.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Decision {
    pub time: Minute,
    pub kind: DecisionKind,
    /// The tone of an answer; `None` for other decisions and timeouts.
    pub tone: Option<Tone>,
    /// The node an answer was given to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub node: Option<std::sync::Arc<str>>,
    /// The answer is one the author marks a critical error.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub critical: bool,
    /// What the engine found when the decision was made, that its feedback
    /// is worded from.
    #[serde(default, skip_serializing_if = "Facts::is_none")]
    pub facts: Facts,
    /// Records of format 1 held the words themselves; they are kept when
    /// such a record is read. The engine never writes them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub feedback: Option<String>,
}

impl Decision {
    /// Which answer this decision gave, in `sc`: its dialogue, node and
    /// choice (indices); `None` for anything but an answer, or an answer
    /// `sc` does not have.
    pub fn answered(&self, sc: &Resolved) -> Option<(usize, usize, usize)> {
        let DecisionKind::Action(Action::Answer { dialogue, choice }) = &self.kind else {
            return None;
        };
        let di = sc.dialogues.iter().position(|x| x.id == *dialogue)?;
        let node = self.node.as_deref()?;
        let ni = sc.dialogues[di].nodes.iter().position(|n| &*n.id == node)?;
        let ci = sc.dialogues[di].nodes[ni].choice_index(choice)?;
        Some((di, ni, ci))
    }
}

/// What a decision found, for its feedback: when the work would be done,
/// what a deadline move cost.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Facts {
    /// Nothing beyond the decision itself (answers, initiatives, timeouts).
    #[default]
    None,
    /// A task given to a colleague: when they would finish it (`None`: not
    /// today), its deadline, and the minutes they had left.
    Assigned {
        finish: Option<Minute>,
        deadline: Minute,
        minutes_left: u32,
    },
    /// A task the trainee took on: the minutes it takes, when it would be
    /// done (`None`: not within their hours), its deadline.
    Myself {
        minutes: u32,
        finish: Option<Minute>,
        deadline: Minute,
    },
    /// A deadline moved from `from`, `ahead` minutes before it; `cost` the
    /// loyalty it cost (`None` for internal work).
    Moved {
        from: Minute,
        ahead: u32,
        cost: Option<i32>,
    },
    /// A task dropped; whether it was late already, and its deadline.
    Dropped { late: bool, deadline: Minute },
    /// A break taken while `waiting` conversations were open.
    Break { waiting: u32 },
}

impl Facts {
    fn is_none(&self) -> bool {
        *self == Facts::None
    }
}

/// Facts about one answer that stress handling is scored on.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AnswerRecord {
    pub time: Minute,
    /// `None` when the reply timer ran out.
    pub tone: Option<Tone>,
    /// Stress when the answer was given, 0..=100.
    pub stress: i32,
    /// The node had a reply timer.
    pub timed: bool,
    /// Minutes the speaker waited for it.
    pub waited: u32,
    /// The dialogue was with a key client.
    pub key_client: bool,
}

/// The state of the clients and the trainee at one moment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Sample {
    pub time: Minute,
    pub stress: i32,
    /// Loyalty of each client, in scenario order.
    pub loyalty: Vec<i32>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClientOutcome {
    pub id: Id,
    pub loyalty: i32,
    /// When the client left, if they did.
    pub lost_at: Option<Minute>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TaskOutcome {
    pub id: Id,
    pub arrived_at: Option<Minute>,
    pub done_at: Option<Minute>,
    pub done_by: Option<Worker>,
    /// The deadline in force at the end (moved or not).
    pub deadline: Minute,
    pub deadline_moved: bool,
    /// More than one person worked on it (work started by one, finished by
    /// another). The best plan never splits a task.
    pub split: bool,
    pub late: bool,
    pub dropped: bool,
    /// Cancelled because the client left.
    pub cancelled: bool,
}

/// A member's hours left changed during the shift.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HoursChange {
    pub member: usize,
    pub time: Minute,
    pub minutes: u32,
}

/// Everything a finished (or interrupted) shift leaves behind.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Outcome {
    pub scenario: String,
    pub seed: u64,
    pub end_reason: Option<EndReason>,
    pub ended_at: Minute,
    pub clients: Vec<ClientOutcome>,
    pub stress: i32,
    /// Minutes spent above the danger zone.
    pub danger_minutes: u32,
    pub tasks: Vec<TaskOutcome>,
    pub decisions: Vec<Decision>,
    pub answers: Vec<AnswerRecord>,
    pub timeline: Vec<Sample>,
    pub hours_changes: Vec<HoursChange>,
}
