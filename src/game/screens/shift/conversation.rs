//! The conversation panel: what the client says, the answers, the reply timer and the conversations the trainee may open.

use bevy::prelude::*;
use bevy_egui::egui;

use super::{Picks, SHORT_REPLY, ShiftView};
use crate::engine::{Action, Conversation, DecisionKind, Shift};
use crate::game::play::{ActiveShift, Panel, ShiftCommand};
use crate::game::{theme, ui};
use crate::scenario::{Resolved, format_time};

pub(super) fn dialogue(
    ui: &mut egui::Ui,
    a: &ActiveShift,
    view: &mut ShiftView,
    picks: &mut Picks,
    fit: &mut ui::Fit,
    now_real: f64,
    out: &mut MessageWriter<ShiftCommand>,
) {
    let shift = &a.shift;
    let sc = shift.scenario();
    let focused = a.focus == Panel::Dialogue;
    let frame = ui::focus_frame(ui, focused, |ui| {
        ui.horizontal_wrapped(|ui| {
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
        let Some(selected) = a.conversation_row() else {
            ui.add_space(20.0);
            ui.label(egui::RichText::new("No one is waiting for an answer.").color(theme::MUTED));
            return;
        };
        let now = f64::from(sc.start) + a.clock;
        if let [only] = conversations {
            // One conversation needs no tabs; only the word that it is new.
            if view.is_new(only.dialogue) {
                let fill = if view.lit(only.dialogue, now_real) {
                    theme::WARN
                } else {
                    theme::WARN.gamma_multiply(0.6)
                };
                egui::Frame::new()
                    .fill(fill)
                    .corner_radius(4)
                    .inner_margin(egui::Margin::symmetric(8, 2))
                    .show(ui, |ui| {
                        ui.label(
                            egui::RichText::new(format!("NEW · {} wrote", who(sc, only)))
                                .strong()
                                .color(egui::Color32::BLACK),
                        );
                    });
            }
        } else {
            tabs(ui, a, view, selected, picks, now, now_real);
        }
        ui.separator();
        let conv = &conversations[selected];
        picks.seen = Some(conv.dialogue);
        let line = (conv.dialogue, conv.node);
        let new_line = view.shown_line != Some(line);
        view.shown_line = Some(line);
        let scrolled = egui::ScrollArea::vertical()
            .id_salt(("dialogue", conv.dialogue))
            .auto_shrink([false; 2])
            .show(ui, |ui| {
                transcript(ui, shift, conv.dialogue);
                let top = ui.min_rect().bottom();
                let block = ui.scope(|ui| {
                    current_line(ui, a, conv, picks, out);
                });
                if new_line {
                    // The answers in view, with what was just said above them.
                    ui.scroll_to_rect(block.response.rect, Some(egui::Align::Max));
                }
                ui.min_rect().bottom() - top
            });
        fit.whole(
            "the open conversation's line and answers",
            scrolled.inner,
            scrolled.inner_rect.height(),
        );
    });
    if ui::clicked_in(ui, frame.response.rect) && picks.focus.is_none() {
        picks.focus = Some(Panel::Dialogue);
    }
}

/// One tab per open conversation: who, the reply timer, NEW until seen;
/// a fresh one blinks and one about to time out is filled red.
fn tabs(
    ui: &mut egui::Ui,
    a: &ActiveShift,
    view: &ShiftView,
    selected: usize,
    picks: &mut Picks,
    now: f64,
    now_real: f64,
) {
    let sc = a.shift.scenario();
    let conversations = a.shift.conversations();
    ui.horizontal_wrapped(|ui| {
        for (i, conv) in conversations.iter().enumerate() {
            let mut words = who(sc, conv).to_owned();
            let left = conv.timeout_at.map(|at| (f64::from(at) - now).max(0.0));
            if let Some(left) = left {
                words = format!("{words} · {} min", left.ceil());
            }
            let urgent = left.is_some_and(|l| l <= SHORT_REPLY);
            if urgent {
                words = format!("! {words}");
            }
            if view.is_new(conv.dialogue) && i != selected {
                words = format!("NEW · {words}");
            }
            let mut text = egui::RichText::new(words);
            let lit = view.lit(conv.dialogue, now_real);
            let button = if lit || (urgent && i != selected) {
                // A fill, not just a colour: seen from the corner of an eye.
                let fill = if urgent { theme::BAD } else { theme::WARN };
                text = text.strong().color(egui::Color32::BLACK);
                egui::Button::new(text).fill(fill)
            } else {
                if let Some(left) = left
                    && i != selected
                {
                    // On the selected tab's fill the plain colour reads better.
                    text = text.color(timer_colour(left));
                }
                egui::Button::selectable(i == selected, text)
            };
            if ui.add(button).clicked() {
                picks.conversation = Some(conv.dialogue);
                picks.focus = Some(Panel::Dialogue);
            }
        }
    });
}

/// Who a conversation is with: the client, or whoever speaks.
fn who<'a>(sc: &'a Resolved, conv: &Conversation) -> &'a str {
    let d = &sc.dialogues[conv.dialogue];
    match d.client {
        Some(c) => sc.clients[c].name.as_str(),
        None => d.nodes[conv.node].speaker.as_str(),
    }
}

