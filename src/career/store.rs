//! Trainee profiles on disk, kept so that nothing is ever lost:
//!
//! - each finished run is written as its own file under `runs/` before the
//!   summary (`profile.json`) is updated, and the summary is always derived
//!   from the run files, so a crash between the two is repaired on the next
//!   read;
//! - every write is atomic: a temporary file in the same folder, written,
//!   flushed and synced, renamed over the target, then the folder synced. A
//!   crash or kill at any moment leaves the previous state readable;
//! - a summary that is damaged or missing is rebuilt from the run files; a
//!   damaged one is first kept beside it as `profile.json.damaged-N`;
//! - a damaged run file, or one written by a newer version, stays where it
//!   is, is skipped and is reported on every read until someone deals with
//!   it; nothing here ever deletes a file a trainee's results live in;
//! - the game's old list of names (`DATA/profiles.json`) is imported once
//!   and then kept as `profiles.json.imported`.
//!
//! What went wrong and what was done about it comes back as [`Notice`]s for
//! the trainee or their lead to read.
//!
//! For tests only: the environment variable `KAM_TRAINER_SLOW_SAVE_MS`
//! (read by this module and nowhere else) makes every write pause that
//! many milliseconds between its steps, so a test can kill the process in
//! the middle of a save.

use std::collections::BTreeSet;
use std::fmt;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use jiff::Timestamp;
use serde::Serialize;

use super::ladder::{Career, best_runs};
use super::profile::{PROFILE_FORMAT, ProfileSummary, Promotion};
use crate::record::{RUN_FORMAT, RunRecord};
use crate::scenario::Stage;

/// Milliseconds every write pauses between its steps (tests only).
pub use crate::files::SLOW_SAVE_ENV;
/// The summary's file name inside a profile's folder.
pub const SUMMARY_FILE: &str = "profile.json";
/// The run files' folder inside a profile's folder.
pub const RUNS_DIR: &str = "runs";
/// The longest name a trainee may have, in characters.
pub const MAX_NAME_CHARS: usize = 40;

/// The platform's data directory for the game and the commands
/// (`~/.local/share/kam-trainer` on Linux), if the user has a home.
pub fn default_data_dir() -> Option<PathBuf> {
    directories::ProjectDirs::from("", "", "kam-trainer").map(|p| p.data_dir().to_path_buf())
}

/// Something a trainee or their lead should read: what was wrong with
/// which file, what was done, and where a bad file is kept.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Notice {
    /// The file the notice is about.
    pub file: PathBuf,
    /// What was wrong and what was done.
    pub message: String,
    /// Where the bad file is kept now, when it was moved.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kept_as: Option<PathBuf>,
}

impl fmt::Display for Notice {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}.", self.file.display(), self.message)?;
        if let Some(kept) = &self.kept_as {
            write!(f, " The damaged file is kept as {}.", kept.display())?;
        }
        Ok(())
    }
}

/// What can stop the store; each message names the file, what happened
/// and what to do.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error(
        "cannot {doing} {}: {source}. Check that the folder exists, that you may write to it and that the disk is not full, or keep profiles elsewhere with --data-dir DIR (or KAM_TRAINER_DATA)",
        path.display()
    )]
    Io {
        doing: &'static str,
        path: PathBuf,
        source: io::Error,
    },
    #[error("a trainee's name cannot be empty: type a name of 1 to {MAX_NAME_CHARS} characters")]
    EmptyName,
    #[error(
        "the name \"{name}\" has {chars} characters; a name has at most {MAX_NAME_CHARS}, so shorten it"
    )]
    NameTooLong { name: String, chars: usize },
    #[error(
        "the name {name:?} contains a control character (a line break or a tab); type it on one line"
    )]
    NameControl { name: String },
    #[error(
        "there is already a trainee named \"{existing}\" (names are compared ignoring case); pick another name, or play as \"{existing}\""
    )]
    NameTaken { name: String, existing: String },
    #[error(
        "\"{email}\" is not an e-mail address; write it like name@example.com, or leave it out"
    )]
    BadEmail { email: String },
    #[error(
        "no trainee named \"{name}\" in {}{}; create one with `kam-trainer profile create \"{name}\"`",
        dir.display(),
        if known.is_empty() { String::new() } else { format!(" (there are: {})", known.join(", ")) }
    )]
    NotFound {
        name: String,
        dir: PathBuf,
        known: Vec<String>,
    },
    #[error(
        "the run was played by \"{run}\", not by \"{profile}\": record it into \"{run}\"'s profile"
    )]
    WrongTrainee { run: String, profile: String },
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

