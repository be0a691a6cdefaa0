//! The shift state machine.

use std::sync::Arc;

use rand_chacha::ChaCha8Rng;
use rand_chacha::rand_core::{RngCore, SeedableRng};

use super::action::{ActError, Action, ChoiceRef};
use super::outcome::*;
use super::rules::{self, POINT};
use crate::scenario::{ConditionR, EffectR, Minute, Resolved, Scenario, Tier};
use crate::scenario::{format_time as hhmm, parse_time as parse_hhmm};

/// The scenario handed to [`Shift::new`] did not pass validation.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("scenario `{id}` has {errors} error(s); run `kam-trainer check` on it")]
pub struct ShiftError {
    pub id: String,
    pub errors: usize,
}

/// Something the trainee should see: the game turns these into inbox lines,
/// sounds and animations.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Happening {
    Notified(String),
    TaskArrived(usize),
    TaskDone(usize),
    TaskLate(usize),
    DialogueOpened(usize),
    /// A reply timer ran out on this dialogue.
    TimedOut(usize),
    ClientLost(usize),
    ShiftEnded(EndReason),
}

/// A happening with when it happened: its minute, and how many decisions
/// the log held by then (what an answer sets off comes after the answer).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Logged {
    pub time: Minute,
    pub after_decisions: usize,
    pub happening: Happening,
}

/// Where a task stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TaskStatus {
    /// No event or effect has added it yet.
    NotArrived,
    Open,
    Done,
    Dropped,
    /// Its client left.
    Cancelled,
}

#[derive(Debug, Clone)]
struct TaskState {
    arrived_at: Option<Minute>,
    worker: Option<Worker>,
    progress: u32,
    done_at: Option<Minute>,
    deadline: Minute,
    moved: bool,
    /// Someone took over work another had started.
    split: bool,
    late: bool,
    dropped: bool,
    cancelled: bool,
}

impl TaskState {
    fn status(&self) -> TaskStatus {
        if self.cancelled {
            TaskStatus::Cancelled
        } else if self.done_at.is_some() {
            TaskStatus::Done
        } else if self.dropped {
            TaskStatus::Dropped
        } else if self.arrived_at.is_some() {
            TaskStatus::Open
        } else {
            TaskStatus::NotArrived
        }
    }

    fn is_open(&self) -> bool {
        self.status() == TaskStatus::Open
    }
}

#[derive(Debug, Clone)]
struct MemberState {
    minutes_left: u32,
    /// Task indices in the order assigned; closed ones are removed.
    queue: Vec<usize>,
}

#[derive(Debug, Clone)]
struct EventState {
    /// `at` moved by the seeded jitter; `None` for pure `when` events.
    due: Option<Minute>,
    fired: bool,
}

/// An open dialogue waiting for the trainee's answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Conversation {
    pub dialogue: usize,
    pub node: usize,
    /// When the current node was said.
    pub since: Minute,
    /// When its reply timer runs out, if it has one.
    pub timeout_at: Option<Minute>,
    next_wait_penalty: Option<Minute>,
}

/// One shift being played.
#[derive(Debug, Clone)]
pub struct Shift {
    sc: Arc<Resolved>,
    seed: u64,
    rng: ChaCha8Rng,
    now: Minute,
    end_reason: Option<EndReason>,
    stress: i64,
    loyalty: Vec<i32>,
    lost_at: Vec<Option<Minute>>,
    flags: Vec<bool>,
    tasks: Vec<TaskState>,
    members: Vec<MemberState>,
    trainee_minutes: u32,
    trainee_task: Option<usize>,
    break_until: Option<Minute>,
    events: Vec<EventState>,
    conversations: Vec<Conversation>,
    /// When each dialogue was first opened (by an event or by the trainee);
    /// once opened, its initiative is no longer offered.
    opened_at: Vec<Option<Minute>>,
    /// Stress thresholds that conditions test, in internal units.
    thresholds: Vec<i64>,
    danger_minutes: u32,
    decisions: Vec<Decision>,
    answers: Vec<AnswerRecord>,
    timeline: Vec<Sample>,
    hours_changes: Vec<HoursChange>,
    inbox: Vec<(Minute, String)>,
    happenings: Vec<Happening>,
    /// Every happening with its moment, for `play` and authors.
    history: Vec<Logged>,
}

impl Shift {
    /// Starts a shift of a scenario. Fails if the scenario has errors.
    pub fn new(scenario: &Scenario, seed: u64) -> Result<Shift, ShiftError> {
        let (resolved, problems) = crate::scenario::resolve(scenario);
        match resolved {
            Some(r) => Ok(Shift::from_resolved(Arc::new(r), seed)),
            None => Err(ShiftError {
                id: scenario.id.clone(),
                errors: problems
                    .iter()
                    .filter(|p| p.severity() == crate::scenario::Severity::Error)
                    .count(),
            }),
        }
    }

    /// Starts a shift of an already checked scenario; cheap, so a Monte
    /// Carlo shares one `Resolved` across runs.
    pub fn from_resolved(sc: Arc<Resolved>, seed: u64) -> Shift {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let events = sc
            .events
            .iter()
            .map(|e| EventState {
                due: e.at.map(|at| {
                    let j = e.jitter as i64;
                    let shift = if j > 0 {
                        roll(&mut rng, (2 * j + 1) as u64) as i64 - j
                    } else {
                        0
                    };
                    (at as i64 + shift).clamp(sc.start as i64, sc.end as i64) as Minute
                }),
                fired: false,
            })
            .collect();
        let mut thresholds = vec![i64::from(sc.trainee.burnout_at) * POINT];
        let mut collect = |c: &ConditionR| collect_thresholds(c, &mut thresholds);
        for e in &sc.events {
            if let Some(c) = &e.when {
                collect(c);
            }
        }
        for d in &sc.dialogues {
            for n in &d.nodes {
                for c in n.choices.iter().filter_map(|c| c.when.as_ref()) {
                    collect(c);
                }
            }
        }
        thresholds.push(i64::from(rules::DANGER_ZONE) * POINT);
        thresholds.sort_unstable();
        thresholds.dedup();
        let mut shift = Shift {
            seed,
            rng,
            now: sc.start,
            end_reason: None,
            stress: i64::from(sc.trainee.stress) * POINT,
            loyalty: sc.clients.iter().map(|c| c.loyalty).collect(),
            lost_at: vec![None; sc.clients.len()],
            flags: vec![false; sc.flags.len()],
            tasks: sc
                .tasks
                .iter()
                .map(|t| TaskState {
                    arrived_at: None,
                    worker: None,
                    progress: 0,
                    done_at: None,
                    deadline: t.deadline,
                    moved: false,
                    split: false,
                    late: false,
                    dropped: false,
                    cancelled: false,
                })
                .collect(),
            members: sc
                .team
                .iter()
                .map(|m| MemberState {
                    minutes_left: m.minutes,
                    queue: Vec::new(),
                })
                .collect(),
            trainee_minutes: sc.trainee.minutes,
            trainee_task: None,
            break_until: None,
            events,
            conversations: Vec::new(),
            opened_at: vec![None; sc.dialogues.len()],
            thresholds,
            danger_minutes: 0,
            decisions: Vec::new(),
            answers: Vec::new(),
            timeline: Vec::new(),
            hours_changes: Vec::new(),
            inbox: Vec::new(),
            happenings: Vec::new(),
            history: Vec::new(),
            sc,
        };
        shift.sample();
        shift.settle(true);
        shift
    }

