//! The clock: moving the shift forward from one change to the next (work
//! done, a timer out, a deadline, an event due, stress crossing a line),
//! settling everything due at a minute in a fixed order, stress drifting
//! with the load, and the timeline.

use std::sync::Arc;

use super::{Ahead, EndReason, Happening, PendingEvent, Shift};
use crate::engine::rules::{self, POINT};
use crate::scenario::Minute;

impl Shift {
    /// Plays the shift forward to `time` (at most the shift's end) and
    /// returns what happened on the way.
    pub fn advance_to(&mut self, time: Minute) -> Vec<Happening> {
        let target = time.min(self.sc.end);
        while self.end_reason.is_none() && self.now < target {
            self.step(target);
        }
        self.take_happenings()
    }

    /// Plays the shift forward to its next change or to `limit`, whichever
    /// comes first, and forgets what happened on the way: for players
    /// without a window, which read the state rather than the happenings.
    /// The same as `advance_to(next_change().min(limit))`, with half the
    /// looking.
    pub fn advance_one_change(&mut self, limit: Minute) {
        let target = limit.min(self.sc.end);
        if self.end_reason.is_none() && self.now < target {
            self.step(target);
        }
        self.happenings.clear();
    }

    fn step(&mut self, target: Minute) {
        let ahead = match self.ahead {
            Some(ahead) => {
                debug_assert_eq!(ahead, self.look_ahead(), "the next change is stale");
                ahead
            }
            None => self.look_ahead(),
        };
        let next = ahead.next.min(target);
        self.run_until(next, ahead.rate);
        if next == ahead.next {
            self.ahead = None;
            // Only the shift's own change points go into the timeline, so
            // it does not depend on how often the caller advances the clock.
            self.settle();
        } else {
            // Short of the next change nothing falls due: work and stress
            // only ran on, so the rate and the next change stay as they
            // were until an action changes something.
            self.ahead = Some(ahead);
        }
    }

    /// The stress rate now and the next change it leads to.
    fn look_ahead(&self) -> Ahead {
        let rate = self.stress_rate();
        Ahead {
            rate,
            next: self.next_change_at(rate),
        }
    }

    /// Plays the shift to its end, with no more actions.
    pub fn finish(&mut self) -> Vec<Happening> {
        self.advance_to(self.sc.end)
    }

    /// The first minute from now, before the next change, at which stress
    /// is at or above `points` if nothing else happens; `None` when it
    /// stays below until then. A player uses it to know how long it may
    /// leave the shift alone.
    pub fn stress_reaches(&self, points: i32) -> Option<Minute> {
        let line = i64::from(points) * POINT;
        if self.stress >= line {
            return Some(self.now);
        }
        let ahead = self.ahead.unwrap_or_else(|| self.look_ahead());
        if ahead.rate <= 0 {
            return None;
        }
        let dt = (line - self.stress + ahead.rate - 1) / ahead.rate;
        let t = self.now.saturating_add(dt.min(i64::from(u32::MAX)) as u32);
        (t < ahead.next).then_some(t)
    }

    /// The next minute at which something changes on its own: a task
    /// finishes, a timer runs out, an event is due, stress crosses a line.
    pub fn next_change(&self) -> Minute {
        self.next_change_at(self.stress_rate())
    }

