//! The desktop game: Bevy states for the screens, one plugin per screen
//! (`screens/`), all drawing in bevy_egui, and a bridge (`play`) that turns
//! the trainee's clicks and keys into engine [`Action`]s and the Bevy clock
//! into shift minutes.
//!
//! No game rule lives here: the engine decides what happens, scoring decides
//! what it was worth; this module only shows it and passes input on.
//!
//! [`Action`]: crate::engine::Action

mod assets;
mod export;
mod low_power;
mod lrs;
mod play;
mod profiles;
mod resume;
mod screens;
mod shot;
mod theme;
mod ui;

use std::path::PathBuf;
use std::process::ExitCode;

use bevy::prelude::*;
use bevy::window::WindowResolution;
use bevy_egui::EguiPlugin;

pub use assets::{Catalogue, CatalogueEntry, ScenarioAsset};
pub use lrs::{LrsStatus, SendResults};
pub use play::{
    ActiveShift, Happened, LastRun, MINUTES_PER_SECOND, Notice, Panel, Saved, ShiftCommand,
    open_tasks,
};
pub use profiles::{Course, Profiles};
pub use resume::{InProgress, Resumable, ResumeChoice};
pub use screens::{PickTrainee, Screen, Selected, TEXT_SCALES};
pub use shot::{ShotRequest, ShotScreen};

/// Where the game finds its files.
#[derive(Debug, Clone, Resource)]
pub struct GameConfig {
    /// The folder of scenario files; also the asset root.
    pub scenarios: PathBuf,
    /// Where trainee profiles are kept.
    pub data_dir: PathBuf,
    /// Started with `--author`: author mode whatever the setting says.
    pub author: bool,
}

/// Opens the game window and runs until it is closed.
pub fn run(config: GameConfig, shot: Option<ShotRequest>) -> ExitCode {
    let mut app = App::new();
    let scenarios = std::path::absolute(&config.scenarios).unwrap_or(config.scenarios.clone());
    let (width, height) = shot.as_ref().map_or((1280, 720), |s| s.size);
    app.add_plugins(
        DefaultPlugins
            .set(WindowPlugin {
                primary_window: Some(Window {
                    title: "KAM Trainer".into(),
                    resolution: WindowResolution::new(width, height),
                    ..default()
                }),
                // The shift screen asks before a closed window ends a shift.
                close_when_requested: false,
                ..default()
            })
            .set(AssetPlugin {
                file_path: scenarios.display().to_string(),
                // Authors edit scenarios while the game runs.
                watch_for_changes_override: Some(shot.is_none()),
                ..default()
            }),
    )
    .add_plugins(EguiPlugin::default())
    // egui draws through a camera; the game has no other scene, so no
    // multisampling: under a software renderer (llvmpipe, the virtual
    // desktops of training rooms) resolving 4 samples a pixel of an empty
    // scene was a large part of every frame.
    .add_systems(Startup, |mut commands: Commands| {
        commands.spawn((Camera2d, Msaa::Off));
    })
    .add_plugins((theme::plugin, low_power::plugin))
    .add_plugins(GamePlugin { config });
    if let Some(shot) = shot {
        app.add_plugins(shot::plugin(shot));
    }
    match app.run() {
        AppExit::Success => ExitCode::SUCCESS,
        AppExit::Error(code) => ExitCode::from(code.get()),
    }
}

/// Everything but the window and the drawing: states, scenario assets,
/// profiles, keyboard input and the engine bridge. Tests add it to
/// `MinimalPlugins` with `StatesPlugin`, `AssetPlugin` and `InputPlugin`.
pub struct GamePlugin {
    pub config: GameConfig,
}

impl Plugin for GamePlugin {
    fn build(&self, app: &mut App) {
        app.insert_resource(self.config.clone()).add_plugins((
            assets::plugin,
            profiles::plugin,
            play::plugin,
            resume::plugin,
            lrs::plugin,
            screens::plugin,
        ));
    }
}
