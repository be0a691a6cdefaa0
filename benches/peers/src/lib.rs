//! One synthetic negotiation graph written in two formats, KAM Trainer's
//! scenario RON and ink, and the same playthrough of both: always the first
//! answer offered.
//!
//! The graph: `nodes` nodes in one conversation, three answers each. The
//! first two lead to the next node; the second also sets a variable, and
//! the third is offered only once that variable is set and skips a node.
//! Every answer leads forward, so every run ends. The first-answer path
//! never sets the variable, so it visits every node in order.

use std::fmt::Write as _;
use std::path::Path;
use std::sync::Arc;

use bladeink::story::Story;
use kam_trainer::engine::{Action, ChoiceRef, Shift};
use kam_trainer::scenario::{Resolved, load_str};

/// What the client says at node `i`; both formats print it, so the two
/// playthroughs can be compared line by line.
fn says(i: usize) -> String {
    format!(
        "Node {i}: the buyer asks about the terms of order {i}, the delivery days and the price."
    )
}

fn answer(i: usize, k: usize) -> String {
    match k {
        0 => format!("Let us compare what each offer buys for order {i}: deliveries and returns."),
        1 => format!(
            "I can move the delivery of order {i} to Friday if the order is for three months."
        ),
        _ => format!(
            "As agreed before, order {i} keeps the Friday delivery and the three-month price."
        ),
    }
}

/// Where answer `k` of node `i` leads: `None` ends the conversation.
fn target(nodes: usize, i: usize, k: usize) -> Option<usize> {
    let step = if k == 2 { 2 } else { 1 };
    (i + step < nodes).then_some(i + step)
}

/// The graph as a KAM Trainer scenario.
pub fn scenario_ron(nodes: usize) -> String {
    assert!(nodes >= 1);
    let mut s = String::new();
    s.push_str(
        "Scenario(\n    id: \"peers-graph\",\n    title: \"Synthetic negotiation\",\n    \
         stage: SalesManager,\n    language: \"en\",\n    \
         summary: \"A generated conversation for the benchmarks.\",\n    \
         learning_goals: [\"none: a benchmark\"],\n    \
         shift: (start: \"09:00\", end: \"18:00\"),\n    \
         trainee: (stress: 20, burnout_at: 95, hours: 1),\n    \
         clients: [(id: \"buyer\", name: \"The buyer\", tier: Regular, segment: B2B, \
         loyalty: 60, churn_below: 10, weight: 1)],\n    team: [],\n    tasks: [],\n    \
         events: [(at: \"09:00\", then: [StartDialogue(\"talk\")])],\n    \
         dialogues: [(id: \"talk\", client: \"buyer\", start: \"n0\", nodes: [\n",
    );
    for i in 0..nodes {
        let _ = writeln!(
            s,
            "        (id: \"n{i}\", speaker: \"The buyer\", says: \"{}\", choices: [",
            says(i)
        );
        for k in 0..3 {
            let tone = ["Assertive", "Calm", "Empathetic"][k];
            let effects = match k {
                1 => "[Loyalty(1), Set(\"agreed\")]",
                _ => "[Loyalty(1)]",
            };
            let when = if k == 2 {
                "when: Flag(\"agreed\"), "
            } else {
                ""
            };
            let next = match target(nodes, i, k) {
                Some(t) => format!("next: \"n{t}\", "),
                None => String::new(),
            };
            let _ = writeln!(
                s,
                "            (id: \"a{k}\", say: \"{}\", tone: {tone}, {when}effects: {effects}, {next}\
                 feedback: \"Answer {k} of node {i}.\"),",
                answer(i, k)
            );
        }
        s.push_str("        ]),\n");
    }
    s.push_str(
        "    ])],\n    scoring: (weights: (loyalty: 40, stress: 30, priorities: 30), \
         pass: (loyalty: 60, stress: 60, priorities: 60)),\n)\n",
    );
    s
}

/// The same graph as ink source.
pub fn ink_source(nodes: usize) -> String {
    assert!(nodes >= 1);
    let mut s = String::from("VAR agreed = false\nVAR loyalty = 60\n-> n0\n");
    for i in 0..nodes {
        let _ = writeln!(s, "\n=== n{i} ===\nThe buyer: {}", says(i));
        for k in 0..3 {
            let gate = if k == 2 { "{agreed} " } else { "" };
            let _ = writeln!(s, "+ {gate}[{}]", answer(i, k));
            let _ = writeln!(s, "    ~ loyalty = loyalty + 1");
            if k == 1 {
                let _ = writeln!(s, "    ~ agreed = true");
            }
            match target(nodes, i, k) {
                Some(t) => {
                    let _ = writeln!(s, "    -> n{t}");
                }
                None => s.push_str("    -> END\n"),
            }
        }
    }
    s
}

