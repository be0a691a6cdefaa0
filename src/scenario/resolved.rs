//! A checked scenario in the form the engine runs: ids replaced by indices,
//! times by minutes since midnight, hours by minutes, flags interned, and
//! every `Loyalty(n)` bound to the client of its context. Only
//! [`super::resolve`] builds one, so holding a `Resolved` means the scenario
//! has no errors.

use std::sync::Arc;

use super::model::{Priority, Scoring, Segment, Stage, Tier, Tone};

/// Minutes since midnight on the shift's clock.
pub type Minute = u32;

/// An id as the engine passes it around (in actions, decisions and
/// outcomes): shared, so a copy costs no text.
pub type Id = Arc<str>;

#[derive(Debug, Clone, PartialEq)]
pub struct Resolved {
    pub id: String,
    pub title: String,
    pub stage: Stage,
    pub start: Minute,
    pub end: Minute,
    pub trainee: TraineeR,
    pub clients: Vec<ClientR>,
    pub team: Vec<MemberR>,
    /// Display names of roles, by role id.
    pub role_names: Vec<(String, String)>,
    pub tasks: Vec<TaskR>,
    pub events: Vec<EventR>,
    pub dialogues: Vec<DialogueR>,
    /// Every flag named anywhere, in order of first mention.
    pub flags: Vec<String>,
    /// Every stress level an event's or an answer's condition tests
    /// (`StressAbove`), ascending, once each: the clock stops where stress
    /// crosses one, so those conditions are tried at the right minute.
    pub stress_lines: Vec<i32>,
    /// What the events' conditions read.
    pub event_reads: EventReads,
    /// The dialogues the trainee may open (those with an initiative), in
    /// order: a player looks through these at every look.
    pub initiatives: Vec<usize>,
    pub scoring: Scoring,
}

/// What the events' conditions read, event by event: the clock tries a
/// pending event again only when something its condition reads changes (or
/// it falls due), since nothing else can turn a condition that failed into
/// one that holds.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct EventReads {
    /// Per client, each level a `LoyaltyBelow` of it tests, with the event.
    pub loyalty: Vec<Vec<(i32, usize)>>,
    /// Each level a `StressAbove` tests, with the event.
    pub stress: Vec<(i32, usize)>,
    /// Per flag, the events that test it.
    pub flags: Vec<Vec<usize>>,
    /// Per task, the events that test it done.
    pub task_done: Vec<Vec<usize>>,
    /// Per task, the events that test it late.
    pub task_late: Vec<Vec<usize>>,
}

impl EventReads {
    pub(super) fn of(events: &[EventR], clients: usize, flags: usize, tasks: usize) -> Self {
        fn collect(c: &ConditionR, e: usize, reads: &mut EventReads) {
            match c {
                ConditionR::Flag(f) => reads.flags[*f].push(e),
                ConditionR::Not(c) => collect(c, e, reads),
                ConditionR::All(cs) | ConditionR::Any(cs) => {
                    cs.iter().for_each(|c| collect(c, e, reads))
                }
                ConditionR::LoyaltyBelow(client, v) => reads.loyalty[*client].push((*v, e)),
                ConditionR::StressAbove(v) => reads.stress.push((*v, e)),
                ConditionR::TaskDone(t) => reads.task_done[*t].push(e),
                ConditionR::TaskLate(t) => reads.task_late[*t].push(e),
            }
        }
        let mut reads = EventReads {
            loyalty: vec![Vec::new(); clients],
            stress: Vec::new(),
            flags: vec![Vec::new(); flags],
            task_done: vec![Vec::new(); tasks],
            task_late: vec![Vec::new(); tasks],
        };
        for (e, event) in events.iter().enumerate() {
            if let Some(c) = &event.when {
                collect(c, e, &mut reads);
            }
        }
        for list in reads
            .flags
            .iter_mut()
            .chain(&mut reads.task_done)
            .chain(&mut reads.task_late)
        {
            list.dedup();
        }
        for list in reads.loyalty.iter_mut().chain([&mut reads.stress]) {
            list.sort_unstable();
            list.dedup();
        }
        reads
    }
}

impl Resolved {
    /// What a role is called on screen: its authored name, or the id with
    /// a capital letter.
    pub fn role_title(&self, role: &str) -> String {
        let name = self.role_names.iter().find(|(id, _)| id == role);
        display_role(role, name.map(|(_, n)| n.as_str()))
    }

    /// The node of a dialogue, by ids.
    pub fn node(&self, dialogue: &str, node: &str) -> Option<&NodeR> {
        self.dialogues
            .iter()
            .find(|d| *d.id == *dialogue)?
            .nodes
            .iter()
            .find(|n| &*n.id == node)
    }

