//! The outbox: the statements of finished runs waiting for the LRS, one file
//! per run in `outbox/` of the data directory, and the LRS the game sends
//! them to (`lrs.json`, readable by its owner only).
//!
//! A run's file is written atomically before anything is sent and removed
//! only after the LRS accepted every statement in it; a partial delivery
//! rewrites it with what is left and the LRS's last words. Statement ids are
//! stable and an LRS stores an identical statement once, so a send cut off
//! at any moment (the game killed mid-batch) is simply sent again: nothing
//! is lost and nothing is stored twice.
//!
//! [`sync`] is the one sender (the game's background thread and
//! `send --outbox`): it queues every stored run finished since the LRS was
//! set that the outbox has not delivered yet (its ledger, `.delivered`,
//! lists the runs the LRS holds), then delivers. A run is therefore queued
//! even when the game was killed between saving it and queuing it.

use std::fs;
use std::path::{Path, PathBuf};

use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;

use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::collect::collect_store;
use super::export::XapiOptions;
use super::export::xapi::statements;
use super::lrs::{Credentials, Lrs, LrsError, Retry, id_of};
use super::scenarios::ScenarioIndex;
use crate::files::{WriteError, sync_dir, write_atomically, write_private_atomically};

/// The outbox folder inside the data directory.
pub const OUTBOX_DIR: &str = "outbox";
/// The LRS settings file inside the data directory.
pub const LRS_FILE: &str = "lrs.json";
/// The ledger of delivered runs inside the outbox folder: one run id a
/// line (hidden, so it is never taken for a run's file).
const LEDGER: &str = ".delivered";
/// The format of an outbox file.
const OUTBOX_FORMAT: u32 = 1;

/// Where results go: an LRS endpoint and its credentials. Debug output
/// never shows the secret.
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LrsSettings {
    /// The xAPI endpoint, e.g. `https://lrs.example.com/xAPI/`; empty when
    /// results are not sent.
    pub endpoint: String,
    #[serde(default)]
    pub key: String,
    #[serde(default)]
    pub secret: String,
    /// Runs finished from this moment on are sent on their own (set when
    /// the endpoint is saved); older ones are sent with `send`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub since: Option<Timestamp>,
}

impl std::fmt::Debug for LrsSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LrsSettings")
            .field("endpoint", &self.endpoint)
            .finish_non_exhaustive()
    }
}

impl LrsSettings {
    /// Whether an endpoint is set.
    pub fn is_set(&self) -> bool {
        !self.endpoint.trim().is_empty()
    }

    pub fn credentials(&self) -> Option<Credentials> {
        (!self.key.is_empty() || !self.secret.is_empty()).then(|| Credentials {
            key: self.key.clone(),
            secret: self.secret.clone(),
        })
    }

    /// The settings stored in `data_dir` (none stored: not set).
    pub fn load(data_dir: &Path) -> Result<LrsSettings, OutboxError> {
        let path = data_dir.join(LRS_FILE);
        match fs::read_to_string(&path) {
            Ok(text) => serde_json::from_str(&text).map_err(|e| OutboxError::Broken {
                path,
                reason: format!("{e}; fix the file or save the LRS settings again"),
            }),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(LrsSettings::default()),
            Err(e) => Err(OutboxError::Read {
                path,
                reason: e.to_string(),
            }),
        }
    }

    /// Stores the settings in `data_dir`, readable by the user only.
    pub fn save(&self, data_dir: &Path) -> Result<(), OutboxError> {
        fs::create_dir_all(data_dir).map_err(|e| OutboxError::Read {
            path: data_dir.to_owned(),
            reason: e.to_string(),
        })?;
        let bytes = serde_json::to_vec_pretty(self).expect("plain data serialises");
        write_private_atomically(&data_dir.join(LRS_FILE), &bytes)?;
        Ok(())
    }
}

#[derive(Debug, thiserror::Error)]
pub enum OutboxError {
    #[error("cannot read {}: {reason}", path.display())]
    Read { path: PathBuf, reason: String },
    #[error("{} is not an outbox file: {reason}", path.display())]
    Broken { path: PathBuf, reason: String },
    #[error(transparent)]
    Write(#[from] WriteError),
}

/// One run's statements waiting to be sent.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Entry {
    format: u32,
    run: String,
    trainee: String,
    statements: Vec<Value>,
    /// Why the last try did not deliver everything.
    #[serde(default)]
    last_error: Option<String>,
}