    pub(super) fn next_change_at(&self, rate: i64) -> Minute {
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
                let left = self.left(t);
                consider(self.now + left.min(m.minutes_left));
            }
        }
        if let Some(until) = self.break_until {
            consider(until);
        } else if let Some(t) = self.trainee_task {
            let left = self.left(t);
            consider(self.now + left.min(self.trainee_minutes));
        }
        // The events' next due time is kept by `fire_events`, which runs
        // at every change.
        debug_assert_eq!(
            self.pending
                .iter()
                .filter_map(|e| e.due.filter(|&d| d > self.now))
                .min()
                .unwrap_or(Minute::MAX),
            self.next_due,
            "the events' next due time is stale"
        );
        consider(self.next_due);
        for c in &self.conversations {
            if let Some(t) = c.timeout_at {
                consider(t);
            }
            if let Some(t) = c.next_wait_penalty {
                consider(t);
            }
        }
        for t in &self.tasks {
            if t.awaits_deadline() {
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
    pub(super) fn stress_rate(&self) -> i64 {
        if self.break_until.is_some() {
            return rules::BREAK;
        }
        // Counted without allocating: this runs at every step of the clock.
        let mut items = self.conversations.len() as i64;
        items += self.unassigned_tasks().count() as i64;
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

    /// Work and stress run on from `now` to `to`; nothing else changes in
    /// between, because `to` is at most the next change.
    pub(super) fn run_until(&mut self, to: Minute, rate: i64) {
        let dt = to - self.now;
        self.danger_minutes +=
            minutes_above(self.stress, rate, dt, i64::from(rules::DANGER_ZONE) * POINT);
        self.set_stress(self.stress + rate * i64::from(dt));
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
    /// conditional events until none fires, and samples the timeline.
    pub(super) fn settle(&mut self) {
        let now = self.now;
        // Work that finished.
        for m in 0..self.members.len() {
            if let Some(&t) = self.members[m].queue.first()
                && self.left(t) == 0
            {
                self.complete(t);
            }
        }
        if self.break_until.is_some_and(|u| u <= now) {
            self.break_until = None;
        }
        if let Some(t) = self.trainee_task {
            if self.left(t) == 0 {
                self.complete(t);
            } else if self.trainee_minutes == 0 {
                self.trainee_task = None;
                self.tasks[t].worker = None;
                let sc = Arc::clone(&self.sc);
                self.notify(format_args!(
                    "You ran out of time for “{}”.",
                    sc.tasks[t].title
                ));
            }
        }
        // Reply timers and clients left waiting.
        let mut i = 0;
        while i < self.conversations.len() {
            let c = self.conversations[i];
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
            if self.tasks[t].awaits_deadline() && self.tasks[t].deadline <= now {
                self.make_late(t);
            }
        }
        self.fire_events();
        self.burn_out_if_due();
        if self.end_reason.is_none() && now >= self.sc.end {
            self.end(EndReason::ShiftOver);
        }
        self.sample();
    }

    /// Stress to `to` (kept within 0–100), noting when it crosses a line
    /// a condition tests.
    pub(super) fn set_stress(&mut self, to: i64) {
        let to = to.clamp(0, 100 * POINT);
        let from = self.stress;
        for &(level, e) in &self.sc.event_reads.stress {
            let line = i64::from(level) * POINT;
            if (from > line) != (to > line) {
                self.stale[e] = true;
                self.conditions_changed = true;
            }
        }
        self.stress = to;
    }

    pub(super) fn fire_events(&mut self) {
        if !self.conditions_changed && self.next_due > self.now {
            // Every pending event was tried with these very conditions.
            debug_assert!(
                !self.pending.iter().any(|e| self.may_fire(e)),
                "an event could fire though nothing it reads changed"
            );
            return;
        }
        let now = self.now;
        if self.next_due <= now {
            // The events that fell due since the last pass.
            for p in &self.pending {
                if p.due
                    .is_some_and(|d| d <= now && self.tried_at.is_none_or(|t| d > t))
                {
                    self.stale[p.event] = true;
                }
            }
        }
        self.try_events();
        self.conditions_changed = false;
        self.tried_at = Some(now);
        self.next_due = self
            .pending
            .iter()
            .filter_map(|e| e.due.filter(|&d| d > now))
            .min()
            .unwrap_or(Minute::MAX);
    }

    fn try_events(&mut self) {
        // One handle for the whole pass: `apply` needs `self` mutably while
        // it reads the event's effects.
        let sc = Arc::clone(&self.sc);
        loop {
            let mut fired = false;
            // Applying an event only ever removes the event itself, so `i`
            // walks the list in order.
            let mut i = 0;
            while i < self.pending.len() {
                if self.end_reason.is_some() {
                    return;
                }
                let pending = self.pending[i];
                if !self.stale[pending.event] {
                    // It failed at the last try, and nothing it reads
                    // changed since.
                    debug_assert!(
                        !self.may_fire(&pending),
                        "event {} could fire though nothing it reads changed",
                        pending.event
                    );
                    i += 1;
                } else if self.may_fire(&pending) {
                    let event = pending.event;
                    self.pending.remove(i);
                    self.apply(&sc.events[event].then);
                    fired = true;
                } else {
                    self.stale[pending.event] = false;
                    i += 1;
                }
            }
            if !fired {
                return;
            }
        }
    }

    /// Whether a pending event is due and its condition holds.
    fn may_fire(&self, e: &PendingEvent) -> bool {
        e.due.is_none_or(|d| d <= self.now)
            && self.sc.events[e.event]
                .when
                .as_ref()
                .is_none_or(|c| self.holds(c))
    }

    /// At `burnout_at` the shift ends: checked after everything that can
    /// raise stress (a minute's drift, an action's effects).
    pub(super) fn burn_out_if_due(&mut self) {
        if self.end_reason.is_none() && self.stress >= i64::from(self.sc.trainee.burnout_at) * POINT
        {
            self.end(EndReason::Burnout);
        }
    }

    pub(super) fn end(&mut self, reason: EndReason) {
        self.end_reason = Some(reason);
        if reason == EndReason::Burnout {
            self.notify(format_args!("You burned out: the shift is over for you."));
        }
        self.happen(Happening::ShiftEnded(reason));
    }

    pub(super) fn sample(&mut self) {
        if self.quiet {
            return;
        }
        let stress = self.stress();
        let clients = self.loyalty.len();
        let changed = match self.samples.last() {
            None => true,
            Some(&(_, last_stress)) => {
                let last = &self.loyalty_samples[self.loyalty_samples.len() - clients..];
                last_stress != stress || last != self.loyalty.as_slice()
            }
        };
        if changed {
            self.samples.push((self.now, stress));
            self.loyalty_samples.extend_from_slice(&self.loyalty);
        }
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
}
