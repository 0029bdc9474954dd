//! The command table itself: every command of the scenario language with its subcommands,
//! words and options, written with a few `const fn`s so that each entry reads as a line of
//! usage. Apart from the types in [`super`] because it is long and is only data.
//!
//! The words a command matches on (a `--retry` choice, a `--checkpoint` form, a condition of
//! `wait until`, `ask`'s `answer`, the comparisons) are constants here, in small modules named
//! after what they choose, so that the table and the code doing what they say share them.

use super::lessons::{ASK, POINT, RECAP, SAY, SHOW, STEP, TASK};
use super::{Arg, Command, Effect, Limits, Opt, Syntax, Value};
use crate::script::until::{DEFAULT_EVERY_MS, DEFAULT_TIMEOUT_MS, MAX_TIMEOUT_MS, MIN_EVERY_MS};

/// Every command of the language, in the order "did you mean" weighs them.
pub static COMMANDS: &[Command] = &[
    AWS,
    PRODUCER,
    CONSUMER,
    KCL,
    SIM,
    WAIT,
    AT,
    SAY,
    STEP,
    ASK,
    TASK,
    POINT,
    SHOW,
    RECAP,
    EXPECT,
    command(
        "echo",
        "print words, with variables and $(...) expanded",
        &[text("WORDS...")],
    ),
    SLEEP,
    command(
        "help",
        "this list; help COMMAND [SUBCOMMAND] tells more about one",
        &[
            optional_word("COMMAND", Value::Text),
            optional_word("SUBCOMMAND", Value::Text),
        ],
    ),
];

/// `at TIME`: read by `script_commands.rs`, as are `ask`, `expect` and `sleep`.
pub const AT: Command = command(
    "at",
    "wait until this long after the start: at 2m",
    &[word("TIME", Value::Duration, "a time since the start")],
)
.changes(TIME_PASSES);

/// `expect VALUE OP VALUE`.
pub const EXPECT: Command = command(
    "expect",
    "check a value; a $(...) in it may only look: expect $SHARD == shardId-000000000000",
    &COMPARISON,
);

/// `sleep SECONDS`.
pub const SLEEP: Command = command(
    "sleep",
    "wait some seconds, as the shell's sleep does: sleep 5",
    &[word("SECONDS", Value::Number, "seconds")],
)
.changes(TIME_PASSES);

/// `aws kinesis COMMAND`: its commands and options are the CLI's ([`crate::script::aws_cli`]).
pub const AWS: Command = command(
    "aws",
    "the AWS CLI's Kinesis commands (help aws lists them)",
    &[
        word("kinesis", Value::OneOf(&["kinesis"]), "a service"),
        word("COMMAND", Value::Text, "a command"),
    ],
);

pub const PRODUCER: Command = Command {
    shared_options: true,
    ..group(
        "producer",
        "producers writing records to a stream at a steady rate",
        &[
            command("add", "start a producer", &[NEW_NAME])
                .options(&producer_options(true))
                .changes("starts a producer"),
            command("set", "change a producer's options", &[PRODUCER_WORD])
                .options(&producer_options(false))
                .changes("changes a producer"),
            command("remove", "remove a producer", &[PRODUCER_WORD])
                .options(&[])
                .changes("removes a producer"),
            command(
                "pause",
                "pause a producer for a while",
                &[
                    PRODUCER_WORD,
                    pause_for("a duration, as in: producer pause NAME 30s"),
                ],
            )
            .options(&[])
            .changes("pauses a producer"),
            command(
                "stop",
                "stop a producer until it is resumed",
                &[PRODUCER_WORD],
            )
            .options(&[])
            .changes("stops a producer"),
            command(
                "resume",
                "resume a paused or stopped producer",
                &[PRODUCER_WORD],
            )
            .options(&[])
            .changes("resumes a producer"),
        ],
    )
};

