//! The settings screen and the [`Settings`] it edits: the text size (egui's
//! zoom factor, limited to what the window fits), the clock speed a shift
//! starts at, pausing when a client writes, and author mode. Kept in
//! `settings.json` in the data directory, written atomically (temporary
//! file, sync, rename) so a crash never leaves half a file; an unreadable
//! file gives the defaults and a message on this screen.

use std::path::{Path, PathBuf};

use bevy::prelude::*;
use bevy_egui::{EguiContexts, EguiPrimaryContextPass, egui};
use serde::{Deserialize, Serialize};

use super::{Screen, SettingsReturn};
use crate::files::write_atomically;
use crate::game::play::SPEEDS;
use crate::game::{GameConfig, LrsStatus, SendResults, theme, ui};

/// The text sizes offered, in percent of the normal size.
pub const TEXT_SCALES: [u32; 4] = [100, 125, 150, 200];

/// The smallest screen, in egui points, every screen is laid out for. A
/// larger text size than the window fits this way is shown at the largest
/// that fits (as desktop systems offer only the scales a display can hold):
/// 1024×600 shows 100 %, 1366×768 up to 130 %, 1920×1080 up to 185 %,
/// 2560×1440 200 %. The shift screen needs this much to show a line and
/// four answers whole beside the clients and the task cards.
pub const LAYOUT_MIN: (f32, f32) = (1000.0, 580.0);

pub(super) fn plugin(app: &mut App) {
    let dir = app.world().resource::<GameConfig>().data_dir.clone();
    app.insert_resource(Settings::open(&dir))
        .init_resource::<Row>()
        .init_resource::<LrsForm>()
        .add_systems(
            EguiPrimaryContextPass,
            (apply_text_scale, draw.run_if(in_state(Screen::Settings))),
        );
}

/// The trainee's preferences on this computer.
#[derive(Resource, Debug, Clone, Serialize, Deserialize)]
#[serde(default)]
pub struct Settings {
    /// Text size in percent: one of [`TEXT_SCALES`].
    pub text_scale: u32,
    /// The clock speed a shift starts at: one of [`SPEEDS`].
    pub start_speed: u32,
    /// Pause the clock when a client writes (a new conversation opens).
    pub pause_when_a_client_writes: bool,
    /// Show what authors need: file names, seeds, hot-reload hints and the
    /// diagnostics of broken files.
    pub author_mode: bool,
    #[serde(skip)]
    file: PathBuf,
    /// What went wrong reading or writing the file, to show on screen.
    #[serde(skip)]
    pub problem: Option<String>,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            text_scale: 100,
            start_speed: 1,
            pause_when_a_client_writes: false,
            author_mode: false,
            file: PathBuf::new(),
            problem: None,
        }
    }
}

impl Settings {
    /// Reads `settings.json` from `dir`; a missing file gives the defaults,
    /// an unreadable one too, with a message saying so.
    pub fn open(dir: &Path) -> Settings {
        let file = dir.join("settings.json");
        let mut settings = match std::fs::read(&file) {
            Ok(bytes) => match serde_json::from_slice::<Settings>(&bytes) {
                Ok(s) => s,
                Err(e) => Settings {
                    problem: Some(format!(
                        "The settings in {} could not be read ({e}); the defaults are used until you change one.",
                        file.display()
                    )),
                    ..Settings::default()
                },
            },
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Settings::default(),
            Err(e) => Settings {
                problem: Some(format!(
                    "The settings in {} could not be read ({e}); the defaults are used.",
                    file.display()
                )),
                ..Settings::default()
            },
        };
        let defaults = Settings::default();
        let mut odd = Vec::new();
        if !TEXT_SCALES.contains(&settings.text_scale) {
            odd.push(format!("text size {}%", settings.text_scale));
            settings.text_scale = defaults.text_scale;
        }
        if !SPEEDS.contains(&settings.start_speed) {
            odd.push(format!("speed ×{}", settings.start_speed));
            settings.start_speed = defaults.start_speed;
        }
        if !odd.is_empty() && settings.problem.is_none() {
            settings.problem = Some(format!(
                "{} in {} is not offered here; the default is used instead.",
                odd.join(" and "),
                file.display()
            ));
        }
        settings.file = file;
        settings
    }

