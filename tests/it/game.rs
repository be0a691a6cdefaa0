//! The game's real flow, headless: Bevy's `MinimalPlugins` with states,
//! assets and input plus the game's own plugin (everything but the window
//! and the drawing). Keys are pressed as the window would send them.

use std::path::{Path, PathBuf};
use std::time::Duration;

use bevy::input::ButtonState;
use bevy::input::keyboard::{Key, KeyboardInput};
use bevy::prelude::*;
use bevy::state::app::StatesPlugin;
use bevy::time::TimeUpdateStrategy;
use kam_trainer::engine::DecisionKind;
use kam_trainer::game::{
    ActiveShift, Catalogue, Command, GameConfig, GamePlugin, LastRun, PickTrainee, Profiles, Screen,
};
use kam_trainer::scoring::assess::assess;

use crate::common::root;

/// A game with its own scenarios folder and data folder.
struct Game {
    app: App,
    _dirs: tempfile::TempDir,
}

impl Game {
    fn new(files: &[(&str, &Path)]) -> Game {
        let dirs = tempfile::tempdir().unwrap();
        let scenarios = dirs.path().join("scenarios");
        std::fs::create_dir_all(&scenarios).unwrap();
        for (name, from) in files {
            std::fs::copy(from, scenarios.join(name)).unwrap();
        }
        let mut app = App::new();
        app.add_plugins((
            MinimalPlugins,
            StatesPlugin,
            bevy::input::InputPlugin,
            AssetPlugin {
                file_path: scenarios.display().to_string(),
                watch_for_changes_override: Some(false),
                ..default()
            },
        ))
        .add_plugins(GamePlugin {
            config: GameConfig {
                scenarios,
                data_dir: dirs.path().join("data"),
            },
        })
        // Ten real seconds a frame: nine shift minutes at speed ×1.
        .insert_resource(TimeUpdateStrategy::ManualDuration(Duration::from_secs(10)));
        app.world_mut()
            .resource_mut::<Time<Virtual>>()
            .set_max_delta(Duration::from_secs(60));
        let mut game = Game { app, _dirs: dirs };
        game.wait_for_catalogue();
        game
    }

    fn wait_for_catalogue(&mut self) {
        for _ in 0..500 {
            self.app.update();
            let c = self.app.world().resource::<Catalogue>();
            if !c.entries.is_empty() && c.is_ready() {
                return;
            }
            std::thread::sleep(Duration::from_millis(5));
        }
        panic!("the scenarios did not load");
    }

    fn press(&mut self, key: KeyCode) {
        for state in [ButtonState::Pressed, ButtonState::Released] {
            self.app.world_mut().write_message(KeyboardInput {
                key_code: key,
                logical_key: Key::Unidentified(bevy::input::keyboard::NativeKey::Unidentified),
                state,
                text: None,
                repeat: false,
                window: Entity::PLACEHOLDER,
            });
            self.app.update();
        }
    }

    fn send(&mut self, command: Command) {
        self.app.world_mut().write_message(command);
        self.app.update();
    }

    fn screen(&self) -> Screen {
        *self.app.world().resource::<State<Screen>>().get()
    }

    fn shift(&self) -> &ActiveShift {
        self.app.world().resource::<ActiveShift>()
    }
}

fn scenario(name: &str) -> PathBuf {
    root().join("scenarios").join(name)
}

