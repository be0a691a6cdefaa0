//! Small pieces of egui the screens share.

use bevy_egui::egui;

use super::theme;

/// The root `Ui` covering the window, which egui 0.36's panels are shown in.
pub fn root(ctx: &egui::Context) -> egui::Ui {
    egui::Ui::new(
        ctx.clone(),
        "root".into(),
        egui::UiBuilder::new()
            .layer_id(egui::LayerId::background())
            .max_rect(ctx.viewport_rect()),
    )
}

/// A horizontal bar for a 0..=100 value, coloured by how good it is.
pub fn meter(ui: &mut egui::Ui, value: i32, danger_below: i32, width: f32) -> egui::Response {
    let colour = if value < danger_below {
        theme::BAD
    } else if value < danger_below + 15 {
        theme::WARN
    } else {
        theme::GOOD
    };
    ui.add(
        egui::ProgressBar::new(value.clamp(0, 100) as f32 / 100.0)
            .desired_width(width)
            .fill(colour)
            .text(format!("{value}")),
    )
}

/// A key hint like "[1]" before a button's text.
pub fn key(k: &str, text: &str) -> String {
    format!("[{k}]  {text}")
}

/// Muted small text.
pub fn hint(ui: &mut egui::Ui, text: impl Into<String>) {
    ui.label(egui::RichText::new(text).small().color(theme::MUTED));
}

/// Scrolls the enclosing `ScrollArea` with Up/Down (a few lines) and
/// PageUp/PageDown (most of a screen), for screens that are read, not
/// navigated. Call it inside the scroll area.
pub fn scroll_with_keys(ui: &mut egui::Ui) {
    let page = ui.clip_rect().height() * 0.8;
    let line = 48.0;
    let dy = ui.input(|i| {
        let mut dy = 0.0;
        if i.key_pressed(egui::Key::ArrowUp) {
            dy += line;
        }
        if i.key_pressed(egui::Key::ArrowDown) {
            dy -= line;
        }
        if i.key_pressed(egui::Key::PageUp) {
            dy += page;
        }
        if i.key_pressed(egui::Key::PageDown) {
            dy -= page;
        }
        dy
    });
    if dy != 0.0 {
        ui.scroll_with_delta(egui::vec2(0.0, dy));
    }
}

/// A section title inside a screen's body.
pub fn section(ui: &mut egui::Ui, title: &str) {
    ui.add_space(10.0);
    ui.label(egui::RichText::new(title).size(19.0).strong());
    ui.add_space(2.0);
}

/// Hours as a trainee reads them: "6 h", "2.5 h".
pub fn hours(h: f64) -> String {
    if h.fract() == 0.0 {
        format!("{h:.0} h")
    } else {
        format!("{h:.1} h")
    }
}
