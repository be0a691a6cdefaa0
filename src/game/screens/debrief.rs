//! The debrief of the last shift ([`LastRun`]): the three scores against
//! their pass marks and the verdict, why the shift ended, loyalty and
//! stress over the shift, every decision in order with the author's
//! feedback, and what the best plan did differently. Everything shown is
//! read from the engine's `Outcome` and scoring's `Assessment`; nothing is
//! computed here but the drawing.

use bevy::ecs::system::SystemParam;
use bevy::prelude::*;
use bevy_egui::{EguiContexts, EguiPrimaryContextPass, egui};
use egui_plot::{
    Axis, AxisHints, GridInput, GridMark, HLine, HoverPosition, Line, LineStyle, MarkerShape, Plot,
    PlotPoints, Points, Span,
};

use super::briefing::wall_clock_seed;
use super::{AuthorMode, Screen};
use crate::engine::rules::DANGER_ZONE;
use crate::engine::{Action, Decision, DecisionKind, EndReason, Outcome, Sample};
use crate::game::export::export_runs;
use crate::game::play::{LastRun, Saved, ShiftCommand};
use crate::game::profiles::{Course, Profiles};
use crate::game::{theme, ui};
use crate::scenario::{Minute, Resolved, format_time};

pub(super) fn plugin(app: &mut App) {
    app.add_systems(
        EguiPrimaryContextPass,
        draw.run_if(in_state(Screen::Debrief)),
    );
}

/// Line colours for the clients; green and red are kept for good and bad.
const CLIENT_COLOURS: [egui::Color32; 6] = [
    egui::Color32::from_rgb(0x5b, 0x9b, 0xd5),
    egui::Color32::from_rgb(0xe0, 0x8a, 0x3c),
    egui::Color32::from_rgb(0xb0, 0x7c, 0xd8),
    egui::Color32::from_rgb(0x4f, 0xc1, 0xb0),
    egui::Color32::from_rgb(0xe5, 0x6b, 0x9a),
    egui::Color32::from_rgb(0xc9, 0xc2, 0x4b),
];
const STRESS_COLOUR: egui::Color32 = egui::Color32::from_rgb(0xe8, 0xe8, 0xe8);
const CHART_HEIGHT: f32 = 230.0;

/// What the export button of this debrief did.
#[derive(Default)]
struct Exported(Option<Result<String, String>>);

/// Where the run is kept: the trainees' profiles, under the course's rules.
#[derive(SystemParam)]
struct Store<'w> {
    profiles: ResMut<'w, Profiles>,
    course: Res<'w, Course>,
    /// Authors see the run's seed.
    author: AuthorMode<'w>,
}

