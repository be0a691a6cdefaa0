//! The trainee's actions: each checked against the state, applied, and
//! written into the decision log with its feedback.

use std::sync::Arc;

use super::talk::known_choices;
use super::{Shift, TaskStatus, Worker};
use crate::engine::action::{ActError, Action, ChoiceRef};
use crate::engine::outcome::{Decision, DecisionKind, Facts};
use crate::engine::rules;
use crate::scenario::{format_time as hhmm, parse_time as parse_hhmm};

impl Shift {
    /// Applies one of the trainee's actions at the current time. A refused
    /// action leaves the shift unchanged.
    pub fn act(&mut self, action: Action) -> Result<(), ActError> {
        if self.end_reason.is_some() {
            return Err(ActError::ShiftOver);
        }
        let mut action = action;
        // Whatever the action changes, the clock looks ahead anew.
        self.ahead = None;
        let done = match &mut action {
            Action::Answer { dialogue, choice } => {
                let (done, canonical) = self.answer(dialogue, choice)?;
                // The log names the answer by its id where it has one, so
                // a replay on a version with reordered answers plays it.
                if let Some(canonical) = canonical {
                    *choice = canonical;
                }
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
            tone: done.tone,
            node: done.node,
            critical: done.critical,
            facts: done.facts,
            text: None,
            feedback: None,
        });
        // What the action set off (flags, new dialogues) happens now.
        self.fire_events();
        self.burn_out_if_due();
        self.sample();
        Ok(())
    }

    fn ensure_free(&self) -> Result<(), ActError> {
        match self.busy_until() {
            Some(until) => Err(ActError::Busy(hhmm(until))),
            None => Ok(()),
        }
    }

    fn find_dialogue(&self, id: &str) -> Result<usize, ActError> {
        self.sc
            .dialogues
            .iter()
            .position(|d| *d.id == *id)
            .ok_or_else(|| ActError::UnknownDialogue(id.to_owned()))
    }

    fn find_task(&self, id: &str) -> Result<usize, ActError> {
        let t = self
            .sc
            .tasks
            .iter()
            .position(|t| *t.id == *id)
            .ok_or_else(|| ActError::UnknownTask(id.to_owned()))?;
        match self.tasks[t].status() {
            TaskStatus::NotArrived => Err(ActError::TaskNotArrived(id.to_owned())),
            TaskStatus::Open => Ok(t),
            _ => Err(ActError::TaskClosed(id.to_owned())),
        }
    }

