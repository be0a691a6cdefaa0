//! The briefing of the selected scenario: what the shift is about, who the
//! clients and the team are, what it takes to pass, and how to play. It
//! reads the catalogue every frame, so saving the file updates it; if the
//! file now has errors, they are shown instead and the shift cannot start.
//! Enter starts the shift with the seed in the field (a fresh one from the
//! wall clock each time the briefing opens).

use bevy::ecs::system::SystemParam;
use bevy::prelude::*;
use bevy_egui::{EguiContexts, EguiPrimaryContextPass, egui};

use super::{AuthorMode, Screen, Selected};
use crate::game::assets::Catalogue;
use crate::game::play::ShiftCommand;
use crate::game::{theme, ui};
use crate::scenario::{Loaded, Resolved, Scenario, Segment, Tier, format_time};

pub(super) fn plugin(app: &mut App) {
    app.init_resource::<SeedField>()
        .add_systems(OnEnter(Screen::Briefing), fresh_seed)
        .add_systems(
            EguiPrimaryContextPass,
            draw.run_if(in_state(Screen::Briefing)),
        );
}

/// The seed as typed.
#[derive(Resource, Default)]
struct SeedField(String);

/// A seed from the wall clock: the game UI may be different every time, the
/// engine never is (it gets the number).
pub(super) fn wall_clock_seed() -> u64 {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default();
    // Short enough to read out or note down.
    (now.as_micros() % 1_000_000) as u64
}

fn fresh_seed(mut field: ResMut<SeedField>, shot: Option<Res<crate::game::shot::ShotSeed>>) {
    // A screenshot shows the seed it was asked for.
    field.0 = match shot {
        Some(s) => s.0.to_string(),
        None => wall_clock_seed().to_string(),
    };
}

/// The key legend of the shift screen.
pub(super) const HOW_TO_PLAY: [(&str, &str); 9] = [
    (
        "1–4",
        "answer the open conversation, or give the selected task to a person",
    ),
    ("Space", "pause or resume the clock"),
    ("+ / -", "faster or slower (×1, ×2, ×4)"),
    ("Tab", "switch between conversations and tasks"),
    ("Up / Down", "select a conversation or a task"),
    ("M", "ask the client for one more hour on the selected task"),
    ("D", "drop the selected task"),
    ("B", "take a short break: stress eases, time passes"),
    ("Esc", "leave the shift (asks first)"),
];

/// The seed as typed, and whether the seed box is shown at all.
#[derive(SystemParam)]
struct SeedBox<'w> {
    field: ResMut<'w, SeedField>,
    author: AuthorMode<'w>,
}

