//! The AWS CLI's own copy of the Kinesis API model, as far as the console needs it: the shapes
//! of every simulated operation's input and output, the paginators, the names of all the
//! `aws kinesis` subcommands and the CLI's global options.
//!
//! The real CLI reads these from botocore's data files; they decide what the CLI does before
//! and after the service answers: which options a command has (the input members, in order,
//! which is also what argparse's abbreviations are matched against), which are required,
//! what it rejects itself ("Parameter validation failed": only `required`, `min` and types,
//! see `validate.rs`), the order members are printed in (botocore parses a response member
//! by member in the model's order, dropping nulls, see `paginate.rs`), and how pages are
//! put together. Copied from botocore 1.43.62 (aws-cli 1.46.3):
//! `botocore/data/kinesis/2013-12-02/service-2.json` (the shapes reachable from the
//! operations Shardlab simulates; `max` and `enum` are left out because botocore does not
//! check them), `paginators-1.json`, and `awscli/data/cli.json` (the global options).
//! SubscribeToShard's output is the one shape of Shardlab's own: on the wire it is an event
//! stream, which the CLI cannot read (it leaves the command out), and the console prints the
//! events of the engine's bounded window as a list (`SubscribeToShardEvents`).

/// A shape of the model, as botocore's validator and parser see it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Shape {
    /// Members in the model's order: (member name, shape name).
    Structure {
        members: &'static [(&'static str, &'static str)],
        required: &'static [&'static str],
    },
    List {
        member: &'static str,
        min: Option<i64>,
    },
    Map {
        key: &'static str,
        value: &'static str,
        min: Option<i64>,
    },
    String {
        min: Option<i64>,
    },
    Integer {
        min: Option<i64>,
    },
    Long {
        min: Option<i64>,
    },
    Boolean,
    Blob,
    Timestamp,
}

impl Shape {
    /// The structure's members, or none.
    pub(crate) fn members(self) -> &'static [(&'static str, &'static str)] {
        match self {
            Shape::Structure { members, .. } => members,
            _ => &[],
        }
    }
}

