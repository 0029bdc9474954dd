//! The KCL applications: workers as cards holding their leases, and the lease table as the
//! KCL keeps it, animated.
//!
//! Each renewal ticks `leaseCounter` (the number is redrawn with a flash). A counter that
//! stops, because its owner died or froze, turns amber as it stays unchanged and red once the
//! other workers have seen it unchanged for failoverTimeMillis: from then on the next taker
//! run takes it, and the row says from whom. The records the owner processed after its last
//! checkpoint are counted on the row: they are the ones the next owner will process again.
//! Every button is a `kcl worker ...` command.
//!
//! A KCL 3.x application says so in its header and names its leader, whose card wears a
//! "leader" badge; each worker card has a CPU bar (its last WorkerMetricStats report) and
//! buttons to load the host (`kcl worker load`), so a learner can make a worker busy and watch
//! the leader move leases off it. The lease table adds `checkpointOwner` and `throughputKBps`,
//! marks a lease being handed over, and words a recent move by how the leader made it.
//!
//! The panel explains itself: "processed again", "overlaps" and "out of order" are buttons that open a line
//! saying what they are in the KCL's model and the last event behind them, with its time; each
//! column heading of the lease table has its meaning as a tooltip, and all of them are written
//! out under the table for keyboards and touch screens. The sentences are
//! [`crate::session::kcl_view`]'s.

use web_sys::HtmlSelectElement;
use yew::prelude::*;

use super::format;
use super::shared::Shared;
use crate::kcl::{ConsumerState, WorkerState};
use crate::session::captions;
use crate::session::kcl_view::{
    lease_columns, move_text, AppView, Cause, LeaseRow, WorkerView, CPU_EXPLAINED,
    LEADER_EXPLAINED, OUT_OF_ORDER, OVERLAPS, PROCESSED_AGAIN,
};

/// The applications as the panel shows them, and when (simulated milliseconds since the
/// start, to show recent lease moves). The app takes a new one a few times a second while time
/// plays (see `ui::frame::Readout`): with 1,000 shards the lease table has 1,000 rows whose
/// counters and frozen times change on every frame, and redrawing them at the frame rate cost
/// the page more than all the rest of its DOM.
#[derive(Debug, Default)]
pub struct KclShown {
    pub apps: Vec<AppView>,
    pub elapsed_ms: u64,
}

#[derive(Properties, PartialEq)]
pub struct KclPanelProps {
    /// Compared by identity: a new one only when the app took a new snapshot.
    pub shown: Shared<KclShown>,
    /// A worker to highlight (APP/WORKER), from the event history.
    pub highlighted: Option<String>,
    pub on_run: Callback<String>,
    pub on_select_worker: Callback<String>,
}

/// How long (simulated) a lease move stays highlighted.
const MOVE_SHOWN_MS: u64 = 5_000;

/// The most lease rows the table draws. An application reading a stream of 1,000 shards holds
/// 1,000 leases whose frozen times change on every frame: redrawn, they cost the page more
/// than all the rest of it, and no learner reads a thousand rows. Above this many the table
/// draws the leases that are doing something (going stale or expired, just moved, being
/// handed over) first, then the others in order up to this many, and counts the rest.
pub const LEASE_ROWS_DRAWN: usize = 64;

#[component]
pub fn KclPanel(props: &KclPanelProps) -> Html {
    if props.shown.apps.is_empty() {
        return html! {};
    }
    html! {
        <section class="panel kcl" aria-labelledby="kcl-title">
            <h2 id="kcl-title">{ "KCL applications" }</h2>
            { for props.shown.apps.iter().map(|app| app_view(props, app)) }
        </section>
    }
}