fn draw(
    mut contexts: EguiContexts,
    keys: Res<ButtonInput<KeyCode>>,
    last: Option<ResMut<LastRun>>,
    store: Store,
    mut exported: Local<Exported>,
    mut commands: MessageWriter<ShiftCommand>,
    mut next: ResMut<NextState<Screen>>,
) -> Result {
    let author = store.author.on();
    let Store {
        mut profiles,
        course,
        ..
    } = store;
    let ctx = contexts.ctx_mut()?;
    let mut root = ui::root(ctx);
    let Some(mut run) = last else {
        egui::CentralPanel::default_margins().show(&mut root, |ui| {
            ui.heading("Debrief");
            ui.label("No shift has been played yet.");
            if ui.button(ui::key("Esc", "Back to the list")).clicked() {
                next.set(Screen::List);
            }
        });
        return Ok(());
    };

    if run.is_added() {
        exported.0 = None;
    }
    let mut again_same = keys.just_pressed(KeyCode::KeyR);
    let mut again_new = keys.just_pressed(KeyCode::KeyN);
    let mut save_again = false;
    let mut export = false;
    let run_ref: &LastRun = &run;
    let sc = &run_ref.scenario;
    let a = &run_ref.assessment;
    let o = &run_ref.outcome;

    egui::Panel::top("debrief-top").show(&mut root, |ui| {
        ui.add_space(6.0);
        ui.horizontal(|ui| {
            ui.heading(egui::RichText::new(format!("Debrief: {}", sc.title)).strong());
            ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                let (verdict, colour) = if a.passed {
                    ("PASSED", theme::GOOD)
                } else {
                    ("NOT PASSED", theme::BAD)
                };
                ui.label(
                    egui::RichText::new(verdict)
                        .size(26.0)
                        .strong()
                        .color(colour),
                );
                ui.add_space(12.0);
                ui.label(
                    egui::RichText::new(format!("Overall {}", a.scores.overall))
                        .size(22.0)
                        .strong(),
                );
            });
        });
        ui.horizontal_wrapped(|ui| {
            let (why, colour) = end_reason(sc, o);
            ui.colored_label(colour, why);
            if author {
                ui.label("·");
                ui.label(
                    egui::RichText::new(format!("seed {}", run.seed))
                        .monospace()
                        .color(theme::MUTED),
                );
            }
        });
        ui.add_space(6.0);
    });

    egui::Panel::bottom("debrief-buttons").show(&mut root, |ui| {
        ui.add_space(8.0);
        ui.horizontal_wrapped(|ui| {
            if ui.button(ui::key("R", "Play again, same seed")).clicked() {
                again_same = true;
            }
            if ui.button(ui::key("N", "Play again, new seed")).clicked() {
                again_new = true;
            }
            if ui.button(ui::key("Esc", "Back to the list")).clicked() {
                next.set(Screen::List);
            }
            if run_ref.record.is_some()
                && ui
                    .button("Export this run")
                    .on_hover_text("Writes the run as CSV, JSON and xAPI for the training lead")
                    .clicked()
            {
                export = true;
            }
            ui.add_space(12.0);
            ui::hint(ui, "Up/Down and PageUp/PageDown scroll");
        });
        // Beside the button that asked for it, not at the top of a page
        // scrolled away.
        match &exported.0 {
            Some(Ok(m)) => {
                ui.add(egui::Label::new(egui::RichText::new(m).color(theme::GOOD)).wrap());
            }
            Some(Err(m)) => {
                ui.add(egui::Label::new(egui::RichText::new(m).color(theme::BAD)).wrap());
            }
            None => {}
        }
        ui.add_space(8.0);
    });

    egui::CentralPanel::default_margins().show(&mut root, |ui| {
        egui::ScrollArea::vertical()
            .auto_shrink([false, false])
            .show(ui, |ui| {
                ui::scroll_with_keys(ui);
                critical_errors(ui, sc, a);
                if career_news(ui, &run_ref.saved) {
                    save_again = true;
                }
                scores(ui, a);
                ui.add_space(8.0);
                // Side by side when there is room (not with large text).
                if ui.available_width() < 1000.0 {
                    loyalty_chart(ui, sc, o);
                    stress_chart(ui, sc, o);
                } else {
                    ui.columns(2, |cols| {
                        loyalty_chart(&mut cols[0], sc, o);
                        stress_chart(&mut cols[1], sc, o);
                    });
                }
                decisions(ui, sc, &o.decisions);
                prioritisation(ui, a);
                ui.add_space(16.0);
            });
    });

    if save_again {
        run.save(&mut profiles, &course);
    }
    if export && let Some(record) = &run.record {
        exported.0 = Some(
            profiles
                .data_dir()
                .ok_or_else(|| "Profiles cannot be kept, so nothing can be exported.".to_owned())
                .and_then(|dir| {
                    export_runs(
                        dir,
                        &record.trainee,
                        Some(&record.scenario.id),
                        std::slice::from_ref(record),
                        &profiles.by_name(),
                    )
                })
                .map(|folder| format!("Exported (CSV, JSON, xAPI) to {}", folder.display())),
        );
    }
    if again_same || again_new {
        let seed = if again_same {
            run.seed
        } else {
            wall_clock_seed()
        };
        commands.write(ShiftCommand::Start {
            file: run.file.clone(),
            seed,
        });
    }
    Ok(())
}

/// The run's place in the trainee's career: a promotion is the moment it
/// is, a new best is noted, and a run that could not be saved says so and
/// offers to try again. Returns true when "try again" was clicked.
fn career_news(ui: &mut egui::Ui, saved: &Saved) -> bool {
    let mut again = false;
    match saved {
        Saved::Yes {
            promoted_to: Some(stage),
            ..
        } => {
            egui::Frame::new()
                .fill(theme::GOOD.gamma_multiply(0.25))
                .stroke(egui::Stroke::new(2.0, theme::GOOD))
                .corner_radius(8.0)
                .inner_margin(egui::Margin::symmetric(18, 14))
                .show(ui, |ui| {
                    ui.set_min_width(ui.available_width());
                    ui.vertical_centered(|ui| {
                        ui.label(
                            egui::RichText::new(format!("Promoted to {}!", stage.title()))
                                .size(30.0)
                                .strong()
                                .color(theme::GOOD),
                        );
                        ui.label(
                            egui::RichText::new(format!(
                                "This shift completed your stage. The {} shifts are open now on your career screen.",
                                stage.title()
                            ))
                            .size(16.0),
                        );
                    });
                });
            ui.add_space(8.0);
        }
        Saved::Yes { new_best, .. } => {
            let text = if *new_best {
                "Saved to your profile: your best run of this shift so far."
            } else {
                "Saved to your profile. Your best run of this shift still counts."
            };
            ui.colored_label(theme::MUTED, text);
        }
        Saved::Failed(why) => {
            ui.horizontal_wrapped(|ui| {
                ui.colored_label(theme::BAD, format!("This run is not saved yet: {why}"));
                if ui.button("Try saving again").clicked() {
                    again = true;
                }
            });
        }
        Saved::NoTrainee => {}
    }
    again
}

