//! Checking a parsed scenario and turning it into the engine's form.
//! [`resolve`] reports every problem of a file at once, each with a
//! [`Path`] to the offending value (the loader turns paths into
//! `file:line:column`), and builds a [`Resolved`] only when none of them is
//! an error. It never looks at source text.

use std::collections::{BTreeSet, HashMap};

use super::diagnostic::{Code, Severity};
use super::model::{Condition, Dialogue, Effect, Node, Scenario};
use super::resolved::*;
use super::spans::Path;

/// One finding of [`resolve`], located by its path in the document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub code: Code,
    pub path: Path,
    /// What is wrong.
    pub message: String,
    /// How to fix it.
    pub help: Option<String>,
    /// A short note for under the caret.
    pub label: Option<String>,
}

impl Problem {
    pub fn severity(&self) -> Severity {
        self.code.severity()
    }
}

/// Checks `scenario` and, when nothing is an error, resolves it. Warnings
/// come back either way; the `Resolved` is `Some` exactly when no problem
/// has [`Severity::Error`].
///
/// Settled semantics (see also `docs/diagnostics.md`):
/// - times are minutes since midnight; a task deadline or an event's `at`
///   may be anywhere in `start..=end` of the shift, both ends included;
/// - hours become minutes rounded to the nearest minute; a task's effort is
///   at least one minute;
/// - flags are interned in order of first mention, walking tasks, events,
///   then dialogues, each in the order of the schema's fields;
/// - `Loyalty(n)` binds to the task's client in `on_done`/`on_late` and to
///   the dialogue's client in its choices' effects and `on_timeout`, also
///   inside `OneOf`.
pub fn resolve(scenario: &Scenario) -> (Option<Resolved>, Vec<Problem>) {
    let mut r = Resolver::new(scenario);
    let resolved = r.run();
    let has_errors = r.problems.iter().any(|p| p.severity() == Severity::Error);
    (if has_errors { None } else { Some(resolved) }, r.problems)
}

/// "HH:MM" on a 24-hour clock, as minutes since midnight.
pub fn parse_time(text: &str) -> Option<Minute> {
    let b = text.as_bytes();
    if b.len() != 5 || b[2] != b':' {
        return None;
    }
    let digits = [b[0], b[1], b[3], b[4]];
    if !digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let [h1, h2, m1, m2] = digits.map(|d| u32::from(d - b'0'));
    let (hours, minutes) = (h1 * 10 + h2, m1 * 10 + m2);
    (hours <= 23 && minutes <= 59).then_some(hours * 60 + minutes)
}

/// `HH:MM` of minutes since midnight.
pub fn format_time(minute: Minute) -> String {
    format!("{:02}:{:02}", minute / 60, minute % 60)
}

/// Edit distance by characters, counting a swap of neighbours as one edit
/// (optimal string alignment), so `nmae` is one edit from `name`.
fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let width = b.len() + 1;
    let mut d = vec![0usize; (a.len() + 1) * width];
    for i in 0..=a.len() {
        d[i * width] = i;
    }
    for (j, cell) in d.iter_mut().enumerate().take(width) {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut best = (d[(i - 1) * width + j] + 1)
                .min(d[i * width + j - 1] + 1)
                .min(d[(i - 1) * width + j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                best = best.min(d[(i - 2) * width + j - 2] + 1);
            }
            d[i * width + j] = best;
        }
    }
    d[a.len() * width + b.len()]
}

/// The known name closest to `wrong`, if it is close enough to be a typo.
pub fn suggest<'a>(wrong: &str, known: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let limit = (wrong.chars().count() / 3).max(1);
    known
        .into_iter()
        .map(|k| (edit_distance(wrong, k), k))
        .filter(|(d, _)| *d <= limit)
        .min_by_key(|(d, _)| *d)
        .map(|(_, k)| k)
}

/// "did you mean `x`?" or the list of what exists.
fn unknown_help(wrong: &str, kind_plural: &str, known: &[&str], where_to_add: &str) -> String {
    if let Some(close) = suggest(wrong, known.iter().copied()) {
        return format!("did you mean `{close}`?");
    }
    if known.is_empty() {
        return format!("there are no {kind_plural} yet; add one to {where_to_add}");
    }
    const SHOWN: usize = 12;
    let mut list = known
        .iter()
        .take(SHOWN)
        .copied()
        .collect::<Vec<_>>()
        .join(", ");
    if known.len() > SHOWN {
        list.push_str(", ...");
    }
    format!("known {kind_plural}: {list}; or add `{wrong}` to {where_to_add}")
}

/// The client `Loyalty(n)` changes, by where it is written.
#[derive(Clone, Copy)]
enum Context {
    Client(usize),
    /// The context names a client that does not exist (already reported).
    UnknownClient,
    /// No client here; says where we are, e.g. "an event".
    Nobody(&'static str),
}

/// Which list an id refers to.
#[derive(Clone, Copy)]
enum IdKind {
    Client,
    Member,
    Task,
    Dialogue,
}

impl IdKind {
    fn code(self) -> Code {
        match self {
            IdKind::Client => Code::UnknownClient,
            IdKind::Member => Code::UnknownMember,
            IdKind::Task => Code::UnknownTask,
            IdKind::Dialogue => Code::UnknownDialogue,
        }
    }

    fn singular(self) -> &'static str {
        match self {
            IdKind::Client => "client",
            IdKind::Member => "team member",
            IdKind::Task => "task",
            IdKind::Dialogue => "dialogue",
        }
    }