/// Every shape the simulated operations reach, sorted by name.
#[rustfmt::skip]
static SHAPES: &[(&str, Shape)] = &[
    ("BooleanObject", Shape::Boolean),
    ("ChildShard", Shape::Structure { members: &[("ShardId", "ShardId"), ("ParentShards", "ShardIdList"), ("HashKeyRange", "HashKeyRange")], required: &["ShardId", "ParentShards", "HashKeyRange"] }),
    ("ChildShardList", Shape::List { member: "ChildShard", min: None }),
    ("Consumer", Shape::Structure { members: &[("ConsumerName", "ConsumerName"), ("ConsumerARN", "ConsumerARN"), ("ConsumerStatus", "ConsumerStatus"), ("ConsumerCreationTimestamp", "Timestamp")], required: &["ConsumerName", "ConsumerARN", "ConsumerStatus", "ConsumerCreationTimestamp"] }),
    ("ConsumerARN", Shape::String { min: Some(1) }),
    ("ConsumerCountObject", Shape::Integer { min: Some(0) }),
    ("ConsumerDescription", Shape::Structure { members: &[("ConsumerName", "ConsumerName"), ("ConsumerARN", "ConsumerARN"), ("ConsumerStatus", "ConsumerStatus"), ("ConsumerCreationTimestamp", "Timestamp"), ("StreamARN", "StreamARN")], required: &["ConsumerName", "ConsumerARN", "ConsumerStatus", "ConsumerCreationTimestamp", "StreamARN"] }),
    ("ConsumerList", Shape::List { member: "Consumer", min: None }),
    ("ConsumerName", Shape::String { min: Some(1) }),
    ("ConsumerStatus", Shape::String { min: None }),
    ("CreateStreamInput", Shape::Structure { members: &[("StreamName", "StreamName"), ("ShardCount", "PositiveIntegerObject"), ("StreamModeDetails", "StreamModeDetails"), ("Tags", "TagMap"), ("WarmThroughputMiBps", "NaturalIntegerObject"), ("MaxRecordSizeInKiB", "MaxRecordSizeInKiB")], required: &["StreamName"] }),
    ("Data", Shape::Blob),
    ("DecreaseStreamRetentionPeriodInput", Shape::Structure { members: &[("StreamName", "StreamName"), ("RetentionPeriodHours", "RetentionPeriodHours"), ("StreamARN", "StreamARN"), ("StreamId", "StreamId")], required: &["RetentionPeriodHours"] }),
    ("DeleteStreamInput", Shape::Structure { members: &[("StreamName", "StreamName"), ("EnforceConsumerDeletion", "BooleanObject"), ("StreamARN", "StreamARN"), ("StreamId", "StreamId")], required: &[] }),
    ("DeregisterStreamConsumerInput", Shape::Structure { members: &[("StreamARN", "StreamARN"), ("ConsumerName", "ConsumerName"), ("ConsumerARN", "ConsumerARN"), ("StreamId", "StreamId")], required: &[] }),
    ("DescribeLimitsInput", Shape::Structure { members: &[], required: &[] }),
    ("DescribeLimitsOutput", Shape::Structure { members: &[("ShardLimit", "ShardCountObject"), ("OpenShardCount", "ShardCountObject"), ("OnDemandStreamCount", "OnDemandStreamCountObject"), ("OnDemandStreamCountLimit", "OnDemandStreamCountLimitObject")], required: &["ShardLimit", "OpenShardCount", "OnDemandStreamCount", "OnDemandStreamCountLimit"] }),
    ("DescribeStreamConsumerInput", Shape::Structure { members: &[("StreamARN", "StreamARN"), ("ConsumerName", "ConsumerName"), ("ConsumerARN", "ConsumerARN"), ("StreamId", "StreamId")], required: &[] }),
    ("DescribeStreamConsumerOutput", Shape::Structure { members: &[("ConsumerDescription", "ConsumerDescription")], required: &["ConsumerDescription"] }),
    ("DescribeStreamInput", Shape::Structure { members: &[("StreamName", "StreamName"), ("Limit", "DescribeStreamInputLimit"), ("ExclusiveStartShardId", "ShardId"), ("StreamARN", "StreamARN"), ("StreamId", "StreamId")], required: &[] }),
    ("DescribeStreamInputLimit", Shape::Integer { min: Some(1) }),
    ("DescribeStreamOutput", Shape::Structure { members: &[("StreamDescription", "StreamDescription")], required: &["StreamDescription"] }),
    ("DescribeStreamSummaryInput", Shape::Structure { members: &[("StreamName", "StreamName"), ("StreamARN", "StreamARN"), ("StreamId", "StreamId")], required: &[] }),
    ("DescribeStreamSummaryOutput", Shape::Structure { members: &[("StreamDescriptionSummary", "StreamDescriptionSummary")], required: &["StreamDescriptionSummary"] }),
    ("EncryptionType", Shape::String { min: None }),
    ("EnhancedMetrics", Shape::Structure { members: &[("ShardLevelMetrics", "MetricsNameList")], required: &[] }),
    ("EnhancedMonitoringList", Shape::List { member: "EnhancedMetrics", min: None }),
    ("ErrorCode", Shape::String { min: None }),
    ("ErrorMessage", Shape::String { min: None }),
    ("GetRecordsInput", Shape::Structure { members: &[("ShardIterator", "ShardIterator"), ("Limit", "GetRecordsInputLimit"), ("StreamARN", "StreamARN"), ("StreamId", "StreamId")], required: &["ShardIterator"] }),
    ("GetRecordsInputLimit", Shape::Integer { min: Some(1) }),
    ("GetRecordsOutput", Shape::Structure { members: &[("Records", "RecordList"), ("NextShardIterator", "ShardIterator"), ("MillisBehindLatest", "MillisBehindLatest"), ("ChildShards", "ChildShardList")], required: &["Records"] }),
    ("GetShardIteratorInput", Shape::Structure { members: &[("StreamName", "StreamName"), ("ShardId", "ShardId"), ("ShardIteratorType", "ShardIteratorType"), ("StartingSequenceNumber", "SequenceNumber"), ("Timestamp", "Timestamp"), ("StreamARN", "StreamARN"), ("StreamId", "StreamId")], required: &["ShardId", "ShardIteratorType"] }),
    ("GetShardIteratorOutput", Shape::Structure { members: &[("ShardIterator", "ShardIterator")], required: &[] }),
    ("HashKey", Shape::String { min: None }),
    ("HashKeyRange", Shape::Structure { members: &[("StartingHashKey", "HashKey"), ("EndingHashKey", "HashKey")], required: &["StartingHashKey", "EndingHashKey"] }),
    ("IncreaseStreamRetentionPeriodInput", Shape::Structure { members: &[("StreamName", "StreamName"), ("RetentionPeriodHours", "RetentionPeriodHours"), ("StreamARN", "StreamARN"), ("StreamId", "StreamId")], required: &["RetentionPeriodHours"] }),
    ("KeyId", Shape::String { min: Some(1) }),
    ("ListShardsInput", Shape::Structure { members: &[("StreamName", "StreamName"), ("NextToken", "NextToken"), ("ExclusiveStartShardId", "ShardId"), ("MaxResults", "ListShardsInputLimit"), ("StreamCreationTimestamp", "Timestamp"), ("ShardFilter", "ShardFilter"), ("StreamARN", "StreamARN"), ("StreamId", "StreamId")], required: &[] }),
    ("ListShardsInputLimit", Shape::Integer { min: Some(1) }),
    ("ListShardsOutput", Shape::Structure { members: &[("Shards", "ShardList"), ("NextToken", "NextToken")], required: &[] }),
    ("ListStreamConsumersInput", Shape::Structure { members: &[("StreamARN", "StreamARN"), ("NextToken", "NextToken"), ("MaxResults", "ListStreamConsumersInputLimit"), ("StreamCreationTimestamp", "Timestamp"), ("StreamId", "StreamId")], required: &["StreamARN"] }),
    ("ListStreamConsumersInputLimit", Shape::Integer { min: Some(1) }),
    ("ListStreamConsumersOutput", Shape::Structure { members: &[("Consumers", "ConsumerList"), ("NextToken", "NextToken")], required: &[] }),
    ("ListStreamsInput", Shape::Structure { members: &[("Limit", "ListStreamsInputLimit"), ("ExclusiveStartStreamName", "StreamName"), ("NextToken", "NextToken")], required: &[] }),
    ("ListStreamsInputLimit", Shape::Integer { min: Some(1) }),
    ("ListStreamsOutput", Shape::Structure { members: &[("StreamNames", "StreamNameList"), ("HasMoreStreams", "BooleanObject"), ("NextToken", "NextToken"), ("StreamSummaries", "StreamSummaryList")], required: &["StreamNames", "HasMoreStreams"] }),
    ("MaxRecordSizeInKiB", Shape::Integer { min: Some(1024) }),
    ("MergeShardsInput", Shape::Structure { members: &[("StreamName", "StreamName"), ("ShardToMerge", "ShardId"), ("AdjacentShardToMerge", "ShardId"), ("StreamARN", "StreamARN"), ("StreamId", "StreamId")], required: &["ShardToMerge", "AdjacentShardToMerge"] }),
    ("MetricsName", Shape::String { min: None }),
    ("MetricsNameList", Shape::List { member: "MetricsName", min: Some(1) }),
    ("MillisBehindLatest", Shape::Long { min: Some(0) }),
    ("NaturalIntegerObject", Shape::Integer { min: Some(0) }),
    ("NextToken", Shape::String { min: Some(1) }),
    ("OnDemandStreamCountLimitObject", Shape::Integer { min: Some(0) }),
    ("OnDemandStreamCountObject", Shape::Integer { min: Some(0) }),
    ("PartitionKey", Shape::String { min: Some(1) }),
    ("PositiveIntegerObject", Shape::Integer { min: Some(1) }),
    ("PutRecordInput", Shape::Structure { members: &[("StreamName", "StreamName"), ("Data", "Data"), ("PartitionKey", "PartitionKey"), ("ExplicitHashKey", "HashKey"), ("SequenceNumberForOrdering", "SequenceNumber"), ("StreamARN", "StreamARN"), ("StreamId", "StreamId")], required: &["Data", "PartitionKey"] }),
    ("PutRecordOutput", Shape::Structure { members: &[("ShardId", "ShardId"), ("SequenceNumber", "SequenceNumber"), ("EncryptionType", "EncryptionType")], required: &["ShardId", "SequenceNumber"] }),
    ("PutRecordsInput", Shape::Structure { members: &[("Records", "PutRecordsRequestEntryList"), ("StreamName", "StreamName"), ("StreamARN", "StreamARN"), ("StreamId", "StreamId")], required: &["Records"] }),
    ("PutRecordsOutput", Shape::Structure { members: &[("FailedRecordCount", "PositiveIntegerObject"), ("Records", "PutRecordsResultEntryList"), ("EncryptionType", "EncryptionType")], required: &["Records"] }),
    ("PutRecordsRequestEntry", Shape::Structure { members: &[("Data", "Data"), ("ExplicitHashKey", "HashKey"), ("PartitionKey", "PartitionKey")], required: &["Data", "PartitionKey"] }),
    ("PutRecordsRequestEntryList", Shape::List { member: "PutRecordsRequestEntry", min: Some(1) }),
    ("PutRecordsResultEntry", Shape::Structure { members: &[("SequenceNumber", "SequenceNumber"), ("ShardId", "ShardId"), ("ErrorCode", "ErrorCode"), ("ErrorMessage", "ErrorMessage")], required: &[] }),
    ("PutRecordsResultEntryList", Shape::List { member: "PutRecordsResultEntry", min: Some(1) }),
    ("Record", Shape::Structure { members: &[("SequenceNumber", "SequenceNumber"), ("ApproximateArrivalTimestamp", "Timestamp"), ("Data", "Data"), ("PartitionKey", "PartitionKey"), ("EncryptionType", "EncryptionType")], required: &["SequenceNumber", "Data", "PartitionKey"] }),
    ("RecordList", Shape::List { member: "Record", min: None }),
    ("RegisterStreamConsumerInput", Shape::Structure { members: &[("StreamARN", "StreamARN"), ("ConsumerName", "ConsumerName"), ("StreamId", "StreamId"), ("Tags", "TagMap")], required: &["StreamARN", "ConsumerName"] }),
    ("RegisterStreamConsumerOutput", Shape::Structure { members: &[("Consumer", "Consumer")], required: &["Consumer"] }),
    ("RetentionPeriodHours", Shape::Integer { min: None }),
    ("ScalingType", Shape::String { min: None }),
    ("SequenceNumber", Shape::String { min: None }),
    ("SequenceNumberRange", Shape::Structure { members: &[("StartingSequenceNumber", "SequenceNumber"), ("EndingSequenceNumber", "SequenceNumber")], required: &["StartingSequenceNumber"] }),
    ("Shard", Shape::Structure { members: &[("ShardId", "ShardId"), ("ParentShardId", "ShardId"), ("AdjacentParentShardId", "ShardId"), ("HashKeyRange", "HashKeyRange"), ("SequenceNumberRange", "SequenceNumberRange")], required: &["ShardId", "HashKeyRange", "SequenceNumberRange"] }),
    ("ShardCountObject", Shape::Integer { min: Some(0) }),
    ("ShardFilter", Shape::Structure { members: &[("Type", "ShardFilterType"), ("ShardId", "ShardId"), ("Timestamp", "Timestamp")], required: &["Type"] }),
    ("ShardFilterType", Shape::String { min: None }),
    ("ShardId", Shape::String { min: Some(1) }),
    ("ShardIdList", Shape::List { member: "ShardId", min: None }),
    ("ShardIterator", Shape::String { min: Some(1) }),
    ("ShardIteratorType", Shape::String { min: None }),
    ("ShardList", Shape::List { member: "Shard", min: None }),
    ("SplitShardInput", Shape::Structure { members: &[("StreamName", "StreamName"), ("ShardToSplit", "ShardId"), ("NewStartingHashKey", "HashKey"), ("StreamARN", "StreamARN"), ("StreamId", "StreamId")], required: &["ShardToSplit", "NewStartingHashKey"] }),
    ("StartingPosition", Shape::Structure { members: &[("Type", "ShardIteratorType"), ("SequenceNumber", "SequenceNumber"), ("Timestamp", "Timestamp")], required: &["Type"] }),
    ("StreamARN", Shape::String { min: Some(1) }),
    ("StreamDescription", Shape::Structure { members: &[("StreamName", "StreamName"), ("StreamARN", "StreamARN"), ("StreamStatus", "StreamStatus"), ("StreamModeDetails", "StreamModeDetails"), ("Shards", "ShardList"), ("HasMoreShards", "BooleanObject"), ("RetentionPeriodHours", "RetentionPeriodHours"), ("StreamCreationTimestamp", "Timestamp"), ("EnhancedMonitoring", "EnhancedMonitoringList"), ("EncryptionType", "EncryptionType"), ("KeyId", "KeyId")], required: &["StreamName", "StreamARN", "StreamStatus", "Shards", "HasMoreShards", "RetentionPeriodHours", "StreamCreationTimestamp", "EnhancedMonitoring"] }),
    ("StreamDescriptionSummary", Shape::Structure { members: &[("StreamName", "StreamName"), ("StreamARN", "StreamARN"), ("StreamId", "StreamId"), ("StreamStatus", "StreamStatus"), ("StreamModeDetails", "StreamModeDetails"), ("RetentionPeriodHours", "RetentionPeriodHours"), ("StreamCreationTimestamp", "Timestamp"), ("EnhancedMonitoring", "EnhancedMonitoringList"), ("EncryptionType", "EncryptionType"), ("KeyId", "KeyId"), ("OpenShardCount", "ShardCountObject"), ("ConsumerCount", "ConsumerCountObject"), ("WarmThroughput", "WarmThroughputObject"), ("MaxRecordSizeInKiB", "MaxRecordSizeInKiB")], required: &["StreamName", "StreamARN", "StreamStatus", "RetentionPeriodHours", "StreamCreationTimestamp", "EnhancedMonitoring", "OpenShardCount"] }),
    ("StreamId", Shape::String { min: Some(1) }),
    ("StreamMode", Shape::String { min: None }),
    ("StreamModeDetails", Shape::Structure { members: &[("StreamMode", "StreamMode")], required: &["StreamMode"] }),
    ("StreamName", Shape::String { min: Some(1) }),
    ("StreamNameList", Shape::List { member: "StreamName", min: None }),
    ("StreamStatus", Shape::String { min: None }),
    ("StreamSummary", Shape::Structure { members: &[("StreamName", "StreamName"), ("StreamARN", "StreamARN"), ("StreamStatus", "StreamStatus"), ("StreamModeDetails", "StreamModeDetails"), ("StreamCreationTimestamp", "Timestamp")], required: &["StreamName", "StreamARN", "StreamStatus"] }),
    ("StreamSummaryList", Shape::List { member: "StreamSummary", min: None }),
    ("SubscribeToShardEvent", Shape::Structure { members: &[("Records", "RecordList"), ("ContinuationSequenceNumber", "SequenceNumber"), ("MillisBehindLatest", "MillisBehindLatest"), ("ChildShards", "ChildShardList")], required: &["Records", "ContinuationSequenceNumber", "MillisBehindLatest"] }),
    // The event stream's one event Shardlab simulates (the model's union also names the
    // errors that can end the stream), and, Shardlab's own, the events one after another
    // as a list: an SDK hands them over one by one as they arrive.
    ("SubscribeToShardEventStream", Shape::Structure { members: &[("SubscribeToShardEvent", "SubscribeToShardEvent")], required: &[] }),
    ("SubscribeToShardEvents", Shape::List { member: "SubscribeToShardEventStream", min: None }),
    ("SubscribeToShardInput", Shape::Structure { members: &[("ConsumerARN", "ConsumerARN"), ("StreamId", "StreamId"), ("ShardId", "ShardId"), ("StartingPosition", "StartingPosition")], required: &["ConsumerARN", "ShardId", "StartingPosition"] }),
    ("SubscribeToShardOutput", Shape::Structure { members: &[("EventStream", "SubscribeToShardEvents")], required: &["EventStream"] }),
    ("TagKey", Shape::String { min: Some(1) }),
    ("TagMap", Shape::Map { key: "TagKey", value: "TagValue", min: Some(1) }),
    ("TagValue", Shape::String { min: Some(0) }),
    ("Timestamp", Shape::Timestamp),
    ("UpdateShardCountInput", Shape::Structure { members: &[("StreamName", "StreamName"), ("TargetShardCount", "PositiveIntegerObject"), ("ScalingType", "ScalingType"), ("StreamARN", "StreamARN"), ("StreamId", "StreamId")], required: &["TargetShardCount", "ScalingType"] }),
    ("UpdateShardCountOutput", Shape::Structure { members: &[("StreamName", "StreamName"), ("CurrentShardCount", "PositiveIntegerObject"), ("TargetShardCount", "PositiveIntegerObject"), ("StreamARN", "StreamARN")], required: &[] }),
    ("UpdateStreamModeInput", Shape::Structure { members: &[("StreamARN", "StreamARN"), ("StreamId", "StreamId"), ("StreamModeDetails", "StreamModeDetails"), ("WarmThroughputMiBps", "NaturalIntegerObject")], required: &["StreamARN", "StreamModeDetails"] }),
    ("WarmThroughputObject", Shape::Structure { members: &[("TargetMiBps", "NaturalIntegerObject"), ("CurrentMiBps", "NaturalIntegerObject")], required: &[] }),
];