pub const CONSUMER: Command = Command {
    shared_options: true,
    ..group(
        "consumer",
        "consumers reading one shard with GetRecords, as a simple application would",
        &[
            command("add", "start a consumer", &[NEW_NAME])
                .options(&[
                    STREAM,
                    required(option("--shard-id", Value::Shard, "the shard it reads")),
                    option(
                        "--shard-iterator-type",
                        Value::OneOf(&[
                            position::TRIM_HORIZON,
                            position::LATEST,
                            position::AT_TIMESTAMP,
                        ]),
                        "where it starts reading (LATEST unless told)",
                    ),
                    TIMESTAMP,
                    option(
                        "--idle",
                        Value::Duration,
                        "how long it waits between GetRecords calls",
                    ),
                    option(
                        "--limit",
                        Value::Number,
                        "the most records one GetRecords call returns",
                    ),
                    switch(
                        "--efo",
                        "read with enhanced fan-out (SubscribeToShard), not GetRecords",
                    ),
                ])
                .changes("starts a consumer"),
            command("remove", "remove a consumer", &[CONSUMER_WORD])
                .options(&[])
                .changes("removes a consumer"),
            command(
                "pause",
                "pause a consumer for a while",
                &[
                    CONSUMER_WORD,
                    pause_for("a duration, as in: consumer pause NAME 30s"),
                ],
            )
            .options(&[])
            .changes("pauses a consumer"),
            command(
                "stop",
                "stop a consumer until it is resumed",
                &[CONSUMER_WORD],
            )
            .options(&[])
            .changes("stops a consumer"),
            command(
                "resume",
                "resume a paused or stopped consumer",
                &[CONSUMER_WORD],
            )
            .options(&[])
            .changes("resumes a consumer"),
        ],
    )
};

pub const KCL: Command = group(
    "kcl",
    "KCL applications and their workers, sharing a stream's shards through leases",
    &[
        group(
            "app",
            "KCL applications",
            &[
                command(
                    "add",
                    "start a KCL application with its workers",
                    &[NEW_NAME],
                )
                .options(KCL_APP_OPTIONS)
                .changes("starts a KCL application"),
                command(
                    "set",
                    "redeploy a KCL application with another retrieval: its workers restart and resume from their checkpoints",
                    &[word("APP", Value::App, "an application")],
                )
                .options(&[required(option(
                    "--retrieval",
                    Value::OneOf(&[retrieval::POLLING, retrieval::FAN_OUT]),
                    "enhanced fan-out (SubscribeToShard per shard) or polling (GetRecords)",
                ))])
                .changes("redeploys a KCL application"),
            ],
        ),
        group(
            "worker",
            "the workers of a KCL application",
            &[
                command(
                    "add",
                    "start one more worker",
                    // Named APP/WORKER when missing, as every worker subcommand is.
                    &[
                        word("APP", Value::App, "APP/WORKER"),
                        optional_word("ID", Value::Text),
                    ],
                )
                .changes("starts a worker"),
                command(
                    "kill",
                    "kill a worker: its leases expire and others take them",
                    &[WORKER_WORD],
                )
                .changes("kills a worker"),
                command(
                    "pause",
                    "freeze a worker for a while (a long garbage collection)",
                    &[
                        WORKER_WORD,
                        pause_for("a duration, as in: kcl worker pause app/worker-1 40s"),
                    ],
                )
                .changes("pauses a worker"),
                command(
                    "restart",
                    "restart a killed worker, under a new id if given",
                    &[WORKER_WORD, optional_word("NEW_ID", Value::Text)],
                )
                .changes("restarts a worker"),
                command(
                    "remove",
                    "shut a worker down gracefully and remove it",
                    &[WORKER_WORD],
                )
                .changes("removes a worker"),
                command(
                    "load",
                    "KCL 3.x: set the load on a worker's host besides the KCL, in percent of its CPU",
                    &[
                        WORKER_WORD,
                        word(
                            "PERCENT",
                            Value::Number,
                            "a percentage, as in: kcl worker load app/worker-1 80",
                        ),
                    ],
                )
                .changes("sets a worker's background load"),
            ],
        ),
    ],
);

pub const SIM: Command = group(
    "sim",
    "the simulated world: a snapshot, its time, its cost, shard limits, its seed, the AWS CLI it imitates",
    &[
        command("describe", "print the world as JSON", &[]).options(&[
            option(
                "--query",
                Value::Text,
                "a JMESPath expression picking what to print",
            ),
            option(
                "--output",
                Value::OneOf(&["json", "text"]),
                "how to print it",
            ),
        ]),
        command("time", "how much simulated time has passed", &[]),
        command(
            "cost",
            "the bill so far by item, and the rate per hour now (illustrative us-east-1 prices)",
            &[],
        ),
        command(
            "limits",
            "change what each shard of a stream accepts and serves per second",
            &[],
        )
        .options(&[
            STREAM,
            option(
                "--write-records",
                Value::Number,
                "records written per second",
            ),
            option("--write-bytes", Value::Number, "bytes written per second"),
            option("--read-calls", Value::Number, "GetRecords calls per second"),
            option("--read-bytes", Value::Number, "bytes read per second"),
        ])
        .changes("changes what the stream's shards accept"),
        command(
            "seed",
            "start again with this seed (first thing in a script)",
            &[word("N", Value::Number, "a whole number")],
        )
        .changes("starts the world again"),
        command(
            "cli",
            "which AWS CLI the console imitates: v1 (1.x, the default) or v2 (2.x)",
            &[word("VERSION", Value::OneOf(&["v1", "v2"]), "v1 or v2")],
        )
        .changes("changes how aws commands read --data and report errors"),
    ],
);

