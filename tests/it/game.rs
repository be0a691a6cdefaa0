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
use kam_trainer::career::Store;
use kam_trainer::career::ladder::Career;
use kam_trainer::engine::script::run_script;
use kam_trainer::engine::{DecisionKind, Happening, TaskStatus};
use kam_trainer::game::{
    ActiveShift, Catalogue, Course, GameConfig, GamePlugin, Happened, LastRun, PickTrainee,
    Profiles, Resumable, ResumeChoice, Saved, Screen, ShiftCommand,
};
use kam_trainer::scenario::Stage;
use kam_trainer::scoring::assess::assess;
use kam_trainer::scoring::plans::{Expect, load_plans};

use crate::common::root;

/// A game with its own scenarios folder and data folder.
struct Game {
    app: App,
    _dirs: tempfile::TempDir,
}

impl Game {
    fn new(files: &[(&str, &Path)]) -> Game {
        Game::with_data(files, &[])
    }

    /// A game whose data folder already holds these files (name, content).
    fn with_data(files: &[(&str, &Path)], data: &[(&str, &str)]) -> Game {
        let dirs = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dirs.path().join("data")).unwrap();
        for (name, content) in data {
            std::fs::write(dirs.path().join("data").join(name), content).unwrap();
        }
        let scenarios = dirs.path().join("scenarios");
        std::fs::create_dir_all(&scenarios).unwrap();
        for (name, from) in files {
            std::fs::copy(from, scenarios.join(name)).unwrap();
        }
        Game::in_folders(dirs)
    }

    /// The game started again on the same folders, as after quitting.
    fn restart(self) -> Game {
        let Game { app, _dirs } = self;
        drop(app);
        Game::in_folders(_dirs)
    }

    fn in_folders(dirs: tempfile::TempDir) -> Game {
        let scenarios = dirs.path().join("scenarios");
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
                author: false,
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

    fn send(&mut self, command: ShiftCommand) {
        self.app.world_mut().write_message(command);
        self.app.update();
    }

    fn screen(&self) -> Screen {
        *self.app.world().resource::<State<Screen>>().get()
    }

    fn shift(&self) -> &ActiveShift {
        self.app.world().resource::<ActiveShift>()
    }

    /// The game's scenarios folder.
    fn scenarios(&self) -> PathBuf {
        self._dirs.path().join("scenarios")
    }
}