fn draw(
    mut contexts: EguiContexts,
    keys: Res<ButtonInput<KeyCode>>,
    catalogue: Res<Catalogue>,
    selected: Res<Selected>,
    seed_box: SeedBox,
    mut commands: MessageWriter<ShiftCommand>,
    mut next: ResMut<NextState<Screen>>,
) -> Result {
    let author = seed_box.author.on();
    let mut field = seed_box.field;
    let file = selected.0.clone();
    let loaded = file
        .as_ref()
        .and_then(|f| catalogue.find(f))
        .and_then(|e| e.loaded.clone());
    let playable = loaded
        .as_ref()
        .and_then(|l| Some((l.scenario.as_ref()?, l.resolved.as_ref()?)))
        .filter(|_| !loaded.as_ref().is_some_and(|l| l.has_errors()));
    let seed: Option<u64> = field.0.trim().parse().ok();

    let mut start = keys.just_pressed(KeyCode::Enter);
    let ctx = contexts.ctx_mut()?;
    let mut root = ui::root(ctx);

    egui::Panel::top("briefing-top").show(&mut root, |ui| {
        ui.add_space(6.0);
        ui.horizontal(|ui| {
            let title = loaded
                .as_ref()
                .and_then(|l| l.scenario.as_ref())
                .map_or("Briefing", |s| s.title.as_str());
            ui.heading(egui::RichText::new(title).strong());
            ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                if ui.button(ui::key("Esc", "Back to the list")).clicked() {
                    next.set(Screen::List);
                }
            });
        });
        if let Some((s, r)) = playable {
            ui.horizontal_wrapped(|ui| {
                ui.label(
                    egui::RichText::new(s.stage.title())
                        .strong()
                        .color(theme::GOOD),
                );
                ui.label("·");
                ui.label(format!(
                    "Shift {}–{} ({})",
                    format_time(r.start),
                    format_time(r.end),
                    ui::hours(f64::from(r.end - r.start) / 60.0)
                ));
                if let Some(f) = file.as_ref().filter(|_| author) {
                    ui.label("·");
                    ui.label(
                        egui::RichText::new(f.display().to_string())
                            .monospace()
                            .color(theme::MUTED),
                    );
                }
            });
        }
        ui.add_space(6.0);
    });

    if playable.is_some() {
        egui::Panel::bottom("briefing-start").show(&mut root, |ui| {
            ui.add_space(8.0);
            ui.horizontal(|ui| {
                // The seed is the author's business: a trainee gets a fresh
                // one each time.
                if author {
                    ui.label("Seed");
                    let edit = ui.add(
                        egui::TextEdit::singleline(&mut field.0)
                            .desired_width(120.0)
                            .char_limit(20),
                    );
                    if edit.changed() {
                        field.0.retain(|c| c.is_ascii_digit());
                    }
                    if ui.button("New seed").clicked() {
                        field.0 = wall_clock_seed().to_string();
                    }
                }
                ui.add_space(16.0);
                let start_button = egui::Button::new(
                    egui::RichText::new(ui::key("Enter", "Start shift"))
                        .strong()
                        .size(18.0),
                )
                .fill(theme::GOOD.gamma_multiply(0.6));
                if ui.add_enabled(seed.is_some(), start_button).clicked() {
                    start = true;
                }
                if seed.is_none() {
                    ui.colored_label(theme::BAD, "Type a whole number as the seed.");
                } else if author {
                    ui::hint(
                        ui,
                        "The same seed and the same decisions give the same shift.",
                    );
                }
            });
            ui.add_space(8.0);
        });
    }

    egui::CentralPanel::default_margins().show(&mut root, |ui| {
        egui::ScrollArea::vertical()
            .auto_shrink([false, false])
            .show(ui, |ui| {
                ui::scroll_with_keys(ui);
                match (&file, &loaded, playable) {
                    (None, _, _) => {
                        ui.label("No scenario is selected: go back to the list and pick one.");
                    }
                    (Some(f), None, _) if catalogue.find(f).is_none() => {
                        ui.label(format!(
                            "{} is no longer in the scenarios folder. Go back to the list.",
                            f.display()
                        ));
                    }
                    (Some(_), None, _) => {
                        ui.colored_label(theme::MUTED, "loading…");
                    }
                    (Some(_), Some(l), None) => broken(ui, l, author),
                    (Some(_), Some(l), Some((s, r))) => details(ui, l, s, r),
                }
            });
    });

    if start
        && playable.is_some()
        && let (Some(file), Some(seed)) = (file, seed)
    {
        commands.write(ShiftCommand::Start { file, seed });
    }
    Ok(())
}

/// The file has errors now: say so and show them, as `check` would.
/// A trainee is told the shift is not ready; an author sees what to fix.
fn broken(ui: &mut egui::Ui, loaded: &Loaded, author: bool) {
    if !author {
        ui.colored_label(
            theme::WARN,
            egui::RichText::new("This shift is not ready to be played yet.")
                .strong()
                .size(18.0),
        );
        ui.label("Your instructor is still working on it; pick another shift for now.");
        return;
    }
    ui.colored_label(
        theme::BAD,
        egui::RichText::new(format!(
            "This scenario has {} error{} and cannot be played.",
            loaded.errors().max(1),
            if loaded.errors() == 1 { "" } else { "s" }
        ))
        .strong()
        .size(18.0),
    );
    ui.label("Fix the file and save it: this page updates by itself.");
    ui.add_space(8.0);
    egui::Frame::new()
        .fill(ui.visuals().extreme_bg_color)
        .inner_margin(egui::Margin::same(10))
        .corner_radius(6.0)
        .show(ui, |ui| {
            egui::ScrollArea::horizontal().show(ui, |ui| {
                ui.add(
                    egui::Label::new(egui::RichText::new(loaded.render_diagnostics()).monospace())
                        .extend(),
                );
            });
        });
}

fn details(ui: &mut egui::Ui, loaded: &Loaded, s: &Scenario, r: &Resolved) {
    // Side by side when there is room (not with large text).
    if ui.available_width() < 1000.0 {
        situation(ui, loaded, s);
        people(ui, s, r);
        return;
    }
    ui.columns(2, |cols| {
        // Columns justify their labels; plain top-down reads better.
        cols[0].vertical(|ui| situation(ui, loaded, s));
        cols[1].vertical(|ui| people(ui, s, r));
    });
}