/// What waits in the outbox.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Waiting {
    /// Runs (files) waiting.
    pub runs: usize,
    pub statements: usize,
    /// Runs waiting, by trainee.
    pub by_trainee: BTreeMap<String, usize>,
    /// The last error a send left, if any.
    pub last_error: Option<String>,
}

/// What one [`Outbox::deliver`] did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Sent {
    /// Runs whose every statement the LRS now holds.
    pub runs: usize,
    pub statements: usize,
    /// The first thing that went wrong, if anything did.
    pub error: Option<String>,
}

/// The outbox of one data directory.
#[derive(Debug, Clone)]
pub struct Outbox {
    dir: PathBuf,
}

impl Outbox {
    pub fn new(data_dir: &Path) -> Outbox {
        Outbox {
            dir: data_dir.join(OUTBOX_DIR),
        }
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Puts a run's statements in the outbox. A run already waiting is kept
    /// as it is (its statements are the same: ids and content come from
    /// the run record).
    pub fn put(&self, run: &str, trainee: &str, statements: Vec<Value>) -> Result<(), OutboxError> {
        let path = self.path_of(run);
        if path.exists() {
            return Ok(());
        }
        if !self.dir.is_dir() {
            fs::create_dir_all(&self.dir).map_err(|e| OutboxError::Read {
                path: self.dir.clone(),
                reason: e.to_string(),
            })?;
            if let Some(parent) = self.dir.parent() {
                sync_dir(parent)?;
            }
        }
        let entry = Entry {
            format: OUTBOX_FORMAT,
            run: run.to_owned(),
            trainee: trainee.to_owned(),
            statements,
            last_error: None,
        };
        write_entry(&path, &entry)
    }

    /// What waits, oldest first.
    pub fn waiting(&self) -> Waiting {
        let mut waiting = Waiting::default();
        for file in self.files() {
            match read_entry(&file) {
                Ok(entry) => {
                    waiting.runs += 1;
                    waiting.statements += entry.statements.len();
                    *waiting.by_trainee.entry(entry.trainee).or_default() += 1;
                    if entry.last_error.is_some() {
                        waiting.last_error = entry.last_error;
                    }
                }
                Err(e) => {
                    waiting.runs += 1;
                    waiting.last_error = Some(e.to_string());
                }
            }
        }
        waiting
    }

    /// Sends every waiting run to `lrs`, oldest first, `batch` statements
    /// per request; stops at the first failure that would fail the rest
    /// too (the LRS unreachable, the credentials refused). `progress` hears
    /// the statements sent so far.
    pub fn deliver(&self, lrs: &Lrs, batch: usize, mut progress: impl FnMut(usize)) -> Sent {
        let mut sent = Sent::default();
        for file in self.files() {
            let mut entry = match read_entry(&file) {
                Ok(entry) => entry,
                Err(e) => {
                    sent.error.get_or_insert_with(|| e.to_string());
                    continue;
                }
            };
            let before = sent.statements;
            let delivery = lrs.send(&entry.statements, batch, |n| progress(before + n));
            sent.statements += delivery.sent.len();
            if delivery.is_complete() {
                // The ledger first: killed between the two, the file is
                // simply sent again.
                if let Err(e) = self.mark_delivered(&entry.run).and_then(|()| remove(&file)) {
                    sent.error.get_or_insert_with(|| e.to_string());
                    return sent;
                }
                sent.runs += 1;
                continue;
            }
            let why = problem(&delivery.stopped, &delivery.conflicts, &delivery.refused);
            entry
                .statements
                .retain(|s| !delivery.sent.contains(&id_of(s)));
            entry.last_error = Some(why.clone());
            if let Err(e) = write_entry(&file, &entry) {
                sent.error.get_or_insert_with(|| e.to_string());
                return sent;
            }
            sent.error.get_or_insert(why);
            if delivery.stopped.is_some() {
                return sent;
            }
        }
        sent
    }

    /// The runs the LRS holds, by the ledger.
    pub fn delivered(&self) -> BTreeSet<String> {
        fs::read_to_string(self.dir.join(LEDGER))
            .map(|text| {
                text.lines()
                    .map(|l| l.trim().to_owned())
                    .filter(|l| !l.is_empty())
                    .collect()
            })
            .unwrap_or_default()
    }

    /// Whether a run waits here.
    pub fn holds(&self, run: &str) -> bool {
        self.path_of(run).exists()
    }

    fn mark_delivered(&self, run: &str) -> Result<(), OutboxError> {
        let path = self.dir.join(LEDGER);
        let failed = |e: std::io::Error| OutboxError::Read {
            path: path.clone(),
            reason: format!("cannot note a delivered run: {e}"),
        };
        let mut file = fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&path)
            .map_err(failed)?;
        // A line cut off by a crash only means that run is sent again.
        file.write_all(format!("\n{run}\n").as_bytes())
            .and_then(|()| file.sync_all())
            .map_err(failed)
    }

