//! The reader's tests: words, quotes, expansions, positions.

use super::*;

fn texts(source: &str) -> Vec<Vec<String>> {
    parse_script(source)
        .unwrap()
        .into_iter()
        .map(|s| match s.action {
            Action::Run(command) => command
                .words
                .iter()
                .map(|w| w.literal().unwrap_or_else(|| "<expansion>".into()))
                .collect(),
            Action::Assign { name, .. } => vec![format!("{name}=")],
        })
        .collect()
}

#[test]
fn quotes_comments_and_continuations() {
    let script = "# a comment\naws kinesis put-record --data 'hello world' \\\n  --partition-key \"k 1\"  # trailing\n\nsay \"it's \\\"fine\\\"\"\n";
    assert_eq!(
        texts(script),
        vec![
            vec![
                "aws",
                "kinesis",
                "put-record",
                "--data",
                "hello world",
                "--partition-key",
                "k 1"
            ],
            vec!["say", "it's \"fine\""],
        ]
    );
    let statements = parse_script(script).unwrap();
    assert_eq!(statements[0].line, 2);
    assert_eq!(statements[1].line, 5);
}

#[test]
fn variables_and_command_substitution() {
    let statements =
        parse_script("X=$(aws kinesis list-streams --query 'StreamNames[0]')\necho ${X}-$?")
            .unwrap();
    match &statements[0].action {
        Action::Assign { name, value } => {
            assert_eq!(name, "X");
            let Part::Command(command) = &value.parts[1] else {
                panic!("{value:?}")
            };
            assert_eq!(command.words.len(), 5);
            assert_eq!(
                command.text,
                "aws kinesis list-streams --query 'StreamNames[0]'"
            );
        }
        other => panic!("{other:?}"),
    }
    match &statements[1].action {
        Action::Run(command) => assert_eq!(
            command.words[1].parts,
            vec![Part::Var("X".into()), Part::Text("-".into()), Part::Status]
        ),
        other => panic!("{other:?}"),
    }
}

#[test]
fn errors_point_at_line_and_column() {
    let error = parse_script("say ok\nsay 'never closed\n").unwrap_err();
    assert_eq!(error.position, Position { line: 2, column: 5 });
    assert_eq!(
        error.to_string(),
        "line 2, column 5: this ' is never closed\n  say 'never closed\n      ^"
    );
    let error = parse_script("echo $(aws kinesis list-streams\n").unwrap_err();
    assert_eq!(error.position, Position { line: 1, column: 6 });
    let error = parse_script("A=1 2").unwrap_err();
    assert_eq!(error.position, Position { line: 1, column: 5 });
    let big = "#".repeat(MAX_SCRIPT_BYTES + 1);
    assert!(parse_script(&big).unwrap_err().message.contains("at most"));
}

#[test]
fn continued_lines_report_the_right_physical_line() {
    let error = parse_script("aws kinesis put-record \\\n  --data \"open").unwrap_err();
    assert_eq!(
        error.position,
        Position {
            line: 2,
            column: 10
        }
    );
}
