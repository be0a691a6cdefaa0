//! The team's work: tasks arriving, being handed to someone, finished or
//! missing their deadline.

use std::sync::Arc;

use super::{Happening, Shift, Worker};
use crate::engine::rules;

impl Shift {
    /// Minutes of work task `t` still needs.
    pub(super) fn left(&self, t: usize) -> u32 {
        self.sc.tasks[t]
            .effort
            .saturating_sub(self.tasks[t].progress)
    }

    pub(super) fn arrive(&mut self, t: usize) {
        let client = self.sc.tasks[t].client;
        if self.tasks[t].arrived_at.is_some() || client.is_some_and(|c| self.lost_at[c].is_some()) {
            return;
        }
        self.tasks[t].arrived_at = Some(self.now);
        if let Err(i) = self.open.binary_search(&t) {
            self.open.insert(i, t);
        }
        self.happen(Happening::TaskArrived(t));
        // Work that arrives at or after its deadline is late on arrival.
        if self.tasks[t].deadline <= self.now {
            self.make_late(t);
        }
    }

    pub(super) fn complete(&mut self, t: usize) {
        let sc = Arc::clone(&self.sc);
        let task = &sc.tasks[t];
        let worker = self.tasks[t].worker;
        self.unassign(t);
        self.tasks[t].worker = worker;
        self.tasks[t].done_at = Some(self.now);
        self.close(t);
        for &e in &sc.event_reads.task_done[t] {
            self.stale[e] = true;
            self.conditions_changed = true;
        }
        self.happen(Happening::TaskDone(t));
        if !self.tasks[t].late
            && let Some(c) = task.client
        {
            let bonus = rules::on_time_bonus(task.priority, sc.clients[c].tier);
            self.change_loyalty(c, bonus);
        }
        self.apply(&task.on_done);
    }

    /// Takes a task that is done, dropped or cancelled off the open list.
    pub(super) fn close(&mut self, t: usize) {
        if let Ok(i) = self.open.binary_search(&t) {
            self.open.remove(i);
        }
    }

    pub(super) fn make_late(&mut self, t: usize) {
        let sc = Arc::clone(&self.sc);
        let task = &sc.tasks[t];
        self.tasks[t].late = true;
        for &e in &sc.event_reads.task_late[t] {
            self.stale[e] = true;
            self.conditions_changed = true;
        }
        self.happen(Happening::TaskLate(t));
        if let Some(c) = task.client {
            self.change_loyalty(c, -rules::late_cost(task.priority, sc.clients[c].tier));
        }
        self.apply(&task.on_late);
    }

    /// Gives a task to `to`, taking it off whoever had it; work done so far
    /// is kept.
    pub(super) fn hand_over(&mut self, t: usize, to: Worker) {
        self.unassign(t);
        self.tasks[t].split |= self.tasks[t].progress > 0;
        self.tasks[t].worker = Some(to);
    }

    /// Takes a task off whoever is on it.
    pub(super) fn unassign(&mut self, t: usize) {
        match self.tasks[t].worker.take() {
            Some(Worker::Member(m)) => self.members[m].queue.retain(|&q| q != t),
            Some(Worker::Trainee) if self.trainee_task == Some(t) => self.trainee_task = None,
            Some(Worker::Trainee) | None => {}
        }
    }
}