    /// The outbox files, oldest first (by name: the run's start, then id).
    fn files(&self) -> Vec<PathBuf> {
        let Ok(entries) = fs::read_dir(&self.dir) else {
            return Vec::new();
        };
        let mut files: Vec<PathBuf> = entries
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| {
                p.extension().is_some_and(|x| x == "json")
                    && !p
                        .file_name()
                        .is_some_and(|n| n.to_string_lossy().starts_with('.'))
            })
            .collect();
        files.sort();
        files
    }

    fn path_of(&self, run: &str) -> PathBuf {
        let safe: String = run
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || c == '-' {
                    c
                } else {
                    '_'
                }
            })
            .collect();
        self.dir.join(format!("{safe}.json"))
    }
}

/// What one [`sync`] did and what is left.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Synced {
    /// Runs put in the outbox this time.
    pub queued: usize,
    pub sent: Sent,
    pub waiting: Waiting,
}

/// Queues the runs stored in `data_dir` that finished since the LRS was
/// set and are neither waiting nor delivered, then sends what waits to the
/// saved LRS. No LRS saved: nothing happens. `options` and `scenarios`
/// make the statements as `export --format xapi` does.
pub fn sync(
    data_dir: &Path,
    options: &XapiOptions,
    scenarios: Option<&ScenarioIndex>,
    batch: usize,
    retry: Retry,
    progress: impl FnMut(usize),
) -> Result<Synced, String> {
    let settings = LrsSettings::load(data_dir).map_err(|e| e.to_string())?;
    let outbox = Outbox::new(data_dir);
    if !settings.is_set() {
        return Ok(Synced {
            waiting: outbox.waiting(),
            ..Synced::default()
        });
    }
    let queued = queue_new_runs(&outbox, data_dir, &settings, options, scenarios)?;
    let lrs = lrs_of(&settings, retry).map_err(|e| e.to_string())?;
    let sent = outbox.deliver(&lrs, batch, progress);
    Ok(Synced {
        queued,
        sent,
        waiting: outbox.waiting(),
    })
}

/// Puts in the outbox every stored run finished since `settings.since`
/// that is neither there nor in its ledger.
pub fn queue_new_runs(
    outbox: &Outbox,
    data_dir: &Path,
    settings: &LrsSettings,
    options: &XapiOptions,
    scenarios: Option<&ScenarioIndex>,
) -> Result<usize, String> {
    let Some(since) = settings.since else {
        return Ok(0);
    };
    if !data_dir.join("profiles").is_dir() {
        return Ok(0);
    }
    let store = collect_store(data_dir).map_err(|e| e.to_string())?;
    let delivered = outbox.delivered();
    let mut queued = 0;
    for run in &store.runs {
        if run.finished_at < since || delivered.contains(&run.id) || outbox.holds(&run.id) {
            continue;
        }
        let statements = statements(
            std::slice::from_ref(run),
            &store.profiles,
            options,
            scenarios,
        )
        .map_err(|e| e.to_string())?;
        outbox
            .put(&run.id, &run.trainee, statements)
            .map_err(|e| e.to_string())?;
        queued += 1;
    }
    Ok(queued)
}

/// The LRS the settings name.
pub fn lrs_of(settings: &LrsSettings, retry: Retry) -> Result<Lrs, LrsError> {
    Lrs::new(&settings.endpoint, settings.credentials().as_ref(), retry)
}