/// Why the shift ended, and the colour to say it in.
fn end_reason(sc: &Resolved, o: &Outcome) -> (String, egui::Color32) {
    let at = format_time(o.ended_at);
    match o.end_reason {
        Some(EndReason::Burnout) => (
            format!(
                "You burned out at {at}: stress reached {}. The shift ended early and stress handling scores 0.",
                sc.trainee.burnout_at
            ),
            theme::BAD,
        ),
        Some(EndReason::ShiftOver) => (format!("The shift ran to its end at {at}."), theme::MUTED),
        None => (format!("The shift was stopped at {at}."), theme::WARN),
    }
}

fn scores(ui: &mut egui::Ui, a: &crate::scoring::assess::Assessment) {
    let s = a.scores;
    let rows = [
        (
            "Loyalty",
            s.loyalty,
            a.pass.loyalty,
            a.weights.loyalty,
            "client-weighted loyalty at the end; a lost client counts 0",
        ),
        (
            "Stress handling",
            s.stress,
            a.pass.stress,
            a.weights.stress,
            "your tone under pressure, less time in the danger zone",
        ),
        (
            "Prioritisation",
            s.priorities,
            a.pass.priorities,
            a.weights.priorities,
            "the value of work done on time, against the best plan",
        ),
    ];
    ui.columns(3, |cols| {
        for (ui, (name, score, mark, weight, what)) in cols.iter_mut().zip(rows) {
            let ok = score >= mark;
            let colour = if ok { theme::GOOD } else { theme::BAD };
            egui::Frame::new()
                .stroke(egui::Stroke::new(1.5, colour))
                .corner_radius(8.0)
                .inner_margin(egui::Margin::symmetric(12, 8))
                .show(ui, |ui| {
                    ui.set_min_width(ui.available_width());
                    ui.horizontal(|ui| {
                        ui.label(egui::RichText::new(name).size(18.0).strong());
                        ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                            ui::hint(ui, format!("weight {weight}"));
                        });
                    });
                    ui.horizontal(|ui| {
                        ui.label(
                            egui::RichText::new(format!("{score}"))
                                .size(40.0)
                                .strong()
                                .color(colour),
                        );
                        ui.vertical(|ui| {
                            ui.add_space(8.0);
                            ui.label(format!("pass mark {mark}"));
                            ui.colored_label(colour, if ok { "reached" } else { "below the mark" });
                        });
                    });
                    mark_bar(ui, score, mark, colour);
                    // Not justified like the column around it.
                    ui.vertical(|ui| ui::hint(ui, what));
                });
        }
    });
}

/// A 0..=100 bar with a tick at the pass mark.
fn mark_bar(ui: &mut egui::Ui, score: u32, mark: u32, colour: egui::Color32) {
    let width = ui.available_width();
    let (rect, _) = ui.allocate_exact_size(egui::vec2(width, 10.0), egui::Sense::hover());
    let painter = ui.painter_at(rect.expand(3.0));
    let at = |v: u32| rect.left() + rect.width() * v.min(100) as f32 / 100.0;
    painter.rect_filled(rect, 3.0, ui.visuals().extreme_bg_color);
    let filled = egui::Rect::from_min_max(rect.min, egui::pos2(at(score), rect.max.y));
    painter.rect_filled(filled, 3.0, colour);
    let x = at(mark);
    painter.line_segment(
        [
            egui::pos2(x, rect.top() - 3.0),
            egui::pos2(x, rect.bottom() + 3.0),
        ],
        egui::Stroke::new(2.0, ui.visuals().strong_text_color()),
    );
}