/// The shape named `name`.
pub(crate) fn shape(name: &str) -> Option<Shape> {
    SHAPES
        .binary_search_by_key(&name, |(n, _)| n)
        .ok()
        .map(|at| SHAPES[at].1)
}

/// A member's shape in a structure shape.
pub(crate) fn member_shape(structure: Shape, member: &str) -> Option<(&'static str, Shape)> {
    let (_, name) = structure.members().iter().find(|(m, _)| *m == member)?;
    Some((name, shape(name)?))
}

/// A paginator of `paginators-1.json`.
#[derive(Debug)]
pub(crate) struct Paginator {
    pub input_token: &'static str,
    pub output_token: &'static str,
    pub more_results: Option<&'static str>,
    pub limit_key: &'static str,
    pub result_keys: &'static [&'static str],
    pub non_aggregate_keys: &'static [&'static str],
}

/// A simulated operation: its action, its input and output shapes, its paginator.
#[derive(Debug)]
pub(crate) struct Operation {
    pub action: &'static str,
    pub input: &'static str,
    pub output: Option<&'static str>,
    pub paginator: Option<Paginator>,
}

const fn op(action: &'static str, input: &'static str, output: Option<&'static str>) -> Operation {
    Operation {
        action,
        input,
        output,
        paginator: None,
    }
}

