//! The career screen: the ladder from Merchandiser to Key Account Manager,
//! where the trainee stands on it, what each stage is about and how many of
//! its shifts must be passed, and every file of the scenarios folder under
//! its stage with its status and the trainee's best run. Shifts of stages
//! above the trainee's are shown but locked. It reads the catalogue and the
//! course every frame, so a file saved while the game runs shows its new
//! title, summary or problems at once. A file with errors is marked broken,
//! cannot be started, and its diagnostics can be read here, as
//! `kam-trainer check` prints them.
//!
//! [`Selected`] is the list's cursor: Up/Down move it, Enter opens the
//! briefing of a playable scenario (or shows a broken file's problems).

use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;

use bevy::ecs::system::SystemParam;
use bevy::prelude::*;
use bevy_egui::{EguiContexts, EguiPrimaryContextPass, egui};

use super::{AuthorMode, Navigate, Screen, Selected, Trainees};
use crate::career::ladder::{Career, best_runs};
use crate::game::assets::{Catalogue, CatalogueEntry};
use crate::game::resume::{Resumable, ResumeChoice};
use crate::game::{GameConfig, theme, ui};
use crate::report::RunRecord;
use crate::scenario::Stage;

pub(super) fn plugin(app: &mut App) {
    app.init_resource::<OpenProblems>()
        .init_resource::<ScrollToCursor>()
        .init_resource::<ListSays>()
        .add_systems(
            Update,
            (read_keys, read_resume_keys).run_if(in_state(Screen::List)),
        )
        .add_systems(EguiPrimaryContextPass, draw.run_if(in_state(Screen::List)));
}

/// Files whose problems the trainee folded or unfolded; the others show
/// them unfolded when the file is broken, folded when it only has warnings.
#[derive(Resource, Default)]
struct OpenProblems(HashMap<PathBuf, bool>);

impl OpenProblems {
    fn is_open(&self, entry: &CatalogueEntry, ladder: &Ladder) -> bool {
        let broken = matches!(Status::of(entry, ladder), Status::Broken { .. });
        self.0.get(&entry.file).copied().unwrap_or(broken)
    }

    fn toggle(&mut self, entry: &CatalogueEntry, ladder: &Ladder) {
        let was = self.is_open(entry, ladder);
        self.0.insert(entry.file.clone(), !was);
    }
}

/// The sections of the list, in the order shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Group {
    Stage(Stage),
    /// Files that are not a scenario at all (no stage to file them under).
    Unreadable,
    Loading,
}

impl Group {
    fn all() -> impl Iterator<Item = Group> {
        Stage::ALL
            .into_iter()
            .map(Group::Stage)
            .chain([Group::Unreadable, Group::Loading])
    }

    /// The stage the course puts a scenario in (its declared stage when the
    /// course does not list it).
    fn of(entry: &CatalogueEntry, career: &Career) -> Group {
        match &entry.loaded {
            None => Group::Loading,
            Some(l) => l.scenario.as_ref().map_or(Group::Unreadable, |s| {
                Group::Stage(career.stage_for(&s.id, s.stage))
            }),
        }
    }
}

/// The trainee's place on the ladder, as the list needs it.
struct Ladder<'a> {
    career: &'a Career,
    stage: Stage,
    runs: &'a [RunRecord],
    /// Index into `runs` of the best run per scenario id.
    best: BTreeMap<String, usize>,
}

impl Ladder<'_> {
    /// The trainee's best run of a scenario, if they played it.
    fn best(&self, id: &str) -> Option<&RunRecord> {
        self.best.get(id).map(|&i| &self.runs[i])
    }
}

/// Where a file stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Status {
    Loading,
    /// Has errors: cannot be played.
    Broken {
        errors: usize,
    },
    /// Of a stage above the trainee's.
    Locked(Stage),
    Ready,
}

impl Status {
    fn of(entry: &CatalogueEntry, ladder: &Ladder) -> Status {
        match &entry.loaded {
            None => Status::Loading,
            Some(l) if l.has_errors() || l.resolved.is_none() => Status::Broken {
                errors: l.errors().max(1),
            },
            Some(l) => match l
                .scenario
                .as_ref()
                .map(|s| ladder.career.may_play(&s.id, s.stage, ladder.stage))
            {
                Some(Err(stage)) => Status::Locked(stage),
                _ => Status::Ready,
            },
        }
    }
}