    fn plural(self) -> &'static str {
        match self {
            IdKind::Client => "clients",
            IdKind::Member => "team members",
            IdKind::Task => "tasks",
            IdKind::Dialogue => "dialogues",
        }
    }

    fn list(self) -> &'static str {
        match self {
            IdKind::Client => "`clients`",
            IdKind::Member => "`team`",
            IdKind::Task => "`tasks`",
            IdKind::Dialogue => "`dialogues`",
        }
    }
}

/// Ids of one list, in file order, the first of duplicates winning.
#[derive(Default)]
struct Ids<'a> {
    order: Vec<&'a str>,
    index: HashMap<&'a str, usize>,
}

impl<'a> Ids<'a> {
    fn get(&self, id: &str) -> Option<usize> {
        self.index.get(id).copied()
    }
}

struct Resolver<'a> {
    s: &'a Scenario,
    problems: Vec<Problem>,
    start: Option<Minute>,
    end: Option<Minute>,
    clients: Ids<'a>,
    members: Ids<'a>,
    tasks: Ids<'a>,
    dialogues: Ids<'a>,
    /// Node ids of each dialogue.
    nodes: Vec<Ids<'a>>,
    flags: Vec<String>,
    flag_index: HashMap<String, usize>,
    flags_set: BTreeSet<usize>,
    /// Each flag set, with where it is first set.
    flags_set_at: Vec<(usize, Path)>,
    /// Each flag tested, with where it is first tested.
    flags_tested: Vec<(usize, Path)>,
    tasks_added: BTreeSet<usize>,
    dialogues_started: BTreeSet<usize>,
}

impl<'a> Resolver<'a> {
    fn new(s: &'a Scenario) -> Self {
        Resolver {
            s,
            problems: Vec::new(),
            start: None,
            end: None,
            clients: Ids::default(),
            members: Ids::default(),
            tasks: Ids::default(),
            dialogues: Ids::default(),
            nodes: Vec::new(),
            flags: Vec::new(),
            flag_index: HashMap::new(),
            flags_set: BTreeSet::new(),
            flags_set_at: Vec::new(),
            flags_tested: Vec::new(),
            tasks_added: BTreeSet::new(),
            dialogues_started: BTreeSet::new(),
        }
    }

    fn report(
        &mut self,
        code: Code,
        path: Path,
        message: impl Into<String>,
        help: impl Into<String>,
        label: Option<&str>,
    ) {
        self.problems.push(Problem {
            code,
            path,
            message: message.into(),
            help: Some(help.into()),
            label: label.map(str::to_owned),
        });
    }

    fn run(&mut self) -> Resolved {
        let s = self.s;
        let root = Path::root();
        self.check_shift();
        self.check_language();
        let trainee = self.trainee();
        let clients = self.clients();
        let team = self.team();

        // Every id list first, so references may point forward.
        self.tasks = self.ids(
            s.tasks.iter().map(|t| t.id.as_str()),
            &root.field("tasks"),
            "task",
        );
        self.dialogues = self.ids(
            s.dialogues.iter().map(|d| d.id.as_str()),
            &root.field("dialogues"),
            "dialogue",
        );
        for (d, dialogue) in s.dialogues.iter().enumerate() {
            let ids = self.ids(
                dialogue.nodes.iter().map(|n| n.id.as_str()),
                &root.field("dialogues").index(d).field("nodes"),
                "node",
            );
            self.nodes.push(ids);
        }

        let tasks: Vec<TaskR> = s
            .tasks
            .iter()
            .enumerate()
            .map(|(i, _)| self.task(i, &team))
            .collect();
        let events: Vec<EventR> = (0..s.events.len()).map(|i| self.event(i)).collect();
        let dialogues: Vec<DialogueR> = (0..s.dialogues.len()).map(|i| self.dialogue(i)).collect();
        let stress_lines = super::resolved::stress_lines(&events, &dialogues);
        self.check_scoring();
        self.check_roles(&team);
        self.check_lengths();
        self.check_never_used();
        let event_reads =
            super::resolved::EventReads::of(&events, clients.len(), self.flags.len(), tasks.len());
        let initiatives = (0..dialogues.len())
            .filter(|&d| dialogues[d].initiative.is_some())
            .collect();

        Resolved {
            id: s.id.clone(),
            title: s.title.clone(),
            stage: s.stage,
            start: self.start.unwrap_or(0),
            end: self.end.unwrap_or(0),
            trainee,
            clients,
            team,
            role_names: s
                .roles
                .iter()
                .map(|r| (r.id.clone(), r.name.clone()))
                .collect(),
            tasks,
            events,
            dialogues,
            event_reads,
            initiatives,
            flags: std::mem::take(&mut self.flags),
            stress_lines,
            scoring: s.scoring.clone(),
        }
    }