pub(crate) static OPERATIONS: &[Operation] = &[
    op("CreateStream", "CreateStreamInput", None),
    op("DeleteStream", "DeleteStreamInput", None),
    Operation {
        paginator: Some(Paginator {
            input_token: "ExclusiveStartShardId",
            output_token: "StreamDescription.Shards[-1].ShardId",
            more_results: Some("StreamDescription.HasMoreShards"),
            limit_key: "Limit",
            result_keys: &["StreamDescription.Shards"],
            non_aggregate_keys: &[
                "StreamDescription.StreamARN",
                "StreamDescription.StreamName",
                "StreamDescription.StreamStatus",
                "StreamDescription.RetentionPeriodHours",
                "StreamDescription.EnhancedMonitoring",
                "StreamDescription.EncryptionType",
                "StreamDescription.KeyId",
                "StreamDescription.StreamCreationTimestamp",
            ],
        }),
        ..op(
            "DescribeStream",
            "DescribeStreamInput",
            Some("DescribeStreamOutput"),
        )
    },
    op(
        "DescribeStreamSummary",
        "DescribeStreamSummaryInput",
        Some("DescribeStreamSummaryOutput"),
    ),
    op(
        "DescribeLimits",
        "DescribeLimitsInput",
        Some("DescribeLimitsOutput"),
    ),
    Operation {
        paginator: Some(Paginator {
            input_token: "NextToken",
            output_token: "NextToken",
            more_results: Some("HasMoreStreams"),
            limit_key: "Limit",
            result_keys: &["StreamNames", "StreamSummaries"],
            non_aggregate_keys: &[],
        }),
        ..op("ListStreams", "ListStreamsInput", Some("ListStreamsOutput"))
    },
    Operation {
        paginator: Some(Paginator {
            input_token: "NextToken",
            output_token: "NextToken",
            more_results: None,
            limit_key: "MaxResults",
            result_keys: &["Shards"],
            non_aggregate_keys: &[],
        }),
        ..op("ListShards", "ListShardsInput", Some("ListShardsOutput"))
    },
    op("PutRecord", "PutRecordInput", Some("PutRecordOutput")),
    op("PutRecords", "PutRecordsInput", Some("PutRecordsOutput")),
    op(
        "GetShardIterator",
        "GetShardIteratorInput",
        Some("GetShardIteratorOutput"),
    ),
    op("GetRecords", "GetRecordsInput", Some("GetRecordsOutput")),
    op("SplitShard", "SplitShardInput", None),
    op("MergeShards", "MergeShardsInput", None),
    op(
        "UpdateShardCount",
        "UpdateShardCountInput",
        Some("UpdateShardCountOutput"),
    ),
    op("UpdateStreamMode", "UpdateStreamModeInput", None),
    op(
        "IncreaseStreamRetentionPeriod",
        "IncreaseStreamRetentionPeriodInput",
        None,
    ),
    op(
        "DecreaseStreamRetentionPeriod",
        "DecreaseStreamRetentionPeriodInput",
        None,
    ),
    op(
        "RegisterStreamConsumer",
        "RegisterStreamConsumerInput",
        Some("RegisterStreamConsumerOutput"),
    ),
    op(
        "DescribeStreamConsumer",
        "DescribeStreamConsumerInput",
        Some("DescribeStreamConsumerOutput"),
    ),
    Operation {
        paginator: Some(Paginator {
            input_token: "NextToken",
            output_token: "NextToken",
            more_results: None,
            limit_key: "MaxResults",
            result_keys: &["Consumers"],
            non_aggregate_keys: &[],
        }),
        ..op(
            "ListStreamConsumers",
            "ListStreamConsumersInput",
            Some("ListStreamConsumersOutput"),
        )
    },
    op(
        "DeregisterStreamConsumer",
        "DeregisterStreamConsumerInput",
        None,
    ),
    // Not an operation of the CLI (see `CLI_OPERATIONS`): Shardlab's console adds it.
    op(
        "SubscribeToShard",
        "SubscribeToShardInput",
        Some("SubscribeToShardOutput"),
    ),
];

