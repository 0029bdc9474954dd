//! The HTTP side: accepts connections (HTTP/1.1, and HTTP/2 without TLS, which the
//! JavaScript SDK v3 uses for Kinesis), reads each request's head and a size-limited body,
//! and passes them to the owner of the world (`owner.rs`), in arrival order.
//!
//! Nothing here decides an answer: every request, however malformed, goes to the owner, where
//! the wire codec (`wire/`) answers it as AWS would. That keeps the request ids in one
//! sequence and the answers in one place; this side only moves bytes.
//!
//! With `--page` it also serves the built page (a GET without `X-Amz-Target` or
//! `Authorization`, which no SDK sends) and, at [`JOURNAL_PATH`], the run's journal as
//! server-sent events for the page to mirror (see `owner.rs` and `session/mirror.rs`).
//!
//! Bodies: up to [`MAX_BODY_BYTES`] are read whole. A larger one is read on and thrown away
//! up to [`DRAIN_BYTES`], so that a client which writes its whole body before reading (most
//! do) gets the 413 instead of a reset connection; past that the connection is closed after
//! the answer.

use std::io::Write;
use std::net::SocketAddr;

use axum::body::Body as HttpBody;
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, HeaderName, HeaderValue, Method, StatusCode};
use axum::response::Response;
use axum::Router;
use http_body_util::BodyExt;
use tokio::sync::{mpsc, oneshot};
use tower::ServiceExt;
use tower_http::services::ServeDir;

use super::options::Options;
use super::owner::{self, Body, Head, Job, MirrorSink, Owner, Reply};
use super::wire::MAX_BODY_BYTES;
use crate::engine::clock_text;

/// Where a mirroring page reads the run's journal (server-sent events).
pub const JOURNAL_PATH: &str = "/shardlab/journal";

/// What every request handler shares: the way to the owner, and the page's files.
#[derive(Clone)]
struct Shared {
    jobs: mpsc::Sender<Job>,
    mirrors: mpsc::UnboundedSender<MirrorSink>,
    page: Option<std::path::PathBuf>,
}

/// How much of a body over [`MAX_BODY_BYTES`] is read and dropped before giving up on it.
pub const DRAIN_BYTES: usize = 64 * 1024 * 1024;

/// A running endpoint.
pub struct Running {
    /// Where it listens (with the port the system chose for `--port 0`).
    pub addr: SocketAddr,
    shutdown: Option<oneshot::Sender<()>>,
    server: tokio::task::JoinHandle<()>,
    owner: Option<std::thread::JoinHandle<()>>,
}

impl Running {
    /// The endpoint URL clients are given.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Stops accepting, lets requests under way finish, and stops the owner.
    pub async fn stop(mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
        let _ = (&mut self.server).await;
        if let Some(owner) = self.owner.take() {
            let _ = tokio::task::spawn_blocking(move || owner.join()).await;
        }
    }

    /// Serves until the process ends.
    pub async fn wait(mut self) {
        let _ = (&mut self.server).await;
    }
}

