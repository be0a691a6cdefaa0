//! The bridge between the game and the engine: the running shift, the
//! commands the screens send, the Bevy clock turned into shift minutes, and
//! the keyboard. Nothing here decides an outcome: commands become engine
//! [`Action`]s, and the engine and scoring say what they were worth.

use std::path::PathBuf;
use std::sync::Arc;

use bevy::ecs::system::SystemParam;
use bevy::prelude::*;

use jiff::Timestamp;

use super::assets::{Catalogue, ScenarioChanged};
use super::profiles::{Course, Profiles};
use super::screens::Screen;
use crate::engine::replay;
use crate::engine::{Action, Happening, Outcome, Shift, TaskStatus};
use crate::report::RunRecord;
use crate::scenario::{Loaded, Minute, Resolved, Stage, format_time};
use crate::scoring::assess::{Assessment, assess};

/// Shift minutes per real second at speed ×1: a nine-hour shift lasts ten
/// minutes.
pub const MINUTES_PER_SECOND: f64 = 0.9;
/// The speeds the trainee can pick.
pub const SPEEDS: [u32; 3] = [1, 2, 4];

pub(super) fn plugin(app: &mut App) {
    app.add_message::<ShiftCommand>()
        .add_message::<Happened>()
        .add_systems(
            Update,
            (
                read_keys.run_if(in_state(Screen::Shift)),
                apply_commands,
                note_scenario_changes.run_if(resource_exists::<ActiveShift>),
                run_clock.run_if(in_state(Screen::Shift)),
            )
                .chain(),
        )
        .add_systems(OnExit(Screen::Shift), reset_clock);
}

/// Which panel of the shift screen the number keys act on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Panel {
    #[default]
    Dialogue,
    Tasks,
}

/// A shift being played.
#[derive(Resource)]
pub struct ActiveShift {
    /// The scenario's file, relative to the scenarios folder.
    pub file: PathBuf,
    /// The version of the file being played (its text is what the run
    /// record's content hash is taken of).
    pub loaded: Arc<Loaded>,
    /// When the trainee started (for the run record; never for the engine).
    pub started_at: Timestamp,
    pub shift: Shift,
    pub paused: bool,
    /// ×1, ×2 or ×4.
    pub speed: u32,
    /// Shift minutes elapsed since the start, with the fraction.
    pub clock: f64,
    pub focus: Panel,
    /// The selected conversation, by its dialogue (an index into the
    /// scenario's dialogues), so it stays the same one when others open or
    /// close; the first open one when `None` or closed.
    pub conversation: Option<usize>,
    /// The selected task, by its index in the scenario's tasks; the first
    /// row of [`open_tasks`] when `None` or no longer open.
    pub task: Option<usize>,
    /// The last thing the game could not do, or why it paused, in one line:
    /// shown until the next action or for [`NOTICE_SECONDS`].
    pub notice: Option<Notice>,
    /// The scenario file changed on disk: the screen offers to replay the
    /// decisions on the new version or to restart.
    pub changed_on_disk: bool,
}

impl ActiveShift {
    pub fn new(
        file: PathBuf,
        loaded: Arc<Loaded>,
        scenario: Arc<Resolved>,
        seed: u64,
    ) -> ActiveShift {
        ActiveShift {
            file,
            loaded,
            started_at: Timestamp::now(),
            shift: Shift::from_resolved(scenario, seed),
            paused: false,
            speed: 1,
            clock: 0.0,
            focus: Panel::Dialogue,
            conversation: None,
            task: None,
            notice: None,
            changed_on_disk: false,
        }
    }
}

impl ActiveShift {
    /// The selected conversation's place in `shift.conversations()`.
    pub fn conversation_row(&self) -> Option<usize> {
        let open = self.shift.conversations();
        self.conversation
            .and_then(|d| open.iter().position(|c| c.dialogue == d))
            .or((!open.is_empty()).then_some(0))
    }

    /// The selected task's row among `rows` (the task board's).
    pub fn task_row(&self, rows: &[usize]) -> Option<usize> {
        self.task
            .and_then(|t| rows.iter().position(|&r| r == t))
            .or((!rows.is_empty()).then_some(0))
    }

    /// Says something in the notice line.
    pub fn tell(&mut self, text: impl Into<String>, now: f64) {
        self.notice = Some(Notice {
            text: text.into(),
            since: now,
        });
    }
}

