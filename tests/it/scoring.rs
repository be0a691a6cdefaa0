//! Scores: their bounds over random scenarios and seeds, and how they react
//! to good and bad play.

use std::sync::Arc;

use kam_trainer::engine::Action;
use kam_trainer::engine::Shift;
use kam_trainer::engine::policy::{Policy, autoplay};
use kam_trainer::scenario::{
    Choice, Client, Condition, Dialogue, Effect, Event, Node, Priority, Scenario, Segment,
    ShiftHours, Stage, Task, TeamMember, Tier, Tone, Trainee, resolve,
};
use kam_trainer::scoring::assess::assess;
use proptest::prelude::*;

use crate::common::{reference, small};

const TONES: [Tone; 6] = [
    Tone::Calm,
    Tone::Assertive,
    Tone::Empathetic,
    Tone::Defensive,
    Tone::Aggressive,
    Tone::Avoidant,
];
const PRIORITIES: [Priority; 4] = [
    Priority::Low,
    Priority::Normal,
    Priority::High,
    Priority::Critical,
];

fn hhmm(m: u32) -> String {
    format!("{:02}:{:02}", m / 60, m % 60)
}

/// A random but valid scenario: `n` clients, members and tasks, one
/// dialogue per client, events that add every task and start every
/// dialogue at random times.
fn random_scenario() -> impl Strategy<Value = Scenario> {
    (1usize..4, 1usize..4, 1usize..9, any::<u64>()).prop_map(|(clients, members, tasks, salt)| {
        // A tiny deterministic generator keeps the strategy simple.
        let mut state = salt | 1;
        let mut next = move |n: u32| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state % u64::from(n)) as u32
        };
        let (start, end) = (8 * 60, 8 * 60 + 240 + next(300));
        let roles = ["designer", "copywriter", "analyst"];
        let team: Vec<TeamMember> = (0..members)
            .map(|i| TeamMember {
                id: format!("m{i}"),
                name: format!("Member {i}"),
                role: roles[i % roles.len()].into(),
                hours: f64::from(next(8)) + 0.5,
            })
            .collect();
        let clients: Vec<Client> = (0..clients)
            .map(|i| Client {
                id: format!("c{i}"),
                name: format!("Client {i}"),
                tier: if next(2) == 0 {
                    Tier::Key
                } else {
                    Tier::Regular
                },
                segment: if next(2) == 0 {
                    Segment::B2B
                } else {
                    Segment::B2C
                },
                loyalty: 30 + next(70) as i32,
                churn_below: next(30) as i32,
                weight: 1 + next(5),
            })
            .collect();
        let tasks: Vec<Task> = (0..tasks)
            .map(|i| Task {
                id: format!("t{i}"),
                title: format!("Task {i}"),
                client: (next(4) > 0).then(|| format!("c{}", next(clients.len() as u32))),
                role: team[next(team.len() as u32) as usize].role.clone(),
                effort_hours: f64::from(1 + next(6)) * 0.5,
                deadline: hhmm(start + 30 + next(end - start - 30)),
                priority: PRIORITIES[next(4) as usize],
                on_done: vec![Effect::Stress(-(next(5) as i32))],
                on_late: vec![Effect::Stress(next(10) as i32)],
            })
            .collect();
        let dialogues: Vec<Dialogue> = (0..clients.len())
            .map(|i| Dialogue {
                id: format!("d{i}"),
                client: Some(format!("c{i}")),
                start: "a".into(),
                initiative: None,
                nodes: vec![Node {
                    id: "a".into(),
                    speaker: "Client".into(),
                    says: "Well?".into(),
                    reply_within: (next(2) == 0).then(|| 5 + next(30)),
                    on_timeout: vec![Effect::Loyalty(-(next(10) as i32))],
                    timeout_next: None,
                    choices: (0..1 + next(4))
                        .map(|_| Choice {
                            id: None,
                            critical: None,
                            say: "...".into(),
                            tone: TONES[next(6) as usize],
                            when: None,
                            effects: vec![
                                Effect::Loyalty(next(30) as i32 - 15),
                                Effect::Stress(next(20) as i32 - 8),
                            ],
                            next: None,
                            feedback: "why".into(),
                        })
                        .collect(),
                }],
            })
            .collect();
        let mut events: Vec<Event> = tasks
            .iter()
            .map(|t| Event {
                at: Some(hhmm(start + next(end - start))),
                jitter: next(20),
                when: None,
                then: vec![Effect::AddTask(t.id.clone())],
            })
            .collect();
        events.extend(dialogues.iter().map(|d| Event {
            at: Some(hhmm(start + next(end - start))),
            jitter: 0,
            when: (next(3) == 0).then_some(Condition::StressAbove(next(60) as i32)),
            then: vec![Effect::StartDialogue(d.id.clone())],
        }));
        Scenario {
            id: "random".into(),
            title: "Random".into(),
            stage: Stage::Supervisor,
            language: "en".into(),
            summary: String::new(),
            learning_goals: vec![],
            shift: ShiftHours {
                start: hhmm(start),
                end: hhmm(end),
            },
            trainee: Trainee {
                stress: next(60) as i32,
                burnout_at: 80 + next(21) as i32,
                hours: f64::from(next(4)),
            },
            clients,
            team,
            roles: vec![],
            tasks,
            events,
            dialogues,
            scoring: Default::default(),
        }
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn scores_stay_within_0_and_100_and_never_beat_the_best_plan(sc in random_scenario(), seed in any::<u64>()) {
        let (resolved, problems) = resolve(&sc);
        let errors: Vec<_> = problems.iter().filter(|p| p.severity() == kam_trainer::scenario::Severity::Error).collect();
        prop_assert!(resolved.is_some(), "generated scenario invalid: {errors:?}");
        let resolved = Arc::new(resolved.unwrap());
        for policy in [Policy::First, Policy::Random, Policy::Greedy] {
            let outcome = autoplay(Arc::clone(&resolved), seed, policy).outcome();
            let a = assess(&resolved, &outcome);
            for s in [a.scores.loyalty, a.scores.stress, a.scores.priorities, a.scores.overall] {
                prop_assert!(s <= 100);
            }
            // The best plan keeps each task with one person; only a run that
            // handed work over half-done can beat an exact plan.
            if a.best_exact && outcome.tasks.iter().all(|t| !t.split) {
                prop_assert!(a.achieved_value <= a.best_value, "{policy:?}: trainee {} > best {}", a.achieved_value, a.best_value);
            }
            prop_assert!(outcome.timeline.iter().all(|s| (0..=100).contains(&s.stress)));
            prop_assert!(outcome.timeline.iter().flat_map(|s| &s.loyalty).all(|l| (0..=100).contains(l)));
        }
    }
}