    /// Answers an open conversation; also returns how the log names the
    /// answer when that is not how it was asked for (its id, or its number
    /// when it has none).
    fn answer(
        &mut self,
        dialogue: &str,
        choice: &ChoiceRef,
    ) -> Result<(Done, Option<ChoiceRef>), ActError> {
        let sc = Arc::clone(&self.sc);
        let d = self.find_dialogue(dialogue)?;
        let i = self
            .conversations
            .iter()
            .position(|c| c.dialogue == d)
            .ok_or_else(|| ActError::DialogueNotOpen(dialogue.to_owned()))?;
        self.ensure_free()?;
        let c = self.conversations[i];
        let node = &sc.dialogues[d].nodes[c.node];
        let picked = match choice {
            ChoiceRef::Number(n) => n
                .checked_sub(1)
                .filter(|&ix| ix < node.choices.len())
                .ok_or_else(|| ActError::NoSuchChoice {
                    dialogue: dialogue.to_owned(),
                    node: node.id.to_string(),
                    choice: *n,
                    count: node.choices.len(),
                })?,
            ChoiceRef::Id(id) => node
                .choices
                .iter()
                .position(|ch| ch.id.as_deref() == Some(id))
                .ok_or_else(|| ActError::UnknownChoiceId {
                    dialogue: dialogue.to_owned(),
                    node: node.id.to_string(),
                    id: id.to_string(),
                    known: known_choices(node),
                })?,
        };
        if !self.is_offered(&c, picked) {
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
                node: node.id.to_string(),
                choice: choice.clone(),
                why,
            });
        }
        let ch = &node.choices[picked];
        self.record_answer(&c, Some(ch.tone));
        self.go_to(i, ch.next);
        self.apply(&ch.effects);
        let canonical = match (&ch.id, choice) {
            (Some(id), ChoiceRef::Id(asked)) if asked == id => None,
            (Some(id), _) => Some(ChoiceRef::Id(id.clone())),
            // Without an id it was found by its number.
            (None, _) => None,
        };
        Ok((
            Done {
                tone: Some(ch.tone),
                node: Some(node.id.clone()),
                critical: ch.critical.is_some(),
                facts: Facts::None,
            },
            canonical,
        ))
    }

    /// Opens a conversation the scenario offers the trainee.
    fn open_initiative(&mut self, dialogue: &str) -> Result<Done, ActError> {
        let sc = Arc::clone(&self.sc);
        let d = self.find_dialogue(dialogue)?;
        if sc.dialogues[d].initiative.is_none() {
            return Err(ActError::NoInitiative(dialogue.to_owned()));
        }
        if let Some(why) = self.initiative_refusal(d) {
            return Err(ActError::NotOffered {
                dialogue: dialogue.to_owned(),
                why,
            });
        }
        self.ensure_free()?;
        self.open_dialogue(d);
        Ok(Done::facts(Facts::None))
    }

    fn assign(&mut self, task: &str, to: &str) -> Result<Done, ActError> {
        let t = self.find_task(task)?;
        let sc = Arc::clone(&self.sc);
        let m = sc
            .team
            .iter()
            .position(|m| *m.id == *to)
            .ok_or_else(|| ActError::UnknownMember(to.to_owned()))?;
        let (member, spec) = (&sc.team[m], &sc.tasks[t]);
        if !spec.eligible.contains(&m) {
            return Err(ActError::WrongRole {
                member: member.name.clone(),
                task: spec.id.to_string(),
                has: member.role.clone(),
                needs: spec.role.clone(),
            });
        }
        let finish = self.finish_if_assigned(t, m);
        self.hand_over(t, Worker::Member(m));
        self.members[m].queue.push(t);
        Ok(Done::facts(Facts::Assigned {
            finish,
            deadline: self.tasks[t].deadline,
            minutes_left: self.members[m].minutes_left,
        }))
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
        Ok(Done::facts(Facts::Myself {
            minutes: self.left(t),
            finish,
            deadline: self.tasks[t].deadline,
        }))
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
        let cost = spec.client.map(|c| {
            let cost = rules::move_cost(spec.priority, sc.clients[c].tier, ahead);
            self.change_loyalty(c, -cost);
            cost
        });
        Ok(Done::facts(Facts::Moved {
            from: current,
            ahead,
            cost,
        }))
    }

    fn drop_task(&mut self, task: &str) -> Result<Done, ActError> {
        let t = self.find_task(task)?;
        self.unassign(t);
        self.tasks[t].dropped = true;
        self.close(t);
        Ok(Done::facts(Facts::Dropped {
            late: self.tasks[t].late,
            deadline: self.tasks[t].deadline,
        }))
    }

    fn take_break(&mut self, minutes: u32) -> Result<Done, ActError> {
        if !rules::BREAK_MINUTES.contains(&minutes) {
            return Err(ActError::BadBreak(minutes));
        }
        self.ensure_free()?;
        self.break_until = Some((self.now + minutes).min(self.sc.end));
        Ok(Done::facts(Facts::Break {
            waiting: self.conversations.len() as u32,
        }))
    }
}

/// What an action did, for the decision log.
struct Done {
    tone: Option<crate::scenario::Tone>,
    node: Option<std::sync::Arc<str>>,
    critical: bool,
    facts: Facts,
}

impl Done {
    /// A decision that is not an answer: no tone, never critical.
    fn facts(facts: Facts) -> Done {
        Done {
            tone: None,
            node: None,
            critical: false,
            facts,
        }
    }
}