fn app_view(props: &KclPanelProps, app: &AppView) -> Html {
    let add = {
        let command = format!("kcl worker add {}", app.name);
        props.on_run.reform(move |_: MouseEvent| command.clone())
    };
    let duplicates: u64 = app.duplicates.iter().map(|(_, n)| n).sum();
    html! {
        <div class="kcl-app" data-app={app.name.clone()}>
            <h3>
                { format!("{} reading {} ", app.name, app.stream) }
                <span class={classes!("kcl-version", app.is_kcl3().then_some("v3"))}>{ app.version_label() }</span>
            </h3>
            <div class="kcl-counters">
                <Explained id={format!("leases-by-{}", app.name)} bad={false}
                    label={app.leases_by()} explanation={app.leases_by_explained()} cause={None::<Cause>} />
                <span>{ format!("{} records processed", format::int(app.processed)) }</span>
                <Explained id={format!("again-{}", app.name)} bad={duplicates > 0}
                    label={format!("{} processed again{}", format::int(duplicates),
                        if app.duplicates.is_empty() { String::new() } else { captions::processed_again_causes(&app.duplicates) })}
                    explanation={PROCESSED_AGAIN} cause={app.last_processed_again.clone()} />
                <Explained id={format!("overlaps-{}", app.name)} bad={app.overlaps > 0}
                    label={format!("{} overlaps", format::int(app.overlaps))}
                    explanation={OVERLAPS} cause={app.last_overlap.clone()} />
                <Explained id={format!("order-{}", app.name)} bad={app.order_violations > 0}
                    label={captions::out_of_order(app.order_violations)}
                    explanation={OUT_OF_ORDER} cause={None::<Cause>} />
                <span>{ format!("failoverTimeMillis {}", app.failover_ms) }</span>
            </div>
            <ul class="workers" aria-label={format!("Workers of {}", app.name)}>
                { for app.workers.iter().map(|w| {
                    let full = format!("{}/{}", app.name, w.id);
                    html! {
                        <WorkerCard key={full.clone()} app={app.name.clone()} worker={w.clone()} kcl3={app.is_kcl3()}
                            highlighted={props.highlighted.as_deref() == Some(full.as_str())}
                            on_run={props.on_run.clone()} on_select_worker={props.on_select_worker.clone()} />
                    }
                }) }
                <li class="worker add"><button class="add-worker" onclick={add}>{ "+ Add a worker" }</button></li>
            </ul>
            { lease_table(props, app) }
        </div>
    }
}

#[derive(Properties, PartialEq)]
struct ExplainedProps {
    /// Unique in the page: the explanation's element id.
    id: String,
    label: String,
    bad: bool,
    explanation: &'static str,
    cause: Option<Cause>,
}

/// A counter that opens a line explaining it, and the last event behind it.
#[component]
fn Explained(props: &ExplainedProps) -> Html {
    let open = use_state(|| false);
    let toggle = {
        let open = open.clone();
        Callback::from(move |_: MouseEvent| open.set(!*open))
    };
    let id = format!("explain-{}", props.id);
    html! {
        <>
            <button class={classes!("explain", props.bad.then_some("bad"))} onclick={toggle}
                aria-expanded={open.to_string()} aria-controls={id.clone()} title={props.explanation}>
                { &props.label }<span class="explain-mark" aria-hidden="true">{ " ?" }</span>
            </button>
            if *open {
                <p class="kcl-explain" id={id}>
                    { props.explanation }
                    if let Some(cause) = &props.cause {
                        <span class="cause" data-at-ms={cause.at_ms.to_string()}>{ " " }{ &cause.text }</span>
                    }
                </p>
            }
        </>
    }
}

#[derive(Properties, PartialEq)]
struct WorkerCardProps {
    app: String,
    worker: WorkerView,
    /// A KCL 3.x worker: a CPU bar and buttons that load its host.
    kcl3: bool,
    highlighted: bool,
    on_run: Callback<String>,
    on_select_worker: Callback<String>,
}