/// Entry indices in the order shown, each with its group: by stage, in the
/// course's order inside a stage, files the course does not list last.
fn shown(catalogue: &Catalogue, career: &Career) -> Vec<(Group, usize)> {
    let place = |e: &CatalogueEntry, stage: Stage| {
        let id = e
            .loaded
            .as_ref()
            .and_then(|l| l.scenario.as_ref())
            .map(|s| s.id.as_str());
        career
            .stage(stage)
            .scenarios
            .iter()
            .position(|s| Some(s.as_str()) == id)
            .unwrap_or(usize::MAX)
    };
    Group::all()
        .flat_map(|g| {
            let mut members: Vec<usize> = catalogue
                .entries
                .iter()
                .enumerate()
                .filter(|(_, e)| Group::of(e, career) == g)
                .map(|(i, _)| i)
                .collect();
            if let Group::Stage(stage) = g {
                members.sort_by_key(|&i| place(&catalogue.entries[i], stage));
            }
            members.into_iter().map(move |i| (g, i))
        })
        .collect()
}

/// The list as it stands this frame: the trainee's place on the ladder and
/// the files in the order shown.
struct Shown<'a> {
    ladder: Ladder<'a>,
    order: Vec<(Group, usize)>,
}

impl<'a> Shown<'a> {
    fn new(catalogue: &Catalogue, trainees: &'a Trainees) -> Shown<'a> {
        let profiles = &trainees.profiles;
        let ladder = Ladder {
            career: trainees.course.career(),
            stage: profiles.stage(),
            runs: profiles.runs(),
            best: best_runs(profiles.runs()),
        };
        let order = shown(catalogue, ladder.career);
        Shown { ladder, order }
    }

    fn entry<'c>(&self, catalogue: &'c Catalogue, pos: usize) -> &'c CatalogueEntry {
        &catalogue.entries[self.order[pos].1]
    }

    /// The row of the selected file; when none is selected (or it is gone),
    /// the first playable scenario, else the first file.
    fn cursor(&self, catalogue: &Catalogue, selected: &Selected) -> Option<usize> {
        let at = selected.0.as_ref().and_then(|s| {
            (0..self.order.len()).position(|pos| self.entry(catalogue, pos).file == *s)
        });
        at.or_else(|| {
            (!self.order.is_empty()).then(|| {
                (0..self.order.len())
                    .position(|pos| {
                        Status::of(self.entry(catalogue, pos), &self.ladder) == Status::Ready
                    })
                    .unwrap_or(0)
            })
        })
    }
}

/// Why Enter did nothing on the selected card, until the cursor moves.
#[derive(Resource, Default)]
struct ListSays(Option<String>);

/// What the keys say when they cannot act, and to whom.
#[derive(SystemParam)]
struct Explain<'w> {
    says: ResMut<'w, ListSays>,
    author: AuthorMode<'w>,
}

/// The cursor moved by a key: its card is scrolled into view when drawn.
#[derive(Resource, Default)]
struct ScrollToCursor(bool);

/// The list's cursor: the selected file, and whether to scroll to it.
#[derive(SystemParam)]
struct Cursor<'w> {
    selected: ResMut<'w, Selected>,
    scroll: ResMut<'w, ScrollToCursor>,
}

