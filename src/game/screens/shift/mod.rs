//! The shift screen: the clock and speed, the stress gauge, clients with
//! their loyalty, the team's hours, the open dialogue with its reply timer,
//! the task board and the inbox.
//!
//! It only draws the running [`ActiveShift`] and sends [`ShiftCommand`]s; the
//! engine decides what they do. The game keys (Space, +/−, Tab, arrows, 1–4,
//! M, D, B) are read by the bridge in `play`; this file adds only Esc (leave
//! the shift, after asking) and R/S/K (answer the scenario-changed question).
//! Each panel is drawn by its own file.

mod conversation;
mod inbox;
mod people;
mod tasks;
mod top_bar;

use bevy::ecs::system::SystemParam;
use bevy::prelude::*;
use bevy::window::WindowCloseRequested;
use bevy_egui::{EguiContexts, EguiInput, EguiPreUpdateSet, EguiPrimaryContextPass, egui};

use super::Screen;
use crate::engine::Happening;
use crate::game::low_power::WakeAt;
use crate::game::play::{ActiveShift, Happened, NOTICE_SECONDS, Panel, ShiftCommand};
use crate::game::profiles::Profiles;
use crate::game::resume::{self, Resumable};
use crate::game::ui;
use crate::game::{GameConfig, theme};
use crate::scenario::Minute;

/// How long a loyalty change stays on screen, in real seconds.
const BADGE_SECONDS: f64 = 3.0;
/// A reply timer this close to running out is drawn in red and marked.
const SHORT_REPLY: f64 = 5.0;
/// How long a new conversation's tab blinks, in real seconds, and how
/// fast: two steps a second, so the screen redraws only that often.
const FLASH_SECONDS: f64 = 4.0;
const FLASH_STEPS_PER_SECOND: f64 = 2.0;

pub(super) fn plugin(app: &mut App) {
    app.init_resource::<LeaveConfirm>()
        .init_resource::<ShiftView>()
        .init_resource::<ui::Fit>()
        .init_resource::<WakeAt>()
        .add_systems(OnEnter(Screen::Shift), reset_view)
        .add_systems(OnExit(Screen::Shift), forget_wake)
        .add_systems(
            PreUpdate,
            keep_keys_from_egui
                .after(EguiPreUpdateSet::ProcessInput)
                .before(EguiPreUpdateSet::BeginPass)
                .run_if(in_state(Screen::Shift)),
        )
        .add_message::<WindowCloseRequested>()
        .add_systems(
            Update,
            (
                (note_happenings, ask_to_leave, answer_reload).run_if(in_state(Screen::Shift)),
                close_requested,
            ),
        )
        .add_systems(
            EguiPrimaryContextPass,
            draw.run_if(in_state(Screen::Shift))
                .run_if(resource_exists::<ActiveShift>),
        );
}

/// The "Leave this shift?" question.
#[derive(Resource, Default)]
struct LeaveConfirm {
    open: bool,
    /// The clock was running when Esc was pressed: staying resumes it.
    resume: bool,
    /// Asked because the window is being closed.
    closing: bool,
}

/// What the screen remembers between frames.
#[derive(Resource, Default)]
struct ShiftView {
    /// The shift minute when last drawn; going back means a restart.
    seen_at: Minute,
    /// Per client, the loyalty change still on show.
    badges: Vec<Option<Badge>>,
    /// The task row last scrolled to, to follow the arrow keys.
    shown_task: Option<usize>,
    /// Conversations opened on their own, by dialogue, with the real second
    /// they opened: their tab blinks for a while and says NEW until the
    /// trainee has it on screen.
    fresh: Vec<(usize, f64)>,
    /// The (dialogue, node) last shown, to bring its answers into view
    /// when it changes.
    shown_line: Option<(usize, usize)>,
}

/// A loyalty change fading out.
#[derive(Clone, Copy)]
struct Badge {
    delta: i32,
    /// Real seconds since the app started.
    since: f64,
}