fn io_error<'a>(doing: &'static str, path: &'a Path) -> impl FnOnce(io::Error) -> StoreError + 'a {
    move |source| StoreError::Io {
        doing,
        path: path.to_owned(),
        source,
    }
}

/// A trainee's profile, read in full.
#[derive(Debug, Clone, PartialEq)]
pub struct Profile {
    pub summary: ProfileSummary,
    /// Every readable run, oldest first; `summary.runs` names their files
    /// in the same order.
    pub runs: Vec<RunRecord>,
    /// What was found wrong while reading, and what was done.
    pub notices: Vec<Notice>,
    /// The profile's folder.
    pub folder: PathBuf,
}

impl Profile {
    /// The best run of a scenario, if it was played.
    pub fn best(&self, scenario: &str) -> Option<&RunRecord> {
        let file = self.summary.best.get(scenario)?;
        let i = self.summary.runs.iter().position(|f| f == file)?;
        self.runs.get(i)
    }
}

/// What recording a run did.
#[derive(Debug, Clone, PartialEq)]
pub struct Recorded {
    /// The run's file.
    pub file: PathBuf,
    /// The stage the run promoted the trainee to, if it did.
    pub promoted_to: Option<Stage>,
    /// Whether the run is now the best of its scenario.
    pub new_best: bool,
    /// The summary after the run.
    pub summary: ProfileSummary,
}

/// The profiles of one data directory.
#[derive(Debug)]
pub struct Store {
    data_dir: PathBuf,
    profiles: PathBuf,
    /// What opening found (the import of the old list of names).
    opened: Vec<Notice>,
}

impl Store {
    /// Opens (and if needed creates) the store in `data_dir`, importing the
    /// game's old list of names once.
    pub fn open(data_dir: &Path) -> Result<Store> {
        let profiles = data_dir.join("profiles");
        fs::create_dir_all(&profiles).map_err(io_error("create the folder", &profiles))?;
        let mut store = Store {
            data_dir: data_dir.to_owned(),
            profiles,
            opened: Vec::new(),
        };
        store.import_legacy_names()?;
        store.remove_stale_temporaries();
        Ok(store)
    }

    /// The data directory.
    pub fn data_dir(&self) -> &Path {
        &self.data_dir
    }

    /// Every trainee's summary, sorted by name, and what was found wrong.
    /// A summary that disagrees with its run files is rebuilt first.
    pub fn list(&self, career: &Career) -> (Vec<ProfileSummary>, Vec<Notice>) {
        let mut notices = self.opened.clone();
        let mut out = Vec::new();
        let folders = match self.folders() {
            Ok(f) => f,
            Err(e) => {
                notices.push(Notice {
                    file: self.profiles.clone(),
                    message: e.to_string(),
                    kept_as: None,
                });
                return (out, notices);
            }
        };
        for folder in folders {
            match self.summary_of(&folder, career) {
                Ok((summary, mut found)) => {
                    notices.append(&mut found);
                    out.push(summary);
                }
                Err(e) => notices.push(Notice {
                    file: folder.clone(),
                    message: format!("this profile was skipped: {e}"),
                    kept_as: None,
                }),
            }
        }
        out.sort_by_key(|s| (s.name.to_lowercase(), s.name.clone()));
        (out, notices)
    }

    /// Creates a trainee. The name is trimmed, has 1 to 40 characters in
    /// any script, and differs from every other name ignoring case.
    pub fn create(&self, name: &str, email: Option<&str>) -> Result<ProfileSummary> {
        let name = check_name(name)?;
        let email = match email.map(str::trim).filter(|e| !e.is_empty()) {
            Some(e) if is_email(e) => Some(e.to_owned()),
            Some(e) => {
                return Err(StoreError::BadEmail {
                    email: e.to_owned(),
                });
            }
            None => None,
        };
        if let Some((existing, _)) = self.find(&name)? {
            return Err(StoreError::NameTaken { name, existing });
        }
        let folder = self.new_folder(&name)?;
        let summary = ProfileSummary {
            format: PROFILE_FORMAT,
            name,
            email,
            created_at: Timestamp::now(),
            stage: Stage::Merchandiser,
            promotions: Vec::new(),
            runs: Vec::new(),
            best: Default::default(),
            unreadable: Vec::new(),
        };
        write_json(&folder.join(SUMMARY_FILE), &summary)?;
        Ok(summary)
    }