    // ----- reading the state -------------------------------------------------

    pub fn scenario(&self) -> &Resolved {
        &self.sc
    }
    /// The shared scenario, for starting another shift of it.
    pub fn scenario_arc(&self) -> Arc<Resolved> {
        Arc::clone(&self.sc)
    }
    pub fn seed(&self) -> u64 {
        self.seed
    }
    pub fn now(&self) -> Minute {
        self.now
    }
    pub fn is_over(&self) -> bool {
        self.end_reason.is_some()
    }
    pub fn end_reason(&self) -> Option<EndReason> {
        self.end_reason
    }
    /// Stress in points, 0..=100.
    pub fn stress(&self) -> i32 {
        (self.stress / POINT) as i32
    }
    pub fn in_danger_zone(&self) -> bool {
        self.stress > i64::from(rules::DANGER_ZONE) * POINT
    }
    pub fn loyalty(&self, client: usize) -> i32 {
        self.loyalty[client]
    }
    pub fn is_lost(&self, client: usize) -> bool {
        self.lost_at[client].is_some()
    }
    pub fn flag(&self, flag: usize) -> bool {
        self.flags[flag]
    }
    pub fn task_status(&self, task: usize) -> TaskStatus {
        self.tasks[task].status()
    }
    pub fn task_worker(&self, task: usize) -> Option<Worker> {
        self.tasks[task].worker
    }
    /// Minutes of work done on a task so far.
    pub fn task_progress(&self, task: usize) -> u32 {
        self.tasks[task].progress
    }
    pub fn task_deadline(&self, task: usize) -> Minute {
        self.tasks[task].deadline
    }
    pub fn task_is_late(&self, task: usize) -> bool {
        self.tasks[task].late
    }
    pub fn task_arrived_at(&self, task: usize) -> Option<Minute> {
        self.tasks[task].arrived_at
    }
    pub fn task_done_at(&self, task: usize) -> Option<Minute> {
        self.tasks[task].done_at
    }
    /// When the dialogue was first opened this shift, if it was.
    pub fn dialogue_opened_at(&self, dialogue: usize) -> Option<Minute> {
        self.opened_at[dialogue]
    }
    pub fn member_minutes_left(&self, member: usize) -> u32 {
        self.members[member].minutes_left
    }
    /// The member's open tasks in the order they will work on them.
    pub fn member_queue(&self, member: usize) -> &[usize] {
        &self.members[member].queue
    }
    pub fn trainee_minutes_left(&self) -> u32 {
        self.trainee_minutes
    }
    pub fn trainee_task(&self) -> Option<usize> {
        self.trainee_task
    }
    /// Until when the trainee cannot answer (own work or a break).
    pub fn busy_until(&self) -> Option<Minute> {
        if let Some(until) = self.break_until {
            return Some(until);
        }
        let t = self.trainee_task?;
        let left = self.sc.tasks[t].effort - self.tasks[t].progress;
        Some(self.now + left.min(self.trainee_minutes))
    }
    pub fn conversations(&self) -> &[Conversation] {
        &self.conversations
    }
    pub fn inbox(&self) -> &[(Minute, String)] {
        &self.inbox
    }
    pub fn decisions(&self) -> &[Decision] {
        &self.decisions
    }
    pub fn timeline(&self) -> &[Sample] {
        &self.timeline
    }
    /// What happened since the last call (or since the start).
    pub fn take_happenings(&mut self) -> Vec<Happening> {
        std::mem::take(&mut self.happenings)
    }
    /// Everything that happened so far, in order.
    pub fn history(&self) -> &[Logged] {
        &self.history
    }

    fn happen(&mut self, h: Happening) {
        self.history.push(Logged {
            time: self.now,
            after_decisions: self.decisions.len(),
            happening: h.clone(),
        });
        self.happenings.push(h);
    }

    /// The choices of a conversation's node the trainee can pick now, as
    /// 0-based indices in authored order. In the danger zone one
    /// constructive choice is hidden, never the last one left.
    pub fn offered_choices(&self, conversation: &Conversation) -> Vec<usize> {
        let node = &self.sc.dialogues[conversation.dialogue].nodes[conversation.node];
        let mut offered: Vec<usize> = (0..node.choices.len())
            .filter(|&i| node.choices[i].when.as_ref().is_none_or(|c| self.holds(c)))
            .collect();
        if self.in_danger_zone()
            && offered.len() > 1
            && let Some(pos) = offered
                .iter()
                .position(|&i| node.choices[i].tone.is_constructive())
        {
            offered.remove(pos);
        }
        offered
    }

    /// The offered choices of a conversation in the order the game shows
    /// them: shuffled by the run's seed, so an answer's place on screen
    /// says nothing about it. The same seed, dialogue and node give the same
    /// order; scripts and run records keep the file's numbering.
    pub fn shown_choices(&self, conversation: &Conversation) -> Vec<usize> {
        let d = &self.sc.dialogues[conversation.dialogue];
        let node = &d.nodes[conversation.node];
        let mut shown = self.offered_choices(conversation);
        shuffle(&mut shown, self.seed, &d.id, &node.id);
        shown
    }

