//! Gathering run records: from a profile store (the data directory the game
//! writes) or from any folder of record files collected from several
//! computers. Reads only; a file that cannot be read or is not a record is
//! skipped and reported, never fatal, and a run found twice (the same `id`)
//! is kept once.
//!
//! The store's layout (owned by `career`):
//!
//! ```text
//! DATA/profiles/<folder>/profile.json      a ProfileSummary
//! DATA/profiles/<folder>/runs/<run>.json   one RunRecord per finished run
//! ```

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

use crate::career::{PROFILE_FORMAT, ProfileSummary};
use crate::record::{OLDEST_RUN_FORMAT, RUN_FORMAT, RunRecord};

/// Trainee profiles by the trainee's name (as in [`RunRecord::trainee`]).
pub type Profiles = BTreeMap<String, ProfileSummary>;

/// What a search found.
#[derive(Debug, Clone, Default)]
pub struct Collection {
    /// Every run once, sorted by trainee, then start time, then id.
    pub runs: Vec<RunRecord>,
    pub profiles: Profiles,
    /// Files that were not used, and why.
    pub skipped: Vec<Skipped>,
    /// Runs found more than once (the same `id`); the first copy is kept.
    pub duplicates: usize,
    /// The file each run was read from, by run id.
    pub paths: BTreeMap<String, PathBuf>,
}

/// A file that was passed over.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skipped {
    pub path: PathBuf,
    pub reason: String,
}

impl fmt::Display for Skipped {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: skipped: {}", self.path.display(), self.reason)
    }
}

/// Why a search could not start at all.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CollectError {
    #[error("{}: cannot open the folder: {reason}", path.display())]
    NoFolder { path: PathBuf, reason: String },
}

impl Collection {
    /// Adds a run read from `path` unless one with its id is already
    /// there. A different run under the same id is reported, not hidden.
    pub fn add_run(&mut self, path: &Path, run: RunRecord) {
        match self.runs.iter().find(|r| r.id == run.id) {
            Some(kept) if *kept == run => self.duplicates += 1,
            Some(_) => {
                let first = self.paths.get(&run.id).cloned().unwrap_or_default();
                self.skipped.push(Skipped {
                    path: path.to_owned(),
                    reason: format!(
                        "run {} differs from the copy in {}, which was kept; check both with `kam-trainer verify`",
                        run.id,
                        first.display()
                    ),
                });
            }
            None => {
                self.paths.insert(run.id.clone(), path.to_owned());
                self.runs.push(run);
            }
        }
    }

    fn finish(mut self) -> Collection {
        self.runs.sort_by(|a, b| {
            (&a.trainee, a.started_at, &a.id).cmp(&(&b.trainee, b.started_at, &b.id))
        });
        self.skipped.sort_by(|a, b| a.path.cmp(&b.path));
        self
    }

    /// Keeps the runs of these trainees (names compared exactly, then
    /// ignoring case). Names that match nothing are returned.
    pub fn keep_trainees(&mut self, names: &[String]) -> Vec<String> {
        let matches = |trainee: &str, name: &str| {
            trainee == name || trainee.to_lowercase() == name.to_lowercase()
        };
        let unknown = names
            .iter()
            .filter(|n| {
                !self.runs.iter().any(|r| matches(&r.trainee, n))
                    && !self.profiles.keys().any(|p| matches(p, n))
            })
            .cloned()
            .collect();
        self.runs
            .retain(|r| names.iter().any(|n| matches(&r.trainee, n)));
        self.profiles
            .retain(|p, _| names.iter().any(|n| matches(p, n)));
        unknown
    }

    /// Keeps the runs that finished at or after `since`.
    pub fn keep_since(&mut self, since: jiff::Timestamp) {
        self.runs.retain(|r| r.finished_at >= since);
    }
}

/// Reads the profile store in the data directory `data`. A store without a
/// `profiles` folder is empty, not an error (nobody has played yet).
pub fn collect_store(data: &Path) -> Result<Collection, CollectError> {
    let mut found = Collection::default();
    let profiles = data.join("profiles");
    if !data.is_dir() {
        return Err(CollectError::NoFolder {
            path: data.to_owned(),
            reason: "it does not exist or is not a folder".to_owned(),
        });
    }
    if !profiles.is_dir() {
        return Ok(found);
    }
    let mut folders = list(&profiles, &mut found.skipped);
    folders.sort();
    for folder in folders.into_iter().filter(|p| p.is_dir()) {
        let summary = folder.join("profile.json");
        if summary.is_file() {
            read_into(&summary, &mut found);
        }
        let runs = folder.join("runs");
        if runs.is_dir() {
            let mut files = list(&runs, &mut found.skipped);
            files.sort();
            for file in files.into_iter().filter(|p| is_json(p)) {
                read_into(&file, &mut found);
            }
        }
    }
    Ok(found.finish())
}

