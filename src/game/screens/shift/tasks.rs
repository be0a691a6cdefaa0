//! The task board: every open task, who has it, and what the keys do with it.

use bevy::prelude::*;
use bevy_egui::egui;

use super::{Picks, ShiftView};
use crate::engine::{Action, Shift, TaskStatus, Worker};
use crate::game::play::{
    ActiveShift, Panel, ShiftCommand, ask_for_an_hour, give_task, open_tasks, task_options,
};
use crate::game::{theme, ui};
use crate::scenario::{Minute, Priority, format_time};

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

pub(super) fn task_board(
    ui: &mut egui::Ui,
    a: &ActiveShift,
    view: &mut ShiftView,
    picks: &mut Picks,
    out: &mut MessageWriter<ShiftCommand>,
) {
    let shift = &a.shift;
    let sc = shift.scenario();
    let focused = a.focus == Panel::Tasks;
    let frame = ui::focus_frame(ui, focused, |ui| {
        let tasks = open_tasks(shift);
        let done = (0..sc.tasks.len())
            .filter(|&t| shift.task_status(t) == TaskStatus::Done)
            .count();
        ui.horizontal(|ui| {
            ui.heading("Tasks");
            ui::hint(ui, format!("{} open · {done} done", tasks.len()));
            ui::focus_hint(
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
                ui::cell(ui, w, 0.0, |ui| ui::hint(ui, text));
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
                        ui::Look::Selected
                    } else {
                        ui::Look::Plain
                    };
                    let response = ui::clickable(ui, egui::Id::new(("task", task)), look, |ui| {
                        task_row(ui, shift, task, is_selected, &cols, projected[task], out);
                    });
                    if response.clicked() || ui::clicked_in(ui, response.rect) {
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
    if ui::clicked_in(ui, frame.response.rect) && picks.focus.is_none() {
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
    out: &mut MessageWriter<ShiftCommand>,
) {
    let sc = shift.scenario();
    let t = &sc.tasks[task];
    let line = ui.text_style_height(&egui::TextStyle::Body);
    let small = ui.text_style_height(&egui::TextStyle::Small);
    let height = line + small + 2.0;
    let pad = |h: f32| ((height - h) / 2.0).max(0.0);
    ui.horizontal_top(|ui| {
        ui::cell(ui, cols.title, 0.0, |ui| {
            ui.spacing_mut().item_spacing.y = 2.0;
            ui.add(egui::Label::new(egui::RichText::new(&t.title).strong()).truncate())
                .on_hover_text(t.title.as_str());
            let client = t.client.map_or("internal", |c| sc.clients[c].name.as_str());
            ui.add(
                egui::Label::new(egui::RichText::new(client).small().color(theme::MUTED))
                    .truncate(),
            );
        });
        ui::cell(ui, cols.priority, pad(line), |ui| {
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
        ui::cell(ui, cols.due, 0.0, |ui| {
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
                    format!("in {}", ui::h_mm(deadline.saturating_sub(shift.now()))),
                    theme::MUTED,
                ),
            };
            let at_risk = colour == theme::BAD;
            let due = egui::RichText::new(format_time(deadline)).strong();
            ui.label(if at_risk { due.color(theme::BAD) } else { due });
            ui.label(egui::RichText::new(note).small().color(colour));
        });
        ui::cell(ui, cols.who, 0.0, |ui| {
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
        ui::cell(ui, cols.progress, pad(16.0), |ui| {
            let done = shift.task_progress(task);
            ui.add(
                egui::ProgressBar::new(done as f32 / t.effort.max(1) as f32)
                    .desired_width(cols.progress)
                    .desired_height(16.0)
                    .text(
                        egui::RichText::new(format!("{}/{}", ui::h_mm(done), ui::h_mm(t.effort)))
                            .small(),
                    ),
            );
        });
        ui::cell(ui, cols.actions, pad(small + 6.0), |ui| {
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
                            ui.label(format!("{} h of work left today.", ui::h_mm(hours_left)));
                            ui.label(match finish {
                                Some(f) => format!("Would finish about {}.", format_time(f)),
                                None => "Would not finish it today.".to_owned(),
                            });
                        });
                    if button.clicked() {
                        out.write(ShiftCommand::Act(give_task(shift, task, to)));
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
                    out.write(ShiftCommand::Act(ask_for_an_hour(shift, task)));
                }
                if ui
                    .add(egui::Button::new(
                        egui::RichText::new(ui::key("D", "Drop")).small(),
                    ))
                    .on_hover_text("Drop the task: it will not be done today.")
                    .clicked()
                {
                    out.write(ShiftCommand::Act(Action::Drop { task: t.id.clone() }));
                }
            });
        });
    });
}
