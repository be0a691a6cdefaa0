//! Playing a decision log again: the trainee's actions at their minutes
//! with the run's seed (timeouts are the engine's and happen again by
//! themselves). Hot reload replays a shift in progress on an edited
//! scenario; `verify` and the exports replay a finished run on the exact
//! version it was played on. One function serves both.

use std::sync::Arc;

use super::outcome::{Decision, DecisionKind};
use super::script::ScriptError;
use super::shift::Shift;
use crate::scenario::{Minute, Resolved, format_time};

/// A decision log played again.
#[derive(Debug)]
pub struct Replay {
    /// The shift, played up to `until` unless a decision was refused.
    pub shift: Shift,
    /// For each entry of the log: the node an answer was given to (`None`
    /// for other decisions and for entries not reached).
    pub nodes: Vec<Option<std::sync::Arc<str>>>,
    /// The first decision (index into the log) the scenario refused, and why;
    /// the shift is then at that decision's minute.
    pub refused: Option<(usize, ScriptError)>,
    /// The first decision (index) that comes after the shift had ended.
    pub after_end: Option<usize>,
}

/// Replays `decisions` on `scenario` with `seed`, then plays on to `until`
/// (the shift's end for a finished run, the current minute for a shift in
/// progress). Stops at the first decision the scenario refuses or that
/// comes after the shift ended.
pub fn replay(scenario: Arc<Resolved>, seed: u64, decisions: &[Decision], until: Minute) -> Replay {
    let mut shift = Shift::from_resolved(scenario, seed);
    let mut nodes = vec![None; decisions.len()];
    let mut step = 0;
    for (i, d) in decisions.iter().enumerate() {
        let DecisionKind::Action(action) = &d.kind else {
            continue;
        };
        step += 1;
        shift.advance_to(d.time);
        if shift.is_over() {
            return Replay {
                shift,
                nodes,
                refused: None,
                after_end: Some(i),
            };
        }
        if let crate::engine::Action::Answer { dialogue, .. } = action {
            let sc = shift.scenario_arc();
            nodes[i] = shift
                .conversations()
                .iter()
                .find(|c| sc.dialogues[c.dialogue].id == *dialogue)
                .map(|c| sc.dialogues[c.dialogue].nodes[c.node].id.clone());
        }
        if let Err(reason) = shift.act(action.clone()) {
            let error = ScriptError::Refused {
                step,
                at: format_time(d.time),
                reason: Box::new(reason),
            };
            return Replay {
                shift,
                nodes,
                refused: Some((i, error)),
                after_end: None,
            };
        }
    }
    shift.advance_to(until);
    Replay {
        shift,
        nodes,
        refused: None,
        after_end: None,
    }
}