impl ShiftView {
    /// Shows a loyalty change the engine reported; one still on show adds up.
    fn loyalty_changed(&mut self, client: usize, by: i32, now: f64) {
        if self.badges.len() <= client {
            self.badges.resize(client + 1, None);
        }
        let before = self.badges[client]
            .filter(|b| now - b.since < BADGE_SECONDS)
            .map_or(0, |b| b.delta);
        self.badges[client] = Some(Badge {
            delta: before + by,
            since: now,
        });
    }

    /// Drops the badges that have faded; the real second at which the
    /// screen next changes on its own (a badge goes, a blink steps).
    fn fade(&mut self, now: f64) -> Option<f64> {
        for badge in &mut self.badges {
            if badge.is_some_and(|b| now - b.since >= BADGE_SECONDS) {
                *badge = None;
            }
        }
        let badges = self
            .badges
            .iter()
            .flatten()
            .map(|b| b.since + BADGE_SECONDS);
        let step = 1.0 / FLASH_STEPS_PER_SECOND;
        let blinks = self
            .fresh
            .iter()
            .filter(|(_, since)| now - since < FLASH_SECONDS)
            .map(|(_, since)| since + ((now - since) / step).floor() * step + step);
        badges.chain(blinks).min_by(f64::total_cmp)
    }

    /// Whether the tab of `dialogue` is lit now: on and off while it is
    /// fresh.
    fn lit(&self, dialogue: usize, now: f64) -> bool {
        self.fresh.iter().any(|&(d, since)| {
            d == dialogue
                && now - since < FLASH_SECONDS
                && (((now - since) * FLASH_STEPS_PER_SECOND) as u64).is_multiple_of(2)
        })
    }

    /// Whether `dialogue` opened on its own and has not been on screen.
    fn is_new(&self, dialogue: usize) -> bool {
        self.fresh.iter().any(|&(d, _)| d == dialogue)
    }
}

/// Turns what the engine reports into what the screen shows: loyalty
/// changes become badges beside the client.
fn note_happenings(
    mut happened: MessageReader<Happened>,
    active: Option<Res<ActiveShift>>,
    mut view: ResMut<ShiftView>,
    real: Res<Time<Real>>,
) {
    let now = real.elapsed_secs_f64();
    if let Some(a) = &active {
        // Restarted: the old shift's badges belong to it.
        if a.shift.now() < view.seen_at {
            view.badges.clear();
        }
        view.seen_at = a.shift.now();
    }
    for Happened(h) in happened.read() {
        match *h {
            Happening::LoyaltyChanged { client, by } => view.loyalty_changed(client, by, now),
            Happening::DialogueOpened(d) => {
                view.fresh.retain(|&(f, _)| f != d);
                view.fresh.push((d, now));
            }
            Happening::TimedOut(d) => view.fresh.retain(|&(f, _)| f != d),
            _ => {}
        }
    }
}

fn reset_view(mut view: ResMut<ShiftView>, mut confirm: ResMut<LeaveConfirm>) {
    *view = ShiftView::default();
    *confirm = LeaveConfirm::default();
}

/// Off the shift screen nothing of it needs waking for.
fn forget_wake(mut wake_at: ResMut<WakeAt>) {
    wake_at.0 = None;
}

/// Every key on this screen belongs to the game: without this, Tab would
/// move egui's keyboard focus to a button and the next Space would press it.
fn keep_keys_from_egui(mut inputs: Query<&mut EguiInput>) {
    for mut input in &mut inputs {
        input
            .events
            .retain(|e| !matches!(e, egui::Event::Key { .. } | egui::Event::Text(_)));
    }
}

/// The "Leave this shift?" question and what answering it needs.
#[derive(SystemParam)]
struct Leaving<'w, 's> {
    confirm: ResMut<'w, LeaveConfirm>,
    commands: Commands<'w, 's>,
    next: ResMut<'w, NextState<Screen>>,
    resumable: ResMut<'w, Resumable>,
    profiles: Res<'w, Profiles>,
    config: Res<'w, GameConfig>,
    exit: MessageWriter<'w, AppExit>,
}

