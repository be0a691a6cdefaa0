//! xAPI 1.0.3 statements: one `passed` or `failed` statement per run, and
//! with `decisions` one `responded` (an answer or a timeout) or `interacted`
//! (a task decision, a break) statement per entry of the decision log. All
//! statements of a run share a `context.registration`; every id is derived
//! from the run's id, so exporting again gives the same statements.

use serde_json::{Map, Value, json};

use super::ExportError;
use crate::engine::replay;
use crate::engine::{Action, DecisionKind};
use crate::record::{RunRecord, uuid_from};
use crate::report::collect::Profiles;
use crate::report::scenarios::ScenarioIndex;
use crate::scenario::{Stage, format_time};

pub const VERB_PASSED: &str = "http://adlnet.gov/expapi/verbs/passed";
pub const VERB_FAILED: &str = "http://adlnet.gov/expapi/verbs/failed";
pub const VERB_RESPONDED: &str = "http://adlnet.gov/expapi/verbs/responded";
pub const VERB_INTERACTED: &str = "http://adlnet.gov/expapi/verbs/interacted";
pub const TYPE_SIMULATION: &str = "http://adlnet.gov/expapi/activities/simulation";
pub const TYPE_INTERACTION: &str = "http://adlnet.gov/expapi/activities/cmi.interaction";
pub const TYPE_COURSE: &str = "http://adlnet.gov/expapi/activities/course";
pub const TYPE_MODULE: &str = "http://adlnet.gov/expapi/activities/module";

/// The default of both IRIs: a reserved domain that can never be someone
/// else's, to be replaced with the organisation's own.
pub const DEFAULT_BASE: &str = "https://kam-trainer.invalid/";

/// Where the statements point.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct XapiOptions {
    /// `actor.account.homePage` for trainees without an e-mail address.
    pub home_page: String,
    /// The prefix of every activity id and extension key; ends with `/`.
    pub activity_base: String,
    /// Also one statement per decision.
    pub decisions: bool,
}

impl Default for XapiOptions {
    fn default() -> Self {
        XapiOptions {
            home_page: DEFAULT_BASE.to_owned(),
            activity_base: DEFAULT_BASE.to_owned(),
            decisions: false,
        }
    }
}

impl XapiOptions {
    /// The options `export` and `send` take from the environment
    /// (`KAM_TRAINER_XAPI_HOMEPAGE`, `KAM_TRAINER_XAPI_BASE`), for the game's
    /// own sender, so its statements name trainees and activities as the
    /// command line does on the same computer.
    pub fn from_env(decisions: bool) -> XapiOptions {
        let var = |name: &str| {
            std::env::var(name)
                .ok()
                .filter(|v| !v.trim().is_empty())
                .unwrap_or_else(|| DEFAULT_BASE.to_owned())
        };
        XapiOptions {
            home_page: var("KAM_TRAINER_XAPI_HOMEPAGE"),
            activity_base: var("KAM_TRAINER_XAPI_BASE"),
            decisions,
        }
    }
}

pub fn export(
    runs: &[RunRecord],
    profiles: &Profiles,
    options: &XapiOptions,
    scenarios: Option<&ScenarioIndex>,
) -> Result<Vec<u8>, ExportError> {
    let out = statements(runs, profiles, options, scenarios)?;
    let mut bytes = serde_json::to_vec_pretty(&Value::Array(out)).expect("json values serialise");
    bytes.push(b'\n');
    Ok(bytes)
}

/// The statements, as JSON values.
pub fn statements(
    runs: &[RunRecord],
    profiles: &Profiles,
    options: &XapiOptions,
    scenarios: Option<&ScenarioIndex>,
) -> Result<Vec<Value>, ExportError> {
    check_url("home page", &options.home_page)?;
    check_url("activity base", &options.activity_base)?;
    let base = if options.activity_base.ends_with('/') {
        options.activity_base.clone()
    } else {
        format!("{}/", options.activity_base)
    };
    let x = Ids { base };
    let mut out = Vec::new();
    for run in runs {
        let lang = scenarios
            .and_then(|s| s.by_hash(&run.scenario.hash))
            .and_then(|f| f.scenario.as_ref())
            .map_or_else(|| "en".to_owned(), |s| s.language.clone());
        let actor = actor(run, profiles, &options.home_page);
        let resolved = scenarios
            .and_then(|s| s.by_hash(&run.scenario.hash))
            .and_then(|f| f.resolved.as_deref());
        let main = run_statement(&x, run, &actor, &lang, resolved);
        let main_id = main["id"].as_str().unwrap_or_default().to_owned();
        out.push(main);
        if options.decisions {
            out.extend(decision_statements(
                &x, run, &actor, &lang, &main_id, scenarios,
            ));
        }
    }
    Ok(out)
}

