//! `shardlab endpoint` over real sockets: many clients at once, HTTP/2 as the JavaScript SDK
//! speaks it, and bytes that are not HTTP at all. The SDK and AWS CLI tests are in
//! scripts/endpoint-test; the request path's answers in src/endpoint/wire/tests.rs.
#![cfg(not(target_arch = "wasm32"))]

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use base64::Engine as _;
use http_body_util::{BodyExt, Full};
use hyper::body::Bytes;
use hyper_util::rt::{TokioExecutor, TokioIo};
use serde_json::{json, Value};
use shardlab::endpoint::{start, Options, Running};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// The endpoint on a free loopback port, printing nowhere.
async fn endpoint(speed: f64) -> Running {
    let options = Options {
        port: 0,
        speed,
        ..Options::default()
    };
    start(&options, Box::new(std::io::sink())).await.unwrap()
}

/// A signed-looking Kinesis request (the endpoint checks that SigV4 is there, not the
/// signature).
fn request(addr: SocketAddr, action: &str, body: &Value) -> hyper::Request<Full<Bytes>> {
    hyper::Request::post("/")
        .header("host", addr.to_string())
        .header("content-type", "application/x-amz-json-1.1")
        .header("x-amz-target", format!("Kinesis_20131202.{action}"))
        .header("x-amz-date", "20260101T000000Z")
        .header(
            "authorization",
            "AWS4-HMAC-SHA256 Credential=AKID/20260101/us-east-1/kinesis/aws4_request, \
             SignedHeaders=host;x-amz-date, Signature=00",
        )
        .body(Full::new(Bytes::from(body.to_string())))
        .unwrap()
}

/// One HTTP/1.1 keep-alive connection, as an SDK client holds one.
struct Client {
    addr: SocketAddr,
    sender: hyper::client::conn::http1::SendRequest<Full<Bytes>>,
}

