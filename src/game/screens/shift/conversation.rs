//! The conversation panel: what the client says, the answers, the reply timer and the conversations the trainee may open.

use bevy::prelude::*;
use bevy_egui::egui;

use super::{Picks, SHORT_REPLY};
use crate::engine::{Action, Shift};
use crate::game::play::{ActiveShift, Panel, ShiftCommand};
use crate::game::{theme, ui};
use crate::scenario::format_time;

pub(super) fn dialogue(
    ui: &mut egui::Ui,
    a: &ActiveShift,
    picks: &mut Picks,
    out: &mut MessageWriter<ShiftCommand>,
) {
    let shift = &a.shift;
    let sc = shift.scenario();
    let focused = a.focus == Panel::Dialogue;
    let frame = ui::focus_frame(ui, focused, |ui| {
        ui.horizontal(|ui| {
            ui.heading("Conversation");
            ui::focus_hint(
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
                    let row =
                        ui::clickable(ui, egui::Id::new(("choice", n)), ui::Look::Button, |ui| {
                            ui.horizontal_top(|ui| {
                                ui.label(
                                    egui::RichText::new(key)
                                        .strong()
                                        .monospace()
                                        .color(theme::FOCUS),
                                );
                                let colour = if busy.is_some() {
                                    theme::MUTED
                                } else {
                                    ui.visuals().widgets.active.text_color()
                                };
                                let text =
                                    egui::RichText::new(&node.choices[choice].say).color(colour);
                                ui.add(egui::Label::new(text).wrap());
                            });
                        });
                    if row.clicked() {
                        picks.focus = Some(Panel::Dialogue);
                        out.write(ShiftCommand::Answer {
                            conversation: selected,
                            n,
                        });
                    }
                }
            });
    });
    if ui::clicked_in(ui, frame.response.rect) && picks.focus.is_none() {
        picks.focus = Some(Panel::Dialogue);
    }
}

/// The conversations the trainee may start now (a call, a visit, a
/// proposal): O starts the first, a click any of them.
fn initiatives(ui: &mut egui::Ui, shift: &Shift, out: &mut MessageWriter<ShiftCommand>) {
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
                .button(egui::RichText::new(label).color(theme::FOCUS))
                .on_hover_text("Start this conversation yourself; you answer no one else meanwhile")
                .clicked()
            {
                out.write(ShiftCommand::Act(Action::Open {
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
