//! Sending xAPI statements to a Learning Record Store (LRS) and reading them
//! back: `kam-trainer send`.
//!
//! Statement ids are stable (derived from the run and the decision), so
//! sending twice is safe: an LRS stores an identical statement once and
//! answers 200/204 again. What it answers 409 to is an id it already holds
//! with other content; that is reported per statement, never skipped in
//! silence. A batch the LRS refuses as a whole (409, or a 4xx naming one bad
//! statement) is sent again one statement at a time to find which.
//! Server errors, timeouts and refused connections are retried with backoff
//! a bounded number of times; nothing is counted as sent that the LRS did
//! not accept. The credentials never appear in any message this module
//! writes.

use std::time::Duration;

use serde_json::Value;

/// The xAPI version every request names.
pub const XAPI_VERSION: &str = "1.0.3";

/// An LRS key and secret (HTTP Basic). Debug output never shows them.
#[derive(Clone)]
pub struct Credentials {
    pub key: String,
    pub secret: String,
}

impl std::fmt::Debug for Credentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Credentials(..)")
    }
}

/// How often and how patiently to try again after a server error or a
/// network failure.
#[derive(Debug, Clone, Copy)]
pub struct Retry {
    /// Tries in all, the first included.
    pub attempts: u32,
    /// The wait before the second try; it doubles after each.
    pub first_wait: Duration,
    /// How long one request may take.
    pub timeout: Duration,
}

impl Default for Retry {
    fn default() -> Self {
        Retry {
            attempts: 4,
            first_wait: Duration::from_millis(500),
            timeout: Duration::from_secs(30),
        }
    }
}

/// Why sending stopped before the end.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LrsError {
    #[error(
        "the LRS refused the credentials (HTTP {0}): check the key and secret (--key/--secret or KAM_TRAINER_LRS_KEY/KAM_TRAINER_LRS_SECRET) and that they may write statements"
    )]
    Credentials(u16),
    #[error("the LRS could not be reached after {attempts} tries: {reason}")]
    Unreachable { attempts: u32, reason: String },
    #[error("the LRS kept failing (HTTP {status}) after {attempts} tries: {message}")]
    Server {
        status: u16,
        attempts: u32,
        message: String,
    },
    #[error("the LRS answered HTTP {status}: {message}")]
    Refused { status: u16, message: String },
    #[error("{0}")]
    Endpoint(String),
}

/// A statement the LRS would not store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    pub id: String,
    pub status: u16,
    /// The LRS's own words.
    pub message: String,
}

/// What became of the statements handed to [`Lrs::send`].
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Delivery {
    /// Ids the LRS accepted (stored now, or already stored identically).
    pub sent: Vec<String>,
    /// Ids the LRS holds with other content (409).
    pub conflicts: Vec<Refusal>,
    /// Statements the LRS refused (another 4xx), with its reason.
    pub refused: Vec<Refusal>,
    /// Why sending stopped early; the statements after it were not sent.
    pub stopped: Option<LrsError>,
}

impl Delivery {
    pub fn is_complete(&self) -> bool {
        self.conflicts.is_empty() && self.refused.is_empty() && self.stopped.is_none()
    }
}

/// One LRS endpoint, e.g. `https://lrs.example.com/xAPI/`.
pub struct Lrs {
    statements: String,
    authorization: Option<String>,
    agent: ureq::Agent,
    retry: Retry,
}

/// What one request came back with.
enum Answer {
    Ok(u16, String),
    Status(u16, String),
    Transport(String),
}

impl Lrs {
    pub fn new(
        endpoint: &str,
        credentials: Option<&Credentials>,
        retry: Retry,
    ) -> Result<Lrs, LrsError> {
        let endpoint = endpoint.trim();
        if !(endpoint.starts_with("http://") || endpoint.starts_with("https://")) {
            return Err(LrsError::Endpoint(format!(
                "--lrs {endpoint}: the LRS endpoint is a URL starting with https:// (or http://), e.g. https://lrs.example.com/xAPI/"
            )));
        }
        let base = if endpoint.ends_with('/') {
            endpoint.to_owned()
        } else {
            format!("{endpoint}/")
        };
        let authorization = credentials.map(|c| {
            use base64::Engine;
            let pair = format!("{}:{}", c.key, c.secret);
            format!(
                "Basic {}",
                base64::engine::general_purpose::STANDARD.encode(pair)
            )
        });
        let agent = ureq::Agent::config_builder()
            .timeout_global(Some(retry.timeout))
            .http_status_as_error(false)
            .build()
            .into();
        Ok(Lrs {
            statements: format!("{base}statements"),
            authorization,
            agent,
            retry: Retry {
                attempts: retry.attempts.max(1),
                ..retry
            },
        })
    }