    /// The zoom factor chosen.
    pub fn zoom(&self) -> f32 {
        self.text_scale as f32 / 100.0
    }

    /// The zoom factor egui draws with in a window of `logical` size (in
    /// the operating system's scaled pixels): the chosen one, or the
    /// largest that keeps [`LAYOUT_MIN`] points on screen, never below
    /// 100 %.
    pub fn zoom_in(&self, logical: (f32, f32)) -> f32 {
        let fits = (logical.0 / LAYOUT_MIN.0).min(logical.1 / LAYOUT_MIN.1);
        // In steps of 5 %, so a window dragged a pixel does not re-layout.
        let fits = (fits * 20.0).floor() / 20.0;
        self.zoom().min(fits).max(1.0)
    }

    /// Writes the file atomically; a failure is kept in `problem`.
    fn save(&mut self) {
        let written = serde_json::to_vec_pretty(self)
            .map_err(|e| e.to_string())
            .and_then(|bytes| {
                if let Some(dir) = self.file.parent() {
                    std::fs::create_dir_all(dir).map_err(|e| e.to_string())?;
                }
                write_atomically(&self.file, &bytes).map_err(|e| e.to_string())
            });
        self.problem = written.err().map(|e| {
            format!(
                "Could not save the settings to {}: {e}",
                self.file.display()
            )
        });
    }
}

/// The LRS fields as typed, filled from the saved settings when the screen
/// opens.
#[derive(Resource, Default)]
struct LrsForm {
    endpoint: String,
    key: String,
    secret: String,
    filled: bool,
    /// What the last save said: Ok for a confirmation, Err for a problem.
    said: Option<Result<String, String>>,
}

/// The setting the arrow keys change.
#[derive(Resource, Default, Clone, Copy, PartialEq, Eq)]
enum Row {
    #[default]
    TextScale,
    StartSpeed,
    PauseWhenAClientWrites,
    AuthorMode,
}

const ROWS: [Row; 4] = [
    Row::TextScale,
    Row::StartSpeed,
    Row::PauseWhenAClientWrites,
    Row::AuthorMode,
];

/// Sets egui's zoom whenever it differs from what the chosen text size
/// gives in this window.
fn apply_text_scale(
    mut contexts: EguiContexts,
    settings: Res<Settings>,
    windows: Query<&Window, With<bevy::window::PrimaryWindow>>,
) -> Result {
    let ctx = contexts.ctx_mut()?;
    let logical = windows
        .single()
        .map_or((1280.0, 720.0), |w| (w.width(), w.height()));
    let zoom = settings.zoom_in(logical);
    if (ctx.zoom_factor() - zoom).abs() > 0.001 {
        ctx.set_zoom_factor(zoom);
    }
    Ok(())
}

/// The option after (or before) `current` in `options`, staying in range.
fn neighbour(options: &[u32], current: u32, forward: bool) -> u32 {
    let i = options.iter().position(|&o| o == current).unwrap_or(0);
    let j = if forward {
        (i + 1).min(options.len() - 1)
    } else {
        i.saturating_sub(1)
    };
    options[j]
}

/// Where Esc goes back to.
#[derive(bevy::ecs::system::SystemParam)]
struct Leave<'w> {
    back_to: Res<'w, SettingsReturn>,
    next: ResMut<'w, NextState<Screen>>,
}

/// The settings screen's resources besides the settings themselves.
#[derive(bevy::ecs::system::SystemParam)]
struct Lrs<'w> {
    status: ResMut<'w, LrsStatus>,
    form: ResMut<'w, LrsForm>,
    send: MessageWriter<'w, SendResults>,
}