impl Client {
    async fn connect(addr: SocketAddr) -> Client {
        let stream = TcpStream::connect(addr).await.unwrap();
        let (sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
            .await
            .unwrap();
        tokio::spawn(connection);
        Client { addr, sender }
    }

    /// The status and JSON body of a call (`{}` for an empty body).
    async fn call(&mut self, action: &str, body: Value) -> (u16, Value) {
        // The connection takes the next request once it has finished with the last one.
        self.sender.ready().await.unwrap();
        let response = self
            .sender
            .send_request(request(self.addr, action, &body))
            .await
            .unwrap();
        let status = response.status().as_u16();
        let bytes = response.into_body().collect().await.unwrap().to_bytes();
        let body = match bytes.is_empty() {
            true => json!({}),
            false => serde_json::from_slice(&bytes).unwrap(),
        };
        (status, body)
    }

    async fn ok(&mut self, action: &str, body: Value) -> Value {
        let (status, answer) = self.call(action, body).await;
        assert_eq!(status, 200, "{action}: {answer}");
        answer
    }
}

async fn create_active_stream(client: &mut Client, name: &str, shards: u32) {
    client
        .ok(
            "CreateStream",
            json!({"StreamName": name, "ShardCount": shards}),
        )
        .await;
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let summary = client
            .ok("DescribeStreamSummary", json!({"StreamName": name}))
            .await;
        if summary["StreamDescriptionSummary"]["StreamStatus"] == "ACTIVE" {
            return;
        }
        assert!(Instant::now() < deadline, "the stream never became ACTIVE");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Every record of a shard from its start, as (partition key, data, sequence number).
async fn read_shard(
    client: &mut Client,
    stream: &str,
    shard: &str,
) -> Vec<(String, String, String)> {
    let got = client
        .ok(
            "GetShardIterator",
            json!({"StreamName": stream, "ShardId": shard, "ShardIteratorType": "TRIM_HORIZON"}),
        )
        .await;
    let mut iterator = got["ShardIterator"].clone();
    let mut records = Vec::new();
    while iterator.is_string() {
        let (status, page) = client
            .call("GetRecords", json!({"ShardIterator": iterator}))
            .await;
        if status == 400 && page["__type"] == "ProvisionedThroughputExceededException" {
            tokio::time::sleep(Duration::from_millis(250)).await;
            continue;
        }
        assert_eq!(status, 200, "GetRecords: {page}");
        let batch = page["Records"].as_array().unwrap();
        for record in batch {
            let data = base64::engine::general_purpose::STANDARD
                .decode(record["Data"].as_str().unwrap())
                .unwrap();
            records.push((
                record["PartitionKey"].as_str().unwrap().to_string(),
                String::from_utf8(data).unwrap(),
                record["SequenceNumber"].as_str().unwrap().to_string(),
            ));
        }
        if batch.is_empty() && page["MillisBehindLatest"] == 0 {
            break;
        }
        iterator = page["NextShardIterator"].clone();
    }
    records
}

/// The burst: 50 clients put as fast as they can into one shard for 30 wall seconds
/// (`SHARDLAB_ENDPOINT_SECONDS`), backing off when throttled. The shard takes 1,000 records a
/// second, so most calls are throttled; none may crash or hang the endpoint, and every record
/// it acknowledged must be in the shard, once, in each client's order.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fifty_clients_for_thirty_seconds_lose_no_acknowledged_record() {
    const CLIENTS: usize = 50;
    let seconds: u64 = std::env::var("SHARDLAB_ENDPOINT_SECONDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(30);
    let running = endpoint(1.0).await;
    let addr = running.addr;
    let mut admin = Client::connect(addr).await;
    create_active_stream(&mut admin, "burst", 1).await;

    let deadline = Instant::now() + Duration::from_secs(seconds);
    let mut clients = Vec::new();
    for id in 0..CLIENTS {
        clients.push(tokio::spawn(async move {
            let mut client = Client::connect(addr).await;
            let key = format!("client-{id}");
            let (mut acked, mut throttled, mut backoff_ms) = (Vec::new(), 0u64, 10u64);
            while Instant::now() < deadline {
                let data = format!("{id}:{}", acked.len());
                let (status, answer) = client
                    .call(
                        "PutRecord",
                        json!({"StreamName": "burst", "PartitionKey": key,
                               "Data": base64::engine::general_purpose::STANDARD.encode(&data)}),
                    )
                    .await;
                match (status, answer["__type"].as_str()) {
                    (200, _) => {
                        acked.push((data, answer["SequenceNumber"].as_str().unwrap().to_string()));
                        backoff_ms = 10;
                    }
                    (400, Some("ProvisionedThroughputExceededException")) => {
                        throttled += 1;
                        tokio::time::sleep(Duration::from_millis(backoff_ms)).await;
                        backoff_ms = (backoff_ms * 2).min(320);
                    }
                    _ => panic!("client {id}: {status} {answer}"),
                }
            }
            (key, acked, throttled)
        }));
    }
    let mut acked: BTreeMap<String, Vec<(String, String)>> = BTreeMap::new();
    let mut throttled = 0;
    for client in clients {
        let (key, records, throttles) = client.await.unwrap();
        throttled += throttles;
        acked.insert(key, records);
    }
    let total: usize = acked.values().map(Vec::len).sum();
    assert!(total > 0, "no record was acknowledged");
    assert!(
        throttled > 0,
        "50 clients on one shard were never throttled"
    );

    // A new connection: the server closes one left idle for 30 s, as AWS closes idle ones
    // (SDKs reconnect).
    let mut reader = Client::connect(addr).await;
    let stored = read_shard(&mut reader, "burst", "shardId-000000000000").await;
    assert_eq!(stored.len(), total, "records stored vs acknowledged");
    let mut by_key: BTreeMap<String, Vec<(String, String)>> = BTreeMap::new();
    for (key, data, sequence) in stored {
        by_key.entry(key).or_default().push((data, sequence));
    }
    for (key, records) in &acked {
        let empty = Vec::new();
        assert_eq!(
            by_key.get(key).unwrap_or(&empty),
            records,
            "{key}'s records, in order"
        );
    }
    println!(
        "{CLIENTS} clients for {seconds} s: {total} records acknowledged and read back, \
         {throttled} calls throttled"
    );
    running.stop().await;
}

/// The JavaScript SDK v3 talks to Kinesis over HTTP/2 (its Node handler connects with prior
/// knowledge on an http:// endpoint); the same port answers it.
#[tokio::test]
async fn http2_without_tls_is_answered_on_the_same_port() {
    let running = endpoint(1.0).await;
    let stream = TcpStream::connect(running.addr).await.unwrap();
    let (mut sender, connection) =
        hyper::client::conn::http2::handshake(TokioExecutor::new(), TokioIo::new(stream))
            .await
            .unwrap();
    tokio::spawn(connection);
    let mut call = request(running.addr, "ListStreams", &json!({}));
    *call.uri_mut() = format!("http://{}/", running.addr).parse().unwrap();
    let response = sender.send_request(call).await.unwrap();
    assert_eq!(response.version(), hyper::Version::HTTP_2);
    assert_eq!(response.status(), 200);
    assert!(response.headers().contains_key("x-amzn-requestid"));
    let body = response.into_body().collect().await.unwrap().to_bytes();
    let body: Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(body["StreamNames"], json!([]));
    running.stop().await;
}

/// Bytes that are not HTTP end that connection, and only that one.
#[tokio::test]
async fn garbage_on_the_socket_ends_the_connection_and_the_endpoint_stays_up() {
    let running = endpoint(1.0).await;
    let mut raw = TcpStream::connect(running.addr).await.unwrap();
    raw.write_all(b"\x00\xff\x13GARBAGE\r\n\r\n{not http}")
        .await
        .unwrap();
    let mut answer = Vec::new();
    let read = tokio::time::timeout(Duration::from_secs(10), raw.read_to_end(&mut answer)).await;
    assert!(read.is_ok(), "the connection was left hanging");
    let answer = String::from_utf8_lossy(&answer);
    assert!(
        answer.is_empty() || answer.starts_with("HTTP/1.1 400"),
        "answered: {answer}"
    );

    let mut client = Client::connect(running.addr).await;
    let (status, body) = client.call("ListStreams", json!({})).await;
    assert_eq!(
        (status, body["HasMoreStreams"].clone()),
        (200, json!(false))
    );
    running.stop().await;
}

/// SubscribeToShard over a socket: the event stream's messages arrive as they happen (the
/// initial response before any record is put), and records put on another connection come
/// down the open response, in order.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn subscribe_to_shard_streams_events_down_the_open_response() {
    use shardlab::endpoint::wire::event_stream;
    let running = endpoint(10.0).await;
    let mut client = Client::connect(running.addr).await;
    create_active_stream(&mut client, "fanned", 1).await;
    let summary = client
        .ok("DescribeStreamSummary", json!({"StreamName": "fanned"}))
        .await;
    let registered = client
        .ok(
            "RegisterStreamConsumer",
            json!({"StreamARN": summary["StreamDescriptionSummary"]["StreamARN"],
                   "ConsumerName": "reader"}),
        )
        .await;
    let arn = registered["Consumer"]["ConsumerARN"].clone();
    let subscribe = json!({"ConsumerARN": arn, "ShardId": "shardId-000000000000",
                           "StartingPosition": {"Type": "LATEST"}});
    let deadline = Instant::now() + Duration::from_secs(30);
    let mut reader = Client::connect(running.addr).await;
    let response = loop {
        reader.sender.ready().await.unwrap();
        let response = reader
            .sender
            .send_request(request(running.addr, "SubscribeToShard", &subscribe))
            .await
            .unwrap();
        if response.status() == 200 {
            break response;
        }
        // CREATING for 5 simulated seconds: refused with a JSON error until it is ACTIVE.
        let body = response.into_body().collect().await.unwrap().to_bytes();
        let error: Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(error["__type"], "ResourceInUseException", "{error}");
        assert!(
            Instant::now() < deadline,
            "the consumer never became ACTIVE"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    assert_eq!(
        response.headers()["content-type"],
        "application/vnd.amazon.eventstream"
    );
    let mut body = response.into_body();
    let mut bytes = Vec::new();
    let mut messages = Vec::new();
    let mut records: Vec<String> = Vec::new();
    let mut put = 0;
    while records.len() < 5 {
        let frame = tokio::time::timeout(Duration::from_secs(10), body.frame())
            .await
            .expect("an event within 10 s")
            .expect("the stream goes on")
            .unwrap();
        bytes.extend_from_slice(&frame.into_data().unwrap());
        while let Ok((message, used)) = event_stream::decode(&bytes) {
            bytes.drain(..used);
            if let Ok(event) = serde_json::from_slice::<Value>(&message.payload) {
                for record in event["Records"].as_array().into_iter().flatten() {
                    records.push(record["PartitionKey"].as_str().unwrap().to_string());
                }
            }
            messages.push(message);
        }
        // The initial response came before anything was put; then put one by one.
        if put < 5 {
            client
                .ok(
                    "PutRecord",
                    json!({"StreamName": "fanned", "PartitionKey": format!("k{put}"), "Data": "aGk="}),
                )
                .await;
            put += 1;
        }
    }
    assert_eq!(messages[0].header(":event-type"), Some("initial-response"));
    assert_eq!(records, ["k0", "k1", "k2", "k3", "k4"]);
    assert!(messages[1..]
        .iter()
        .all(|m| m.header(":event-type") == Some("SubscribeToShardEvent")));
    drop(body);
    running.stop().await;
}
