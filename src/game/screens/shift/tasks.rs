//! The task board: a card for every open task (who has it, when it will be
//! done, who could take it), and what the keys do with it.

use bevy::prelude::*;
use bevy_egui::egui;

use super::{Picks, ShiftView};
use crate::engine::{Action, Shift, TaskStatus, Worker};
use crate::game::play::{
    ActiveShift, Panel, ShiftCommand, ask_for_an_hour, give_task, open_tasks, task_options,
};
use crate::game::{theme, ui};
use crate::scenario::{Minute, Priority, format_time};

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
        ui.horizontal_wrapped(|ui| {
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
        if tasks.is_empty() {
            ui.add_space(12.0);
            ui.label(egui::RichText::new("No open tasks.").color(theme::MUTED));
            return;
        }
        let selected = a.task_row(&tasks).unwrap_or(0);
        let projected = shift.projected_finish();
        egui::ScrollArea::vertical()
            .id_salt("tasks")
            .auto_shrink([false; 2])
            .show(ui, |ui| {
                ui.spacing_mut().item_spacing.y = 4.0;
                for (row, &task) in tasks.iter().enumerate() {
                    let is_selected = row == selected;
                    let look = if is_selected {
                        ui::Look::Selected
                    } else {
                        ui::Look::Button
                    };
                    let response = ui::clickable(ui, egui::Id::new(("task", task)), look, |ui| {
                        task_card(ui, shift, task, is_selected, projected[task], out);
                    });
                    if response.clicked() || ui::clicked_in(ui, response.rect) {
                        picks.task = Some(task);
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

fn task_card(
    ui: &mut egui::Ui,
    shift: &Shift,
    task: usize,
    selected: bool,
    projected: Option<Minute>,
    out: &mut MessageWriter<ShiftCommand>,
) {
    let sc = shift.scenario();
    let t = &sc.tasks[task];
    ui.spacing_mut().item_spacing.y = 2.0;
    ui.horizontal_top(|ui| {
        let (text, colour) = match t.priority {
            Priority::Critical => ("Critical", theme::BAD),
            Priority::High => ("High", theme::WARN),
            Priority::Normal => ("Normal", ui.visuals().text_color()),
            Priority::Low => ("Low", theme::MUTED),
        };
        ui.with_layout(egui::Layout::right_to_left(egui::Align::Min), |ui| {
            ui.label(egui::RichText::new(text).small().strong().color(colour));
            ui.with_layout(egui::Layout::left_to_right(egui::Align::Min), |ui| {
                // The whole title: cut, a task reads as another.
                ui.add(egui::Label::new(egui::RichText::new(&t.title).strong()).wrap());
            });
        });
    });
    let deadline = shift.task_deadline(task);
    let worker = shift.task_worker(task);
    let late = shift.task_is_late(task);
    let (note, colour) = match (late, projected, worker) {
        (true, _, _) => ("late".to_owned(), theme::BAD),
        (false, Some(f), _) if f > deadline => (format!("done ~{}", format_time(f)), theme::BAD),
        (false, Some(f), _) => (format!("done ~{}", format_time(f)), theme::GOOD),
        (false, None, Some(_)) => ("not today".to_owned(), theme::BAD),
        (false, None, None) => (
            format!("in {}", ui::h_mm(deadline.saturating_sub(shift.now()))),
            theme::MUTED,
        ),
    };
    ui.horizontal_wrapped(|ui| {
        ui.spacing_mut().item_spacing.x = 6.0;
        let client = t.client.map_or("internal", |c| sc.clients[c].name.as_str());
        ui.label(egui::RichText::new(client).small().color(theme::MUTED));
        let due = egui::RichText::new(format!("due {}", format_time(deadline)))
            .small()
            .strong();
        ui.label(if colour == theme::BAD {
            due.color(theme::BAD)
        } else {
            due
        });
        ui.label(egui::RichText::new(note).small().color(colour));
    });
    ui.horizontal(|ui| {
        let who = match worker {
            Some(Worker::Member(m)) => {
                let place = shift.member_queue(m).iter().position(|&q| q == task);
                match place {
                    Some(0) | None => format!("{} is on it", sc.team[m].name),
                    Some(p) => format!("{}: queued, #{}", sc.team[m].name, p + 1),
                }
            }
            Some(Worker::Trainee) => "You are on it".to_owned(),
            None => "Nobody is on it".to_owned(),
        };
        let colour = if worker.is_none() {
            theme::WARN
        } else {
            ui.visuals().text_color()
        };
        let done = shift.task_progress(task);
        ui.add(
            egui::ProgressBar::new(done as f32 / t.effort.max(1) as f32)
                .desired_width(90.0)
                .desired_height(14.0)
                .text(
                    egui::RichText::new(format!("{}/{}", ui::h_mm(done), ui::h_mm(t.effort)))
                        .small(),
                ),
        );
        ui.add(egui::Label::new(egui::RichText::new(who).small().color(colour)).truncate());
    });
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
        // The selected card only: the same keys act on it.
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
}
