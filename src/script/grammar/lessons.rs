//! The command table's lesson commands: what a lesson says (`say`, `step`, `recap`), asks
//! (`ask`), has the learner do (`task`), points at (`point`) and shows (`show`).
//!
//! Apart from the rest of the table (`table.rs`) because these talk to the learner rather
//! than to the world, and they change together: a lesson is narration, questions, tasks and
//! what the page shows around them. The words they match on (the page's panels, the kinds of
//! element `point` knows, `ask`'s `answer` and `because`) are constants here, which the
//! runner, the page, help and Tab read alike.

use super::table::{
    command, group, option, optional_word, text, word, COMPARISON, TIME_PASSES, WAIT_UNTIL,
};
use super::{Arg, Command, Effect, Opt, Syntax, Value};

/// `say TEXT...`.
pub const SAY: Command = command(
    "say",
    "narrate: say \"Shard 1 is throttled.\"",
    &[text("TEXT...")],
);

/// `step TITLE...`.
pub const STEP: Command = command(
    "step",
    "begin a lesson step, which waits for Next: step \"Split the hot shard\"",
    &[text("TITLE...")],
);

/// `ask "question" "choice" "choice" ... answer N [because "explanation"]`.
pub const ASK: Command = command(
    "ask",
    "ask a question before showing what answers it; the because comes after",
    &[
        text("QUESTION"),
        text("CHOICE CHOICE..."),
        Arg {
            preceded_by: Some(ask::ANSWER),
            ..text("N")
        },
        Arg {
            preceded_by: Some(ask::BECAUSE),
            ..optional_word("WHY", Value::Text)
        },
    ],
);

/// The words of `ask` after its choices.
pub mod ask {
    pub const ANSWER: &str = "answer";
    pub const BECAUSE: &str = "because";
}

/// `recap TEXT...`: ends a lesson.
pub const RECAP: Command = command(
    "recap",
    "end a lesson: what was learned, then the way to the next lesson",
    &[text("TEXT...")],
);

/// `task "what to do" until CONDITION [--hint-after DURATION "hint"] [--show "COMMAND
/// LINE"]`: the learner's turn. Its conditions are `wait until`'s (the same subcommands and
/// `VALUE OP VALUE`), after its own words.
pub const TASK: Command = Command {
    syntax: Syntax::Condition,
    lead: &[text("WHAT TO DO"), TASK_UNTIL],
    words: &COMPARISON,
    options: &[TASK_HINT_AFTER, TASK_SHOW],
    subcommands: WAIT_UNTIL.subcommands,
    effect: Effect::Changes(TIME_PASSES),
    ..group(
        "task",
        "the learner's turn: the lesson goes on once they make the condition true",
        &[],
    )
};

/// The word between a task's text and its condition.
pub const TASK_UNTIL: Arg = word("until", Value::OneOf(&["until"]), "until");

/// `--hint-after DURATION "hint"`.
pub const TASK_HINT_AFTER: Opt = Opt {
    then: Some(("HINT", Value::Text)),
    ..option(
        "--hint-after",
        Value::Duration,
        "after this long (simulated), show the hint that follows",
    )
};

/// `--show "COMMAND LINE"`.
pub const TASK_SHOW: Opt = option(
    "--show",
    Value::Text,
    "the command line Show me runs through the console (natively it runs at once)",
);

/// `point KIND NAME`: the kinds of element are its subcommands.
pub const POINT: Command = group(
    "point",
    "outline an element of the page while the narration is shown: point shard shardId-000000000001",
    &[
        command(point::SHARD, "a shard's lane", &[SHARD]),
        command(
            point::PRODUCER,
            "a producer",
            &[word("NAME", Value::Producer, "a producer's name")],
        ),
        command(
            point::CONSUMER,
            "a consumer, among its shard's readers",
            &[word("NAME", Value::Consumer, "a consumer's name")],
        ),
        command(
            point::APP,
            "a KCL application",
            &[word("NAME", Value::App, "an application's name")],
        ),
        command(
            point::WORKER,
            "a KCL worker's card",
            &[word("APP/WORKER", Value::Worker, "APP/WORKER")],
        ),
        command(
            point::LEASE,
            "a row of the lease table",
            &[word("LEASE", Value::Lease, "a lease key (a shard id)")],
        ),
        command(
            point::CHART,
            "a chart",
            &[word("CHART", Value::OneOf(point::CHARTS), "a chart")],
        ),
        command(
            point::PANEL,
            "a panel",
            &[word("PANEL", Value::OneOf(panel::ALL), "a panel")],
        ),
    ],
);

const SHARD: Arg = word("SHARD_ID", Value::Shard, "a shard id");

/// What `point` points at: its kinds, and the charts' names.
pub mod point {
    pub const SHARD: &str = "shard";
    pub const PRODUCER: &str = "producer";
    pub const CONSUMER: &str = "consumer";
    pub const APP: &str = "app";
    pub const WORKER: &str = "worker";
    pub const LEASE: &str = "lease";
    pub const CHART: &str = "chart";
    pub const PANEL: &str = "panel";
    /// The charts, by the metric they plot (CloudWatch's names where they have one).
    pub const CHARTS: &[&str] = &[
        "IncomingRecords",
        "WriteProvisionedThroughputExceeded",
        "MillisBehindLatest",
        "producers",
        "leases",
        "latency",
    ];
}

/// `show PANEL...` or `show all`.
pub const SHOW: Command = command(
    "show",
    "show only the panels a lesson step needs (show all: every panel again)",
    &[word(
        "PANEL...",
        Value::OneOf(panel::CHOICES),
        "a panel, or all",
    )],
);

/// The page's panels, as `show` and `point panel` name them.
pub mod panel {
    pub const STREAM: &str = "stream";
    pub const PRODUCERS: &str = "producers";
    pub const KCL: &str = "kcl";
    pub const CHARTS: &str = "charts";
    pub const CONSOLE: &str = "console";
    pub const HISTORY: &str = "history";
    pub const EXPLAINER: &str = "explainer";
    pub const HOT_KEYS: &str = "hot-keys";
    pub const TREE: &str = "tree";
    /// Every panel.
    pub const ALL: &[&str] = &[
        STREAM, PRODUCERS, KCL, CHARTS, CONSOLE, HISTORY, EXPLAINER, HOT_KEYS, TREE,
    ];
    /// `show all`.
    pub const EVERY: &str = "all";
    /// What `show` takes.
    pub const CHOICES: &[&str] = &[
        STREAM, PRODUCERS, KCL, CHARTS, CONSOLE, HISTORY, EXPLAINER, HOT_KEYS, TREE, EVERY,
    ];
}
