//! The inbox: what the shift told the trainee, newest first.

use bevy_egui::egui;

use crate::game::play::ActiveShift;
use crate::game::{theme, ui};
use crate::scenario::format_time;

/// The inbox, scrolling in the room left to it.
pub(super) fn inbox(ui: &mut egui::Ui, a: &ActiveShift) {
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
                    egui::Label::new(egui::RichText::new(&notice.text).color(egui::Color32::WHITE))
                        .wrap(),
                );
            });
        ui.add_space(4.0);
    }
    egui::ScrollArea::vertical()
        .id_salt("inbox")
        .auto_shrink([false; 2])
        .show(ui, |ui| items(ui, a));
}

fn items(ui: &mut egui::Ui, a: &ActiveShift) {
    let items = a.shift.inbox();
    if items.is_empty() {
        ui::hint(ui, "Nothing yet.");
    }
    // Inside the scroll bar, not under it.
    ui.set_max_width(ui.available_width() - 6.0);
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
}