/// Reads every `*.json` under `dir`, recursively: run records, and the
/// `profile.json` of copied profile folders. Anything else is skipped.
pub fn collect_from(dir: &Path) -> Result<Collection, CollectError> {
    if !dir.is_dir() {
        return Err(CollectError::NoFolder {
            path: dir.to_owned(),
            reason: "it does not exist or is not a folder".to_owned(),
        });
    }
    Ok(collect_paths(&[dir.to_path_buf()]))
}

/// Reads the given files and folders (folders recursively, `*.json` only).
/// A path that does not exist is skipped and reported.
pub fn collect_paths(paths: &[PathBuf]) -> Collection {
    let mut found = Collection::default();
    let (files, skipped) = json_files(paths);
    found.skipped = skipped;
    for file in files {
        read_into(&file, &mut found);
    }
    found.finish()
}

fn is_json(path: &Path) -> bool {
    path.is_file() && path.extension().is_some_and(|e| e == "json")
}

fn list(dir: &Path, skipped: &mut Vec<Skipped>) -> Vec<PathBuf> {
    match std::fs::read_dir(dir) {
        Ok(entries) => entries.filter_map(|e| e.ok().map(|e| e.path())).collect(),
        Err(e) => {
            skipped.push(Skipped {
                path: dir.to_owned(),
                reason: format!("cannot list the folder: {e}"),
            });
            Vec::new()
        }
    }
}

/// The `*.json` files under the given files and folders (folders searched
/// recursively), sorted per argument, and the paths that could not be read.
pub fn json_files(paths: &[PathBuf]) -> (Vec<PathBuf>, Vec<Skipped>) {
    let (mut files, mut skipped) = (Vec::new(), Vec::new());
    for path in paths {
        if path.is_dir() {
            let mut found = Vec::new();
            walk(path, &mut found, &mut skipped);
            found.sort();
            files.extend(found);
        } else if path.is_file() {
            files.push(path.clone());
        } else {
            skipped.push(Skipped {
                path: path.clone(),
                reason: "no such file or folder".to_owned(),
            });
        }
    }
    (files, skipped)
}

fn walk(dir: &Path, files: &mut Vec<PathBuf>, skipped: &mut Vec<Skipped>) {
    for path in list(dir, skipped) {
        if path.is_dir() {
            walk(&path, files, skipped);
        } else if is_json(&path) {
            files.push(path);
        }
    }
}

fn read_into(path: &Path, found: &mut Collection) {
    let is_profile = path.file_name().is_some_and(|n| n == "profile.json");
    let result = if is_profile {
        read_profile(path).map(|p| {
            found.profiles.entry(p.name.clone()).or_insert(p);
        })
    } else {
        read_record(path).map(|r| found.add_run(path, r))
    };
    if let Err(reason) = result {
        found.skipped.push(Skipped {
            path: path.to_owned(),
            reason,
        });
    }
}

/// Reads one run record file. The error says what is wrong with it.
pub fn read_record(path: &Path) -> Result<RunRecord, String> {
    let text = std::fs::read(path).map_err(|e| format!("cannot read the file: {e}"))?;
    parse_record(&text)
}

/// Parses a run record (UTF-8 JSON, an optional BOM allowed).
pub fn parse_record(bytes: &[u8]) -> Result<RunRecord, String> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let value: serde_json::Value =
        serde_json::from_slice(bytes).map_err(|e| format!("not valid JSON: {e}"))?;
    let looks_like_run = value.get("outcome").is_some() && value.get("scenario").is_some();
    if !looks_like_run {
        return Err("not a run record (no `scenario` and `outcome`)".to_owned());
    }
    match value.get("format").and_then(|f| f.as_u64()) {
        Some(f) if (u64::from(OLDEST_RUN_FORMAT)..=u64::from(RUN_FORMAT)).contains(&f) => {}
        Some(f) => {
            return Err(format!(
                "run record format {f}; this version of kam-trainer reads formats {OLDEST_RUN_FORMAT} to {RUN_FORMAT}"
            ));
        }
        None => return Err("run record without a `format` number".to_owned()),
    }
    serde_json::from_value(value).map_err(|e| format!("not a valid run record: {e}"))
}

fn read_profile(path: &Path) -> Result<ProfileSummary, String> {
    let bytes = std::fs::read(path).map_err(|e| format!("cannot read the file: {e}"))?;
    let bytes = bytes
        .strip_prefix(b"\xEF\xBB\xBF")
        .unwrap_or(bytes.as_slice());
    let value: serde_json::Value =
        serde_json::from_slice(bytes).map_err(|e| format!("not valid JSON: {e}"))?;
    match value.get("format").and_then(|f| f.as_u64()) {
        Some(f) if f == u64::from(PROFILE_FORMAT) => {}
        Some(f) => {
            return Err(format!(
                "profile format {f}; this version of kam-trainer reads format {PROFILE_FORMAT}"
            ));
        }
        None => return Err("profile without a `format` number".to_owned()),
    }
    serde_json::from_value(value).map_err(|e| format!("not a valid profile: {e}"))
}
