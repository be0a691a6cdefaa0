//! `kam-trainer graph`: a map of a scenario for its author, as one
//! self-contained HTML page (inline CSS and SVG, nothing fetched). Each
//! dialogue is drawn as its nodes in columns by distance from the start,
//! every answer a row coloured by its tone with an arrow to the node it
//! leads to (or a mark where it ends the conversation), critical errors
//! marked, effects, conditions and reply timers written out, and what
//! starts the dialogue. Below, the shift's clock: the timed events with
//! their jitter, the conditional ones, and the tasks with their deadlines.
//! Built from the authored file alone; it plays nothing.

use std::collections::VecDeque;
use std::fmt::Write as _;

use super::html::escape;
use crate::scenario::{
    Choice, Condition, Dialogue, Effect, Node, Scenario, Tone, format_time, parse_time,
};

/// The whole page for one scenario.
pub fn graph_page(sc: &Scenario) -> String {
    let mut h = String::new();
    h.push_str("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
    let _ = writeln!(
        h,
        "<title>{}: map of the shift</title>\n<style>{STYLE}</style>\n</head>\n<body>\n<main>",
        escape(&sc.id)
    );
    let _ = writeln!(
        h,
        "<h1>{} <span class=\"label\">{} · {} · {}–{}</span></h1>",
        escape(&sc.title),
        escape(&sc.id),
        escape(sc.stage.title()),
        escape(&sc.shift.start),
        escape(&sc.shift.end)
    );
    if !sc.summary.is_empty() {
        let _ = writeln!(h, "<p class=\"sub\">{}</p>", escape(&sc.summary));
    }
    legend(&mut h);
    let _ = writeln!(h, "<h2>The shift's clock</h2>");
    h.push_str(&clock(sc));
    events_table(&mut h, sc);
    tasks_table(&mut h, sc);
    let _ = writeln!(h, "<h2>Dialogues ({})</h2>", sc.dialogues.len());
    for d in &sc.dialogues {
        dialogue_section(&mut h, sc, d);
    }
    h.push_str("</main>\n</body>\n</html>\n");
    h
}

/// The colour of a tone: greens and blues build, reds and ambers damage.
fn tone_colour(t: Tone) -> &'static str {
    match t {
        Tone::Calm => "#2e8b57",
        Tone::Assertive => "#1f6fb2",
        Tone::Empathetic => "#3aa8a0",
        Tone::Defensive => "#c0612b",
        Tone::Aggressive => "#b3261e",
        Tone::Avoidant => "#8a6d1f",
        Tone::Placating => "#a2398f",
    }
}

fn legend(h: &mut String) {
    h.push_str("<p class=\"legend\">");
    for t in Tone::ALL {
        let _ = write!(
            h,
            "<span class=\"chip\" style=\"background:{}\">{t:?}</span> ",
            tone_colour(t)
        );
    }
    h.push_str("<span class=\"chip critical\">CRITICAL</span> an answer no employer tolerates · <b>■</b> the answer ends the conversation</p>\n");
}

// ----- text of effects and conditions --------------------------------------

pub fn effect_text(e: &Effect) -> String {
    match e {
        Effect::Loyalty(n) => format!("loyalty {n:+}"),
        Effect::LoyaltyOf(c, n) => format!("loyalty of {c} {n:+}"),
        Effect::Stress(n) => format!("stress {n:+}"),
        Effect::Set(f) => format!("set {f}"),
        Effect::Unset(f) => format!("unset {f}"),
        Effect::AddTask(t) => format!("task {t} arrives"),
        Effect::SetHours(m, hours) => format!("{m} has {hours} h left"),
        Effect::Notify(text) => format!("inbox: “{}”", shorten(text, 60)),
        Effect::StartDialogue(d) => format!("opens {d}"),
        Effect::OneOf(lists) => format!(
            "one of: {}",
            lists
                .iter()
                .map(|l| format!("[{}]", effects_text(l)))
                .collect::<Vec<_>>()
                .join(" or ")
        ),
    }
}

fn effects_text(list: &[Effect]) -> String {
    list.iter().map(effect_text).collect::<Vec<_>>().join(", ")
}

