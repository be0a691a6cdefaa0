//! The top bar: the clock, pause and speed, the trainee's hours and the stress gauge.

use bevy::prelude::*;
use bevy_egui::egui;

use crate::engine::rules::DANGER_ZONE;
use crate::game::play::{ActiveShift, SPEEDS, ShiftCommand};
use crate::game::{theme, ui};
use crate::scenario::format_time;

pub(super) fn top_bar(ui: &mut egui::Ui, a: &ActiveShift, out: &mut MessageWriter<ShiftCommand>) {
    let shift = &a.shift;
    let sc = shift.scenario();
    // Wrapping: at a large text size or in a narrow window the bar takes a
    // second row rather than running off the edge.
    ui.horizontal_wrapped(|ui| {
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
                format!("{} left", ui::h_mm(sc.end.saturating_sub(shift.now()))),
            );
        });
        ui.separator();
        if a.paused {
            let paused = egui::Button::new(
                egui::RichText::new("PAUSED · Space")
                    .size(18.0)
                    .strong()
                    .color(egui::Color32::BLACK),
            )
            .fill(theme::WARN);
            if ui.add(paused).clicked() {
                out.write(ShiftCommand::TogglePause);
            }
        } else if ui.button(ui::key("Space", "Pause")).clicked() {
            out.write(ShiftCommand::TogglePause);
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
                out.write(ShiftCommand::SetSpeed(s));
            }
        }
        ui::hint(ui, "−/+");
        ui.separator();
        ui.label("Your hours");
        ui.label(egui::RichText::new(ui::h_mm(shift.trainee_minutes_left())).strong());
        ui.separator();
        ui.label("Stress");
        let gauge = (ui.ctx().content_rect().width() * 0.15).clamp(120.0, 220.0);
        stress_gauge(ui, shift.stress(), sc.trainee.burnout_at, gauge);
        if shift.in_danger_zone() {
            ui.colored_label(theme::BAD, egui::RichText::new("DANGER").strong());
        }
        ui.vertical(|ui| {
            ui.spacing_mut().item_spacing.y = 0.0;
            // One short word a line, so the pair never wraps inside.
            ui.horizontal(|ui| {
                let zone = format!("danger >{DANGER_ZONE}");
                ui.label(egui::RichText::new(zone).small().color(theme::BAD));
            });
            ui.horizontal(|ui| {
                ui::hint(ui, format!("burnout {}", sc.trainee.burnout_at));
            });
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