/// Up/Down move the cursor; Enter opens a playable scenario's briefing or
/// a broken file's problems; D shows or hides a file's problems; S opens
/// the settings. (Esc, back to the trainees, is the screens' own.)
fn read_keys(
    keys: Res<ButtonInput<KeyCode>>,
    catalogue: Res<Catalogue>,
    trainees: Trainees,
    cursor: Cursor,
    mut open: ResMut<OpenProblems>,
    mut go: Navigate,
    explain: Explain,
) {
    let Explain { mut says, author } = explain;
    let Cursor {
        mut selected,
        mut scroll,
    } = cursor;
    let shown = Shown::new(&catalogue, &trainees);
    if let Some(c) = shown.cursor(&catalogue, &selected) {
        let to = match (
            keys.just_pressed(KeyCode::ArrowUp),
            keys.just_pressed(KeyCode::ArrowDown),
        ) {
            (true, false) => c.saturating_sub(1),
            (false, true) => (c + 1).min(shown.order.len() - 1),
            _ => c,
        };
        scroll.0 |= to != c;
        let entry = shown.entry(&catalogue, to);
        if selected.0.as_ref() != Some(&entry.file) {
            selected.0 = Some(entry.file.clone());
        }
        let has_problems = entry
            .loaded
            .as_ref()
            .is_some_and(|l| !l.diagnostics.is_empty());
        let enter = keys.just_pressed(KeyCode::Enter);
        if to != c {
            says.0 = None;
        }
        match Status::of(entry, &shown.ladder) {
            Status::Ready if enter => return go.to(Screen::Briefing),
            Status::Locked(stage) if enter => {
                says.0 = Some(format!(
                    "This shift opens when you reach {}: pass the shifts of your own stage first.",
                    stage.title()
                ));
            }
            Status::Broken { .. } | Status::Loading if enter && !author.on() => {
                says.0 = Some("This shift is not ready to be played yet.".to_owned());
            }
            Status::Broken { .. } if enter => open.toggle(entry, &shown.ladder),
            _ if has_problems && keys.just_pressed(KeyCode::KeyD) => {
                open.toggle(entry, &shown.ladder)
            }
            _ => {}
        }
    }
    if keys.just_pressed(KeyCode::KeyS) {
        go.open_settings(Screen::List);
    }
}

/// R resumes the shift in progress, X forgets it.
fn read_resume_keys(
    keys: Res<ButtonInput<KeyCode>>,
    resumable: Res<Resumable>,
    mut choose: MessageWriter<ResumeChoice>,
) {
    if resumable.found.is_none() {
        return;
    }
    if keys.just_pressed(KeyCode::KeyR) {
        choose.write(ResumeChoice::Resume);
    } else if keys.just_pressed(KeyCode::KeyX) {
        choose.write(ResumeChoice::Discard);
    }
}

/// Draws the list; clicks do what the keys do.
/// The shift in progress the list offers to resume, who reads it, and
/// which files' problems are unfolded.
#[derive(SystemParam)]
struct Offer<'w> {
    resumable: Res<'w, Resumable>,
    choose: MessageWriter<'w, ResumeChoice>,
    author: AuthorMode<'w>,
    open: ResMut<'w, OpenProblems>,
    says: Res<'w, ListSays>,
}

