//! Effects and conditions: what an authored effect does to the state,
//! what a condition reads, loyalty and losing a client, the inbox.

use std::sync::Arc;

use super::{Happening, Logged, Shift, roll};
use crate::engine::outcome::HoursChange;
use crate::engine::rules::POINT;
use crate::scenario::{ConditionR, EffectR};

impl Shift {
    pub(super) fn holds(&self, c: &ConditionR) -> bool {
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

    pub(super) fn apply(&mut self, effects: &[EffectR]) {
        for e in effects {
            self.apply_one(e);
        }
    }

    pub(super) fn apply_one(&mut self, effect: &EffectR) {
        match effect {
            EffectR::Loyalty(client, n) => self.change_loyalty(*client, *n),
            EffectR::Stress(n) => self.set_stress(self.stress + i64::from(*n) * POINT),
            EffectR::Set(f) => self.set_flag(*f, true),
            EffectR::Unset(f) => self.set_flag(*f, false),
            EffectR::AddTask(t) => self.arrive(*t),
            EffectR::SetHours(m, minutes) => {
                self.members[*m].minutes_left = *minutes;
                self.hours_changes.push(HoursChange {
                    member: *m,
                    time: self.now,
                    minutes: *minutes,
                });
            }
            EffectR::Notify(text) => self.notify(format_args!("{text}")),
            EffectR::StartDialogue(d) => self.open_dialogue(*d),
            EffectR::OneOf(lists) => {
                if !lists.is_empty() {
                    let pick = roll(&mut self.rng, lists.len() as u64) as usize;
                    self.apply(&lists[pick]);
                }
            }
        }
    }

    /// A line for the inbox; worded only when someone will read it.
    pub(super) fn notify(&mut self, text: std::fmt::Arguments<'_>) {
        if self.quiet {
            return;
        }
        let text = text.to_string();
        self.inbox.push((self.now, text.clone()));
        self.happen(Happening::Notified(text));
    }

    pub(super) fn happen(&mut self, h: Happening) {
        if self.quiet {
            return;
        }
        self.history.push(Logged {
            time: self.now,
            after_decisions: self.decisions.len(),
            happening: h.clone(),
        });
        self.happenings.push(h);
    }

    fn set_flag(&mut self, f: usize, to: bool) {
        if self.flags[f] != to {
            for &e in &self.sc.event_reads.flags[f] {
                self.stale[e] = true;
                self.conditions_changed = true;
            }
        }
        self.flags[f] = to;
    }

    pub(super) fn change_loyalty(&mut self, client: usize, delta: i32) {
        if self.lost_at[client].is_some() || delta == 0 {
            return;
        }
        let before = self.loyalty[client];
        self.loyalty[client] = (before + delta).clamp(0, 100);
        let by = self.loyalty[client] - before;
        if by != 0 {
            let after = before + by;
            for &(level, e) in &self.sc.event_reads.loyalty[client] {
                if (before < level) != (after < level) {
                    self.stale[e] = true;
                    self.conditions_changed = true;
                }
            }
            self.happen(Happening::LoyaltyChanged { client, by });
        }
        if self.loyalty[client] < self.sc.clients[client].churn_below {
            self.lose_client(client);
        }
    }

    pub(super) fn lose_client(&mut self, client: usize) {
        self.lost_at[client] = Some(self.now);
        let sc = Arc::clone(&self.sc);
        let name = &sc.clients[client].name;
        self.notify(format_args!(
            "{name} has had enough and moves to a competitor."
        ));
        self.happen(Happening::ClientLost(client));
        for t in 0..self.tasks.len() {
            if self.sc.tasks[t].client == Some(client) && self.tasks[t].done_at.is_none() {
                self.unassign(t);
                self.tasks[t].cancelled = true;
                self.close(t);
            }
        }
        let sc = Arc::clone(&self.sc);
        self.conversations
            .retain(|c| sc.dialogues[c.dialogue].client != Some(client));
    }
}