fn problem(
    stopped: &Option<LrsError>,
    conflicts: &[super::lrs::Refusal],
    refused: &[super::lrs::Refusal],
) -> String {
    if let Some(e) = stopped {
        return e.to_string();
    }
    if let Some(c) = conflicts.first() {
        return format!(
            "statement {} is in the LRS with other content (HTTP 409: {})",
            c.id, c.message
        );
    }
    if let Some(r) = refused.first() {
        return format!(
            "the LRS refused statement {} (HTTP {}): {}",
            r.id, r.status, r.message
        );
    }
    String::new()
}

fn read_entry(path: &Path) -> Result<Entry, OutboxError> {
    let text = fs::read_to_string(path).map_err(|e| OutboxError::Read {
        path: path.to_owned(),
        reason: e.to_string(),
    })?;
    let entry: Entry = serde_json::from_str(&text).map_err(|e| OutboxError::Broken {
        path: path.to_owned(),
        reason: e.to_string(),
    })?;
    if entry.format != OUTBOX_FORMAT {
        return Err(OutboxError::Broken {
            path: path.to_owned(),
            reason: format!(
                "format {} (this version reads {OUTBOX_FORMAT}); send it with the version that wrote it",
                entry.format
            ),
        });
    }
    Ok(entry)
}

fn write_entry(path: &Path, entry: &Entry) -> Result<(), OutboxError> {
    let bytes = serde_json::to_vec_pretty(entry).expect("plain data serialises");
    write_atomically(path, &bytes)?;
    Ok(())
}

fn remove(path: &Path) -> Result<(), OutboxError> {
    fs::remove_file(path).map_err(|e| OutboxError::Read {
        path: path.to_owned(),
        reason: format!("cannot remove a delivered outbox file: {e}"),
    })?;
    if let Some(dir) = path.parent() {
        sync_dir(dir)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn statement(id: &str) -> Value {
        serde_json::json!({ "id": id, "verb": { "id": "http://adlnet.gov/expapi/verbs/completed" } })
    }

    #[test]
    fn a_run_is_put_once_and_counted() {
        let dir = tempfile::tempdir().unwrap();
        let outbox = Outbox::new(dir.path());
        assert_eq!(outbox.waiting(), Waiting::default());
        outbox
            .put("run-1", "Anna", vec![statement("a"), statement("b")])
            .unwrap();
        outbox.put("run-1", "Anna", vec![statement("c")]).unwrap();
        outbox.put("run-2", "Boris", vec![statement("d")]).unwrap();
        let waiting = outbox.waiting();
        assert_eq!((waiting.runs, waiting.statements), (2, 3));
        assert_eq!(waiting.last_error, None);
    }

    #[test]
    fn a_broken_outbox_file_is_reported_and_kept() {
        let dir = tempfile::tempdir().unwrap();
        let outbox = Outbox::new(dir.path());
        fs::create_dir_all(outbox.dir()).unwrap();
        let broken = outbox.dir().join("x.json");
        fs::write(&broken, "{ not json").unwrap();
        let waiting = outbox.waiting();
        assert_eq!(waiting.runs, 1);
        assert!(waiting.last_error.unwrap().contains("x.json"));
        // Sending to an LRS that is not there leaves it where it is.
        let lrs = Lrs::new("http://127.0.0.1:9/xAPI/", None, Retry::default()).unwrap();
        let sent = outbox.deliver(&lrs, 10, |_| {});
        assert!(sent.error.unwrap().contains("not an outbox file"));
        assert!(broken.exists());
    }

    #[test]
    fn lrs_settings_are_private_and_never_print_the_secret() {
        let dir = tempfile::tempdir().unwrap();
        assert!(!LrsSettings::load(dir.path()).unwrap().is_set());
        let settings = LrsSettings {
            endpoint: "https://lrs.example.com/xAPI/".to_owned(),
            key: "k".to_owned(),
            secret: "hunter2".to_owned(),
            since: Some("2026-12-01T09:00:00Z".parse().unwrap()),
        };
        settings.save(dir.path()).unwrap();
        assert_eq!(LrsSettings::load(dir.path()).unwrap(), settings);
        assert!(!format!("{settings:?}").contains("hunter2"));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = fs::metadata(dir.path().join(LRS_FILE))
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        fs::write(dir.path().join(LRS_FILE), "[").unwrap();
        let e = LrsSettings::load(dir.path()).unwrap_err().to_string();
        assert!(
            e.contains("lrs.json") && e.contains("save the LRS settings again"),
            "{e}"
        );
    }
}