    /// Indexes one list's ids, reporting duplicates at the later ones.
    fn ids(&mut self, ids: impl Iterator<Item = &'a str>, list: &Path, what: &str) -> Ids<'a> {
        let mut out = Ids::default();
        for (i, id) in ids.enumerate() {
            if let Some(&first) = out.index.get(id) {
                self.report(
                    Code::DuplicateId,
                    list.index(i).field("id"),
                    format!("duplicate {what} id `{id}`"),
                    format!(
                        "{what} ids must be unique within `{list}`; rename this one or remove it"
                    ),
                    Some(&format!("already the id of {}", list.index(first))),
                );
            } else {
                out.index.insert(id, i);
            }
            out.order.push(id);
        }
        out
    }

    fn lookup(&mut self, kind: IdKind, id: &str, path: Path) -> usize {
        let ids = match kind {
            IdKind::Client => &self.clients,
            IdKind::Member => &self.members,
            IdKind::Task => &self.tasks,
            IdKind::Dialogue => &self.dialogues,
        };
        if let Some(i) = ids.get(id) {
            return i;
        }
        let help = unknown_help(id, kind.plural(), &ids.order, kind.list());
        self.report(
            kind.code(),
            path,
            format!("unknown {} `{id}`", kind.singular()),
            help,
            Some(&format!("no {} has this id", kind.singular())),
        );
        0
    }

    fn lookup_node(&mut self, d: usize, id: &str, path: Path) -> Option<usize> {
        if let Some(i) = self.nodes[d].get(id) {
            return Some(i);
        }
        let dialogue = &self.s.dialogues[d].id;
        let help = unknown_help(
            id,
            "nodes of this dialogue",
            &self.nodes[d].order,
            &format!("the `nodes` of `{dialogue}`"),
        );
        self.report(
            Code::UnknownNode,
            path,
            format!("unknown node `{id}` in dialogue `{dialogue}`"),
            help,
            Some("no node of this dialogue has this id"),
        );
        None
    }

    fn time(&mut self, text: &str, path: Path, what: &str) -> Option<Minute> {
        let minute = parse_time(text);
        if minute.is_none() {
            self.report(
                Code::BadTime,
                path,
                format!("{what} `{text}` is not a time"),
                "write times as \"HH:MM\" on a 24-hour clock, from \"00:00\" to \"23:59\", e.g. \"09:30\"",
                Some("expected \"HH:MM\""),
            );
        }
        minute
    }

    fn percent(&mut self, value: i64, path: Path, what: &str) {
        if !(0..=100).contains(&value) {
            self.report(
                Code::OutOfRange,
                path,
                format!("{what} is {value}, outside 0..=100"),
                format!("use a value from 0 to 100 for {what}"),
                Some("must be within 0..=100"),
            );
        }
    }

    /// Non-negative hours as minutes; reports negative or non-finite values.
    fn hours(&mut self, hours: f64, path: Path, what: &str) -> u32 {
        if !(hours.is_finite() && hours >= 0.0) {
            self.report(
                Code::BadHours,
                path,
                format!("{what} is {hours}, which is not a number of hours"),
                "use a number of hours of zero or more, e.g. `4` or `2.5`",
                Some("must be zero or more"),
            );
            return 0;
        }
        to_minutes(hours)
    }

    fn check_shift(&mut self) {
        let s = self.s;
        let shift = &s.shift;
        let path = Path::root().field("shift");
        self.start = self.time(&shift.start, path.field("start"), "shift start");
        self.end = self.time(&shift.end, path.field("end"), "shift end");
        if let (Some(start), Some(end)) = (self.start, self.end)
            && end <= start
        {
            self.report(
                Code::ShiftBackwards,
                path.field("end"),
                format!(
                    "the shift ends at {} but starts at {}",
                    shift.end, shift.start
                ),
                "make `end` later than `start`; a shift cannot run past midnight",
                Some("not after the start"),
            );
            self.start = None;
            self.end = None;
        }
    }

    fn trainee(&mut self) -> TraineeR {
        let s = self.s;
        let t = &s.trainee;
        let path = Path::root().field("trainee");
        self.percent(
            t.stress.into(),
            path.field("stress"),
            "the trainee's stress",
        );
        self.percent(
            t.burnout_at.into(),
            path.field("burnout_at"),
            "`burnout_at`",
        );
        if t.burnout_at <= t.stress {
            self.report(
                Code::BurnoutAtStart,
                path.field("burnout_at"),
                format!(
                    "the trainee burns out at stress {} but starts at {}",
                    t.burnout_at, t.stress
                ),
                format!(
                    "set `burnout_at` above the starting stress {}, or lower `stress`",
                    t.stress
                ),
                Some("the shift would end at once"),
            );
        }
        let minutes = self.hours(t.hours, path.field("hours"), "the trainee's `hours`");
        TraineeR {
            stress: t.stress,
            burnout_at: t.burnout_at,
            minutes,
        }
    }

    fn clients(&mut self) -> Vec<ClientR> {
        let s = self.s;
        let list = Path::root().field("clients");
        self.clients = self.ids(s.clients.iter().map(|c| c.id.as_str()), &list, "client");
        s.clients
            .iter()
            .enumerate()
            .map(|(i, c)| {
                let path = list.index(i);
                self.percent(
                    c.loyalty.into(),
                    path.field("loyalty"),
                    &format!("the loyalty of `{}`", c.id),
                );
                self.percent(
                    c.churn_below.into(),
                    path.field("churn_below"),
                    &format!("the `churn_below` of `{}`", c.id),
                );
                if c.loyalty < c.churn_below {
                    self.report(
                        Code::LoyaltyBelowChurn,
                        path.field("loyalty"),
                        format!(
                            "client `{}` starts at loyalty {}, below its `churn_below` {}: it is lost before the shift begins",
                            c.id, c.loyalty, c.churn_below
                        ),
                        "raise `loyalty` to at least `churn_below`, or lower `churn_below`",
                        Some("below the churn threshold"),
                    );
                }
                if c.weight == 0 {
                    self.report(
                        Code::ZeroWeight,
                        path.field("weight"),
                        format!("client `{}` has weight 0 and counts for nothing in the scores", c.id),
                        "give the client a weight of 1 or more, or remove it",
                        Some("counts for nothing"),
                    );
                }
                ClientR {
                    id: c.id.as_str().into(),
                    name: c.name.clone(),
                    tier: c.tier,
                    segment: c.segment,
                    loyalty: c.loyalty,
                    churn_below: c.churn_below,
                    weight: c.weight,
                }
            })
            .collect()
    }

    fn team(&mut self) -> Vec<MemberR> {
        let s = self.s;
        let list = Path::root().field("team");
        self.members = self.ids(s.team.iter().map(|m| m.id.as_str()), &list, "team member");
        s.team
            .iter()
            .enumerate()
            .map(|(i, m)| {
                let minutes = self.hours(
                    m.hours,
                    list.index(i).field("hours"),
                    &format!("the `hours` of `{}`", m.id),
                );
                MemberR {
                    id: m.id.as_str().into(),
                    name: m.name.clone(),
                    role: m.role.clone(),
                    minutes,
                }
            })
            .collect()
    }

    fn task(&mut self, i: usize, team: &[MemberR]) -> TaskR {
        let s = self.s;
        let t = &s.tasks[i];
        let path = Path::root().field("tasks").index(i);
        let client = t.client.as_deref().map(|id| (id, self.clients.get(id)));
        if let Some((id, None)) = client {
            self.lookup(IdKind::Client, id, path.field("client"));
        }
        let context = match client {
            Some((_, Some(c))) => Context::Client(c),
            Some((_, None)) => Context::UnknownClient,
            None => Context::Nobody("an internal task (one without `client`)"),
        };

        let eligible: Vec<usize> = team
            .iter()
            .enumerate()
            .filter(|(_, m)| m.role == t.role)
            .map(|(m, _)| m)
            .collect();
        if eligible.is_empty() {
            let mut roles: Vec<&str> = team.iter().map(|m| m.role.as_str()).collect();
            roles.sort_unstable();
            roles.dedup();
            let help = match suggest(&t.role, roles.iter().copied()) {
                Some(close) => format!("did you mean `{close}`?"),
                None if roles.is_empty() => "add a team member with this role to `team`".to_owned(),
                None => format!(
                    "roles in the team: {}; use one of them or add a team member with role `{}`",
                    roles.join(", "),
                    t.role
                ),
            };
            self.report(
                Code::UnknownRole,
                path.field("role"),
                format!(
                    "nobody in the team has the role `{}` of task `{}`",
                    t.role, t.id
                ),
                help,
                Some("no team member has this role"),
            );
        }

        let effort = if t.effort_hours.is_finite() && t.effort_hours > 0.0 {
            to_minutes(t.effort_hours).max(1)
        } else {
            self.report(
                Code::BadHours,
                path.field("effort_hours"),
                format!(
                    "task `{}` takes {} hours of effort; it must take some time",
                    t.id, t.effort_hours
                ),
                "set `effort_hours` above 0, e.g. `0.5` for half an hour",
                Some("must be more than 0"),
            );
            1
        };

        let deadline = self.time(&t.deadline, path.field("deadline"), "deadline");
        if let (Some(deadline), Some(start), Some(end)) = (deadline, self.start, self.end)
            && !(start..=end).contains(&deadline)
        {
            self.report(
                Code::DeadlineOutsideShift,
                path.field("deadline"),
                format!(
                    "the deadline {} of task `{}` is outside the shift {}–{}",
                    t.deadline, t.id, self.s.shift.start, self.s.shift.end
                ),
                format!(
                    "move the deadline to between {} and {}, or change the shift's hours",
                    self.s.shift.start, self.s.shift.end
                ),
                Some("outside the shift"),
            );
        }

        let on_done = self.effects(&t.on_done, &path.field("on_done"), context);
        let on_late = self.effects(&t.on_late, &path.field("on_late"), context);
        TaskR {
            id: t.id.as_str().into(),
            title: t.title.clone(),
            client: client.and_then(|(_, c)| c),
            role: t.role.clone(),
            eligible,
            effort,
            deadline: deadline.unwrap_or(0),
            priority: t.priority,
            on_done,
            on_late,
        }
    }

    fn event(&mut self, i: usize) -> EventR {
        let s = self.s;
        let e = &s.events[i];
        let path = Path::root().field("events").index(i);
        let at = e.at.as_deref().and_then(|at| {
            let minute = self.time(at, path.field("at"), "event time")?;
            if let (Some(start), Some(end)) = (self.start, self.end)
                && !(start..=end).contains(&minute)
            {
                self.report(
                    Code::EventOutsideShift,
                    path.field("at"),
                    format!(
                        "event {i} happens at {at}, outside the shift {}–{}",
                        self.s.shift.start, self.s.shift.end
                    ),
                    format!(
                        "move `at` to between {} and {}, or change the shift's hours",
                        self.s.shift.start, self.s.shift.end
                    ),
                    Some("outside the shift"),
                );
            }
            Some(minute)
        });
        if e.at.is_none() && e.when.is_none() {
            self.report(
                Code::EventNeverFires,
                path,
                format!("event {i} has neither `at` nor `when`, so it never happens"),
                "add `at: \"HH:MM\"`, `when: <condition>`, or both",
                Some("never fires"),
            );
        }
        let when = e
            .when
            .as_ref()
            .map(|c| self.condition(c, path.field("when")));
        let then = self.effects(&e.then, &path.field("then"), Context::Nobody("an event"));
        EventR {
            at,
            jitter: e.jitter,
            when,
            then,
        }
    }

    fn dialogue(&mut self, d: usize) -> DialogueR {
        let s = self.s;
        let dialogue = &s.dialogues[d];
        let path = Path::root().field("dialogues").index(d);
        let client = dialogue
            .client
            .as_deref()
            .map(|id| (id, self.clients.get(id)));
        if let Some((id, None)) = client {
            self.lookup(IdKind::Client, id, path.field("client"));
        }
        let context = match client {
            Some((_, Some(c))) => Context::Client(c),
            Some((_, None)) => Context::UnknownClient,
            None => Context::Nobody("a dialogue with a colleague (one without `client`)"),
        };
        let start = self.lookup_node(d, &dialogue.start, path.field("start"));
        let initiative = dialogue.initiative.as_ref().map(|i| {
            // The trainee can open it: it is started, as far as warnings go.
            self.dialogues_started.insert(d);
            InitiativeR {
                label: i.label.clone(),
                when: i
                    .when
                    .as_ref()
                    .map(|c| self.condition(c, path.field("initiative").field("when"))),
            }
        });

        let nodes: Vec<NodeR> = dialogue
            .nodes
            .iter()
            .enumerate()
            .map(|(n, node)| self.node(d, n, node, context))
            .collect();
        if let Some(start) = start {
            self.check_flow(d, dialogue, start);
        }
        DialogueR {
            id: dialogue.id.as_str().into(),
            client: client.and_then(|(_, c)| c),
            start: start.unwrap_or(0),
            initiative,
            nodes,
        }
    }

    fn node(&mut self, d: usize, n: usize, node: &'a Node, context: Context) -> NodeR {
        let path = Path::root()
            .field("dialogues")
            .index(d)
            .field("nodes")
            .index(n);
        match node.reply_within {
            Some(0) => self.report(
                Code::ZeroReplyTime,
                path.field("reply_within"),
                format!("node `{}` gives the trainee 0 minutes to reply", node.id),
                "give at least 1 minute, or remove `reply_within` to wait for the answer",
                Some("no time to answer"),
            ),
            None => {
                let stray = if node.timeout_next.is_some() {
                    Some("timeout_next")
                } else if !node.on_timeout.is_empty() {
                    Some("on_timeout")
                } else {
                    None
                };
                if let Some(field) = stray {
                    self.report(
                        Code::TimeoutWithoutTimer,
                        path.field(field),
                        format!(
                            "node `{}` has `{field}` but no `reply_within`, so it never times out",
                            node.id
                        ),
                        format!("add `reply_within: <minutes>` to the node, or remove `{field}`"),
                        Some("never applies"),
                    );
                }
                if node.choices.is_empty() {
                    self.report(
                        Code::NodeWithoutAnswers,
                        path.field("id"),
                        format!(
                            "node `{}` has no choices and no `reply_within`: the trainee can never leave it",
                            node.id
                        ),
                        "add at least one choice (one without `next` ends the dialogue), or `reply_within` so the dialogue ends on timeout",
                        Some("no way out"),
                    );
                }
            }
            Some(_) => {}
        }
        let on_timeout = self.effects(&node.on_timeout, &path.field("on_timeout"), context);
        let timeout_next = node
            .timeout_next
            .as_deref()
            .and_then(|id| self.lookup_node(d, id, path.field("timeout_next")));
        self.check_answers(node, &path);
        let choices = node
            .choices
            .iter()
            .enumerate()
            .map(|(c, choice)| {
                let path = path.field("choices").index(c);
                let when = choice
                    .when
                    .as_ref()
                    .map(|cond| self.condition(cond, path.field("when")));
                let effects = self.effects(&choice.effects, &path.field("effects"), context);
                let next = choice
                    .next
                    .as_deref()
                    .and_then(|id| self.lookup_node(d, id, path.field("next")));
                ChoiceR {
                    id: choice.id.as_deref().map(std::sync::Arc::from),
                    say: choice.say.clone(),
                    tone: choice.tone,
                    when,
                    effects,
                    next,
                    feedback: choice.feedback.clone(),
                    critical: choice.critical.clone(),
                }
            })
            .collect();
        NodeR {
            id: node.id.as_str().into(),
            speaker: node.speaker.clone(),
            says: node.says.clone(),
            reply_within: node.reply_within,
            on_timeout,
            timeout_next,
            choices,
        }
    }

    /// What a node's answers must have for the debrief and for plans: ids
    /// unique within the node, feedback, a reason for a critical error, and
    /// more than one answer to choose from.
    fn check_answers(&mut self, node: &Node, path: &Path) {
        let choices = path.field("choices");
        let mut seen: HashMap<&str, usize> = HashMap::new();
        for (c, choice) in node.choices.iter().enumerate() {
            let here = choices.index(c);
            if let Some(id) = choice.id.as_deref() {
                if let Some(&first) = seen.get(id) {
                    self.report(
                        Code::DuplicateId,
                        here.field("id"),
                        format!("two answers of node `{}` have the id `{id}`", node.id),
                        "answer ids must be unique within their node; rename this one",
                        Some(&format!("already the id of answer {}", first + 1)),
                    );
                } else {
                    seen.insert(id, c);
                }
            }
            if choice.feedback.trim().is_empty() {
                self.report(
                    Code::ChoiceWithoutFeedback,
                    here.field("say"),
                    format!(
                        "answer {} of node `{}` has no `feedback`, so the debrief cannot say why it was good or bad",
                        c + 1,
                        node.id
                    ),
                    "add `feedback: \"...\"`: what this answer does to the client, the team or you, in the job's terms",
                    Some("no feedback"),
                );
            }
            if choice
                .critical
                .as_deref()
                .is_some_and(|r| r.trim().is_empty())
            {
                self.report(
                    Code::CriticalWithoutReason,
                    here.field("critical"),
                    format!(
                        "answer {} of node `{}` is marked critical but says no reason",
                        c + 1,
                        node.id
                    ),
                    "write why a real employer would not tolerate it, e.g. `critical: \"a discount beyond your mandate\"`; remove `critical` if it is a mistake, not a critical error",
                    Some("no reason"),
                );
            }
        }
        if node.choices.len() == 1 {
            self.report(
                Code::SingleAnswer,
                choices,
                format!(
                    "node `{}` offers only one answer, so the trainee decides nothing here",
                    node.id
                ),
                "add the answer a capable beginner would be tempted to give instead, or fold this line into the node before it",
                Some("one answer"),
            );
        }
    }

    fn check_roles(&mut self, team: &[MemberR]) {
        let s = self.s;
        for (i, r) in s.roles.iter().enumerate() {
            if !team.iter().any(|m| m.role == r.id) {
                let mut roles: Vec<&str> = team.iter().map(|m| m.role.as_str()).collect();
                roles.sort_unstable();
                roles.dedup();
                self.report(
                    Code::UnknownRole,
                    Path::root().field("roles").index(i).field("id"),
                    format!(
                        "`roles` names `{}`, but nobody in the team has that role",
                        r.id
                    ),
                    match suggest(&r.id, roles.iter().copied()) {
                        Some(close) => format!("did you mean `{close}`?"),
                        None => format!("the team's roles: {}", roles.join(", ")),
                    },
                    Some("no team member has this role"),
                );
            }
        }
    }

    /// Names and titles longer than the screen shows.
    fn check_lengths(&mut self) {
        use super::model::limits;
        let s = self.s;
        let root = Path::root();
        let mut long: Vec<(Path, &str, usize, &str)> = Vec::new();
        long.push((root.field("title"), &s.title, limits::TITLE, "the title"));
        for (i, c) in s.clients.iter().enumerate() {
            long.push((
                root.field("clients").index(i).field("name"),
                &c.name,
                limits::CLIENT,
                "a client's name",
            ));
        }
        for (i, m) in s.team.iter().enumerate() {
            long.push((
                root.field("team").index(i).field("name"),
                &m.name,
                limits::MEMBER,
                "a team member's name",
            ));
        }
        for (i, r) in s.roles.iter().enumerate() {
            long.push((
                root.field("roles").index(i).field("name"),
                &r.name,
                limits::ROLE,
                "a role's name",
            ));
        }
        for (i, t) in s.tasks.iter().enumerate() {
            long.push((
                root.field("tasks").index(i).field("title"),
                &t.title,
                limits::TASK,
                "a task's title",
            ));
        }
        for (d, dl) in s.dialogues.iter().enumerate() {
            let here = root.field("dialogues").index(d);
            if let Some(init) = &dl.initiative {
                long.push((
                    here.field("initiative").field("label"),
                    &init.label,
                    limits::INITIATIVE,
                    "an initiative's label",
                ));
            }
            for (n, node) in dl.nodes.iter().enumerate() {
                long.push((
                    here.field("nodes").index(n).field("speaker"),
                    &node.speaker,
                    limits::SPEAKER,
                    "a speaker",
                ));
            }
        }
        for (path, text, max, what) in long {
            let n = text.chars().count();
            if n > max {
                self.report(
                    Code::TextTooLong,
                    path,
                    format!("{what} is {n} characters long; the screen shows {max}"),
                    format!("shorten it to {max} characters or fewer (docs/authoring.md lists the limits); what is longer is cut on screen"),
                    Some("cut on screen"),
                );
            }
        }
    }

    fn check_language(&mut self) {
        let tag = &self.s.language;
        if !is_language_tag(tag) {
            let help = match tag.to_lowercase().as_str() {
                "русский" | "russian" | "рус" => {
                    "write `language: \"ru\"` for Russian".to_owned()
                }
                "english" | "английский" | "eng" => {
                    "write `language: \"en\"` for English".to_owned()
                }
                _ => "write a BCP 47 language tag: `en` for English, `ru` for Russian".to_owned(),
            };
            self.report(
                Code::UnknownLanguage,
                Path::root().field("language"),
                format!("`{tag}` is not a language tag"),
                help,
                Some("not a language tag"),
            );
        }
    }

    /// Unreachable nodes and nodes from which the dialogue can never end.
    /// Conditions on choices are assumed satisfiable; unknown targets (already
    /// errors) count as exits so one typo is reported once.
    fn check_flow(&mut self, d: usize, dialogue: &'a Dialogue, start: usize) {
        let ids = &self.nodes[d];
        let count = dialogue.nodes.len();
        // Each node's successors, and whether some way out of it ends the dialogue.
        let mut successors: Vec<Vec<usize>> = vec![Vec::new(); count];
        let mut exits = vec![false; count];
        let mut unknown_target = false;
        for (n, node) in dialogue.nodes.iter().enumerate() {
            let targets = node
                .choices
                .iter()
                .map(|c| c.next.as_deref())
                .chain(node.reply_within.map(|_| node.timeout_next.as_deref()));
            for target in targets {
                match target.map(|id| ids.get(id)) {
                    Some(Some(next)) => successors[n].push(next),
                    Some(None) => {
                        unknown_target = true;
                        exits[n] = true;
                    }
                    None => exits[n] = true,
                }
            }
            if node.choices.is_empty() && node.reply_within.is_none() {
                exits[n] = true; // reported as NodeWithoutAnswers
            }
        }

        let first_of_id: Vec<bool> = (0..count)
            .map(|n| ids.get(&dialogue.nodes[n].id) == Some(n))
            .collect();

        let mut reachable = vec![false; count];
        let mut stack = vec![start];
        while let Some(n) = stack.pop() {
            if n < count && !reachable[n] {
                reachable[n] = true;
                stack.extend(&successors[n]);
            }
        }

        let mut can_end = exits.clone();
        let mut changed = true;
        while changed {
            changed = false;
            for n in 0..count {
                if !can_end[n] && successors[n].iter().any(|&m| can_end[m]) {
                    can_end[n] = true;
                    changed = true;
                }
            }
        }

        let path = Path::root().field("dialogues").index(d);
        for (n, node) in dialogue.nodes.iter().enumerate() {
            // A duplicate id is reported already, and with an unknown target
            // we cannot tell which node the author meant to reach.
            if !reachable[n] && first_of_id[n] && !unknown_target {
                self.report(
                    Code::UnreachableNode,
                    path.field("nodes").index(n).field("id"),
                    format!(
                        "node `{}` of dialogue `{}` is never reached from its start `{}`",
                        node.id, dialogue.id, dialogue.start
                    ),
                    format!(
                        "point a choice's `next` (or a `timeout_next`) at `{}`, or remove the node",
                        node.id
                    ),
                    Some("unreachable"),
                );
            }
        }
        let trapped: Vec<usize> = (0..count)
            .filter(|&n| reachable[n] && !can_end[n])
            .collect();
        if let Some(&first) = trapped.first() {
            let names = trapped
                .iter()
                .map(|&n| format!("`{}`", dialogue.nodes[n].id))
                .collect::<Vec<_>>()
                .join(", ");
            self.report(
                Code::EndlessDialogue,
                path.field("nodes").index(first).field("id"),
                format!(
                    "dialogue `{}` can never end once it reaches node `{}`: every answer from {names} leads back among them",
                    dialogue.id, dialogue.nodes[first].id
                ),
                "give one of these nodes a choice without `next` (it ends the dialogue), or a `reply_within` without `timeout_next`",
                Some("no way out from here"),
            );
        }
    }

    fn flag(&mut self, name: &str) -> usize {
        if let Some(&i) = self.flag_index.get(name) {
            return i;
        }
        let i = self.flags.len();
        self.flags.push(name.to_owned());
        self.flag_index.insert(name.to_owned(), i);
        i
    }

    fn condition(&mut self, c: &Condition, path: Path) -> ConditionR {
        match c {
            Condition::Flag(name) => {
                let f = self.flag(name);
                if !self.flags_tested.iter().any(|(t, _)| *t == f) {
                    self.flags_tested.push((f, path.arg(0)));
                }
                ConditionR::Flag(f)
            }
            Condition::Not(inner) => ConditionR::Not(Box::new(self.condition(inner, path.arg(0)))),
            Condition::All(list) => ConditionR::All(self.conditions(list, &path.arg(0))),
            Condition::Any(list) => ConditionR::Any(self.conditions(list, &path.arg(0))),
            Condition::LoyaltyBelow(client, n) => {
                let c = self.lookup(IdKind::Client, client, path.arg(0));
                self.percent((*n).into(), path.arg(1), "the loyalty threshold");
                ConditionR::LoyaltyBelow(c, *n)
            }
            Condition::StressAbove(n) => {
                self.percent((*n).into(), path.arg(0), "the stress threshold");
                ConditionR::StressAbove(*n)
            }
            Condition::TaskDone(task) => {
                ConditionR::TaskDone(self.lookup(IdKind::Task, task, path.arg(0)))
            }
            Condition::TaskLate(task) => {
                ConditionR::TaskLate(self.lookup(IdKind::Task, task, path.arg(0)))
            }
        }
    }

    fn conditions(&mut self, list: &[Condition], path: &Path) -> Vec<ConditionR> {
        list.iter()
            .enumerate()
            .map(|(i, c)| self.condition(c, path.index(i)))
            .collect()
    }

    fn effects(&mut self, list: &[Effect], path: &Path, context: Context) -> Vec<EffectR> {
        list.iter()
            .enumerate()
            .map(|(i, e)| self.effect(e, path.index(i), context))
            .collect()
    }

    fn effect(&mut self, e: &Effect, path: Path, context: Context) -> EffectR {
        match e {
            Effect::Loyalty(n) => {
                let client = match context {
                    Context::Client(c) => c,
                    Context::UnknownClient => 0,
                    Context::Nobody(place) => {
                        let example = self.clients.order.first().copied().unwrap_or("client-id");
                        self.report(
                            Code::LoyaltyWithoutClient,
                            path,
                            format!("`Loyalty({n})` in {place} has no client to change"),
                            format!("name the client: `LoyaltyOf(\"{example}\", {n})`"),
                            Some("whose loyalty?"),
                        );
                        0
                    }
                };
                EffectR::Loyalty(client, *n)
            }
            Effect::LoyaltyOf(client, n) => {
                EffectR::Loyalty(self.lookup(IdKind::Client, client, path.arg(0)), *n)
            }
            Effect::Stress(n) => EffectR::Stress(*n),
            Effect::Set(name) => {
                let f = self.flag(name);
                if self.flags_set.insert(f) {
                    self.flags_set_at.push((f, path.arg(0)));
                }
                EffectR::Set(f)
            }
            Effect::Unset(name) => EffectR::Unset(self.flag(name)),
            Effect::AddTask(task) => {
                let t = self.lookup(IdKind::Task, task, path.arg(0));
                // A typo still counts for the task it was meant to add, so
                // one mistake is not also reported as a task never added.
                let meant = self.tasks.get(task).or_else(|| {
                    suggest(task, self.tasks.order.iter().copied()).and_then(|m| self.tasks.get(m))
                });
                self.tasks_added.extend(meant);
                EffectR::AddTask(t)
            }
            Effect::SetHours(member, hours) => {
                let m = self.lookup(IdKind::Member, member, path.arg(0));
                let minutes = self.hours(*hours, path.arg(1), "the hours in `SetHours`");
                EffectR::SetHours(m, minutes)
            }
            Effect::Notify(text) => EffectR::Notify(text.clone()),
            Effect::StartDialogue(dialogue) => {
                let d = self.lookup(IdKind::Dialogue, dialogue, path.arg(0));
                let meant = self.dialogues.get(dialogue).or_else(|| {
                    suggest(dialogue, self.dialogues.order.iter().copied())
                        .and_then(|m| self.dialogues.get(m))
                });
                self.dialogues_started.extend(meant);
                EffectR::StartDialogue(d)
            }
            Effect::OneOf(options) => EffectR::OneOf(
                options
                    .iter()
                    .enumerate()
                    .map(|(i, list)| self.effects(list, &path.arg(0).index(i), context))
                    .collect(),
            ),
        }
    }

    fn check_scoring(&mut self) {
        let s = self.s;
        let scoring = &s.scoring;
        let path = Path::root().field("scoring");
        for (name, mark) in [
            ("loyalty", scoring.pass.loyalty),
            ("stress", scoring.pass.stress),
            ("priorities", scoring.pass.priorities),
        ] {
            self.percent(
                mark.into(),
                path.field("pass").field(name),
                &format!("the `{name}` pass mark"),
            );
        }
        let w = scoring.weights;
        if w.loyalty == 0 && w.stress == 0 && w.priorities == 0 {
            self.report(
                Code::ZeroScoringWeights,
                path.field("weights"),
                "all three scoring weights are 0, so the overall score is undefined",
                "give at least one weight a value above 0, e.g. `weights: (loyalty: 40, stress: 30, priorities: 30)`",
                Some("all zero"),
            );
        }
    }

    fn check_never_used(&mut self) {
        let set_at = std::mem::take(&mut self.flags_set_at);
        for (flag, path) in set_at {
            if !self.flags_tested.iter().any(|(t, _)| *t == flag) {
                let name = self.flags[flag].clone();
                self.report(
                    Code::FlagNeverTested,
                    path,
                    format!("flag `{name}` is set but no condition ever tests it, so setting it changes nothing"),
                    format!("test it where it should matter (an event's `when: Flag(\"{name}\")`, a choice's `when`), or remove the `Set`"),
                    Some("never tested"),
                );
            }
        }
        let tested = std::mem::take(&mut self.flags_tested);
        for (flag, path) in tested {
            if !self.flags_set.contains(&flag) {
                let name = self.flags[flag].clone();
                let set: Vec<&str> = self
                    .flags_set
                    .iter()
                    .map(|&f| self.flags[f].as_str())
                    .collect();
                let help = match suggest(&name, set.iter().copied()) {
                    Some(close) => format!(
                        "did you mean `{close}`? otherwise add `Set(\"{name}\")` to an effect"
                    ),
                    None => {
                        format!("add `Set(\"{name}\")` to some effect, or test a flag that is set")
                    }
                };
                self.report(
                    Code::FlagNeverSet,
                    path,
                    format!(
                        "flag `{name}` is tested but nothing ever sets it, so the test never holds"
                    ),
                    help,
                    Some("never set"),
                );
            }
        }
        for (t, task) in self.s.tasks.iter().enumerate() {
            if !self.tasks_added.contains(&t) {
                self.report(
                    Code::TaskNeverAdded,
                    Path::root().field("tasks").index(t).field("id"),
                    format!(
                        "task `{}` is never added, so it never appears in the shift",
                        task.id
                    ),
                    format!(
                        "add it from an event or an effect with `AddTask(\"{}\")`, or remove it",
                        task.id
                    ),
                    Some("never added"),
                );
            }
        }
        for (d, dialogue) in self.s.dialogues.iter().enumerate() {
            if !self.dialogues_started.contains(&d) {
                self.report(
                    Code::DialogueNeverStarted,
                    Path::root().field("dialogues").index(d).field("id"),
                    format!("dialogue `{}` is never started", dialogue.id),
                    format!(
                        "start it from an event or an effect with `StartDialogue(\"{}\")`, or remove it",
                        dialogue.id
                    ),
                    Some("never started"),
                );
            }
        }
    }
}

/// A BCP 47 tag in its common form: a two- or three-letter language, then
/// optional subtags of letters and digits (`en`, `ru`, `en-GB`, `zh-Hant`).
fn is_language_tag(tag: &str) -> bool {
    let mut parts = tag.split('-');
    let primary = parts.next().unwrap_or("");
    (2..=3).contains(&primary.len())
        && primary.bytes().all(|b| b.is_ascii_lowercase())
        && parts.all(|p| (1..=8).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_alphanumeric()))
}

fn to_minutes(hours: f64) -> u32 {
    // `as` saturates, so absurdly large hours cannot wrap.
    (hours * 60.0).round() as u32
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times() {
        assert_eq!(parse_time("09:00"), Some(540));
        assert_eq!(parse_time("23:59"), Some(1439));
        assert_eq!(parse_time("00:00"), Some(0));
        for bad in [
            "24:00", "9:00", "09:60", "09-00", "0900", "09:0a", "", "09:00 ",
        ] {
            assert_eq!(parse_time(bad), None, "{bad}");
        }
        assert_eq!(format_time(15 * 60 + 5), "15:05");
    }

    #[test]
    fn suggestions() {
        assert_eq!(suggest("sergei", ["olga", "sergey"]), Some("sergey"));
        assert_eq!(suggest("grannel", ["granel", "hachette"]), Some("granel"));
        assert_eq!(suggest("xyz", ["granel", "hachette"]), None);
        assert_eq!(suggest("nmae", ["id", "name", "role"]), Some("name"));
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(edit_distance("nmae", "name"), 1);
        assert_eq!(edit_distance("", "abc"), 3);
    }
}
