//! The first screen: create a trainee or pick one. Enter confirms the typed
//! name; the list picks an existing one.

use bevy::prelude::*;
use bevy_egui::{EguiContexts, EguiPrimaryContextPass, egui};

use super::{Screen, SettingsReturn};
use crate::game::profiles::Profiles;
use crate::game::{theme, ui};

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
}

/// Make this trainee the current one and go to the list.
#[derive(Message, Debug, Clone)]
pub struct PickTrainee(pub String);

fn pick(
    mut picks: MessageReader<PickTrainee>,
    mut profiles: ResMut<Profiles>,
    mut field: ResMut<NameField>,
    mut next: ResMut<NextState<Screen>>,
) {
    for PickTrainee(name) in picks.read() {
        match profiles.add(name) {
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
    profiles: Res<Profiles>,
    mut field: ResMut<NameField>,
    mut picks: MessageWriter<PickTrainee>,
    mut next: ResMut<NextState<Screen>>,
    mut settings_return: ResMut<SettingsReturn>,
    mut exit: MessageWriter<AppExit>,
) -> Result {
    let ctx = contexts.ctx_mut()?;
    let mut root = ui::root(ctx);
    egui::CentralPanel::default_margins().show(&mut root, |ui| {
        ui.add_space(40.0);
        ui.vertical_centered(|ui| {
            ui.heading(egui::RichText::new("KAM Trainer").size(34.0));
            ui.label(
                "Working shifts for new account managers: clients, objections, an overloaded team.",
            );
            ui.add_space(30.0);
            ui.set_max_width(420.0);
            ui.label("Who is training today?");
            let edit = ui.add(
                egui::TextEdit::singleline(&mut field.text)
                    .hint_text("Your name")
                    .desired_width(300.0),
            );
            if !edit.has_focus() && profiles.names.is_empty() {
                edit.request_focus();
            }
            let entered = edit.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
            if ui.button("Start as a new trainee").clicked() || entered {
                picks.write(PickTrainee(field.text.clone()));
            }
            if let Some(e) = &field.error {
                ui.colored_label(theme::BAD, e);
            }
            if let Some(p) = &profiles.problem {
                ui.colored_label(theme::WARN, p);
            }
            if !profiles.names.is_empty() {
                ui.add_space(24.0);
                ui.label("Or continue as:");
                for name in &profiles.names {
                    if ui.button(name).clicked() {
                        picks.write(PickTrainee(name.clone()));
                    }
                }
            }
            ui.add_space(30.0);
            ui.horizontal(|ui| {
                if ui.button("Settings").clicked() {
                    settings_return.0 = Screen::Profile;
                    next.set(Screen::Settings);
                }
                if ui.button("Quit").clicked() {
                    exit.write(AppExit::Success);
                }
            });
        });
    });
    Ok(())
}
