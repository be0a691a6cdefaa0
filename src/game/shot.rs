//! `kam-trainer shot`: open the real window, put the game on one screen,
//! save a PNG of it and exit. For looking at the screens by eye and for CI.
//! The shift is played up to the requested time by the greedy policy; the
//! debrief follows a full greedy playthrough.

use std::path::PathBuf;
use std::sync::Arc;

use bevy::ecs::system::SystemParam;
use bevy::prelude::*;
use bevy::render::view::screenshot::{Screenshot, ScreenshotCaptured, save_to_disk};
use bevy::winit::WinitSettings;

use super::GameConfig;
use super::assets::Catalogue;
use super::play::{ActiveShift, LastRun, Saved};
use super::profiles::{Course, Profiles};
use super::screens::{Screen, Selected, Settings};
use super::ui;
use crate::engine::policy::{Policy, autoplay_until};
use crate::scenario::{Minute, load_path};
use crate::scoring::assess::assess;

/// Frames to let egui lay the screen out before the picture is taken.
const SETTLE_FRAMES: u32 = 30;
/// Give up if the catalogue or the capture takes longer than this.
const MAX_FRAMES: u32 = 1200;

/// Which screen to photograph.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ShotScreen {
    Profile,
    List,
    Briefing,
    Shift,
    Debrief,
    Settings,
}

#[derive(Debug, Clone, Resource)]
pub struct ShotRequest {
    pub screen: ShotScreen,
    /// A scenario file; the first valid one in the catalogue if `None`.
    pub scenario: Option<PathBuf>,
    pub seed: u64,
    /// Shift time for the `shift` screen; two hours in if `None`.
    pub at: Option<Minute>,
    pub out: PathBuf,
    /// Frames to draw on the screen before the picture; their median and
    /// slowest frame times are printed.
    pub frames: u32,
    /// Sign in as this trainee (their profile is created in the data
    /// directory if it does not exist); nobody is signed in without it, and
    /// nothing is written.
    pub trainee: Option<String>,
    /// Who plays the shift up to the picture (the greedy player unless
    /// asked: `longest` shows what a critical error looks like).
    pub policy: Policy,
    /// The window in pixels.
    pub size: (u32, u32),
    /// The text size in percent, for this picture only (not saved).
    pub text_scale: u32,
}

/// The seed the briefing shows in a screenshot, instead of a fresh one.
#[derive(Resource, Clone, Copy)]
pub struct ShotSeed(pub u64);

/// Keeps the window drawing every frame while a shot is being taken.
#[derive(Resource)]
pub struct KeepAwake;

#[derive(Resource, Default)]
struct Progress {
    frames: u32,
    ready_at: Option<u32>,
    requested: bool,
    /// Real milliseconds of each frame drawn on the requested screen.
    frame_ms: Vec<f64>,
}

pub(super) fn plugin(request: ShotRequest) -> impl Fn(&mut App) {
    move |app: &mut App| {
        app.insert_resource(request.clone())
            .insert_resource(KeepAwake)
            .insert_resource(WinitSettings::continuous())
            .init_resource::<Progress>()
            .add_systems(Update, drive);
    }
}

/// The game's state the screenshot is set up in.
#[derive(SystemParam)]
struct Game<'w> {
    catalogue: ResMut<'w, Catalogue>,
    profiles: ResMut<'w, Profiles>,
    course: ResMut<'w, Course>,
    selected: ResMut<'w, Selected>,
    next: ResMut<'w, NextState<Screen>>,
    settings: ResMut<'w, Settings>,
    /// What did not fit on the screen shown.
    fit: Res<'w, ui::Fit>,
}

fn drive(
    mut commands: Commands,
    request: Res<ShotRequest>,
    config: Res<GameConfig>,
    mut progress: ResMut<Progress>,
    real: Res<Time<Real>>,
    mut game: Game,
    mut exit: MessageWriter<AppExit>,
) {
    progress.frames += 1;
    if progress.frames > MAX_FRAMES {
        error!("gave up: the screen was not ready after {MAX_FRAMES} frames");
        exit.write(AppExit::from_code(1));
        return;
    }
    if progress.ready_at.is_none() {
        if !game.catalogue.is_ready() {
            return;
        }
        match set_up(&request, &config, &mut commands, &mut game) {
            Ok(screen) => game.next.set(screen),
            Err(e) => {
                error!("{e}");
                exit.write(AppExit::from_code(2));
                return;
            }
        }
        progress.ready_at = Some(progress.frames);
        return;
    }
    let ready_at = progress.ready_at.unwrap_or(0);
    if !progress.requested && progress.frames > ready_at + SETTLE_FRAMES.min(request.frames) {
        // The first frames lay the screen out and build the fonts: not
        // what a trainee sees frame after frame.
        progress.frame_ms.push(real.delta_secs_f64() * 1000.0);
    }
    if !progress.requested && progress.frames >= ready_at + SETTLE_FRAMES.max(request.frames) {
        progress.requested = true;
        print_frame_times(request.screen, &mut progress.frame_ms);
        // Only the shift screen reports its layout so far.
        let misfits = if request.screen == ShotScreen::Shift {
            game.fit.problems.clone()
        } else {
            Vec::new()
        };
        let mut save = save_to_disk(request.out.clone());
        commands.spawn(Screenshot::primary_window()).observe(
            move |captured: On<ScreenshotCaptured>, mut exit: MessageWriter<AppExit>| {
                let blank = is_blank(&captured.image);
                save(captured);
                for problem in &misfits {
                    error!("does not fit: {problem}");
                }
                if blank {
                    error!("the window rendered blank: no picture to check");
                    exit.write(AppExit::from_code(1));
                } else if !misfits.is_empty() {
                    exit.write(AppExit::from_code(3));
                } else {
                    exit.write(AppExit::Success);
                }
            },
        );
    }
}