    /// The dialogues the trainee can open now, in scenario order: their
    /// initiative's condition holds, they have never been opened, the
    /// client is still with us.
    pub fn offered_initiatives(&self) -> Vec<usize> {
        (0..self.sc.dialogues.len())
            .filter(|&d| {
                self.sc.dialogues[d].initiative.is_some() && self.initiative_refusal(d).is_none()
            })
            .collect()
    }

    /// Why dialogue `d`, which has an initiative, cannot be opened by the
    /// trainee now, or `None`.
    fn initiative_refusal(&self, d: usize) -> Option<&'static str> {
        let dialogue = &self.sc.dialogues[d];
        let initiative = dialogue.initiative.as_ref()?;
        if self.opened_at[d].is_some() {
            Some("it has already taken place today")
        } else if dialogue.client.is_some_and(|c| self.lost_at[c].is_some()) {
            Some("the client has left")
        } else if initiative.when.as_ref().is_some_and(|c| !self.holds(c)) {
            Some("its moment has not come, or has passed")
        } else {
            None
        }
    }

    /// When each task is expected to finish if nothing changes: the queue of
    /// each worker played forward against their hours left. `None` for
    /// tasks nobody is on or that will not be finished today.
    pub fn projected_finish(&self) -> Vec<Option<Minute>> {
        let mut out = vec![None; self.tasks.len()];
        for m in &self.members {
            self.project_queue(m.queue.iter().copied(), m.minutes_left, &mut out);
        }
        if let Some(t) = self.trainee_task {
            let start = self.break_until.unwrap_or(self.now);
            let mut one = vec![None; self.tasks.len()];
            self.project_from(start, std::iter::once(t), self.trainee_minutes, &mut one);
            out[t] = one[t];
        }
        out
    }

    /// When `member` would finish `task` if it were put at the end of their
    /// queue now; `None` if not today.
    pub fn finish_if_assigned(&self, task: usize, member: usize) -> Option<Minute> {
        let m = &self.members[member];
        let mut out = vec![None; self.tasks.len()];
        let queue = m.queue.iter().copied().filter(|&q| q != task);
        self.project_queue(queue.chain(std::iter::once(task)), m.minutes_left, &mut out);
        out[task]
    }

    /// When `member` would finish `task` if `planned` (tasks not yet
    /// assigned, in order) and then `task` were put at the end of their
    /// queue now; `None` if not today. A player planning several
    /// assignments at one moment counts the earlier ones this way.
    pub fn finish_if_queued(
        &self,
        task: usize,
        member: usize,
        planned: &[usize],
    ) -> Option<Minute> {
        let m = &self.members[member];
        let mut out = vec![None; self.tasks.len()];
        let queue = m
            .queue
            .iter()
            .copied()
            .filter(|&q| q != task && !planned.contains(&q))
            .chain(planned.iter().copied())
            .chain(std::iter::once(task));
        self.project_queue(queue, m.minutes_left, &mut out);
        out[task]
    }

    /// When the trainee would finish `task` starting now; `None` if their
    /// hours do not cover it or the shift ends first.
    pub fn finish_if_myself(&self, task: usize) -> Option<Minute> {
        self.finish_if_myself_from(task, self.now)
    }

    /// When the trainee would finish `task` starting at `start` (once free
    /// of what they are doing); `None` if their hours do not cover it or
    /// the shift ends first.
    pub fn finish_if_myself_from(&self, task: usize, start: Minute) -> Option<Minute> {
        let mut out = vec![None; self.tasks.len()];
        let minutes = match self.trainee_task {
            Some(t) if t != task => self
                .trainee_minutes
                .saturating_sub(self.sc.tasks[t].effort - self.tasks[t].progress),
            _ => self.trainee_minutes,
        };
        self.project_from(
            start.max(self.now),
            std::iter::once(task),
            minutes,
            &mut out,
        );
        out[task]
    }

    fn project_queue(
        &self,
        queue: impl Iterator<Item = usize>,
        minutes: u32,
        out: &mut [Option<Minute>],
    ) {
        self.project_from(self.now, queue, minutes, out)
    }

    fn project_from(
        &self,
        mut t: Minute,
        queue: impl Iterator<Item = usize>,
        mut minutes: u32,
        out: &mut [Option<Minute>],
    ) {
        for task in queue {
            let left = self.sc.tasks[task].effort - self.tasks[task].progress;
            if left > minutes || t + left > self.sc.end {
                return;
            }
            t += left;
            minutes -= left;
            out[task] = Some(t);
        }
    }

    // ----- moving the clock --------------------------------------------------

    /// Plays the shift forward to `time` (at most the shift's end) and
    /// returns what happened on the way.
    pub fn advance_to(&mut self, time: Minute) -> Vec<Happening> {
        let target = time.min(self.sc.end);
        while self.end_reason.is_none() && self.now < target {
            let rate = self.stress_rate();
            let natural = self.next_change_at(rate);
            let next = natural.min(target);
            self.run_until(next, rate);
            // Only the shift's own change points go into the timeline, so
            // it does not depend on how often the caller advances the clock.
            self.settle(next == natural);
        }
        self.take_happenings()
    }

    /// Plays the shift to its end, with no more actions.
    pub fn finish(&mut self) -> Vec<Happening> {
        self.advance_to(self.sc.end)
    }

    /// The next minute at which something changes on its own: a task
    /// finishes, a timer runs out, an event is due, stress crosses a line.
    pub fn next_change(&self) -> Minute {
        self.next_change_at(self.stress_rate())
    }

    fn next_change_at(&self, rate: i64) -> Minute {
        let mut next = self.sc.end;
        let mut consider = |t: Minute| {
            if t > self.now && t < next {
                next = t;
            }
        };
        for m in &self.members {
            if let Some(&t) = m.queue.first()
                && m.minutes_left > 0
            {
                let left = self.sc.tasks[t].effort - self.tasks[t].progress;
                consider(self.now + left.min(m.minutes_left));
            }
        }
        if let Some(until) = self.break_until {
            consider(until);
        } else if let Some(t) = self.trainee_task {
            let left = self.sc.tasks[t].effort - self.tasks[t].progress;
            consider(self.now + left.min(self.trainee_minutes));
        }
        for e in &self.events {
            if let (false, Some(due)) = (e.fired, e.due) {
                consider(due);
            }
        }
        for c in &self.conversations {
            if let Some(t) = c.timeout_at {
                consider(t);
            }
            if let Some(t) = c.next_wait_penalty {
                consider(t);
            }
        }
        for t in &self.tasks {
            if t.arrived_at.is_some() && t.done_at.is_none() && !t.late && !t.cancelled {
                consider(t.deadline);
            }
        }
        if rate != 0 {
            for &th in &self.thresholds {
                // Conditions test "above", burnout tests "at or above".
                let dt = if rate > 0 && self.stress <= th {
                    (th - self.stress) / rate + 1
                } else if rate < 0 && self.stress > th {
                    (self.stress - th + (-rate) - 1) / (-rate)
                } else {
                    continue;
                };
                consider(self.now.saturating_add(dt.min(u32::MAX as i64) as u32));
            }
        }
        next
    }

    /// Stress change per minute given what is open right now.
    fn stress_rate(&self) -> i64 {
        if self.break_until.is_some() {
            return rules::BREAK;
        }
        // Counted without allocating: this runs at every step of the clock.
        let mut items = self.conversations.len() as i64;
        items += self
            .tasks
            .iter()
            .filter(|t| t.is_open() && !t.late && t.worker.is_none())
            .count() as i64;
        for m in &self.members {
            items += self.at_risk_in_queue(m.queue.iter().copied(), m.minutes_left);
        }
        if let Some(t) = self.trainee_task {
            items += self.at_risk_in_queue(std::iter::once(t), self.trainee_minutes);
        }
        let timed = self
            .conversations
            .iter()
            .filter(|c| c.timeout_at.is_some())
            .count() as i64;
        let overload = (items - rules::ITEMS_HELD).max(0) * rules::OVERLOAD_PER_ITEM;
        if items == 0 {
            rules::EASE
        } else {
            overload + timed * rules::TIMED_REPLY
        }
    }

    /// How many tasks of a worker's queue (played forward from now against
    /// `minutes` left) will miss their deadline; the same projection as
    /// [`Shift::projected_finish`].
    fn at_risk_in_queue(&self, queue: impl Iterator<Item = usize>, mut minutes: u32) -> i64 {
        let (mut t, mut stuck, mut n) = (self.now, false, 0);
        for task in queue {
            let s = &self.tasks[task];
            let left = self.sc.tasks[task].effort - s.progress;
            stuck |= left > minutes || t + left > self.sc.end;
            let at_risk = stuck || {
                t += left;
                minutes -= left;
                t > s.deadline
            };
            n += i64::from(s.is_open() && !s.late && at_risk);
        }
        n
    }

    /// Work and stress run on from `now` to `to`; nothing else changes in
    /// between, because `to` is at most the next change.
    fn run_until(&mut self, to: Minute, rate: i64) {
        let dt = to - self.now;
        self.danger_minutes +=
            minutes_above(self.stress, rate, dt, i64::from(rules::DANGER_ZONE) * POINT);
        self.stress = (self.stress + rate * i64::from(dt)).clamp(0, 100 * POINT);
        for m in &mut self.members {
            if let Some(&t) = m.queue.first() {
                let work = dt.min(m.minutes_left);
                self.tasks[t].progress += work;
                m.minutes_left -= work;
            }
        }
        if self.break_until.is_none()
            && let Some(t) = self.trainee_task
        {
            let work = dt.min(self.trainee_minutes);
            self.tasks[t].progress += work;
            self.trainee_minutes -= work;
        }
        self.now = to;
    }

    /// Applies everything that is due at `now`, in a fixed order, then the
    /// conditional events until none fires.
    fn settle(&mut self, record: bool) {
        let now = self.now;
        // Work that finished.
        for m in 0..self.members.len() {
            if let Some(&t) = self.members[m].queue.first()
                && self.tasks[t].progress >= self.sc.tasks[t].effort
            {
                self.complete(t);
            }
        }
        if self.break_until.is_some_and(|u| u <= now) {
            self.break_until = None;
        }
        if let Some(t) = self.trainee_task {
            if self.tasks[t].progress >= self.sc.tasks[t].effort {
                self.complete(t);
            } else if self.trainee_minutes == 0 {
                self.trainee_task = None;
                self.tasks[t].worker = None;
                self.notify(format!(
                    "You ran out of time for “{}”.",
                    self.sc.tasks[t].title
                ));
            }
        }
        // Reply timers and clients left waiting.
        let mut i = 0;
        while i < self.conversations.len() {
            let c = self.conversations[i].clone();
            if c.timeout_at.is_some_and(|t| t <= now) {
                self.time_out(i);
                continue;
            }
            if c.next_wait_penalty.is_some_and(|t| t <= now) {
                self.conversations[i].next_wait_penalty = Some(now + rules::WAIT_STEP);
                if let Some(client) = self.sc.dialogues[c.dialogue].client {
                    let cost = rules::wait_cost(self.sc.clients[client].tier);
                    self.change_loyalty(client, -cost);
                }
            }
            i += 1;
        }
        // Deadlines.
        for t in 0..self.tasks.len() {
            let s = &self.tasks[t];
            if s.arrived_at.is_some()
                && s.done_at.is_none()
                && !s.late
                && !s.cancelled
                && s.deadline <= now
            {
                self.make_late(t);
            }
        }
        self.fire_events();
        if self.end_reason.is_none() && self.stress >= i64::from(self.sc.trainee.burnout_at) * POINT
        {
            self.end(EndReason::Burnout);
        }
        if self.end_reason.is_none() && now >= self.sc.end {
            self.end(EndReason::ShiftOver);
        }
        if record || self.end_reason.is_some() {
            self.sample();
        }
    }

    fn fire_events(&mut self) {
        loop {
            let mut fired = false;
            for e in 0..self.events.len() {
                if self.end_reason.is_some() {
                    return;
                }
                let state = &self.events[e];
                if state.fired || state.due.is_some_and(|d| d > self.now) {
                    continue;
                }
                let sc = Arc::clone(&self.sc);
                if sc.events[e].when.as_ref().is_none_or(|c| self.holds(c)) {
                    self.events[e].fired = true;
                    self.apply(&sc.events[e].then);
                    fired = true;
                }
            }
            if !fired {
                return;
            }
        }
    }

    fn end(&mut self, reason: EndReason) {
        self.end_reason = Some(reason);
        if reason == EndReason::Burnout {
            self.notify("You burned out: the shift is over for you.".to_owned());
        }
        self.happen(Happening::ShiftEnded(reason));
    }

    fn sample(&mut self) {
        let stress = self.stress();
        let changed = self
            .timeline
            .last()
            .is_none_or(|s| s.stress != stress || s.loyalty != self.loyalty);
        if changed {
            self.timeline.push(Sample {
                time: self.now,
                stress,
                loyalty: self.loyalty.clone(),
            });
        }
    }

    // ----- rules -------------------------------------------------------------

    fn holds(&self, c: &ConditionR) -> bool {
        match c {
            ConditionR::Flag(f) => self.flags[*f],
            ConditionR::Not(c) => !self.holds(c),
            ConditionR::All(cs) => cs.iter().all(|c| self.holds(c)),
            ConditionR::Any(cs) => cs.iter().any(|c| self.holds(c)),
            ConditionR::LoyaltyBelow(client, v) => self.loyalty[*client] < *v,
            ConditionR::StressAbove(v) => self.stress > i64::from(*v) * POINT,
            ConditionR::TaskDone(t) => self.tasks[*t].done_at.is_some(),
            ConditionR::TaskLate(t) => self.tasks[*t].late,
        }
    }

    fn apply(&mut self, effects: &[EffectR]) {
        for e in effects {
            self.apply_one(e);
        }
    }

    fn apply_one(&mut self, effect: &EffectR) {
        match effect {
            EffectR::Loyalty(client, n) => self.change_loyalty(*client, *n),
            EffectR::Stress(n) => {
                self.stress = (self.stress + i64::from(*n) * POINT).clamp(0, 100 * POINT);
            }
            EffectR::Set(f) => self.flags[*f] = true,
            EffectR::Unset(f) => self.flags[*f] = false,
            EffectR::AddTask(t) => self.arrive(*t),
            EffectR::SetHours(m, minutes) => {
                self.members[*m].minutes_left = *minutes;
                self.hours_changes.push(HoursChange {
                    member: *m,
                    time: self.now,
                    minutes: *minutes,
                });
            }
            EffectR::Notify(text) => self.notify(text.clone()),
            EffectR::StartDialogue(d) => self.open_dialogue(*d),
            EffectR::OneOf(lists) => {
                if !lists.is_empty() {
                    let pick = roll(&mut self.rng, lists.len() as u64) as usize;
                    self.apply(&lists[pick]);
                }
            }
        }
    }

    fn notify(&mut self, text: String) {
        self.inbox.push((self.now, text.clone()));
        self.happen(Happening::Notified(text));
    }

    fn change_loyalty(&mut self, client: usize, delta: i32) {
        if self.lost_at[client].is_some() || delta == 0 {
            return;
        }
        self.loyalty[client] = (self.loyalty[client] + delta).clamp(0, 100);
        if self.loyalty[client] < self.sc.clients[client].churn_below {
            self.lose_client(client);
        }
    }

    fn lose_client(&mut self, client: usize) {
        self.lost_at[client] = Some(self.now);
        let name = self.sc.clients[client].name.clone();
        self.notify(format!("{name} has had enough and moves to a competitor."));
        self.happen(Happening::ClientLost(client));
        for t in 0..self.tasks.len() {
            if self.sc.tasks[t].client == Some(client) && self.tasks[t].done_at.is_none() {
                self.unassign(t);
                self.tasks[t].cancelled = true;
            }
        }
        let sc = Arc::clone(&self.sc);
        self.conversations
            .retain(|c| sc.dialogues[c.dialogue].client != Some(client));
    }

    fn arrive(&mut self, t: usize) {
        let client = self.sc.tasks[t].client;
        if self.tasks[t].arrived_at.is_some() || client.is_some_and(|c| self.lost_at[c].is_some()) {
            return;
        }
        self.tasks[t].arrived_at = Some(self.now);
        self.happen(Happening::TaskArrived(t));
        // Work that arrives at or after its deadline is late on arrival.
        if self.tasks[t].deadline <= self.now {
            self.make_late(t);
        }
    }

    fn complete(&mut self, t: usize) {
        let sc = Arc::clone(&self.sc);
        let task = &sc.tasks[t];
        let worker = self.tasks[t].worker;
        self.unassign(t);
        self.tasks[t].worker = worker;
        self.tasks[t].done_at = Some(self.now);
        self.happen(Happening::TaskDone(t));
        if !self.tasks[t].late
            && let Some(c) = task.client
        {
            let bonus = rules::on_time_bonus(task.priority, sc.clients[c].tier);
            self.change_loyalty(c, bonus);
        }
        self.apply(&task.on_done);
    }

    fn make_late(&mut self, t: usize) {
        let sc = Arc::clone(&self.sc);
        let task = &sc.tasks[t];
        self.tasks[t].late = true;
        self.happen(Happening::TaskLate(t));
        if let Some(c) = task.client {
            self.change_loyalty(c, -rules::late_cost(task.priority, sc.clients[c].tier));
        }
        self.apply(&task.on_late);
    }

    /// Gives a task to `to`, taking it off whoever had it; work done so far
    /// is kept.
    fn hand_over(&mut self, t: usize, to: Worker) {
        self.unassign(t);
        self.tasks[t].split |= self.tasks[t].progress > 0;
        self.tasks[t].worker = Some(to);
    }

    /// Takes a task off whoever is on it.
    fn unassign(&mut self, t: usize) {
        match self.tasks[t].worker.take() {
            Some(Worker::Member(m)) => self.members[m].queue.retain(|&q| q != t),
            Some(Worker::Trainee) if self.trainee_task == Some(t) => self.trainee_task = None,
            Some(Worker::Trainee) | None => {}
        }
    }

    fn open_dialogue(&mut self, d: usize) {
        let dialogue = &self.sc.dialogues[d];
        let open = self.conversations.iter().any(|c| c.dialogue == d);
        if open || dialogue.client.is_some_and(|c| self.lost_at[c].is_some()) {
            return;
        }
        let c = self.conversation_at(d, dialogue.start);
        self.conversations.push(c);
        self.opened_at[d].get_or_insert(self.now);
        self.happen(Happening::DialogueOpened(d));
    }

    fn conversation_at(&self, dialogue: usize, node: usize) -> Conversation {
        let d = &self.sc.dialogues[dialogue];
        let n = &d.nodes[node];
        Conversation {
            dialogue,
            node,
            since: self.now,
            timeout_at: n.reply_within.map(|r| self.now + r),
            next_wait_penalty: match (n.reply_within, d.client) {
                (None, Some(_)) => Some(self.now + rules::WAIT_STEP),
                _ => None,
            },
        }
    }

    /// Moves conversation `i` on to `next`, or closes it.
    fn go_to(&mut self, i: usize, next: Option<usize>) {
        match next {
            Some(n) => {
                let d = self.conversations[i].dialogue;
                self.conversations[i] = self.conversation_at(d, n);
            }
            None => {
                self.conversations.remove(i);
            }
        }
    }

    fn time_out(&mut self, i: usize) {
        let sc = Arc::clone(&self.sc);
        let c = self.conversations[i].clone();
        let dialogue = &sc.dialogues[c.dialogue];
        let node = &dialogue.nodes[c.node];
        let minutes = node.reply_within.unwrap_or(0);
        self.record_answer(&c, None);
        self.decisions.push(Decision {
            time: self.now,
            kind: DecisionKind::Timeout {
                dialogue: dialogue.id.clone(),
                node: node.id.clone(),
            },
            critical: None,
            text: format!("No answer to {} within {minutes} min", node.speaker),
            feedback: format!(
                "{} waited {minutes} minutes for an answer and decided without you. A short holding reply is better than silence.",
                node.speaker
            ),
            tone: None,
        });
        self.happen(Happening::TimedOut(c.dialogue));
        self.go_to(i, node.timeout_next);
        self.apply(&node.on_timeout);
    }

    fn record_answer(&mut self, c: &Conversation, tone: Option<crate::scenario::Tone>) {
        let dialogue = &self.sc.dialogues[c.dialogue];
        self.answers.push(AnswerRecord {
            time: self.now,
            tone,
            stress: self.stress(),
            timed: c.timeout_at.is_some(),
            waited: self.now - c.since,
            key_client: dialogue
                .client
                .is_some_and(|cl| self.sc.clients[cl].tier == Tier::Key),
        });
    }

    // ----- the trainee's actions ---------------------------------------------

    /// Applies one of the trainee's actions at the current time. A refused
    /// action leaves the shift unchanged.
    pub fn act(&mut self, action: Action) -> Result<(), ActError> {
        if self.end_reason.is_some() {
            return Err(ActError::ShiftOver);
        }
        let mut action = action;
        let Done {
            text,
            feedback,
            tone,
            critical,
        } = match &action {
            Action::Answer { dialogue, choice } => {
                let (done, canonical) = self.answer(dialogue, choice)?;
                // The log names the answer by its id where it has one, so
                // a replay on a version with reordered answers plays it.
                action = Action::Answer {
                    dialogue: dialogue.clone(),
                    choice: canonical,
                };
                done
            }
            Action::Open { dialogue } => self.open_initiative(dialogue)?,
            Action::Assign { task, to } => self.assign(task, to)?,
            Action::DoMyself { task } => self.do_myself(task)?,
            Action::MoveDeadline { task, to } => self.move_deadline(task, to)?,
            Action::Drop { task } => self.drop_task(task)?,
            Action::TakeBreak { minutes } => self.take_break(*minutes)?,
        };
        self.decisions.push(Decision {
            time: self.now,
            kind: DecisionKind::Action(action),
            text,
            feedback,
            tone,
            critical,
        });
        // What the action set off (flags, new dialogues) happens now.
        self.fire_events();
        if self.end_reason.is_none() && self.stress >= i64::from(self.sc.trainee.burnout_at) * POINT
        {
            self.end(EndReason::Burnout);
        }
        self.sample();
        Ok(())
    }

    fn ensure_free(&self) -> Result<(), ActError> {
        match self.busy_until() {
            Some(until) => Err(ActError::Busy(hhmm(until))),
            None => Ok(()),
        }
    }

    fn find_task(&self, id: &str) -> Result<usize, ActError> {
        let t = self
            .sc
            .tasks
            .iter()
            .position(|t| t.id == id)
            .ok_or_else(|| ActError::UnknownTask(id.to_owned()))?;
        match self.tasks[t].status() {
            TaskStatus::NotArrived => Err(ActError::TaskNotArrived(id.to_owned())),
            TaskStatus::Open => Ok(t),
            _ => Err(ActError::TaskClosed(id.to_owned())),
        }
    }

    /// Answers an open conversation; also returns how the log names the
    /// answer (its id, or its number when it has none).
    fn answer(
        &mut self,
        dialogue: &str,
        choice: &ChoiceRef,
    ) -> Result<(Done, ChoiceRef), ActError> {
        let sc = Arc::clone(&self.sc);
        let d = sc
            .dialogues
            .iter()
            .position(|d| d.id == dialogue)
            .ok_or_else(|| ActError::UnknownDialogue(dialogue.to_owned()))?;
        let i = self
            .conversations
            .iter()
            .position(|c| c.dialogue == d)
            .ok_or_else(|| ActError::DialogueNotOpen(dialogue.to_owned()))?;
        self.ensure_free()?;
        let c = self.conversations[i].clone();
        let node = &sc.dialogues[d].nodes[c.node];
        let picked = match choice {
            ChoiceRef::Number(n) => n
                .checked_sub(1)
                .filter(|&ix| ix < node.choices.len())
                .ok_or_else(|| ActError::NoSuchChoice {
                    dialogue: dialogue.to_owned(),
                    node: node.id.clone(),
                    choice: *n,
                    count: node.choices.len(),
                })?,
            ChoiceRef::Id(id) => node
                .choices
                .iter()
                .position(|ch| ch.id.as_deref() == Some(id))
                .ok_or_else(|| ActError::UnknownChoiceId {
                    dialogue: dialogue.to_owned(),
                    node: node.id.clone(),
                    id: id.clone(),
                    known: known_choices(node),
                })?,
        };
        if !self.offered_choices(&c).contains(&picked) {
            let why = if node.choices[picked]
                .when
                .as_ref()
                .is_some_and(|w| !self.holds(w))
            {
                "its condition (`when`) does not hold"
            } else {
                "stress is in the danger zone and panic hides it"
            };
            return Err(ActError::ChoiceNotOffered {
                dialogue: dialogue.to_owned(),
                node: node.id.clone(),
                choice: choice.clone(),
                why,
            });
        }
        let ch = &node.choices[picked];
        self.record_answer(&c, Some(ch.tone));
        self.go_to(i, ch.next);
        self.apply(&ch.effects);
        let canonical = match &ch.id {
            Some(id) => ChoiceRef::Id(id.clone()),
            None => ChoiceRef::Number(picked + 1),
        };
        Ok((
            Done {
                text: format!("Answered {}: “{}”", node.speaker, ch.say),
                feedback: ch.feedback.clone(),
                tone: Some(ch.tone),
                critical: ch.critical.clone(),
            },
            canonical,
        ))
    }

    /// Opens a conversation the scenario offers the trainee.
    fn open_initiative(&mut self, dialogue: &str) -> Result<Done, ActError> {
        let sc = Arc::clone(&self.sc);
        let d = sc
            .dialogues
            .iter()
            .position(|d| d.id == dialogue)
            .ok_or_else(|| ActError::UnknownDialogue(dialogue.to_owned()))?;
        let Some(initiative) = &sc.dialogues[d].initiative else {
            return Err(ActError::NoInitiative(dialogue.to_owned()));
        };
        if let Some(why) = self.initiative_refusal(d) {
            return Err(ActError::NotOffered {
                dialogue: dialogue.to_owned(),
                why,
            });
        }
        self.ensure_free()?;
        self.open_dialogue(d);
        Ok(Done::plain(
            initiative.label.clone(),
            "You opened this conversation yourself: what you say next decides whether the initiative was worth it.".to_owned(),
        ))
    }

    fn assign(&mut self, task: &str, to: &str) -> Result<Done, ActError> {
        let t = self.find_task(task)?;
        let sc = Arc::clone(&self.sc);
        let m = sc
            .team
            .iter()
            .position(|m| m.id == to)
            .ok_or_else(|| ActError::UnknownMember(to.to_owned()))?;
        let (member, spec) = (&sc.team[m], &sc.tasks[t]);
        if !spec.eligible.contains(&m) {
            return Err(ActError::WrongRole {
                member: member.name.clone(),
                task: spec.id.clone(),
                has: member.role.clone(),
                needs: spec.role.clone(),
            });
        }
        let finish = self.finish_if_assigned(t, m);
        self.hand_over(t, Worker::Member(m));
        self.members[m].queue.push(t);
        let deadline = self.tasks[t].deadline;
        let feedback = match finish {
            Some(f) if f <= deadline => format!(
                "{} can finish it by {}, before the {} deadline.",
                member.name,
                hhmm(f),
                hhmm(deadline)
            ),
            Some(f) => format!(
                "{} will only finish it at {}, after the {} deadline: someone else, an earlier deadline move, or a smaller scope would have been safer.",
                member.name,
                hhmm(f),
                hhmm(deadline)
            ),
            None => format!(
                "{} does not have the hours left today to finish this behind their other work ({} min left).",
                member.name, self.members[m].minutes_left
            ),
        };
        Ok(Done::plain(
            format!("Gave “{}” to {}", spec.title, member.name),
            feedback,
        ))
    }

    fn do_myself(&mut self, task: &str) -> Result<Done, ActError> {
        let t = self.find_task(task)?;
        self.ensure_free()?;
        if self.trainee_minutes == 0 {
            return Err(ActError::NoHoursLeft);
        }
        let finish = self.finish_if_myself(t);
        self.hand_over(t, Worker::Trainee);
        self.trainee_task = Some(t);
        let spec = &self.sc.tasks[t];
        let left = spec.effort - self.tasks[t].progress;
        let feedback = match finish {
            Some(f) if f <= self.tasks[t].deadline => format!(
                "You will be heads-down for {left} min, done by {}. Doing simple work yourself saves a colleague's hours, but every call waits until you are back.",
                hhmm(f)
            ),
            _ => format!(
                "This takes {left} min of your time and you cannot finish it by its {} deadline; calls wait meanwhile.",
                hhmm(self.tasks[t].deadline)
            ),
        };
        Ok(Done::plain(
            format!("Took on “{}” yourself", spec.title),
            feedback,
        ))
    }

    fn move_deadline(&mut self, task: &str, to: &str) -> Result<Done, ActError> {
        let t = self.find_task(task)?;
        let new = parse_hhmm(to).ok_or_else(|| ActError::BadTime(to.to_owned()))?;
        let current = self.tasks[t].deadline;
        if self.tasks[t].late {
            return Err(ActError::AlreadyLate(task.to_owned()));
        }
        if new <= current {
            return Err(ActError::DeadlineNotLater {
                to: to.to_owned(),
                current: hhmm(current),
            });
        }
        let sc = Arc::clone(&self.sc);
        let spec = &sc.tasks[t];
        let ahead = current.saturating_sub(self.now);
        self.tasks[t].deadline = new;
        self.tasks[t].moved = true;
        let feedback = match spec.client {
            Some(c) => {
                let cost = rules::move_cost(spec.priority, sc.clients[c].tier, ahead);
                self.change_loyalty(c, -cost);
                format!(
                    "Asked {} {} before the deadline; it cost {cost} loyalty. The earlier you ask, the cheaper bad news is.",
                    sc.clients[c].name,
                    duration(ahead)
                )
            }
            None => {
                "An internal deadline moved: no client is hurt, but the work still has to be done."
                    .to_owned()
            }
        };
        Ok(Done::plain(
            format!(
                "Moved the deadline of “{}” from {} to {to}",
                spec.title,
                hhmm(current)
            ),
            feedback,
        ))
    }

    fn drop_task(&mut self, task: &str) -> Result<Done, ActError> {
        let t = self.find_task(task)?;
        self.unassign(t);
        self.tasks[t].dropped = true;
        let spec = &self.sc.tasks[t];
        let feedback = if self.tasks[t].late {
            "It was already late; dropping it frees the hours for work that can still be saved."
                .to_owned()
        } else {
            format!(
                "Dropped: it counts as late at {}. Sometimes right for low-value work when the team is short; never silently for a key client.",
                hhmm(self.tasks[t].deadline)
            )
        };
        Ok(Done::plain(format!("Dropped “{}”", spec.title), feedback))
    }

    fn take_break(&mut self, minutes: u32) -> Result<Done, ActError> {
        if !rules::BREAK_MINUTES.contains(&minutes) {
            return Err(ActError::BadBreak(minutes));
        }
        self.ensure_free()?;
        self.break_until = Some((self.now + minutes).min(self.sc.end));
        let feedback = if self.conversations.is_empty() {
            "A pause while nothing is waiting: stress eases fast and nothing is lost.".to_owned()
        } else {
            format!(
                "A break lowers stress, but {} conversation(s) wait and their timers keep running.",
                self.conversations.len()
            )
        };
        Ok(Done::plain(
            format!("Took a {minutes}-minute break"),
            feedback,
        ))
    }

    // ----- the result --------------------------------------------------------

    /// The facts of the shift so far (complete once it is over).
    pub fn outcome(&self) -> Outcome {
        Outcome {
            scenario: self.sc.id.clone(),
            seed: self.seed,
            end_reason: self.end_reason,
            ended_at: self.now,
            clients: self
                .sc
                .clients
                .iter()
                .enumerate()
                .map(|(i, c)| ClientOutcome {
                    id: c.id.clone(),
                    loyalty: self.loyalty[i],
                    lost_at: self.lost_at[i],
                })
                .collect(),
            stress: self.stress(),
            danger_minutes: self.danger_minutes,
            tasks: self
                .sc
                .tasks
                .iter()
                .zip(&self.tasks)
                .map(|(spec, s)| TaskOutcome {
                    id: spec.id.clone(),
                    arrived_at: s.arrived_at,
                    done_at: s.done_at,
                    done_by: s.done_at.and(s.worker),
                    deadline: s.deadline,
                    deadline_moved: s.moved,
                    split: s.split,
                    late: s.late,
                    dropped: s.dropped,
                    cancelled: s.cancelled,
                })
                .collect(),
            decisions: self.decisions.clone(),
            answers: self.answers.clone(),
            timeline: self.timeline.clone(),
            hours_changes: self.hours_changes.clone(),
        }
    }
}

