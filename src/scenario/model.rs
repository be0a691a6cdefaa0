//! The scenario format as authors write it: serde types that mirror the RON
//! file field for field. Ids are still strings and times still "HH:MM" text
//! here; [`super::resolve`] checks them and turns them into indices and
//! minutes for the engine.

use serde::{Deserialize, Serialize};

/// One simulated working shift.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    pub id: String,
    pub title: String,
    pub stage: Stage,
    #[serde(default = "default_language")]
    pub language: String,
    #[serde(default)]
    pub summary: String,
    #[serde(default)]
    pub learning_goals: Vec<String>,
    pub shift: ShiftHours,
    #[serde(default)]
    pub trainee: Trainee,
    pub clients: Vec<Client>,
    pub team: Vec<TeamMember>,
    /// What each role is called on screen ("Trade marketing designer" for
    /// `designer`); a role without a name is shown as its id, capitalised.
    #[serde(default)]
    pub roles: Vec<RoleName>,
    #[serde(default)]
    pub tasks: Vec<Task>,
    #[serde(default)]
    pub events: Vec<Event>,
    #[serde(default)]
    pub dialogues: Vec<Dialogue>,
    #[serde(default)]
    pub scoring: Scoring,
}

fn default_language() -> String {
    "en".to_owned()
}

impl Scenario {
    /// What a role is called on screen (see [`super::display_role`]).
    pub fn role_title(&self, role: &str) -> String {
        let name = self.roles.iter().find(|r| r.id == role);
        super::resolved::display_role(role, name.map(|r| r.name.as_str()))
    }
}

/// The career ladder, lowest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Stage {
    Merchandiser,
    SalesRepresentative,
    Supervisor,
    SalesManager,
    KeyAccountManager,
}

impl Stage {
    pub const ALL: [Stage; 5] = [
        Stage::Merchandiser,
        Stage::SalesRepresentative,
        Stage::Supervisor,
        Stage::SalesManager,
        Stage::KeyAccountManager,
    ];

