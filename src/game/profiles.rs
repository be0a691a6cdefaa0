//! Trainees on this computer: their names and who is playing. Kept in
//! `profiles.json` in the data directory, written atomically (temporary
//! file, flush, rename) so a crash never leaves a half-written list.

use std::io::Write;
use std::path::{Path, PathBuf};

use bevy::prelude::*;
use serde::{Deserialize, Serialize};

use super::GameConfig;

pub(super) fn plugin(app: &mut App) {
    let dir = app.world().resource::<GameConfig>().data_dir.clone();
    app.insert_resource(Profiles::open(&dir));
}

/// The trainees and the one playing now.
#[derive(Resource, Debug, Clone, Default, Serialize, Deserialize)]
pub struct Profiles {
    pub names: Vec<String>,
    #[serde(skip)]
    pub current: Option<String>,
    #[serde(skip)]
    file: PathBuf,
    /// What went wrong reading or writing the list, to show on screen.
    #[serde(skip)]
    pub problem: Option<String>,
}

impl Profiles {
    /// Reads the list from `dir`; a missing file is an empty list, an
    /// unreadable one is kept aside and reported.
    pub fn open(dir: &Path) -> Profiles {
        let file = dir.join("profiles.json");
        let mut profiles = match std::fs::read(&file) {
            Ok(bytes) => match serde_json::from_slice::<Profiles>(&bytes) {
                Ok(p) => p,
                Err(e) => {
                    let aside = file.with_extension("json.unreadable");
                    let _ = std::fs::rename(&file, &aside);
                    Profiles {
                        problem: Some(format!(
                            "The list of trainees could not be read ({e}); it was kept as {}.",
                            aside.display()
                        )),
                        ..Profiles::default()
                    }
                }
            },
            Err(_) => Profiles::default(),
        };
        profiles.file = file;
        profiles
    }

    /// Adds a trainee (names are trimmed; an existing name is just picked)
    /// and makes them the current one.
    pub fn add(&mut self, name: &str) -> Result<(), String> {
        let name = name.trim();
        if name.is_empty() {
            return Err("Type a name first.".to_owned());
        }
        if name.chars().count() > 40 {
            return Err("A name has at most 40 characters.".to_owned());
        }
        if !self.names.iter().any(|n| n == name) {
            self.names.push(name.to_owned());
            self.save()?;
        }
        self.current = Some(name.to_owned());
        Ok(())
    }

    fn save(&mut self) -> Result<(), String> {
        write_json_atomically(&self.file, self).map_err(|e| {
            let msg = format!(
                "Could not save the list of trainees to {}: {e}",
                self.file.display()
            );
            self.problem = Some(msg.clone());
            msg
        })
    }
}

/// Writes `value` as JSON to `file` so that a crash leaves either the old
/// file or the new one: a temporary file beside it, flushed to disk, then
/// renamed over it.
pub fn write_json_atomically(file: &Path, value: &impl Serialize) -> std::io::Result<()> {
    if let Some(dir) = file.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let tmp = file.with_extension("json.tmp");
    let mut f = std::fs::File::create(&tmp)?;
    f.write_all(&serde_json::to_vec_pretty(value).map_err(std::io::Error::other)?)?;
    f.sync_all()?;
    std::fs::rename(&tmp, file)
}