#[component]
fn WorkerCard(props: &WorkerCardProps) -> Html {
    let worker = &props.worker;
    let full = format!("{}/{}", props.app, worker.id);
    let command = |verb: &str| {
        let line = format!("kcl worker {verb} {full}");
        props.on_run.reform(move |_: MouseEvent| line.clone())
    };
    // The chosen pause, kept without re-rendering when it changes.
    let pause_for = use_mut_ref(|| "15s".to_string());
    let on_pause = {
        let (full, on_run, pause_for) = (full.clone(), props.on_run.clone(), pause_for.clone());
        Callback::from(move |_: MouseEvent| {
            on_run.emit(format!("kcl worker pause {full} {}", *pause_for.borrow()));
        })
    };
    let on_choice = Callback::from(move |event: Event| {
        let select: HtmlSelectElement = event.target_unchecked_into();
        *pause_for.borrow_mut() = select.value();
    });
    let select = {
        let full = full.clone();
        props
            .on_select_worker
            .reform(move |_: MouseEvent| full.clone())
    };
    let load = |percent: u32| {
        let line = format!("kcl worker load {full} {percent}");
        props.on_run.reform(move |_: MouseEvent| line.clone())
    };
    html! {
        <li class={classes!("worker", worker.state.as_str(), props.highlighted.then_some("highlighted"), worker.leader.then_some("leader"))} data-worker={full.clone()}>
            <button class="worker-name link" onclick={select} title="Highlight this worker">{ &worker.id }</button>
            if worker.leader {
                <span class="badge leader-badge" title={LEADER_EXPLAINED}>{ "leader" }</span>
            }
            <span class="worker-state">{ worker.state.as_str().to_ascii_uppercase() }</span>
            if let Some(until) = worker.paused_until_ms {
                <span class="hint">{ format!(" until {}", format::clock(until)) }</span>
            }
            <span class="worker-leases">
                { if worker.leases.is_empty() { "no leases".to_string() } else { worker.leases.iter().map(|l| format::short_shard(l)).collect::<Vec<_>>().join(" ") } }
            </span>
            <span class="hint">{ format!("{} processed, {}/s", format::int(worker.processed), format::int(worker.per_second)) }</span>
            if props.kcl3 { { cpu_bar(worker) } }
            <span class="worker-actions">
                if worker.state == WorkerState::Dead {
                    <button class="restart" onclick={command("restart")}>{ "Restart" }</button>
                } else {
                    <button class="kill" onclick={command("kill")} title="The process dies at once: no shutdown, no checkpoint">{ "Kill" }</button>
                    <select aria-label={format!("How long to pause {}", worker.id)} onchange={on_choice}>
                        { for ["5s", "15s", "30s", "60s"].iter().map(|d| html! { <option value={*d} selected={*d == "15s"}>{ *d }</option> }) }
                    </select>
                    <button class="pause" onclick={on_pause} title="Freeze the worker (a long garbage collection): it renews nothing meanwhile">{ "Pause" }</button>
                }
            </span>
            if props.kcl3 && worker.state != WorkerState::Dead {
                <span class="worker-actions load-actions">
                    <button class="make-busy" onclick={load(70)}
                        title={format!("kcl worker load {full} 70: other programs on the host use 70% of its CPU")}>{ "Make busy" }</button>
                    if worker.background_load_pct > 0.0 {
                        <button class="clear-load" onclick={load(0)} title={format!("kcl worker load {full} 0")}>{ "Clear load" }</button>
                    }
                </span>
            }
        </li>
    }
}

/// A KCL 3.x worker's CPU as its last metrics report says it, with the background load marked.
fn cpu_bar(worker: &WorkerView) -> Html {
    let cpu = worker.cpu_pct.unwrap_or(0.0).clamp(0.0, 100.0);
    // The background is part of the CPU: drawn over the fill, never past it once reported.
    let background = match worker.cpu_pct {
        Some(_) => worker.background_load_pct.min(cpu),
        None => worker.background_load_pct,
    };
    html! {
        <span class="cpu" title={CPU_EXPLAINED} data-cpu={worker.cpu_pct.map(|c| format!("{c:.1}")).unwrap_or_default()}>
            <span class="cpu-bar" role="meter" aria-label={format!("CPU of {}", worker.id)}
                aria-valuemin="0" aria-valuemax="100" aria-valuenow={format!("{cpu:.0}")}>
                <span class="cpu-fill" style={format!("width: {cpu:.1}%")}></span>
                <span class="cpu-background" style={format!("width: {background:.1}%")}></span>
            </span>
            <span class="cpu-text">{ worker.cpu_text() }</span>
        </span>
    }
}

/// The rows the table draws, in table order, and how many it leaves out (see
/// [`LEASE_ROWS_DRAWN`]).
fn drawn_rows<'a>(props: &KclPanelProps, app: &'a AppView) -> (Vec<&'a LeaseRow>, usize) {
    let all = &app.leases;
    if all.len() <= LEASE_ROWS_DRAWN {
        return (all.iter().collect(), 0);
    }
    let notable = |row: &LeaseRow| {
        row.expiry(app.failover_ms) >= 0.5
            || recent_move(props, row).is_some()
            || row.handover_text().is_some()
    };
    let mut drawn: Vec<usize> = (0..all.len()).filter(|&i| notable(&all[i])).collect();
    drawn.truncate(LEASE_ROWS_DRAWN);
    let mut rest = (0..all.len()).filter(|&i| !notable(&all[i]));
    while drawn.len() < LEASE_ROWS_DRAWN {
        match rest.next() {
            Some(i) => drawn.push(i),
            None => break,
        }
    }
    drawn.sort_unstable();
    let left_out = all.len() - drawn.len();
    (drawn.into_iter().map(|i| &all[i]).collect(), left_out)
}

/// The lease's latest move, while it is recent enough to highlight.
fn recent_move<'a>(
    props: &KclPanelProps,
    row: &'a LeaseRow,
) -> Option<&'a crate::kcl::app::LeaseMove> {
    row.last_move.as_ref().filter(|m| {
        props
            .shown
            .elapsed_ms
            .saturating_sub(m.at_ms.saturating_sub(crate::sim::START_MS))
            < MOVE_SHOWN_MS
    })
}