/// A value that holds until the next sample, as a stepped line to `end`.
fn steps(timeline: &[Sample], end: Minute, value: impl Fn(&Sample) -> i32) -> Vec<[f64; 2]> {
    let mut points: Vec<[f64; 2]> = Vec::with_capacity(timeline.len() * 2 + 1);
    for s in timeline {
        let y = f64::from(value(s));
        if let Some(&[_, prev]) = points.last() {
            points.push([f64::from(s.time), prev]);
        }
        points.push([f64::from(s.time), y]);
    }
    if let Some(&[x, y]) = points.last()
        && f64::from(end) > x
    {
        points.push([f64::from(end), y]);
    }
    points
}

/// Hour marks on the time axis. Even hours count as a two-hour step, so
/// when the chart is too narrow for every hour's label, every other one
/// stays.
fn hour_marks(input: GridInput) -> Vec<GridMark> {
    let (lo, hi) = input.bounds;
    let first = (lo / 60.0).ceil() as i64;
    let last = (hi / 60.0).floor() as i64;
    (first..=last)
        .map(|h| GridMark {
            value: (h * 60) as f64,
            step_size: if h % 2 == 0 { 120.0 } else { 60.0 },
        })
        .collect()
}

/// Marks every 25 points of a 0..=100 value.
fn quarter_marks(input: GridInput) -> Vec<GridMark> {
    let (lo, hi) = input.bounds;
    (0..=4)
        .map(|q| f64::from(q) * 25.0)
        .filter(|v| (lo..=hi).contains(v))
        .map(|value| GridMark {
            value,
            step_size: 25.0,
        })
        .collect()
}

fn chart<'a>(id: &str, sc: &Resolved, end: Minute) -> Plot<'a> {
    Plot::new(id.to_owned())
        .height(CHART_HEIGHT)
        .allow_zoom(false)
        .allow_drag(false)
        .allow_scroll(false)
        .allow_boxed_zoom(false)
        .allow_double_click_reset(false)
        .include_x(f64::from(sc.start))
        .include_x(f64::from(end.max(sc.start + 1)))
        .include_y(0.0)
        .include_y(100.0)
        .x_grid_spacer(hour_marks)
        .y_grid_spacer(quarter_marks)
        .custom_x_axes(vec![
            AxisHints::new_x()
                .label("")
                .label_spacing(44.0..=52.0)
                .formatter(|mark, _| format_time(mark.value.max(0.0) as Minute)),
        ])
        .custom_y_axes(vec![AxisHints::new_y().label("")])
        .label_formatter(|hover| {
            let (name, p) = match hover {
                HoverPosition::NearDataPoint {
                    plot_name,
                    position,
                    ..
                } => (*plot_name, position),
                HoverPosition::Elsewhere { position } => ("", position),
            };
            let at = format_time(p.x.max(0.0) as Minute);
            Some(if name.is_empty() {
                format!("{at}  {:.0}", p.y)
            } else {
                format!("{name}\n{at}  {:.0}", p.y)
            })
        })
}

fn loyalty_chart(ui: &mut egui::Ui, sc: &Resolved, o: &Outcome) {
    ui::section(ui, "Loyalty over the shift");
    let end = o.ended_at.max(sc.end);
    chart("debrief-loyalty", sc, end).show(ui, |plot| {
        for (i, c) in sc.clients.iter().enumerate() {
            let colour = client_colour(i);
            let points = steps(&o.timeline, o.ended_at, |s| {
                s.loyalty.get(i).copied().unwrap_or(0)
            });
            plot.line(
                Line::new(c.name.clone(), PlotPoints::from(points))
                    .color(colour)
                    .width(2.0),
            );
            plot.hline(
                HLine::new(format!("{} leaves below", c.name), f64::from(c.churn_below))
                    .color(colour.gamma_multiply(0.8))
                    .style(LineStyle::dashed_loose())
                    .width(1.0),
            );
            if let Some(lost) = o.clients.get(i).and_then(|c| c.lost_at) {
                let y = o
                    .timeline
                    .iter()
                    .rev()
                    .find(|s| s.time <= lost)
                    .and_then(|s| s.loyalty.get(i).copied())
                    .unwrap_or(c.churn_below);
                plot.points(
                    Points::new(
                        format!("{} lost", c.name),
                        vec![[f64::from(lost), f64::from(y)]],
                    )
                    .shape(MarkerShape::Cross)
                    .radius(7.0)
                    .color(theme::BAD),
                );
            }
        }
    });
    // The legend under the chart, where it hides no line.
    for (i, (c, end)) in sc.clients.iter().zip(&o.clients).enumerate() {
        ui.horizontal(|ui| {
            swatch(ui, client_colour(i));
            ui.label(egui::RichText::new(&c.name).strong());
            let fate = match end.lost_at {
                Some(t) => format!("lost at {}", format_time(t)),
                None => format!("{} at the end", end.loyalty),
            };
            ui::hint(ui, format!("{fate}, leaves below {}", c.churn_below));
        });
    }
    ui::hint(
        ui,
        "Dashed: the loyalty below which that client leaves. A red cross: a client lost.",
    );
}

