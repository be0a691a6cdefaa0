//! The instructor side: collecting run records, the CSV / JSON / xAPI
//! exports, `verify` against tampering, and the cohort report.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use jiff::Timestamp;
use kam_trainer::career::{PROFILE_FORMAT, ProfileSummary};
use kam_trainer::engine::policy::Policy;
use kam_trainer::engine::{Action, DecisionKind};
use kam_trainer::report::export::{ExportOptions, Format, XapiOptions, parse_json_export};
use kam_trainer::report::html::{cohort_report, escape, scenario_summaries};
use kam_trainer::report::{
    FindingKind, Profiles, RunRecord, ScenarioIndex, collect_from, collect_store, export_runs,
    verify_run,
};
use kam_trainer::scenario::Stage;
use serde_json::Value;

use crate::common::root;

/// The scenarios the test cohort plays: two shifts kept as fixtures (so the
/// course can change without changing these tests) and the reference.
const SCENARIOS: [&str; 3] = [
    "tests/fixtures/cohort/merchandiser-store-round.ron",
    "docs/reference/reference-late-shipment.ron",
    "tests/fixtures/cohort/supervisor-short-team.ron",
];

/// The folders of [`SCENARIOS`].
fn scenario_dirs() -> Vec<PathBuf> {
    vec![
        root().join("tests/fixtures/cohort"),
        root().join("docs/reference"),
    ]
}

/// A finished run of a shipped scenario, played by a policy.
fn play(trainee: &str, file: &str, seed: u64, policy: Policy, start: i64) -> RunRecord {
    let started = Timestamp::from_second(start).unwrap();
    let finished = Timestamp::from_second(start + 600 + seed as i64 % 300).unwrap();
    crate::common::policy_run(trainee, &root().join(file), seed, policy, started, finished)
}

/// 24 trainees (Latin and Cyrillic names, one with markup characters), each
/// with one to three runs of the shipped scenarios by different policies.
pub(crate) fn cohort() -> (Vec<RunRecord>, Profiles) {
    let names = [
        "Анна Смирнова",
        "Иван Петров",
        "Ольга Кузнецова",
        "Дмитрий Соколов",
        "Екатерина Попова",
        "Сергей Лебедев",
        "Мария Козлова",
        "Алексей Новиков",
        "Наталья Морозова",
        "Павел Волков",
        "Юлия Алексеева",
        "Артём Зайцев",
        "Alice Brown",
        "Bob <b>Smith</b> & Co",
        "Chen Wei",
        "Daniela Rossi",
        "Emeka Obi",
        "Fatima Khan",
        "George Miller",
        "Hanna Nowak",
        "Ingrid Berg",
        "José García",
        "Kemal Aydın",
        "Lena Fischer",
    ];
    let policies = [Policy::Greedy, Policy::Random, Policy::First];
    let mut runs = Vec::new();
    let mut profiles = Profiles::new();
    for (i, name) in names.iter().enumerate() {
        let n = 1 + i % 3;
        for k in 0..n {
            let file = SCENARIOS[(i + k) % 3];
            let policy = policies[(i + 2 * k) % 3];
            let seed = (i * 7 + k) as u64;
            let start = 1_772_000_000 + (i * 10_000 + k * 1_000) as i64;
            runs.push(play(name, file, seed, policy, start));
        }
        profiles.insert(
            (*name).to_owned(),
            ProfileSummary {
                format: PROFILE_FORMAT,
                name: (*name).to_owned(),
                email: (i % 4 == 0).then(|| format!("trainee{i}@example.com")),
                created_at: Timestamp::from_second(1_771_000_000).unwrap(),
                stage: Stage::ALL[i % 3],
                promotions: Vec::new(),
                runs: Vec::new(),
                best: Default::default(),
                unreadable: Vec::new(),
            },
        );
    }
    (runs, profiles)
}

pub(crate) fn shipped_index() -> ScenarioIndex {
    ScenarioIndex::load(&scenario_dirs()).unwrap()
}

// ----- CSV ----------------------------------------------------------------

fn read_csv(bytes: &[u8]) -> Vec<Vec<String>> {
    assert!(
        bytes.starts_with(b"\xEF\xBB\xBF"),
        "the CSV starts with a BOM"
    );
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(&bytes[3..]);
    reader
        .records()
        .map(|r| r.unwrap().iter().map(str::to_owned).collect())
        .collect()
}

#[test]
fn csv_has_a_bom_a_header_and_one_row_per_run_with_cyrillic_intact() {
    let (runs, profiles) = cohort();
    let bytes = export_runs(Format::Csv, &runs, &profiles, &ExportOptions::default()).unwrap();
    let rows = read_csv(&bytes);
    assert_eq!(rows.len(), runs.len() + 1);
    let header = &rows[0];
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    for (row, run) in rows[1..].iter().zip(&runs) {
        assert_eq!(row[col("trainee")], run.trainee);
        assert_eq!(row[col("scenario_id")], run.scenario.id);
        assert_eq!(row[col("scenario_title")], run.scenario.title);
        assert_eq!(row[col("stage")], run.scenario.stage.title());
        assert_eq!(row[col("seed")], run.seed.to_string());
        assert_eq!(row[col("started_at")], run.started_at.to_string());
        assert_eq!(row[col("finished_at")], run.finished_at.to_string());
        assert_eq!(row[col("loyalty")], run.scores.loyalty.to_string());
        assert_eq!(row[col("stress_handling")], run.scores.stress.to_string());
        assert_eq!(
            row[col("prioritisation")],
            run.scores.priorities.to_string()
        );
        assert_eq!(row[col("overall")], run.scores.overall.to_string());
        assert_eq!(row[col("passed")], if run.passed { "yes" } else { "no" });
        assert_eq!(row[col("decisions")], run.decision_count().to_string());
        assert_eq!(row[col("run_id")], run.id);
    }
    let text = String::from_utf8(bytes).unwrap();
    assert!(text.contains("Анна Смирнова"));
    assert!(text.contains("\r\n"), "rows end with CRLF");
}