/// Where reading starts: `--initial-position` (`kcl app add`), `--shard-iterator-type`
/// (`consumer add`).
pub mod position {
    pub const LATEST: &str = "LATEST";
    pub const TRIM_HORIZON: &str = "TRIM_HORIZON";
    pub const AT_TIMESTAMP: &str = "AT_TIMESTAMP";
}

/// `wait DURATION [--fast]`, or `wait until ...`.
pub const WAIT: Command = Command {
    words: &[word("DURATION", Value::Duration, "a duration")],
    syntax: Syntax::Options,
    options: &[WAIT_FAST],
    effect: Effect::Changes(TIME_PASSES),
    ..group(
        "wait",
        "let simulated time pass, or wait until something happens",
        &[WAIT_UNTIL],
    )
};

/// `wait DURATION --fast`: the page fast-forwards over the wait, whatever its speed, as a
/// console `wait` does (for the hours and days a lesson must skip).
pub const WAIT_FAST: Opt = switch(
    "--fast",
    "fast-forward over the wait in the page, whatever the speed (for hours and days)",
);

/// `wait until CONDITION [--timeout DURATION] [--every DURATION]`: the conditions are its
/// subcommands, and `VALUE OP VALUE` the form it takes without one ([`super::super::until`]).
pub const WAIT_UNTIL: Command = Command {
    syntax: Syntax::Condition,
    words: &COMPARISON,
    options: &[UNTIL_TIMEOUT, UNTIL_EVERY],
    effect: Effect::Changes(TIME_PASSES),
    ..group(
        "until",
        "wait until a condition holds, checking it as simulated time passes",
        &[
            command(
                condition::THROTTLED,
                "a write to the stream (or to this shard of it) is refused",
                &THROTTLED,
            ),
            command(
                condition::READ_THROTTLED,
                "a GetRecords call on the stream (or this shard of it) is refused",
                &THROTTLED,
            ),
            command(
                condition::LEASE,
                "the lease gets a new owner",
                &[
                    word("APP", Value::App, "an application"),
                    word("LEASE", Value::Lease, "a lease"),
                    word(
                        condition::MOVES,
                        Value::OneOf(&[condition::MOVES]),
                        condition::MOVES,
                    ),
                ],
            ),
            command(
                condition::STATUS,
                "the stream's StreamStatus is this one",
                &[STREAM_WORD, word("STATUS", Value::StreamStatus, "a status")],
            ),
        ],
    )
};

/// How `wait`, `at` and `sleep` change the world.
pub const TIME_PASSES: &str = "lets simulated time pass";

/// The conditions of `wait until` (its subcommands), and the word ending `lease APP LEASE moves`.
pub mod condition {
    pub const THROTTLED: &str = "throttled";
    pub const READ_THROTTLED: &str = "read-throttled";
    pub const LEASE: &str = "lease";
    pub const STATUS: &str = "status";
    pub const MOVES: &str = "moves";
}

/// `--timeout`: its limits are [`crate::script::until`]'s constants, which help writes out.
pub const UNTIL_TIMEOUT: Opt = Opt {
    limits: Some(Limits {
        default_ms: DEFAULT_TIMEOUT_MS,
        min_ms: None,
        max_ms: Some(MAX_TIMEOUT_MS),
    }),
    ..option("--timeout", Value::Duration, "give up after this long")
};

/// `--every`, likewise.
pub const UNTIL_EVERY: Opt = Opt {
    limits: Some(Limits {
        default_ms: DEFAULT_EVERY_MS,
        min_ms: Some(MIN_EVERY_MS),
        max_ms: None,
    }),
    ..option("--every", Value::Duration, "check this often")
};

/// The comparisons of `expect` and `wait until VALUE OP VALUE` (`compare.rs`).
pub const OPERATORS: &[&str] = &[
    comparison::EQUAL,
    comparison::NOT_EQUAL,
    comparison::LESS,
    comparison::AT_MOST,
    comparison::GREATER,
    comparison::AT_LEAST,
    comparison::CONTAINS,
];