impl Leaving<'_, '_> {
    fn is_open(&self) -> bool {
        self.confirm.open
    }

    /// Asks; pauses a running clock meanwhile.
    fn ask(&mut self, running: bool, closing: bool, out: &mut MessageWriter<ShiftCommand>) {
        if running {
            out.write(ShiftCommand::TogglePause);
        }
        *self.confirm = LeaveConfirm {
            open: true,
            resume: running,
            closing,
        };
    }

    /// Leaves the shift: its decisions do not count, nothing is kept to
    /// resume; the game quits if the window was being closed.
    fn leave(&mut self) {
        let closing = self.confirm.closing;
        *self.confirm = LeaveConfirm::default();
        resume::forget(
            self.profiles.current_name(),
            &self.config.data_dir,
            &mut self.resumable,
        );
        self.commands.remove_resource::<ActiveShift>();
        if closing {
            self.exit.write(AppExit::Success);
        } else {
            self.next.set(Screen::List);
        }
    }

    /// Keeps the shift where it is, to resume at the next start, and quits.
    fn keep_and_quit(&mut self, active: &ActiveShift) {
        if let Some(trainee) = self.profiles.current_name() {
            resume::write_now(active, trainee, &self.config.data_dir, &mut self.resumable);
        }
        if let Some(problem) = &self.resumable.problem {
            // Not kept: say so rather than quit and lose it.
            warn!("{problem}");
            return;
        }
        *self.confirm = LeaveConfirm::default();
        self.exit.write(AppExit::Success);
    }

    /// Closes the question; resumes the clock if asking paused it and it is
    /// still paused (Space works behind the question too).
    fn stay(&mut self, paused: bool, out: &mut MessageWriter<ShiftCommand>) {
        if self.confirm.resume && paused {
            out.write(ShiftCommand::TogglePause);
        }
        *self.confirm = LeaveConfirm::default();
    }
}

/// Esc asks before leaving; Enter leaves, Q keeps the shift and quits, Esc
/// again stays.
fn ask_to_leave(
    keys: Res<ButtonInput<KeyCode>>,
    active: Option<Res<ActiveShift>>,
    mut leaving: Leaving,
    mut out: MessageWriter<ShiftCommand>,
) {
    if leaving.is_open() {
        if keys.any_just_pressed([KeyCode::Enter, KeyCode::NumpadEnter]) {
            leaving.leave();
        } else if keys.just_pressed(KeyCode::KeyQ)
            && let Some(a) = &active
        {
            leaving.keep_and_quit(a);
        } else if keys.just_pressed(KeyCode::Escape) {
            leaving.stay(active.is_some_and(|a| a.paused), &mut out);
        }
    } else if keys.just_pressed(KeyCode::Escape) {
        leaving.ask(active.is_some_and(|a| !a.paused), false, &mut out);
    }
}

/// Closing the window during a shift asks first, as Esc does; anywhere
/// else it quits.
fn close_requested(
    mut requests: MessageReader<WindowCloseRequested>,
    screen: Res<State<Screen>>,
    active: Option<Res<ActiveShift>>,
    mut leaving: Leaving,
    mut out: MessageWriter<ShiftCommand>,
) {
    if requests.read().count() == 0 {
        return;
    }
    match active.filter(|a| *screen.get() == Screen::Shift && !a.shift.is_over()) {
        Some(_) if leaving.is_open() => leaving.confirm.closing = true,
        Some(a) => leaving.ask(!a.paused, true, &mut out),
        None => {
            leaving.exit.write(AppExit::Success);
        }
    }
}