fn client_colour(i: usize) -> egui::Color32 {
    CLIENT_COLOURS[i % CLIENT_COLOURS.len()]
}

/// A small square of colour, as in a chart's legend.
fn swatch(ui: &mut egui::Ui, colour: egui::Color32) {
    let (rect, _) = ui.allocate_exact_size(egui::vec2(12.0, 12.0), egui::Sense::hover());
    ui.painter().rect_filled(rect, 2.0, colour);
}

fn stress_chart(ui: &mut egui::Ui, sc: &Resolved, o: &Outcome) {
    ui::section(ui, "Your stress over the shift");
    let end = o.ended_at.max(sc.end);
    chart("debrief-stress", sc, end).show(ui, |plot| {
        plot.span(
            Span::new("", f64::from(DANGER_ZONE)..=100.0)
                .axis(Axis::Y)
                .fill(theme::BAD.gamma_multiply(0.15))
                .border_width(0.0),
        );
        plot.hline(
            HLine::new("Burnout", f64::from(sc.trainee.burnout_at))
                .color(theme::BAD)
                .style(LineStyle::dashed_loose())
                .width(1.5),
        );
        let points = steps(&o.timeline, o.ended_at, |s| s.stress);
        plot.line(
            Line::new("Stress", PlotPoints::from(points))
                .color(STRESS_COLOUR)
                .width(2.0),
        );
    });
    ui.horizontal_wrapped(|ui| {
        swatch(ui, STRESS_COLOUR);
        ui.label(egui::RichText::new("Your stress").strong());
        ui.add_space(10.0);
        swatch(ui, theme::BAD.gamma_multiply(0.4));
        ui.label(egui::RichText::new(format!("Danger zone ({DANGER_ZONE}+)")).strong());
        ui::hint(ui, format!("{} minutes in it", o.danger_minutes));
        ui.add_space(10.0);
        swatch(ui, theme::BAD);
        ui.label(egui::RichText::new(format!("Burnout ({})", sc.trainee.burnout_at)).strong());
        ui::hint(ui, "the shift ends");
    });
    ui::hint(
        ui,
        "In the danger zone, panic hides one good answer of a conversation.",
    );
}

/// A critical error fails the run whatever its scores, so the debrief
/// opens with it: what was said, why no employer tolerates it, and the
/// author's feedback.
fn critical_errors(ui: &mut egui::Ui, sc: &Resolved, a: &crate::scoring::assess::Assessment) {
    if a.critical.is_empty() {
        return;
    }
    egui::Frame::new()
        .fill(theme::BAD.gamma_multiply(0.18))
        .stroke(egui::Stroke::new(1.5, theme::BAD))
        .inner_margin(egui::Margin::same(12))
        .corner_radius(6.0)
        .show(ui, |ui| {
            ui.set_min_width(ui.available_width());
            let title = if a.critical.len() == 1 {
                "A critical error: this shift cannot be passed, whatever the scores".to_owned()
            } else {
                format!(
                    "{} critical errors: this shift cannot be passed, whatever the scores",
                    a.critical.len()
                )
            };
            ui.label(
                egui::RichText::new(title)
                    .size(20.0)
                    .strong()
                    .color(theme::BAD),
            );
            for error in &a.critical {
                let e = crate::messages::critical(Some(sc), error);
                ui.add_space(6.0);
                ui.horizontal_top(|ui| {
                    ui.label(egui::RichText::new(format_time(error.time)).monospace());
                    ui.vertical(|ui| {
                        ui.label(egui::RichText::new(&e.said).strong());
                        ui.label(
                            egui::RichText::new(format!("Why it is critical: {}", e.reason))
                                .color(theme::BAD),
                        );
                        if !e.feedback.is_empty() {
                            ui.label(egui::RichText::new(&e.feedback).italics());
                        }
                    });
                });
            }
        });
    ui.add_space(10.0);
}

