//! The shift state machine: its state and what can be read of it here;
//! what changes it is split by concern: [`clock`] moves time, [`effects`]
//! applies authored effects, [`work`] is the team's tasks, [`talk`] the
//! conversations, [`actions`] the trainee's actions, and [`projection`]
//! answers "when would this be done".

mod actions;
mod clock;
mod effects;
mod projection;
mod talk;
mod work;

use std::sync::Arc;

use rand_chacha::ChaCha8Rng;
use rand_chacha::rand_core::{RngCore, SeedableRng};

use super::outcome::*;
use super::rules::{self, POINT};
use crate::scenario::{Minute, Resolved, Scenario};

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
    /// A client's loyalty moved `by` points (after the 0–100 bounds).
    LoyaltyChanged {
        client: usize,
        by: i32,
    },
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

    /// Arrived, not finished, not late yet, not cancelled: its deadline is
    /// still ahead and will make it late when it comes.
    fn awaits_deadline(&self) -> bool {
        self.arrived_at.is_some() && self.done_at.is_none() && !self.late && !self.cancelled
    }
}

#[derive(Debug, Clone)]
struct MemberState {
    minutes_left: u32,
    /// Task indices in the order assigned; closed ones are removed.
    queue: Vec<usize>,
}

/// An event that has not fired yet.
#[derive(Debug, Clone, Copy)]
struct PendingEvent {
    /// Its index in the scenario's events.
    event: usize,
    /// `at` moved by the seeded jitter; `None` for pure `when` events.
    due: Option<Minute>,
}

/// An open dialogue waiting for the trainee's answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
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
    /// The open tasks (arrived; not done, dropped or cancelled), ascending:
    /// the players and the stress rate look only at these.
    open: Vec<usize>,
    members: Vec<MemberState>,
    trainee_minutes: u32,
    trainee_task: Option<usize>,
    break_until: Option<Minute>,
    /// The events yet to fire, in the scenario's order; a fired event
    /// leaves the list, so the clock never looks at it again.
    pending: Vec<PendingEvent>,
    /// Whether something an event's condition reads (a flag it tests, a
    /// loyalty or stress across a level it tests, a task it tests done or
    /// late; see [`crate::scenario::EventReads`]) changed since the events
    /// were last tried; with `next_due`, the first time still ahead of the
    /// last try, `fire_events` skips the pass when nothing changed and no
    /// event fell due, and a pass tries only the `stale` events.
    conditions_changed: bool,
    next_due: Minute,
    /// Per event: something its condition reads changed, or it fell due,
    /// since it was last tried (see [`crate::scenario::EventReads`]).
    stale: Vec<bool>,
    /// When the events were last tried.
    tried_at: Option<Minute>,
    conversations: Vec<Conversation>,
    /// When each dialogue was first opened (by an event or by the trainee);
    /// once opened, its initiative is no longer offered.
    opened_at: Vec<Option<Minute>>,
    /// Stress thresholds that conditions test, in internal units.
    thresholds: Vec<i64>,
    danger_minutes: u32,
    decisions: Vec<Decision>,
    answers: Vec<AnswerRecord>,
    /// The timeline, flat: when and the stress of each sample, and the
    /// loyalty of every client for each sample in one list (a sample's
    /// clients are `loyalty_samples[k * clients..][..clients]`), so a
    /// sample costs no allocation of its own.
    samples: Vec<(Minute, i32)>,
    loyalty_samples: Vec<i32>,
    hours_changes: Vec<HoursChange>,
    inbox: Vec<(Minute, String)>,
    happenings: Vec<Happening>,
    /// Every happening with its moment, for `play` and authors.
    history: Vec<Logged>,
    /// Keeps no inbox, happenings, history or timeline: a run played only
    /// for its scores ([`Shift::unrecorded`]).
    quiet: bool,
    /// What the clock worked out at its last step, while it holds: until
    /// an action or the next change point.
    ahead: Option<Ahead>,
}