/// Binds, starts the world's owner and the server, and prints the banner to `out` (then the
/// owner prints what the scenario says and a line a second about the calls). Must run inside a
/// tokio runtime.
pub async fn start(options: &Options, mut out: Box<dyn Write + Send>) -> Result<Running, String> {
    let wanted = SocketAddr::new(options.host, options.port);
    let listener = tokio::net::TcpListener::bind(wanted)
        .await
        .map_err(|e| format!("cannot listen on {wanted}: {e}"))?;
    let addr = listener
        .local_addr()
        .map_err(|e| format!("cannot read the address listened on: {e}"))?;
    let _ = out.write_all(banner(options, addr).as_bytes());
    let _ = out.flush();

    let (jobs, inbox) = mpsc::channel::<Job>(owner::QUEUE);
    let (mirrors, mirror_inbox) = mpsc::unbounded_channel::<MirrorSink>();
    let owner_options = options.clone();
    let (ready, started) = std::sync::mpsc::channel();
    let name = addr.to_string();
    let owner = std::thread::Builder::new()
        .name("shardlab-world".into())
        .spawn(move || {
            let owner = Owner::new(&owner_options, out).named(&name);
            let _ = ready.send(());
            owner::run(owner, inbox, mirror_inbox);
        })
        .map_err(|e| format!("cannot start the world's thread: {e}"))?;
    // The scenario's first moment is the clock's start: wait for it before taking requests.
    let _ = tokio::task::spawn_blocking(move || started.recv()).await;

    let shared = Shared {
        jobs,
        mirrors,
        page: options.page.clone(),
    };
    let app = Router::new().fallback(kinesis).with_state(shared);
    let (shutdown, stopped) = oneshot::channel::<()>();
    let server = tokio::spawn(async move {
        let _ = axum::serve(listener, app)
            .with_graceful_shutdown(async {
                let _ = stopped.await;
            })
            .await;
    });
    Ok(Running {
        addr,
        shutdown: Some(shutdown),
        server,
        owner: Some(owner),
    })
}

/// `shardlab endpoint`: serves until the process is stopped.
pub fn serve(options: &Options, out: Box<dyn Write + Send>) -> Result<(), String> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start the server: {e}"))?;
    runtime.block_on(async {
        let running = start(options, out).await?;
        running.wait().await;
        Ok(())
    })
}

/// What the endpoint says on start: where it is, who can reach it, and how to point the AWS
/// CLI and the SDKs at it.
fn banner(options: &Options, addr: SocketAddr) -> String {
    let url = format!("http://{addr}");
    let reach = if options.host.is_loopback() {
        "loopback only: programs on this machine can call it (--host 0.0.0.0 opens it to the network)".to_string()
    } else {
        format!(
            "listening on {}: anyone who can reach this machine can call it, and nothing is authenticated",
            options.host
        )
    };
    let script = options
        .script
        .as_ref()
        .map_or(String::new(), |(name, _)| format!(", running {name}"));
    format!(
        "Shardlab endpoint: a simulated Kinesis Data Streams at {url}\n\
         \x20 {reach}\n\
         \x20 seed {seed}{script}; simulated time runs at {speed}x the wall clock from {start}\n\
         \x20 any credentials and region will do: signatures are not checked\n\
         \x20 AWS CLI:  aws kinesis list-streams --endpoint-url {url}\n\
         \x20 boto3:    boto3.client(\"kinesis\", endpoint_url=\"{url}\")\n\
         \x20 JS SDK:   new KinesisClient({{ endpoint: \"{url}\" }})\n{page}",
        page = match &options.page {
            Some(_) => format!(
                "  page:     {url}/#mirror shows what your programs do to the shards, live\n"
            ),
            None => String::new(),
        },
        seed = options.seed,
        speed = options.speed,
        start = clock_text::iso8601(crate::sim::START_MS),
    )
}

/// Every request, whatever its method and path (AWS ignores the path): to the owner; with
/// `--page`, a browser's GET to the page or the journal.
async fn kinesis(State(shared): State<Shared>, request: Request) -> Response {
    if let Some(page) = shared.page.as_ref().filter(|_| is_browser(&request)) {
        if request.uri().path() == JOURNAL_PATH {
            return journal(&shared.mirrors);
        }
        return match ServeDir::new(page)
            .precompressed_br()
            .precompressed_gzip()
            .oneshot(request)
            .await
        {
            Ok(response) => response.map(HttpBody::new),
            Err(never) => match never {},
        };
    }
    let jobs = shared.jobs;
    let (parts, body) = request.into_parts();
    let head = Head {
        method: parts.method.as_str().to_string(),
        uri: parts.uri.to_string(),
        content_type: text(&parts.headers, header::CONTENT_TYPE),
        target: text(&parts.headers, HeaderName::from_static("x-amz-target")),
        authorization: text(&parts.headers, header::AUTHORIZATION),
        has_date: parts.headers.contains_key("x-amz-date")
            || parts.headers.contains_key(header::DATE),
    };
    let Some(body) = read_body(body).await else {
        // The client went away mid-body: nobody is left to answer.
        return plain(StatusCode::BAD_REQUEST, "the request body was cut short");
    };
    let (reply, answer) = oneshot::channel();
    if jobs.send(Job { head, body, reply }).await.is_err() {
        return plain(StatusCode::SERVICE_UNAVAILABLE, "the endpoint is stopping");
    }
    match answer.await {
        Ok(response) => into_http(response),
        Err(_) => plain(StatusCode::SERVICE_UNAVAILABLE, "the endpoint is stopping"),
    }
}

