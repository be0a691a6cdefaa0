//! Near-zero CPU: the window sleeps until input arrives, and a running shift
//! wakes it only when something on screen changes: the next shift minute
//! (the clock, the timers and the work all move in whole minutes), or the
//! next step of an animation the screen asked for ([`WakeAt`]). At ×1 that
//! is about one frame a second instead of sixty.
//!
//! bevy_egui pushes a `ModifiersChanged` event into egui every frame, and
//! egui repaints at once on any event, so a desktop-mode window would never
//! idle. Dropping the repeats (same modifiers as last time) before egui's pass
//! begins lets it sleep.

use std::sync::mpsc;
use std::time::{Duration, Instant};

use bevy::platform::collections::HashMap;
use bevy::prelude::*;
use bevy::winit::{
    EventLoopProxy, EventLoopProxyWrapper, UpdateMode, WinitSettings, WinitUserEvent,
};
use bevy_egui::{EguiInput, EguiPreUpdateSet, egui};

use super::assets::ScenarioAsset;
use super::play::{ActiveShift, MINUTES_PER_SECOND};
use super::shot::KeepAwake;

pub(super) fn plugin(app: &mut App) {
    // Only window events (input, resize, focus) and the alarm wake the
    // window; not raw mouse motion elsewhere on the desktop, and not a
    // timer every few seconds (egui's own delayed repaints, such as a
    // tooltip's, come as redraw requests).
    let idle = UpdateMode::reactive_low_power(Duration::from_secs(3600));
    app.insert_resource(WinitSettings {
        focused_mode: idle,
        unfocused_mode: idle,
    })
    .init_resource::<WakeAt>()
    .add_systems(Startup, count_long_sleeps)
    .add_systems(
        PreUpdate,
        drop_repeated_modifiers
            .after(EguiPreUpdateSet::ProcessInput)
            .before(EguiPreUpdateSet::BeginPass),
    )
    .add_systems(
        Update,
        (
            follow_the_clock,
            redraw_on_file_changes,
            redraw_after_resize,
        ),
    );
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

/// When a screen next changes on its own (a badge fades, a tab blinks), in
/// real seconds since the start; the screen sets it each frame it draws.
#[derive(Resource, Default)]
pub struct WakeAt(pub Option<f64>);

/// A sleep of a second or more must count in full on the shift clock
/// (virtual time drops anything over a quarter second a frame by default).
fn count_long_sleeps(mut time: ResMut<Time<Virtual>>) {
    time.set_max_delta(Duration::from_secs(5));
}

/// Wakes the window at a given instant from a thread of its own, through
/// winit's event loop proxy. Changing [`WinitSettings`]' wait instead would
/// not do: every change of the update mode forces an update at once.
#[derive(Resource)]
struct Alarm {
    set: mpsc::Sender<Instant>,
    last: Option<Instant>,
}

impl Alarm {
    fn start(proxy: EventLoopProxy<WinitUserEvent>) -> Alarm {
        let (set, next) = mpsc::channel::<Instant>();
        std::thread::Builder::new()
            .name("kam-trainer alarm".into())
            .spawn(move || {
                let mut due: Option<Instant> = None;
                loop {
                    let got = match due {
                        Some(at) => next.recv_timeout(at.saturating_duration_since(Instant::now())),
                        None => next
                            .recv()
                            .map_err(|_| mpsc::RecvTimeoutError::Disconnected),
                    };
                    match got {
                        Ok(at) => due = Some(at),
                        Err(mpsc::RecvTimeoutError::Timeout) => {
                            due = None;
                            if proxy.send_event(WinitUserEvent::WakeUp).is_err() {
                                return;
                            }
                        }
                        Err(mpsc::RecvTimeoutError::Disconnected) => return,
                    }
                }
            })
            .ok();
        Alarm { set, last: None }
    }

    fn wake_at(&mut self, at: Instant) {
        // Once per change: the alarm keeps the last instant it was given.
        let close = self.last.is_some_and(|last| {
            last.max(at).duration_since(last.min(at)) < Duration::from_millis(2)
        });
        if !close && self.set.send(at).is_ok() {
            self.last = Some(at);
        }
    }
}

/// Sets the alarm for the next visible change; input wakes the window
/// anyway.
fn follow_the_clock(
    mut commands: Commands,
    active: Option<Res<ActiveShift>>,
    keep_awake: Option<Res<KeepAwake>>,
    wake_at: Res<WakeAt>,
    real: Res<Time<Real>>,
    proxy: Option<Res<EventLoopProxyWrapper>>,
    alarm: Option<ResMut<Alarm>>,
) {
    if keep_awake.is_some() {
        return;
    }
    let now = real.elapsed_secs_f64();
    let mut wait = wake_at.0.map(|at| (at - now).max(0.0));
    if let Some(a) = active.filter(|a| !a.paused && !a.shift.is_over()) {
        let per_second = MINUTES_PER_SECOND * f64::from(a.speed.max(1));
        // A few milliseconds past the minute, so the clock has crossed it.
        let next_minute = (a.clock.floor() + 1.0 - a.clock) / per_second + 0.005;
        wait = Some(wait.map_or(next_minute, |w| w.min(next_minute)));
    }
    let Some(wait) = wait else { return };
    let at = Instant::now() + Duration::from_secs_f64(wait.max(0.005));
    match (alarm, proxy) {
        (Some(mut alarm), _) => alarm.wake_at(at),
        (None, Some(proxy)) => {
            let mut alarm = Alarm::start((**proxy).clone());
            alarm.wake_at(at);
            commands.insert_resource(alarm);
        }
        // No window (the tests): nothing to wake.
        (None, None) => {}
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

/// A resized window is laid out again at once: egui needs a second pass
/// for the new size, which would otherwise wait for the next input.
fn redraw_after_resize(
    mut resized: MessageReader<bevy::window::WindowResized>,
    mut scale: MessageReader<bevy::window::WindowScaleFactorChanged>,
    mut redraw: MessageWriter<bevy::window::RequestRedraw>,
) {
    if resized.read().count() + scale.read().count() > 0 {
        redraw.write(bevy::window::RequestRedraw);
    }
}