fn draw(
    mut contexts: EguiContexts,
    catalogue: Res<Catalogue>,
    config: Res<GameConfig>,
    trainees: Trainees,
    cursor: Cursor,
    mut go: Navigate,
    mut offer: Offer,
) -> Result {
    let author = offer.author.on();
    let Cursor {
        mut selected,
        mut scroll,
    } = cursor;
    let shown = Shown::new(&catalogue, &trainees);
    let (ladder, order) = (&shown.ladder, &shown.order);
    let (profiles, course) = (&trainees.profiles, &trainees.course);
    let cursor = shown.cursor(&catalogue, &selected);
    let moved = std::mem::take(&mut scroll.0);

    // What a click asks for, done after drawing.
    let mut open_briefing: Option<PathBuf> = None;
    let mut toggle_problems: Option<PathBuf> = None;
    let mut go_settings = false;
    let mut change_trainee = false;

    let ctx = contexts.ctx_mut()?;
    let mut root = ui::root(ctx);
    egui::Panel::top("list-top").show(&mut root, |ui| {
        ui.add_space(6.0);
        ui.horizontal(|ui| {
            ui.heading(egui::RichText::new("Your career").strong());
            ui.add_space(16.0);
            let who = profiles.current_name().unwrap_or("nobody yet");
            ui.label(egui::RichText::new(format!("Trainee: {who}")).strong());
            ui.label(
                egui::RichText::new(format!("Rank: {}", ladder.stage.title()))
                    .strong()
                    .color(theme::GOOD),
            );
            ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                if ui.button(ui::key("S", "Settings")).clicked() {
                    go_settings = true;
                }
                if ui.button(ui::key("Esc", "Change trainee")).clicked() {
                    change_trainee = true;
                }
            });
        });
        ui.add_space(6.0);
    });
    egui::Panel::bottom("list-keys").show(&mut root, |ui| {
        ui.add_space(4.0);
        if let Some(text) = &offer.says.0 {
            ui.colored_label(theme::WARN, text);
        }
        ui::hint(
            ui,
            if author {
                "Up/Down select   ·   Enter open the briefing   ·   D show or hide a file's problems   ·   S settings   ·   Esc change trainee"
            } else {
                "Up/Down select   ·   Enter open the briefing   ·   S settings   ·   Esc change trainee"
            },
        );
        ui.add_space(4.0);
    });
    egui::CentralPanel::default_margins().show(&mut root, |ui| {
        resume_offer(ui, &mut offer);
        if let Some(problem) = &catalogue.problem {
            ui.colored_label(theme::BAD, problem);
            ui.add_space(8.0);
        }
        if author && !course.load.diagnostics.is_empty() {
            let file = course
                .load
                .path
                .as_ref()
                .map_or("career.ron".to_owned(), |p| p.display().to_string());
            egui::CollapsingHeader::new(
                egui::RichText::new(format!(
                    "The course file {file} has problems; the course below is built from what could be used"
                ))
                .color(if course.load.has_errors() { theme::BAD } else { theme::WARN }),
            )
            .id_salt("course-problems")
            .show(ui, |ui| {
                ui.add(
                    egui::Label::new(
                        egui::RichText::new(course.load.render_diagnostics()).monospace(),
                    )
                    .extend(),
                );
            });
            ui.add_space(6.0);
        }
        if catalogue.entries.is_empty() && catalogue.problem.is_none() {
            ui.label(format!(
                "There are no scenario files (*.ron) in {}.",
                config.scenarios.display()
            ));
            return;
        }
        if !catalogue.is_ready() {
            let read = catalogue
                .entries
                .iter()
                .filter(|e| e.loaded.is_some())
                .count();
            ui.colored_label(
                theme::MUTED,
                format!(
                    "loading… ({read} of {} files read)",
                    catalogue.entries.len()
                ),
            );
        }
        egui::ScrollArea::vertical()
            .auto_shrink([false, false])
            .show(ui, |ui| {
                for group in Group::all() {
                    let members: Vec<usize> = order
                        .iter()
                        .enumerate()
                        .filter(|(_, (g, _))| *g == group)
                        .map(|(pos, _)| pos)
                        .collect();
                    if members.is_empty() && !matches!(group, Group::Stage(_)) {
                        continue;
                    }
                    group_heading(ui, group, members.is_empty(), ladder);
                    for pos in members {
                        let entry = &catalogue.entries[order[pos].1];
                        let is_selected = cursor == Some(pos);
                        let unfolded = offer.open.is_open(entry, ladder);
                        let card = entry_card(ui, entry, is_selected, unfolded, ladder, author);
                        if is_selected && moved {
                            card.card.scroll_to_me(None);
                        }
                        if card.toggled {
                            toggle_problems = Some(entry.file.clone());
                        }
                        if card.card.clicked() {
                            selected.0 = Some(entry.file.clone());
                            if Status::of(entry, ladder) == Status::Ready {
                                open_briefing = Some(entry.file.clone());
                            }
                        }
                    }
                }
                ui.add_space(12.0);
            });
    });

    if let Some(file) = toggle_problems
        && let Some(entry) = catalogue.find(&file)
    {
        offer.open.toggle(entry, ladder);
    }
    if let Some(file) = open_briefing {
        selected.0 = Some(file);
        go.to(Screen::Briefing);
    } else if go_settings {
        go.open_settings(Screen::List);
    } else if change_trainee {
        go.to(Screen::Profile);
    }
    Ok(())
}