/// R, S or K while the scenario-changed question is open.
fn answer_reload(
    keys: Res<ButtonInput<KeyCode>>,
    active: Option<Res<ActiveShift>>,
    mut out: MessageWriter<ShiftCommand>,
) {
    if !active.is_some_and(|a| a.changed_on_disk) {
        return;
    }
    if keys.just_pressed(KeyCode::KeyR) {
        out.write(ShiftCommand::Replay);
    } else if keys.just_pressed(KeyCode::KeyS) {
        out.write(ShiftCommand::Restart);
    } else if keys.just_pressed(KeyCode::KeyK) {
        out.write(ShiftCommand::KeepPlaying);
    }
}

/// Selection changes made by clicking, applied after drawing.
#[derive(Default)]
struct Picks {
    focus: Option<Panel>,
    /// A dialogue (index into the scenario's dialogues).
    conversation: Option<usize>,
    /// A task (index into the scenario's tasks).
    task: Option<usize>,
    /// A conversation now on screen: no longer new.
    seen: Option<usize>,
    leave: bool,
    keep: bool,
    stay: bool,
}

/// From this many points across the inbox has a column of its own; below,
/// it shares the left column with the clients and the team.
const WIDE: f32 = 1500.0;

/// The clients with their loyalty, the team with their hours.
fn people(
    ui: &mut egui::Ui,
    a: &ActiveShift,
    view: &ShiftView,
    now_real: f64,
    out: &mut MessageWriter<ShiftCommand>,
) {
    people::clients(ui, &a.shift, view, now_real);
    ui.add_space(8.0);
    people::team(ui, &a.shift, out);
}

/// What the drawing reports back: what did not fit, when to wake.
#[derive(SystemParam)]
struct ScreenState<'w> {
    fit: ResMut<'w, ui::Fit>,
    wake_at: ResMut<'w, WakeAt>,
}

