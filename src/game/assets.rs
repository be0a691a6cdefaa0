//! Scenario files as Bevy assets. The loader runs the same loading and
//! validation as `kam-trainer check`, so a broken file still becomes an
//! asset: one that carries its diagnostics instead of a playable scenario.
//! With the file watcher on, saving a file reloads it and the catalogue
//! follows.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use bevy::asset::{AssetLoader, LoadContext, io::Reader};
use bevy::prelude::*;

use super::GameConfig;
use crate::scenario::{Loaded, collect_scenario_files, load_bytes};

pub(super) fn plugin(app: &mut App) {
    let root = app.world().resource::<GameConfig>().scenarios.clone();
    app.init_asset::<ScenarioAsset>()
        .register_asset_loader(ScenarioLoader { root })
        .init_resource::<Catalogue>()
        .add_message::<ScenarioChanged>()
        .add_systems(Startup, load_catalogue)
        .add_systems(PreUpdate, follow_asset_events);
}

/// One scenario file, loaded and checked.
#[derive(Asset, TypePath, Debug)]
pub struct ScenarioAsset(pub Arc<Loaded>);

/// Reads scenario files; `root` is only for the paths in diagnostics.
#[derive(TypePath)]
struct ScenarioLoader {
    root: PathBuf,
}

impl AssetLoader for ScenarioLoader {
    type Asset = ScenarioAsset;
    type Settings = ();
    type Error = std::io::Error;

    async fn load(
        &self,
        reader: &mut dyn Reader,
        _settings: &(),
        load_context: &mut LoadContext<'_>,
    ) -> Result<ScenarioAsset, std::io::Error> {
        let mut bytes = Vec::new();
        reader.read_to_end(&mut bytes).await?;
        let shown = self.root.join(load_context.path().path());
        Ok(ScenarioAsset(Arc::new(load_bytes(&shown, &bytes))))
    }

    fn extensions(&self) -> &[&str] {
        &["ron"]
    }
}

/// Every scenario the game knows, in file order, each with its latest load.
#[derive(Resource, Default, Debug)]
pub struct Catalogue {
    pub entries: Vec<CatalogueEntry>,
    /// Set when the scenarios folder could not be read.
    pub problem: Option<String>,
    /// Counts the loads and reloads, so followers see that something changed.
    pub generation: u64,
}

#[derive(Debug, Clone)]
pub struct CatalogueEntry {
    /// The file's path relative to the scenarios folder.
    pub file: PathBuf,
    pub handle: Option<Handle<ScenarioAsset>>,
    /// `None` until the file has been read.
    pub loaded: Option<Arc<Loaded>>,
}

impl Catalogue {
    /// The entry of a scenario by its file.
    pub fn find(&self, file: &Path) -> Option<&CatalogueEntry> {
        self.entries.iter().find(|e| e.file == file)
    }

    /// Adds an already loaded scenario (for `shot` and tests that bypass
    /// the asset server).
    pub fn insert_loaded(&mut self, file: PathBuf, loaded: Loaded) {
        let loaded = Some(Arc::new(loaded));
        self.generation += 1;
        match self.entries.iter_mut().find(|e| e.file == file) {
            Some(e) => e.loaded = loaded,
            None => self.entries.push(CatalogueEntry {
                file,
                handle: None,
                loaded,
            }),
        }
    }

    /// True once every file has been read.
    pub fn is_ready(&self) -> bool {
        self.entries.iter().all(|e| e.loaded.is_some())
    }
}

/// A scenario file changed on disk and was loaded again.
#[derive(Message, Debug, Clone)]
pub struct ScenarioChanged {
    pub file: PathBuf,
}

fn load_catalogue(
    config: Res<GameConfig>,
    server: Res<AssetServer>,
    mut catalogue: ResMut<Catalogue>,
) {
    let root = &config.scenarios;
    match collect_scenario_files(std::slice::from_ref(root)) {
        Ok(files) => {
            for path in files {
                let file = path.strip_prefix(root).unwrap_or(&path).to_path_buf();
                let handle = server.load::<ScenarioAsset>(file.clone());
                catalogue.entries.push(CatalogueEntry {
                    file,
                    handle: Some(handle),
                    loaded: None,
                });
            }
        }
        Err(e) => catalogue.problem = Some(e),
    }
}

fn follow_asset_events(
    mut events: MessageReader<AssetEvent<ScenarioAsset>>,
    assets: Res<Assets<ScenarioAsset>>,
    mut catalogue: ResMut<Catalogue>,
    mut changed: MessageWriter<ScenarioChanged>,
) {
    for event in events.read() {
        let (AssetEvent::LoadedWithDependencies { id } | AssetEvent::Modified { id }) = event
        else {
            continue;
        };
        let Some(asset) = assets.get(*id) else {
            continue;
        };
        if let Some(entry) = catalogue
            .entries
            .iter_mut()
            .find(|e| e.handle.as_ref().is_some_and(|h| h.id() == *id))
        {
            let reloaded = entry.loaded.is_some();
            entry.loaded = Some(Arc::clone(&asset.0));
            if reloaded {
                changed.write(ScenarioChanged {
                    file: entry.file.clone(),
                });
            }
            catalogue.generation += 1;
        }
    }
}