    /// Reads a trainee's profile in full, repairing the summary if needed.
    pub fn load(&self, name: &str, career: &Career) -> Result<Profile> {
        let folder = self.folder_of(name)?;
        self.read_profile(&folder, career)
    }

    /// Records a finished run: first its own file, then the summary. A run
    /// recorded twice (the same id) is kept once.
    pub fn record(&self, name: &str, run: &RunRecord, career: &Career) -> Result<Recorded> {
        let folder = self.folder_of(name)?;
        let profile = self.read_profile(&folder, career)?;
        if run.trainee.trim().to_lowercase() != profile.summary.name.to_lowercase() {
            return Err(StoreError::WrongTrainee {
                run: run.trainee.clone(),
                profile: profile.summary.name,
            });
        }
        let runs_dir = folder.join(RUNS_DIR);
        let file_name = run_file_name(run);
        let file = runs_dir.join(&file_name);
        if profile.summary.runs.contains(&file_name) {
            let new_best = profile.summary.best.get(&run.scenario.id) == Some(&file_name);
            return Ok(Recorded {
                file,
                promoted_to: None,
                new_best,
                summary: profile.summary,
            });
        }
        if !runs_dir.is_dir() {
            fs::create_dir_all(&runs_dir).map_err(io_error("create the folder", &runs_dir))?;
            sync_dir(&folder)?;
        }
        write_json(&file, run)?;

        let mut runs: Vec<NamedRun> = profile
            .summary
            .runs
            .iter()
            .cloned()
            .zip(profile.runs)
            .collect();
        runs.push((file_name.clone(), run.clone()));
        sort_runs(&mut runs);
        let summary = derive_summary(
            Some(&profile.summary),
            &profile.summary.name,
            &runs,
            profile.summary.unreadable.clone(),
            career,
        );
        write_json(&folder.join(SUMMARY_FILE), &summary)?;
        let promoted_to = (summary.stage > profile.summary.stage).then_some(summary.stage);
        let new_best = summary.best.get(&run.scenario.id) == Some(&file_name);
        Ok(Recorded {
            file,
            promoted_to,
            new_best,
            summary,
        })
    }

    fn folders(&self) -> Result<Vec<PathBuf>> {
        let mut out = Vec::new();
        let entries =
            fs::read_dir(&self.profiles).map_err(io_error("list the folder", &self.profiles))?;
        for entry in entries {
            let entry = entry.map_err(io_error("list the folder", &self.profiles))?;
            let hidden = entry.file_name().to_string_lossy().starts_with('.');
            if !hidden && entry.path().is_dir() {
                out.push(entry.path());
            }
        }
        out.sort();
        Ok(out)
    }

    /// The profile whose name equals `name` ignoring case: its name as
    /// stored and its folder.
    fn find(&self, name: &str) -> Result<Option<(String, PathBuf)>> {
        let wanted = name.trim().to_lowercase();
        for folder in self.folders()? {
            let known = name_in(&folder);
            if known.to_lowercase() == wanted {
                return Ok(Some((known, folder)));
            }
        }
        Ok(None)
    }

    fn folder_of(&self, name: &str) -> Result<PathBuf> {
        match self.find(name)? {
            Some((_, folder)) => Ok(folder),
            None => Err(StoreError::NotFound {
                name: name.trim().to_owned(),
                dir: self.profiles.clone(),
                known: self.folders()?.iter().map(|f| name_in(f)).collect(),
            }),
        }
    }

    /// A new, empty folder for `name`; never one that exists already.
    fn new_folder(&self, name: &str) -> Result<PathBuf> {
        let base = folder_name(name);
        for n in 1.. {
            let candidate = if n == 1 {
                base.clone()
            } else {
                format!("{base}-{n}")
            };
            let path = self.profiles.join(candidate);
            match fs::create_dir(&path) {
                Ok(()) => {
                    sync_dir(&self.profiles)?;
                    return Ok(path);
                }
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists => continue,
                Err(e) => return Err(io_error("create the folder", &path)(e)),
            }
        }
        unreachable!("some folder name is free")
    }

