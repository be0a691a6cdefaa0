//! The screens, one plugin per file. [`Screen`] is the state; Esc goes back
//! one step from every screen (the shift screen asks first).

mod briefing;
mod debrief;
mod list;
mod profile;
mod settings;
mod shift;

use std::path::PathBuf;

use bevy::ecs::system::SystemParam;
use bevy::prelude::*;

use super::profiles::{Course, Profiles};

pub use profile::PickTrainee;
pub use settings::{Settings, TEXT_SCALES};

pub(super) fn plugin(app: &mut App) {
    app.init_state::<Screen>()
        .init_resource::<Selected>()
        .init_resource::<SettingsReturn>()
        .add_systems(Update, go_back.run_if(not(in_state(Screen::Shift))))
        .add_plugins((
            profile::plugin,
            list::plugin,
            briefing::plugin,
            shift::plugin,
            debrief::plugin,
            settings::plugin,
        ));
}

/// Where the trainee is.
#[derive(States, Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Screen {
    /// Create or pick a trainee.
    #[default]
    Profile,
    /// The scenarios, by career stage.
    List,
    /// One scenario's summary, goals, clients and team.
    Briefing,
    /// Playing a shift.
    Shift,
    /// The scores and every decision explained.
    Debrief,
    Settings,
}

impl Screen {
    /// Where Esc leads.
    fn back(self) -> Option<Screen> {
        match self {
            Screen::Profile | Screen::Shift => None,
            Screen::List => Some(Screen::Profile),
            Screen::Briefing | Screen::Debrief => Some(Screen::List),
            Screen::Settings => None,
        }
    }
}

/// The scenario the list or the debrief points at, by its file relative to
/// the scenarios folder.
#[derive(Resource, Debug, Clone, Default)]
pub struct Selected(pub Option<PathBuf>);

/// The screen the settings return to.
#[derive(Resource, Debug, Clone, Copy, Default)]
pub struct SettingsReturn(pub Screen);

/// Moving between screens: the next one, and where the settings screen
/// comes back to.
#[derive(SystemParam)]
pub struct Navigate<'w> {
    next: ResMut<'w, NextState<Screen>>,
    settings_return: ResMut<'w, SettingsReturn>,
}

impl Navigate<'_> {
    pub fn to(&mut self, screen: Screen) {
        self.next.set(screen);
    }

    /// Opens the settings; leaving them comes back to `from`.
    pub fn open_settings(&mut self, from: Screen) {
        self.settings_return.0 = from;
        self.next.set(Screen::Settings);
    }
}

/// The trainees' profiles and the course they follow, to read.
#[derive(SystemParam)]
pub struct Trainees<'w> {
    pub profiles: Res<'w, Profiles>,
    pub course: Res<'w, Course>,
}

fn go_back(
    keys: Res<ButtonInput<KeyCode>>,
    screen: Res<State<Screen>>,
    back_from_settings: Res<SettingsReturn>,
    mut next: ResMut<NextState<Screen>>,
) {
    if !keys.just_pressed(KeyCode::Escape) {
        return;
    }
    let target = match screen.get() {
        Screen::Settings => Some(back_from_settings.0),
        s => s.back(),
    };
    if let Some(t) = target {
        next.set(t);
    }
}

/// Whether the game shows what authors need (file names, seeds, the
/// diagnostics of broken files): `--author`, or the setting.
#[derive(SystemParam)]
pub struct AuthorMode<'w> {
    config: Res<'w, crate::game::GameConfig>,
    settings: Res<'w, Settings>,
}

impl AuthorMode<'_> {
    pub fn on(&self) -> bool {
        self.config.author || self.settings.author_mode
    }
}