    /// The name a trainee reads.
    pub fn title(self) -> &'static str {
        match self {
            Stage::Merchandiser => "Merchandiser",
            Stage::SalesRepresentative => "Sales Representative",
            Stage::Supervisor => "Supervisor",
            Stage::SalesManager => "Sales Manager",
            Stage::KeyAccountManager => "Key Account Manager",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ShiftHours {
    /// "HH:MM"
    pub start: String,
    /// "HH:MM", after `start`.
    pub end: String,
}

/// The trainee's own state at the start of the shift.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Trainee {
    /// Stress at the start, 0..=100.
    #[serde(default = "default_stress")]
    pub stress: i32,
    /// Stress at which the trainee burns out and the shift ends.
    #[serde(default = "default_burnout")]
    pub burnout_at: i32,
    /// Hours the trainee can spend on tasks themselves.
    #[serde(default = "default_trainee_hours")]
    pub hours: f64,
}

fn default_stress() -> i32 {
    20
}
fn default_burnout() -> i32 {
    95
}
fn default_trainee_hours() -> f64 {
    2.0
}

impl Default for Trainee {
    fn default() -> Self {
        Trainee {
            stress: default_stress(),
            burnout_at: default_burnout(),
            hours: default_trainee_hours(),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Tier {
    Key,
    Regular,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Segment {
    B2B,
    B2C,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Client {
    pub id: String,
    pub name: String,
    pub tier: Tier,
    pub segment: Segment,
    /// Starting loyalty, 0..=100.
    pub loyalty: i32,
    /// Below this loyalty the client leaves.
    pub churn_below: i32,
    /// How much this client counts in the loyalty and prioritisation scores.
    pub weight: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TeamMember {
    pub id: String,
    pub name: String,
    /// The author's own lowercase word: "designer", "accountant", ...
    pub role: String,
    /// Hours of work the member can still take on today.
    pub hours: f64,
}

/// The name the trainee reads for a role.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RoleName {
    /// A role of the team, as in `team[..].role`.
    pub id: String,
    pub name: String,
}

/// How long a name or title may be before the screen cuts it, in
/// characters; `check` warns past these.
pub mod limits {
    pub const TITLE: usize = 60;
    pub const CLIENT: usize = 40;
    pub const MEMBER: usize = 28;
    pub const ROLE: usize = 28;
    pub const TASK: usize = 80;
    pub const SPEAKER: usize = 60;
    pub const INITIATIVE: usize = 80;
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Priority {
    Low,
    Normal,
    High,
    Critical,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Task {
    pub id: String,
    pub title: String,
    /// The client the work is for; a task without one is internal.
    #[serde(default)]
    pub client: Option<String>,
    pub role: String,
    pub effort_hours: f64,
    /// "HH:MM"
    pub deadline: String,
    pub priority: Priority,
    #[serde(default)]
    pub on_done: Vec<Effect>,
    #[serde(default)]
    pub on_late: Vec<Effect>,
}

/// Something that happens once: at a time, when a condition holds, or both.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Event {
    /// "HH:MM"
    #[serde(default)]
    pub at: Option<String>,
    /// Minutes either way, drawn from the run's seed.
    #[serde(default)]
    pub jitter: u32,
    #[serde(default)]
    pub when: Option<Condition>,
    pub then: Vec<Effect>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Condition {
    Flag(String),
    Not(Box<Condition>),
    All(Vec<Condition>),
    Any(Vec<Condition>),
    LoyaltyBelow(String, i32),
    StressAbove(i32),
    TaskDone(String),
    TaskLate(String),
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Effect {
    /// Loyalty of the client in context (the dialogue's or the task's).
    Loyalty(i32),
    LoyaltyOf(String, i32),
    Stress(i32),
    Set(String),
    Unset(String),
    AddTask(String),
    /// A team member's hours left today.
    SetHours(String, f64),
    Notify(String),
    StartDialogue(String),
    /// One of the lists, drawn from the run's seed.
    OneOf(Vec<Vec<Effect>>),
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Dialogue {
    pub id: String,
    /// The client spoken to; none for a colleague.
    #[serde(default)]
    pub client: Option<String>,
    /// The id of the first node.
    pub start: String,
    /// The trainee may open this conversation themselves (a call, a visit,
    /// a proposal nobody asked for) while the initiative's condition holds.
    #[serde(default)]
    pub initiative: Option<Initiative>,
    pub nodes: Vec<Node>,
}

/// A conversation the trainee can start: offered on the shift screen while
/// `when` holds (always, without it), until the dialogue has been opened
/// once, by the trainee or by an event.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Initiative {
    /// What the trainee does, as the shift screen offers it: "Call Granel
    /// now about the late shipment".
    pub label: String,
    #[serde(default)]
    pub when: Option<Condition>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Node {
    pub id: String,
    pub speaker: String,
    pub says: String,
    /// Shift minutes the trainee has to answer.
    #[serde(default)]
    pub reply_within: Option<u32>,
    #[serde(default)]
    pub on_timeout: Vec<Effect>,
    #[serde(default)]
    pub timeout_next: Option<String>,
    #[serde(default)]
    pub choices: Vec<Choice>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Choice {
    /// A name for the answer that stays when answers are added or
    /// reordered: scripts, test plans and run records use it.
    #[serde(default)]
    pub id: Option<String>,
    pub say: String,
    pub tone: Tone,
    #[serde(default)]
    pub when: Option<Condition>,
    #[serde(default)]
    pub effects: Vec<Effect>,
    #[serde(default)]
    pub next: Option<String>,
    #[serde(default)]
    pub feedback: String,
    /// This answer is what a real employer would not tolerate (a discount
    /// beyond the trainee's mandate, a lie to a client, another client's
    /// prices disclosed): why, in a sentence. A run with one cannot pass.
    #[serde(default)]
    pub critical: Option<String>,
}

/// Which answer of a node: its `id`, or its number counting from 1 in the
/// order the answers are written in the scenario file (whatever order the
/// game shows them in).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(untagged)]
pub enum ChoiceRef {
    Number(usize),
    Id(std::sync::Arc<str>),
}

impl ChoiceRef {
    /// The plain name: the id, or the number as text.
    pub fn key(&self) -> String {
        match self {
            ChoiceRef::Number(n) => n.to_string(),
            ChoiceRef::Id(id) => id.to_string(),
        }
    }

    /// The 0-based index of the answer among `ids` (each answer's id, if
    /// any), counting `count` answers.
    pub fn index_in<'a>(
        &self,
        count: usize,
        mut ids: impl Iterator<Item = Option<&'a str>>,
    ) -> Option<usize> {
        match self {
            ChoiceRef::Number(n) => n.checked_sub(1).filter(|&i| i < count),
            ChoiceRef::Id(id) => ids.position(|c| c == Some(&**id)),
        }
    }
}

impl std::fmt::Display for ChoiceRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ChoiceRef::Number(n) => write!(f, "{n}"),
            ChoiceRef::Id(id) => write!(f, "`{id}`"),
        }
    }
}

impl From<usize> for ChoiceRef {
    fn from(n: usize) -> Self {
        ChoiceRef::Number(n)
    }
}

impl From<&str> for ChoiceRef {
    fn from(id: &str) -> Self {
        ChoiceRef::Id(id.into())
    }
}

impl Node {
    /// The index of the answer `r` names in this node.
    pub fn choice_index(&self, r: &ChoiceRef) -> Option<usize> {
        r.index_in(
            self.choices.len(),
            self.choices.iter().map(|c| c.id.as_deref()),
        )
    }
}

/// How an answer is said, and so what it does to the relationship.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Tone {
    Calm,
    Assertive,
    Empathetic,
    Defensive,
    Aggressive,
    Avoidant,
    /// Giving in to end the pressure: a concession beyond the mandate, a
    /// promise the company cannot keep, taking blame that is not yours.
    Placating,
}

impl Tone {
    pub const ALL: [Tone; 7] = [
        Tone::Calm,
        Tone::Assertive,
        Tone::Empathetic,
        Tone::Defensive,
        Tone::Aggressive,
        Tone::Avoidant,
        Tone::Placating,
    ];

    /// Calm, assertive and empathetic answers build; the others damage.
    pub fn is_constructive(self) -> bool {
        matches!(self, Tone::Calm | Tone::Assertive | Tone::Empathetic)
    }

    /// What the tone is, for the debrief: why it builds or damages.
    pub fn meaning(self) -> &'static str {
        match self {
            Tone::Calm => "composed and factual under pressure",
            Tone::Assertive => "clear about what you will do and what you will not",
            Tone::Empathetic => {
                "hears the other person's problem without giving away what is not yours to give"
            }
            Tone::Defensive => "protects yourself instead of solving the problem",
            Tone::Aggressive => "turns the pressure back on the other person",
            Tone::Avoidant => "puts the problem off or hides it",
            Tone::Placating => {
                "gives in to end the pressure: it buys calm now and the company pays later"
            }
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scoring {
    #[serde(default)]
    pub weights: Weights,
    #[serde(default)]
    pub pass: PassMarks,
}

/// How the three scores combine into the overall score.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Weights {
    pub loyalty: u32,
    pub stress: u32,
    pub priorities: u32,
}

impl Default for Weights {
    fn default() -> Self {
        Weights {
            loyalty: 40,
            stress: 30,
            priorities: 30,
        }
    }
}

/// The least each score must reach for the shift to count as passed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PassMarks {
    pub loyalty: u32,
    pub stress: u32,
    pub priorities: u32,
}

impl Default for PassMarks {
    fn default() -> Self {
        PassMarks {
            loyalty: 60,
            stress: 50,
            priorities: 60,
        }
    }
}