/// Puts the game on the requested screen; returns it.
fn set_up(
    request: &ShotRequest,
    config: &GameConfig,
    commands: &mut Commands,
    game: &mut Game,
) -> Result<Screen, String> {
    let Game {
        catalogue,
        profiles,
        course,
        selected,
        settings,
        ..
    } = game;
    // For this picture only: nothing is saved.
    settings.text_scale = request.text_scale;
    course.rebuild(catalogue, &config.scenarios);
    profiles.refresh(course.career());
    if let Some(name) = &request.trainee {
        profiles.pick(name, course.career())?;
    }
    commands.insert_resource(ShotSeed(request.seed));
    let file = match &request.scenario {
        Some(path) => {
            let absolute =
                std::path::absolute(path).map_err(|e| format!("{}: {e}", path.display()))?;
            let root = std::path::absolute(&config.scenarios).unwrap_or(config.scenarios.clone());
            match absolute.strip_prefix(&root) {
                Ok(rel) if catalogue.find(rel).is_some() => rel.to_path_buf(),
                _ => {
                    catalogue.insert_loaded(absolute.clone(), load_path(path));
                    absolute
                }
            }
        }
        None => catalogue
            .entries
            .iter()
            .find(|e| e.loaded.as_ref().is_some_and(|l| l.resolved.is_some()))
            .map(|e| e.file.clone())
            .ok_or("no valid scenario in the catalogue to show")?,
    };
    selected.0 = Some(file.clone());
    let loaded = catalogue
        .find(&file)
        .and_then(|e| e.loaded.clone())
        .ok_or_else(|| format!("{} is not in the catalogue", file.display()))?;
    let resolved = loaded.resolved.clone();
    match request.screen {
        ShotScreen::Profile => Ok(Screen::Profile),
        ShotScreen::List => Ok(Screen::List),
        ShotScreen::Briefing => Ok(Screen::Briefing),
        ShotScreen::Settings => Ok(Screen::Settings),
        ShotScreen::Shift => {
            let sc = resolved.ok_or_else(|| {
                format!(
                    "{} has errors; run `kam-trainer check` on it",
                    file.display()
                )
            })?;
            let at = request.at.unwrap_or(sc.start + 120).clamp(sc.start, sc.end);
            let shift = autoplay_until(Arc::clone(&sc), request.seed, request.policy, at);
            let mut active = ActiveShift::new(file, loaded, sc, request.seed);
            active.clock = f64::from(shift.now() - shift.scenario().start);
            active.shift = shift;
            active.paused = true;
            commands.insert_resource(active);
            Ok(Screen::Shift)
        }
        ShotScreen::Debrief => {
            let sc = resolved.ok_or_else(|| {
                format!(
                    "{} has errors; run `kam-trainer check` on it",
                    file.display()
                )
            })?;
            let end = sc.end;
            let shift = autoplay_until(Arc::clone(&sc), request.seed, request.policy, end);
            let outcome = shift.outcome();
            let assessment = assess(&sc, &outcome);
            commands.insert_resource(LastRun {
                file,
                seed: request.seed,
                scenario: sc,
                outcome,
                assessment,
                record: None,
                saved: Saved::NoTrainee,
            });
            Ok(Screen::Debrief)
        }
    }
}

/// Prints how long the frames on the screen took (median and slowest).
fn print_frame_times(screen: ShotScreen, ms: &mut [f64]) {
    if ms.is_empty() {
        return;
    }
    ms.sort_by(f64::total_cmp);
    let median = ms[ms.len() / 2];
    let p95 = ms[(ms.len() * 95 / 100).min(ms.len() - 1)];
    println!(
        "{screen:?} screen: {} frames, median {median:.1} ms ({:.0} fps), 95th percentile {p95:.1} ms, slowest {:.1} ms",
        ms.len(),
        1000.0 / median,
        ms[ms.len() - 1]
    );
}

/// A picture with fewer than a handful of colours shows nothing.
fn is_blank(image: &Image) -> bool {
    let Some(data) = image.data.as_ref() else {
        return true;
    };
    let mut colours = std::collections::BTreeSet::new();
    for px in data.chunks_exact(4).step_by(97) {
        colours.insert([px[0], px[1], px[2]]);
        if colours.len() > 8 {
            return false;
        }
    }
    true
}