fn lease_table(props: &KclPanelProps, app: &AppView) -> Html {
    let (rows, left_out) = drawn_rows(props, app);
    html! {
        <>
            <table class="lease-table" aria-label={format!("The lease table of {}", app.name)}>
                <thead>
                    <tr>
                        { for lease_columns(app.version).map(|(head, meaning)| html! {
                            <th title={*meaning} data-column={*head}>{ column_head(head) }</th>
                        }) }
                    </tr>
                </thead>
                <tbody>
                    { for rows.iter().map(|row| lease_row(props, app, row)) }
                </tbody>
            </table>
            if left_out > 0 {
                <p class="hint lease-rows-left-out" data-left-out={left_out.to_string()}>
                    { format!("and {} more leases, not drawn: with {} leases the table shows {} rows, those going stale, moved or being handed over first",
                        format::int(left_out as u64), format::int(app.leases.len() as u64), LEASE_ROWS_DRAWN) }
                </p>
            }
            <details class="lease-columns">
                <summary>{ "What the columns mean" }</summary>
                <dl>
                    { for lease_columns(app.version).map(|(head, meaning)| html! {
                        <><dt>{ *head }</dt><dd>{ *meaning }</dd></>
                    }) }
                </dl>
            </details>
        </>
    }
}

/// A column's heading, with a place to break the long one.
fn column_head(head: &str) -> Html {
    match head.strip_suffix("SinceCheckpoint") {
        Some(start) if !start.is_empty() => html! { <>{ start }<wbr/>{ "SinceCheckpoint" }</> },
        _ => html! { { head } },
    }
}

fn lease_row(props: &KclPanelProps, app: &AppView, row: &LeaseRow) -> Html {
    let expiry = row.expiry(app.failover_ms);
    let level = if expiry >= 1.0 {
        Some("expired")
    } else if expiry >= 0.5 {
        Some("stale")
    } else {
        None
    };
    let recent_move = recent_move(props, row);
    let handover = row.handover_text();
    html! {
        <tr class={classes!(level, recent_move.is_some().then_some("moved"), handover.is_some().then_some("handing-over"))}
            data-lease={row.lease_key.clone()} data-owner={row.lease_owner.clone().unwrap_or_default()}
            data-checkpoint-owner={row.checkpoint_owner.clone().unwrap_or_default()}
            data-counter={row.lease_counter.to_string()} style={format!("--expiry: {expiry:.2}")}>
            <td class="mono">{ &row.lease_key }</td>
            <td class="owner">
                { row.lease_owner.clone().unwrap_or_else(|| "(none)".to_string()) }
                if let Some(handover) = &handover {
                    <span class="handover">{ format!(" {handover}") }</span>
                } else if let Some(moved) = recent_move {
                    <span class="move">{ move_text(moved) }</span>
                }
            </td>
            if app.is_kcl3() {
                <td class="mono checkpoint-owner">{ row.checkpoint_owner.clone().unwrap_or_default() }</td>
            }
            <td class="counter mono"><span key={row.lease_counter.to_string()} class="tick">{ row.lease_counter }</span></td>
            <td class="mono checkpoint" title={row.checkpoint.clone()}>{ short_checkpoint(&row.checkpoint) }</td>
            <td class="mono">{ row.owner_switches_since_checkpoint }</td>
            <td class="mono">{ if row.parent_shard_ids.is_empty() { "-".to_string() } else { row.parent_shard_ids.iter().map(|p| format::short_shard(p)).collect::<Vec<_>>().join(", ") } }</td>
            if app.is_kcl3() {
                <td class="mono throughput">{ row.throughput_text() }</td>
            }
            <td class="mono">{ row.consumer_state.map_or("-", ConsumerState::as_str) }</td>
            <td class="frozen" title={if app.is_kcl3() { row.frozen_title_kcl3(app.failover_ms) } else { captions::lease_frozen(row.frozen_ms, row.seen_frozen_ms, app.failover_ms) }}>
                { format!("{:.1} s", row.frozen_ms as f64 / 1000.0) }
                if level == Some("expired") { <span class="badge">{ "expired" }</span> }
            </td>
            <td class={classes!("since-checkpoint", (row.since_checkpoint > 0).then_some("pending"))}
                title={captions::lease_since_checkpoint(row.lease_owner.as_deref(), row.since_checkpoint)}>
                { format::int(row.since_checkpoint) }
            </td>
        </tr>
    }
}

/// A sequence number is 56 digits: show its end.
fn short_checkpoint(checkpoint: &str) -> String {
    if checkpoint.len() > 16 && checkpoint.bytes().all(|b| b.is_ascii_digit()) {
        format!("…{}", &checkpoint[checkpoint.len() - 10..])
    } else {
        checkpoint.to_string()
    }
}
