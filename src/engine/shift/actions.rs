//! The trainee's actions: each checked against the state, applied, and
//! written into the decision log with its feedback.

use std::sync::Arc;

use super::talk::known_choices;
use super::{Shift, TaskStatus, Worker};
use crate::engine::action::{ActError, Action, ChoiceRef};
use crate::engine::outcome::{Decision, DecisionKind};
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
        let left = self.left(t);
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

fn duration(minutes: u32) -> String {
    match (minutes / 60, minutes % 60) {
        (0, m) => format!("{m} min"),
        (h, 0) => format!("{h} h"),
        (h, m) => format!("{h} h {m} min"),
    }
}
