//! The shift screen: the clock and speed, the stress gauge, clients with
//! their loyalty, the team's hours, the open dialogue with its reply timer,
//! the task board and the inbox.
//!
//! It only draws the running [`ActiveShift`] and sends [`Command`]s; the
//! engine decides what they do. The game keys (Space, +/−, Tab, arrows, 1–4,
//! M, D, B) are read by the bridge in `play`; this file adds only Esc (leave
//! the shift, after asking) and R/S/K (answer the scenario-changed question).

use bevy::prelude::*;
use bevy_egui::{EguiContexts, EguiInput, EguiPreUpdateSet, EguiPrimaryContextPass, egui};

use super::Screen;
use crate::engine::rules::DANGER_ZONE;
use crate::engine::{Action, Shift, TaskStatus, Worker};
use crate::game::play::{
    ActiveShift, Command, Panel, SPEEDS, ask_for_an_hour, give_task, open_tasks, task_options,
};
use crate::game::{theme, ui};
use crate::scenario::{Minute, Priority, Tier, format_time};

/// How long a loyalty change stays on screen, in real seconds.
const BADGE_SECONDS: f64 = 3.0;
/// The frame around the panel the number keys act on.
const FOCUS: egui::Color32 = egui::Color32::from_rgb(0x4a, 0x9e, 0xe8);
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
            (ask_to_leave, answer_reload).run_if(in_state(Screen::Shift)),
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
    /// Each client's loyalty when last drawn.
    seen: Vec<i32>,
    /// The shift minute when last drawn; going back means a restart.
    seen_at: Minute,
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
    /// Notes loyalty changes since the last frame as badges; true while any
    /// badge is still fading.
    fn follow_loyalty(&mut self, shift: &Shift, now: f64) -> bool {
        let clients = shift.scenario().clients.len();
        if self.seen.len() != clients || shift.now() < self.seen_at {
            self.seen = (0..clients).map(|c| shift.loyalty(c)).collect();
            self.badges = vec![None; clients];
        }
        self.seen_at = shift.now();
        let mut fading = false;
        for c in 0..clients {
            let value = shift.loyalty(c);
            let delta = value - self.seen[c];
            if delta != 0 {
                let before = self.badges[c].map_or(0, |b| b.delta);
                self.badges[c] = Some(Badge {
                    delta: before + delta,
                    since: now,
                });
                self.seen[c] = value;
            }
            if self.badges[c].is_some_and(|b| now - b.since >= BADGE_SECONDS) {
                self.badges[c] = None;
            }
            fading |= self.badges[c].is_some();
        }
        fading
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

/// Esc asks before leaving; Enter leaves, Esc again stays.
fn ask_to_leave(
    keys: Res<ButtonInput<KeyCode>>,
    active: Option<Res<ActiveShift>>,
    mut confirm: ResMut<LeaveConfirm>,
    mut out: MessageWriter<Command>,
    mut commands: Commands,
    mut next: ResMut<NextState<Screen>>,
) {
    if confirm.open {
        if keys.any_just_pressed([KeyCode::Enter, KeyCode::NumpadEnter]) {
            leave(&mut commands, &mut next, &mut confirm);
        } else if keys.just_pressed(KeyCode::Escape) {
            let paused = active.is_some_and(|a| a.paused);
            stay(&mut confirm, paused, &mut out);
        }
    } else if keys.just_pressed(KeyCode::Escape) {
        let running = active.is_some_and(|a| !a.paused);
        if running {
            out.write(Command::TogglePause);
        }
        *confirm = LeaveConfirm {
            open: true,
            resume: running,
        };
    }
}

fn leave(commands: &mut Commands, next: &mut NextState<Screen>, confirm: &mut LeaveConfirm) {
    *confirm = LeaveConfirm::default();
    commands.remove_resource::<ActiveShift>();
    next.set(Screen::List);
}

/// Closes the question; resumes the clock if Esc paused it and it is still
/// paused (Space works behind the question too).
fn stay(confirm: &mut LeaveConfirm, paused: bool, out: &mut MessageWriter<Command>) {
    if confirm.resume && paused {
        out.write(Command::TogglePause);
    }
    *confirm = LeaveConfirm::default();
}

/// R, S or K while the scenario-changed question is open.
fn answer_reload(
    keys: Res<ButtonInput<KeyCode>>,
    active: Option<Res<ActiveShift>>,
    mut out: MessageWriter<Command>,
) {
    if !active.is_some_and(|a| a.changed_on_disk) {
        return;
    }
    if keys.just_pressed(KeyCode::KeyR) {
        out.write(Command::Replay);
    } else if keys.just_pressed(KeyCode::KeyS) {
        out.write(Command::Restart);
    } else if keys.just_pressed(KeyCode::KeyK) {
        out.write(Command::KeepPlaying);
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

#[allow(clippy::too_many_arguments)]
fn draw(
    mut contexts: EguiContexts,
    mut active: ResMut<ActiveShift>,
    mut view: ResMut<ShiftView>,
    mut confirm: ResMut<LeaveConfirm>,
    real: Res<Time<Real>>,
    mut out: MessageWriter<Command>,
    mut commands: Commands,
    mut next: ResMut<NextState<Screen>>,
) -> Result {
    let ctx = contexts.ctx_mut()?;
    let a: &ActiveShift = &active;
    let now_real = real.elapsed_secs_f64();
    if view.follow_loyalty(&a.shift, now_real) {
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
        .show(&mut root, |ui| top_bar(ui, a, &mut out));
    egui::Panel::left("shift-people")
        .resizable(false)
        .exact_size((screen.width() * 0.23).clamp(270.0, 420.0))
        .show(&mut root, |ui| {
            egui::ScrollArea::vertical()
                .id_salt("people")
                .auto_shrink([false; 2])
                .show(ui, |ui| {
                    clients(ui, &a.shift, &view, now_real);
                    ui.add_space(10.0);
                    team(ui, &a.shift, &mut out);
                });
        });
    egui::Panel::bottom("shift-tasks")
        .resizable(false)
        .exact_size((screen.height() * 0.45).clamp(260.0, 600.0))
        .show(&mut root, |ui| {
            task_board(ui, a, &mut view, &mut picks, &mut out)
        });
    egui::Panel::right("shift-inbox")
        .resizable(false)
        .exact_size((screen.width() * 0.22).clamp(250.0, 420.0))
        .show(&mut root, |ui| inbox(ui, a));
    egui::CentralPanel::default_margins()
        .show(&mut root, |ui| dialogue(ui, a, &mut picks, &mut out));

    if a.changed_on_disk || confirm.open {
        dim(ctx);
    }
    if a.changed_on_disk {
        scenario_changed(ctx, &mut out);
    }
    if confirm.open {
        modal(ctx, "leave-shift").show(ctx, |ui| {
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
        leave(&mut commands, &mut next, &mut confirm);
        return Ok(());
    }
    if picks.stay {
        stay(&mut confirm, active.paused, &mut out);
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

// ----- top bar ---------------------------------------------------------------

fn top_bar(ui: &mut egui::Ui, a: &ActiveShift, out: &mut MessageWriter<Command>) {
    let shift = &a.shift;
    let sc = shift.scenario();
    ui.horizontal(|ui| {
        ui.label(
            egui::RichText::new(format_time(shift.now()))
                .size(28.0)
                .strong()
                .monospace(),
        );
        ui.vertical(|ui| {
            ui.spacing_mut().item_spacing.y = 0.0;
            ui::hint(ui, format!("ends {}", format_time(sc.end)));
            ui::hint(
                ui,
                format!("{} left", hours(sc.end.saturating_sub(shift.now()))),
            );
        });
        ui.separator();
        if a.paused {
            let paused = egui::Button::new(
                egui::RichText::new("PAUSED — Space to resume")
                    .size(20.0)
                    .strong()
                    .color(egui::Color32::BLACK),
            )
            .fill(theme::WARN);
            if ui.add(paused).clicked() {
                out.write(Command::TogglePause);
            }
        } else if ui.button(ui::key("Space", "Pause")).clicked() {
            out.write(Command::TogglePause);
        }
        ui.separator();
        ui.label("Speed");
        for s in SPEEDS {
            let text = egui::RichText::new(format!("×{s}")).strong();
            if ui
                .add(egui::Button::selectable(a.speed == s, text))
                .clicked()
                && a.speed != s
            {
                out.write(Command::SetSpeed(s));
            }
        }
        ui::hint(ui, "−/+");
        ui.separator();
        ui.label("Your hours");
        ui.label(egui::RichText::new(hours(shift.trainee_minutes_left())).strong());
        ui.separator();
        ui.label("Stress");
        stress_gauge(ui, shift.stress(), sc.trainee.burnout_at, 200.0);
        if shift.in_danger_zone() {
            ui.colored_label(theme::BAD, egui::RichText::new("DANGER").strong());
        }
        ui.vertical(|ui| {
            ui.spacing_mut().item_spacing.y = 0.0;
            let zone = format!("danger above {DANGER_ZONE}");
            ui.label(egui::RichText::new(zone).small().color(theme::BAD));
            ui::hint(ui, format!("burnout at {}", sc.trainee.burnout_at));
        });
        ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
            ui::hint(ui, "Esc: leave");
        });
    });
}

/// Stress 0–100 with the danger zone in red and the burnout point marked.
fn stress_gauge(ui: &mut egui::Ui, stress: i32, burnout_at: i32, width: f32) {
    let (rect, response) = ui.allocate_exact_size(egui::vec2(width, 22.0), egui::Sense::hover());
    let x = |v: i32| rect.left() + rect.width() * v.clamp(0, 100) as f32 / 100.0;
    let painter = ui.painter();
    painter.rect_filled(rect, 4, ui.visuals().extreme_bg_color);
    let zone =
        egui::Rect::from_min_max(egui::pos2(x(DANGER_ZONE), rect.top()), rect.right_bottom());
    painter.rect_filled(zone, 4, theme::BAD.gamma_multiply(0.3));
    let fill = if stress > DANGER_ZONE {
        theme::BAD
    } else if stress > DANGER_ZONE - 20 {
        theme::WARN
    } else {
        theme::GOOD
    };
    let level = egui::Rect::from_min_max(rect.min, egui::pos2(x(stress), rect.bottom()));
    painter.rect_filled(level, 4, fill);
    let b = x(burnout_at);
    painter.line_segment(
        [
            egui::pos2(b, rect.top() - 3.0),
            egui::pos2(b, rect.bottom() + 3.0),
        ],
        egui::Stroke::new(3.0, egui::Color32::WHITE),
    );
    painter.rect_stroke(
        rect,
        4,
        egui::Stroke::new(1.0, theme::MUTED),
        egui::StrokeKind::Inside,
    );
    painter.text(
        rect.center(),
        egui::Align2::CENTER_CENTER,
        stress.to_string(),
        egui::FontId::proportional(15.0),
        egui::Color32::WHITE,
    );
    response.on_hover_text(format!(
        "Stress {stress}. Above {DANGER_ZONE} (red) panic hides one of your better answers; at {burnout_at} (white mark) you burn out and the shift ends."
    ));
}

// ----- clients and team ------------------------------------------------------

fn clients(ui: &mut egui::Ui, shift: &Shift, view: &ShiftView, now_real: f64) {
    ui.heading("Clients");
    let sc = shift.scenario();
    for (c, client) in sc.clients.iter().enumerate() {
        ui.horizontal(|ui| {
            // Room for the tier after a long name.
            ui.scope(|ui| {
                ui.set_max_width(ui.available_width() - 60.0);
                ui.add(egui::Label::new(egui::RichText::new(&client.name).strong()).truncate());
            });
            let (tier, colour) = match client.tier {
                Tier::Key => ("Key", theme::WARN),
                Tier::Regular => ("Regular", theme::MUTED),
            };
            ui.label(egui::RichText::new(tier).small().color(colour));
        });
        ui.horizontal(|ui| {
            let value = shift.loyalty(c);
            let width = (ui.available_width() - 56.0).max(100.0);
            let bar = ui::meter(ui, value, client.churn_below, width);
            let tick = bar.rect.left()
                + bar.rect.width() * client.churn_below.clamp(0, 100) as f32 / 100.0;
            // Marks at the edges only, so the meter's number stays readable.
            let r = bar.rect;
            for (from, to) in [
                (r.top() - 3.0, r.top() + 3.0),
                (r.bottom() - 3.0, r.bottom() + 3.0),
            ] {
                ui.painter().line_segment(
                    [egui::pos2(tick, from), egui::pos2(tick, to)],
                    egui::Stroke::new(2.0, theme::BAD),
                );
            }
            bar.on_hover_text(format!(
                "Loyalty {value}; the client leaves below {}.",
                client.churn_below
            ));
            if shift.is_lost(c) {
                ui.label(egui::RichText::new("LOST").strong().color(theme::BAD));
            } else if let Some(badge) = view.badges.get(c).copied().flatten() {
                let fade = (1.0 - (now_real - badge.since) / BADGE_SECONDS).clamp(0.0, 1.0) as f32;
                let (text, colour) = if badge.delta > 0 {
                    (format!("+{}", badge.delta), theme::GOOD)
                } else {
                    (format!("−{}", -badge.delta), theme::BAD)
                };
                ui.label(
                    egui::RichText::new(text)
                        .strong()
                        .color(colour.gamma_multiply(fade)),
                );
            }
        });
        ui.add_space(2.0);
    }
}

fn team(ui: &mut egui::Ui, shift: &Shift, out: &mut MessageWriter<Command>) {
    ui.heading("Team");
    let sc = shift.scenario();
    for (m, member) in sc.team.iter().enumerate() {
        let left = shift.member_minutes_left(m);
        let queue = shift.member_queue(m);
        let doing = match queue.first() {
            Some(&t) if queue.len() > 1 => {
                format!("on: {} (+{} queued)", sc.tasks[t].title, queue.len() - 1)
            }
            Some(&t) => format!("on: {}", sc.tasks[t].title),
            None if left == 0 => "no hours left today".to_owned(),
            None => "free".to_owned(),
        };
        person(ui, &member.name, &sc.role_title(&member.role), left, &doing);
    }
    let now = shift.now();
    let doing = match (
        shift.trainee_task(),
        shift.busy_until().filter(|&u| u > now),
    ) {
        (Some(t), Some(until)) => format!("on: {} until {}", sc.tasks[t].title, format_time(until)),
        (Some(t), None) => format!("on: {}", sc.tasks[t].title),
        (None, Some(until)) => format!("on a break until {}", format_time(until)),
        (None, None) => "free to answer".to_owned(),
    };
    person(
        ui,
        "You",
        sc.stage.title(),
        shift.trainee_minutes_left(),
        &doing,
    );
    let label = format!("Break {} min", crate::engine::rules::SHORT_BREAK);
    if ui.button(ui::key("B", &label)).clicked() {
        out.write(Command::Act(Action::TakeBreak {
            minutes: crate::engine::rules::SHORT_BREAK,
        }));
    }
}

fn person(ui: &mut egui::Ui, name: &str, role: &str, minutes_left: u32, doing: &str) {
    ui.scope(|ui| {
        ui.spacing_mut().item_spacing.y = 0.0;
        ui.horizontal(|ui| {
            // The hours first, on the right, so a long name or role is cut
            // before it rather than printed over it.
            ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                let colour = if minutes_left == 0 {
                    theme::BAD
                } else {
                    ui.visuals().text_color()
                };
                let left = format!("{} h", hours(minutes_left));
                ui.label(egui::RichText::new(left).color(colour));
                ui.with_layout(egui::Layout::left_to_right(egui::Align::Center), |ui| {
                    ui.add(egui::Label::new(egui::RichText::new(name).strong()).truncate());
                    ui.add(
                        egui::Label::new(egui::RichText::new(role).small().color(theme::MUTED))
                            .truncate(),
                    );
                });
            });
        });
        let doing = egui::RichText::new(doing).small().color(theme::MUTED);
        ui.add(egui::Label::new(doing).truncate());
    });
}

// ----- dialogue --------------------------------------------------------------

fn dialogue(
    ui: &mut egui::Ui,
    a: &ActiveShift,
    picks: &mut Picks,
    out: &mut MessageWriter<Command>,
) {
    let shift = &a.shift;
    let sc = shift.scenario();
    let focused = a.focus == Panel::Dialogue;
    let frame = focus_frame(ui, focused, |ui| {
        ui.horizontal(|ui| {
            ui.heading("Conversation");
            focus_hint(
                ui,
                focused,
                "1–4 answer · Up/Down pick",
                "Tab: switch to tasks",
                "Tab: keys to here",
            );
        });
        initiatives(ui, shift, out);
        let conversations = shift.conversations();
        if conversations.is_empty() {
            ui.add_space(20.0);
            ui.label(egui::RichText::new("No one is waiting for an answer.").color(theme::MUTED));
            return;
        }
        let selected = a.conversation.min(conversations.len() - 1);
        let now = f64::from(sc.start) + a.clock;
        ui.horizontal_wrapped(|ui| {
            for (i, conv) in conversations.iter().enumerate() {
                let d = &sc.dialogues[conv.dialogue];
                let who = match d.client {
                    Some(c) => sc.clients[c].name.as_str(),
                    None => d.nodes[conv.node].speaker.as_str(),
                };
                let mut text = egui::RichText::new(who);
                if let Some(at) = conv.timeout_at {
                    let left = (f64::from(at) - now).max(0.0);
                    text = egui::RichText::new(format!("{who} · {} min", left.ceil()));
                    // On the selected tab's fill the plain colour reads better.
                    if i != selected {
                        text = text.color(timer_colour(left));
                    }
                }
                if ui
                    .add(egui::Button::selectable(i == selected, text))
                    .clicked()
                {
                    picks.conversation = Some(i);
                    picks.focus = Some(Panel::Dialogue);
                }
            }
        });
        ui.separator();
        let conv = &conversations[selected];
        let d = &sc.dialogues[conv.dialogue];
        let node = &d.nodes[conv.node];
        egui::ScrollArea::vertical()
            .id_salt("dialogue")
            .auto_shrink([false; 2])
            .show(ui, |ui| {
                ui.horizontal_wrapped(|ui| {
                    ui.label(egui::RichText::new(&node.speaker).strong());
                    if let Some(c) = d.client {
                        ui::hint(ui, format!("· {}", sc.clients[c].name));
                    }
                });
                let says = egui::RichText::new(format!("“{}”", node.says))
                    .size(19.0)
                    .color(ui.visuals().strong_text_color());
                ui.label(says);
                ui.add_space(4.0);
                match conv.timeout_at {
                    Some(at) => {
                        let total = f64::from(at.saturating_sub(conv.since)).max(1.0);
                        let left = (f64::from(at) - now).clamp(0.0, total);
                        // The words above the bar: no fill colour hides them.
                        let words = format!(
                            "Reply within {} min (until {})",
                            left.ceil(),
                            format_time(at)
                        );
                        ui.label(
                            egui::RichText::new(words)
                                .strong()
                                .color(timer_colour(left)),
                        );
                        ui.add(
                            egui::ProgressBar::new((left / total) as f32)
                                .desired_height(10.0)
                                .fill(timer_colour(left)),
                        );
                    }
                    None => {
                        let waited = shift.now().saturating_sub(conv.since);
                        ui::hint(ui, format!("Waiting for your answer for {waited} min"));
                    }
                }
                let busy = shift.busy_until().filter(|&u| u > shift.now());
                if let Some(until) = busy {
                    ui.colored_label(
                        theme::WARN,
                        format!(
                            "You are busy until {}: answers wait until then.",
                            format_time(until)
                        ),
                    );
                }
                if shift.in_danger_zone() {
                    ui.colored_label(
                        theme::BAD,
                        "Stress is in the danger zone: panic hides one of your better answers.",
                    );
                }
                ui.add_space(4.0);
                let shown = shift.shown_choices(conv);
                for (n, &choice) in shown.iter().enumerate() {
                    let key = if n < 4 {
                        format!("[{}]", n + 1)
                    } else {
                        "   ".to_owned()
                    };
                    let row = clickable(ui, egui::Id::new(("choice", n)), Look::Button, |ui| {
                        ui.horizontal_top(|ui| {
                            ui.label(egui::RichText::new(key).strong().monospace().color(FOCUS));
                            let colour = if busy.is_some() {
                                theme::MUTED
                            } else {
                                ui.visuals().widgets.active.text_color()
                            };
                            let text = egui::RichText::new(&node.choices[choice].say).color(colour);
                            ui.add(egui::Label::new(text).wrap());
                        });
                    });
                    if row.clicked() {
                        picks.focus = Some(Panel::Dialogue);
                        out.write(Command::Answer {
                            conversation: selected,
                            n,
                        });
                    }
                }
            });
    });
    if clicked_in(ui, frame.response.rect) && picks.focus.is_none() {
        picks.focus = Some(Panel::Dialogue);
    }
}

/// The conversations the trainee may start now (a call, a visit, a
/// proposal): O starts the first, a click any of them.
fn initiatives(ui: &mut egui::Ui, shift: &Shift, out: &mut MessageWriter<Command>) {
    let offers = shift.offered_initiatives();
    if offers.is_empty() {
        return;
    }
    let sc = shift.scenario();
    ui.horizontal_wrapped(|ui| {
        ui::hint(ui, "You could:");
        for (i, &d) in offers.iter().enumerate() {
            let Some(initiative) = &sc.dialogues[d].initiative else {
                continue;
            };
            let label = if i == 0 {
                ui::key("O", &initiative.label)
            } else {
                initiative.label.clone()
            };
            if ui
                .button(egui::RichText::new(label).color(FOCUS))
                .on_hover_text("Start this conversation yourself; you answer no one else meanwhile")
                .clicked()
            {
                out.write(Command::Act(Action::Open {
                    dialogue: sc.dialogues[d].id.clone(),
                }));
            }
        }
    });
    ui.separator();
}

fn timer_colour(minutes_left: f64) -> egui::Color32 {
    if minutes_left <= SHORT_REPLY {
        theme::BAD
    } else if minutes_left <= 2.0 * SHORT_REPLY {
        theme::WARN
    } else {
        theme::GOOD
    }
}

// ----- task board ------------------------------------------------------------

/// Column widths of the task board; the title takes what is left.
struct Columns {
    title: f32,
    priority: f32,
    due: f32,
    who: f32,
    progress: f32,
    actions: f32,
}

impl Columns {
    fn fit(width: f32, gap: f32) -> Columns {
        // Narrower columns when text is scaled up (fewer points across); the
        // action buttons then wrap onto a second line.
        let (priority, due, who, progress, actions) = if width < 900.0 {
            (62.0, 86.0, 90.0, 80.0, 220.0)
        } else {
            (66.0, 96.0, 104.0, 104.0, 300.0)
        };
        let fixed = priority + due + who + progress + actions + 5.0 * gap;
        Columns {
            title: (width - fixed).max(150.0),
            priority,
            due,
            who,
            progress,
            actions,
        }
    }
}

fn task_board(
    ui: &mut egui::Ui,
    a: &ActiveShift,
    view: &mut ShiftView,
    picks: &mut Picks,
    out: &mut MessageWriter<Command>,
) {
    let shift = &a.shift;
    let sc = shift.scenario();
    let focused = a.focus == Panel::Tasks;
    let frame = focus_frame(ui, focused, |ui| {
        let tasks = open_tasks(shift);
        let done = (0..sc.tasks.len())
            .filter(|&t| shift.task_status(t) == TaskStatus::Done)
            .count();
        ui.horizontal(|ui| {
            ui.heading("Tasks");
            ui::hint(ui, format!("{} open · {done} done", tasks.len()));
            focus_hint(
                ui,
                focused,
                "Up/Down pick · 1–4 give · M +1 h · D drop",
                "Tab: switch to dialogue",
                "Tab: keys to here",
            );
        });
        let gap = ui.spacing().item_spacing.x;
        let cols = Columns::fit(ui.available_width(), gap);
        ui.horizontal(|ui| {
            for (text, w) in [
                ("Task · client", cols.title),
                ("Priority", cols.priority),
                ("Due", cols.due),
                ("On it", cols.who),
                ("Progress", cols.progress),
                ("Give to / ask", cols.actions),
            ] {
                cell(ui, w, 0.0, |ui| ui::hint(ui, text));
            }
        });
        if tasks.is_empty() {
            ui.add_space(12.0);
            ui.label(egui::RichText::new("No open tasks.").color(theme::MUTED));
            return;
        }
        let selected = a.task.min(tasks.len() - 1);
        let projected = shift.projected_finish();
        egui::ScrollArea::vertical()
            .id_salt("tasks")
            .auto_shrink([false; 2])
            .show(ui, |ui| {
                ui.spacing_mut().item_spacing.y = 2.0;
                for (row, &task) in tasks.iter().enumerate() {
                    let is_selected = row == selected;
                    let look = if is_selected {
                        Look::Selected
                    } else {
                        Look::Plain
                    };
                    let response = clickable(ui, egui::Id::new(("task", task)), look, |ui| {
                        task_row(ui, shift, task, is_selected, &cols, projected[task], out);
                    });
                    if response.clicked() || clicked_in(ui, response.rect) {
                        picks.task = Some(row);
                        picks.focus = Some(Panel::Tasks);
                    }
                    if is_selected && view.shown_task != Some(task) {
                        view.shown_task = Some(task);
                        response.scroll_to_me(None);
                    }
                }
            });
    });
    if clicked_in(ui, frame.response.rect) && picks.focus.is_none() {
        picks.focus = Some(Panel::Tasks);
    }
}

fn task_row(
    ui: &mut egui::Ui,
    shift: &Shift,
    task: usize,
    selected: bool,
    cols: &Columns,
    projected: Option<Minute>,
    out: &mut MessageWriter<Command>,
) {
    let sc = shift.scenario();
    let t = &sc.tasks[task];
    let line = ui.text_style_height(&egui::TextStyle::Body);
    let small = ui.text_style_height(&egui::TextStyle::Small);
    let height = line + small + 2.0;
    let pad = |h: f32| ((height - h) / 2.0).max(0.0);
    ui.horizontal_top(|ui| {
        cell(ui, cols.title, 0.0, |ui| {
            ui.spacing_mut().item_spacing.y = 2.0;
            ui.add(egui::Label::new(egui::RichText::new(&t.title).strong()).truncate())
                .on_hover_text(t.title.as_str());
            let client = t.client.map_or("internal", |c| sc.clients[c].name.as_str());
            ui.add(
                egui::Label::new(egui::RichText::new(client).small().color(theme::MUTED))
                    .truncate(),
            );
        });
        cell(ui, cols.priority, pad(line), |ui| {
            let (text, colour) = match t.priority {
                Priority::Critical => ("Critical", theme::BAD),
                Priority::High => ("High", theme::WARN),
                Priority::Normal => ("Normal", ui.visuals().text_color()),
                Priority::Low => ("Low", theme::MUTED),
            };
            ui.colored_label(colour, text);
        });
        let deadline = shift.task_deadline(task);
        let worker = shift.task_worker(task);
        cell(ui, cols.due, 0.0, |ui| {
            ui.spacing_mut().item_spacing.y = 2.0;
            let late = shift.task_is_late(task);
            let (note, colour) = match (late, projected, worker) {
                (true, _, _) => ("late".to_owned(), theme::BAD),
                (false, Some(f), _) if f > deadline => {
                    (format!("done ~{}", format_time(f)), theme::BAD)
                }
                (false, Some(f), _) => (format!("done ~{}", format_time(f)), theme::GOOD),
                (false, None, Some(_)) => ("not today".to_owned(), theme::BAD),
                (false, None, None) => (
                    format!("in {}", hours(deadline.saturating_sub(shift.now()))),
                    theme::MUTED,
                ),
            };
            let at_risk = colour == theme::BAD;
            let due = egui::RichText::new(format_time(deadline)).strong();
            ui.label(if at_risk { due.color(theme::BAD) } else { due });
            ui.label(egui::RichText::new(note).small().color(colour));
        });
        cell(ui, cols.who, 0.0, |ui| {
            ui.spacing_mut().item_spacing.y = 2.0;
            match worker {
                Some(Worker::Member(m)) => {
                    ui.label(sc.team[m].name.as_str());
                    let place = shift.member_queue(m).iter().position(|&q| q == task);
                    let note = match place {
                        Some(0) | None => "working".to_owned(),
                        Some(p) => format!("queued, #{}", p + 1),
                    };
                    ui::hint(ui, note);
                }
                Some(Worker::Trainee) => {
                    ui.label("You");
                    ui::hint(ui, "working");
                }
                None => {
                    ui.colored_label(theme::WARN, "nobody");
                    ui::hint(ui, "unassigned");
                }
            }
        });
        cell(ui, cols.progress, pad(16.0), |ui| {
            let done = shift.task_progress(task);
            ui.add(
                egui::ProgressBar::new(done as f32 / t.effort.max(1) as f32)
                    .desired_width(cols.progress)
                    .desired_height(16.0)
                    .text(
                        egui::RichText::new(format!("{}/{}", hours(done), hours(t.effort))).small(),
                    ),
            );
        });
        cell(ui, cols.actions, pad(small + 6.0), |ui| {
            ui.horizontal_wrapped(|ui| {
                ui.spacing_mut().item_spacing = egui::vec2(4.0, 4.0);
                for (n, to) in task_options(shift, task).into_iter().enumerate() {
                    let name = to.map_or("You", |m| sc.team[m].name.as_str());
                    let text = if selected && n < 4 {
                        format!("[{}] {name}", n + 1)
                    } else {
                        name.to_owned()
                    };
                    let on_it = match (to, worker) {
                        (Some(m), Some(Worker::Member(w))) => m == w,
                        (None, Some(Worker::Trainee)) => true,
                        _ => false,
                    };
                    let button = ui
                        .add(egui::Button::selectable(
                            on_it,
                            egui::RichText::new(text).small(),
                        ))
                        .on_hover_ui(|ui| {
                            let finish = match to {
                                Some(m) => shift.finish_if_assigned(task, m),
                                None => shift.finish_if_myself(task),
                            };
                            let hours_left = match to {
                                Some(m) => shift.member_minutes_left(m),
                                None => shift.trainee_minutes_left(),
                            };
                            ui.label(format!("{} h of work left today.", hours(hours_left)));
                            ui.label(match finish {
                                Some(f) => format!("Would finish about {}.", format_time(f)),
                                None => "Would not finish it today.".to_owned(),
                            });
                        });
                    if button.clicked() {
                        out.write(Command::Act(give_task(shift, task, to)));
                    }
                }
                // The selected row only: the same keys act on it, and the
                // board stays narrow enough to read at 1280 wide.
                if !selected {
                    return;
                }
                if ui
                    .add(egui::Button::new(
                        egui::RichText::new(ui::key("M", "+1 h")).small(),
                    ))
                    .on_hover_text("Ask the client for one more hour on the deadline.")
                    .clicked()
                {
                    out.write(Command::Act(ask_for_an_hour(shift, task)));
                }
                if ui
                    .add(egui::Button::new(
                        egui::RichText::new(ui::key("D", "Drop")).small(),
                    ))
                    .on_hover_text("Drop the task: it will not be done today.")
                    .clicked()
                {
                    out.write(Command::Act(Action::Drop { task: t.id.clone() }));
                }
            });
        });
    });
}

// ----- inbox -----------------------------------------------------------------

fn inbox(ui: &mut egui::Ui, a: &ActiveShift) {
    ui.heading("Inbox");
    if let Some(notice) = &a.notice {
        egui::Frame::new()
            .fill(theme::BAD.gamma_multiply(0.2))
            .stroke(egui::Stroke::new(1.0, theme::BAD))
            .corner_radius(4)
            .inner_margin(egui::Margin::same(6))
            .show(ui, |ui| {
                ui.set_width(ui.available_width());
                ui.add(
                    egui::Label::new(egui::RichText::new(notice).color(egui::Color32::WHITE))
                        .wrap(),
                );
            });
        ui.add_space(4.0);
    }
    egui::ScrollArea::vertical()
        .id_salt("inbox")
        .auto_shrink([false; 2])
        .show(ui, |ui| {
            let items = a.shift.inbox();
            if items.is_empty() {
                ui::hint(ui, "Nothing yet.");
            }
            for (at, text) in items.iter().rev() {
                ui.horizontal_top(|ui| {
                    ui.label(
                        egui::RichText::new(format_time(*at))
                            .monospace()
                            .color(theme::MUTED),
                    );
                    ui.add(egui::Label::new(text.as_str()).wrap());
                });
                ui.add_space(2.0);
            }
        });
}

// ----- modal questions -------------------------------------------------------

fn scenario_changed(ctx: &egui::Context, out: &mut MessageWriter<Command>) {
    modal(ctx, "scenario-changed").show(ctx, |ui| {
        ui.set_max_width(480.0);
        ui.heading("The scenario file changed");
        ui.label("Someone saved a new version of this scenario while you were playing.");
        ui.add_space(8.0);
        if ui
            .button(ui::key("R", "Replay your decisions on the new version"))
            .clicked()
        {
            out.write(Command::Replay);
        }
        if ui.button(ui::key("S", "Restart the shift")).clicked() {
            out.write(Command::Restart);
        }
        if ui
            .button(ui::key("K", "Keep playing this version"))
            .clicked()
        {
            out.write(Command::KeepPlaying);
        }
    });
}

/// A question in the middle of the screen, with room around its words.
fn modal(ctx: &egui::Context, id: &'static str) -> egui::Modal {
    egui::Modal::new(egui::Id::new(id))
        .frame(egui::Frame::window(&ctx.global_style()).inner_margin(egui::Margin::same(18)))
}

/// Darkens the screen behind a question. The modal's own backdrop does not
/// cover the panels, which are drawn on the background layer.
fn dim(ctx: &egui::Context) {
    let layer = egui::LayerId::new(egui::Order::Middle, egui::Id::new("shift-dim"));
    ctx.layer_painter(layer).rect_filled(
        ctx.content_rect(),
        0,
        egui::Color32::from_black_alpha(150),
    );
}

// ----- small pieces ----------------------------------------------------------

/// Minutes as `H:MM`.
fn hours(minutes: u32) -> String {
    format!("{}:{:02}", minutes / 60, minutes % 60)
}

/// A frame filling the panel, bright when the number keys act on it.
fn focus_frame<R>(
    ui: &mut egui::Ui,
    focused: bool,
    add: impl FnOnce(&mut egui::Ui) -> R,
) -> egui::InnerResponse<R> {
    let stroke = if focused {
        egui::Stroke::new(2.0, FOCUS)
    } else {
        egui::Stroke::new(1.0, ui.visuals().widgets.noninteractive.bg_stroke.color)
    };
    egui::Frame::new()
        .inner_margin(egui::Margin::same(10))
        .corner_radius(6)
        .stroke(stroke)
        .show(ui, |ui| {
            ui.set_min_size(ui.available_size());
            add(ui)
        })
}

/// The key hint at the right of a panel's heading.
fn focus_hint(ui: &mut egui::Ui, focused: bool, keys: &str, switch: &str, unfocused: &str) {
    ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
        if focused {
            ui.label(egui::RichText::new(switch).small().color(FOCUS));
            ui.label(egui::RichText::new(keys).small().color(FOCUS));
        } else {
            ui::hint(ui, unfocused);
        }
    });
}

/// A fixed-width cell of a table row, `top` pixels down from the row's top.
fn cell<R>(ui: &mut egui::Ui, width: f32, top: f32, add: impl FnOnce(&mut egui::Ui) -> R) -> R {
    ui.allocate_ui_with_layout(
        egui::vec2(width, 0.0),
        egui::Layout::top_down(egui::Align::Min),
        |ui| {
            ui.set_width(width);
            ui.add_space(top);
            add(ui)
        },
    )
    .inner
}

/// How a [`clickable`] block looks when the pointer is not on it.
#[derive(Clone, Copy, PartialEq)]
enum Look {
    Plain,
    /// A faint fill, so it reads as something to click.
    Button,
    Selected,
}

/// A block that reacts to the pointer as a whole, highlighted when selected
/// or hovered. Buttons inside it stay on top and keep their own clicks.
fn clickable(
    ui: &mut egui::Ui,
    id: egui::Id,
    look: Look,
    add: impl FnOnce(&mut egui::Ui),
) -> egui::Response {
    let background = ui.painter().add(egui::Shape::Noop);
    let response = ui
        .scope_builder(
            egui::UiBuilder::new()
                .id_salt(id)
                .sense(egui::Sense::click()),
            |ui| {
                egui::Frame::new()
                    .inner_margin(egui::Margin::symmetric(6, 4))
                    .show(ui, |ui| {
                        ui.set_width(ui.available_width());
                        add(ui);
                    });
            },
        )
        .response;
    let fill = match look {
        Look::Selected => Some(FOCUS.gamma_multiply(0.25)),
        _ if response.hovered() => Some(ui.visuals().widgets.hovered.weak_bg_fill),
        Look::Button => Some(ui.visuals().widgets.inactive.weak_bg_fill),
        Look::Plain => None,
    };
    if let Some(fill) = fill {
        ui.painter()
            .set(background, egui::Shape::rect_filled(response.rect, 4, fill));
    }
    response
}

/// The primary button went down and up inside `rect` this frame.
fn clicked_in(ui: &egui::Ui, rect: egui::Rect) -> bool {
    ui.input(|i| i.pointer.primary_clicked()) && ui.rect_contains_pointer(rect)
}