/// How long a notice stays, in real seconds, if nothing else happens.
pub const NOTICE_SECONDS: f64 = 8.0;

/// One line the game says to the trainee: why a key did nothing, why an
/// action was refused, why the clock paused.
#[derive(Debug, Clone, PartialEq)]
pub struct Notice {
    pub text: String,
    /// Real seconds since the app started.
    pub since: f64,
}

/// The last finished shift, for the debrief.
#[derive(Resource)]
pub struct LastRun {
    pub file: PathBuf,
    pub seed: u64,
    pub scenario: Arc<Resolved>,
    pub outcome: Outcome,
    pub assessment: Assessment,
    /// The run as it is saved and exported; `None` when nobody was signed
    /// in (the screenshots of `shot`).
    pub record: Option<RunRecord>,
    /// Whether the run is safe in the trainee's profile.
    pub saved: Saved,
}

/// Where the last run stands in the trainee's profile.
#[derive(Debug, Clone, PartialEq)]
pub enum Saved {
    /// Nobody was signed in: nothing to save.
    NoTrainee,
    /// Written to its own file and counted in the profile.
    Yes {
        file: PathBuf,
        promoted_to: Option<Stage>,
        new_best: bool,
    },
    /// Could not be written; the debrief offers to try again.
    Failed(String),
}

impl LastRun {
    /// Saves the run into the current trainee's profile (again, after a
    /// failure: recording the same run twice keeps it once).
    pub fn save(&mut self, profiles: &mut Profiles, course: &Course) {
        let Some(record) = &self.record else {
            self.saved = Saved::NoTrainee;
            return;
        };
        self.saved = match profiles.record(record, course.career()) {
            Ok(r) => Saved::Yes {
                file: r.file,
                promoted_to: r.promoted_to,
                new_best: r.new_best,
            },
            Err(e) => Saved::Failed(e),
        };
    }
}

/// What the screens ask of the running shift.
#[derive(Message, Debug, Clone, PartialEq)]
pub enum ShiftCommand {
    /// Start a shift of a scenario in the catalogue.
    Start {
        file: PathBuf,
        seed: u64,
    },
    /// Answer the open conversation of dialogue `dialogue` (an index into
    /// the scenario's dialogues) with the `n`-th offered choice (0-based,
    /// in the order shown, which the seed shuffles).
    Answer {
        dialogue: usize,
        n: usize,
    },
    /// Any other trainee action.
    Act(Action),
    TogglePause,
    SetSpeed(u32),
    /// Replay the decisions so far on the scenario's new version.
    Replay,
    /// Start the same shift again from the beginning.
    Restart,
    /// Keep playing the version already loaded.
    KeepPlaying,
}

/// Something the engine reports happened in the running shift (a task
/// arrived, a client wrote, a loyalty moved), sent to the screens once, as
/// it happens.
#[derive(Message, Debug, Clone, PartialEq)]
pub struct Happened(pub Happening);

/// Open tasks, soonest deadline first: the task board's rows.
pub fn open_tasks(shift: &Shift) -> Vec<usize> {
    let mut tasks: Vec<usize> = (0..shift.scenario().tasks.len())
        .filter(|&t| shift.task_status(t) == TaskStatus::Open)
        .collect();
    tasks.sort_by_key(|&t| (shift.task_deadline(t), t));
    tasks
}

/// Who can take a task, in the order the number keys pick them: the
/// colleagues with its role, then the trainee (`None`).
pub fn task_options(shift: &Shift, task: usize) -> Vec<Option<usize>> {
    let eligible = &shift.scenario().tasks[task].eligible;
    eligible.iter().map(|&m| Some(m)).chain([None]).collect()
}

/// The action for giving `task` to an option of [`task_options`].
pub fn give_task(shift: &Shift, task: usize, to: Option<usize>) -> Action {
    let sc = shift.scenario();
    let id = sc.tasks[task].id.clone();
    match to {
        Some(m) => Action::Assign {
            task: id,
            to: sc.team[m].id.clone(),
        },
        None => Action::DoMyself { task: id },
    }
}

/// Asking for one more hour on a task's deadline.
pub fn ask_for_an_hour(shift: &Shift, task: usize) -> Action {
    let to = (shift.task_deadline(task) + 60).min(23 * 60 + 59);
    Action::MoveDeadline {
        task: shift.scenario().tasks[task].id.clone(),
        to: format_time(to),
    }
}

