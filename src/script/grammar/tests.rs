//! Unit tests of the command table: every command reachable, options well formed.
use super::*;

/// Every command and subcommand, with the words naming it.
fn all() -> Vec<(String, &'static Command)> {
    fn walk(path: String, command: &'static Command, out: &mut Vec<(String, &'static Command)>) {
        out.push((path.clone(), command));
        for sub in command.subcommands {
            walk(format!("{path} {}", sub.name), sub, out);
        }
    }
    let mut out = Vec::new();
    for command in COMMANDS {
        walk(command.name.to_string(), command, &mut out);
    }
    out
}

#[test]
fn every_command_has_a_line_of_help_and_names_are_not_repeated() {
    let mut names: Vec<&str> = command_names();
    names.sort();
    names.dedup();
    assert_eq!(names.len(), COMMANDS.len());
    for (path, command) in all() {
        assert!(!command.help.is_empty(), "{path} has no help");
        let mut subs = command.subcommand_names();
        subs.sort();
        subs.dedup();
        assert_eq!(subs.len(), command.subcommands.len(), "{path}");
        for option in command.options {
            assert!(option.flag.starts_with("--"), "{path} {}", option.flag);
            assert!(!option.help.is_empty(), "{path} {}", option.flag);
        }
        for word in command.words.iter().filter(|w| w.required) {
            assert!(!word.needs.is_empty(), "{path} {}", word.name);
        }
    }
}

#[test]
fn a_missing_or_misspelt_subcommand_is_explained() {
    let words = |text: &str| -> Vec<String> { text.split_whitespace().map(String::from).collect() };
    assert_eq!(
        PRODUCER.find_subcommand(&[]).unwrap_err(),
        "what should it do? one of: add, set, remove, pause, stop, resume"
    );
    assert_eq!(
        PRODUCER.find_subcommand(&words("ad web")).unwrap_err(),
        "unknown subcommand 'ad'; did you mean 'add'?"
    );
    assert_eq!(
        SIM.find_subcommand(&words("frob")).unwrap_err(),
        "unknown subcommand 'frob'"
    );
    let line = words("worker kill a/w");
    let (sub, rest) = KCL.find_subcommand(&line).unwrap();
    assert_eq!((sub.name, rest.len()), ("worker", 2));
}

#[test]
fn producer_and_consumer_subcommands_read_the_options_of_add_and_show_their_own() {
    let flags = |options: Vec<&Opt>| options.iter().map(|o| o.flag).collect::<Vec<_>>();
    let add = PRODUCER.subcommand("add").unwrap();
    let remove = PRODUCER.subcommand("remove").unwrap();
    assert_eq!(
        flags(remove.read_options(Some(&PRODUCER))),
        flags(add.read_options(Some(&PRODUCER)))
    );
    assert!(remove.shown_options(Some(&PRODUCER)).is_empty());
    let describe = SIM.subcommand("describe").unwrap();
    assert_eq!(
        flags(describe.read_options(Some(&SIM))),
        ["--query", "--output"],
        "sim's subcommands read only their own"
    );
    let app = KCL
        .subcommand("app")
        .and_then(|a| a.subcommand("add"))
        .unwrap();
    let read = flags(app.read_options(None));
    assert_eq!(
        &read[read.len() - 2..],
        ["--no-priority", "--forget-shard-end"],
        "switches come after the options with a value"
    );
}

#[test]
fn only_producer_add_requires_its_stream_and_rate() {
    let required = |command: &Command| {
        command
            .options
            .iter()
            .filter(|o| o.required)
            .map(|o| o.flag)
            .collect::<Vec<_>>()
    };
    assert_eq!(
        required(PRODUCER.subcommand("add").unwrap()),
        ["--stream", "--rate"]
    );
    assert!(required(PRODUCER.subcommand("set").unwrap()).is_empty());
    assert_eq!(
        required(CONSUMER.subcommand("add").unwrap()),
        ["--stream", "--shard-id"]
    );
}

#[test]
fn values_offer_their_words_and_the_start_of_their_forms() {
    assert_eq!(
        Value::Forms(&["every:N", "interval:T", "batch", "never"]).fixed_offers(),
        ["every:", "interval:", "batch", "never"]
    );
    assert_eq!(
        Value::OneOf(&["none", "backoff"]).fixed_offers(),
        ["none", "backoff"]
    );
    assert!(Value::Stream.fixed_offers().is_empty(), "the world's names");
    assert_eq!(one_of(&["a", "b", "c"]), "a, b or c");
    let retry = PRODUCER.subcommand("add").unwrap().options[6];
    assert_eq!(retry.flag, "--retry");
    assert_eq!(retry.not_one_of("x"), "--retry is none or backoff, not 'x'");
}

#[test]
fn the_statuses_are_the_engines_as_the_api_writes_them() {
    assert_eq!(
        stream_status_words(),
        ["CREATING", "ACTIVE", "UPDATING", "DELETING"]
    );
    for status in STREAM_STATUSES {
        assert_eq!(stream_status(status.as_str()), Some(status));
    }
    assert_eq!(stream_status("active"), None);
    assert_eq!(
        Value::StreamStatus.fixed_offers(),
        stream_status_words(),
        "Tab offers them"
    );
}