#[test]
fn csv_neutralises_cells_a_spreadsheet_would_run_as_formulas() {
    let dangerous = [
        "=HYPERLINK(\"http://x\",\"y\")",
        "+7 900 000",
        "-2+3",
        "@SUM(A1)",
        "\tTabbed",
        "\rReturn",
    ];
    let runs: Vec<RunRecord> = dangerous
        .iter()
        .enumerate()
        .map(|(i, name)| play(name, SCENARIOS[0], i as u64, Policy::First, 1_772_000_000))
        .collect();
    let options = ExportOptions {
        csv_delimiter: b';',
        ..ExportOptions::default()
    };
    let bytes = export_runs(Format::Csv, &runs, &Profiles::new(), &options).unwrap();
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(b';')
        .from_reader(&bytes[3..]);
    let cells: Vec<String> = reader.records().map(|r| r.unwrap()[0].to_owned()).collect();
    for (cell, name) in cells.iter().zip(dangerous) {
        assert_eq!(*cell, format!("'{name}"));
    }
    // Ordinary names are left alone.
    let plain = export_runs(
        Format::Csv,
        &[play("Анна", SCENARIOS[0], 1, Policy::First, 1_772_000_000)],
        &Profiles::new(),
        &ExportOptions::default(),
    )
    .unwrap();
    assert_eq!(read_csv(&plain)[1][0], "Анна");
}

// ----- JSON ---------------------------------------------------------------

#[test]
fn json_round_trips_every_run_with_decisions_and_timeline() {
    let (runs, profiles) = cohort();
    let bytes = export_runs(Format::Json, &runs, &profiles, &ExportOptions::default()).unwrap();
    let doc = parse_json_export(&bytes).unwrap();
    assert_eq!(doc.format, "kam-trainer-results");
    assert_eq!(doc.version, 1);
    assert_eq!(doc.runs, runs);
    assert_eq!(doc.trainees.len(), 24);
    let raw: Value = serde_json::from_slice(&bytes).unwrap();
    let first = &raw["runs"][0];
    assert!(!first["outcome"]["decisions"].as_array().unwrap().is_empty());
    assert!(!first["outcome"]["timeline"].as_array().unwrap().is_empty());
    // A document of another version is refused with both versions named.
    let newer = String::from_utf8(bytes)
        .unwrap()
        .replacen("\"version\": 1", "\"version\": 2", 1);
    let err = parse_json_export(newer.as_bytes()).unwrap_err();
    assert!(err.contains("reads version 1"), "{err}");
}

// ----- xAPI ---------------------------------------------------------------

fn is_uuid(s: &str) -> bool {
    let b = s.as_bytes();
    s.len() == 36
        && [8, 13, 18, 23].iter().all(|&i| b[i] == b'-')
        && s.chars()
            .enumerate()
            .all(|(i, c)| [8, 13, 18, 23].contains(&i) || c.is_ascii_hexdigit())
        && matches!(b[14], b'1'..=b'8')
        && matches!(b[19], b'8' | b'9' | b'a' | b'b' | b'A' | b'B')
}

/// An absolute IRI: a scheme, a colon, and no spaces.
fn is_iri(s: &str) -> bool {
    let Some((scheme, rest)) = s.split_once(':') else {
        return false;
    };
    !scheme.is_empty()
        && scheme.chars().next().unwrap().is_ascii_alphabetic()
        && scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
        && !rest.is_empty()
        && !s
            .chars()
            .any(|c| c.is_whitespace() || "<>\"{}|\\^`".contains(c))
}

fn is_irl(s: &str) -> bool {
    is_iri(s) && (s.starts_with("http://") || s.starts_with("https://"))
}

fn is_language_map(v: &Value) -> Result<(), String> {
    let m = v.as_object().ok_or("a language map is an object")?;
    if m.is_empty() {
        return Err("an empty language map".into());
    }
    for (tag, text) in m {
        let ok = tag.split('-').enumerate().all(|(i, part)| {
            !part.is_empty()
                && part.len() <= 8
                && part.chars().all(|c| c.is_ascii_alphanumeric())
                && (i > 0 || part.chars().all(|c| c.is_ascii_alphabetic()))
        });
        if !ok {
            return Err(format!("`{tag}` is not a language tag"));
        }
        if !text.is_string() {
            return Err(format!("language map value for {tag} is not a string"));
        }
    }
    Ok(())
}

/// ISO 8601 duration as xAPI uses it: P[nD]T[nH][nM][n[.n]S], at least one part.
fn is_duration(s: &str) -> bool {
    let Some(rest) = s.strip_prefix('P') else {
        return false;
    };
    let (date, time) = rest.split_once('T').unwrap_or((rest, ""));
    let parts_ok = |text: &str, units: &str| {
        let mut units = units.chars();
        let mut num = String::new();
        for c in text.chars() {
            if c.is_ascii_digit() || c == '.' {
                num.push(c);
            } else {
                if num.is_empty() || !units.by_ref().any(|u| u == c) {
                    return false;
                }
                num.clear();
            }
        }
        num.is_empty()
    };
    (date.len() + time.len() > 0)
        && parts_ok(date, "YMWD")
        && parts_ok(time, "HMS")
        && !(rest.contains('T') && time.is_empty())
}

fn keys_within(v: &Value, allowed: &[&str], what: &str) -> Result<(), String> {
    for k in v.as_object().ok_or(format!("{what} is an object"))?.keys() {
        if !allowed.contains(&k.as_str()) {
            return Err(format!("{what} has an unknown property `{k}`"));
        }
    }
    Ok(())
}

