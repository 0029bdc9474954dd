// `shardlab endpoint` through the AWS SDK for JavaScript v3 (@aws-sdk/client-kinesis, pinned
// by scripts/lib/bootstrap.sh: ensure_js_sdk), a second SDK family beside boto3.
//
//   node endpoint_sdk_test.mjs ENDPOINT_URL NODE_MODULES
//
// Run by endpoint_sdk_test.py against an endpoint of its own: creates a stream, waits for it
// to be ACTIVE, puts two records, reads them back with GetShardIterator and GetRecords, and
// asks for a stream that does not exist (the SDK must surface ResourceNotFoundException);
// then registers a stream consumer and reads the two records again through SubscribeToShard's
// event stream (`for await` over EventStream, SubscribeToShardEvent by SubscribeToShardEvent).
// It also tells which HTTP version the SDK spoke: v3's Kinesis client picks an HTTP/2 handler
// (for SubscribeToShard), which over http:// means h2c with prior knowledge; it is seen by
// counting calls to node's http2.connect and http.request, wrapped before the SDK loads.
// The last line of output is JSON: {"checks": N, "summary": "..."}; exit 1 on a failure.

import { createRequire } from "node:module";
import path from "node:path";

const [url, nodeModules] = process.argv.slice(2);
if (!url || !nodeModules) {
  console.error("usage: node endpoint_sdk_test.mjs ENDPOINT_URL NODE_MODULES");
  process.exit(2);
}
// The SDK is in .tools/node_modules, not beside this file: load it from there.
const require = createRequire(path.join(path.resolve(nodeModules), "noop.js"));

const http = require("node:http");
const http2 = require("node:http2");
const opened = { h2c: 0, http1: 0 };
const connect = http2.connect;
http2.connect = function (...args) {
  opened.h2c += 1;
  return connect.apply(this, args);
};
const request = http.request;
http.request = function (...args) {
  opened.http1 += 1;
  return request.apply(this, args);
};

const {
  KinesisClient,
  CreateStreamCommand,
  DescribeStreamSummaryCommand,
  PutRecordCommand,
  GetShardIteratorCommand,
  GetRecordsCommand,
  RegisterStreamConsumerCommand,
  DescribeStreamConsumerCommand,
  SubscribeToShardCommand,
  ResourceNotFoundException,
} = require("@aws-sdk/client-kinesis");
const version = require("@aws-sdk/client-kinesis/package.json").version;

let checks = 0;
function check(condition, what) {
  if (!condition) {
    throw new Error(`check failed: ${what}`);
  }
  checks += 1;
}

const kinesis = new KinesisClient({
  endpoint: url,
  region: "us-east-1",
  credentials: { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "secret" },
  maxAttempts: 1,
});
const handler = kinesis.config.requestHandler?.constructor?.name ?? "unknown";