#[test]
fn a_trainee_plays_a_shift_from_profile_to_debrief() {
    let mut game = Game::new(&[("reference.ron", &scenario("reference-late-shipment.ron"))]);
    assert_eq!(game.screen(), Screen::Profile);
    game.app
        .world_mut()
        .write_message(PickTrainee("Anna".into()));
    game.app.update();
    game.app.update();
    assert_eq!(game.screen(), Screen::List);
    assert_eq!(
        game.app.world().resource::<Profiles>().current.as_deref(),
        Some("Anna")
    );

    game.send(Command::Start {
        file: "reference.ron".into(),
        seed: 7,
    });
    game.app.update();
    assert_eq!(game.screen(), Screen::Shift);

    // 09:00: Granel's director asks; "1" gives the first offered answer.
    assert_eq!(game.shift().shift.conversations().len(), 1);
    game.press(KeyCode::Digit1);
    let first = &game.shift().shift.decisions()[0];
    assert!(first.feedback.contains("Bad news early"), "{first:?}");

    // Run to 09:20, when the logistics task arrives; Tab to the task board,
    // "1" gives the first task to the first colleague with its role.
    while game.shift().shift.now() < 9 * 60 + 20 {
        game.app.update();
    }
    game.press(KeyCode::Tab);
    game.press(KeyCode::Digit1);
    let assigned = game.shift().shift.decisions().iter().any(|d| {
        matches!(
            &d.kind,
            DecisionKind::Action(kam_trainer::engine::Action::Assign { .. })
        )
    });
    assert!(assigned, "{:?}", game.shift().shift.decisions());

    // Speed up and let the shift run out.
    game.press(KeyCode::Equal);
    game.press(KeyCode::Equal);
    assert_eq!(game.shift().speed, 4);
    for _ in 0..200 {
        if game.screen() == Screen::Debrief {
            break;
        }
        game.app.update();
    }
    assert_eq!(game.screen(), Screen::Debrief);
    let run = game.app.world().resource::<LastRun>();
    // A trainee who leaves most calls unanswered may burn out first.
    assert!(run.outcome.end_reason.is_some());
    assert!(run.outcome.ended_at > 9 * 60 + 20);
    // The debrief's scores are the engine's and scoring's, nothing else.
    assert_eq!(run.assessment, assess(&run.scenario, &run.outcome));
    assert!(run.outcome.decisions.len() >= 2);
}

#[test]
fn space_pauses_the_clock() {
    let mut game = Game::new(&[("reference.ron", &scenario("reference-late-shipment.ron"))]);
    game.send(Command::Start {
        file: "reference.ron".into(),
        seed: 1,
    });
    game.app.update();
    game.press(KeyCode::Space);
    let at = game.shift().shift.now();
    for _ in 0..5 {
        game.app.update();
    }
    assert!(game.shift().paused);
    assert_eq!(game.shift().shift.now(), at);
    game.press(KeyCode::Space);
    game.app.update();
    assert!(game.shift().shift.now() > at);
}

#[test]
fn a_broken_scenario_is_listed_with_its_errors_and_cannot_start() {
    let broken = root().join("tests/fixtures/bad/unknown-node-next.ron");
    let mut game = Game::new(&[
        ("reference.ron", &scenario("reference-late-shipment.ron")),
        ("broken.ron", &broken),
        ("store.ron", &scenario("merchandiser-store-round.ron")),
    ]);
    let catalogue = game.app.world().resource::<Catalogue>();
    assert_eq!(catalogue.entries.len(), 3);
    let status = |file: &str| {
        let loaded = catalogue
            .find(Path::new(file))
            .unwrap()
            .loaded
            .clone()
            .unwrap();
        (loaded.resolved.is_some(), loaded.render_diagnostics())
    };
    assert!(status("reference.ron").0);
    assert!(status("store.ron").0);
    let (ok, diagnostics) = status("broken.ron");
    assert!(!ok);
    assert!(diagnostics.contains("KAM0012"), "{diagnostics}");
    game.send(Command::Start {
        file: "broken.ron".into(),
        seed: 1,
    });
    game.app.update();
    assert_ne!(game.screen(), Screen::Shift);
    assert!(!game.app.world().contains_resource::<ActiveShift>());
}

#[test]
fn replaying_on_a_changed_scenario_keeps_the_decisions() {
    let mut game = Game::new(&[("reference.ron", &scenario("reference-late-shipment.ron"))]);
    game.send(Command::Start {
        file: "reference.ron".into(),
        seed: 3,
    });
    game.app.update();
    game.press(KeyCode::Digit1);
    for _ in 0..5 {
        game.app.update();
    }
    game.press(KeyCode::Space);
    let before: Vec<_> = game.shift().shift.decisions().to_vec();
    let now = game.shift().shift.now();
    game.send(Command::Replay);
    assert_eq!(game.shift().shift.decisions(), &before[..]);
    assert_eq!(game.shift().shift.now(), now);
    game.send(Command::Restart);
    assert!(game.shift().shift.decisions().is_empty());
}