pub fn condition_text(c: &Condition) -> String {
    match c {
        Condition::Flag(f) => f.clone(),
        Condition::Not(c) => format!("not {}", condition_text(c)),
        Condition::All(cs) => format!(
            "({})",
            cs.iter()
                .map(condition_text)
                .collect::<Vec<_>>()
                .join(" and ")
        ),
        Condition::Any(cs) => format!(
            "({})",
            cs.iter()
                .map(condition_text)
                .collect::<Vec<_>>()
                .join(" or ")
        ),
        Condition::LoyaltyBelow(c, n) => format!("loyalty of {c} < {n}"),
        Condition::StressAbove(n) => format!("stress > {n}"),
        Condition::TaskDone(t) => format!("{t} done"),
        Condition::TaskLate(t) => format!("{t} late"),
    }
}

/// At most `max` characters, with an ellipsis when cut.
fn shorten(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        text.to_owned()
    } else {
        let cut: String = text.chars().take(max.saturating_sub(1)).collect();
        format!("{}…", cut.trim_end())
    }
}

/// Lines of at most `width` characters, broken at spaces; at most `lines`
/// of them, the last ending in an ellipsis when text is left over.
fn wrap(text: &str, width: usize, lines: usize) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        let len = line.chars().count();
        if len > 0 && len + 1 + word.chars().count() > width {
            out.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() {
        out.push(line);
    }
    if out.len() > lines {
        out.truncate(lines);
        if let Some(last) = out.last_mut() {
            *last = shorten(&format!("{last} …"), width);
        }
    }
    out
}

// ----- the clock ------------------------------------------------------------

fn clock(sc: &Scenario) -> String {
    let (Some(start), Some(end)) = (parse_time(&sc.shift.start), parse_time(&sc.shift.end)) else {
        return "<p>The shift's hours are not valid times.</p>\n".to_owned();
    };
    let span = f64::from(end.saturating_sub(start).max(1));
    let (left, width) = (60.0, 900.0);
    let x = |m: u32| left + width * f64::from(m.saturating_sub(start)) / span;
    let timed: Vec<(usize, u32, u32)> = sc
        .events
        .iter()
        .enumerate()
        .filter_map(|(i, e)| Some((i, parse_time(e.at.as_deref()?)?, e.jitter)))
        .collect();
    let deadlines: Vec<(u32, &str)> = sc
        .tasks
        .iter()
        .filter_map(|t| Some((parse_time(&t.deadline)?, t.id.as_str())))
        .collect();
    let rows = timed.len() + deadlines.len();
    let height = 40.0 + 18.0 * rows as f64;
    let mut s = format!(
        "<svg class=\"clock\" xmlns=\"http://www.w3.org/2000/svg\" width=\"{}\" height=\"{height}\" role=\"img\">\n",
        left + width + 420.0
    );
    let mut hour = start.div_ceil(60) * 60;
    while hour <= end {
        let _ = writeln!(
            s,
            "<line x1=\"{0}\" y1=\"18\" x2=\"{0}\" y2=\"{1}\" stroke=\"#e3e8ee\"/><text x=\"{0}\" y=\"12\" text-anchor=\"middle\">{2}</text>",
            x(hour),
            height,
            format_time(hour)
        );
        hour += 60;
    }
    let mut y = 32.0;
    for (i, at, jitter) in timed {
        let (a, b) = (
            x(at.saturating_sub(jitter).max(start)),
            x((at + jitter).min(end)),
        );
        let _ = writeln!(
            s,
            "<rect x=\"{a}\" y=\"{}\" width=\"{}\" height=\"8\" rx=\"3\" fill=\"#9bb8d3\"/><circle cx=\"{}\" cy=\"{}\" r=\"4\" fill=\"#1f6fb2\"/><text x=\"{}\" y=\"{}\">event {} · {}</text>",
            y - 4.0,
            (b - a).max(2.0),
            x(at),
            y,
            b + 8.0,
            y + 4.0,
            i + 1,
            escape(&shorten(&effects_text(&sc.events[i].then), 52))
        );
        y += 18.0;
    }
    for (deadline, id) in deadlines {
        let _ = writeln!(
            s,
            "<path d=\"M{0} {1} l-5 -8 h10 z\" fill=\"#b3261e\"/><text x=\"{2}\" y=\"{1}\">{3} due</text>",
            x(deadline),
            y + 2.0,
            x(deadline) + 8.0,
            escape(id)
        );
        y += 18.0;
    }
    s.push_str("</svg>\n");
    s
}

