//! Trainees on this computer and the course they climb. The profiles are
//! kept by the career store (`crate::career::store`: one file per finished
//! run, written before the summary, atomically); the course is the
//! scenarios folder's `career.ron`, or the scenarios grouped by their
//! declared stage when there is none. Both follow the catalogue: when a
//! scenario file or the course file changes, ranks are worked out again.

use std::collections::BTreeMap;
use std::path::Path;

use bevy::prelude::*;

use super::GameConfig;
use super::assets::Catalogue;
use crate::career::ProfileSummary;
use crate::career::ladder::{Career, CourseLoad, course_of};
use crate::career::store::{Profile, Recorded, Store};
use crate::report::RunRecord;
use crate::scenario::Stage;

pub(super) fn plugin(app: &mut App) {
    let dir = app.world().resource::<GameConfig>().data_dir.clone();
    app.insert_resource(Profiles::open(&dir))
        .insert_resource(Course::new())
        .add_systems(PreUpdate, follow_catalogue);
}

/// The course: which scenarios belong to which stage, and what each stage
/// is about.
#[derive(Resource, Debug)]
pub struct Course {
    pub load: CourseLoad,
    /// The catalogue generation the course was built from.
    built_from: Option<u64>,
}

impl Course {
    fn new() -> Course {
        Course {
            load: CourseLoad {
                career: Career::by_declared_stage(&[]),
                path: None,
                source: None,
                diagnostics: Vec::new(),
            },
            built_from: None,
        }
    }

    pub fn career(&self) -> &Career {
        &self.load.career
    }

    /// Builds the course from the scenarios in the catalogue and the course
    /// file in `folder`, if there is one.
    pub fn rebuild(&mut self, catalogue: &Catalogue, folder: &Path) {
        let scenarios: Vec<(String, Stage)> = catalogue
            .entries
            .iter()
            .filter_map(|e| e.loaded.as_ref()?.scenario.as_ref())
            .map(|s| (s.id.clone(), s.stage))
            .collect();
        self.load = course_of(folder, &scenarios);
        self.built_from = Some(catalogue.generation);
    }
}

/// Rebuilds the course and the trainees' ranks when the catalogue changed.
fn follow_catalogue(
    catalogue: Res<Catalogue>,
    config: Res<GameConfig>,
    mut course: ResMut<Course>,
    mut profiles: ResMut<Profiles>,
) {
    if !catalogue.is_ready() || course.built_from == Some(catalogue.generation) {
        return;
    }
    course.rebuild(&catalogue, &config.scenarios);
    profiles.refresh(course.career());
}

/// The trainees and the one playing now.
#[derive(Resource, Debug)]
pub struct Profiles {
    store: Option<Store>,
    /// Every trainee, sorted by name.
    pub list: Vec<ProfileSummary>,
    /// The trainee playing now, with every run.
    pub current: Option<Profile>,
    /// What was found wrong with the files and what was done about it,
    /// for the trainee to read.
    pub notices: Vec<String>,
    /// Why profiles cannot be kept at all.
    pub problem: Option<String>,
}

impl Profiles {
    /// Opens the store in `dir`; lists nothing until [`Profiles::refresh`].
    pub fn open(dir: &Path) -> Profiles {
        let (store, problem) = match Store::open(dir) {
            Ok(s) => (Some(s), None),
            Err(e) => (None, Some(format!("Profiles cannot be kept: {e}."))),
        };
        Profiles {
            store,
            list: Vec::new(),
            current: None,
            notices: Vec::new(),
            problem,
        }
    }

    /// Lists the trainees again and rereads the current one (their rank
    /// under the course as it is now).
    pub fn refresh(&mut self, career: &Career) {
        let Some(store) = &self.store else {
            return;
        };
        let (list, notices) = store.list(career);
        self.list = list;
        note(&mut self.notices, notices.iter().map(ToString::to_string));
        if let Some(name) = self.current_name().map(str::to_owned) {
            match store.load(&name, career) {
                Ok(p) => {
                    note(&mut self.notices, p.notices.iter().map(ToString::to_string));
                    self.current = Some(p);
                }
                Err(e) => {
                    note(&mut self.notices, [e.to_string()]);
                    self.current = None;
                }
            }
        }
    }

    /// The name of the trainee playing now.
    pub fn current_name(&self) -> Option<&str> {
        self.current.as_ref().map(|p| p.summary.name.as_str())
    }

    /// The current trainee's rank (a new trainee starts at the bottom).
    pub fn stage(&self) -> Stage {
        self.current
            .as_ref()
            .map_or(Stage::Merchandiser, |p| p.summary.stage)
    }

    /// Every run of the current trainee, oldest first.
    pub fn runs(&self) -> &[RunRecord] {
        self.current.as_ref().map_or(&[], |p| &p.runs)
    }

    /// Makes `name` the current trainee, creating the profile when nobody
    /// has that name yet (names are compared ignoring case).
    pub fn pick(&mut self, name: &str, career: &Career) -> Result<(), String> {
        let Some(store) = &self.store else {
            return Err(self
                .problem
                .clone()
                .unwrap_or_else(|| "Profiles cannot be kept.".to_owned()));
        };
        let typed = name.trim();
        let existing = self
            .list
            .iter()
            .find(|s| s.name.to_lowercase() == typed.to_lowercase())
            .map(|s| s.name.clone());
        let name = match existing {
            Some(n) => n,
            None => {
                let created = store
                    .create(typed, None)
                    .map_err(|e| capitalise(&e.to_string()))?;
                created.name
            }
        };
        let profile = store
            .load(&name, career)
            .map_err(|e| capitalise(&e.to_string()))?;
        note(
            &mut self.notices,
            profile.notices.iter().map(ToString::to_string),
        );
        self.current = Some(profile);
        let (list, _) = store.list(career);
        self.list = list;
        Ok(())
    }

    /// Saves a finished run into the current trainee's profile.
    pub fn record(&mut self, run: &RunRecord, career: &Career) -> Result<Recorded, String> {
        let store = self
            .store
            .as_ref()
            .ok_or_else(|| self.problem.clone().unwrap_or_default())?;
        let recorded = store
            .record(&run.trainee, run, career)
            .map_err(|e| capitalise(&e.to_string()))?;
        if let Ok(p) = store.load(&run.trainee, career) {
            self.current = Some(p);
        }
        let (list, _) = store.list(career);
        self.list = list;
        Ok(recorded)
    }

    /// The summaries by name, as the exports want them.
    pub fn by_name(&self) -> BTreeMap<String, ProfileSummary> {
        self.list
            .iter()
            .map(|s| (s.name.clone(), s.clone()))
            .collect()
    }

    /// Every run of a trainee (for the export of the profile screen).
    pub fn runs_of(&self, name: &str, career: &Career) -> Result<Vec<RunRecord>, String> {
        let store = self
            .store
            .as_ref()
            .ok_or_else(|| self.problem.clone().unwrap_or_default())?;
        store
            .load(name, career)
            .map(|p| p.runs)
            .map_err(|e| capitalise(&e.to_string()))
    }

    /// The data directory (exports are written under it).
    pub fn data_dir(&self) -> Option<&Path> {
        self.store.as_ref().map(Store::data_dir)
    }
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(first) => first.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

/// Adds messages not shown yet.
fn note(notices: &mut Vec<String>, messages: impl IntoIterator<Item = String>) {
    for m in messages {
        if !notices.contains(&m) {
            notices.push(m);
        }
    }
}