/// The ink source compiled to the JSON the runtime loads.
pub fn ink_json(nodes: usize) -> String {
    bladeink_compiler::Compiler::new()
        .compile(&ink_source(nodes))
        .unwrap_or_else(|e| panic!("the generated ink does not compile: {e:?}"))
}

/// Loads and validates the scenario, as the game and `check` do.
pub fn load_scenario(ron: &str) -> Arc<Resolved> {
    let loaded = load_str(Path::new("peers-graph.ron"), ron);
    match loaded.resolved {
        Some(r) => r,
        None => panic!(
            "the generated scenario is invalid: {:?}",
            loaded.diagnostics
        ),
    }
}

/// One playthrough in this engine, always the first answer offered, each
/// answer given the moment its line arrives (as ink is played), then the
/// shift run to its end.
pub fn play_kam(scenario: &Arc<Resolved>) -> Shift {
    let mut shift = Shift::from_resolved(Arc::clone(scenario), 1);
    shift.advance_to(scenario.start);
    while let Some(c) = shift.conversations().first() {
        let Some(&first) = shift.offered_choices(c).first() else {
            break;
        };
        let dialogue = scenario.dialogues[c.dialogue].id.clone();
        shift
            .act(Action::Answer {
                dialogue,
                choice: ChoiceRef::Number(first + 1),
            })
            .expect("the first answer offered is accepted");
    }
    shift.finish();
    shift
}

/// The nodes the conversation visited, in order.
pub fn kam_path(shift: &Shift) -> Vec<String> {
    let talk = &shift.scenario().dialogues[0];
    shift
        .decisions()
        .iter()
        .filter_map(|d| d.node.as_deref())
        .map(|id| {
            let node = talk
                .nodes
                .iter()
                .find(|n| &*n.id == id)
                .expect("a node of the graph");
            node.says.clone()
        })
        .collect()
}

/// One playthrough in bladeink from the start of a loaded story, always the
/// first choice; returns the client's lines in order.
pub fn play_ink(story: &mut Story) -> Vec<String> {
    story.reset_state().expect("ink resets");
    let mut lines = Vec::new();
    loop {
        while story.can_continue() {
            let line = story.cont().expect("ink continues");
            if let Some(said) = line.trim().strip_prefix("The buyer: ") {
                lines.push(said.to_owned());
            }
        }
        if story.get_current_choices().is_empty() {
            return lines;
        }
        story
            .choose_choice_index(0)
            .expect("ink takes the first choice");
    }
}

/// Checks that both engines walk the same path; the benchmark refuses to
/// time two different playthroughs.
pub fn same_path(nodes: usize, scenario: &Arc<Resolved>, story: &mut Story) -> Result<(), String> {
    let kam = kam_path(&play_kam(scenario));
    let ink = play_ink(story);
    if kam.len() != nodes {
        return Err(format!(
            "KAM Trainer visited {} of {nodes} nodes",
            kam.len()
        ));
    }
    if kam != ink {
        return Err(format!(
            "the paths differ: KAM Trainer {} lines, ink {} lines; first difference at {:?}",
            kam.len(),
            ink.len(),
            kam.iter().zip(&ink).position(|(a, b)| a != b)
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_formats_play_the_same_path() {
        for nodes in [1, 2, 7, 50, 200] {
            let scenario = load_scenario(&scenario_ron(nodes));
            let mut story = Story::new(&ink_json(nodes)).expect("ink loads");
            same_path(nodes, &scenario, &mut story).unwrap();
        }
    }

    #[test]
    fn the_gated_answer_is_offered_only_once_agreed() {
        let scenario = load_scenario(&scenario_ron(5));
        let mut story = Story::new(&ink_json(5)).expect("ink loads");
        story.reset_state().unwrap();
        story.continue_maximally().unwrap();
        assert_eq!(story.get_current_choices().len(), 2);
        story.choose_choice_index(1).unwrap();
        story.continue_maximally().unwrap();
        assert_eq!(story.get_current_choices().len(), 3);
        let mut shift = Shift::from_resolved(scenario, 1);
        shift.advance_to(shift.scenario().start);
        let c = &shift.conversations()[0];
        assert_eq!(shift.offered_choices(c), vec![0, 1]);
    }
}