async function main() {
  const stream = "FromJavaScript";
  await kinesis.send(new CreateStreamCommand({ StreamName: stream, ShardCount: 1 }));
  let status;
  for (let i = 0; i < 200; i += 1) {
    const summary = await kinesis.send(new DescribeStreamSummaryCommand({ StreamName: stream }));
    status = summary.StreamDescriptionSummary.StreamStatus;
    if (status === "ACTIVE") break;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  check(status === "ACTIVE", `stream ACTIVE (last status ${status})`);

  const encoder = new TextEncoder();
  const puts = [];
  for (const [key, text] of [["alpha", "hello from node"], ["beta", "second record"]]) {
    const put = await kinesis.send(
      new PutRecordCommand({ StreamName: stream, PartitionKey: key, Data: encoder.encode(text) }),
    );
    check(put.ShardId === "shardId-000000000000", `PutRecord ShardId ${put.ShardId}`);
    check(/^[0-9]{56}$/.test(put.SequenceNumber), `PutRecord SequenceNumber ${put.SequenceNumber}`);
    puts.push({ key, text, sequence: put.SequenceNumber });
  }

  const { ShardIterator } = await kinesis.send(
    new GetShardIteratorCommand({
      StreamName: stream,
      ShardId: "shardId-000000000000",
      ShardIteratorType: "TRIM_HORIZON",
    }),
  );
  check(typeof ShardIterator === "string" && ShardIterator.length > 0, "a shard iterator");
  const got = await kinesis.send(new GetRecordsCommand({ ShardIterator }));
  const decoder = new TextDecoder();
  const read = got.Records.map((r) => ({
    key: r.PartitionKey,
    text: decoder.decode(r.Data),
    sequence: r.SequenceNumber,
  }));
  check(
    JSON.stringify(read) === JSON.stringify(puts),
    `records read back: ${JSON.stringify(read)}`,
  );
  check(
    got.Records.every((r) => r.ApproximateArrivalTimestamp instanceof Date),
    "arrival timestamps are Dates",
  );
  check(typeof got.NextShardIterator === "string", "a next shard iterator");

  let missing;
  try {
    await kinesis.send(new DescribeStreamSummaryCommand({ StreamName: "NoSuchStream" }));
  } catch (error) {
    missing = error;
  }
  check(
    missing instanceof ResourceNotFoundException,
    `ResourceNotFoundException, got ${missing?.name}`,
  );
  check(
    missing.$metadata.httpStatusCode === 400 && /NoSuchStream/.test(missing.message),
    `its status and message: ${missing.$metadata.httpStatusCode} ${missing.message}`,
  );

  const summary = await kinesis.send(new DescribeStreamSummaryCommand({ StreamName: stream }));
  const { Consumer } = await kinesis.send(
    new RegisterStreamConsumerCommand({
      StreamARN: summary.StreamDescriptionSummary.StreamARN,
      ConsumerName: "node-reader",
    }),
  );
  let consumerStatus;
  for (let i = 0; i < 200; i += 1) {
    const described = await kinesis.send(
      new DescribeStreamConsumerCommand({ ConsumerARN: Consumer.ConsumerARN }),
    );
    consumerStatus = described.ConsumerDescription.ConsumerStatus;
    if (consumerStatus === "ACTIVE") break;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  check(consumerStatus === "ACTIVE", `consumer ACTIVE (last status ${consumerStatus})`);
  // Leaving the loop does not end the HTTP/2 stream (it would run its 5 minutes): aborting
  // the call does, as a program that is done reading would.
  const reading = new AbortController();
  const subscribed = await kinesis.send(
    new SubscribeToShardCommand({
      ConsumerARN: Consumer.ConsumerARN,
      ShardId: "shardId-000000000000",
      StartingPosition: { Type: "TRIM_HORIZON" },
    }),
    { abortSignal: reading.signal },
  );
  check(subscribed.$metadata.httpStatusCode === 200, "SubscribeToShard answers 200");
  const pushed = [];
  let events = 0;
  for await (const event of subscribed.EventStream) {
    const fields = event.SubscribeToShardEvent;
    check(fields !== undefined, `a SubscribeToShardEvent, got ${JSON.stringify(Object.keys(event))}`);
    events += 1;
    for (const r of fields.Records) {
      pushed.push({ key: r.PartitionKey, text: decoder.decode(r.Data), sequence: r.SequenceNumber });
    }
    if (pushed.length >= puts.length) {
      check(
        fields.ContinuationSequenceNumber === puts[puts.length - 1].sequence,
        `ContinuationSequenceNumber ${fields.ContinuationSequenceNumber}`,
      );
      break;
    }
  }
  reading.abort();
  check(
    JSON.stringify(pushed) === JSON.stringify(puts),
    `records pushed by SubscribeToShard: ${JSON.stringify(pushed)}`,
  );

  const protocol =
    opened.h2c > 0 && opened.http1 === 0
      ? "HTTP/2 (h2c)"
      : opened.http1 > 0 && opened.h2c === 0
        ? "HTTP/1.1"
        : `mixed (${JSON.stringify(opened)})`;
  kinesis.destroy();
  return (
    `@aws-sdk/client-kinesis ${version} (${handler}, ${protocol}): created ${stream}, ` +
    `put ${puts.length} records, read them back, ResourceNotFoundException for a missing stream; ` +
    `a stream consumer got them again in ${events} SubscribeToShard events`
  );
}

main().then(
  (summary) => {
    console.log(JSON.stringify({ checks, summary }));
  },
  (error) => {
    console.error(error);
    kinesis.destroy();
    process.exit(1);
  },
);
