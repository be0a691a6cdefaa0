//! The scenario files a record can be replayed on, found by content hash,
//! and the replay itself: a record's decisions played again on the exact
//! file version, noting which dialogue node each answer was given to (the
//! decision log names the dialogue and the choice, the node follows from
//! the replay).

use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::record::content_hash;
use crate::engine::policy::ScriptError;
use crate::engine::{Action, Decision, DecisionKind, Shift};
use crate::scenario::{Resolved, Scenario, collect_scenario_files, format_time, load_bytes};

/// One scenario file, as loaded for replays and exports.
#[derive(Debug, Clone)]
pub struct ScenarioFile {
    pub path: PathBuf,
    /// [`content_hash`] of the file's bytes.
    pub hash: String,
    /// The parsed file (its `id` even when it has errors).
    pub scenario: Option<Scenario>,
    /// The engine's form, when the file has no errors.
    pub resolved: Option<Arc<Resolved>>,
}

/// Scenario files by content hash.
#[derive(Debug, Clone, Default)]
pub struct ScenarioIndex {
    pub files: Vec<ScenarioFile>,
}

impl ScenarioIndex {
    /// Loads the scenario files under `paths` (folders searched for `*.ron`).
    pub fn load(paths: &[PathBuf]) -> Result<ScenarioIndex, String> {
        let mut index = ScenarioIndex::default();
        for path in collect_scenario_files(paths)? {
            let bytes = std::fs::read(&path)
                .map_err(|e| format!("{}: cannot read: {e}", path.display()))?;
            index.add(&path, &bytes);
        }
        Ok(index)
    }

    /// Adds one file's bytes (`path` names it in messages).
    pub fn add(&mut self, path: &Path, bytes: &[u8]) {
        let loaded = load_bytes(path, bytes);
        self.files.push(ScenarioFile {
            path: path.to_owned(),
            hash: content_hash(bytes),
            scenario: loaded.scenario,
            resolved: loaded.resolved,
        });
    }

    /// The file with exactly these bytes.
    pub fn by_hash(&self, hash: &str) -> Option<&ScenarioFile> {
        self.files.iter().find(|f| f.hash == hash)
    }

    /// Files whose scenario has this id (any version).
    pub fn with_id<'a>(&'a self, id: &'a str) -> impl Iterator<Item = &'a ScenarioFile> + 'a {
        self.files
            .iter()
            .filter(move |f| f.scenario.as_ref().is_some_and(|s| s.id == id))
    }
}

/// A record's decisions played again.
#[derive(Debug)]
pub struct Replay {
    /// The shift, played to its end unless a decision was refused.
    pub shift: Shift,
    /// For each entry of the record's decision log: the node id an answer
    /// was given to (`None` for other decisions).
    pub nodes: Vec<Option<String>>,
    /// The first decision (index into the log) the scenario refused.
    pub refused: Option<(usize, ScriptError)>,
    /// The first decision (index) that comes after the shift had ended.
    pub after_end: Option<usize>,
}

/// Replays the trainee's actions of a decision log at their times, with the
/// seed; timeouts are the engine's and happen again by themselves.
pub fn replay(scenario: Arc<Resolved>, seed: u64, decisions: &[Decision]) -> Replay {
    let mut shift = Shift::from_resolved(scenario, seed);
    let mut nodes = vec![None; decisions.len()];
    let mut refused = None;
    let mut after_end = None;
    for (i, d) in decisions.iter().enumerate() {
        let DecisionKind::Action(action) = &d.kind else {
            continue;
        };
        shift.advance_to(d.time);
        if shift.is_over() {
            after_end = Some(i);
            break;
        }
        if let Action::Answer { dialogue, .. } = action {
            let sc = shift.scenario_arc();
            nodes[i] = shift
                .conversations()
                .iter()
                .find(|c| sc.dialogues[c.dialogue].id == *dialogue)
                .map(|c| sc.dialogues[c.dialogue].nodes[c.node].id.clone());
        }
        if let Err(reason) = shift.act(action.clone()) {
            refused = Some((
                i,
                ScriptError::Refused {
                    step: i + 1,
                    at: format_time(d.time),
                    reason: Box::new(reason),
                },
            ));
            break;
        }
    }
    if refused.is_none() {
        shift.finish();
    }
    Replay {
        shift,
        nodes,
        refused,
        after_end,
    }
}