fn draw(
    mut contexts: EguiContexts,
    keys: Res<ButtonInput<KeyCode>>,
    config: Res<GameConfig>,
    mut settings: ResMut<Settings>,
    mut row: ResMut<Row>,
    mut leave: Leave,
    mut lrs: Lrs,
) -> Result {
    let ctx = contexts.ctx_mut()?;
    // Keys typed into the LRS fields are not for choosing settings.
    let typing = ctx.egui_wants_keyboard_input();
    let pressed = |k: KeyCode| !typing && keys.just_pressed(k);
    let up = pressed(KeyCode::ArrowUp);
    if up || pressed(KeyCode::ArrowDown) {
        let i = ROWS.iter().position(|r| r == &*row).unwrap_or(0);
        *row = ROWS[if up {
            (i + ROWS.len() - 1) % ROWS.len()
        } else {
            (i + 1) % ROWS.len()
        }];
    }
    let left = pressed(KeyCode::ArrowLeft);
    let right = pressed(KeyCode::ArrowRight);
    let flip = left || right || pressed(KeyCode::Space) || pressed(KeyCode::Enter);
    let mut text_scale = settings.text_scale;
    let mut start_speed = settings.start_speed;
    let mut pause = settings.pause_when_a_client_writes;
    let mut author = settings.author_mode;
    match *row {
        Row::TextScale if left || right => text_scale = neighbour(&TEXT_SCALES, text_scale, right),
        Row::StartSpeed if left || right => start_speed = neighbour(&SPEEDS, start_speed, right),
        Row::PauseWhenAClientWrites if flip => pause = !pause,
        Row::AuthorMode if flip => author = !author,
        _ => {}
    }

    if !lrs.form.filled {
        let saved = &lrs.status.settings;
        let (endpoint, key, secret) = (
            saved.endpoint.clone(),
            saved.key.clone(),
            saved.secret.clone(),
        );
        *lrs.form = LrsForm {
            endpoint,
            key,
            secret,
            filled: true,
            said: None,
        };
    }
    let ctx_zoom = ctx.zoom_factor();
    let mut root = ui::root(ctx);
    egui::Panel::top("settings-top").show(&mut root, |ui| {
        ui.add_space(6.0);
        ui.horizontal(|ui| {
            ui.heading(egui::RichText::new("Settings").strong());
            ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                if ui.button(ui::key("Esc", "Back")).clicked() {
                    leave.next.set(leave.back_to.0);
                }
            });
        });
        ui.add_space(6.0);
    });
    egui::Panel::bottom("settings-keys").show(&mut root, |ui| {
        ui.add_space(4.0);
        ui::hint(
            ui,
            "Up/Down choose a setting   ·   Left/Right or Space change it   ·   Esc back",
        );
        ui.add_space(4.0);
    });
    egui::CentralPanel::default_margins().show(&mut root, |ui| {
        egui::ScrollArea::vertical()
            .auto_shrink([false, false])
            .show(ui, |ui| {
                ui.add_space(10.0);
                let shown_row = *row;
                let name = |r: Row, text: &str| {
                    if shown_row == r {
                        egui::RichText::new(format!("> {text}"))
                            .strong()
                            .color(theme::GOOD)
                    } else {
                        egui::RichText::new(format!("   {text}")).strong()
                    }
                };
                egui::Grid::new("settings-grid")
                    .num_columns(2)
                    .spacing(egui::vec2(16.0, 14.0))
                    .show(ui, |ui| {
                        ui.label(name(Row::TextScale, "Text size"));
                        ui.horizontal(|ui| {
                            for s in TEXT_SCALES {
                                if ui
                                    .selectable_label(text_scale == s, format!("{s}%"))
                                    .clicked()
                                {
                                    text_scale = s;
                                    *row = Row::TextScale;
                                }
                            }
                        });
                        ui.end_row();
                        let shown = (ctx_zoom * 100.0).round() as u32;
                        if shown != text_scale {
                            ui.label("");
                            ui::hint(
                                ui,
                                format!("Shown at {shown}%: the most this window fits. A larger window shows more."),
                            );
                            ui.end_row();
                        }

                        ui.label(name(Row::StartSpeed, "Shifts start at speed"));
                        ui.horizontal(|ui| {
                            for s in SPEEDS {
                                if ui
                                    .selectable_label(start_speed == s, format!("×{s}"))
                                    .clicked()
                                {
                                    start_speed = s;
                                    *row = Row::StartSpeed;
                                }
                            }
                        });
                        ui.end_row();

                        ui.label(name(Row::PauseWhenAClientWrites, "Pause when a client writes"));
                        if ui.selectable_label(pause, if pause { "On" } else { "Off" }).clicked() {
                            pause = !pause;
                            *row = Row::PauseWhenAClientWrites;
                        }
                        ui.end_row();

                        ui.label(name(Row::AuthorMode, "Author mode"));
                        if ui.selectable_label(author, if author { "On" } else { "Off" }).clicked() {
                            author = !author;
                            *row = Row::AuthorMode;
                        }
                        ui.end_row();
                    });
                ui.add_space(6.0);
                ui::hint(
                    ui,
                    "The speed a shift starts at; +/- change it during the shift. Author mode shows file names, seeds and the problems of broken scenario files.",
                );
                if let Some(problem) = &settings.problem {
                    ui.add_space(10.0);
                    ui.colored_label(theme::WARN, problem);
                }

                ui.add_space(24.0);
                ui.separator();
                ui.add_space(8.0);
                lrs_section(ui, &mut lrs);

                ui.add_space(24.0);
                ui.separator();
                ui.add_space(8.0);
                egui::Grid::new("settings-folders")
                    .num_columns(2)
                    .spacing(egui::vec2(16.0, 8.0))
                    .show(ui, |ui| {
                        ui.strong("Data folder");
                        ui.monospace(shown_path(&config.data_dir));
                        ui.end_row();
                        ui.label("");
                        ui::hint(
                            ui,
                            "Trainee profiles, results and these settings are kept here.",
                        );
                        ui.end_row();
                        if config.author || author {
                            ui.strong("Scenarios folder");
                            ui.monospace(shown_path(&config.scenarios));
                            ui.end_row();
                            ui.label("");
                            ui::hint(
                                ui,
                                "Edit a file here while the game runs: it reloads when saved.",
                            );
                            ui.end_row();
                        }
                    });
            });
    });

    let changed = (text_scale, start_speed, pause, author)
        != (
            settings.text_scale,
            settings.start_speed,
            settings.pause_when_a_client_writes,
            settings.author_mode,
        );
    if changed {
        settings.text_scale = text_scale;
        settings.start_speed = start_speed;
        settings.pause_when_a_client_writes = pause;
        settings.author_mode = author;
        settings.save();
    }
    Ok(())
}