fn group_heading(ui: &mut egui::Ui, group: Group, empty: bool, ladder: &Ladder) {
    ui.add_space(12.0);
    let Group::Stage(stage) = group else {
        let (title, colour) = match group {
            Group::Unreadable => ("Files that are not a scenario yet", theme::BAD),
            _ => ("Still loading", theme::MUTED),
        };
        ui.label(egui::RichText::new(title).size(19.0).strong().color(colour));
        ui.add_space(2.0);
        return;
    };
    let n = Stage::ALL.iter().position(|&s| s == stage).unwrap_or(0) + 1;
    let rung = ladder.career.stage(stage);
    let passed = ladder.career.passed_count(stage, ladder.runs);
    let (badge, colour) = if stage == ladder.stage {
        ("YOU ARE HERE", theme::GOOD)
    } else if stage < ladder.stage {
        ("passed", theme::MUTED)
    } else {
        ("locked", theme::MUTED)
    };
    ui.horizontal(|ui| {
        let title_colour = if stage > ladder.stage {
            theme::MUTED
        } else {
            ui.visuals().strong_text_color()
        };
        ui.label(
            egui::RichText::new(format!("{n}. {}", stage.title()))
                .size(20.0)
                .strong()
                .color(title_colour),
        );
        ui.label(egui::RichText::new(badge).strong().color(colour));
        if !rung.scenarios.is_empty() {
            let needed = rung.to_pass.max(1);
            let text = if stage == Stage::KeyAccountManager {
                format!("{passed} of {} passed", rung.scenarios.len())
            } else {
                format!(
                    "{passed} of {} passed; {needed} needed for promotion",
                    rung.scenarios.len()
                )
            };
            ui::hint(ui, text);
        }
        if empty {
            ui::hint(ui, "no scenarios at this stage yet");
        }
    });
    if !rung.about.is_empty() {
        ui.label(egui::RichText::new(&rung.about).color(theme::MUTED));
    }
    ui.add_space(2.0);
}

/// What happened to one card this frame.
struct Card {
    /// The card as a whole: clicking it opens the briefing.
    card: egui::Response,
    /// The problems section was clicked open or shut.
    toggled: bool,
}