fn read_keys(
    keys: Res<ButtonInput<KeyCode>>,
    active: Option<ResMut<ActiveShift>>,
    real: Res<Time<Real>>,
    mut out: MessageWriter<ShiftCommand>,
) {
    let Some(mut active) = active else { return };
    let now = real.elapsed_secs_f64();
    if keys.just_pressed(KeyCode::Space) {
        out.write(ShiftCommand::TogglePause);
    }
    let faster = keys.any_just_pressed([KeyCode::Equal, KeyCode::NumpadAdd]);
    let slower = keys.any_just_pressed([KeyCode::Minus, KeyCode::NumpadSubtract]);
    if faster || slower {
        let i = SPEEDS.iter().position(|&s| s == active.speed).unwrap_or(0);
        let i = if faster {
            (i + 1).min(SPEEDS.len() - 1)
        } else {
            i.saturating_sub(1)
        };
        out.write(ShiftCommand::SetSpeed(SPEEDS[i]));
    }
    if keys.just_pressed(KeyCode::Tab) {
        active.focus = match active.focus {
            Panel::Dialogue => Panel::Tasks,
            Panel::Tasks => Panel::Dialogue,
        };
    }
    let up = keys.just_pressed(KeyCode::ArrowUp);
    let down = keys.just_pressed(KeyCode::ArrowDown);
    let digit = [
        KeyCode::Digit1,
        KeyCode::Digit2,
        KeyCode::Digit3,
        KeyCode::Digit4,
    ]
    .iter()
    .chain(&[
        KeyCode::Numpad1,
        KeyCode::Numpad2,
        KeyCode::Numpad3,
        KeyCode::Numpad4,
    ])
    .position(|k| keys.just_pressed(*k))
    .map(|i| i % 4);
    let task_keys = keys.any_just_pressed([KeyCode::KeyM, KeyCode::KeyD]);
    match active.focus {
        Panel::Dialogue => {
            let open: Vec<usize> = active
                .shift
                .conversations()
                .iter()
                .map(|c| c.dialogue)
                .collect();
            let row = active
                .conversation_row()
                .map(|r| step(r, open.len(), up, down));
            active.conversation = row.map(|r| open[r]);
            match (digit, row) {
                (Some(_), None) => active.tell(
                    "No one is waiting for an answer. Tab moves the keys to the tasks.",
                    now,
                ),
                (Some(n), Some(r)) => {
                    let c = &active.shift.conversations()[r];
                    let shown = active.shift.shown_choices(c).len();
                    if n < shown {
                        out.write(ShiftCommand::Answer {
                            dialogue: open[r],
                            n,
                        });
                    } else {
                        active.tell(
                            format!(
                                "This conversation offers {shown} answer(s): press 1–{}.",
                                shown.min(4)
                            ),
                            now,
                        );
                    }
                }
                _ => {}
            }
            if task_keys {
                active.tell(
                    "M and D act on a task: Tab moves the keys to the tasks.",
                    now,
                );
            }
        }
        Panel::Tasks => {
            let tasks = open_tasks(&active.shift);
            let row = active
                .task_row(&tasks)
                .map(|r| step(r, tasks.len(), up, down));
            active.task = row.map(|r| tasks[r]);
            let Some(task) = active.task else {
                if digit.is_some() || task_keys {
                    active.tell(
                        "No open task to act on. Tab moves the keys to the conversation.",
                        now,
                    );
                }
                return;
            };
            if let Some(n) = digit {
                let options = task_options(&active.shift, task);
                match options.get(n) {
                    Some(&to) => {
                        out.write(ShiftCommand::Act(give_task(&active.shift, task, to)));
                    }
                    None => {
                        let title = active.shift.scenario().tasks[task].title.clone();
                        active.tell(
                            format!(
                                "“{title}” can go to {} people: press 1–{}.",
                                options.len(),
                                options.len().min(4)
                            ),
                            now,
                        );
                    }
                }
            }
            if keys.just_pressed(KeyCode::KeyM) {
                out.write(ShiftCommand::Act(ask_for_an_hour(&active.shift, task)));
            }
            if keys.just_pressed(KeyCode::KeyD) {
                out.write(ShiftCommand::Act(Action::Drop {
                    task: active.shift.scenario().tasks[task].id.clone(),
                }));
            }
        }
    }
    if keys.just_pressed(KeyCode::KeyB) {
        out.write(ShiftCommand::Act(Action::TakeBreak {
            minutes: crate::engine::rules::SHORT_BREAK,
        }));
    }
    if keys.just_pressed(KeyCode::KeyO) {
        match active.shift.offered_initiatives().first() {
            Some(&d) => {
                out.write(ShiftCommand::Act(Action::Open {
                    dialogue: active.shift.scenario().dialogues[d].id.clone(),
                }));
            }
            None => active.tell("There is no conversation you could start now.", now),
        }
    }
}