fn draw(
    mut contexts: EguiContexts,
    mut active: ResMut<ActiveShift>,
    mut view: ResMut<ShiftView>,
    mut leaving: Leaving,
    mut screen_state: ScreenState,
    real: Res<Time<Real>>,
    mut out: MessageWriter<ShiftCommand>,
) -> Result {
    let ctx = contexts.ctx_mut()?;
    let now_real = real.elapsed_secs_f64();
    if active
        .notice
        .as_ref()
        .is_some_and(|n| now_real - n.since >= NOTICE_SECONDS)
    {
        active.notice = None;
    }
    let a: &ActiveShift = &active;
    let mut wake = view.fade(now_real);
    if let Some(n) = &a.notice {
        wake = Some(wake.map_or(n.since + NOTICE_SECONDS, |w| {
            w.min(n.since + NOTICE_SECONDS)
        }));
    }
    screen_state.wake_at.0 = wake;
    let fit = &mut *screen_state.fit;
    fit.clear();
    let mut picks = Picks::default();
    let screen = ctx.content_rect();
    let wide = screen.width() >= WIDE;
    let mut root = ui::root(ctx);
    root.style_mut().interaction.selectable_labels = false;

    egui::Panel::top("shift-top")
        .resizable(false)
        .frame(
            egui::Frame::side_top_panel(&ctx.global_style())
                .inner_margin(egui::Margin::symmetric(12, 6)),
        )
        .show(&mut root, |ui| {
            top_bar::top_bar(ui, a, &mut out);
            fit.panel("top bar", ui);
        });
    // Three columns: who is who (and the inbox, unless the window is wide
    // enough to give it a column), the conversation with the most room, the
    // task cards.
    egui::Panel::left("shift-people")
        .resizable(false)
        .exact_size((screen.width() * 0.22).clamp(200.0, 380.0))
        .show(&mut root, |ui| {
            if wide {
                egui::ScrollArea::vertical()
                    .id_salt("people")
                    .auto_shrink([false; 2])
                    .show(ui, |ui| people(ui, a, &view, now_real, &mut out));
            } else {
                let height = (ui.available_height() * 0.6).max(120.0);
                egui::ScrollArea::vertical()
                    .id_salt("people")
                    .auto_shrink([false, true])
                    .max_height(height)
                    .show(ui, |ui| people(ui, a, &view, now_real, &mut out));
                ui.separator();
                inbox::inbox(ui, a);
            }
            fit.panel("clients and team", ui);
        });
    if wide {
        egui::Panel::right("shift-inbox")
            .resizable(false)
            .exact_size((screen.width() * 0.16).clamp(240.0, 400.0))
            .show(&mut root, |ui| {
                inbox::inbox(ui, a);
                fit.panel("inbox", ui);
            });
    }
    egui::Panel::right("shift-tasks")
        .resizable(false)
        .exact_size((screen.width() * 0.3).clamp(280.0, 480.0))
        .show(&mut root, |ui| {
            tasks::task_board(ui, a, &mut view, &mut picks, &mut out);
            fit.panel("task board", ui);
        });
    egui::CentralPanel::default_margins().show(&mut root, |ui| {
        conversation::dialogue(ui, a, &mut view, &mut picks, fit, now_real, &mut out);
        fit.panel("conversation", ui);
    });

    if a.changed_on_disk || leaving.is_open() {
        ui::dim(ctx);
    }
    if a.changed_on_disk {
        scenario_changed(ctx, &mut out);
    }
    if leaving.is_open() {
        let closing = leaving.confirm.closing;
        let can_keep = leaving.profiles.current_name().is_some();
        ui::modal(ctx, "leave-shift").show(ctx, |ui| {
            ui.set_max_width(460.0);
            ui.heading(if closing {
                "Quit KAM Trainer?"
            } else {
                "Leave this shift?"
            });
            if can_keep {
                ui.label("Keep it to go on where you are next time, or leave it: then its decisions will not count.");
            } else {
                ui.label("Nobody is signed in, so the shift cannot be kept: its decisions will not count.");
            }
            if let Some(problem) = &leaving.resumable.problem {
                ui.colored_label(theme::BAD, problem);
            }
            ui.add_space(8.0);
            ui.horizontal_wrapped(|ui| {
                if can_keep {
                    picks.keep = ui.button(ui::key("Q", "Keep it and quit")).clicked();
                }
                let leave = if closing { "Quit, drop the shift" } else { "Leave it" };
                picks.leave = ui.button(ui::key("Enter", leave)).clicked();
                picks.stay = ui.button(ui::key("Esc", "Stay")).clicked();
            });
        });
    }

    if picks.leave {
        leaving.leave();
        return Ok(());
    }
    if picks.keep {
        leaving.keep_and_quit(&active);
        return Ok(());
    }
    if picks.stay {
        leaving.stay(active.paused, &mut out);
    }
    if let Some(f) = picks.focus {
        active.focus = f;
    }
    if let Some(c) = picks.conversation {
        active.conversation = Some(c);
    }
    if let Some(t) = picks.task {
        active.task = Some(t);
    }
    if let Some(d) = picks.seen {
        // Seen once it has blinked its while: a glance at a blinking tab
        // is not reading it.
        view.fresh
            .retain(|&(f, since)| f != d || now_real - since < FLASH_SECONDS);
    }
    Ok(())
}

fn scenario_changed(ctx: &egui::Context, out: &mut MessageWriter<ShiftCommand>) {
    ui::modal(ctx, "scenario-changed").show(ctx, |ui| {
        ui.set_max_width(480.0);
        ui.heading("The scenario file changed");
        ui.label("Someone saved a new version of this scenario while you were playing.");
        ui.add_space(8.0);
        if ui
            .button(ui::key("R", "Replay your decisions on the new version"))
            .clicked()
        {
            out.write(ShiftCommand::Replay);
        }
        if ui.button(ui::key("S", "Restart the shift")).clicked() {
            out.write(ShiftCommand::Restart);
        }
        if ui
            .button(ui::key("K", "Keep playing this version"))
            .clicked()
        {
            out.write(ShiftCommand::KeepPlaying);
        }
    });
}
