//! The first screen: create a trainee or pick one, each shown with their
//! rank on the ladder. Enter confirms the typed name; the list picks an
//! existing one. Each trainee's runs can be exported here for the training
//! lead, and anything found wrong with the saved files is explained.

use bevy::prelude::*;
use bevy_egui::{EguiContexts, EguiPrimaryContextPass, egui};

use super::{Navigate, Screen, Trainees};
use crate::game::export::export_runs;
use crate::game::profiles::{Course, Profiles};
use crate::game::{LrsStatus, theme, ui};

pub(super) fn plugin(app: &mut App) {
    app.init_resource::<NameField>()
        .add_message::<PickTrainee>()
        .add_systems(
            EguiPrimaryContextPass,
            draw.run_if(in_state(Screen::Profile)),
        )
        .add_systems(Update, pick.run_if(in_state(Screen::Profile)));
}

/// The name being typed.
#[derive(Resource, Default)]
struct NameField {
    text: String,
    error: Option<String>,
    /// What the last export did.
    exported: Option<Result<String, String>>,
}

/// Make this trainee the current one and go to the list.
#[derive(Message, Debug, Clone)]
pub struct PickTrainee(pub String);

fn pick(
    mut picks: MessageReader<PickTrainee>,
    mut profiles: ResMut<Profiles>,
    course: Res<Course>,
    mut field: ResMut<NameField>,
    mut next: ResMut<NextState<Screen>>,
) {
    for PickTrainee(name) in picks.read() {
        match profiles.pick(name, course.career()) {
            Ok(()) => {
                field.error = None;
                next.set(Screen::List);
            }
            Err(e) => field.error = Some(e),
        }
    }
}

