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

/// Minutes as `H:MM`.
pub fn h_mm(minutes: u32) -> String {
    format!("{}:{:02}", minutes / 60, minutes % 60)
}

/// A frame filling the panel, bright when the number keys act on it.
pub fn focus_frame<R>(
    ui: &mut egui::Ui,
    focused: bool,
    add: impl FnOnce(&mut egui::Ui) -> R,
) -> egui::InnerResponse<R> {
    let stroke = if focused {
        egui::Stroke::new(2.0, theme::FOCUS)
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

/// The key hint after a panel's heading, in a wrapping row: on a narrow
/// panel it moves under the heading instead of over it.
pub fn focus_hint(ui: &mut egui::Ui, focused: bool, keys: &str, switch: &str, unfocused: &str) {
    if focused {
        ui.label(egui::RichText::new(keys).small().color(theme::FOCUS));
        ui.label(egui::RichText::new(switch).small().color(theme::FOCUS));
    } else {
        hint(ui, unfocused);
    }
}

/// What did not fit on the screen last drawn: a panel whose contents need
/// more room than it has, a panel outside the window or over another, a
/// part that must be seen whole but needs scrolling. `shot` fails on any,
/// so CI catches a layout that breaks at some window size or text scale.
#[derive(bevy::prelude::Resource, Default, Debug)]
pub struct Fit {
    pub problems: Vec<String>,
    panels: Vec<(&'static str, egui::Rect)>,
}

impl Fit {
    /// Starts a new frame.
    pub fn clear(&mut self) {
        self.problems.clear();
        self.panels.clear();
    }

    /// Checks a panel: call it last inside the panel's contents.
    pub fn panel(&mut self, name: &'static str, ui: &egui::Ui) {
        let had = ui.max_rect();
        let used = ui.min_rect();
        let window = ui.ctx().content_rect();
        if used.width() > had.width() + 1.0 || used.height() > had.height() + 1.0 {
            self.problems.push(format!(
                "{name}: its contents need {:.0}×{:.0} points, it has {:.0}×{:.0}",
                used.width(),
                used.height(),
                had.width(),
                had.height()
            ));
        }
        if !window.expand(1.0).contains_rect(used) {
            self.problems.push(format!(
                "{name} reaches outside the window ({:.0}×{:.0} points): {used:?}",
                window.width(),
                window.height()
            ));
        }
        for (other, rect) in &self.panels {
            let both = rect.intersect(had);
            if both.width() > 1.0 && both.height() > 1.0 {
                self.problems
                    .push(format!("{name} overlaps {other} by {both:?}"));
            }
        }
        self.panels.push((name, had));
    }

    /// Something that must be seen whole, `needed` points tall, in a view
    /// `shown` points tall.
    pub fn whole(&mut self, what: &str, needed: f32, shown: f32) {
        if needed > shown + 1.0 {
            self.problems.push(format!(
                "{what} needs {needed:.0} points of height and has {shown:.0}: the trainee must scroll to see it"
            ));
        }
    }
}

/// How a [`clickable`] block looks when the pointer is not on it.
#[derive(Clone, Copy, PartialEq)]
pub enum Look {
    /// A faint fill, so it reads as something to click.
    Button,
    Selected,
}

/// A block that reacts to the pointer as a whole, highlighted when selected
/// or hovered. Buttons inside it stay on top and keep their own clicks.
pub fn clickable(
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
        Look::Selected => Some(theme::FOCUS.gamma_multiply(0.25)),
        _ if response.hovered() => Some(ui.visuals().widgets.hovered.weak_bg_fill),
        Look::Button => Some(ui.visuals().widgets.inactive.weak_bg_fill),
    };
    if let Some(fill) = fill {
        ui.painter()
            .set(background, egui::Shape::rect_filled(response.rect, 4, fill));
    }
    response
}

/// The primary button went down and up inside `rect` this frame.
pub fn clicked_in(ui: &egui::Ui, rect: egui::Rect) -> bool {
    ui.input(|i| i.pointer.primary_clicked()) && ui.rect_contains_pointer(rect)
}

/// A question in the middle of the screen, with room around its words.
pub fn modal(ctx: &egui::Context, id: &'static str) -> egui::Modal {
    egui::Modal::new(egui::Id::new(id))
        .frame(egui::Frame::window(&ctx.global_style()).inner_margin(egui::Margin::same(18)))
}

/// Darkens the screen behind a question. The modal's own backdrop does not
/// cover the panels, which are drawn on the background layer.
pub fn dim(ctx: &egui::Context) {
    let layer = egui::LayerId::new(egui::Order::Middle, egui::Id::new("shift-dim"));
    ctx.layer_painter(layer).rect_filled(
        ctx.content_rect(),
        0,
        egui::Color32::from_black_alpha(150),
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One frame of a 400×300 window with a left panel 120 points wide
    /// holding `content`, checked by [`Fit`].
    fn problems(content: impl Fn(&mut egui::Ui)) -> Vec<String> {
        let ctx = egui::Context::default();
        let input = egui::RawInput {
            screen_rect: Some(egui::Rect::from_min_size(
                egui::Pos2::ZERO,
                egui::vec2(400.0, 300.0),
            )),
            ..Default::default()
        };
        let mut fit = Fit::default();
        let mut output = ctx.run_ui(input, |ui| {
            egui::Panel::left("left")
                .resizable(false)
                .exact_size(120.0)
                .show(ui, |ui| {
                    content(ui);
                    fit.panel("left", ui);
                });
            egui::CentralPanel::default().show(ui, |ui| {
                ui.label("the rest");
                fit.panel("centre", ui);
            });
        });
        // No renderer takes the font texture here.
        output.textures_delta.clear();
        fit.problems
    }

    #[test]
    fn a_layout_that_fits_has_no_problems() {
        assert_eq!(
            problems(|ui| {
                ui.add(egui::Label::new("a long line that wraps inside the panel").wrap());
            }),
            Vec::<String>::new()
        );
    }

    #[test]
    fn content_wider_or_taller_than_its_panel_is_a_problem() {
        let wide = problems(|ui| {
            ui.horizontal(|ui| {
                for _ in 0..10 {
                    let _ = ui.button("button");
                }
            });
        });
        // egui widens the panel to its contents: it then leaves the window
        // and runs under the next panel.
        assert!(
            wide.iter()
                .any(|p| p.starts_with("left reaches outside the window")),
            "{wide:?}"
        );
        assert!(
            wide.iter().any(|p| p.starts_with("centre overlaps left")),
            "{wide:?}"
        );
        let tall = problems(|ui| {
            ui.add_space(500.0);
        });
        assert!(tall.iter().any(|p| p.starts_with("left")), "{tall:?}");
    }

    #[test]
    fn a_part_that_must_be_whole_but_needs_scrolling_is_a_problem() {
        let mut fit = Fit::default();
        fit.whole("the answers", 300.0, 300.5);
        assert!(fit.problems.is_empty());
        fit.whole("the answers", 420.0, 300.0);
        assert_eq!(fit.problems.len(), 1);
        assert!(fit.problems[0].contains("must scroll"));
    }
}