/// Where results go: the LRS endpoint and the credentials it created for
/// this computer, what waits and what went wrong.
fn lrs_section(ui: &mut egui::Ui, lrs: &mut Lrs) {
    ui.strong("Learning Record Store (for the training lead)");
    ui::hint(
        ui,
        "Each finished run is sent to the company's LRS as xAPI statements; without a network it waits on this computer and is sent later.",
    );
    ui.add_space(6.0);
    let width = (ui.available_width() - 160.0).clamp(200.0, 520.0);
    egui::Grid::new("settings-lrs")
        .num_columns(2)
        .spacing(egui::vec2(16.0, 8.0))
        .show(ui, |ui| {
            ui.label("Endpoint");
            ui.add(
                egui::TextEdit::singleline(&mut lrs.form.endpoint)
                    .hint_text("https://lrs.example.com/xAPI/")
                    .desired_width(width),
            );
            ui.end_row();
            ui.label("Key");
            ui.add(egui::TextEdit::singleline(&mut lrs.form.key).desired_width(width));
            ui.end_row();
            ui.label("Secret");
            ui.add(
                egui::TextEdit::singleline(&mut lrs.form.secret)
                    .password(true)
                    .desired_width(width),
            );
            ui.end_row();
        });
    ui.add_space(6.0);
    ui.horizontal_wrapped(|ui| {
        if ui.button("Save and send").clicked() {
            let (endpoint, key, secret) = (
                lrs.form.endpoint.clone(),
                lrs.form.key.clone(),
                lrs.form.secret.clone(),
            );
            lrs.form.said = Some(lrs.status.save(&endpoint, &key, &secret).map(|()| {
                if endpoint.trim().is_empty() {
                    "Saved: results are not sent.".to_owned()
                } else {
                    "Saved: runs finished from now on are sent on their own.".to_owned()
                }
            }));
            lrs.send.write(SendResults);
        }
        let can_send = lrs.status.settings.is_set() && !lrs.status.sending();
        if ui
            .add_enabled(can_send, egui::Button::new("Send now"))
            .clicked()
        {
            lrs.form.said = None;
            lrs.send.write(SendResults);
        }
    });
    match &lrs.form.said {
        Some(Ok(m)) => {
            ui.colored_label(theme::GOOD, m);
        }
        Some(Err(m)) => {
            ui.colored_label(theme::BAD, m);
        }
        None => {}
    }
    if let Some(line) = lrs.status.summary() {
        ui.label(line);
    }
    if let Some((at, Ok(synced))) = &lrs.status.last
        && synced.sent.statements > 0
    {
        ui::hint(
            ui,
            format!(
                "Last sent: {} statement(s) of {} run(s), {}.",
                synced.sent.statements,
                synced.sent.runs,
                at.strftime("%Y-%m-%d %H:%M UTC")
            ),
        );
    }
    if let Some(e) = lrs.status.last_error() {
        ui.colored_label(theme::WARN, format!("Last error: {e}"));
    }
}

