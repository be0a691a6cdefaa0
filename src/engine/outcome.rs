//! What a shift leaves behind: the decision log, the timeline, and the raw
//! facts the scores are computed from.

use serde::{Deserialize, Serialize};

use super::action::Action;
use crate::scenario::{Minute, Tone};

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

/// One entry of the decision log, in shift order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Decision {
    pub time: Minute,
    pub kind: DecisionKind,
    /// What happened, in the trainee's words ("Answered Anna: ...").
    pub text: String,
    /// Why it was good or bad: the author's feedback for answers, the
    /// engine's explanation for task decisions.
    pub feedback: String,
    /// The tone of an answer; `None` for other decisions and timeouts.
    pub tone: Option<Tone>,
    /// For an answer the author marks a critical error: why a real
    /// employer would not tolerate it. A run with one cannot pass.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub critical: Option<String>,
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
    pub id: String,
    pub loyalty: i32,
    /// When the client left, if they did.
    pub lost_at: Option<Minute>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TaskOutcome {
    pub id: String,
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