fn check_activity(a: &Value) -> Result<(), String> {
    keys_within(a, &["objectType", "id", "definition"], "activity")?;
    if a.get("objectType").is_some_and(|t| t != "Activity") {
        return Err("activity objectType".into());
    }
    let id = a["id"].as_str().ok_or("activity id")?;
    if !is_iri(id) {
        return Err(format!("activity id `{id}` is not an IRI"));
    }
    if let Some(def) = a.get("definition") {
        keys_within(
            def,
            &[
                "name",
                "description",
                "type",
                "moreInfo",
                "interactionType",
                "correctResponsesPattern",
                "choices",
                "extensions",
            ],
            "definition",
        )?;
        for key in ["name", "description"] {
            if let Some(m) = def.get(key) {
                is_language_map(m)?;
            }
        }
        if let Some(t) = def.get("type")
            && !is_iri(t.as_str().ok_or("type is a string")?)
        {
            return Err("definition type is not an IRI".into());
        }
        if let Some(it) = def.get("interactionType") {
            let kinds = [
                "true-false",
                "choice",
                "fill-in",
                "long-fill-in",
                "matching",
                "performance",
                "sequencing",
                "likert",
                "numeric",
                "other",
            ];
            if !kinds.contains(&it.as_str().unwrap_or_default()) {
                return Err(format!("interactionType {it}"));
            }
        }
        if let Some(choices) = def.get("choices") {
            let mut ids = BTreeSet::new();
            for c in choices.as_array().ok_or("choices is an array")? {
                let id = c["id"].as_str().ok_or("choice id is a string")?;
                if !ids.insert(id.to_owned()) {
                    return Err(format!("choice id {id} twice"));
                }
                is_language_map(&c["description"])?;
            }
        }
        if let Some(p) = def.get("correctResponsesPattern")
            && !p.as_array().is_some_and(|a| a.iter().all(Value::is_string))
        {
            return Err("correctResponsesPattern is an array of strings".into());
        }
    }
    Ok(())
}

fn check_extensions(v: &Value) -> Result<(), String> {
    for k in v.as_object().ok_or("extensions is an object")?.keys() {
        if !is_iri(k) {
            return Err(format!("extension key `{k}` is not an IRI"));
        }
    }
    Ok(())
}

/// The rules of xAPI 1.0.3 (Data, section 2.4) that these statements touch.
fn validate_statement(s: &Value) -> Result<(), String> {
    keys_within(
        s,
        &[
            "id",
            "actor",
            "verb",
            "object",
            "result",
            "context",
            "timestamp",
            "stored",
            "authority",
            "version",
            "attachments",
        ],
        "statement",
    )?;
    if !is_uuid(s["id"].as_str().ok_or("id is a string")?) {
        return Err(format!("id {} is not a UUID", s["id"]));
    }
    // Actor: an Agent with exactly one inverse functional identifier.
    let actor = &s["actor"];
    keys_within(
        actor,
        &[
            "objectType",
            "name",
            "mbox",
            "mbox_sha1sum",
            "openid",
            "account",
        ],
        "actor",
    )?;
    if actor.get("objectType").is_some_and(|t| t != "Agent") {
        return Err("actor objectType".into());
    }
    let ifis = ["mbox", "mbox_sha1sum", "openid", "account"]
        .iter()
        .filter(|k| actor.get(**k).is_some())
        .count();
    if ifis != 1 {
        return Err(format!("actor has {ifis} identifiers"));
    }
    if let Some(mbox) = actor.get("mbox") {
        let m = mbox.as_str().ok_or("mbox is a string")?;
        if !m.starts_with("mailto:") || !m.contains('@') {
            return Err(format!("mbox {m}"));
        }
    }
    if let Some(account) = actor.get("account") {
        keys_within(account, &["homePage", "name"], "account")?;
        if !is_irl(account["homePage"].as_str().ok_or("homePage")?) {
            return Err("account homePage is not an IRL".into());
        }
        if !account["name"].is_string() {
            return Err("account name".into());
        }
    }
    // Verb.
    let verb = &s["verb"];
    keys_within(verb, &["id", "display"], "verb")?;
    if !is_iri(verb["id"].as_str().ok_or("verb id")?) {
        return Err("verb id is not an IRI".into());
    }
    is_language_map(&verb["display"])?;
    check_activity(&s["object"])?;
    // Result.
    if let Some(result) = s.get("result") {
        keys_within(
            result,
            &[
                "score",
                "success",
                "completion",
                "response",
                "duration",
                "extensions",
            ],
            "result",
        )?;
        if let Some(score) = result.get("score") {
            keys_within(score, &["scaled", "raw", "min", "max"], "score")?;
            let scaled = score["scaled"].as_f64().ok_or("scaled is a number")?;
            if !(-1.0..=1.0).contains(&scaled) {
                return Err(format!("scaled {scaled} outside -1..1"));
            }
            let (raw, min, max) = (
                score["raw"].as_f64().ok_or("raw")?,
                score["min"].as_f64().ok_or("min")?,
                score["max"].as_f64().ok_or("max")?,
            );
            if !(min <= raw && raw <= max && min < max) {
                return Err(format!("raw {raw} not within {min}..{max}"));
            }
        }
        for key in ["success", "completion"] {
            if result.get(key).is_some_and(|v| !v.is_boolean()) {
                return Err(format!("{key} is a boolean"));
            }
        }
        if result.get("response").is_some_and(|v| !v.is_string()) {
            return Err("response is a string".into());
        }
        if let Some(d) = result.get("duration")
            && !is_duration(d.as_str().ok_or("duration is a string")?)
        {
            return Err(format!("duration {d}"));
        }
        if let Some(e) = result.get("extensions") {
            check_extensions(e)?;
        }
    }
    // Context.
    if let Some(ctx) = s.get("context") {
        keys_within(
            ctx,
            &[
                "registration",
                "instructor",
                "team",
                "contextActivities",
                "revision",
                "platform",
                "language",
                "statement",
                "extensions",
            ],
            "context",
        )?;
        if let Some(r) = ctx.get("registration")
            && !is_uuid(r.as_str().ok_or("registration")?)
        {
            return Err("registration is not a UUID".into());
        }
        if let Some(ca) = ctx.get("contextActivities") {
            keys_within(
                ca,
                &["parent", "grouping", "category", "other"],
                "contextActivities",
            )?;
            for list in ca.as_object().unwrap().values() {
                for a in list.as_array().ok_or("context activities are arrays")? {
                    check_activity(a)?;
                }
            }
        }
        if let Some(st) = ctx.get("statement")
            && (st["objectType"] != "StatementRef" || !is_uuid(st["id"].as_str().unwrap_or("")))
        {
            return Err("context.statement is a StatementRef".into());
        }
        if let Some(e) = ctx.get("extensions") {
            check_extensions(e)?;
        }
    }
    let ts = s["timestamp"].as_str().ok_or("timestamp")?;
    ts.parse::<Timestamp>()
        .map_err(|e| format!("timestamp {ts}: {e}"))?;
    if !(ts.ends_with('Z') || ts[ts.len() - 6..].starts_with(['+', '-'])) {
        return Err("timestamp without a time zone".into());
    }
    Ok(())
}