fn events_table(h: &mut String, sc: &Scenario) {
    h.push_str("<table><thead><tr><th class=\"num\">event</th><th>when</th><th>then</th></tr></thead><tbody>\n");
    for (i, e) in sc.events.iter().enumerate() {
        let mut when = Vec::new();
        if let Some(at) = &e.at {
            when.push(if e.jitter > 0 {
                format!("at {at} ± {} min", e.jitter)
            } else {
                format!("at {at}")
            });
        }
        if let Some(c) = &e.when {
            when.push(format!("when {}", condition_text(c)));
        }
        let _ = writeln!(
            h,
            "<tr><td class=\"num\">{}</td><td>{}</td><td>{}</td></tr>",
            i + 1,
            escape(&when.join(", ")),
            escape(&effects_text(&e.then))
        );
    }
    h.push_str("</tbody></table>\n");
}

fn tasks_table(h: &mut String, sc: &Scenario) {
    let _ = writeln!(h, "<h2>Tasks ({})</h2>", sc.tasks.len());
    h.push_str("<table><thead><tr><th>task</th><th>for</th><th>role</th><th class=\"num\">effort</th><th class=\"num\">due</th><th>priority</th><th>arrives by</th><th>done / late</th></tr></thead><tbody>\n");
    for t in &sc.tasks {
        let added: Vec<String> = sc
            .events
            .iter()
            .enumerate()
            .filter(|(_, e)| mentions_task(&e.then, &t.id))
            .map(|(i, _)| format!("event {}", i + 1))
            .chain(sc.dialogues.iter().flat_map(|d| {
                d.nodes.iter().flat_map(move |n| {
                    n.choices
                        .iter()
                        .filter(|c| mentions_task(&c.effects, &t.id))
                        .map(move |c| {
                            format!("{}/{}/{}", d.id, n.id, c.id.as_deref().unwrap_or("answer"))
                        })
                })
            }))
            .collect();
        let _ = writeln!(
            h,
            "<tr><td><b>{}</b> {}</td><td>{}</td><td>{}</td><td class=\"num\">{} h</td><td class=\"num\">{}</td><td>{:?}</td><td>{}</td><td>{} / {}</td></tr>",
            escape(&t.id),
            escape(&t.title),
            escape(t.client.as_deref().unwrap_or("internal")),
            escape(&t.role),
            t.effort_hours,
            escape(&t.deadline),
            t.priority,
            escape(&added.join(", ")),
            escape(&effects_text(&t.on_done)),
            escape(&effects_text(&t.on_late)),
        );
    }
    h.push_str("</tbody></table>\n");
}

fn mentions_task(effects: &[Effect], task: &str) -> bool {
    effects.iter().any(|e| match e {
        Effect::AddTask(t) => t == task,
        Effect::OneOf(lists) => lists.iter().any(|l| mentions_task(l, task)),
        _ => false,
    })
}

fn starts_dialogue(effects: &[Effect], dialogue: &str) -> bool {
    effects.iter().any(|e| match e {
        Effect::StartDialogue(d) => d == dialogue,
        Effect::OneOf(lists) => lists.iter().any(|l| starts_dialogue(l, dialogue)),
        _ => false,
    })
}

// ----- dialogues ------------------------------------------------------------