#[test]
fn a_value_in_forms_is_known_by_the_name_of_its_form() {
    let checkpoint = Value::Forms(&[
        checkpoint::EVERY,
        checkpoint::INTERVAL,
        checkpoint::BATCH,
        checkpoint::NEVER,
    ]);
    assert_eq!(
        checkpoint.form_of("every:5"),
        Some((checkpoint::EVERY, "5"))
    );
    assert_eq!(
        checkpoint.form_of("interval:2s:x"),
        Some((checkpoint::INTERVAL, "2s:x"))
    );
    assert_eq!(checkpoint.form_of("batch"), Some((checkpoint::BATCH, "")));
    assert_eq!(checkpoint.form_of("batch:1"), None);
    assert_eq!(checkpoint.form_of("every"), None);
    assert_eq!(
        Value::Forms(keys::FORMS).form_of("hot:k:0.5"),
        Some((keys::HOT, "k:0.5"))
    );
    assert_eq!(Value::Text.form_of("every:5"), None);
}

#[test]
fn a_condition_is_in_the_form_its_first_word_names_or_else_compares() {
    let words = |text: &str| -> Vec<String> { text.split_whitespace().map(String::from).collect() };
    let line = words("lease app shardId-000000000001 moves");
    let (form, rest) = WAIT_UNTIL.form(&line);
    assert_eq!((form.name, rest.len()), (condition::LEASE, 3));
    assert!(form.takes(rest));
    assert!(!form.takes(&words("app shardId-000000000001 stays")));
    assert!(!form.takes(&words("app shardId-000000000001")));
    let line = words("$X == 3");
    let (form, rest) = WAIT_UNTIL.form(&line);
    assert_eq!((form.name, rest.len()), (WAIT_UNTIL.name, 3));
    assert!(form.takes(rest));
    let throttled = WAIT_UNTIL.subcommand(condition::THROTTLED).unwrap();
    assert!(throttled.takes(&["orders"]) && throttled.takes(&["orders", "shardId-000000000001"]));
    assert!(!throttled.takes::<&str>(&[]));
}

#[test]
fn usage_shows_the_words_written_as_they_are_and_help_the_limits() {
    let usage: Vec<String> = ASK.words.iter().map(Arg::usage).collect();
    assert_eq!(
        usage,
        ["QUESTION", "CHOICE CHOICE...", "answer N", "[because WHY]"]
    );
    let limits = |option: Opt| option.limits.map(|l| l.describe()).unwrap_or_default();
    assert_eq!(limits(UNTIL_TIMEOUT), "10m unless told, 24h at most");
    assert_eq!(limits(UNTIL_EVERY), "500ms unless told, 100ms at least");
}

#[test]
fn what_each_command_does_to_the_world_is_written_in_the_table() {
    let changing: Vec<String> = all()
        .into_iter()
        .filter(|(_, command)| matches!(command.effect, Effect::Changes(_)))
        .map(|(path, _)| path)
        .collect();
    assert_eq!(
        changing,
        [
            "producer add",
            "producer set",
            "producer remove",
            "producer pause",
            "producer stop",
            "producer resume",
            "consumer add",
            "consumer remove",
            "consumer pause",
            "consumer stop",
            "consumer resume",
            "kcl app add",
            "kcl app set",
            "kcl worker add",
            "kcl worker kill",
            "kcl worker pause",
            "kcl worker restart",
            "kcl worker remove",
            "kcl worker load",
            "sim limits",
            "sim seed",
            "sim cli",
            "wait",
            "wait until",
            "at",
            "task",
            "sleep",
        ]
    );
    // The aws kinesis commands, from the CLI's table.
    let words = |line: &str| line.split(' ').map(String::from).collect::<Vec<_>>();
    for (line, expected) in [
        (
            "aws kinesis put-record --stream-name s",
            Effect::Changes("writes to the stream"),
        ),
        (
            "aws kinesis put-records",
            Effect::Changes("writes to the stream"),
        ),
        (
            "aws kinesis create-stream",
            Effect::Changes("creates a stream"),
        ),
        (
            "aws kinesis delete-stream",
            Effect::Changes("deletes a stream"),
        ),
        (
            "aws kinesis merge-shards",
            Effect::Changes("reshards the stream"),
        ),
        (
            "aws kinesis decrease-stream-retention-period",
            Effect::Changes("changes how long the stream keeps records"),
        ),
        (
            "aws kinesis wait stream-exists",
            Effect::Changes(TIME_PASSES),
        ),
        (
            "aws kinesis get-records --shard-iterator x",
            Effect::Observes,
        ),
        ("aws kinesis get-shard-iterator", Effect::Observes),
        ("aws kinesis list-shards", Effect::Observes),
        ("sim describe --query x", Effect::Observes),
        ("echo hi", Effect::Observes),
        ("kcl worker frob", Effect::Observes),
    ] {
        assert_eq!(effect_of(&words(line)).1, expected, "{line}");
    }
    assert_eq!(
        effect_of(&words("kcl worker kill app/w")),
        (
            "kcl worker kill".to_string(),
            Effect::Changes("kills a worker")
        )
    );
}