/// Moves a selection up or down a list of `len`, keeping it in range.
fn step(current: usize, len: usize, up: bool, down: bool) -> usize {
    if len == 0 {
        return 0;
    }
    let current = current.min(len - 1);
    match (up, down) {
        (true, false) => current.saturating_sub(1),
        (false, true) => (current + 1).min(len - 1),
        _ => current,
    }
}

fn apply_commands(
    mut commands: Commands,
    mut incoming: MessageReader<ShiftCommand>,
    catalogue: Res<Catalogue>,
    active: Option<ResMut<ActiveShift>>,
    mut clock: Clock,
    mut next: ResMut<NextState<Screen>>,
) {
    let start_speed = clock.settings.as_ref().map_or(1, |s| s.start_speed);
    let now = clock.real.elapsed_secs_f64();
    let time = &mut clock.time;
    let mut active = active;
    for command in incoming.read() {
        match command {
            ShiftCommand::Start { file, seed } => {
                let Some((loaded, resolved)) = catalogue
                    .find(file)
                    .and_then(|e| e.loaded.as_ref())
                    .and_then(|l| Some((Arc::clone(l), l.resolved.clone()?)))
                else {
                    warn!(
                        "cannot start {}: it is not loaded or has errors",
                        file.display()
                    );
                    continue;
                };
                time.unpause();
                time.set_relative_speed(start_speed as f32);
                let mut shift = ActiveShift::new(file.clone(), loaded, resolved, *seed);
                shift.speed = start_speed;
                commands.insert_resource(shift);
                next.set(Screen::Shift);
                // The new resource is there from the next command on.
                active = None;
            }
            _ => {
                let Some(a) = active.as_deref_mut() else {
                    continue;
                };
                apply_to_shift(a, command, &catalogue, time, now);
            }
        }
    }
}

fn apply_to_shift(
    active: &mut ActiveShift,
    command: &ShiftCommand,
    catalogue: &Catalogue,
    time: &mut Time<Virtual>,
    now: f64,
) {
    let refused = |e: crate::engine::ActError| {
        Some(Notice {
            text: format!("Cannot do that: {e}."),
            since: now,
        })
    };
    match command {
        ShiftCommand::Start { .. } => {}
        ShiftCommand::Answer { dialogue, n } => {
            let Some(c) = active
                .shift
                .conversations()
                .iter()
                .find(|c| c.dialogue == *dialogue)
                .cloned()
            else {
                return;
            };
            // The keys and clicks follow the order shown on screen.
            let shown = active.shift.shown_choices(&c);
            let Some(&choice) = shown.get(*n) else {
                return;
            };
            let action = Action::Answer {
                dialogue: active.shift.scenario().dialogues[c.dialogue].id.clone(),
                choice: crate::engine::ChoiceRef::Number(choice + 1),
            };
            active.notice = active.shift.act(action).err().and_then(refused);
        }
        ShiftCommand::Act(action) => {
            active.notice = active.shift.act(action.clone()).err().and_then(refused);
        }
        ShiftCommand::TogglePause => {
            active.paused = !active.paused;
            if active.paused {
                time.pause();
            } else {
                time.unpause();
            }
        }
        ShiftCommand::SetSpeed(s) => {
            active.speed = *s;
            time.set_relative_speed(*s as f32);
        }
        ShiftCommand::KeepPlaying => active.changed_on_disk = false,
        ShiftCommand::Restart | ShiftCommand::Replay => {
            let Some((loaded, resolved)) = catalogue
                .find(&active.file)
                .and_then(|e| e.loaded.as_ref())
                .and_then(|l| Some((Arc::clone(l), l.resolved.clone()?)))
            else {
                active.tell(
                    "The scenario file now has errors; fix them (the list shows them) or keep playing this version.",
                    now,
                );
                return;
            };
            let seed = active.shift.seed();
            if *command == ShiftCommand::Restart {
                let speed = active.speed;
                *active = ActiveShift::new(active.file.clone(), loaded, resolved, seed);
                active.speed = speed;
                time.unpause();
                return;
            }
            let replayed = replay(resolved, seed, active.shift.decisions(), active.shift.now());
            let problem = replayed.refused.map(|(_, e)| e);
            active.shift = replayed.shift;
            // The trainee saw all of it the first time.
            active.shift.take_happenings();
            active.loaded = loaded;
            active.changed_on_disk = false;
            active.notice = problem.map(|e| Notice {
                text: format!("Replayed up to a decision the new version refuses: {e}"),
                since: now,
            });
        }
    }
}