/// What an action did, for the decision log.
struct Done {
    text: String,
    feedback: String,
    tone: Option<crate::scenario::Tone>,
    critical: Option<String>,
}

impl Done {
    /// A decision that is not an answer: no tone, never critical.
    fn plain(text: String, feedback: String) -> Done {
        Done {
            text,
            feedback,
            tone: None,
            critical: None,
        }
    }
}

/// A node's answers as `1 `id`, 2, ...` for messages.
fn known_choices(node: &crate::scenario::NodeR) -> String {
    node.choices
        .iter()
        .enumerate()
        .map(|(i, c)| match &c.id {
            Some(id) => format!("{} `{id}`", i + 1),
            None => format!("{}", i + 1),
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// Shuffles `items` by a generator seeded from the run's seed and the
/// node's place, never from the shift's own generator: showing answers
/// must not change what the shift draws.
fn shuffle(items: &mut [usize], seed: u64, dialogue: &str, node: &str) {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325 ^ seed;
    for b in dialogue.bytes().chain([0]).chain(node.bytes()) {
        h = (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
    }
    let mut rng = ChaCha8Rng::seed_from_u64(h);
    for i in (1..items.len()).rev() {
        let j = roll(&mut rng, (i + 1) as u64) as usize;
        items.swap(i, j);
    }
}

/// A stable draw in `0..n` from the run's generator (Lemire's multiply-shift;
/// the tiny bias is irrelevant here and it never changes with a crate update).
pub(crate) fn roll(rng: &mut ChaCha8Rng, n: u64) -> u64 {
    ((u128::from(rng.next_u64()) * u128::from(n)) >> 64) as u64
}

fn collect_thresholds(c: &ConditionR, out: &mut Vec<i64>) {
    match c {
        ConditionR::StressAbove(v) => out.push(i64::from(*v) * POINT),
        ConditionR::Not(c) => collect_thresholds(c, out),
        ConditionR::All(cs) | ConditionR::Any(cs) => {
            cs.iter().for_each(|c| collect_thresholds(c, out))
        }
        _ => {}
    }
}

/// Whole minutes `k` in `0..dt` at which `s + rate*k` is above `line`.
fn minutes_above(s: i64, rate: i64, dt: u32, line: i64) -> u32 {
    let dt_i = i64::from(dt);
    let n = if rate == 0 {
        if s > line { dt_i } else { 0 }
    } else if rate > 0 {
        let first = if s > line { 0 } else { (line - s) / rate + 1 };
        (dt_i - first).max(0)
    } else if s <= line {
        0
    } else {
        ((s - line + (-rate) - 1) / (-rate)).min(dt_i)
    };
    n as u32
}

fn duration(minutes: u32) -> String {
    match (minutes / 60, minutes % 60) {
        (0, m) => format!("{m} min"),
        (h, 0) => format!("{h} h"),
        (h, m) => format!("{h} h {m} min"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn minutes_above_counts_whole_minutes() {
        assert_eq!(minutes_above(69_000, 1000, 5, 70_000), 3); // 69,70 | 71,72,73
        assert_eq!(minutes_above(75_000, -1000, 10, 70_000), 5); // 75..71
        assert_eq!(minutes_above(80_000, 0, 7, 70_000), 7);
        assert_eq!(minutes_above(10_000, 0, 7, 70_000), 0);
    }

    #[test]
    fn roll_stays_in_range() {
        let mut rng = ChaCha8Rng::seed_from_u64(7);
        assert!((0..1000).all(|_| roll(&mut rng, 3) < 3));
    }
}
