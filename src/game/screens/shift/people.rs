//! The left column: each client with their loyalty, and the team with their hours and work.

use bevy::prelude::*;
use bevy_egui::egui;

use super::{BADGE_SECONDS, ShiftView};
use crate::engine::{Action, Shift};
use crate::game::play::ShiftCommand;
use crate::game::{theme, ui};
use crate::scenario::{Tier, format_time};

pub(super) fn clients(ui: &mut egui::Ui, shift: &Shift, view: &ShiftView, now_real: f64) {
    ui.heading("Clients");
    let sc = shift.scenario();
    for (c, client) in sc.clients.iter().enumerate() {
        ui.horizontal(|ui| {
            // Room for the tier after a long name.
            ui.scope(|ui| {
                ui.set_max_width(ui.available_width() - 60.0);
                // Whole, on two lines if need be: "Supermarkets «Mayak» (head
                // office)" and "Supermarkets «Mayak» (stores)" must not read
                // the same.
                ui.add(egui::Label::new(egui::RichText::new(&client.name).strong()).wrap());
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

pub(super) fn team(ui: &mut egui::Ui, shift: &Shift, out: &mut MessageWriter<ShiftCommand>) {
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
    ui.horizontal_wrapped(|ui| {
        if ui.button(ui::key("B", &label)).clicked() {
            out.write(ShiftCommand::Act(Action::TakeBreak {
                minutes: crate::engine::rules::SHORT_BREAK,
            }));
        }
        ui::hint(ui, "Esc: leave the shift");
    });
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
                let left = format!("{} h", ui::h_mm(minutes_left));
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
