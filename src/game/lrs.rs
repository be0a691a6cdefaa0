//! Results to the company's LRS, in the background: at start, after every
//! saved run and when the LRS settings are saved, a thread of its own runs
//! [`sync`] (queue the runs finished since the LRS was set, then send what
//! waits in the outbox) and wakes the window when it is done. Nothing here
//! blocks a frame; a send that fails leaves the outbox as it was, to be
//! tried at the next start or after the next run.

use std::path::PathBuf;
use std::sync::{Mutex, mpsc};

use bevy::prelude::*;
use bevy::winit::{EventLoopProxyWrapper, WinitUserEvent};
use jiff::Timestamp;

use super::GameConfig;
use super::play::{LastRun, Saved};
use crate::report::ScenarioIndex;
use crate::report::export::XapiOptions;
use crate::report::lrs::Retry;
use crate::report::outbox::{LrsSettings, Outbox, Synced, Waiting, sync};

/// Statements per request from the game.
const BATCH: usize = 50;

pub(super) fn plugin(app: &mut App) {
    let config = app.world().resource::<GameConfig>().clone();
    app.insert_resource(LrsStatus::open(&config))
        .add_message::<SendResults>()
        .add_systems(Startup, |mut send: MessageWriter<SendResults>| {
            send.write(SendResults);
        })
        .add_systems(Update, (send_after_a_run, start_sending, hear_back).chain());
}

/// Ask for the outbox to be sent now.
#[derive(Message, Debug, Clone, Copy)]
pub struct SendResults;

/// The LRS saved in this data directory and how sending to it goes.
#[derive(Resource)]
pub struct LrsStatus {
    data_dir: PathBuf,
    scenarios: PathBuf,
    /// The saved settings (not set when none are saved).
    pub settings: LrsSettings,
    /// Why the saved settings could not be read, if they could not.
    pub problem: Option<String>,
    /// What waits in the outbox.
    pub waiting: Waiting,
    /// What the last send did, and when it ended.
    pub last: Option<(Timestamp, Result<Synced, String>)>,
    job: Option<Mutex<mpsc::Receiver<Result<Synced, String>>>>,
    /// Asked again while a send was running: send once more after it.
    again: bool,
}

impl LrsStatus {
    fn open(config: &GameConfig) -> LrsStatus {
        let (settings, problem) = match LrsSettings::load(&config.data_dir) {
            Ok(s) => (s, None),
            Err(e) => (LrsSettings::default(), Some(e.to_string())),
        };
        LrsStatus {
            data_dir: config.data_dir.clone(),
            scenarios: config.scenarios.clone(),
            settings,
            problem,
            waiting: Outbox::new(&config.data_dir).waiting(),
            last: None,
            job: None,
            again: false,
        }
    }

    /// Whether a send is running now.
    pub fn sending(&self) -> bool {
        self.job.is_some()
    }

    /// Saves new settings (readable by the user only). Runs finished from
    /// now on are sent on their own; a changed endpoint starts afresh.
    pub fn save(&mut self, endpoint: &str, key: &str, secret: &str) -> Result<(), String> {
        let endpoint = endpoint.trim();
        if !(endpoint.is_empty()
            || endpoint.starts_with("https://")
            || endpoint.starts_with("http://"))
        {
            return Err("The LRS endpoint is a web address starting with https://, e.g. https://lrs.example.com/xAPI/".to_owned());
        }
        if key.is_empty() != secret.is_empty() {
            return Err(
                "Give both the key and the secret the LRS created for this computer, or neither."
                    .to_owned(),
            );
        }
        let since = match self.settings.since {
            Some(since) if self.settings.endpoint.trim() == endpoint => Some(since),
            _ if endpoint.is_empty() => None,
            _ => Some(Timestamp::now()),
        };
        let settings = LrsSettings {
            endpoint: endpoint.to_owned(),
            key: key.to_owned(),
            secret: secret.to_owned(),
            since,
        };
        settings
            .save(&self.data_dir)
            .map_err(|e| format!("Could not save the LRS settings: {e}"))?;
        self.settings = settings;
        self.problem = None;
        Ok(())
    }

    /// The line the screens show about results waiting, if any is due.
    pub fn summary(&self) -> Option<String> {
        let waiting = self.waiting.runs;
        if !self.settings.is_set() && waiting == 0 {
            return None;
        }
        let mut line = if self.sending() {
            "Sending results to the LRS…".to_owned()
        } else if waiting == 0 {
            "Every result has been sent to the LRS.".to_owned()
        } else {
            format!(
                "{waiting} result{} waiting to be sent to the LRS.",
                if waiting == 1 { "" } else { "s" }
            )
        };
        if !self.settings.is_set() {
            line.push_str(" No LRS is set: set one in Settings.");
        }
        Some(line)
    }