/// The operation of `action` (`DescribeStream`).
pub(crate) fn operation_of(action: &str) -> Option<&'static Operation> {
    OPERATIONS.iter().find(|o| o.action == action)
}

/// Every `aws kinesis` subcommand of aws-cli 1.46.3, in the order its "Invalid choice" lists
/// them (the operations sorted, SubscribeToShard left out as the CLI leaves it out, then the
/// CLI's own `wait` and `help`).
pub(crate) static CLI_OPERATIONS: &[&str] = &[
    "add-tags-to-stream",
    "create-stream",
    "decrease-stream-retention-period",
    "delete-resource-policy",
    "delete-stream",
    "deregister-stream-consumer",
    "describe-account-settings",
    "describe-limits",
    "describe-stream",
    "describe-stream-consumer",
    "describe-stream-summary",
    "disable-enhanced-monitoring",
    "enable-enhanced-monitoring",
    "get-records",
    "get-resource-policy",
    "get-shard-iterator",
    "increase-stream-retention-period",
    "list-shards",
    "list-stream-consumers",
    "list-streams",
    "list-tags-for-resource",
    "list-tags-for-stream",
    "merge-shards",
    "put-record",
    "put-records",
    "put-resource-policy",
    "register-stream-consumer",
    "remove-tags-from-stream",
    "split-shard",
    "start-stream-encryption",
    "stop-stream-encryption",
    "tag-resource",
    "untag-resource",
    "update-account-settings",
    "update-max-record-size",
    "update-shard-count",
    "update-stream-mode",
    "update-stream-warm-throughput",
    "wait",
    "help",
];

