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
use bevy_egui::{EguiContexts, EguiInput, EguiPreUpdateSet, EguiPrimaryContextPass, egui};

use super::Screen;
use crate::engine::Happening;
use crate::game::play::{ActiveShift, Happened, Panel, ShiftCommand};
use crate::game::ui;
use crate::scenario::Minute;

/// How long a loyalty change stays on screen, in real seconds.
const BADGE_SECONDS: f64 = 3.0;
/// A reply timer this close to running out is drawn in red.
const SHORT_REPLY: f64 = 5.0;

pub(super) fn plugin(app: &mut App) {
    app.init_resource::<LeaveConfirm>()
        .init_resource::<ShiftView>()
        .add_systems(OnEnter(Screen::Shift), reset_view)
        .add_systems(
            PreUpdate,
            keep_keys_from_egui
                .after(EguiPreUpdateSet::ProcessInput)
                .before(EguiPreUpdateSet::BeginPass)
                .run_if(in_state(Screen::Shift)),
        )
        .add_systems(
            Update,
            (note_happenings, ask_to_leave, answer_reload).run_if(in_state(Screen::Shift)),
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

    /// Drops the badges that have faded; true while any is still fading.
    fn fade(&mut self, now: f64) -> bool {
        for badge in &mut self.badges {
            if badge.is_some_and(|b| now - b.since >= BADGE_SECONDS) {
                *badge = None;
            }
        }
        self.badges.iter().any(Option::is_some)
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
        if let Happening::LoyaltyChanged { client, by } = *h {
            view.loyalty_changed(client, by, now);
        }
    }
}

fn reset_view(mut view: ResMut<ShiftView>, mut confirm: ResMut<LeaveConfirm>) {
    *view = ShiftView::default();
    *confirm = LeaveConfirm::default();
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
}

impl Leaving<'_, '_> {
    fn is_open(&self) -> bool {
        self.confirm.open
    }

    /// Asks; pauses a running clock meanwhile.
    fn ask(&mut self, running: bool, out: &mut MessageWriter<ShiftCommand>) {
        if running {
            out.write(ShiftCommand::TogglePause);
        }
        *self.confirm = LeaveConfirm {
            open: true,
            resume: running,
        };
    }

    fn leave(&mut self) {
        *self.confirm = LeaveConfirm::default();
        self.commands.remove_resource::<ActiveShift>();
        self.next.set(Screen::List);
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

/// Esc asks before leaving; Enter leaves, Esc again stays.
fn ask_to_leave(
    keys: Res<ButtonInput<KeyCode>>,
    active: Option<Res<ActiveShift>>,
    mut leaving: Leaving,
    mut out: MessageWriter<ShiftCommand>,
) {
    if leaving.is_open() {
        if keys.any_just_pressed([KeyCode::Enter, KeyCode::NumpadEnter]) {
            leaving.leave();
        } else if keys.just_pressed(KeyCode::Escape) {
            leaving.stay(active.is_some_and(|a| a.paused), &mut out);
        }
    } else if keys.just_pressed(KeyCode::Escape) {
        leaving.ask(active.is_some_and(|a| !a.paused), &mut out);
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
    conversation: Option<usize>,
    task: Option<usize>,
    leave: bool,
    stay: bool,
}

fn draw(
    mut contexts: EguiContexts,
    mut active: ResMut<ActiveShift>,
    mut view: ResMut<ShiftView>,
    mut leaving: Leaving,
    real: Res<Time<Real>>,
    mut out: MessageWriter<ShiftCommand>,
) -> Result {
    let ctx = contexts.ctx_mut()?;
    let a: &ActiveShift = &active;
    let now_real = real.elapsed_secs_f64();
    if view.fade(now_real) {
        ctx.request_repaint();
    }
    let mut picks = Picks::default();
    let screen = ctx.content_rect();
    let mut root = ui::root(ctx);
    root.style_mut().interaction.selectable_labels = false;

    egui::Panel::top("shift-top")
        .resizable(false)
        .frame(
            egui::Frame::side_top_panel(&ctx.global_style())
                .inner_margin(egui::Margin::symmetric(12, 8)),
        )
        .show(&mut root, |ui| top_bar::top_bar(ui, a, &mut out));
    egui::Panel::left("shift-people")
        .resizable(false)
        .exact_size((screen.width() * 0.23).clamp(270.0, 420.0))
        .show(&mut root, |ui| {
            egui::ScrollArea::vertical()
                .id_salt("people")
                .auto_shrink([false; 2])
                .show(ui, |ui| {
                    people::clients(ui, &a.shift, &view, now_real);
                    ui.add_space(10.0);
                    people::team(ui, &a.shift, &mut out);
                });
        });
    egui::Panel::bottom("shift-tasks")
        .resizable(false)
        .exact_size((screen.height() * 0.45).clamp(260.0, 600.0))
        .show(&mut root, |ui| {
            tasks::task_board(ui, a, &mut view, &mut picks, &mut out)
        });
    egui::Panel::right("shift-inbox")
        .resizable(false)
        .exact_size((screen.width() * 0.22).clamp(250.0, 420.0))
        .show(&mut root, |ui| inbox::inbox(ui, a));
    egui::CentralPanel::default_margins().show(&mut root, |ui| {
        conversation::dialogue(ui, a, &mut picks, &mut out)
    });

    if a.changed_on_disk || leaving.is_open() {
        ui::dim(ctx);
    }
    if a.changed_on_disk {
        scenario_changed(ctx, &mut out);
    }
    if leaving.is_open() {
        ui::modal(ctx, "leave-shift").show(ctx, |ui| {
            ui.set_max_width(420.0);
            ui.heading("Leave this shift?");
            ui.label("Your decisions in it will not count.");
            ui.add_space(8.0);
            ui.horizontal(|ui| {
                picks.leave = ui.button(ui::key("Enter", "Leave")).clicked();
                picks.stay = ui.button(ui::key("Esc", "Stay")).clicked();
            });
        });
    }

    if picks.leave {
        leaving.leave();
        return Ok(());
    }
    if picks.stay {
        leaving.stay(active.paused, &mut out);
    }
    if let Some(f) = picks.focus {
        active.focus = f;
    }
    if let Some(c) = picks.conversation {
        active.conversation = c;
    }
    if let Some(t) = picks.task {
        active.task = t;
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