/// What was said so far in this dialogue, and what the trainee answered.
fn transcript(ui: &mut egui::Ui, shift: &Shift, dialogue: usize) {
    let sc = shift.scenario();
    let d = &sc.dialogues[dialogue];
    let mut any = false;
    for decision in shift.decisions() {
        let (node, answer) = match &decision.kind {
            DecisionKind::Timeout { dialogue: id, node } if *id == *d.id => {
                let Some(n) = d.nodes.iter().position(|x| *x.id == **node) else {
                    continue;
                };
                (n, None)
            }
            DecisionKind::Action(_) => match decision.answered(sc) {
                Some((di, n, c)) if di == dialogue => (n, Some(c)),
                _ => continue,
            },
            DecisionKind::Timeout { .. } => continue,
        };
        any = true;
        let said = &d.nodes[node];
        ui.horizontal_wrapped(|ui| {
            ui.label(
                egui::RichText::new(format!("{} {}", format_time(decision.time), said.speaker))
                    .small()
                    .strong()
                    .color(theme::MUTED),
            );
        });
        ui.add(
            egui::Label::new(egui::RichText::new(format!("“{}”", said.says)).color(theme::MUTED))
                .wrap(),
        );
        let reply = match answer {
            Some(c) => format!("You: {}", said.choices[c].say),
            None => "You did not answer in time.".to_owned(),
        };
        ui.add(egui::Label::new(egui::RichText::new(reply).italics()).wrap());
        ui.add_space(6.0);
    }
    if any {
        ui.separator();
    }
}

/// The line waiting for an answer: who says it, the reply timer, and the
/// answers with their keys.
fn current_line(
    ui: &mut egui::Ui,
    a: &ActiveShift,
    conv: &Conversation,
    picks: &mut Picks,
    out: &mut MessageWriter<ShiftCommand>,
) {
    let shift = &a.shift;
    let sc = shift.scenario();
    let d = &sc.dialogues[conv.dialogue];
    let node = &d.nodes[conv.node];
    let now = f64::from(sc.start) + a.clock;
    ui.horizontal_wrapped(|ui| {
        ui.label(egui::RichText::new(&node.speaker).strong());
        if let Some(c) = d.client {
            ui::hint(ui, format!("· {}", sc.clients[c].name));
        }
    });
    let says = egui::RichText::new(format!("“{}”", node.says))
        .size(18.0)
        .color(ui.visuals().strong_text_color());
    ui.add(egui::Label::new(says).wrap());
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
            // The bar moves in whole shift minutes, like the clock: the
            // screen need not redraw in between.
            let shown = (f64::from(at) - f64::from(shift.now())).clamp(0.0, total);
            ui.add(
                egui::ProgressBar::new((shown / total) as f32)
                    .desired_height(8.0)
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
        let row = ui::clickable(ui, egui::Id::new(("choice", n)), ui::Look::Button, |ui| {
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
                let text = egui::RichText::new(&node.choices[choice].say).color(colour);
                ui.add(egui::Label::new(text).wrap());
            });
        });
        if row.clicked() {
            picks.focus = Some(Panel::Dialogue);
            out.write(ShiftCommand::Answer {
                dialogue: conv.dialogue,
                n,
            });
        }
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
