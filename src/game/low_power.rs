//! Near-zero CPU on menus: the window sleeps until input arrives, and redraws
//! continuously only while a shift's clock is running.
//!
//! bevy_egui pushes a `ModifiersChanged` event into egui every frame, and
//! egui repaints at once on any event, so a desktop-mode window would never
//! idle. Dropping the repeats (same modifiers as last time) before egui's pass
//! begins lets it sleep.

use bevy::platform::collections::HashMap;
use bevy::prelude::*;
use bevy::winit::{UpdateMode, WinitSettings};
use bevy_egui::{EguiInput, EguiPreUpdateSet, egui};

use super::assets::ScenarioAsset;
use super::play::ActiveShift;
use super::shot::KeepAwake;

pub(super) fn plugin(app: &mut App) {
    app.insert_resource(WinitSettings::desktop_app())
        .add_systems(
            PreUpdate,
            drop_repeated_modifiers
                .after(EguiPreUpdateSet::ProcessInput)
                .before(EguiPreUpdateSet::BeginPass),
        )
        .add_systems(Update, (follow_the_clock, redraw_on_file_changes));
}

fn drop_repeated_modifiers(
    mut inputs: Query<(Entity, &mut EguiInput)>,
    mut last: Local<HashMap<Entity, egui::Modifiers>>,
) {
    for (entity, mut input) in &mut inputs {
        input.events.retain(|event| match event {
            egui::Event::ModifiersChanged(m) => last.insert(entity, *m) != Some(*m),
            _ => true,
        });
    }
}

/// Continuous updates while the shift clock runs; sleep otherwise.
fn follow_the_clock(
    active: Option<Res<ActiveShift>>,
    keep_awake: Option<Res<KeepAwake>>,
    mut settings: ResMut<WinitSettings>,
) {
    if keep_awake.is_some() {
        return;
    }
    let running = active.is_some_and(|a| !a.paused && !a.shift.is_over());
    let wanted = if running {
        UpdateMode::Continuous
    } else {
        WinitSettings::desktop_app().focused_mode
    };
    if settings.focused_mode != wanted {
        settings.focused_mode = wanted;
    }
}

/// A scenario saved in the author's editor shows at once, even while the
/// window sleeps.
fn redraw_on_file_changes(
    mut events: MessageReader<AssetEvent<ScenarioAsset>>,
    mut redraw: MessageWriter<bevy::window::RequestRedraw>,
) {
    if events.read().count() > 0 {
        redraw.write(bevy::window::RequestRedraw);
    }
}