pub mod comparison {
    pub const EQUAL: &str = "==";
    pub const NOT_EQUAL: &str = "!=";
    pub const LESS: &str = "<";
    pub const AT_MOST: &str = "<=";
    pub const GREATER: &str = ">";
    pub const AT_LEAST: &str = ">=";
    pub const CONTAINS: &str = "contains";
}

pub(super) const COMPARISON: [Arg; 3] = [
    text("VALUE"),
    word("OP", Value::OneOf(OPERATORS), "an operator"),
    text("VALUE"),
];

const THROTTLED: [Arg; 2] = [STREAM_WORD, optional_word("SHARD", Value::Shard)];

const STREAM_WORD: Arg = word("STREAM", Value::Stream, "a stream");
const NEW_NAME: Arg = word("NAME", Value::Text, "a name");
const PRODUCER_WORD: Arg = word("NAME", Value::Producer, "a name");
const CONSUMER_WORD: Arg = word("NAME", Value::Consumer, "a name");
const WORKER_WORD: Arg = word("APP/WORKER", Value::Worker, "APP/WORKER");

const STREAM: Opt = required(option("--stream", Value::Stream, "the stream"));
const TIMESTAMP: Opt = option(
    "--timestamp",
    Value::Timestamp,
    "the time AT_TIMESTAMP starts at",
);

/// The options of `producer add` (`required`) and `producer set` (none required).
const fn producer_options(required: bool) -> [Opt; 16] {
    [
        Opt { required, ..STREAM },
        Opt {
            required,
            ..option("--rate", Value::Number, "records per second")
        },
        option("--keys", Value::Forms(keys::FORMS), "its partition keys"),
        option(
            "--size",
            Value::Text,
            "each record's size in bytes, or a range like 100-500",
        ),
        option(
            "--batch",
            Value::Number,
            "send batches of this many records with PutRecords",
        ),
        option(
            "--linger",
            Value::Duration,
            "how long a batch waits to fill up",
        ),
        option(
            "--retry",
            Value::OneOf(&[retry::NONE, retry::BACKOFF]),
            "whether a refused record is sent again",
        ),
        option(
            "--attempts",
            Value::Number,
            "how many times a record is tried with backoff",
        ),
        option(
            "--explicit-hash-key",
            Value::Text,
            "a hash key to send every record to, whatever its partition key",
        ),
        switch(
            "--kpl",
            "send through the Kinesis Producer Library: collect records into PutRecords calls, retry without backoff until --record-ttl, hold each shard under --rate-limit (in Shardlab --kpl alone does not aggregate; add --aggregate)",
        ),
        switch(
            "--aggregate",
            "with --kpl, pack user records into aggregated records (the real KPL's AggregationEnabled, on by default there, off here unless given)",
        ),
        option(
            "--max-buffered-time",
            Value::Duration,
            "with --kpl, RecordMaxBufferedTime: how long a user record waits to be sent (100 ms unless told)",
        ),
        option(
            "--collection-max-count",
            Value::Number,
            "with --kpl, CollectionMaxCount: Kinesis records per PutRecords call (500 unless told)",
        ),
        option(
            "--aggregation-max-size",
            Value::Number,
            "with --kpl --aggregate, AggregationMaxSize: bytes per aggregated record (51200 unless told)",
        ),
        option(
            "--record-ttl",
            Value::Duration,
            "with --kpl, RecordTtl: how long a user record may wait before it fails as Expired (30s unless told)",
        ),
        option(
            "--rate-limit",
            Value::Number,
            "with --kpl, RateLimit: the percent of a shard's limits the KPL lets itself send (150 unless told)",
        ),
    ]
}

/// The forms of `--keys`: how a producer picks its records' partition keys.
pub mod keys {
    pub const UNIFORM: &str = "uniform:N";
    pub const RANDOM: &str = "random";
    pub const ZIPF: &str = "zipf:S:N";
    pub const HOT: &str = "hot:KEY:FRACTION[:N]";
    pub const FORMS: &[&str] = &[UNIFORM, RANDOM, ZIPF, HOT];
}

/// The choices of `--retry`.
pub mod retry {
    pub const NONE: &str = "none";
    pub const BACKOFF: &str = "backoff";
}