#[test]
fn greedy_play_passes_the_reference_and_first_choice_play_scores_lower() {
    let sc = reference();
    let greedy = assess(&sc, &autoplay(Arc::clone(&sc), 3, Policy::Greedy).outcome());
    assert!(greedy.passed, "greedy: {:?}", greedy.scores);
    let random: Vec<u32> = (0..50)
        .map(|seed| {
            assess(
                &sc,
                &autoplay(Arc::clone(&sc), seed, Policy::Random).outcome(),
            )
            .scores
            .overall
        })
        .collect();
    let mean = random.iter().sum::<u32>() / random.len() as u32;
    assert!(
        greedy.scores.overall > mean,
        "greedy {} vs random mean {mean}",
        greedy.scores.overall
    );
}

#[test]
fn hostile_answers_cost_stress_handling() {
    let dialogue = r#"(id: "call", client: "shop", start: "ask", nodes: [
        (id: "ask", speaker: "Owner", says: "?", choices: [
            (say: "calm", tone: Calm, feedback: "."),
            (say: "rude", tone: Aggressive, feedback: "."),
        ])])"#;
    let stress_after = |choice: usize| {
        let sc = small(
            "6",
            "",
            r#"(at: "09:00", then: [StartDialogue("call")])"#,
            dialogue,
        );
        let mut shift = Shift::from_resolved(Arc::clone(&sc), 1);
        shift
            .act(Action::Answer {
                dialogue: "call".into(),
                choice: choice.into(),
            })
            .unwrap();
        shift.finish();
        assess(&sc, &shift.outcome()).scores.stress
    };
    assert_eq!(stress_after(1), 100);
    assert_eq!(stress_after(2), 0);
}

#[test]
fn prioritisation_is_measured_against_the_best_plan() {
    let tasks = r#"(id: "big", title: "Big", client: "shop", role: "designer", effort_hours: 3, deadline: "12:30", priority: Critical),
                   (id: "small", title: "Small", client: "shop", role: "designer", effort_hours: 1, deadline: "10:30", priority: Low)"#;
    let events = r#"(at: "09:00", then: [AddTask("big"), AddTask("small")])"#;
    let sc = small("3", tasks, events, "");
    // Olga has three hours: the best plan gives her the critical task; the
    // low one goes to the trainee (their own hour).
    let mut wise = Shift::from_resolved(Arc::clone(&sc), 1);
    wise.act(Action::Assign {
        task: "big".into(),
        to: "olga".into(),
    })
    .unwrap();
    wise.act(Action::DoMyself {
        task: "small".into(),
    })
    .unwrap();
    wise.finish();
    let wise = assess(&sc, &wise.outcome());
    assert_eq!((wise.achieved_value, wise.best_value), (9, 9));
    assert_eq!(wise.scores.priorities, 100);
    assert!(
        wise.plan_differences.is_empty(),
        "{:?}",
        wise.plan_differences
    );
    // Small first, then big: the critical task runs out of hours.
    let mut hasty = Shift::from_resolved(Arc::clone(&sc), 1);
    hasty
        .act(Action::Assign {
            task: "small".into(),
            to: "olga".into(),
        })
        .unwrap();
    hasty
        .act(Action::Assign {
            task: "big".into(),
            to: "olga".into(),
        })
        .unwrap();
    hasty.finish();
    let hasty = assess(&sc, &hasty.outcome());
    assert_eq!(hasty.achieved_value, 1);
    assert_eq!(hasty.scores.priorities, 11);
    assert!(
        hasty.plan_differences.iter().any(|l| l.contains("“Big”")),
        "{:?}",
        hasty.plan_differences
    );
}