fn entry_card(
    ui: &mut egui::Ui,
    entry: &CatalogueEntry,
    selected: bool,
    unfolded: bool,
    ladder: &Ladder,
    author: bool,
) -> Card {
    let status = Status::of(entry, ladder);
    let loaded = entry.loaded.as_deref();
    let scenario = loaded.and_then(|l| l.scenario.as_ref());
    let broken = matches!(status, Status::Broken { .. });
    let file = entry.file.display().to_string();

    let base = ui.visuals().faint_bg_color;
    let fill = if selected {
        ui.visuals().selection.bg_fill.gamma_multiply(0.35)
    } else {
        base
    };
    let stroke = match (selected, broken) {
        (true, _) => egui::Stroke::new(2.0, ui.visuals().selection.stroke.color),
        (false, true) => egui::Stroke::new(1.0, theme::BAD),
        (false, false) => {
            egui::Stroke::new(1.0, ui.visuals().widgets.noninteractive.bg_stroke.color)
        }
    };
    let mut toggled = false;
    let inner = ui.scope_builder(
        egui::UiBuilder::new()
            .id_salt(("entry", &file))
            .sense(egui::Sense::click()),
        |ui| {
            egui::Frame::new()
                .fill(fill)
                .stroke(stroke)
                .corner_radius(6.0)
                .inner_margin(egui::Margin::symmetric(12, 8))
                .show(ui, |ui| {
                    ui.set_min_width(ui.available_width());
                    ui.horizontal(|ui| {
                        let title = scenario.map_or(file.as_str(), |s| s.title.as_str());
                        let colour = if broken {
                            theme::BAD
                        } else if matches!(status, Status::Locked(_)) {
                            theme::MUTED
                        } else {
                            ui.visuals().strong_text_color()
                        };
                        ui.label(egui::RichText::new(title).size(18.0).strong().color(colour));
                        ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                            match status {
                                Status::Loading => ui.colored_label(theme::MUTED, "loading…"),
                                Status::Broken { .. } if !author => {
                                    ui.colored_label(theme::MUTED, "Not ready yet")
                                }
                                Status::Broken { errors } => ui.colored_label(
                                    theme::BAD,
                                    egui::RichText::new(format!(
                                        "BROKEN: {errors} error{}, cannot be played",
                                        plural(errors)
                                    ))
                                    .strong(),
                                ),
                                Status::Locked(stage) => ui.colored_label(
                                    theme::MUTED,
                                    format!("Locked: reach {} first", stage.title()),
                                ),
                                Status::Ready => {
                                    let best = scenario.and_then(|s| ladder.best(&s.id));
                                    match best {
                                        Some(run) if run.passed => ui.colored_label(
                                            theme::GOOD,
                                            format!("Passed · best {}", run.scores.overall),
                                        ),
                                        Some(run) => ui.colored_label(
                                            theme::WARN,
                                            format!("Not passed yet · best {}", run.scores.overall),
                                        ),
                                        None => ui.colored_label(theme::GOOD, "Ready to play"),
                                    }
                                }
                            };
                        });
                    });
                    let summary = match (scenario, loaded) {
                        (Some(s), _) if !s.summary.is_empty() => s.summary.clone(),
                        (Some(_), _) => "No summary.".to_owned(),
                        (None, Some(_)) if !author => {
                            "Your instructor is still preparing this shift.".to_owned()
                        }
                        (None, Some(l)) => l.diagnostics.first().map_or_else(
                            || "This file cannot be read.".to_owned(),
                            |d| d.message.clone(),
                        ),
                        (None, None) => String::new(),
                    };
                    if !summary.is_empty() {
                        ui.add(egui::Label::new(summary).truncate());
                    }
                    ui.horizontal(|ui| {
                        if !author {
                            return;
                        }
                        ui.label(
                            egui::RichText::new(&file)
                                .monospace()
                                .small()
                                .color(theme::MUTED),
                        );
                        if let Some(l) = loaded {
                            let warnings = l.warnings();
                            if warnings > 0 {
                                ui.label(
                                    egui::RichText::new(format!(
                                        "{warnings} warning{}",
                                        plural(warnings)
                                    ))
                                    .small()
                                    .color(theme::WARN),
                                );
                            }
                        }
                    });
                    if let Some(l) = loaded.filter(|l| author && !l.diagnostics.is_empty()) {
                        let label = if broken {
                            "Problems: what to fix before it can be played"
                        } else {
                            "Warnings"
                        };
                        let header = egui::CollapsingHeader::new(
                            egui::RichText::new(label).color(if broken {
                                theme::BAD
                            } else {
                                theme::WARN
                            }),
                        )
                        .id_salt(("problems", &file))
                        .open(Some(unfolded))
                        .show(ui, |ui| {
                            egui::ScrollArea::both()
                                .id_salt(("problems-text", &file))
                                .max_height(280.0)
                                .auto_shrink([false, true])
                                .show(ui, |ui| {
                                    ui.add(
                                        egui::Label::new(
                                            egui::RichText::new(l.render_diagnostics()).monospace(),
                                        )
                                        .extend(),
                                    );
                                });
                        });
                        toggled = header.header_response.clicked();
                    }
                });
        },
    );
    let mut card = inner.response;
    if status == Status::Ready {
        card = card.on_hover_cursor(egui::CursorIcon::PointingHand);
    }
    ui.add_space(6.0);
    Card { card, toggled }
}

/// "You have a shift in progress": resume it (R) or forget it (X).
fn resume_offer(ui: &mut egui::Ui, offer: &mut Offer) {
    if let Some(problem) = &offer.resumable.problem {
        ui.colored_label(theme::WARN, problem);
        ui.add_space(6.0);
    }
    let Some(found) = &offer.resumable.found else {
        return;
    };
    let text = format!("You have a shift in progress: {}.", found.describe());
    let mut choice = None;
    egui::Frame::new()
        .fill(theme::FOCUS.gamma_multiply(0.25))
        .stroke(egui::Stroke::new(1.0, theme::FOCUS))
        .corner_radius(6.0)
        .inner_margin(egui::Margin::same(10))
        .show(ui, |ui| {
            ui.set_min_width(ui.available_width());
            ui.add(egui::Label::new(egui::RichText::new(text).strong()).wrap());
            ui.horizontal_wrapped(|ui| {
                if ui.button(ui::key("R", "Resume it")).clicked() {
                    choice = Some(ResumeChoice::Resume);
                }
                if ui.button(ui::key("X", "Discard it")).clicked() {
                    choice = Some(ResumeChoice::Discard);
                }
                ui::hint(ui, "It goes on exactly where you left it, paused.");
            });
        });
    ui.add_space(8.0);
    if let Some(c) = choice {
        offer.choose.write(c);
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}