    /// The summary for the list: the stored one when it agrees with the run
    /// files on disk, else the profile read and repaired in full.
    fn summary_of(&self, folder: &Path, career: &Career) -> Result<(ProfileSummary, Vec<Notice>)> {
        let path = folder.join(SUMMARY_FILE);
        if let Ok(bytes) = fs::read(&path)
            && let Ok(summary) = serde_json::from_slice::<ProfileSummary>(&bytes)
            && summary.format <= PROFILE_FORMAT
            && let Ok(on_disk) = run_file_names(&folder.join(RUNS_DIR))
        {
            let known: BTreeSet<&String> = summary.runs.iter().chain(&summary.unreadable).collect();
            if on_disk.iter().collect::<BTreeSet<_>>() == known {
                let notices = summary
                    .unreadable
                    .iter()
                    .map(|f| Notice {
                        file: folder.join(RUNS_DIR).join(f),
                        message: "this run file cannot be read; it is kept where it is and skipped (open the profile for details)".to_owned(),
                        kept_as: None,
                    })
                    .collect();
                return Ok((summary, notices));
            }
        }
        let profile = self.read_profile(folder, career)?;
        Ok((profile.summary, profile.notices))
    }

    /// Reads a profile's folder: the summary, every run file, and writes a
    /// repaired summary when the stored one is missing, damaged or behind.
    fn read_profile(&self, folder: &Path, career: &Career) -> Result<Profile> {
        let mut notices = Vec::new();
        let summary_path = folder.join(SUMMARY_FILE);
        let stored = read_summary(&summary_path, &mut notices)?;
        let (mut runs, unreadable) = read_runs(&folder.join(RUNS_DIR), &mut notices)?;
        sort_runs(&mut runs);
        let name = match &stored {
            Some(s) => s.name.clone(),
            None => match runs.first() {
                Some((_, r)) => r.trainee.clone(),
                None => {
                    let name = folder
                        .file_name()
                        .map(|n| n.to_string_lossy().into_owned())
                        .unwrap_or_default();
                    notices.push(Notice {
                        file: summary_path.clone(),
                        message: format!(
                            "the trainee's name could not be recovered (no runs yet), so the profile is named after its folder: \"{name}\""
                        ),
                        kept_as: None,
                    });
                    name
                }
            },
        };
        let summary = derive_summary(stored.as_ref(), &name, &runs, unreadable, career);
        if stored.as_ref() != Some(&summary) {
            if let Some(old) = &stored
                && old.runs != summary.runs
            {
                let missing = summary.runs.len().saturating_sub(old.runs.len());
                notices.push(Notice {
                    file: summary_path.clone(),
                    message: format!(
                        "the summary did not list every run file (the last save was probably interrupted); it was brought up to date ({missing} run(s) added)"
                    ),
                    kept_as: None,
                });
            }
            write_json(&summary_path, &summary)?;
        }
        let (_, records): (Vec<String>, Vec<RunRecord>) = runs.into_iter().unzip();
        Ok(Profile {
            summary,
            runs: records,
            notices,
            folder: folder.to_owned(),
        })
    }

    /// Creates a profile for every name in the game's old `profiles.json`
    /// that is not one yet, then keeps the file as `profiles.json.imported`.
    fn import_legacy_names(&mut self) -> Result<()> {
        let legacy = self.data_dir.join("profiles.json");
        let bytes = match fs::read(&legacy) {
            Ok(b) => b,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(()),
            Err(e) => return Err(io_error("read", &legacy)(e)),
        };
        let names: Vec<String> = match serde_json::from_slice::<serde_json::Value>(&bytes) {
            Ok(v) => v["names"]
                .as_array()
                .map(|a| {
                    a.iter()
                        .filter_map(|n| n.as_str().map(str::to_owned))
                        .collect()
                })
                .unwrap_or_default(),
            Err(e) => {
                self.opened.push(Notice {
                    file: legacy.clone(),
                    message: format!(
                        "the old list of trainees cannot be read ({e}), so its names were not imported; it is left as it is: fix it or create the profiles with `kam-trainer profile create`"
                    ),
                    kept_as: None,
                });
                return Ok(());
            }
        };
        let mut imported = 0;
        for name in &names {
            match self.create(name, None) {
                Ok(_) => imported += 1,
                Err(StoreError::NameTaken { .. }) => {}
                Err(e @ StoreError::Io { .. }) => return Err(e),
                Err(e) => self.opened.push(Notice {
                    file: legacy.clone(),
                    message: format!("the old trainee {name:?} was not imported: {e}"),
                    kept_as: None,
                }),
            }
        }
        let kept = free_name(&self.data_dir, "profiles.json.imported");
        fs::rename(&legacy, &kept).map_err(io_error("rename", &legacy))?;
        sync_dir(&self.data_dir)?;
        self.opened.push(Notice {
            file: legacy,
            message: format!(
                "the game's old list of {} trainee(s) was imported ({imported} new profile(s)); the list is kept",
                names.len()
            ),
            kept_as: Some(kept),
        });
        Ok(())
    }