/// The options of `kcl app add`, with their KCL configuration names where they have one.
const KCL_APP_OPTIONS: &[Opt] = &[
    STREAM,
    option(
        "--workers",
        Value::Number,
        "how many workers start (1 unless told)",
    ),
    option(
        "--checkpoint",
        Value::Forms(&[
            checkpoint::EVERY,
            checkpoint::INTERVAL,
            checkpoint::BATCH,
            checkpoint::NEVER,
        ]),
        "when the record processor checkpoints",
    ),
    option(
        "--failover",
        Value::Duration,
        "failoverTimeMillis: how long a lease may go unrenewed",
    ),
    option(
        "--initial-position",
        Value::OneOf(&[
            position::LATEST,
            position::TRIM_HORIZON,
            position::AT_TIMESTAMP,
        ]),
        "where a new lease starts reading",
    ),
    TIMESTAMP,
    option(
        "--processing",
        Value::Text,
        "the record processor's time per record, like 2ms",
    ),
    option(
        "--idle",
        Value::Duration,
        "idleTimeBetweenReadsInMillis: the pause between GetRecords calls",
    ),
    option(
        "--max-records",
        Value::Number,
        "maxRecords: the most records one GetRecords call returns",
    ),
    option(
        "--retrieval",
        Value::OneOf(&[retrieval::POLLING, retrieval::FAN_OUT]),
        "enhanced fan-out (SubscribeToShard per shard, the KCL's default) or polling (GetRecords)",
    ),
    option(
        "--max-leases-for-worker",
        Value::Number,
        "maxLeasesForWorker",
    ),
    option(
        "--max-leases-to-steal",
        Value::Number,
        "maxLeasesToStealAtOneTime",
    ),
    option(
        "--version",
        Value::OneOf(&[kcl_version::V2, kcl_version::V3]),
        "the KCL version: 3 (a leader assigns leases by load, the default) or 2 (each worker's lease taker)",
    ),
    switch(
        "--no-priority",
        "turn priority lease assignment off (as KCL 1.x)",
    ),
    switch(
        "--forget-shard-end",
        "the processor does not checkpoint SHARD_END, so children never start",
    ),
];

/// The choices of `kcl app add --version`.
pub mod kcl_version {
    pub const V2: &str = "2";
    pub const V3: &str = "3";
}

/// The choices of `kcl app add --retrieval`.
pub mod retrieval {
    pub const POLLING: &str = "polling";
    pub const FAN_OUT: &str = "fan-out";
}

/// The forms of `--checkpoint`: when the record processor checkpoints.
pub mod checkpoint {
    pub const EVERY: &str = "every:N";
    pub const INTERVAL: &str = "interval:T";
    pub const BATCH: &str = "batch";
    pub const NEVER: &str = "never";
}

// ------------------------------------------------------------------ writing the table

/// A command whose words are all positional.
pub(super) const fn command(
    name: &'static str,
    help: &'static str,
    words: &'static [Arg],
) -> Command {
    Command {
        name,
        help,
        syntax: Syntax::Words,
        words,
        options: &[],
        subcommands: &[],
        shared_options: false,
        effect: Effect::Observes,
        lead: &[],
    }
}

/// A command that is only its subcommands.
pub(super) const fn group(
    name: &'static str,
    help: &'static str,
    subcommands: &'static [Command],
) -> Command {
    Command {
        subcommands,
        ..command(name, help, &[])
    }
}

impl Command {
    /// The command with `--option value` pairs among its words.
    pub(super) const fn options(self, options: &'static [Opt]) -> Command {
        Command {
            syntax: Syntax::Options,
            options,
            ..self
        }
    }

    /// The command changes the world, as `how` says (`starts a producer`).
    pub(super) const fn changes(self, how: &'static str) -> Command {
        Command {
            effect: Effect::Changes(how),
            ..self
        }
    }
}

pub(super) const fn word(name: &'static str, value: Value, needs: &'static str) -> Arg {
    Arg {
        name,
        value,
        required: true,
        needs,
        preceded_by: None,
    }
}

pub(super) const fn optional_word(name: &'static str, value: Value) -> Arg {
    Arg {
        name,
        value,
        required: false,
        needs: "",
        preceded_by: None,
    }
}

pub(super) const fn text(name: &'static str) -> Arg {
    word(name, Value::Text, "text")
}

const fn pause_for(needs: &'static str) -> Arg {
    word("DURATION", Value::Duration, needs)
}

pub(super) const fn option(flag: &'static str, value: Value, help: &'static str) -> Opt {
    Opt {
        flag,
        value: Some(value),
        then: None,
        required: false,
        help,
        limits: None,
    }
}

const fn required(option: Opt) -> Opt {
    Opt {
        required: true,
        ..option
    }
}

pub(super) const fn switch(flag: &'static str, help: &'static str) -> Opt {
    Opt {
        flag,
        value: None,
        then: None,
        required: false,
        help,
        limits: None,
    }
}