fn check_url(what: &str, url: &str) -> Result<(), ExportError> {
    let ok = (url.starts_with("https://") || url.starts_with("http://"))
        && url.split("://").nth(1).is_some_and(|rest| {
            !rest.is_empty() && !rest.starts_with('/') && !rest.contains(char::is_whitespace)
        });
    if ok {
        Ok(())
    } else {
        Err(ExportError::Option(format!(
            "the xAPI {what} `{url}` is not an http(s) URL; give one like https://lms.example.com/"
        )))
    }
}

struct Ids {
    base: String,
}

impl Ids {
    fn scenario(&self, id: &str) -> String {
        format!("{}scenarios/{}", self.base, pct(id))
    }
    fn stage(&self, stage: Stage) -> String {
        format!("{}stages/{}", self.base, stage_slug(stage))
    }
    fn career(&self) -> String {
        format!("{}career", self.base)
    }
    fn ext(&self, name: &str) -> String {
        format!("{}extensions/{name}", self.base)
    }
}

/// `KeyAccountManager` → `key-account-manager`.
pub fn stage_slug(stage: Stage) -> String {
    stage.title().to_lowercase().replace(' ', "-")
}

/// Percent-encodes everything but RFC 3986's unreserved characters.
fn pct(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

fn actor(run: &RunRecord, profiles: &Profiles, home_page: &str) -> Value {
    match profiles.get(&run.trainee).and_then(|p| p.email.as_deref()) {
        Some(email) if !email.trim().is_empty() => json!({
            "objectType": "Agent",
            "name": run.trainee,
            "mbox": format!("mailto:{}", email.trim()),
        }),
        _ => json!({
            "objectType": "Agent",
            "name": run.trainee,
            "account": { "homePage": home_page, "name": run.trainee },
        }),
    }
}

fn lang_map(lang: &str, text: &str) -> Value {
    let mut m = Map::new();
    m.insert(lang.to_owned(), Value::String(text.to_owned()));
    Value::Object(m)
}

/// ISO 8601 duration of whole seconds, e.g. `PT1H2M3S`; never negative.
pub fn iso_duration(seconds: i64) -> String {
    let s = seconds.max(0);
    let (h, m, s) = (s / 3600, s / 60 % 60, s % 60);
    let mut out = "PT".to_owned();
    if h > 0 {
        out += &format!("{h}H");
    }
    if m > 0 {
        out += &format!("{m}M");
    }
    if s > 0 || (h == 0 && m == 0) {
        out += &format!("{s}S");
    }
    out
}

fn scenario_activity(x: &Ids, run: &RunRecord, lang: &str) -> Value {
    let summary = if run.scenario.summary.is_empty() {
        &run.scenario.title
    } else {
        &run.scenario.summary
    };
    json!({
        "objectType": "Activity",
        "id": x.scenario(&run.scenario.id),
        "definition": {
            "name": lang_map(lang, &run.scenario.title),
            "description": lang_map(lang, summary),
            "type": TYPE_SIMULATION,
        },
    })
}

fn context(x: &Ids, run: &RunRecord, registration: &str, parent: Option<Value>) -> Value {
    let stage = json!({
        "objectType": "Activity",
        "id": x.stage(run.scenario.stage),
        "definition": {
            "name": lang_map("en", run.scenario.stage.title()),
            "type": TYPE_MODULE,
        },
    });
    let career = json!({
        "objectType": "Activity",
        "id": x.career(),
        "definition": {
            "name": lang_map("en", "Career ladder"),
            "type": TYPE_COURSE,
        },
    });
    let activities = match parent {
        // A decision's parent is the shift it was made in.
        Some(scenario) => json!({ "parent": [scenario], "grouping": [stage, career] }),
        None => json!({ "parent": [stage], "grouping": [career] }),
    };
    let mut ext = Map::new();
    ext.insert(x.ext("run-id"), json!(run.id));
    ext.insert(x.ext("seed"), json!(run.seed));
    ext.insert(x.ext("scenario-hash"), json!(run.scenario.hash));
    json!({
        "registration": registration,
        "platform": "KAM Trainer",
        "contextActivities": activities,
        "extensions": ext,
    })
}

fn registration(run: &RunRecord) -> String {
    uuid_from(&["kam-trainer/xapi/registration", &run.id])
}

fn run_statement(
    x: &Ids,
    run: &RunRecord,
    actor: &Value,
    lang: &str,
    sc: Option<&crate::scenario::Resolved>,
) -> Value {
    let s = run.scores;
    let (verb, word) = if run.passed {
        (VERB_PASSED, "passed")
    } else {
        (VERB_FAILED, "failed")
    };
    let seconds = run.finished_at.duration_since(run.started_at).as_secs();
    let mut ext = Map::new();
    ext.insert(x.ext("loyalty"), json!(s.loyalty));
    ext.insert(x.ext("stress-handling"), json!(s.stress));
    ext.insert(x.ext("prioritisation"), json!(s.priorities));
    ext.insert(
        x.ext("pass-marks"),
        json!({ "loyalty": run.pass.loyalty, "stress-handling": run.pass.stress, "prioritisation": run.pass.priorities }),
    );
    ext.insert(x.ext("decisions"), json!(run.decision_count()));
    if !run.critical_errors.is_empty() {
        // Why the run failed whatever its scores: each answer no employer
        // would tolerate, with the author's reason.
        let errors: Vec<Value> = run
            .critical_errors
            .iter()
            .map(|e| {
                let w = crate::messages::critical(sc, e);
                json!({
                    "shift-time": format_time(e.time),
                    "said": w.said,
                    "reason": w.reason,
                })
            })
            .collect();
        ext.insert(x.ext("critical-errors"), Value::Array(errors));
    }
    json!({
        "id": uuid_from(&["kam-trainer/xapi/run", &run.id]),
        "actor": actor,
        "verb": { "id": verb, "display": { "en-US": word } },
        "object": scenario_activity(x, run, lang),
        "result": {
            "score": {
                "scaled": f64::from(s.overall) / 100.0,
                "raw": s.overall,
                "min": 0,
                "max": 100,
            },
            "success": run.passed,
            "completion": true,
            "duration": iso_duration(seconds),
            "extensions": ext,
        },
        "context": context(x, run, &registration(run), None),
        "timestamp": run.finished_at.to_string(),
    })
}

fn decision_statements(
    x: &Ids,
    run: &RunRecord,
    actor: &Value,
    lang: &str,
    main_id: &str,
    scenarios: Option<&ScenarioIndex>,
) -> Vec<Value> {
    let file = scenarios.and_then(|s| s.by_hash(&run.scenario.hash));
    let model = file.and_then(|f| f.scenario.as_ref());
    let resolved = file.and_then(|f| f.resolved.as_deref());
    // The node of each answer: in the log since format 2; for older records
    // it comes from replaying the run on its scenario.
    let replayed = match (run.format, file.and_then(|f| f.resolved.clone())) {
        (1, Some(sc)) => {
            let end = sc.end;
            replay(sc, run.seed, &run.outcome.decisions, end).nodes
        }
        _ => Vec::new(),
    };
    let registration = registration(run);
    let scenario = scenario_activity(x, run, lang);
    let mut out = Vec::new();
    for (i, d) in run.outcome.decisions.iter().enumerate() {
        let mut ext = Map::new();
        ext.insert(x.ext("shift-time"), json!(format_time(d.time)));
        let words = crate::messages::decision(resolved, d);
        ext.insert(x.ext("feedback"), json!(words.feedback));
        if let Some(tone) = d.tone {
            ext.insert(x.ext("tone"), json!(tone));
        }
        if let Some(reason) = resolved.and_then(|sc| crate::messages::critical_reason(sc, d)) {
            ext.insert(x.ext("critical-error"), json!(reason));
        } else if d.critical {
            ext.insert(x.ext("critical-error"), json!(true));
        }
        let (verb, verb_word, object, mut result) = match &d.kind {
            DecisionKind::Action(Action::Answer { dialogue, choice }) => {
                let node = d
                    .node
                    .clone()
                    .or_else(|| replayed.get(i).cloned().flatten());
                let spec = model.and_then(|m| {
                    let dl = m.dialogues.iter().find(|dl| *dl.id == **dialogue)?;
                    dl.nodes
                        .iter()
                        .find(|n| Some(n.id.as_str()) == node.as_deref())
                });
                if let Some(c) = spec.and_then(|n| n.choices.get(n.choice_index(choice)?)) {
                    ext.insert(x.ext("effects"), json!(c.effects));
                }
                let object = node_activity(x, run, lang, dialogue, node.as_deref(), spec);
                let result = json!({
                    "response": choice.key(),
                    "success": !d.critical && d.tone.is_some_and(|t| t.is_constructive()),
                });
                (VERB_RESPONDED, "responded", object, result)
            }
            DecisionKind::Timeout { dialogue, node } => {
                let spec = model.and_then(|m| {
                    let dl = m.dialogues.iter().find(|dl| dl.id == *dialogue)?;
                    dl.nodes.iter().find(|n| n.id == *node)
                });
                ext.insert(x.ext("timed-out"), json!(true));
                let object = node_activity(x, run, lang, dialogue, Some(node), spec);
                let result = json!({ "response": "", "success": false });
                (VERB_RESPONDED, "responded", object, result)
            }
            DecisionKind::Action(action) => {
                ext.insert(x.ext("action"), json!(action));
                let (path, name) = match action {
                    Action::Assign { task, .. }
                    | Action::DoMyself { task }
                    | Action::MoveDeadline { task, .. }
                    | Action::Drop { task } => (format!("tasks/{}", pct(task)), task.to_string()),
                    // A conversation the trainee started: the dialogue.
                    Action::Open { dialogue } => {
                        (format!("dialogues/{}", pct(dialogue)), words.text.clone())
                    }
                    _ => ("break".to_owned(), "Break".to_owned()),
                };
                let object = json!({
                    "objectType": "Activity",
                    "id": format!("{}/{path}", x.scenario(&run.scenario.id)),
                    "definition": {
                        "name": lang_map(lang, &name),
                        "type": "http://adlnet.gov/expapi/activities/interaction",
                    },
                });
                let result = json!({ "response": words.text });
                (VERB_INTERACTED, "interacted", object, result)
            }
        };
        result["extensions"] = Value::Object(ext);
        let mut ctx = context(x, run, &registration, Some(scenario.clone()));
        ctx["statement"] = json!({ "objectType": "StatementRef", "id": main_id });
        out.push(json!({
            "id": uuid_from(&["kam-trainer/xapi/decision", &run.id, &i.to_string()]),
            "actor": actor,
            "verb": { "id": verb, "display": { "en-US": verb_word } },
            "object": object,
            "result": result,
            "context": ctx,
            "timestamp": run.finished_at.to_string(),
        }));
    }
    out
}

/// A dialogue node as a choice interaction; without the scenario file only
/// the dialogue is known.
fn node_activity(
    x: &Ids,
    run: &RunRecord,
    lang: &str,
    dialogue: &str,
    node: Option<&str>,
    spec: Option<&crate::scenario::Node>,
) -> Value {
    let mut id = format!(
        "{}/dialogues/{}",
        x.scenario(&run.scenario.id),
        pct(dialogue)
    );
    if let Some(node) = node {
        id += &format!("/nodes/{}", pct(node));
    }
    let mut definition = json!({
        "type": TYPE_INTERACTION,
        "interactionType": "choice",
    });
    match spec {
        Some(n) => {
            definition["name"] = lang_map(lang, &n.speaker);
            definition["description"] = lang_map(lang, &n.says);
            definition["choices"] = n
                .choices
                .iter()
                .enumerate()
                .map(|(i, c)| json!({ "id": answer_key(i, c), "description": lang_map(lang, &c.say) }))
                .collect();
            let constructive: Vec<Value> = n
                .choices
                .iter()
                .enumerate()
                .filter(|(_, c)| c.tone.is_constructive() && c.critical.is_none())
                .map(|(i, c)| json!(answer_key(i, c)))
                .collect();
            if !constructive.is_empty() {
                definition["correctResponsesPattern"] = Value::Array(constructive);
            }
        }
        None => {
            definition["name"] = lang_map(lang, dialogue);
        }
    }
    json!({ "objectType": "Activity", "id": id, "definition": definition })
}

/// How an answer is named in statements: its id, or its number.
fn answer_key(index: usize, choice: &crate::scenario::Choice) -> String {
    choice.id.clone().unwrap_or_else(|| (index + 1).to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_are_iso_8601_with_only_the_parts_needed() {
        assert_eq!(iso_duration(0), "PT0S");
        assert_eq!(iso_duration(-5), "PT0S");
        assert_eq!(iso_duration(59), "PT59S");
        assert_eq!(iso_duration(3600), "PT1H");
        assert_eq!(iso_duration(3723), "PT1H2M3S");
        assert_eq!(iso_duration(600), "PT10M");
    }

    #[test]
    fn ids_are_percent_encoded_and_stages_slugged() {
        assert_eq!(pct("late shipment/ü"), "late%20shipment%2F%C3%BC");
        assert_eq!(pct("a-b_c.d~e"), "a-b_c.d~e");
        assert_eq!(stage_slug(Stage::KeyAccountManager), "key-account-manager");
    }
}