fn note_scenario_changes(
    mut changes: MessageReader<ScenarioChanged>,
    mut active: ResMut<ActiveShift>,
    mut time: ResMut<Time<Virtual>>,
) {
    for change in changes.read() {
        if change.file == active.file {
            active.changed_on_disk = true;
            active.paused = true;
            time.pause();
        }
    }
}

/// The real time and the settings the clock reads.
#[derive(SystemParam)]
struct Clock<'w> {
    time: ResMut<'w, Time<Virtual>>,
    real: Res<'w, Time<Real>>,
    settings: Option<Res<'w, super::screens::Settings>>,
}

fn run_clock(
    mut commands: Commands,
    mut clock: Clock,
    active: Option<ResMut<ActiveShift>>,
    mut profiles: ResMut<Profiles>,
    course: Res<Course>,
    mut next: ResMut<NextState<Screen>>,
    mut happened: MessageWriter<Happened>,
) {
    let Some(mut active) = active else { return };
    if !active.paused {
        active.clock += clock.time.delta_secs_f64() * MINUTES_PER_SECOND;
    }
    let start = active.shift.scenario().start;
    let target = start + active.clock.floor() as Minute;
    let mut news = if target > active.shift.now() {
        active.shift.advance_to(target)
    } else {
        Vec::new()
    };
    // A client who writes on their own pauses the clock, if the trainee
    // asked for that (a conversation the trainee's own answer or call
    // opened comes below, with the actions).
    let pause = clock
        .settings
        .as_ref()
        .is_some_and(|s| s.pause_when_a_client_writes);
    if pause && !active.paused {
        let shift = &active.shift;
        let sc = shift.scenario();
        let writer = news.iter().find_map(|h| {
            let Happening::DialogueOpened(d) = h else {
                return None;
            };
            let speaker = shift
                .conversations()
                .iter()
                .find(|c| c.dialogue == *d)
                .map(|c| sc.dialogues[*d].nodes[c.node].speaker.to_string());
            sc.dialogues[*d]
                .client
                .map(|c| sc.clients[c].name.to_string())
                .or(speaker)
        });
        if let Some(who) = writer {
            active.paused = true;
            clock.time.pause();
            let now = clock.real.elapsed_secs_f64();
            active.tell(format!("Paused: {who} wrote. Space to go on."), now);
        }
    }
    // What this frame's actions set off, even while the clock is paused.
    news.extend(active.shift.take_happenings());
    happened.write_batch(news.into_iter().map(Happened));
    if active.shift.is_over() {
        let scenario = active.shift.scenario_arc();
        let outcome = active.shift.outcome();
        let assessment = assess(&scenario, &outcome);
        let record = match (
            profiles.current_name(),
            &active.loaded.scenario,
            &active.loaded.source,
        ) {
            (Some(trainee), Some(authored), Some(source)) => Some(RunRecord::new(
                trainee,
                authored,
                source.as_bytes(),
                outcome.clone(),
                &assessment,
                active.started_at,
                Timestamp::now(),
            )),
            _ => None,
        };
        let mut last = LastRun {
            file: active.file.clone(),
            seed: active.shift.seed(),
            scenario,
            outcome,
            assessment,
            record,
            saved: Saved::NoTrainee,
        };
        last.save(&mut profiles, &course);
        commands.insert_resource(last);
        commands.remove_resource::<ActiveShift>();
        next.set(Screen::Debrief);
    }
}

fn reset_clock(mut time: ResMut<Time<Virtual>>) {
    time.unpause();
    time.set_relative_speed(1.0);
}