    /// The last error, if the outbox keeps one or the last send failed.
    pub fn last_error(&self) -> Option<String> {
        if let Some(p) = &self.problem {
            return Some(p.clone());
        }
        match &self.last {
            Some((_, Err(e))) => Some(e.clone()),
            _ => self.waiting.last_error.clone(),
        }
    }
}

/// A run saved into a profile goes to the LRS.
fn send_after_a_run(last: Option<Res<LastRun>>, mut send: MessageWriter<SendResults>) {
    if let Some(last) = last
        && last.is_changed()
        && matches!(last.saved, Saved::Yes { .. })
    {
        send.write(SendResults);
    }
}

fn start_sending(
    mut asks: MessageReader<SendResults>,
    mut status: ResMut<LrsStatus>,
    proxy: Option<Res<EventLoopProxyWrapper>>,
) {
    let asked = asks.read().count() > 0;
    if !(asked || status.again && status.job.is_none()) {
        return;
    }
    if status.job.is_some() {
        status.again = true;
        return;
    }
    status.again = false;
    if !status.settings.is_set() {
        status.waiting = Outbox::new(&status.data_dir).waiting();
        return;
    }
    let (done, job) = mpsc::channel();
    let (data_dir, scenarios) = (status.data_dir.clone(), status.scenarios.clone());
    let proxy = proxy.map(|p| (**p).clone());
    let spawned = std::thread::Builder::new()
        .name("kam-trainer lrs".into())
        .spawn(move || {
            let index = ScenarioIndex::load(&[scenarios]).ok();
            let options = XapiOptions::from_env(true);
            let synced = sync(
                &data_dir,
                &options,
                index.as_ref(),
                BATCH,
                Retry::default(),
                |_| {},
            );
            let _ = done.send(synced);
            if let Some(proxy) = proxy {
                let _ = proxy.send_event(WinitUserEvent::WakeUp);
            }
        });
    match spawned {
        Ok(_) => status.job = Some(Mutex::new(job)),
        Err(e) => {
            status.last = Some((
                Timestamp::now(),
                Err(format!("Could not start sending: {e}")),
            ))
        }
    }
}

fn hear_back(mut status: ResMut<LrsStatus>) {
    let Some(job) = &status.job else { return };
    let heard = match job
        .lock()
        .map_err(|_| mpsc::TryRecvError::Disconnected)
        .and_then(|j| j.try_recv())
    {
        Ok(synced) => synced,
        Err(mpsc::TryRecvError::Empty) => return,
        Err(mpsc::TryRecvError::Disconnected) => {
            Err("The sender stopped unexpectedly; the results wait in the outbox.".to_owned())
        }
    };
    status.job = None;
    status.waiting = match &heard {
        Ok(synced) => synced.waiting.clone(),
        Err(_) => Outbox::new(&status.data_dir).waiting(),
    };
    status.last = Some((Timestamp::now(), heard));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn status(dir: &std::path::Path) -> LrsStatus {
        LrsStatus::open(&GameConfig {
            scenarios: PathBuf::from("scenarios"),
            data_dir: dir.to_owned(),
            author: false,
        })
    }

    #[test]
    fn saving_checks_the_endpoint_and_keeps_since_for_the_same_lrs() {
        let dir = tempfile::tempdir().unwrap();
        let mut s = status(dir.path());
        assert_eq!(s.summary(), None);
        let e = s.save("lrs.example.com", "k", "s").unwrap_err();
        assert!(e.contains("https://"), "{e}");
        let e = s
            .save("https://lrs.example.com/xAPI/", "k", "")
            .unwrap_err();
        assert!(e.contains("both the key and the secret"), "{e}");
        assert!(!dir.path().join("lrs.json").exists());

        s.save("https://lrs.example.com/xAPI/", "k", "s").unwrap();
        let since = s.settings.since.expect("set when the endpoint is saved");
        s.save("https://lrs.example.com/xAPI/", "k2", "s2").unwrap();
        assert_eq!(s.settings.since, Some(since));
        let reread = status(dir.path());
        assert_eq!(reread.settings, s.settings);
        assert_eq!(
            reread.summary().as_deref(),
            Some("Every result has been sent to the LRS.")
        );
        s.save("", "", "").unwrap();
        assert_eq!(s.settings.since, None);
    }

    #[test]
    fn what_waits_is_counted_and_the_last_error_shown() {
        let dir = tempfile::tempdir().unwrap();
        let outbox = Outbox::new(dir.path());
        outbox
            .put("r1", "Anna", vec![serde_json::json!({"id": "a"})])
            .unwrap();
        let s = status(dir.path());
        assert_eq!(
            s.summary().as_deref(),
            Some("1 result waiting to be sent to the LRS. No LRS is set: set one in Settings.")
        );
        assert_eq!(s.waiting.by_trainee.get("Anna"), Some(&1));
        std::fs::write(dir.path().join("lrs.json"), "{").unwrap();
        let s = status(dir.path());
        assert!(s.last_error().unwrap().contains("lrs.json"));
    }
}
