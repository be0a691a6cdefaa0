//! A shift in progress survives a closed window, a crash or a power cut: it
//! is kept on disk as what the engine needs to play it again exactly (the
//! scenario file, the seed, the decisions so far and the minute reached),
//! written atomically after every decision and when the game closes. On
//! the next start the trainee is offered to resume it; the replay restores
//! the same shift, and the run then records and verifies like any other.
//!
//! One file a trainee: `in-progress/<trainee folder>.json` in the data
//! directory. Finishing the shift or leaving it (its decisions do not
//! count) removes the file.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use bevy::prelude::*;
use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use super::GameConfig;
use super::assets::Catalogue;
use super::play::{ActiveShift, LastRun};
use super::profiles::Profiles;
use super::screens::Screen;
use crate::career::store::folder_name;
use crate::engine::{Decision, replay};
use crate::files::write_atomically;
use crate::record::content_hash;
use crate::scenario::{Minute, format_time};

/// The format of the file; a newer one is refused with a message, never
/// misread.
const FORMAT: u32 = 1;

pub(super) fn plugin(app: &mut App) {
    app.init_resource::<Resumable>()
        .add_message::<ResumeChoice>()
        .add_systems(
            Update,
            (
                find_in_progress,
                answer_offer,
                keep_in_progress.run_if(resource_exists::<ActiveShift>),
                forget_finished,
            ),
        );
}

/// A shift in progress as it is kept on disk.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InProgress {
    pub format: u32,
    pub trainee: String,
    /// The scenario's file, relative to the scenarios folder.
    pub file: PathBuf,
    /// The scenario's title, to name the shift in the offer to resume.
    pub title: String,
    /// The hash of the file's text it was started on: a different one
    /// means the scenario changed since, and the offer says so.
    pub content_hash: String,
    pub seed: u64,
    /// When the trainee started the shift (the run record keeps it).
    pub started_at: Timestamp,
    /// The shift minute reached.
    pub at: Minute,
    pub speed: u32,
    pub decisions: Vec<Decision>,
}

impl InProgress {
    /// What the running shift would be written as.
    pub fn of(active: &ActiveShift, trainee: &str) -> InProgress {
        InProgress {
            format: FORMAT,
            trainee: trainee.to_owned(),
            file: active.file.clone(),
            title: active.shift.scenario().title.to_string(),
            content_hash: active
                .loaded
                .source
                .as_deref()
                .map(|s| content_hash(s.as_bytes()))
                .unwrap_or_default(),
            seed: active.shift.seed(),
            started_at: active.started_at,
            at: active.shift.now(),
            speed: active.speed,
            decisions: active.shift.decisions().to_vec(),
        }
    }

    /// "«The delivery that did not come», 10:34, 5 decisions".
    pub fn describe(&self) -> String {
        format!(
            "“{}” at {}, {} decision(s) so far",
            self.title,
            format_time(self.at),
            self.decisions.len()
        )
    }
}

/// Where a trainee's shift in progress is kept.
pub fn path(data_dir: &Path, trainee: &str) -> PathBuf {
    data_dir
        .join("in-progress")
        .join(format!("{}.json", folder_name(trainee)))
}

/// Writes the shift in progress atomically (a crash leaves the old file or
/// the new one, never half of one).
pub fn save(data_dir: &Path, progress: &InProgress) -> Result<(), String> {
    let file = path(data_dir, &progress.trainee);
    let bytes = serde_json::to_vec_pretty(progress).map_err(|e| e.to_string())?;
    if let Some(dir) = file.parent() {
        std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    }
    write_atomically(&file, &bytes).map_err(|e| format!("{}: {e}", file.display()))
}

/// The trainee's shift in progress, if there is one. A file that cannot be
/// read is an error naming it; it is left where it is.
pub fn load(data_dir: &Path, trainee: &str) -> Result<Option<InProgress>, String> {
    let file = path(data_dir, trainee);
    let bytes = match std::fs::read(&file) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(format!("{}: {e}", file.display())),
    };
    let progress: InProgress = serde_json::from_slice(&bytes).map_err(|e| {
        format!(
            "{} could not be read ({e}); move it away to start afresh",
            file.display()
        )
    })?;
    if progress.format != FORMAT {
        return Err(format!(
            "{} is of format {}, this game reads format {FORMAT}; a newer KAM Trainer wrote it",
            file.display(),
            progress.format
        ));
    }
    Ok(Some(progress))
}

/// Forgets the shift in progress (finished, or left on purpose).
pub fn discard(data_dir: &Path, trainee: &str) -> Result<(), String> {
    let file = path(data_dir, trainee);
    match std::fs::remove_file(&file) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(format!("{}: {e}", file.display())),
    }
}

/// The signed-in trainee's shift in progress, found on disk, that the
/// list screen offers to resume; or why it could not be read.
#[derive(Resource, Default, Debug)]
pub struct Resumable {
    /// Whose it is (looked up again when another trainee signs in).
    pub trainee: Option<String>,
    pub found: Option<InProgress>,
    pub problem: Option<String>,
    /// How many decisions the file on disk holds, and at which minute, so
    /// the running shift is written only when they change.
    written: Option<(usize, Minute)>,
}