    /// Temporary files of saves that were killed midway and are more than a
    /// day old. A temporary file never holds the only copy of anything.
    fn remove_stale_temporaries(&self) {
        let day = std::time::Duration::from_secs(24 * 3600);
        let Ok(folders) = self.folders() else { return };
        for dir in folders.iter().flat_map(|f| [f.clone(), f.join(RUNS_DIR)]) {
            let Ok(entries) = fs::read_dir(&dir) else {
                continue;
            };
            for entry in entries.flatten() {
                let name = entry.file_name().to_string_lossy().into_owned();
                let old = entry
                    .metadata()
                    .and_then(|m| m.modified())
                    .ok()
                    .and_then(|t| t.elapsed().ok())
                    .is_some_and(|age| age > day);
                if name.starts_with('.') && name.ends_with(".tmp") && old {
                    let _ = fs::remove_file(entry.path());
                }
            }
        }
    }
}

/// The summary as the run files say it is. Stage and promotions start from
/// `stored` (a stage once reached is never taken back) and each run, oldest
/// first, may promote further.
fn derive_summary(
    stored: Option<&ProfileSummary>,
    name: &str,
    runs: &[NamedRun],
    mut unreadable: Vec<String>,
    career: &Career,
) -> ProfileSummary {
    let records: Vec<RunRecord> = runs.iter().map(|(_, r)| r.clone()).collect();
    let mut stage = stored.map_or(Stage::Merchandiser, |s| s.stage);
    let mut promotions = stored.map(|s| s.promotions.clone()).unwrap_or_default();
    for k in 0..records.len() {
        let rank = career.rank(&records[..=k], stage);
        for &to in Stage::ALL.iter().filter(|&&s| s > stage && s <= rank) {
            promotions.push(Promotion {
                to,
                at: records[k].finished_at,
                run: records[k].id.clone(),
            });
        }
        stage = rank;
    }
    let best = best_runs(&records)
        .into_iter()
        .map(|(id, i)| (id, runs[i].0.clone()))
        .collect();
    unreadable.sort();
    ProfileSummary {
        format: PROFILE_FORMAT,
        name: name.to_owned(),
        email: stored.and_then(|s| s.email.clone()),
        created_at: stored
            .map(|s| s.created_at)
            .or_else(|| records.iter().map(|r| r.started_at).min())
            .unwrap_or_else(Timestamp::now),
        stage,
        promotions,
        runs: runs.iter().map(|(f, _)| f.clone()).collect(),
        best,
        unreadable,
    }
}

/// A run and its file name under `runs/`.
type NamedRun = (String, RunRecord);

/// Oldest first: by finish, then start, then id, so the order is the same
/// on every read.
fn sort_runs(runs: &mut [NamedRun]) {
    runs.sort_by(|(fa, a), (fb, b)| {
        (a.finished_at, a.started_at, &a.id, fa).cmp(&(b.finished_at, b.started_at, &b.id, fb))
    });
}

/// Reads `profile.json`; a missing one is `None` with a notice, a damaged
/// or newer one is kept aside, reported, and `None`.
fn read_summary(path: &Path, notices: &mut Vec<Notice>) -> Result<Option<ProfileSummary>> {
    let bytes = match fs::read(path) {
        Ok(b) => b,
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            notices.push(Notice {
                file: path.to_owned(),
                message: "the summary was missing; it was rebuilt from the run files".to_owned(),
                kept_as: None,
            });
            return Ok(None);
        }
        Err(e) => return Err(io_error("read", path)(e)),
    };
    let problem = match serde_json::from_slice::<serde_json::Value>(&bytes) {
        Ok(v)
            if v["format"]
                .as_u64()
                .is_some_and(|f| f > u64::from(PROFILE_FORMAT)) =>
        {
            format!(
                "the summary was written by a newer version of KAM Trainer (format {}, this version reads {PROFILE_FORMAT}); it was rebuilt from the run files",
                v["format"]
            )
        }
        _ => match serde_json::from_slice::<ProfileSummary>(&bytes) {
            Ok(summary) => return Ok(Some(summary)),
            Err(e) => format!("the summary was damaged ({e}); it was rebuilt from the run files"),
        },
    };
    let dir = path.parent().unwrap_or(Path::new("."));
    let kept = free_name(dir, &format!("{SUMMARY_FILE}.damaged"));
    fs::rename(path, &kept).map_err(io_error("keep aside", path))?;
    sync_dir(dir)?;
    notices.push(Notice {
        file: path.to_owned(),
        message: problem,
        kept_as: Some(kept),
    });
    Ok(None)
}

