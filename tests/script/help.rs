//! `help`: the language explained from its command table.

use super::{errors, outputs};
use shardlab::script::Runner;
use shardlab::sim::World;

/// What `help` with these words prints, its errors, and its exit status.
fn help(words: &str) -> (String, String, i32) {
    let mut world = World::new(1);
    let mut runner = Runner::console();
    let mut entries = Vec::new();
    runner.run_line(&format!("help {words}"), &mut world, &mut entries);
    (
        outputs(&entries).join(""),
        errors(&entries).join(""),
        runner.status(),
    )
}

#[test]
fn help_lists_every_command_with_a_line_about_it() {
    let (out, err, status) = help("");
    assert_eq!((err.as_str(), status), ("", 0));
    for command in [
        "aws", "producer", "consumer", "kcl", "sim", "wait", "at", "say", "step", "ask", "expect",
        "echo", "sleep", "help",
    ] {
        assert!(
            out.lines()
                .any(|line| line.starts_with(&format!("  {command} "))),
            "{command} in\n{out}"
        );
    }
    assert!(
        out.contains("producers writing records to a stream"),
        "{out}"
    );
    // Tab offers it like any command.
    let completion = shardlab::script::complete::complete("he", &World::new(1));
    assert_eq!(completion.candidates, ["help"]);
}

#[test]
fn help_for_a_command_shows_its_subcommands_options_kinds_and_what_is_required() {
    let (out, _, status) = help("producer");
    assert_eq!(status, 0);
    for expected in [
        "producer add NAME --stream STREAM --rate N [options]",
        "producer set NAME [options]",
        "producer pause NAME DURATION",
        "--rate N",
        "records per second; required",
        "--retry none|backoff",
        "uniform:N, random, zipf:S:N or hot:KEY:FRACTION[:N]",
        "NAME: a producer's name",
    ] {
        assert!(out.contains(expected), "{expected:?} in\n{out}");
    }
    let (kcl, _, _) = help("kcl");
    assert!(
        kcl.contains("kcl app add NAME --stream STREAM [options]"),
        "{kcl}"
    );
    assert!(
        kcl.contains("kcl worker restart APP/WORKER [NEW_ID]"),
        "{kcl}"
    );
    let (pause, _, _) = help("kcl worker pause");
    assert!(pause.starts_with("kcl worker pause: "), "{pause}");
    assert!(!pause.contains("kcl worker kill"), "{pause}");
    let (wait, _, _) = help("wait");
    assert!(wait.contains("lease APP LEASE moves"), "{wait}");
    assert!(wait.contains("--timeout DURATION"), "{wait}");
    assert!(
        wait.contains("give up after this long (10m unless told, 24h at most)"),
        "{wait}"
    );
    assert!(
        wait.contains("check this often (500ms unless told, 100ms at least)"),
        "{wait}"
    );
    assert!(
        wait.contains("STATUS: CREATING, ACTIVE, UPDATING or DELETING"),
        "{wait}"
    );
    let (ask, _, _) = help("ask");
    assert!(
        ask.contains("ask QUESTION CHOICE CHOICE... answer N [because WHY]"),
        "{ask}"
    );
}

#[test]
fn help_for_an_aws_command_lists_the_options_of_its_request() {
    let (out, _, status) = help("aws put-record");
    assert_eq!(status, 0);
    let (same, _, _) = help("aws kinesis put-record");
    assert_eq!(out, same);
    assert!(out.contains("the PutRecord action"), "{out}");
    for expected in [
        "--stream-name STREAM",
        "--partition-key TEXT",
        "PartitionKey; required",
        "--explicit-hash-key TEXT",
        "--sequence-number-for-ordering TEXT",
    ] {
        assert!(out.contains(expected), "{expected:?} in\n{out}");
    }
    assert!(!out.contains("ExplicitHashKey; required"), "{out}");
    let (all, _, _) = help("aws");
    assert!(all.contains("put-records"), "{all}");
    assert!(all.contains("--cli-binary-format"), "{all}");
}

#[test]
fn help_for_a_misspelt_command_suggests_the_close_one() {
    let (out, err, status) = help("prodcer");
    assert_eq!(out, "");
    assert_eq!(
        err,
        "help: there is no command 'prodcer'; did you mean 'producer'?\n"
    );
    assert_eq!(status, 2);
    let (_, err, _) = help("aws put-recrd");
    assert!(err.contains("did you mean 'put-record'?"), "{err}");
    let (_, err, _) = help("producer frob");
    assert!(
        err.contains("add, set, remove, pause, stop, resume"),
        "{err}"
    );
}