/// A browser's request for the page: a GET (or HEAD) that no SDK would send, without a
/// target or a signature.
fn is_browser(request: &Request) -> bool {
    let headers = request.headers();
    matches!(*request.method(), Method::GET | Method::HEAD)
        && !headers.contains_key("x-amz-target")
        && !headers.contains_key(header::AUTHORIZATION)
}

/// The run's journal as server-sent events, for as long as the page listens.
fn journal(mirrors: &mpsc::UnboundedSender<MirrorSink>) -> Response {
    let (sink, events) = mpsc::unbounded_channel::<String>();
    if mirrors.send(sink).is_err() {
        return plain(StatusCode::SERVICE_UNAVAILABLE, "the endpoint is stopping");
    }
    let stream = futures_util::stream::unfold(events, |mut events| async move {
        let event = events.recv().await?;
        Some((Ok::<_, std::convert::Infallible>(event), events))
    });
    let mut response = Response::new(HttpBody::from_stream(stream));
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/event-stream"),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    response
}

/// A header's value as text (a value that is not text counts as absent).
fn text(headers: &HeaderMap, name: HeaderName) -> Option<String> {
    headers.get(name)?.to_str().ok().map(str::to_string)
}

/// The body, whole when within the limit; `None` when the client stopped sending.
async fn read_body(mut body: HttpBody) -> Option<Body> {
    let mut bytes = Vec::new();
    let mut seen = 0usize;
    while let Some(frame) = body.frame().await {
        let Ok(frame) = frame else {
            return None;
        };
        let Ok(data) = frame.into_data() else {
            continue; // trailers
        };
        seen = seen.saturating_add(data.len());
        if seen <= MAX_BODY_BYTES {
            bytes.extend_from_slice(&data);
        } else {
            bytes = Vec::new();
            if seen > DRAIN_BYTES {
                break;
            }
        }
    }
    Some(match seen > MAX_BODY_BYTES {
        true => Body::TooLarge(seen),
        false => Body::Read(bytes),
    })
}

/// The owner's reply as an HTTP response: a whole body, or SubscribeToShard's event stream,
/// each message sent as the owner hands it over, until the owner closes it (or the client
/// hangs up, which drops the receiver and tells the owner).
fn into_http(reply: Reply) -> Response {
    let Reply {
        response: wire,
        events,
    } = reply;
    let body = match events {
        Some(events) => {
            let stream = futures_util::stream::unfold(events, |mut events| async move {
                let message = events.recv().await?;
                Some((Ok::<_, std::convert::Infallible>(message), events))
            });
            HttpBody::from_stream(stream)
        }
        None => HttpBody::from(wire.body),
    };
    let mut response = Response::new(body);
    *response.status_mut() =
        StatusCode::from_u16(wire.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    for (name, value) in wire.headers {
        if let (Ok(name), Ok(value)) = (HeaderName::try_from(name), HeaderValue::try_from(value)) {
            response.headers_mut().append(name, value);
        }
    }
    response
}

fn plain(status: StatusCode, text: &'static str) -> Response {
    let mut response = Response::new(HttpBody::from(text));
    *response.status_mut() = status;
    response
}