fn draw(
    mut contexts: EguiContexts,
    trainees: Trainees,
    mut field: ResMut<NameField>,
    mut picks: MessageWriter<PickTrainee>,
    mut go: Navigate,
    mut exit: MessageWriter<AppExit>,
    lrs: Res<LrsStatus>,
) -> Result {
    let (profiles, course) = (&*trainees.profiles, &*trainees.course);
    let ctx = contexts.ctx_mut()?;
    let mut root = ui::root(ctx);
    let mut export: Option<String> = None;
    egui::CentralPanel::default_margins().show(&mut root, |ui| {
        egui::ScrollArea::vertical()
            .auto_shrink([false, false])
            .show(ui, |ui| {
                ui.add_space(30.0);
                ui.vertical_centered(|ui| {
                    ui.heading(egui::RichText::new("KAM Trainer").size(34.0));
                    ui.label(
                        "Working shifts for new account managers: clients, objections, an overloaded team.",
                    );
                    ui.label(
                        egui::RichText::new(
                            "Merchandiser · Sales Representative · Supervisor · Sales Manager · Key Account Manager",
                        )
                        .color(theme::MUTED),
                    );
                    ui.add_space(24.0);
                    ui.set_max_width(560.0);
                    ui.label("Who is training today?");
                    let edit = ui.add(
                        egui::TextEdit::singleline(&mut field.text)
                            .hint_text("Your name")
                            .desired_width(300.0),
                    );
                    if !edit.has_focus() && profiles.list.is_empty() {
                        edit.request_focus();
                    }
                    let entered =
                        edit.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
                    if edit.changed() {
                        field.error = None;
                    }
                    if ui.button("Start as a new trainee").clicked() || entered {
                        field.exported = None;
                        let typed = field.text.trim().to_lowercase();
                        let taken = profiles
                            .list
                            .iter()
                            .find(|t| t.name.to_lowercase() == typed && !typed.is_empty());
                        match taken {
                            // A new trainee with a taken name would quietly
                            // play on someone else's record.
                            Some(t) => {
                                field.error = Some(format!(
                                    "There is already a trainee called {}: to continue as them, press their name below; to start afresh, type a different name (add a surname or an initial).",
                                    t.name
                                ));
                            }
                            None => {
                                picks.write(PickTrainee(field.text.clone()));
                            }
                        }
                    }
                    if let Some(e) = &field.error {
                        ui.colored_label(theme::BAD, e);
                    }
                    if let Some(p) = &profiles.problem {
                        ui.colored_label(theme::BAD, p);
                    }
                });
                // The trainees and the buttons below the centred form,
                // in a column of their own that is centred as a whole.
                let pad = ((ui.available_width() - 640.0) / 2.0).max(0.0);
                ui.horizontal(|ui| {
                    ui.add_space(pad);
                    ui.vertical(|ui| {
                    if !profiles.list.is_empty() {
                        ui.add_space(20.0);
                        ui.label("Or continue as:");
                        ui.add_space(4.0);
                        egui::Grid::new("trainees")
                            .num_columns(4)
                            .spacing([16.0, 6.0])
                            .show(ui, |ui| {
                                for trainee in &profiles.list {
                                    if ui
                                        .button(egui::RichText::new(&trainee.name).strong())
                                        .clicked()
                                    {
                                        field.exported = None;
                                        picks.write(PickTrainee(trainee.name.clone()));
                                    }
                                    ui.label(trainee.stage.title());
                                    let passed = trainee.best.len();
                                    let waiting =
                                        lrs.waiting.by_trainee.get(&trainee.name).copied().unwrap_or(0);
                                    // The cell is as wide as its longest line.
                                    ui.vertical(|ui| {
                                        ui.add(
                                            egui::Label::new(
                                                egui::RichText::new(format!(
                                                    "{} run{}, {passed} shift{} played",
                                                    trainee.runs.len(),
                                                    if trainee.runs.len() == 1 { "" } else { "s" },
                                                    if passed == 1 { "" } else { "s" },
                                                ))
                                                .color(theme::MUTED),
                                            )
                                            .extend(),
                                        );
                                        if waiting > 0 {
                                            ui.add(
                                                egui::Label::new(
                                                    egui::RichText::new(format!(
                                                        "{waiting} result{} waiting to be sent",
                                                        if waiting == 1 { "" } else { "s" }
                                                    ))
                                                    .small()
                                                    .color(theme::WARN),
                                                )
                                                .extend(),
                                            );
                                        }
                                    });
                                    if ui
                                        .small_button("Export results")
                                        .on_hover_text(
                                            "Writes this trainee's runs as CSV, JSON and xAPI for the training lead",
                                        )
                                        .clicked()
                                    {
                                        export = Some(trainee.name.clone());
                                    }
                                    ui.end_row();
                                }
                            });
                    }
                    match &field.exported {
                        Some(Ok(m)) => {
                            ui.colored_label(theme::GOOD, m);
                        }
                        Some(Err(m)) => {
                            ui.colored_label(theme::BAD, m);
                        }
                        None => {}
                    }
                    if let Some(line) = lrs.summary() {
                        ui.add_space(12.0);
                        ui::hint(ui, line);
                        if let Some(e) = lrs.last_error() {
                            ui.colored_label(theme::WARN, format!("Last error: {e}"));
                        }
                    }
                    if !profiles.notices.is_empty() {
                        ui.add_space(16.0);
                        ui.colored_label(
                            theme::WARN,
                            "Some saved files needed repair. Nothing finished was lost:",
                        );
                        for notice in &profiles.notices {
                            ui.label(egui::RichText::new(notice).small());
                        }
                    }
                    ui.add_space(24.0);
                    ui.horizontal(|ui| {
                        if ui.button("Settings").clicked() {
                            go.open_settings(Screen::Profile);
                        }
                        if ui.button("Quit").clicked() {
                            exit.write(AppExit::Success);
                        }
                    });
                    });
                });
            });
    });
    if let Some(name) = export {
        field.error = None;
        field.exported = Some(
            export_trainee(profiles, course, &name)
                .map_err(|e| format!("Could not export {name}'s results: {e}")),
        );
    }
    Ok(())
}

/// Writes one trainee's runs for the training lead.
fn export_trainee(profiles: &Profiles, course: &Course, name: &str) -> Result<String, String> {
    let runs = profiles.runs_of(name, course.career())?;
    let dir = profiles
        .data_dir()
        .ok_or_else(|| "Profiles cannot be kept, so there is nothing to export.".to_owned())?;
    let folder = export_runs(dir, name, None, &runs, &profiles.by_name())?;
    Ok(format!(
        "{name}'s {} run{} exported (CSV, JSON, xAPI) to {}",
        runs.len(),
        if runs.len() == 1 { "" } else { "s" },
        folder.display()
    ))
}