    /// Sends `statements` in batches of `batch`, calling `progress` with the
    /// number handled so far.
    pub fn send(
        &self,
        statements: &[Value],
        batch: usize,
        mut progress: impl FnMut(usize),
    ) -> Delivery {
        let mut delivery = Delivery::default();
        let mut done = 0;
        for chunk in statements.chunks(batch.max(1)) {
            match self.post(chunk) {
                Ok(()) => delivery.sent.extend(chunk.iter().map(id_of)),
                Err(PostError::Stop(e)) => {
                    delivery.stopped = Some(e);
                    return delivery;
                }
                // One statement in the batch is wrong: find which, one at
                // a time.
                Err(PostError::Refused(..)) if chunk.len() > 1 => {
                    for one in chunk {
                        match self.post(std::slice::from_ref(one)) {
                            Ok(()) => delivery.sent.push(id_of(one)),
                            Err(PostError::Stop(e)) => {
                                delivery.stopped = Some(e);
                                return delivery;
                            }
                            Err(PostError::Refused(status, message)) => {
                                refuse(&mut delivery, one, status, message)
                            }
                        }
                    }
                }
                Err(PostError::Refused(status, message)) => {
                    refuse(&mut delivery, &chunk[0], status, message)
                }
            }
            done += chunk.len();
            progress(done);
        }
        delivery
    }

    /// The statement the LRS holds under `id`, if any.
    pub fn get(&self, id: &str) -> Result<Option<Value>, LrsError> {
        let url = format!("{}?statementId={}", self.statements, encode(id));
        match self.with_retries(|| self.request("GET", &url, None))? {
            (200, body) => serde_json::from_str(&body)
                .map(Some)
                .map_err(|e| LrsError::Refused {
                    status: 200,
                    message: format!("the LRS answered with something that is not JSON: {e}"),
                }),
            (404, _) => Ok(None),
            (status, body) => Err(LrsError::Refused {
                status,
                message: lrs_message(&body),
            }),
        }
    }

    fn post(&self, batch: &[Value]) -> Result<(), PostError> {
        let body = serde_json::to_string(batch).expect("json values serialise");
        let (status, answer) = self
            .with_retries(|| self.request("POST", &self.statements, Some(&body)))
            .map_err(PostError::Stop)?;
        match status {
            200..=299 => Ok(()),
            _ => Err(PostError::Refused(status, lrs_message(&answer))),
        }
    }

    /// Runs a request, trying again after server errors and network
    /// failures; answers with the status and body of a final answer. 401
    /// and 403 stop at once.
    fn with_retries(&self, mut request: impl FnMut() -> Answer) -> Result<(u16, String), LrsError> {
        let mut wait = self.retry.first_wait;
        let mut last = None;
        for attempt in 1..=self.retry.attempts {
            if attempt > 1 {
                std::thread::sleep(wait);
                wait *= 2;
            }
            match request() {
                Answer::Ok(status, body) => return Ok((status, body)),
                Answer::Status(status @ (401 | 403), _) => {
                    return Err(LrsError::Credentials(status));
                }
                Answer::Status(status, body) if status >= 500 => {
                    last = Some(LrsError::Server {
                        status,
                        attempts: attempt,
                        message: lrs_message(&body),
                    })
                }
                Answer::Status(status, body) => return Ok((status, body)),
                Answer::Transport(reason) => {
                    last = Some(LrsError::Unreachable {
                        attempts: attempt,
                        reason,
                    })
                }
            }
        }
        Err(last.expect("at least one attempt"))
    }

    fn request(&self, method: &str, url: &str, body: Option<&str>) -> Answer {
        let sent = match (method, body) {
            ("POST", Some(body)) => {
                let mut r = self
                    .agent
                    .post(url)
                    .header("X-Experience-API-Version", XAPI_VERSION)
                    .header("Content-Type", "application/json");
                if let Some(a) = &self.authorization {
                    r = r.header("Authorization", a);
                }
                r.send(body)
            }
            _ => {
                let mut r = self
                    .agent
                    .get(url)
                    .header("X-Experience-API-Version", XAPI_VERSION);
                if let Some(a) = &self.authorization {
                    r = r.header("Authorization", a);
                }
                r.call()
            }
        };
        match sent {
            Ok(mut response) => {
                let status = response.status().as_u16();
                let text = response
                    .body_mut()
                    .with_config()
                    .limit(64 * 1024 * 1024)
                    .read_to_string()
                    .unwrap_or_default();
                if (200..300).contains(&status) {
                    Answer::Ok(status, text)
                } else {
                    Answer::Status(status, text)
                }
            }
            // The error names the host and what failed, never a header.
            Err(e) => Answer::Transport(e.to_string()),
        }
    }
}

enum PostError {
    Refused(u16, String),
    Stop(LrsError),
}