/// Looks for the trainee's shift in progress when someone signs in.
fn find_in_progress(
    profiles: Res<Profiles>,
    config: Res<GameConfig>,
    active: Option<Res<ActiveShift>>,
    mut resumable: ResMut<Resumable>,
) {
    let name = profiles.current_name().map(str::to_owned);
    if name == resumable.trainee || active.is_some() {
        return;
    }
    *resumable = Resumable::default();
    if let Some(name) = &name {
        match load(&config.data_dir, name) {
            Ok(found) => resumable.found = found,
            Err(e) => resumable.problem = Some(e),
        }
    }
    resumable.trainee = name;
}

/// Writes the running shift after every decision.
fn keep_in_progress(
    active: Res<ActiveShift>,
    profiles: Res<Profiles>,
    config: Res<GameConfig>,
    mut resumable: ResMut<Resumable>,
) {
    let Some(trainee) = profiles.current_name() else {
        return;
    };
    if active.shift.is_over() {
        return;
    }
    let decisions = active.shift.decisions().len();
    if resumable.written.is_some_and(|(n, _)| n == decisions) {
        return;
    }
    write_now(&active, trainee, &config.data_dir, &mut resumable);
}

/// Writes the running shift as it stands (also at the minute reached, when
/// the window closes).
pub fn write_now(active: &ActiveShift, trainee: &str, data_dir: &Path, resumable: &mut Resumable) {
    let progress = InProgress::of(active, trainee);
    match save(data_dir, &progress) {
        Ok(()) => {
            resumable.written = Some((progress.decisions.len(), progress.at));
            resumable.problem = None;
        }
        Err(e) => resumable.problem = Some(format!("The shift in progress could not be kept: {e}")),
    }
}

/// The shift is over or was left: nothing to resume any more.
pub fn forget(trainee: Option<&str>, data_dir: &Path, resumable: &mut Resumable) {
    resumable.found = None;
    resumable.written = None;
    if let Some(name) = trainee
        && let Err(e) = discard(data_dir, name)
    {
        resumable.problem = Some(format!("The finished shift's resume file stays: {e}"));
    }
}

/// Plays the saved shift again up to where it was; `Err` says why it
/// cannot be resumed (the scenario is gone or broken, or refuses a
/// decision now).
pub fn restore(progress: &InProgress, catalogue: &Catalogue) -> Result<ActiveShift, String> {
    let entry = catalogue.find(&progress.file).ok_or_else(|| {
        format!(
            "the scenario {} is no longer in the scenarios folder",
            progress.file.display()
        )
    })?;
    let loaded = entry
        .loaded
        .clone()
        .ok_or_else(|| format!("{} is still loading", progress.file.display()))?;
    let resolved = loaded.resolved.clone().ok_or_else(|| {
        format!(
            "{} now has errors; an author must fix it first",
            progress.file.display()
        )
    })?;
    let replayed = replay(
        Arc::clone(&resolved),
        progress.seed,
        &progress.decisions,
        progress.at,
    );
    if let Some((i, e)) = replayed.refused {
        return Err(format!(
            "the scenario changed since, and decision {} no longer plays: {e}",
            i + 1
        ));
    }
    let mut active = ActiveShift::new(progress.file.clone(), loaded, resolved, progress.seed);
    active.shift = replayed.shift;
    // Seen the first time round.
    active.shift.take_happenings();
    active.started_at = progress.started_at;
    active.clock = f64::from(active.shift.now() - active.shift.scenario().start);
    active.speed = progress.speed;
    // A moment to look before the clock runs on.
    active.paused = true;
    Ok(active)
}

/// Resumes the shift the list screen offered.
pub fn resume(
    resumable: &mut Resumable,
    catalogue: &Catalogue,
    commands: &mut Commands,
    time: &mut Time<Virtual>,
    next: &mut NextState<Screen>,
) {
    let Some(progress) = resumable.found.clone() else {
        return;
    };
    match restore(&progress, catalogue) {
        Ok(active) => {
            time.pause();
            time.set_relative_speed(active.speed as f32);
            resumable.written = Some((progress.decisions.len(), progress.at));
            resumable.found = None;
            commands.insert_resource(active);
            next.set(Screen::Shift);
        }
        Err(e) => resumable.problem = Some(format!("Cannot resume {}: {e}.", progress.describe())),
    }
}

/// Sent by the list screen: resume the offered shift, or forget it.
#[derive(Message, Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResumeChoice {
    Resume,
    Discard,
}

/// A finished shift is recorded with the run: nothing to resume.
fn forget_finished(
    last: Option<Res<LastRun>>,
    profiles: Res<Profiles>,
    config: Res<GameConfig>,
    mut resumable: ResMut<Resumable>,
) {
    if last.is_some_and(|l| l.is_added()) {
        forget(profiles.current_name(), &config.data_dir, &mut resumable);
    }
}

fn answer_offer(
    mut choices: MessageReader<ResumeChoice>,
    mut resumable: ResMut<Resumable>,
    catalogue: Res<Catalogue>,
    config: Res<GameConfig>,
    mut commands: Commands,
    mut time: ResMut<Time<Virtual>>,
    mut next: ResMut<NextState<Screen>>,
) {
    for choice in choices.read() {
        match choice {
            ResumeChoice::Resume => resume(
                &mut resumable,
                &catalogue,
                &mut commands,
                &mut time,
                &mut next,
            ),
            ResumeChoice::Discard => {
                let trainee = resumable.trainee.clone();
                forget(trainee.as_deref(), &config.data_dir, &mut resumable);
            }
        }
    }
}