/// What kind of decision, and the colour it is shown in.
fn decision_badge(d: &Decision, ui: &egui::Ui) -> (String, egui::Color32) {
    match (&d.kind, d.tone) {
        (DecisionKind::Timeout { .. }, _) => ("No answer".to_owned(), theme::MUTED),
        (_, Some(_)) if d.critical => ("CRITICAL".to_owned(), theme::BAD),
        (_, Some(t)) if t.is_constructive() => (format!("{t:?}"), theme::GOOD),
        (_, Some(t)) => (format!("{t:?}"), theme::BAD),
        (DecisionKind::Action(action), None) => {
            let what = match action {
                Action::Answer { .. } => "Answer",
                Action::Open { .. } => "Initiative",
                Action::Assign { .. } => "Assigned",
                Action::DoMyself { .. } => "Did it myself",
                Action::MoveDeadline { .. } => "Deadline",
                Action::Drop { .. } => "Dropped",
                Action::TakeBreak { .. } => "Break",
            };
            (what.to_owned(), ui.visuals().text_color())
        }
    }
}

fn decisions(ui: &mut egui::Ui, sc: &Resolved, decisions: &[Decision]) {
    ui::section(
        ui,
        &format!("Every decision, in order ({})", decisions.len()),
    );
    ui::hint(
        ui,
        "Green: a constructive tone (calm, assertive, empathetic). Red: a destructive one (defensive, aggressive, avoidant, placating). Grey: the reply timer ran out. Each answer says what its tone does.",
    );
    ui.add_space(4.0);
    if decisions.is_empty() {
        ui.label("You made no decisions in this shift.");
        return;
    }
    for (n, d) in decisions.iter().enumerate() {
        let (badge, colour) = decision_badge(d, ui);
        let fill = if n % 2 == 0 {
            ui.visuals().faint_bg_color
        } else {
            egui::Color32::TRANSPARENT
        };
        egui::Frame::new()
            .fill(fill)
            .inner_margin(egui::Margin::symmetric(8, 4))
            .corner_radius(4.0)
            .show(ui, |ui| {
                ui.set_min_width(ui.available_width());
                ui.horizontal_top(|ui| {
                    ui.add_sized(
                        [48.0, 20.0],
                        egui::Label::new(egui::RichText::new(format_time(d.time)).monospace()),
                    );
                    ui.add_sized(
                        [110.0, 20.0],
                        egui::Label::new(egui::RichText::new(badge).strong().color(colour)),
                    );
                    let words = crate::messages::decision(Some(sc), d);
                    ui.vertical(|ui| {
                        ui.label(&words.text);
                        if let Some(t) = d.tone {
                            ui.label(
                                egui::RichText::new(format!("{t:?}: {}.", t.meaning()))
                                    .small()
                                    .color(colour),
                            );
                        }
                        if let Some(reason) = crate::messages::critical_reason(sc, d) {
                            ui.label(
                                egui::RichText::new(format!("Critical error: {reason}"))
                                    .strong()
                                    .color(theme::BAD),
                            );
                        }
                        if !words.feedback.is_empty() {
                            ui.label(
                                egui::RichText::new(&words.feedback)
                                    .italics()
                                    .color(theme::MUTED),
                            );
                        }
                    });
                });
            });
    }
}

fn prioritisation(ui: &mut egui::Ui, a: &crate::scoring::assess::Assessment) {
    ui::section(ui, "Prioritisation: what the best plan did differently");
    let how = if a.best_exact {
        "proven best"
    } else {
        "a very good plan (not proven best)"
    };
    ui.label(format!(
        "Value of the work you finished on time: {} of {} that the best plan reached with the same arrivals and hours ({how}).",
        a.achieved_value, a.best_value
    ));
    if a.slow_key_replies > 0 {
        ui.colored_label(
            theme::WARN,
            format!(
                "{} repl{} to a key client waited too long, each costing {} points.",
                a.slow_key_replies,
                if a.slow_key_replies == 1 { "y" } else { "ies" },
                crate::scoring::assess::KEY_REPLY_PENALTY
            ),
        );
    }
    ui.add_space(4.0);
    if a.plan_differences.is_empty() {
        ui.colored_label(theme::GOOD, "Your plan did what the best plan did.");
    }
    for line in &a.plan_differences {
        ui.horizontal_top(|ui| {
            ui.label("•");
            ui.add(egui::Label::new(line).wrap());
        });
    }
}