/// The stress rate and the next change point it leads to, as the clock
/// worked them out at a step.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Ahead {
    /// Stress change per minute, in internal units.
    rate: i64,
    next: Minute,
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
        Shift::start(sc, seed, false)
    }

    /// Starts a shift played only for its scores: the same rules, draws and
    /// outcome as [`Shift::from_resolved`], except that no inbox,
    /// happenings, history or timeline are kept (the outcome's `timeline`
    /// is empty). A Monte Carlo of thousands of runs reads none of them.
    pub fn unrecorded(sc: Arc<Resolved>, seed: u64) -> Shift {
        Shift::start(sc, seed, true)
    }

    fn start(sc: Arc<Resolved>, seed: u64, quiet: bool) -> Shift {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let pending = sc
            .events
            .iter()
            .enumerate()
            .map(|(event, e)| PendingEvent {
                event,
                due: e.at.map(|at| {
                    let j = e.jitter as i64;
                    let shift = if j > 0 {
                        roll(&mut rng, (2 * j + 1) as u64) as i64 - j
                    } else {
                        0
                    };
                    (at as i64 + shift).clamp(sc.start as i64, sc.end as i64) as Minute
                }),
            })
            .collect();
        let mut thresholds: Vec<i64> = [sc.trainee.burnout_at, rules::DANGER_ZONE]
            .into_iter()
            .map(i64::from)
            .chain(sc.stress_lines.iter().map(|&v| i64::from(v)))
            .map(|v| v * POINT)
            .collect();
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
            open: Vec::with_capacity(sc.tasks.len()),
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
            pending,
            conditions_changed: true,
            next_due: Minute::MIN,
            stale: vec![true; sc.events.len()],
            tried_at: None,
            conversations: Vec::new(),
            opened_at: vec![None; sc.dialogues.len()],
            thresholds,
            danger_minutes: 0,
            // Room for a typical shift up front: `check` plays thousands,
            // and growing these one by one was a tenth of its time.
            decisions: Vec::with_capacity(32),
            answers: Vec::with_capacity(16),
            samples: Vec::with_capacity(if quiet { 0 } else { 64 }),
            loyalty_samples: Vec::with_capacity(if quiet { 0 } else { 64 * sc.clients.len() }),
            hours_changes: Vec::new(),
            inbox: Vec::with_capacity(if quiet { 0 } else { 16 }),
            happenings: Vec::with_capacity(if quiet { 0 } else { 16 }),
            history: Vec::with_capacity(if quiet { 0 } else { 64 }),
            quiet,
            ahead: None,
            sc,
        };
        shift.sample();
        shift.settle();
        shift
    }

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
    /// The tasks whose status is [`TaskStatus::Open`], ascending.
    pub fn open_tasks(&self) -> &[usize] {
        debug_assert!(
            self.open
                .iter()
                .copied()
                .eq((0..self.tasks.len()).filter(|&t| self.tasks[t].is_open())),
            "the open tasks are stale"
        );
        &self.open
    }
    /// The open tasks nobody is on and whose deadline has not passed: what
    /// waits to be handed out, and what weighs on the trainee.
    pub fn unassigned_tasks(&self) -> impl Iterator<Item = usize> + '_ {
        self.open_tasks()
            .iter()
            .copied()
            .filter(|&t| !self.tasks[t].late && self.tasks[t].worker.is_none())
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
        let left = self.left(t);
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
    /// Stress and every client's loyalty at each moment one changed.
    pub fn timeline(&self) -> Vec<Sample> {
        let clients = self.loyalty.len();
        self.samples
            .iter()
            .enumerate()
            .map(|(k, &(time, stress))| Sample {
                time,
                stress,
                loyalty: self.loyalty_samples[k * clients..][..clients].to_vec(),
            })
            .collect()
    }
    /// What happened since the last call (or since the start).
    pub fn take_happenings(&mut self) -> Vec<Happening> {
        std::mem::take(&mut self.happenings)
    }
    /// Everything that happened so far, in order.
    pub fn history(&self) -> &[Logged] {
        &self.history
    }

    /// The facts of the shift so far (complete once it is over).
    pub fn outcome(&self) -> Outcome {
        self.outcome_with(
            self.decisions.clone(),
            self.answers.clone(),
            self.hours_changes.clone(),
        )
    }

    /// The facts of the shift, keeping its logs rather than copying them
    /// (the Monte Carlo's thousands of runs need nothing else of a shift).
    pub fn into_outcome(mut self) -> Outcome {
        let decisions = std::mem::take(&mut self.decisions);
        let answers = std::mem::take(&mut self.answers);
        let hours_changes = std::mem::take(&mut self.hours_changes);
        self.outcome_with(decisions, answers, hours_changes)
    }

    fn outcome_with(
        &self,
        decisions: Vec<Decision>,
        answers: Vec<AnswerRecord>,
        hours_changes: Vec<HoursChange>,
    ) -> Outcome {
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
            decisions,
            answers,
            timeline: self.timeline(),
            hours_changes,
        }
    }
}

/// A stable draw in `0..n` from the run's generator (Lemire's multiply-shift;
/// the tiny bias is irrelevant here and it never changes with a crate update).
pub(crate) fn roll(rng: &mut ChaCha8Rng, n: u64) -> u64 {
    ((u128::from(rng.next_u64()) * u128::from(n)) >> 64) as u64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roll_stays_in_range() {
        let mut rng = ChaCha8Rng::seed_from_u64(7);
        assert!((0..1000).all(|_| roll(&mut rng, 3) < 3));
    }
}
