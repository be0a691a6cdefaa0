//! A calm, readable look: larger text than egui's default, soft colours,
//! and the colours the screens use for good, warning and bad.

use bevy::prelude::*;
use bevy_egui::{EguiContexts, EguiPrimaryContextPass, egui};

pub(super) fn plugin(app: &mut App) {
    let [r, g, b, _] = BACKGROUND.to_array();
    app.insert_resource(ClearColor(Color::srgb_u8(r, g, b)))
        .add_systems(EguiPrimaryContextPass, apply_theme.run_if(run_once));
}

/// The background behind every screen. The window is cleared to it and
/// egui's panels are left unfilled: under a software renderer (llvmpipe)
/// the frame costs in proportion to the pixels shaded, and a filled panel
/// under everything shaded every pixel of the window once more.
pub const BACKGROUND: egui::Color32 = egui::Color32::from_rgb(0x1e, 0x22, 0x28);

pub const GOOD: egui::Color32 = egui::Color32::from_rgb(0x3f, 0xa3, 0x6b);
pub const WARN: egui::Color32 = egui::Color32::from_rgb(0xe0, 0xa1, 0x3a);
pub const BAD: egui::Color32 = egui::Color32::from_rgb(0xd9, 0x53, 0x4f);
pub const MUTED: egui::Color32 = egui::Color32::from_rgb(0x8a, 0x93, 0x9e);

fn apply_theme(mut contexts: EguiContexts) -> Result {
    let ctx = contexts.ctx_mut()?;
    ctx.set_theme(egui::ThemePreference::Dark);
    let mut style = (*ctx.global_style()).clone();
    use egui::{FontFamily::Proportional, FontId, TextStyle};
    style.text_styles = [
        (TextStyle::Heading, FontId::new(24.0, Proportional)),
        (TextStyle::Body, FontId::new(16.0, Proportional)),
        (TextStyle::Button, FontId::new(16.0, Proportional)),
        (TextStyle::Small, FontId::new(13.0, Proportional)),
        (
            TextStyle::Monospace,
            FontId::new(15.0, egui::FontFamily::Monospace),
        ),
    ]
    .into();
    style.spacing.item_spacing = egui::vec2(8.0, 6.0);
    style.spacing.button_padding = egui::vec2(10.0, 5.0);
    style.visuals = egui::Visuals::dark();
    style.visuals.panel_fill = egui::Color32::TRANSPARENT;
    style.visuals.window_fill = egui::Color32::from_rgb(0x25, 0x2a, 0x31);
    // A steady text cursor: a blinking one redraws the window twice a
    // second for as long as a name field has the focus.
    style.visuals.text_cursor.blink = false;
    ctx.set_global_style(style);
    Ok(())
}

/// The frame around the panel the keys act on, and what is selected in it.
pub const FOCUS: egui::Color32 = egui::Color32::from_rgb(0x4a, 0x9e, 0xe8);