fn refuse(delivery: &mut Delivery, statement: &Value, status: u16, message: String) {
    let refusal = Refusal {
        id: id_of(statement),
        status,
        message,
    };
    if status == 409 {
        delivery.conflicts.push(refusal);
    } else {
        delivery.refused.push(refusal);
    }
}

/// A statement's id ("" for one without: the LRS gives it one).
pub fn id_of(statement: &Value) -> String {
    statement
        .get("id")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned()
}

/// The LRS's message from an error body: its `message` (Learning Locker,
/// most LRSs) or the body itself, cut to a readable length.
fn lrs_message(body: &str) -> String {
    let from_json = serde_json::from_str::<Value>(body).ok().and_then(|v| {
        v.get("message")
            .or_else(|| v.get("error"))
            .and_then(Value::as_str)
            .map(str::to_owned)
    });
    let text = from_json.unwrap_or_else(|| body.trim().to_owned());
    let text = if text.is_empty() {
        "(no message)".to_owned()
    } else {
        text
    };
    if text.chars().count() > 400 {
        let cut: String = text.chars().take(400).collect();
        format!("{cut}…")
    } else {
        text
    }
}

/// Percent-encoding for a query value (statement ids are UUIDs, but an
/// exported file may hold anything).
fn encode(value: &str) -> String {
    let mut out = String::new();
    for b in value.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(b as char)
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// Whether the statement the LRS holds is the one sent: every field sent
/// is there with the same value (the LRS adds `stored`, `authority`,
/// `version`); timestamps are compared as instants, since an LRS may write
/// them with other precision. Returns the first difference.
pub fn same_statement(sent: &Value, stored: &Value) -> Result<(), String> {
    compare(sent, stored, "")
}

fn compare(sent: &Value, stored: &Value, path: &str) -> Result<(), String> {
    match (sent, stored) {
        (Value::Object(a), Value::Object(b)) => {
            for (key, value) in a {
                let here = format!("{path}/{key}");
                let Some(other) = b.get(key) else {
                    return Err(format!("{here} is missing"));
                };
                if key == "timestamp" {
                    let (x, y) = (value.as_str(), other.as_str());
                    let parse = |s: Option<&str>| s.and_then(|s| s.parse::<jiff::Timestamp>().ok());
                    if parse(x).is_some() && parse(x) == parse(y) {
                        continue;
                    }
                }
                compare(value, other, &here)?;
            }
            Ok(())
        }
        (Value::Array(a), Value::Array(b)) if a.len() == b.len() => {
            for (i, (x, y)) in a.iter().zip(b).enumerate() {
                compare(x, y, &format!("{path}/{i}"))?;
            }
            Ok(())
        }
        (Value::Number(a), Value::Number(b)) if a.as_f64() == b.as_f64() => Ok(()),
        _ if sent == stored => Ok(()),
        _ => Err(format!("{path}: sent {sent}, the LRS holds {stored}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_stored_statement_may_carry_more_fields_and_other_timestamp_precision() {
        let sent = json!({"id": "a", "timestamp": "2026-03-01T09:00:00Z", "result": {"score": {"scaled": 0.5}}});
        let stored = json!({"id": "a", "timestamp": "2026-03-01T09:00:00.000Z", "stored": "x",
            "result": {"score": {"scaled": 0.50}}, "version": "1.0.0"});
        assert_eq!(same_statement(&sent, &stored), Ok(()));
        let changed = json!({"id": "a", "timestamp": "2026-03-01T09:00:00Z", "result": {"score": {"scaled": 0.6}}});
        let err = same_statement(&sent, &changed).unwrap_err();
        assert!(err.starts_with("/result/score/scaled"), "{err}");
        let lost = json!({"id": "a", "timestamp": "2026-03-01T09:00:00Z"});
        assert_eq!(
            same_statement(&sent, &lost),
            Err("/result is missing".to_owned())
        );
    }

    #[test]
    fn an_endpoint_must_be_a_web_address_and_credentials_never_print() {
        let creds = Credentials {
            key: "the-key".into(),
            secret: "the-secret".into(),
        };
        assert_eq!(format!("{creds:?}"), "Credentials(..)");
        let err = Lrs::new("lrs.example.com", Some(&creds), Retry::default())
            .err()
            .unwrap()
            .to_string();
        assert!(err.contains("https://"), "{err}");
        assert!(!err.contains("the-secret") && !err.contains("the-key"));
    }

    #[test]
    fn the_lrs_message_is_taken_from_its_json_and_kept_short() {
        assert_eq!(
            lrs_message(r#"{"message": "Problem in 'verb'"}"#),
            "Problem in 'verb'"
        );
        assert_eq!(lrs_message("  plain words "), "plain words");
        assert_eq!(lrs_message(""), "(no message)");
        assert!(lrs_message(&"x".repeat(1000)).chars().count() <= 401);
        assert_eq!(encode("a b/ü"), "a%20b%2F%C3%BC");
    }
}
