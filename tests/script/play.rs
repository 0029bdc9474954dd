//! Issue 17, the language of lessons the learner plays: script errors in CI (`FILE:LINE:`,
//! exit 2), and when a question's explanation is told.

use shardlab::script::{lessons, run_script, Entry};

use super::{errors, outputs, shardlab, transcript};

/// Issue 17: an instructor checks scripts in CI with `shardlab run`. Every script error
/// says `FILE:LINE:` (and the column where it is known) before its message, the script runs
/// to its end, and the run exits 2; a service error is part of the scenario and fails the
/// run only under `--strict`.
#[test]
fn script_errors_name_file_and_line_and_exit_2_after_the_script() {
    let dir = std::env::temp_dir().join(format!("shardlab-errors-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let typos = dir.join("typos.sh");
    std::fs::write(
        &typos,
        "aws kinesis create-stream --stream-name s --shard-count 1\n\
         \x20 prodcer add p --stream s --rate 1\n\
         aws kinesis put-recrod --stream-name s --partition-key k --data x\n\
         echo $NOPE\n\
         producer add p --stream s --rate 1 --kyes random\n\
         aws kinesis describe-stream-summary --stream-nam s --bogus\n\
         wait 30\n\
         echo still running\n",
    )
    .unwrap();
    let file = typos.to_str().unwrap();
    let (code, out, _) = shardlab(&["run", file]);
    assert_eq!(code, 2, "{out}");
    for expected in [
        format!("{file}:2:3: prodcer: command not found; did you mean 'producer'?"),
        format!("{file}:3: aws: error: argument operation: Invalid choice"),
        format!("{file}:4:6: $NOPE is not set (it expands to nothing)"),
        format!("{file}:5: producer: unknown option --kyes; did you mean --keys?"),
        format!("{file}:6: Unknown options: --bogus"),
        format!("{file}:7: '30' needs a unit"),
        "still running".to_string(),
        "6 script error(s)".to_string(),
    ] {
        assert!(out.contains(&expected), "{expected}\nin\n{out}");
    }
    // The CLI's usage still comes first, as the real one prints it; the place goes before
    // the message.
    assert!(out.contains("usage: "), "{out}");

    let service = dir.join("service.sh");
    std::fs::write(
        &service,
        "aws kinesis describe-stream-summary --stream-name nope\nexpect $? == 255\n",
    )
    .unwrap();
    let file = service.to_str().unwrap();
    let (code, out, _) = shardlab(&["run", file]);
    assert_eq!(code, 0, "a service error is part of the scenario: {out}");
    assert!(out.contains("ResourceNotFoundException"), "{out}");
    let (code, out, _) = shardlab(&["run", "--strict", file]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("1 aws command(s) failed (--strict)"), "{out}");
    let (code, _, err) = shardlab(&["run", "--strict", "/nonexistent/x.sh"]);
    assert_eq!(code, 2, "{err}");
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn no_lesson_has_a_script_error() {
    for lesson in lessons() {
        let (_, runner, entries) = run_script(lesson.source).unwrap();
        let mistakes: Vec<String> = entries
            .iter()
            .filter(|e| matches!(e, Entry::ScriptError { .. }))
            .map(Entry::render)
            .collect();
        assert_eq!(runner.script_errors, 0, "{}: {mistakes:?}", lesson.name);
    }
}

/// The transcript's lines, rendered.
fn rendered(source: &str) -> Vec<String> {
    let (_, _, entries) = run_script(source).unwrap_or_else(|e| panic!("{e}"));
    entries.iter().map(Entry::render).collect()
}

/// Where `needle` is among the transcript's lines.
fn at(lines: &[String], needle: &str) -> usize {
    lines
        .iter()
        .position(|line| line.contains(needle))
        .unwrap_or_else(|| panic!("no {needle:?} in {lines:#?}"))
}

#[test]
fn a_questions_explanation_comes_after_what_it_predicts() {
    let ask = "ask \"Q?\" \"a\" \"b\" answer 2 because \"WHY\"";
    // At the next step: before it, so it belongs to the step that showed it.
    let lines = rendered(&format!("step one\n{ask}\necho observed\nstep two\n"));
    assert!(at(&lines, "answer: 2") < at(&lines, "observed"));
    assert!(!lines[at(&lines, "answer: 2")].contains("WHY"));
    let reveal = at(&lines, "= What happened: b");
    assert!(at(&lines, "observed") < reveal && reveal < at(&lines, "Step 2"));
    assert!(lines[reveal].contains("WHY"));
    // At the end of a wait until, once it is over.
    let lines = rendered(&format!(
        "aws kinesis create-stream --stream-name s --shard-count 1\n{ask}\n\
         wait until status s ACTIVE\necho after\n"
    ));
    assert!(at(&lines, "later: status s ACTIVE") < at(&lines, "= What happened: b"));
    assert!(at(&lines, "= What happened: b") < at(&lines, "after"));
    // Before the next question, and at the end of the script.
    let lines = rendered(&format!("{ask}\necho one\n{ask}\necho two\n"));
    let reveals: Vec<usize> = (0..lines.len())
        .filter(|&i| lines[i].contains("= What happened"))
        .collect();
    assert_eq!(reveals.len(), 2, "{lines:#?}");
    assert!(reveals[0] > at(&lines, "one") && reveals[0] < at(&lines, "two"));
    assert_eq!(reveals[1], lines.len() - 1);
}

#[test]
fn ask_shows_a_question_and_natively_its_answer() {
    let (_, entries) = transcript(
        "ask \"Which shard gets user-42?\" \"shard 0\" \"shard 1\" \"shard 2\" answer 2 because \"MD5 puts it in the second quarter\"
echo after
",
    );
    let Entry::Ask {
        line,
        question,
        choices,
        answer,
        explanation,
    } = &entries[0]
    else {
        panic!("{entries:?}");
    };
    assert_eq!(
        (*line, question.as_str(), choices.len(), *answer),
        (1, "Which shard gets user-42?", 3, 2)
    );
    assert_eq!(explanation, "MD5 puts it in the second quarter");
    let shown = entries[0].render();
    assert!(shown.contains("  2) shard 1\n"), "{shown}");
    assert!(shown.ends_with("  answer: 2\n"), "{shown}");
    assert_eq!(outputs(&entries), ["after\n"]);
    // The explanation comes once the script has shown what happens: here, at its end.
    assert_eq!(
        entries.last().map(Entry::render).as_deref(),
        Some("= What happened: shard 1\n  MD5 puts it in the second quarter\n")
    );
}

#[test]
fn a_malformed_ask_is_an_error_with_its_line() {
    let (_, entries) = transcript(
        "echo one
ask \"Q?\" \"only one\" answer 1
ask \"Q?\" a b answer 3
ask \"Q?\" a b
",
    );
    let errs = errors(&entries);
    assert_eq!(errs.len(), 3, "{errs:?}");
    assert!(errs[0].starts_with("line 2: ask takes a question, two or more choices"));
    assert!(errs[1].starts_with("line 3: ask: answer 3 is not one of the 2 choices"));
    assert!(errs[2].starts_with("line 4: ask takes"));
}

#[test]
fn a_recap_ends_the_script() {
    let lines = rendered("say a\nrecap \"What we learned.\"\n");
    assert_eq!(
        lines.last().map(String::as_str),
        Some("\n== Recap ==\nWhat we learned.\n")
    );
    // What was asked is told before it.
    let lines = rendered("ask \"Q?\" a b answer 1\nrecap \"Done.\"\n");
    assert!(at(&lines, "= What happened: a") < at(&lines, "== Recap =="));
}

/// Every task of every lesson: its condition does not hold when the task begins (the
/// learner has something to do), and its `--show` line, run at once where nobody clicks,
/// makes it hold: the task is done, the lesson goes on, and no script error says otherwise.
#[test]
fn every_lessons_task_is_done_by_its_show_line_and_not_before() {
    let mut tasks = 0;
    for lesson in lessons() {
        let (_, runner, entries) = run_script(lesson.source).unwrap();
        for (at, entry) in entries.iter().enumerate() {
            let Entry::Task { text, .. } = entry else {
                continue;
            };
            tasks += 1;
            let rest = &entries[at + 1..];
            let done = rest
                .iter()
                .position(|e| matches!(e, Entry::TaskDone { text: t, .. } if t == text))
                .unwrap_or_else(|| panic!("{}: task '{text}' was never done", lesson.name));
            // Before: the condition was false, so the show line ran (a command) first.
            assert!(
                matches!(rest.first(), Some(Entry::Command { .. })) && done > 0,
                "{}: task '{text}' held before its --show line ran",
                lesson.name
            );
        }
        assert_eq!(runner.script_errors, 0, "{}", lesson.name);
    }
    assert!(tasks >= 1, "some lesson has a task");
}

#[test]
fn a_task_without_show_waits_and_says_so_where_nobody_clicks() {
    let (_, runner, entries) = run_script(
        "aws kinesis create-stream --stream-name s --shard-count 1\n\
         task \"Split it\" until status s UPDATING\necho after\n",
    )
    .unwrap();
    let said: Vec<String> = entries.iter().map(Entry::render).collect();
    assert!(
        said.iter().any(|line| line.contains(
            "line 2: task 'Split it': 'status s UPDATING' did not happen within 10 min \
             (nobody does a task here: give it --show)"
        )),
        "{said:#?}"
    );
    assert_eq!(runner.script_errors, 1);
    assert_eq!(said.last().map(String::as_str), Some("after\n"));
}

#[test]
fn point_says_what_to_look_at_and_a_name_that_does_not_exist_is_an_error_with_its_line() {
    let (_, runner, entries) = run_script(
        "aws kinesis create-stream --stream-name s --shard-count 2\n\
         point shard shardId-000000000001\n\
         point shard shardId-000000000009\n\
         point panel hot-keys\n\
         echo after\n",
    )
    .unwrap();
    let said: Vec<String> = entries.iter().map(Entry::render).collect();
    assert!(
        said.contains(&"☞ look at the shard shardId-000000000001\n".to_string()),
        "{said:#?}"
    );
    assert!(
        said.contains(&"line 3: point: there is no shard named shardId-000000000009\n".to_string()),
        "{said:#?}"
    );
    assert!(said.contains(&"☞ look at the panel hot-keys\n".to_string()));
    assert_eq!(runner.script_errors, 1);
    assert_eq!(said.last().map(String::as_str), Some("after\n"));
}

#[test]
fn show_says_which_panels_natively() {
    let lines = rendered("show stream producers\nshow all\n");
    assert_eq!(
        lines,
        [
            "▣ panels shown: stream, producers\n",
            "▣ every panel shown\n"
        ]
    );
}

/// A malformed task, point or show is an error when the script is read: its line and column,
/// the line with a caret, and in CI `FILE:LINE:COLUMN:` with exit status 2.
#[test]
fn a_malformed_task_point_or_show_gives_its_line_and_column() {
    use shardlab::script::Runner;
    for (source, line, column, start) in [
        (
            "say a\n  task \"Split\" untill status s ACTIVE --show \"echo x\"\n",
            2,
            16,
            "task takes what to do, then until and a condition",
        ),
        (
            "task \"Split\" until status s ACTIVE --hint-after 30s\n",
            1,
            36,
            "--hint-after needs a duration and a hint",
        ),
        (
            "say a\nsay b\npoint lane shardId-000000000001\n",
            3,
            7,
            "point: unknown subcommand 'lane'",
        ),
        ("point shard\n", 1, 7, "point shard takes one name"),
        ("show stream chart\n", 1, 13, "show knows the panels"),
    ] {
        let error = Runner::new(source).unwrap_err();
        assert_eq!(
            (error.position.line, error.position.column),
            (line, column),
            "{source:?}: {error}"
        );
        assert!(error.message.starts_with(start), "{source:?}: {error}");
        assert!(
            error.to_string().trim_end().ends_with('^'),
            "a caret: {error}"
        );
    }
    let dir = std::env::temp_dir().join(format!("shardlab-malformed-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("lesson.sh");
    std::fs::write(
        &file,
        "# title: T\n# goal: Split a shard.\ntask \"Split\" until status s ACTIVE\n",
    )
    .unwrap();
    let file = file.to_str().unwrap();
    let (code, _, err) = shardlab(&["run", file]);
    assert_eq!(code, 2);
    assert!(
        err.starts_with(&format!("{file}:3:1: a task in a lesson file needs --show")),
        "{err}"
    );
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn a_task_at_the_console_says_it_is_a_lessons() {
    use shardlab::script::Runner;
    use shardlab::sim::World;
    let mut world = World::new(1);
    let mut console = Runner::console();
    let mut out = Vec::new();
    console.run_line(
        "task \"Split\" until 1 == 2 --show \"echo x\"",
        &mut world,
        &mut out,
    );
    let said: Vec<String> = out.iter().map(Entry::render).collect();
    assert_eq!(
        said,
        ["task is a lesson's: it waits for the learner to act; at the console, just do it\n"]
    );
    assert_eq!(world.elapsed_ms(), 0, "no time passed");
}