/// The waiters of `waiters-2.json`: CLI name, waiter name, and what ends the wait: the
/// stream ACTIVE (`StreamDescription.StreamStatus == "ACTIVE"`) or the error named.
pub(crate) static WAITERS: &[(&str, &str, WaitFor)] = &[
    ("stream-exists", "StreamExists", WaitFor::Active),
    (
        "stream-not-exists",
        "StreamNotExists",
        WaitFor::Error("ResourceNotFoundException"),
    ),
];

/// A waiter's success acceptor; both poll DescribeStream every 10 s, at most 18 times.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum WaitFor {
    Active,
    Error(&'static str),
}

/// How a global option is given (`awscli/data/cli.json`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum GlobalKind {
    /// Takes a value.
    Value,
    /// Takes one of these values.
    Choice(&'static [&'static str]),
    /// A switch.
    Switch,
    /// A value converted with Python's `int` by argparse.
    Int,
}

/// The main parser's options, in the order `cli.json` adds them.
pub(crate) static GLOBAL_OPTIONS: &[(&str, GlobalKind)] = &[
    ("--debug", GlobalKind::Switch),
    ("--endpoint-url", GlobalKind::Value),
    ("--no-verify-ssl", GlobalKind::Switch),
    ("--no-paginate", GlobalKind::Switch),
    ("--output", GlobalKind::Choice(&["json", "text", "table"])),
    ("--query", GlobalKind::Value),
    ("--profile", GlobalKind::Value),
    ("--region", GlobalKind::Value),
    ("--version", GlobalKind::Switch),
    ("--color", GlobalKind::Choice(&["on", "off", "auto"])),
    ("--no-sign-request", GlobalKind::Switch),
    ("--ca-bundle", GlobalKind::Value),
    ("--cli-read-timeout", GlobalKind::Int),
    ("--cli-connect-timeout", GlobalKind::Int),
    ("--v2-debug", GlobalKind::Switch),
];