/// What opens a dialogue: events, answers, task results, the trainee.
fn openers(sc: &Scenario, d: &Dialogue) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(i) = &d.initiative {
        out.push(match &i.when {
            Some(c) => format!("the trainee: “{}” while {}", i.label, condition_text(c)),
            None => format!("the trainee: “{}”", i.label),
        });
    }
    for (i, e) in sc.events.iter().enumerate() {
        if starts_dialogue(&e.then, &d.id) {
            let mut when = Vec::new();
            if let Some(at) = &e.at {
                when.push(if e.jitter > 0 {
                    format!("at {at} ± {}", e.jitter)
                } else {
                    format!("at {at}")
                });
            }
            if let Some(c) = &e.when {
                when.push(format!("when {}", condition_text(c)));
            }
            out.push(format!("event {} ({})", i + 1, when.join(", ")));
        }
    }
    for t in &sc.tasks {
        if starts_dialogue(&t.on_done, &d.id) {
            out.push(format!("{} done", t.id));
        }
        if starts_dialogue(&t.on_late, &d.id) {
            out.push(format!("{} late", t.id));
        }
    }
    for other in &sc.dialogues {
        for n in &other.nodes {
            for c in &n.choices {
                if starts_dialogue(&c.effects, &d.id) {
                    out.push(format!(
                        "the answer {}/{}/{}",
                        other.id,
                        n.id,
                        c.id.as_deref().unwrap_or("…")
                    ));
                }
            }
        }
    }
    out
}

/// Each node's column: its distance from the start (unreachable nodes
/// after the last).
fn columns(d: &Dialogue) -> Vec<usize> {
    let index = |id: &str| d.nodes.iter().position(|n| n.id == id);
    let mut depth = vec![usize::MAX; d.nodes.len()];
    let mut queue = VecDeque::new();
    if let Some(s) = index(&d.start) {
        depth[s] = 0;
        queue.push_back(s);
    }
    while let Some(n) = queue.pop_front() {
        let node = &d.nodes[n];
        let targets = node
            .choices
            .iter()
            .filter_map(|c| c.next.as_deref())
            .chain(node.timeout_next.as_deref());
        for t in targets {
            if let Some(m) = index(t)
                && depth[m] == usize::MAX
            {
                depth[m] = depth[n] + 1;
                queue.push_back(m);
            }
        }
    }
    let deepest = depth
        .iter()
        .filter(|&&x| x != usize::MAX)
        .max()
        .copied()
        .unwrap_or(0);
    depth
        .into_iter()
        .map(|x| if x == usize::MAX { deepest + 1 } else { x })
        .collect()
}

const BOX_W: f64 = 380.0;
const GAP_X: f64 = 90.0;
const LINE_H: f64 = 15.0;
const SAY_CHARS: usize = 56;
const ANSWER_CHARS: usize = 54;

/// A node's drawn rows: the header lines, then each answer's lines.
struct Layout {
    x: f64,
    y: f64,
    header: Vec<String>,
    answers: Vec<Vec<String>>,
}

impl Layout {
    fn height(&self) -> f64 {
        let lines = self.header.len() + self.answers.iter().map(Vec::len).sum::<usize>();
        lines as f64 * LINE_H + 12.0 + 6.0 * self.answers.len() as f64
    }

    /// The vertical middle of answer `k`.
    fn answer_y(&self, k: usize) -> f64 {
        let before: usize =
            self.header.len() + self.answers[..k].iter().map(Vec::len).sum::<usize>();
        self.y
            + 8.0
            + before as f64 * LINE_H
            + 6.0 * k as f64
            + self.answers[k].len() as f64 * LINE_H / 2.0
    }
}

fn node_header(n: &Node) -> Vec<String> {
    let mut header = vec![format!("{} · {}", n.id, shorten(&n.speaker, 40))];
    header.extend(wrap(&format!("“{}”", n.says), SAY_CHARS, 3));
    if let Some(r) = n.reply_within {
        let mut t = format!("reply within {r} min");
        if !n.on_timeout.is_empty() {
            t.push_str(&format!("; silence: {}", effects_text(&n.on_timeout)));
        }
        if let Some(next) = &n.timeout_next {
            t.push_str(&format!(" → {next}"));
        }
        header.extend(wrap(&t, SAY_CHARS, 2));
    }
    header
}

fn answer_lines(c: &Choice) -> Vec<String> {
    let mut first = format!("{} · {:?}", c.id.as_deref().unwrap_or("(no id)"), c.tone);
    if c.critical.is_some() {
        first.push_str(" · CRITICAL");
    }
    let mut lines = vec![first];
    lines.extend(wrap(&c.say, ANSWER_CHARS, 2));
    let mut facts = Vec::new();
    if let Some(w) = &c.when {
        facts.push(format!("if {}", condition_text(w)));
    }
    if !c.effects.is_empty() {
        facts.push(effects_text(&c.effects));
    }
    if !facts.is_empty() {
        lines.extend(wrap(&facts.join("; "), ANSWER_CHARS, 2));
    }
    lines
}