/// A scenario the game tests play: the reference, or a shift kept as a
/// fixture (so that the course can change without changing these tests).
fn scenario(name: &str) -> PathBuf {
    if name.starts_with("reference-late-shipment") {
        root().join("docs/reference").join(name)
    } else {
        root().join("tests/fixtures/cohort").join(name)
    }
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
        game.app.world().resource::<Profiles>().current_name(),
        Some("Anna")
    );

    game.send(ShiftCommand::Start {
        file: "reference.ron".into(),
        seed: 7,
    });
    game.app.update();
    assert_eq!(game.screen(), Screen::Shift);

    // 09:00: Granel's director asks. The answers are shown in an order the
    // seed shuffles; the number key of the place where the first written
    // answer is shown gives that answer.
    assert_eq!(game.shift().shift.conversations().len(), 1);
    let conv = game.shift().shift.conversations()[0];
    let shown = game.shift().shift.shown_choices(&conv);
    let place = shown.iter().position(|&c| c == 0).unwrap();
    game.press([KeyCode::Digit1, KeyCode::Digit2, KeyCode::Digit3][place]);
    let first = &game.shift().shift.decisions()[0];
    let words = kam_trainer::messages::decision(Some(game.shift().shift.scenario()), first);
    assert!(words.feedback.contains("Bad news early"), "{first:?}");

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
fn a_shift_starts_at_the_speed_chosen_in_settings() {
    let mut game = Game::with_data(
        &[("reference.ron", &scenario("reference-late-shipment.ron"))],
        &[("settings.json", r#"{"text_scale": 100, "start_speed": 4}"#)],
    );
    game.send(ShiftCommand::Start {
        file: "reference.ron".into(),
        seed: 3,
    });
    game.app.update();
    assert_eq!(game.screen(), Screen::Shift);
    assert_eq!(game.shift().speed, 4);
    assert_eq!(
        game.app
            .world()
            .resource::<Time<Virtual>>()
            .relative_speed(),
        4.0
    );
}

#[test]
fn space_pauses_the_clock() {
    let mut game = Game::new(&[("reference.ron", &scenario("reference-late-shipment.ron"))]);
    game.send(ShiftCommand::Start {
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
    game.send(ShiftCommand::Start {
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
    game.send(ShiftCommand::Start {
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
    game.send(ShiftCommand::Replay);
    assert_eq!(game.shift().shift.decisions(), &before[..]);
    assert_eq!(game.shift().shift.now(), now);
    game.send(ShiftCommand::Restart);
    assert!(game.shift().shift.decisions().is_empty());
}

/// Plays a scenario in the game with the first winning plan beside it:
/// the plan is played by the engine first, and each of its actions is
/// sent to the game at the minute the engine did it (steps timed by what
/// happens have their minute only once played), then the clock runs to the
/// debrief.
fn play_winning_plan(game: &mut Game, file: &str, plans: &Path) {
    let loaded = load_plans(plans);
    let plan = loaded
        .plans
        .iter()
        .find(|p| p.expect == Expect::Pass)
        .expect("a winning plan");
    let scenario = kam_trainer::scenario::load_path(&game.scenarios().join(file))
        .resolved
        .expect("the scenario is valid");
    let played = run_script(scenario, plan.seed, &plan.steps).expect("the plan plays");
    let actions: Vec<(kam_trainer::scenario::Minute, kam_trainer::engine::Action)> = played
        .decisions()
        .iter()
        .filter_map(|d| match &d.kind {
            DecisionKind::Action(a) => Some((d.time, a.clone())),
            DecisionKind::Timeout { .. } => None,
        })
        .collect();
    game.send(ShiftCommand::Start {
        file: file.into(),
        seed: plan.seed,
    });
    game.app.update();
    // One shift minute a frame, so every step lands on its minute.
    game.app
        .insert_resource(TimeUpdateStrategy::ManualDuration(Duration::from_secs_f64(
            1.0 / kam_trainer::game::MINUTES_PER_SECOND,
        )));
    let mut steps = actions.iter().peekable();
    while let Some((at, action)) = steps.next() {
        while game.shift().shift.now() < *at {
            game.app.update();
        }
        game.app
            .world_mut()
            .write_message(ShiftCommand::Act(action.clone()));
        // Actions at the same minute go in the same frame.
        while let Some((_, same)) = steps.next_if(|(t, _)| t == at) {
            game.app
                .world_mut()
                .write_message(ShiftCommand::Act(same.clone()));
        }
        game.app.update();
        assert_eq!(
            game.shift().notice,
            None,
            "the action at {} was refused",
            kam_trainer::scenario::format_time(*at)
        );
    }
    for _ in 0..2000 {
        if game.screen() == Screen::Debrief {
            return;
        }
        game.app.update();
    }
    panic!("the shift did not end");
}

#[test]
fn passing_the_only_merchandiser_shift_promotes_and_the_debrief_knows() {
    let mut game = Game::new(&[("store.ron", &scenario("merchandiser-store-round.ron"))]);
    game.app
        .world_mut()
        .write_message(PickTrainee("Мария".into()));
    game.app.update();
    game.app.update();
    assert_eq!(
        game.app.world().resource::<Profiles>().stage(),
        Stage::Merchandiser
    );

    play_winning_plan(
        &mut game,
        "store.ron",
        &scenario("merchandiser-store-round.plans.ron"),
    );
    let last = game.app.world().resource::<LastRun>();
    assert!(last.assessment.passed);
    let Saved::Yes {
        file, promoted_to, ..
    } = &last.saved
    else {
        panic!("the run was not saved: {:?}", last.saved);
    };
    assert!(file.exists());
    // One Merchandiser shift in the course: passing it is the stage.
    assert_eq!(*promoted_to, Some(Stage::SalesRepresentative));
    let profiles = game.app.world().resource::<Profiles>();
    assert_eq!(profiles.stage(), Stage::SalesRepresentative);
    assert_eq!(profiles.runs().len(), 1);
    assert_eq!(profiles.runs()[0].trainee, "Мария");
    assert_eq!(profiles.runs()[0].scores, last.assessment.scores);

    // Nothing is lost on the way back in: a fresh game on the same data
    // folder sees the rank and the run.
    let data = game.app.world().resource::<GameConfig>().data_dir.clone();
    let store = Store::open(&data).unwrap();
    let career =
        Career::by_declared_stage(&[("merchandiser-store-round".to_owned(), Stage::Merchandiser)]);
    let profile = store.load("Мария", &career).unwrap();
    assert_eq!(profile.summary.stage, Stage::SalesRepresentative);
    assert_eq!(profile.runs.len(), 1);
}

#[test]
fn shifts_above_the_trainees_stage_are_locked() {
    let mut game = Game::new(&[
        ("store.ron", &scenario("merchandiser-store-round.ron")),
        ("team.ron", &scenario("supervisor-short-team.ron")),
    ]);
    game.app
        .world_mut()
        .write_message(PickTrainee("Anna".into()));
    game.app.update();
    game.app.update();
    let stage = game.app.world().resource::<Profiles>().stage();
    let course = game.app.world().resource::<Course>();
    assert_eq!(
        course.career().stage_of("supervisor-short-team"),
        Some(Stage::Supervisor)
    );
    assert!(Career::is_unlocked(Stage::Merchandiser, stage));
    assert!(!Career::is_unlocked(Stage::Supervisor, stage));
}

#[test]
fn the_trainee_opens_an_offered_conversation_with_o_and_answers_by_what_is_shown() {
    let fixture = root().join("tests/fixtures/judgement/initiative.ron");
    let mut game = Game::new(&[("initiative.ron", &fixture)]);
    game.app
        .world_mut()
        .write_message(PickTrainee("Ира".into()));
    game.app.update();
    game.send(ShiftCommand::Start {
        file: "initiative.ron".into(),
        seed: 4,
    });
    game.app.update();
    assert_eq!(game.screen(), Screen::Shift);
    // Nothing is offered before the warehouse's news at 09:30; O does nothing.
    game.press(KeyCode::KeyO);
    assert!(game.shift().shift.decisions().is_empty());
    // One shift minute a frame from here.
    game.app
        .insert_resource(TimeUpdateStrategy::ManualDuration(Duration::from_secs_f64(
            1.0 / kam_trainer::game::MINUTES_PER_SECOND,
        )));
    while game.shift().shift.now() < 9 * 60 + 30 {
        game.app.update();
    }
    assert_eq!(game.shift().shift.offered_initiatives().len(), 1);
    game.press(KeyCode::KeyO);
    let opened = game.shift().shift.decisions().last().cloned().unwrap();
    assert_eq!(
        opened.kind,
        DecisionKind::Action(kam_trainer::engine::Action::Open {
            dialogue: "call-shop".into()
        })
    );
    assert!(game.shift().shift.offered_initiatives().is_empty());
    // The answers are shown shuffled; the key of the place where "tell" is
    // shown gives "tell".
    let conv = game.shift().shift.conversations()[0];
    let shown = game.shift().shift.shown_choices(&conv);
    let tell = 0; // "tell" is the first answer written
    let place = shown.iter().position(|&c| c == tell).unwrap();
    game.press([KeyCode::Digit1, KeyCode::Digit2][place]);
    let answered = game.shift().shift.decisions().last().cloned().unwrap();
    assert_eq!(
        answered.kind,
        DecisionKind::Action(kam_trainer::engine::Action::Answer {
            dialogue: "call-shop".into(),
            choice: "tell".into(),
        })
    );
    assert!(game.shift().shift.conversations().is_empty());
}

/// Every happening a screen was sent, in order.
#[derive(Resource, Default)]
struct Seen(Vec<Happening>);

fn collect(mut happened: MessageReader<Happened>, mut seen: ResMut<Seen>) {
    seen.0.extend(happened.read().map(|Happened(h)| h.clone()));
}

#[test]
fn what_the_engine_reports_reaches_the_screens_once_each() {
    let mut game = Game::new(&[("reference.ron", &scenario("reference-late-shipment.ron"))]);
    game.app
        .init_resource::<Seen>()
        .add_systems(Update, collect);
    game.app
        .world_mut()
        .write_message(PickTrainee("Anna".into()));
    game.app.update();
    game.send(ShiftCommand::Start {
        file: "reference.ron".into(),
        seed: 3,
    });
    game.app.update();
    let clients = game.shift().shift.scenario().clients.len();
    let before: Vec<i32> = (0..clients)
        .map(|c| game.shift().shift.loyalty(c))
        .collect();
    // Answer whoever asks first with the first answer shown, for a few
    // hours of the shift (nine shift minutes a frame).
    for _ in 0..24 {
        if let Some(c) = game.shift().shift.conversations().first() {
            let dialogue = c.dialogue;
            game.send(ShiftCommand::Answer { dialogue, n: 0 });
        }
        game.app.update();
        assert_eq!(game.screen(), Screen::Shift);
    }
    let shift = &game.shift().shift;
    let seen = &game.app.world().resource::<Seen>().0;
    assert!(!shift.decisions().is_empty());
    let mut moved = 0;
    for (c, &was) in before.iter().enumerate() {
        let by: i32 = seen
            .iter()
            .filter_map(|h| match h {
                Happening::LoyaltyChanged { client, by } if *client == c => Some(*by),
                _ => None,
            })
            .sum();
        moved += by.abs();
        assert_eq!(was + by, shift.loyalty(c), "client {c}");
    }
    assert!(moved > 0, "the answers moved no loyalty: {seen:?}");
    let arrived = (0..shift.scenario().tasks.len())
        .filter(|&t| shift.task_status(t) != TaskStatus::NotArrived)
        .count();
    let arrivals = seen
        .iter()
        .filter(|h| matches!(h, Happening::TaskArrived(_)))
        .count();
    assert_eq!(arrivals, arrived);
}

#[test]
fn a_shift_closed_mid_way_resumes_after_a_restart_and_its_run_verifies() {
    let mut game = Game::new(&[("reference.ron", &scenario("reference-late-shipment.ron"))]);
    game.app
        .world_mut()
        .write_message(PickTrainee("Anna".into()));
    game.app.update();
    game.app.update();
    game.send(ShiftCommand::Start {
        file: "reference.ron".into(),
        seed: 11,
    });
    game.app.update();
    assert_eq!(game.screen(), Screen::Shift);
    // Answer whoever asks for a while, then close the window.
    for _ in 0..12 {
        if let Some(c) = game.shift().shift.conversations().first() {
            let dialogue = c.dialogue;
            game.send(ShiftCommand::Answer { dialogue, n: 0 });
        }
        game.app.update();
    }
    let decisions = game.shift().shift.decisions().to_vec();
    assert!(decisions.len() >= 2, "{decisions:?}");
    game.app
        .world_mut()
        .write_message(bevy::window::WindowCloseRequested {
            window: Entity::PLACEHOLDER,
        });
    game.app.update();
    // The window does not just close: the shift asks, and the clock stops.
    assert_eq!(game.screen(), Screen::Shift);
    assert!(game.shift().paused);
    let at = game.shift().shift.now();
    game.press(KeyCode::KeyQ);
    assert_eq!(
        game.app.should_exit(),
        Some(AppExit::Success),
        "Q keeps the shift and quits"
    );
    let kept = game._dirs.path().join("data/in-progress");
    assert_eq!(std::fs::read_dir(&kept).unwrap().count(), 1);

    // The next start: the same trainee is offered the shift, resumes it
    // paused at the very minute, with the very decisions.
    let mut game = game.restart();
    game.app
        .world_mut()
        .write_message(PickTrainee("Anna".into()));
    game.app.update();
    game.app.update();
    assert_eq!(game.screen(), Screen::List);
    let offered = game.app.world().resource::<Resumable>();
    let found = offered.found.as_ref().expect("the shift is offered");
    assert_eq!((found.at, found.decisions.len()), (at, decisions.len()));
    game.app.world_mut().write_message(ResumeChoice::Resume);
    game.app.update();
    game.app.update();
    assert_eq!(game.screen(), Screen::Shift);
    assert!(game.shift().paused);
    assert_eq!(game.shift().shift.now(), at);
    assert_eq!(game.shift().shift.decisions(), decisions.as_slice());

    // Played to its end, it records and verifies like any other run.
    game.send(ShiftCommand::TogglePause);
    for _ in 0..200 {
        if game.screen() == Screen::Debrief {
            break;
        }
        game.app.update();
    }
    assert_eq!(game.screen(), Screen::Debrief);
    let run = game.app.world().resource::<LastRun>();
    assert!(matches!(run.saved, Saved::Yes { .. }), "{:?}", run.saved);
    let record = run.record.clone().expect("a trainee's run has a record");
    assert_eq!(
        &record.outcome.decisions[..decisions.len()],
        decisions.as_slice()
    );
    let mut index = kam_trainer::report::ScenarioIndex::default();
    let path = game.scenarios().join("reference.ron");
    index.add(&path, &std::fs::read(&path).unwrap());
    assert_eq!(kam_trainer::report::verify_run(&record, &index), vec![]);
    // Finished: nothing is left to resume.
    assert_eq!(std::fs::read_dir(&kept).unwrap().count(), 0);
}

#[test]
fn the_selected_task_stays_selected_when_another_arrives_above_it() {
    let mut game = Game::new(&[("reference.ron", &scenario("reference-late-shipment.ron"))]);
    game.send(ShiftCommand::Start {
        file: "reference.ron".into(),
        seed: 7,
    });
    game.app.update();
    // Two tasks arrive at 09:20: the press release (due 13:00) and the
    // warehouse search (due 14:00), in that order on the board.
    while game.shift().shift.now() < 9 * 60 + 20 {
        game.app.update();
    }
    let sc = game.shift().shift.scenario_arc();
    let id_of = |title: &str| {
        sc.tasks
            .iter()
            .position(|t| t.title.starts_with(title))
            .unwrap()
    };
    let warehouse = id_of("Find stock at the second warehouse");
    let leads = id_of("Leads by channel");
    game.send(ShiftCommand::TogglePause);
    game.press(KeyCode::Tab);
    game.press(KeyCode::ArrowDown);
    assert_eq!(game.shift().task, Some(warehouse));
    // At 09:31 the leads report arrives, due 12:00: it goes to the top of
    // the board and the warehouse search moves down a row.
    game.send(ShiftCommand::TogglePause);
    while game.shift().shift.task_status(leads) != TaskStatus::Open {
        game.app.update();
    }
    game.send(ShiftCommand::TogglePause);
    let rows = kam_trainer::game::open_tasks(&game.shift().shift);
    assert_eq!(rows[0], leads, "{rows:?}");
    assert_eq!(game.shift().task, Some(warehouse));
    // 1 gives the task that is selected, not the one now in its old row.
    game.press(KeyCode::Digit1);
    let last = game.shift().shift.decisions().last().cloned().unwrap();
    match last.kind {
        DecisionKind::Action(kam_trainer::engine::Action::Assign { task, .. }) => {
            assert_eq!(task, sc.tasks[warehouse].id);
        }
        other => panic!("expected the warehouse search given away, got {other:?}"),
    }
}

impl Game {
    /// Plays a short shift to its debrief as a trainee who only watches.
    fn play_to_the_end(&mut self, trainee: &str) {
        self.app
            .world_mut()
            .write_message(PickTrainee(trainee.into()));
        self.app.update();
        self.app.update();
        self.send(ShiftCommand::Start {
            file: "reference.ron".into(),
            seed: 3,
        });
        self.app.update();
        assert_eq!(self.screen(), Screen::Shift);
        self.send(ShiftCommand::SetSpeed(4));
        for _ in 0..300 {
            if self.screen() == Screen::Debrief {
                return;
            }
            self.app.update();
        }
        panic!("the shift did not end");
    }

    /// Updates until the background sender is idle after a send.
    fn wait_for_the_sender(&mut self) -> &kam_trainer::game::LrsStatus {
        let since = std::time::Instant::now();
        loop {
            self.app.update();
            let status = self.app.world().resource::<kam_trainer::game::LrsStatus>();
            if !status.sending() && status.last.is_some() {
                return self.app.world().resource::<kam_trainer::game::LrsStatus>();
            }
            assert!(
                since.elapsed() < Duration::from_secs(60),
                "no send ended in 60 s"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

#[test]
fn a_finished_run_waits_while_the_lrs_is_down_and_is_sent_at_the_next_start() {
    use crate::lrs::{KEY, SECRET, TestLrs, free_port};
    use kam_trainer::report::outbox::LrsSettings;
    let port = free_port();
    let settings = LrsSettings {
        endpoint: format!("http://127.0.0.1:{port}/xAPI/"),
        key: KEY.to_owned(),
        secret: SECRET.to_owned(),
        since: Some(jiff::Timestamp::from_second(1_700_000_000).unwrap()),
    };
    let mut game = Game::with_data(
        &[("reference.ron", &scenario("reference-late-shipment.ron"))],
        &[("lrs.json", &serde_json::to_string(&settings).unwrap())],
    );
    // Nothing listens: the run is saved and waits in the outbox.
    game.play_to_the_end("Вера Соколова");
    let status = game.wait_for_the_sender();
    assert_eq!(status.waiting.runs, 1);
    assert_eq!(status.waiting.by_trainee.get("Вера Соколова"), Some(&1));
    assert!(
        status
            .last_error()
            .unwrap()
            .contains("could not be reached")
    );
    assert_eq!(
        status.summary().as_deref(),
        Some("1 result waiting to be sent to the LRS.")
    );
    let run = game
        .app
        .world()
        .resource::<LastRun>()
        .record
        .clone()
        .unwrap();

    // The LRS is up when the game starts again: the outbox empties.
    let lrs = TestLrs::start_on(port, 0);
    let mut game = game.restart();
    let status = game.wait_for_the_sender();
    assert_eq!(status.waiting.runs, 0, "{:?}", status.last);
    assert_eq!(status.last_error(), None);
    let stored = lrs.stored_ids();
    // The run's statement and one per decision.
    assert_eq!(stored.len(), 1 + run.outcome.decisions.len());

    // A second run is sent right after it is saved; the first is not sent
    // again.
    game.play_to_the_end("Вера Соколова");
    let status = game.wait_for_the_sender();
    assert_eq!(status.waiting.runs, 0, "{:?}", status.last);
    let second = game
        .app
        .world()
        .resource::<LastRun>()
        .record
        .clone()
        .unwrap();
    let stored = lrs.stored_ids();
    assert_eq!(
        stored.len(),
        2 + run.outcome.decisions.len() + second.outcome.decisions.len()
    );
    assert_eq!(
        stored
            .iter()
            .collect::<std::collections::BTreeSet<_>>()
            .len(),
        stored.len()
    );
}
