//! The scenario files a record can be replayed on, found by content hash
//! (the replay itself is the engine's [`crate::engine::replay`]).

use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::record::content_hash;
use crate::scenario::{Resolved, Scenario, collect_scenario_files, load_bytes};

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