fn dialogue_section(h: &mut String, sc: &Scenario, d: &Dialogue) {
    let who = d
        .client
        .as_deref()
        .and_then(|c| sc.clients.iter().find(|x| x.id == c))
        .map_or("a colleague".to_owned(), |c| c.name.clone());
    let _ = writeln!(
        h,
        "<section class=\"dialogue\" id=\"{0}\"><h3>{0} <span class=\"label\">with {1}</span></h3>",
        escape(&d.id),
        escape(&who)
    );
    let openers = openers(sc, d);
    let _ = writeln!(
        h,
        "<p class=\"sub\">Opened by: {}</p>",
        if openers.is_empty() {
            "nothing (never started)".to_owned()
        } else {
            escape(&openers.join("; "))
        }
    );
    let cols = columns(d);
    let mut next_y = vec![10.0; cols.iter().max().map_or(1, |m| m + 1)];
    let layouts: Vec<Layout> = d
        .nodes
        .iter()
        .zip(&cols)
        .map(|(n, &col)| {
            let mut l = Layout {
                x: 10.0 + col as f64 * (BOX_W + GAP_X),
                y: next_y[col],
                header: node_header(n),
                answers: n.choices.iter().map(answer_lines).collect(),
            };
            l.y = next_y[col];
            next_y[col] += l.height() + 24.0;
            l
        })
        .collect();
    let width = 20.0 + next_y.len() as f64 * (BOX_W + GAP_X);
    let height = next_y.iter().copied().fold(0.0, f64::max) + 10.0;
    let _ = writeln!(
        h,
        "<div class=\"scroll\"><svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\" role=\"img\">"
    );
    h.push_str("<defs><marker id=\"arrow\" viewBox=\"0 0 10 10\" refX=\"9\" refY=\"5\" markerWidth=\"7\" markerHeight=\"7\" orient=\"auto-start-reverse\"><path d=\"M0 0 L10 5 L0 10 z\" fill=\"#5a6b7b\"/></marker></defs>\n");
    let index = |id: &str| d.nodes.iter().position(|n| n.id == id);
    for (n, (node, l)) in d.nodes.iter().zip(&layouts).enumerate() {
        let start = node.id == d.start;
        let _ = writeln!(
            h,
            "<rect x=\"{}\" y=\"{}\" width=\"{BOX_W}\" height=\"{}\" rx=\"6\" fill=\"#fff\" stroke=\"{}\" stroke-width=\"{}\"/>",
            l.x,
            l.y,
            l.height(),
            if start { "#1f6fb2" } else { "#b8c4cf" },
            if start { 2.5 } else { 1.0 }
        );
        let mut y = l.y + 8.0 + LINE_H - 3.0;
        for (i, line) in l.header.iter().enumerate() {
            let class = if i == 0 { "head" } else { "says" };
            let _ = writeln!(
                h,
                "<text class=\"{class}\" x=\"{}\" y=\"{y}\">{}</text>",
                l.x + 8.0,
                escape(line)
            );
            y += LINE_H;
        }
        for (k, (choice, lines)) in node.choices.iter().zip(&l.answers).enumerate() {
            let top = y - LINE_H + 3.0;
            let colour = tone_colour(choice.tone);
            let _ = writeln!(
                h,
                "<rect x=\"{}\" y=\"{top}\" width=\"{}\" height=\"{}\" fill=\"{colour}\" fill-opacity=\"0.10\" stroke=\"{}\"/><rect x=\"{}\" y=\"{top}\" width=\"5\" height=\"{}\" fill=\"{colour}\"/>",
                l.x + 4.0,
                BOX_W - 8.0,
                lines.len() as f64 * LINE_H + 2.0,
                if choice.critical.is_some() {
                    "#b3261e"
                } else {
                    "none"
                },
                l.x + 4.0,
                lines.len() as f64 * LINE_H + 2.0,
            );
            for (i, line) in lines.iter().enumerate() {
                let class = match i {
                    0 => "answer-head",
                    _ => "answer",
                };
                let _ = writeln!(
                    h,
                    "<text class=\"{class}\" x=\"{}\" y=\"{y}\" style=\"{}\">{}</text>",
                    l.x + 14.0,
                    if i == 0 {
                        format!("fill:{colour}")
                    } else {
                        String::new()
                    },
                    escape(line)
                );
                y += LINE_H;
            }
            y += 6.0;
            let ay = l.answer_y(k);
            let from = l.x + BOX_W - 4.0;
            match choice.next.as_deref().and_then(index) {
                Some(m) => {
                    let t = &layouts[m];
                    let (tx, ty) = if m == n {
                        (l.x + BOX_W - 4.0, l.y + 10.0)
                    } else if t.x > l.x {
                        (t.x, t.y + 14.0)
                    } else {
                        (t.x + BOX_W, t.y + 14.0)
                    };
                    let _ = writeln!(
                        h,
                        "<path d=\"M{from} {ay} C{} {ay}, {} {ty}, {tx} {ty}\" fill=\"none\" stroke=\"{colour}\" stroke-width=\"1.6\" marker-end=\"url(#arrow)\"/>",
                        from + 40.0,
                        tx - 40.0
                    );
                }
                None => {
                    let _ = writeln!(
                        h,
                        "<rect x=\"{}\" y=\"{}\" width=\"8\" height=\"8\" fill=\"#44505c\"><title>ends the conversation</title></rect>",
                        from + 6.0,
                        ay - 4.0
                    );
                }
            }
        }
        if let Some(m) = node.timeout_next.as_deref().and_then(index) {
            let t = &layouts[m];
            let _ = writeln!(
                h,
                "<path d=\"M{} {} C{} {}, {} {}, {} {}\" fill=\"none\" stroke=\"#8a95a0\" stroke-dasharray=\"5 4\" stroke-width=\"1.4\" marker-end=\"url(#arrow)\"/>",
                l.x + BOX_W / 2.0,
                l.y + l.height(),
                l.x + BOX_W / 2.0,
                l.y + l.height() + 30.0,
                t.x + 20.0,
                t.y - 30.0,
                t.x + 20.0,
                t.y
            );
        }
    }
    h.push_str("</svg></div>\n</section>\n");
}