/// Every readable run file of `dir` (with its file name), and the names of
/// those that cannot be read (reported, left in place).
fn read_runs(dir: &Path, notices: &mut Vec<Notice>) -> Result<(Vec<NamedRun>, Vec<String>)> {
    let mut runs = Vec::new();
    let mut unreadable = Vec::new();
    for name in run_file_names(dir)? {
        let path = dir.join(&name);
        let bytes = fs::read(&path).map_err(io_error("read", &path))?;
        let problem = match serde_json::from_slice::<serde_json::Value>(&bytes) {
            Ok(v)
                if v["format"]
                    .as_u64()
                    .is_some_and(|f| f > u64::from(RUN_FORMAT)) =>
            {
                format!(
                    "this run was written by a newer version of KAM Trainer (format {}, this version reads {RUN_FORMAT}); it is kept and skipped: update KAM Trainer to see it",
                    v["format"]
                )
            }
            _ => match serde_json::from_slice::<RunRecord>(&bytes) {
                Ok(run) => {
                    runs.push((name, run));
                    continue;
                }
                Err(e) => format!(
                    "this run file is damaged ({e}); it is kept where it is and skipped: restore it from a backup, or move it out of the folder once it is no longer needed"
                ),
            },
        };
        notices.push(Notice {
            file: path,
            message: problem,
            kept_as: None,
        });
        unreadable.push(name);
    }
    Ok((runs, unreadable))
}

/// The `*.json` files of a runs folder (none when it does not exist).
fn run_file_names(dir: &Path) -> Result<Vec<String>> {
    let entries = match fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(io_error("list the folder", dir)(e)),
    };
    let mut names = Vec::new();
    for entry in entries {
        let entry = entry.map_err(io_error("list the folder", dir))?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.ends_with(".json") && !name.starts_with('.') {
            names.push(name);
        }
    }
    names.sort();
    Ok(names)
}

/// The trainee's name as stored in a folder: the summary's, else the first
/// readable run's, else the folder's.
fn name_in(folder: &Path) -> String {
    if let Ok(bytes) = fs::read(folder.join(SUMMARY_FILE))
        && let Ok(v) = serde_json::from_slice::<serde_json::Value>(&bytes)
        && let Some(name) = v["name"].as_str()
    {
        return name.to_owned();
    }
    let runs = folder.join(RUNS_DIR);
    for file in run_file_names(&runs).unwrap_or_default() {
        if let Ok(bytes) = fs::read(runs.join(file))
            && let Ok(v) = serde_json::from_slice::<serde_json::Value>(&bytes)
            && let Some(name) = v["trainee"].as_str()
        {
            return name.to_owned();
        }
    }
    folder
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// A run's file name: when it started (readable in a file manager) and its
/// id (unique).
pub fn run_file_name(run: &RunRecord) -> String {
    format!(
        "{}-{}.json",
        run.started_at.strftime("%Y%m%dT%H%M%SZ"),
        run.id
    )
}

/// The trimmed name, if it is one a trainee may have.
pub fn check_name(name: &str) -> Result<String> {
    let name = name.trim();
    if name.is_empty() {
        return Err(StoreError::EmptyName);
    }
    if name.chars().any(char::is_control) {
        return Err(StoreError::NameControl {
            name: name.to_owned(),
        });
    }
    let chars = name.chars().count();
    if chars > MAX_NAME_CHARS {
        return Err(StoreError::NameTooLong {
            name: name.to_owned(),
            chars,
        });
    }
    Ok(name.to_owned())
}

fn is_email(text: &str) -> bool {
    match text.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !text.chars().any(|c| c.is_whitespace() || c.is_control())
                && !domain.contains('@')
        }
        None => false,
    }
}