fn xapi(
    runs: &[RunRecord],
    profiles: &Profiles,
    decisions: bool,
    index: &ScenarioIndex,
) -> Vec<Value> {
    let options = ExportOptions {
        xapi: XapiOptions {
            home_page: "https://lms.example.com/".into(),
            activity_base: "https://training.example.com/kam".into(),
            decisions,
        },
        scenarios: Some(index),
        ..ExportOptions::default()
    };
    let bytes = export_runs(Format::Xapi, runs, profiles, &options).unwrap();
    serde_json::from_slice::<Value>(&bytes)
        .unwrap()
        .as_array()
        .unwrap()
        .clone()
}

#[test]
fn the_validator_rejects_what_the_spec_forbids() {
    let (runs, profiles) = cohort();
    let good = xapi(&runs[..1], &profiles, false, &shipped_index()).remove(0);
    assert_eq!(validate_statement(&good), Ok(()));
    let broken: [(&str, Value); 6] = [
        ("/id", Value::from("not-a-uuid")),
        ("/result/score/scaled", Value::from(1.5)),
        ("/result/score/raw", Value::from(101)),
        ("/result/duration", Value::from("1 hour")),
        ("/object/id", Value::from("scenario one")),
        ("/verb/display", Value::from("passed")),
    ];
    for (pointer, value) in broken {
        let mut s = good.clone();
        *s.pointer_mut(pointer).unwrap() = value;
        assert!(
            validate_statement(&s).is_err(),
            "{pointer} should be refused"
        );
    }
    let mut two_ids = good.clone();
    two_ids["actor"]["mbox"] = "mailto:a@example.com".into();
    two_ids["actor"]["account"] =
        serde_json::json!({"homePage": "https://lms.example.com/", "name": "a"});
    assert!(validate_statement(&two_ids).is_err());
    assert!(is_duration("PT0S") && is_duration("PT1H2M3S") && !is_duration("PT"));
}