/// aws-cli v2's main parser options (its `awscli/data/cli.json`, v2 branch).
pub(crate) static GLOBAL_OPTIONS_V2: &[(&str, GlobalKind)] = &[
    ("--debug", GlobalKind::Switch),
    ("--endpoint-url", GlobalKind::Value),
    ("--no-verify-ssl", GlobalKind::Switch),
    ("--no-paginate", GlobalKind::Switch),
    (
        "--output",
        GlobalKind::Choice(&["json", "text", "table", "yaml", "yaml-stream", "off"]),
    ),
    ("--query", GlobalKind::Value),
    ("--profile", GlobalKind::Value),
    ("--region", GlobalKind::Value),
    ("--version", GlobalKind::Switch),
    ("--color", GlobalKind::Choice(&["on", "off", "auto"])),
    ("--no-sign-request", GlobalKind::Switch),
    ("--ca-bundle", GlobalKind::Value),
    ("--cli-read-timeout", GlobalKind::Int),
    ("--cli-connect-timeout", GlobalKind::Int),
    (
        "--cli-binary-format",
        GlobalKind::Choice(&["base64", "raw-in-base64-out"]),
    ),
    ("--no-cli-pager", GlobalKind::Switch),
    ("--cli-auto-prompt", GlobalKind::Switch),
    ("--no-cli-auto-prompt", GlobalKind::Switch),
    (
        "--cli-error-format",
        GlobalKind::Choice(&["legacy", "json", "yaml", "text", "table", "enhanced"]),
    ),
];
