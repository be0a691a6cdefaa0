//! Conversations: which answers a node offers and in what order they are
//! shown, conversations the trainee may open, opening, moving on,
//! timing out, and the facts stress handling is scored on.

use std::sync::Arc;

use rand_chacha::ChaCha8Rng;
use rand_chacha::rand_core::SeedableRng;

use super::{Conversation, Happening, Shift, roll};
use crate::engine::outcome::{AnswerRecord, Decision, DecisionKind, Facts};
use crate::engine::rules;
use crate::scenario::{NodeR, Tier};

impl Shift {
    /// The choices of a conversation's node the trainee can pick now, as
    /// 0-based indices in authored order. In the danger zone one
    /// constructive choice is hidden, never the last one left.
    pub fn offered_choices(&self, conversation: &Conversation) -> Vec<usize> {
        self.offered(conversation).collect()
    }

    /// [`Shift::offered_choices`] one by one, with no list built.
    pub fn offered(&self, conversation: &Conversation) -> impl Iterator<Item = usize> + '_ {
        let node = &self.sc.dialogues[conversation.dialogue].nodes[conversation.node];
        let hidden = self.hidden_by_panic(node);
        (0..node.choices.len()).filter(move |&i| self.condition_holds(node, i) && hidden != Some(i))
    }

    /// Whether answer `choice` (0-based) is among the offered choices.
    pub fn is_offered(&self, conversation: &Conversation, choice: usize) -> bool {
        let node = &self.sc.dialogues[conversation.dialogue].nodes[conversation.node];
        choice < node.choices.len()
            && self.condition_holds(node, choice)
            && self.hidden_by_panic(node) != Some(choice)
    }

    fn condition_holds(&self, node: &NodeR, choice: usize) -> bool {
        node.choices[choice]
            .when
            .as_ref()
            .is_none_or(|c| self.holds(c))
    }

    /// The answer panic hides: in the danger zone, the first constructive
    /// answer whose condition holds, when more than one answer's does.
    fn hidden_by_panic(&self, node: &NodeR) -> Option<usize> {
        if !self.in_danger_zone() {
            return None;
        }
        let mut holding = 0;
        let mut first_constructive = None;
        for i in 0..node.choices.len() {
            if self.condition_holds(node, i) {
                holding += 1;
                if first_constructive.is_none() && node.choices[i].tone.is_constructive() {
                    first_constructive = Some(i);
                }
            }
        }
        first_constructive.filter(|_| holding > 1)
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
        self.initiatives().collect()
    }

    /// [`Shift::offered_initiatives`] one at a time, for a player that
    /// needs only the first or keeps its own list.
    pub fn initiatives(&self) -> impl Iterator<Item = usize> + '_ {
        self.sc
            .initiatives
            .iter()
            .copied()
            .filter(|&d| self.initiative_refusal(d).is_none())
    }

    /// Why dialogue `d`, which has an initiative, cannot be opened by the
    /// trainee now, or `None`.
    pub(super) fn initiative_refusal(&self, d: usize) -> Option<&'static str> {
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

    pub(super) fn open_dialogue(&mut self, d: usize) {
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

    pub(super) fn conversation_at(&self, dialogue: usize, node: usize) -> Conversation {
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
    pub(super) fn go_to(&mut self, i: usize, next: Option<usize>) {
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

    pub(super) fn time_out(&mut self, i: usize) {
        let sc = Arc::clone(&self.sc);
        let c = self.conversations[i];
        let dialogue = &sc.dialogues[c.dialogue];
        let node = &dialogue.nodes[c.node];
        self.record_answer(&c, None);
        self.decisions.push(Decision {
            time: self.now,
            kind: DecisionKind::Timeout {
                dialogue: dialogue.id.to_string(),
                node: node.id.to_string(),
            },
            tone: None,
            node: Some(node.id.clone()),
            critical: false,
            facts: Facts::None,
            text: None,
            feedback: None,
        });
        self.happen(Happening::TimedOut(c.dialogue));
        self.go_to(i, node.timeout_next);
        self.apply(&node.on_timeout);
    }

    pub(super) fn record_answer(&mut self, c: &Conversation, tone: Option<crate::scenario::Tone>) {
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
}

/// A node's answers as `1 `id`, 2, ...` for messages.
pub(super) fn known_choices(node: &crate::scenario::NodeR) -> String {
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