    /// An answer of a node, by ids and the answer's id or number.
    pub fn answer(
        &self,
        dialogue: &str,
        node: &str,
        choice: &super::model::ChoiceRef,
    ) -> Option<(&NodeR, &ChoiceR)> {
        let n = self.node(dialogue, node)?;
        let c = n.choices.get(n.choice_index(choice)?)?;
        Some((n, c))
    }
}

/// The levels of [`Resolved::stress_lines`].
pub(super) fn stress_lines(events: &[EventR], dialogues: &[DialogueR]) -> Vec<i32> {
    fn collect(c: &ConditionR, out: &mut Vec<i32>) {
        match c {
            ConditionR::StressAbove(v) => out.push(*v),
            ConditionR::Not(c) => collect(c, out),
            ConditionR::All(cs) | ConditionR::Any(cs) => cs.iter().for_each(|c| collect(c, out)),
            _ => {}
        }
    }
    let mut lines = Vec::new();
    let answers = dialogues
        .iter()
        .flat_map(|d| &d.nodes)
        .flat_map(|n| &n.choices)
        .filter_map(|c| c.when.as_ref());
    for c in events.iter().filter_map(|e| e.when.as_ref()).chain(answers) {
        collect(c, &mut lines);
    }
    lines.sort_unstable();
    lines.dedup();
    lines
}

/// A role as the trainee reads it: its authored name, or its id with a
/// capital letter.
pub fn display_role(role: &str, name: Option<&str>) -> String {
    match name {
        Some(name) => name.to_owned(),
        None => {
            let mut chars = role.chars();
            match chars.next() {
                Some(first) => first.to_uppercase().chain(chars).collect(),
                None => String::new(),
            }
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct TraineeR {
    pub stress: i32,
    pub burnout_at: i32,
    /// Minutes the trainee can spend on tasks themselves.
    pub minutes: u32,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ClientR {
    pub id: Id,
    pub name: String,
    pub tier: Tier,
    pub segment: Segment,
    pub loyalty: i32,
    pub churn_below: i32,
    pub weight: u32,
}

#[derive(Debug, Clone, PartialEq)]
pub struct MemberR {
    pub id: Id,
    pub name: String,
    pub role: String,
    /// Minutes of work left today.
    pub minutes: u32,
}

#[derive(Debug, Clone, PartialEq)]
pub struct TaskR {
    pub id: Id,
    pub title: String,
    pub client: Option<usize>,
    pub role: String,
    /// Indices into `team` of the members who have this task's role.
    pub eligible: Vec<usize>,
    /// Effort in minutes, at least 1.
    pub effort: u32,
    pub deadline: Minute,
    pub priority: Priority,
    pub on_done: Vec<EffectR>,
    pub on_late: Vec<EffectR>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct EventR {
    pub at: Option<Minute>,
    pub jitter: u32,
    pub when: Option<ConditionR>,
    pub then: Vec<EffectR>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum ConditionR {
    Flag(usize),
    Not(Box<ConditionR>),
    All(Vec<ConditionR>),
    Any(Vec<ConditionR>),
    LoyaltyBelow(usize, i32),
    StressAbove(i32),
    TaskDone(usize),
    TaskLate(usize),
}

#[derive(Debug, Clone, PartialEq)]
pub enum EffectR {
    /// `Loyalty(n)` bound to its context's client, or `LoyaltyOf`.
    Loyalty(usize, i32),
    Stress(i32),
    Set(usize),
    Unset(usize),
    AddTask(usize),
    SetHours(usize, u32),
    Notify(String),
    StartDialogue(usize),
    OneOf(Vec<Vec<EffectR>>),
}

#[derive(Debug, Clone, PartialEq)]
pub struct DialogueR {
    pub id: Id,
    pub client: Option<usize>,
    pub start: usize,
    pub initiative: Option<InitiativeR>,
    pub nodes: Vec<NodeR>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct InitiativeR {
    pub label: String,
    pub when: Option<ConditionR>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct NodeR {
    /// Shared with the decisions that name it, so recording one copies no
    /// text.
    pub id: Arc<str>,
    pub speaker: String,
    pub says: String,
    pub reply_within: Option<u32>,
    pub on_timeout: Vec<EffectR>,
    pub timeout_next: Option<usize>,
    pub choices: Vec<ChoiceR>,
}

impl NodeR {
    /// The index of the answer `r` names in this node.
    pub fn choice_index(&self, r: &super::model::ChoiceRef) -> Option<usize> {
        r.index_in(
            self.choices.len(),
            self.choices.iter().map(|c| c.id.as_deref()),
        )
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct ChoiceR {
    pub id: Option<Arc<str>>,
    pub say: String,
    pub tone: Tone,
    pub when: Option<ConditionR>,
    pub effects: Vec<EffectR>,
    pub next: Option<usize>,
    pub feedback: String,
    pub critical: Option<String>,
}