#[test]
fn xapi_statements_are_valid_and_carry_the_run() {
    let (runs, profiles) = cohort();
    let index = shipped_index();
    let statements = xapi(&runs, &profiles, false, &index);
    assert_eq!(statements.len(), runs.len());
    for (s, run) in statements.iter().zip(&runs) {
        validate_statement(s).unwrap_or_else(|e| panic!("{e}: {s:#}"));
        let verb = if run.passed { "passed" } else { "failed" };
        assert_eq!(
            s["verb"]["id"],
            format!("http://adlnet.gov/expapi/verbs/{verb}")
        );
        assert_eq!(s["verb"]["display"]["en-US"], verb);
        assert_eq!(
            s["object"]["id"],
            format!(
                "https://training.example.com/kam/scenarios/{}",
                run.scenario.id
            )
        );
        assert_eq!(s["object"]["definition"]["name"]["en"], run.scenario.title);
        let r = &s["result"];
        assert_eq!(r["score"]["scaled"], f64::from(run.scores.overall) / 100.0);
        assert_eq!(r["score"]["raw"], run.scores.overall);
        assert_eq!(r["success"], run.passed);
        assert_eq!(r["completion"], true);
        let secs = run.finished_at.duration_since(run.started_at).as_secs();
        let duration = match (secs / 60, secs % 60) {
            (m, 0) => format!("PT{m}M"),
            (m, s) => format!("PT{m}M{s}S"),
        };
        assert_eq!(r["duration"], duration);
        let ext = &r["extensions"];
        assert_eq!(
            ext["https://training.example.com/kam/extensions/loyalty"],
            run.scores.loyalty
        );
        assert_eq!(
            ext["https://training.example.com/kam/extensions/stress-handling"],
            run.scores.stress
        );
        assert_eq!(
            ext["https://training.example.com/kam/extensions/prioritisation"],
            run.scores.priorities
        );
        let stage = &s["context"]["contextActivities"]["parent"][0];
        assert!(stage["id"].as_str().unwrap().ends_with(&format!(
            "/stages/{}",
            run.scenario.stage.title().to_lowercase().replace(' ', "-")
        )));
        assert_eq!(s["timestamp"], run.finished_at.to_string());
        match profiles[&run.trainee].email.as_deref() {
            Some(email) => assert_eq!(s["actor"]["mbox"], format!("mailto:{email}")),
            None => {
                assert_eq!(
                    s["actor"]["account"]["homePage"],
                    "https://lms.example.com/"
                );
                assert_eq!(s["actor"]["account"]["name"], run.trainee);
            }
        }
    }
    // Exporting again, or a subset, gives the same statement ids.
    let again = xapi(&runs[3..], &profiles, false, &index);
    assert_eq!(again[..], statements[3..]);
    let ids: BTreeSet<&str> = statements
        .iter()
        .map(|s| s["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids.len(), statements.len(), "ids are unique");
}

#[test]
fn xapi_decision_statements_name_the_node_its_choices_and_the_answer() {
    let (runs, profiles) = cohort();
    let index = shipped_index();
    let statements = xapi(&runs[..6], &profiles, true, &index);
    let mut answers = 0;
    for run in &runs[..6] {
        let main = statements
            .iter()
            .find(|s| s["object"]["id"].as_str().unwrap().ends_with(&run.scenario.id)
                && s["context"]["extensions"]["https://training.example.com/kam/extensions/run-id"] == run.id.as_str())
            .unwrap();
        let registration = &main["context"]["registration"];
        let mine: Vec<&Value> = statements
            .iter()
            .filter(|s| s["context"]["registration"] == *registration)
            .collect();
        assert_eq!(mine.len(), 1 + run.outcome.decisions.len());
        let sc = index
            .by_hash(&run.scenario.hash)
            .and_then(|f| f.resolved.clone())
            .unwrap();
        for (s, d) in mine[1..].iter().zip(&run.outcome.decisions) {
            let words = kam_trainer::messages::decision(Some(&sc), d);
            validate_statement(s).unwrap_or_else(|e| panic!("{e}: {s:#}"));
            assert_eq!(s["context"]["statement"]["id"], main["id"]);
            let ext = &s["result"]["extensions"];
            assert_eq!(
                ext["https://training.example.com/kam/extensions/feedback"],
                words.feedback.as_str()
            );
            if let DecisionKind::Action(Action::Answer { choice, .. }) = &d.kind {
                answers += 1;
                assert_eq!(s["verb"]["id"], "http://adlnet.gov/expapi/verbs/responded");
                assert_eq!(s["result"]["response"], choice.key());
                let def = &s["object"]["definition"];
                assert_eq!(def["interactionType"], "choice");
                assert!(s["object"]["id"].as_str().unwrap().contains("/nodes/"));
                let chosen = def["choices"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .find(|c| c["id"] == choice.to_string().as_str())
                    .unwrap();
                // The decision text quotes the chosen answer.
                assert!(
                    words
                        .text
                        .contains(chosen["description"]["en"].as_str().unwrap())
                );
                assert_eq!(
                    ext["https://training.example.com/kam/extensions/tone"],
                    serde_json::to_value(d.tone.unwrap()).unwrap()
                );
            }
        }
    }
    assert!(answers > 5, "the sample has answers ({answers})");
}

#[test]
fn xapi_refuses_a_home_page_that_is_not_a_url() {
    let (runs, profiles) = cohort();
    let options = ExportOptions {
        xapi: XapiOptions {
            home_page: "lms".into(),
            ..XapiOptions::default()
        },
        ..ExportOptions::default()
    };
    let err = export_runs(Format::Xapi, &runs, &profiles, &options).unwrap_err();
    assert!(err.to_string().contains("not an http(s) URL"), "{err}");
}

// ----- collecting ---------------------------------------------------------

fn write_json(path: &Path, value: &impl serde::Serialize) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, serde_json::to_vec_pretty(value).unwrap()).unwrap();
}

/// A profile store in `data` with the given runs and profiles.
pub(crate) fn write_store(data: &Path, runs: &[RunRecord], profiles: &Profiles) {
    for (i, (name, profile)) in profiles.iter().enumerate() {
        let folder = data.join("profiles").join(format!("trainee-{i}"));
        write_json(&folder.join("profile.json"), profile);
        for run in runs.iter().filter(|r| &r.trainee == name) {
            write_json(&folder.join("runs").join(format!("{}.json", run.id)), run);
        }
    }
}

/// A sample store of the seeded cohort for looking at the outputs by hand:
/// `kam-trainer report --data-dir target/tmp/cohort-store`.
#[test]
fn a_sample_store_of_the_cohort_is_written_and_read_back() {
    let (runs, profiles) = cohort();
    let data = Path::new(env!("CARGO_TARGET_TMPDIR")).join("cohort-store");
    let _ = std::fs::remove_dir_all(&data);
    write_store(&data, &runs, &profiles);
    assert_eq!(collect_store(&data).unwrap().runs.len(), runs.len());
}

#[test]
fn the_store_and_collected_folders_give_each_run_once_and_report_bad_files() {
    let (runs, profiles) = cohort();
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    write_store(&data, &runs, &profiles);
    let store = collect_store(&data).unwrap();
    assert_eq!(store.runs.len(), runs.len());
    assert_eq!(store.profiles, profiles);
    assert!(store.skipped.is_empty(), "{:?}", store.skipped);

    // Two computers' copies overlap; loose files, a broken file, a record
    // of a future format, and an unrelated JSON file sit beside them.
    let from = tmp.path().join("collected");
    write_store(&from.join("pc-1"), &runs[..30], &profiles);
    write_store(&from.join("pc-2"), &runs[20..], &profiles);
    write_json(&from.join("loose/one.json"), &runs[0]);
    std::fs::write(from.join("loose/broken.json"), "{ not json").unwrap();
    let mut future = serde_json::to_value(&runs[1]).unwrap();
    future["format"] = 99.into();
    write_json(&from.join("loose/future.json"), &future);
    write_json(
        &from.join("settings.json"),
        &serde_json::json!({"volume": 3}),
    );
    let found = collect_from(&from).unwrap();
    assert_eq!(found.runs.len(), runs.len());
    let ids: BTreeSet<&str> = found.runs.iter().map(|r| r.id.as_str()).collect();
    assert_eq!(ids, runs.iter().map(|r| r.id.as_str()).collect());
    assert!(found.duplicates >= 11);
    let reasons: Vec<String> = found.skipped.iter().map(|s| s.to_string()).collect();
    assert_eq!(reasons.len(), 3, "{reasons:#?}");
    assert!(
        reasons
            .iter()
            .any(|r| r.contains("broken.json") && r.contains("not valid JSON"))
    );
    assert!(
        reasons
            .iter()
            .any(|r| r.contains("future.json") && r.contains("format 99"))
    );
    assert!(
        reasons
            .iter()
            .any(|r| r.contains("settings.json") && r.contains("not a run record"))
    );

    // A different run under a known id is reported, not silently merged.
    let mut edited = runs[2].clone();
    edited.scores.overall = 100;
    write_json(&from.join("zz/edited.json"), &edited);
    let found = collect_from(&from).unwrap();
    assert!(
        found
            .skipped
            .iter()
            .any(|s| s.path.ends_with("zz/edited.json")
                && s.reason.contains("differs from the copy"))
    );
    assert!(collect_from(&tmp.path().join("nowhere")).is_err());
}

// ----- verify ---------------------------------------------------------------

#[test]
fn verify_accepts_every_genuine_run() {
    let (runs, _) = cohort();
    let index = shipped_index();
    for run in &runs {
        assert_eq!(
            verify_run(run, &index),
            vec![],
            "{} {}",
            run.trainee,
            run.scenario.id
        );
    }
}

fn kinds(run: &RunRecord, index: &ScenarioIndex) -> Vec<FindingKind> {
    verify_run(run, index).iter().map(|f| f.kind).collect()
}

fn messages(run: &RunRecord, index: &ScenarioIndex) -> String {
    verify_run(run, index)
        .iter()
        .map(|f| f.message.clone())
        .collect::<Vec<_>>()
        .join("\n")
}

/// A genuine greedy run with answers and task decisions to tamper with.
fn genuine() -> RunRecord {
    play(
        "Анна Смирнова",
        SCENARIOS[1],
        7,
        Policy::Greedy,
        1_772_000_000,
    )
}

fn action_indices(run: &RunRecord, answers: bool) -> Vec<usize> {
    run.outcome
        .decisions
        .iter()
        .enumerate()
        .filter(|(_, d)| match &d.kind {
            DecisionKind::Action(Action::Answer { .. }) => answers,
            DecisionKind::Action(_) => !answers,
            DecisionKind::Timeout { .. } => false,
        })
        .map(|(i, _)| i)
        .collect()
}

#[test]
fn verify_accepts_the_genuine_run_the_tampering_tests_start_from() {
    assert_eq!(verify_run(&genuine(), &shipped_index()), vec![]);
}

#[test]
fn verify_reports_an_edited_score_and_an_edited_verdict() {
    let index = shipped_index();
    let mut run = genuine();
    run.scores.loyalty = if run.scores.loyalty == 99 { 98 } else { 99 };
    assert_eq!(kinds(&run, &index), vec![FindingKind::Scores]);
    assert!(messages(&run, &index).starts_with("loyalty score: the record says"));

    let mut run = genuine();
    run.passed = !run.passed;
    assert_eq!(kinds(&run, &index), vec![FindingKind::Verdict]);

    let mut run = genuine();
    run.pass.stress += 1;
    assert_eq!(kinds(&run, &index), vec![FindingKind::PassMarks]);
}

#[test]
fn verify_reports_each_change_to_the_decision_log() {
    let index = shipped_index();
    let answers = action_indices(&genuine(), true);
    let tasks = action_indices(&genuine(), false);
    assert!(answers.len() >= 2 && !tasks.is_empty());

    // Removed.
    let mut run = genuine();
    run.outcome.decisions.remove(answers[0]);
    assert!(kinds(&run, &index).contains(&FindingKind::DecisionLog));
    let m = messages(&run, &index);
    assert!(m.contains("an answer was removed from the log"), "{m}");

    // Added: the same answer again.
    let mut run = genuine();
    let copy = run.outcome.decisions[answers[0]].clone();
    run.outcome.decisions.insert(answers[0] + 1, copy);
    let m = messages(&run, &index);
    assert!(
        kinds(&run, &index).contains(&FindingKind::DecisionLog),
        "{m}"
    );
    // Named by its place in the log, whether refused or answering another node.
    let n = answers[0] + 2;
    assert!(
        m.contains(&format!("decision {n} ")) || m.contains(&format!("entry {n}:")),
        "{m}"
    );

    // Edited: another choice.
    let mut run = genuine();
    if let DecisionKind::Action(Action::Answer { choice, .. }) =
        &mut run.outcome.decisions[answers[1]].kind
    {
        *choice = if *choice == 1.into() {
            2.into()
        } else {
            1.into()
        };
    }
    assert!(
        kinds(&run, &index).contains(&FindingKind::DecisionLog),
        "{}",
        messages(&run, &index)
    );

    // Edited: only what the engine found when a task was given away (the
    // projected finish its feedback is worded from).
    let mut run = genuine();
    let assigned = run
        .outcome
        .decisions
        .iter()
        .position(|d| matches!(d.facts, kam_trainer::engine::Facts::Assigned { .. }))
        .expect("a task was given to someone");
    if let kam_trainer::engine::Facts::Assigned { finish, .. } =
        &mut run.outcome.decisions[assigned].facts
    {
        *finish = Some(0);
    }
    assert_eq!(kinds(&run, &index), vec![FindingKind::DecisionLog]);
    assert!(messages(&run, &index).contains("the tone or the facts of"));

    // A changed time: an answer given two minutes later.
    let mut run = genuine();
    run.outcome.decisions[answers[0]].time += 2;
    assert!(kinds(&run, &index).contains(&FindingKind::DecisionLog));
    assert!(messages(&run, &index).contains(&format!(
        "answer 1 in the decision log is `{}",
        kam_trainer::scenario::format_time(run.outcome.decisions[answers[0]].time)
    )));
    assert!(messages(&run, &index).contains("its time or tone was edited"));

    // A task decision moved before the one above it.
    let mut run = genuine();
    let t = *tasks.iter().find(|&&t| t > 0).unwrap();
    run.outcome.decisions[t].time = 0;
    assert!(kinds(&run, &index).contains(&FindingKind::DecisionLog));
}

#[test]
fn verify_reports_a_changed_seed_and_another_scenario_version() {
    let index = shipped_index();
    let mut run = genuine();
    run.seed += 1;
    let k = kinds(&run, &index);
    assert!(
        k.contains(&FindingKind::Seed) && k.contains(&FindingKind::Id),
        "{k:?}"
    );
    assert!(messages(&run, &index).contains(&format!("seed is {}", run.seed)));

    // The scenario edited since: same id, other bytes.
    let path = root().join(SCENARIOS[1]);
    let mut edited = std::fs::read(&path).unwrap();
    edited.extend_from_slice(b"\n// retuned\n");
    let mut other = ScenarioIndex::default();
    other.add(
        Path::new("docs/reference/reference-late-shipment.ron"),
        &edited,
    );
    let run = genuine();
    assert_eq!(kinds(&run, &other), vec![FindingKind::Scenario]);
    let m = messages(&run, &other);
    assert!(
        m.contains(
            "docs/reference/reference-late-shipment.ron has id `reference-late-shipment` but hash"
        ),
        "{m}"
    );

    // No file of that scenario at all.
    let m = messages(&run, &ScenarioIndex::default());
    assert!(m.contains("none has its id"), "{m}");
}

// ----- the command line ---------------------------------------------------

fn kam(dir: &Path) -> Command {
    let mut cmd = crate::common::kam();
    cmd.current_dir(dir);
    cmd
}

#[test]
fn export_reads_the_store_filters_and_writes_each_format() {
    let (runs, profiles) = cohort();
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    write_store(&data, &runs, &profiles);
    let out = kam(&root())
        .args(["export", "--format", "csv", "--data-dir"])
        .arg(&data)
        .args(["--profile", "Анна Смирнова", "Alice Brown"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let rows = read_csv(&out.stdout);
    let expected = runs
        .iter()
        .filter(|r| r.trainee == "Анна Смирнова" || r.trainee == "Alice Brown")
        .count();
    assert_eq!(rows.len(), expected + 1);

    // --since keeps later runs; KAM_TRAINER_DATA names the store.
    let cut = runs[30].finished_at;
    let file = tmp.path().join("out.json");
    let out = kam(&root())
        .env("KAM_TRAINER_DATA", &data)
        .args([
            "export",
            "--format",
            "json",
            "--since",
            &cut.to_string(),
            "--out",
        ])
        .arg(&file)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let doc = parse_json_export(&std::fs::read(&file).unwrap()).unwrap();
    assert_eq!(
        doc.runs.len(),
        runs.iter().filter(|r| r.finished_at >= cut).count()
    );

    // xAPI from a collected folder, with the base from the environment.
    let out = kam(&root())
        .env("KAM_TRAINER_XAPI_BASE", "https://lrs.example.org/act/")
        .args(["export", "--format", "xapi", "--decisions", "--from"])
        .arg(&data)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let statements: Vec<Value> = serde_json::from_slice(&out.stdout).unwrap();
    assert!(statements.len() > runs.len());
    for s in &statements {
        validate_statement(s).unwrap();
        assert!(
            s["object"]["id"]
                .as_str()
                .unwrap()
                .starts_with("https://lrs.example.org/act/scenarios/")
        );
    }

    // An unknown trainee and a bad date are usage errors.
    kam(&root())
        .args([
            "export",
            "--format",
            "csv",
            "--profile",
            "Nobody",
            "--data-dir",
        ])
        .arg(&data)
        .assert()
        .code(2)
        .stderr(predicates::str::contains("no trainee named Nobody"));
    kam(&root())
        .args([
            "export",
            "--format",
            "csv",
            "--since",
            "yesterday",
            "--data-dir",
        ])
        .arg(&data)
        .assert()
        .code(2)
        .stderr(predicates::str::contains("expected a date like 2026-03-01"));
}

#[test]
fn verify_command_prints_ok_for_genuine_runs_and_fails_tampered_ones() {
    let tmp = tempfile::tempdir().unwrap();
    let runs: Vec<RunRecord> = (0..3)
        .map(|i| {
            play(
                "Иван",
                SCENARIOS[i],
                i as u64,
                Policy::Greedy,
                1_772_000_000,
            )
        })
        .collect();
    for run in &runs {
        write_json(&tmp.path().join(format!("genuine/{}.json", run.id)), run);
    }
    let genuine_dir: PathBuf = tmp.path().join("genuine");
    // The scenario files the runs were played on, in one folder.
    let scenarios = tmp.path().join("scenarios");
    std::fs::create_dir_all(&scenarios).unwrap();
    for file in SCENARIOS {
        let from = root().join(file);
        std::fs::copy(&from, scenarios.join(from.file_name().unwrap())).unwrap();
    }
    kam(&root())
        .arg("verify")
        .arg("--scenarios")
        .arg(&scenarios)
        .arg(&genuine_dir)
        .assert()
        .success()
        .stdout(predicates::str::contains("OK "))
        .stdout(predicates::str::contains("3 genuine, 0 failed"));

    let mut tampered = runs[0].clone();
    tampered.scores.overall = 100;
    let file = tmp.path().join("tampered.json");
    write_json(&file, &tampered);
    kam(&root())
        .arg("verify")
        .arg("--scenarios")
        .arg(&scenarios)
        .arg(&genuine_dir)
        .arg(&file)
        .assert()
        .code(1)
        .stdout(predicates::str::contains("FAILED"))
        .stdout(predicates::str::contains(
            "overall score: the record says 100",
        ))
        .stdout(predicates::str::contains("3 genuine, 1 failed"));

    // Against another scenarios folder, every run names the missing version.
    kam(&root())
        .args(["verify", "--scenarios", "tests/fixtures/bad"])
        .arg(&genuine_dir)
        .assert()
        .code(1)
        .stdout(predicates::str::contains("no scenario file has hash"));
}

// ----- the cohort report --------------------------------------------------

#[test]
fn the_cohort_report_shows_every_trainee_escaped_and_fetches_nothing() {
    let (runs, profiles) = cohort();
    assert!(profiles.len() >= 20);
    let html = cohort_report(&runs, &profiles, &shipped_index());
    for name in profiles.keys() {
        assert!(html.contains(&escape(name)), "{name} is in the report");
    }
    assert!(html.contains("Bob &lt;b&gt;Smith&lt;/b&gt; &amp; Co"));
    assert!(
        !html.contains("<b>Smith"),
        "markup in a name is never markup"
    );
    assert!(html.contains("Анна Смирнова"));
    for outside in ["<script", "<link", "src=", "href=", "url(", "@import"] {
        assert!(!html.contains(outside), "the page loads nothing: {outside}");
    }
    assert_eq!(html.matches("<svg").count(), html.matches("</svg>").count());
    assert!(html.matches("<svg").count() >= 2 + 3);

    // Each scenario's pass rate, counted here from the records.
    for file in SCENARIOS {
        let id = Path::new(file).file_stem().unwrap().to_str().unwrap();
        let of: Vec<&RunRecord> = runs.iter().filter(|r| r.scenario.id == id).collect();
        let passed = of.iter().filter(|r| r.passed).count();
        let line = format!(
            "{} runs, {} passed ({}%)",
            of.len(),
            passed,
            (passed as f64 * 100.0 / of.len() as f64).round()
        );
        assert!(html.contains(&line), "{line}");
    }
}

#[test]
fn the_most_frequent_wrong_decisions_are_destructive_answers_and_timeouts() {
    let (runs, _) = cohort();
    let index = shipped_index();
    let summaries = scenario_summaries(&runs, &index);
    assert_eq!(summaries.len(), 3);
    let mut any = false;
    for s in &summaries {
        let of: Vec<&RunRecord> = runs.iter().filter(|r| r.scenario.id == s.id).collect();
        assert_eq!(s.runs, of.len());
        for w in &s.wrong {
            any = true;
            assert!(w.tone.is_none_or(|t| !t.is_constructive()));
            let with = of
                .iter()
                .filter(|r| {
                    r.outcome.decisions.iter().any(|d| {
                        let sc = index
                            .by_hash(&r.scenario.hash)
                            .and_then(|f| f.resolved.as_deref());
                        kam_trainer::messages::decision(sc, d).text == w.text && d.tone == w.tone
                    })
                })
                .count();
            assert_eq!(w.runs, with, "{}", w.text);
        }
        assert!(s.wrong.windows(2).all(|p| p[0].runs >= p[1].runs));
    }
    assert!(any, "random and first-choice play goes wrong somewhere");
}

#[test]
fn report_command_writes_the_page_from_a_collected_folder() {
    let (runs, profiles) = cohort();
    let tmp = tempfile::tempdir().unwrap();
    write_store(&tmp.path().join("pc"), &runs, &profiles);
    let out = tmp.path().join("cohort.html");
    kam(&root())
        .arg("report")
        .arg("--from")
        .arg(tmp.path())
        .arg("--out")
        .arg(&out)
        .assert()
        .success();
    let html = std::fs::read_to_string(&out).unwrap();
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(html.contains("Ольга Кузнецова"));
}

#[test]
fn records_of_format_1_still_load_verify_and_show_their_words() {
    // Recorded by the version before records held facts (format 1, with
    // the sentences in the log), on a scenario file that has not changed.
    let found = collect_from(&root().join("tests/fixtures/records/format-1")).unwrap();
    assert_eq!(found.runs.len(), 2, "{:?}", found.skipped);
    let index = shipped_index();
    for run in &found.runs {
        assert_eq!(run.format, 1);
        assert_eq!(verify_run(run, &index), vec![], "{}", run.id);
        // Their words are shown as they were recorded.
        let d = &run.outcome.decisions[0];
        let words = kam_trainer::messages::decision(None, d);
        assert_eq!(Some(&words.text), d.text.as_ref());
        assert!(!words.text.is_empty());
    }
    // A tampered old record is still caught.
    let mut tampered = found.runs[0].clone();
    tampered.outcome.decisions[0].time += 1;
    assert!(!verify_run(&tampered, &index).is_empty());
}

#[test]
fn a_record_holds_facts_so_rewording_a_message_cannot_break_verify() {
    let (runs, _) = cohort();
    let index = shipped_index();
    for run in runs.iter().take(6) {
        assert_eq!(run.format, kam_trainer::report::RUN_FORMAT);
        let json = serde_json::to_value(run).unwrap();
        for d in json["outcome"]["decisions"].as_array().unwrap() {
            assert!(
                d.get("text").is_none() && d.get("feedback").is_none(),
                "{d}"
            );
        }
        // The words the catalogue makes are nowhere in the record.
        let file = serde_json::to_string(run).unwrap();
        for phrase in [
            "can finish it by",
            "Answered ",
            "heads-down",
            "decided without you",
        ] {
            assert!(!file.contains(phrase), "{phrase} in {}", run.id);
        }
        assert_eq!(verify_run(run, &index), vec![]);
    }
}