fn situation(ui: &mut egui::Ui, loaded: &Loaded, s: &Scenario) {
    ui::section(ui, "The situation");
    if s.summary.is_empty() {
        ui::hint(ui, "The author wrote no summary.");
    } else {
        ui.label(&s.summary);
    }
    if !s.learning_goals.is_empty() {
        ui::section(ui, "What you practise");
        for goal in &s.learning_goals {
            ui.horizontal_wrapped(|ui| {
                ui.label("•");
                ui.label(goal);
            });
        }
    }
    ui::section(ui, "You");
    egui::Grid::new("briefing-you")
        .num_columns(2)
        .spacing(egui::vec2(16.0, 4.0))
        .show(ui, |ui| {
            ui.label("Your own hours for tasks");
            ui.strong(ui::hours(s.trainee.hours));
            ui.end_row();
            ui.label("Stress at the start");
            ui.strong(format!("{}", s.trainee.stress));
            ui.end_row();
            ui.label("Danger zone from");
            ui.strong(format!("{}", crate::engine::rules::DANGER_ZONE));
            ui.end_row();
            ui.label("Burnout (the shift ends) at");
            ui.colored_label(theme::BAD, format!("{}", s.trainee.burnout_at));
            ui.end_row();
        });
    ui::section(ui, "To pass");
    let pass = s.scoring.pass;
    let weights = s.scoring.weights;
    egui::Grid::new("briefing-pass")
        .num_columns(3)
        .spacing(egui::vec2(16.0, 4.0))
        .show(ui, |ui| {
            ui::hint(ui, "score");
            ui::hint(ui, "at least");
            ui::hint(ui, "weight in the overall");
            ui.end_row();
            for (name, mark, weight) in [
                ("Loyalty", pass.loyalty, weights.loyalty),
                ("Stress handling", pass.stress, weights.stress),
                ("Prioritisation", pass.priorities, weights.priorities),
            ] {
                ui.label(name);
                ui.strong(format!("{mark}"));
                ui.label(format!("{weight}"));
                ui.end_row();
            }
        });
    ui::hint(ui, "Every score must reach its mark.");
    if loaded.warnings() > 0 {
        ui.add_space(6.0);
        ui.colored_label(
            theme::WARN,
            format!(
                "The file has {} warning{}: the author may want to look at them in the list.",
                loaded.warnings(),
                if loaded.warnings() == 1 { "" } else { "s" }
            ),
        );
    }
}

fn people(ui: &mut egui::Ui, s: &Scenario, r: &Resolved) {
    ui::section(ui, "Clients");
    egui::Grid::new("briefing-clients")
        .num_columns(4)
        .striped(true)
        .spacing(egui::vec2(14.0, 4.0))
        .show(ui, |ui| {
            ui::hint(ui, "client");
            ui::hint(ui, "tier, segment");
            ui::hint(ui, "loyalty");
            ui::hint(ui, "leaves below");
            ui.end_row();
            for c in &r.clients {
                ui.label(&c.name);
                let segment = match c.segment {
                    Segment::B2B => "B2B",
                    Segment::B2C => "B2C",
                };
                match c.tier {
                    Tier::Key => ui.colored_label(theme::WARN, format!("Key, {segment}")),
                    Tier::Regular => ui.label(format!("Regular, {segment}")),
                };
                ui::meter(ui, c.loyalty, c.churn_below, 70.0);
                ui.colored_label(theme::BAD, format!("{}", c.churn_below));
                ui.end_row();
            }
        });
    ui::section(ui, "Your team today");
    egui::Grid::new("briefing-team")
        .num_columns(3)
        .striped(true)
        .spacing(egui::vec2(14.0, 4.0))
        .show(ui, |ui| {
            ui::hint(ui, "name");
            ui::hint(ui, "role");
            ui::hint(ui, "hours left");
            ui.end_row();
            for m in &s.team {
                ui.label(&m.name);
                ui.label(s.role_title(&m.role));
                ui.label(ui::hours(m.hours));
                ui.end_row();
            }
        });
    ui::section(ui, "How to play");
    // Rows rather than a grid: a grid's last column does not wrap, and at
    // a large text size the longest line ran out of the window.
    let key_width = 110.0;
    for (k, what) in HOW_TO_PLAY {
        ui.horizontal_top(|ui| {
            ui.allocate_ui_with_layout(
                egui::vec2(key_width, 0.0),
                egui::Layout::left_to_right(egui::Align::Min),
                |ui| {
                    ui.set_min_width(key_width);
                    ui.label(egui::RichText::new(k).monospace().strong());
                },
            );
            ui.add(egui::Label::new(what).wrap());
        });
    }
}
