//! Issue 17, the course as a whole: at least 21 lessons, each with a goal, a question asked
//! before what it predicts and a recap; the learner's turn (a `task`) in at least twelve of
//! them, among them the ones the issue names.

use std::sync::OnceLock;

use shardlab::script::{lesson, lessons, run_script, Entry};

/// The lessons the issue names, in which the learner must act.
const MUST_HAVE_A_TASK: &[&str] = &[
    "hot-key",
    "kcl-failover",
    "resharding",
    "read-throttling",
    "retention",
    "kcl-intro",
    "bytes-limit",
    "consumer-lag",
    "two-applications",
    "ordering",
    "spike-or-growth",
    "checkpoint-frequency",
    "shard-end",
];

/// Every lesson's transcript, run once for all the tests here (a lesson takes a while).
fn transcripts() -> &'static [(&'static str, Vec<Entry>)] {
    static RUNS: OnceLock<Vec<(&'static str, Vec<Entry>)>> = OnceLock::new();
    RUNS.get_or_init(|| {
        lessons()
            .iter()
            .map(|lesson| {
                let (_, _, entries) =
                    run_script(lesson.source).unwrap_or_else(|e| panic!("{}: {e}", lesson.name));
                (lesson.name, entries)
            })
            .collect()
    })
}

fn entries(name: &str) -> &'static [Entry] {
    assert!(lesson(name).is_some(), "no lesson {name}");
    let (_, entries) = transcripts().iter().find(|(n, _)| *n == name).unwrap();
    entries
}

#[test]
fn the_course_has_twenty_one_lessons_each_with_a_goal_a_question_and_a_recap() {
    assert!(lessons().len() >= 21, "{} lessons", lessons().len());
    for lesson in lessons() {
        let name = lesson.name;
        assert!(
            lesson.goal().split_whitespace().count() >= 5,
            "{name}: its goal is one sentence: {:?}",
            lesson.goal()
        );
        let entries = entries(name);
        assert!(
            matches!(entries.first(), Some(Entry::Goal { .. })),
            "{name}: the goal is said first"
        );
        assert!(
            entries.iter().any(|e| matches!(e, Entry::Ask { .. })),
            "{name}: no question"
        );
        // The recap is the lesson's last word: only the explanation of a question asked
        // last may come before it, nothing after.
        let recap = entries
            .iter()
            .rposition(|e| matches!(e, Entry::Recap { .. }))
            .unwrap_or_else(|| panic!("{name}: no recap"));
        assert_eq!(
            recap,
            entries.len() - 1,
            "{name}: something after the recap"
        );
        let Entry::Recap { text } = &entries[recap] else {
            unreachable!()
        };
        assert!(
            text.len() > 40,
            "{name}: a recap says what was learned: {text:?}"
        );
    }
}

#[test]
fn the_learner_acts_in_at_least_twelve_lessons_among_them_the_named_ones() {
    let with_a_task: Vec<&str> = lessons()
        .iter()
        .map(|l| l.name)
        .filter(|name| {
            entries(name)
                .iter()
                .any(|e| matches!(e, Entry::Task { .. }))
        })
        .collect();
    assert!(with_a_task.len() >= 12, "{with_a_task:?}");
    for name in MUST_HAVE_A_TASK {
        assert!(
            with_a_task.contains(name),
            "{name} has no task: {with_a_task:?}"
        );
    }
}

/// Predict, observe, explain: between a question and its explanation the simulation runs or
/// a command answers (put-record's ShardId, say), so the learner has seen something of what
/// the question predicted before being told why.
#[test]
fn every_questions_explanation_comes_after_an_observation() {
    for lesson in lessons() {
        let entries = entries(lesson.name);
        let mut asked: Option<(String, u64)> = None;
        for entry in entries {
            match entry {
                Entry::Ask { question, .. } => asked = Some((question.clone(), 0)),
                // A command's answer, or a check of what is there, is seen at once.
                Entry::Output { .. } | Entry::Expect { .. } => {
                    if let Some((_, seen)) = asked.as_mut() {
                        *seen += 1;
                    }
                }
                Entry::Waited { ms, .. } | Entry::FastForward { ms } => {
                    if let Some((_, passed)) = asked.as_mut() {
                        *passed += ms;
                    }
                }
                Entry::Reached { after_ms, .. } | Entry::TaskDone { after_ms, .. } => {
                    if let Some((_, passed)) = asked.as_mut() {
                        *passed += after_ms;
                    }
                }
                Entry::Reveal { question, .. } => {
                    let (q, passed) = asked.take().expect("a reveal follows its question");
                    assert_eq!(q, *question);
                    assert!(
                        passed > 0,
                        "{}: '{question}' is explained before anything was seen",
                        lesson.name
                    );
                }
                _ => {}
            }
        }
    }
}