/// A folder name for a trainee: lowercase ASCII letters, digits and `-`
/// (Cyrillic is transliterated, anything else becomes `-`), at most 32
/// characters, never a name Windows reserves. Uniqueness is the caller's
/// (a suffix `-2`, `-3`, ... on collision).
pub fn folder_name(name: &str) -> String {
    let mut out = String::new();
    for c in name.chars().flat_map(char::to_lowercase) {
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if let Some(latin) = transliterate(c) {
            out.push_str(latin);
        } else if !out.ends_with('-') {
            out.push('-');
        }
    }
    let mut out: String = out.trim_matches('-').chars().take(32).collect();
    while out.ends_with('-') {
        out.pop();
    }
    const RESERVED: &[&str] = &[
        "con", "prn", "aux", "nul", "com1", "com2", "com3", "com4", "com5", "com6", "com7", "com8",
        "com9", "lpt1", "lpt2", "lpt3", "lpt4", "lpt5", "lpt6", "lpt7", "lpt8", "lpt9",
    ];
    if out.is_empty() || RESERVED.contains(&out.as_str()) {
        out = format!("trainee-{out}").trim_end_matches('-').to_owned();
    }
    out
}

fn transliterate(c: char) -> Option<&'static str> {
    Some(match c {
        'а' => "a",
        'б' => "b",
        'в' => "v",
        'г' => "g",
        'д' => "d",
        'е' => "e",
        'ё' => "e",
        'ж' => "zh",
        'з' => "z",
        'и' => "i",
        'й' => "y",
        'к' => "k",
        'л' => "l",
        'м' => "m",
        'н' => "n",
        'о' => "o",
        'п' => "p",
        'р' => "r",
        'с' => "s",
        'т' => "t",
        'у' => "u",
        'ф' => "f",
        'х' => "kh",
        'ц' => "ts",
        'ч' => "ch",
        'ш' => "sh",
        'щ' => "shch",
        'ъ' => "",
        'ы' => "y",
        'ь' => "",
        'э' => "e",
        'ю' => "yu",
        'я' => "ya",
        'і' => "i",
        'ї' => "yi",
        'є' => "ye",
        'ґ' => "g",
        'ў' => "u",
        _ => return None,
    })
}

/// `dir/base-N` for the first N from 1 that is free.
fn free_name(dir: &Path, base: &str) -> PathBuf {
    (1..)
        .map(|n| dir.join(format!("{base}-{n}")))
        .find(|p| !p.exists())
        .expect("some name is free")
}

/// Writes `value` as pretty JSON to `path` atomically.
fn write_json(path: &Path, value: &impl Serialize) -> Result<()> {
    let bytes = serde_json::to_vec_pretty(value).expect("plain data serialises");
    write_atomically(path, &bytes)
}

/// [`crate::files::write_atomically`], failing as the store fails.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> Result<()> {
    crate::files::write_atomically(path, bytes).map_err(StoreError::from)
}

fn sync_dir(dir: &Path) -> Result<()> {
    crate::files::sync_dir(dir).map_err(StoreError::from)
}

impl From<crate::files::WriteError> for StoreError {
    fn from(e: crate::files::WriteError) -> Self {
        StoreError::Io {
            doing: e.doing,
            path: e.path,
            source: e.source,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folder_names_are_safe_ascii() {
        assert_eq!(folder_name("Анна Петрова"), "anna-petrova");
        assert_eq!(folder_name("  ../../etc/passwd "), "etc-passwd");
        assert_eq!(folder_name("CON"), "trainee-con");
        assert_eq!(folder_name("李雷"), "trainee");
        assert_eq!(folder_name("Ёжик"), "ezhik");
        assert!(folder_name(&"щ".repeat(40)).len() <= 32);
    }

    #[test]
    fn names_are_checked() {
        assert_eq!(check_name("  Мария  ").unwrap(), "Мария");
        assert!(matches!(check_name("   "), Err(StoreError::EmptyName)));
        assert!(matches!(
            check_name(&"я".repeat(41)),
            Err(StoreError::NameTooLong { chars: 41, .. })
        ));
        assert!(check_name(&"я".repeat(40)).is_ok());
        assert!(matches!(
            check_name("a\nb"),
            Err(StoreError::NameControl { .. })
        ));
    }

    #[test]
    fn emails_are_checked() {
        assert!(is_email("anna@example.com"));
        assert!(!is_email("anna"));
        assert!(!is_email("anna@localhost"));
        assert!(!is_email("an na@example.com"));
    }
}