const STYLE: &str = r#"
body { font-family: "DejaVu Sans", "Segoe UI", Arial, sans-serif; margin: 0; color: #1d2733; background: #f4f6f8; }
main { padding: 20px 28px 40px; }
h1 { font-size: 24px; margin: 0 0 4px; }
h2 { font-size: 19px; margin: 28px 0 10px; border-bottom: 2px solid #d5dde5; padding-bottom: 4px; }
h3 { font-size: 16px; margin: 0 0 4px; }
.sub { color: #5a6b7b; margin: 0 0 10px; }
.label { color: #5a6b7b; font-size: 13px; font-weight: normal; }
.legend { font-size: 13px; }
.chip { display: inline-block; color: #fff; border-radius: 8px; padding: 1px 7px; font-size: 12px; }
.chip.critical { background: #fff; color: #b3261e; border: 1.5px solid #b3261e; }
table { border-collapse: collapse; background: #fff; font-size: 13px; margin: 8px 0; }
th, td { border-bottom: 1px solid #e3e8ee; padding: 4px 8px; text-align: left; vertical-align: top; }
th { background: #e9eef3; }
td.num, th.num { text-align: right; white-space: nowrap; }
.dialogue { background: #fff; border: 1px solid #d5dde5; border-radius: 6px; padding: 12px 14px; margin: 0 0 14px; }
.scroll { overflow-x: auto; }
svg text { font-family: "DejaVu Sans", Arial, sans-serif; font-size: 12px; fill: #1d2733; }
svg text.head { font-weight: bold; }
svg text.says { fill: #2f3b47; font-style: italic; }
svg text.answer-head { font-weight: bold; font-size: 11px; }
svg.clock { background: #fff; border: 1px solid #d5dde5; border-radius: 6px; }
"#;