/// A folder as the trainee would find it: absolute when it can be.
fn shown_path(path: &Path) -> String {
    std::path::absolute(path)
        .unwrap_or_else(|_| path.to_path_buf())
        .display()
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_saved_choice_is_read_back() {
        let dir = tempfile::tempdir().unwrap();
        let mut settings = Settings::open(dir.path());
        assert_eq!((settings.text_scale, settings.start_speed), (100, 1));
        assert!(settings.problem.is_none());
        settings.text_scale = 150;
        settings.start_speed = 4;
        settings.save();
        assert!(settings.problem.is_none(), "{:?}", settings.problem);
        assert!(!dir.path().join("settings.json.tmp").exists());
        let again = Settings::open(dir.path());
        assert_eq!((again.text_scale, again.start_speed), (150, 4));
    }

    #[test]
    fn the_text_size_is_limited_to_what_the_window_fits() {
        let mut settings = Settings {
            text_scale: 200,
            ..Settings::default()
        };
        assert_eq!(settings.zoom_in((1024.0, 600.0)), 1.0);
        assert_eq!(settings.zoom_in((1366.0, 768.0)), 1.3);
        assert_eq!(settings.zoom_in((1920.0, 1080.0)), 1.85);
        assert_eq!(settings.zoom_in((2560.0, 1440.0)), 2.0);
        // A window smaller than the layout's minimum keeps normal text.
        assert_eq!(settings.zoom_in((640.0, 400.0)), 1.0);
        settings.text_scale = 125;
        assert_eq!(settings.zoom_in((2560.0, 1440.0)), 1.25);
    }

    #[test]
    fn an_unreadable_file_gives_the_defaults_and_says_so() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("settings.json"), "{\"text_scale\": 1").unwrap();
        let settings = Settings::open(dir.path());
        assert_eq!((settings.text_scale, settings.start_speed), (100, 1));
        assert!(
            settings
                .problem
                .as_deref()
                .unwrap_or("")
                .contains("could not be read")
        );
    }

    #[test]
    fn a_value_not_offered_falls_back_to_its_default() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("settings.json"),
            r#"{"text_scale": 300, "start_speed": 2}"#,
        )
        .unwrap();
        let settings = Settings::open(dir.path());
        assert_eq!((settings.text_scale, settings.start_speed), (100, 2));
        assert!(settings.problem.is_some());
    }
}
