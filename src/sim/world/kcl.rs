//! Hosting KCL applications: running each application's workers inside the world, on its
//! clock, against its Kinesis.
//!
//! Separate because the KCL is a library of its own (`crate::kcl`) that knows nothing of the
//! world: a [`KclApp`] is handed the time and the service, and answers with the events that
//! happened and the wakes it wants. This file is the adapter: it turns wakes into scheduled
//! tasks, logs the events (and keeps them all for [`World::trace_kcl`]), and offers the
//! worker verbs (start, kill, pause, restart, remove) the console and lessons use.

use super::clock::Task;
use super::lifecycle::check_name;
use super::World;
use crate::kcl::{KclApp, KclConfig, KclEvent, KclTask, Retrieval, Wake, WorkerState};
use crate::sim::log::EventKind;
use crate::sim::log::{ActorKind, FaultAction};

const APP: ActorKind = ActorKind::KclApplication;

/// The most workers an application may have.
const MAX_WORKERS: usize = 100;

fn too_many_workers() -> String {
    format!("a KCL application may have at most {MAX_WORKERS} workers")
}

impl World {
    pub fn app(&self, name: &str) -> Option<&KclApp> {
        self.apps.get(name)
    }

    pub fn apps(&self) -> impl Iterator<Item = &KclApp> {
        self.apps.values()
    }

    /// Keeps, from now on, every KCL event (unbounded, unlike the event log) and every batch
    /// each application processes ([`KclApp::trace`]), for property tests that check the lease
    /// protocol over a whole run. Applications added later are traced too.
    pub fn trace_kcl(&mut self) {
        self.kcl_trace.get_or_insert_with(Vec::new);
        for app in self.apps.values_mut() {
            app.start_tracing();
        }
    }

    /// The KCL events kept since [`World::trace_kcl`], in order.
    pub fn kcl_trace(&self) -> &[(u64, KclEvent)] {
        self.kcl_trace.as_deref().unwrap_or_default()
    }

    fn log_kcl(&mut self, events: Vec<(u64, KclEvent)>) {
        for (at_ms, event) in events {
            if let Some(trace) = &mut self.kcl_trace {
                trace.push((at_ms, event.clone()));
            }
            if let Some(app) = self.apps.get_mut(event.app()) {
                app.activity.note(at_ms, &event);
                app.activity.note_owners(at_ms, &event, &app.table);
            }
            self.log.push(at_ms, EventKind::Kcl { event });
        }
    }

    fn schedule_wakes(&mut self, app: &str, wakes: Vec<Wake>) {
        for wake in wakes {
            self.schedule(
                wake.at_ms,
                Task::Kcl {
                    app: app.to_string(),
                    worker: wake.worker,
                    generation: wake.generation,
                    task: wake.task,
                },
            );
        }
    }

    /// Adds a KCL application with `workers` workers named `worker-1`, `worker-2`, ...
    pub fn add_kcl_app(
        &mut self,
        name: &str,
        config: KclConfig,
        workers: usize,
    ) -> Result<(), String> {
        check_name(name)?;
        if self.apps.contains_key(name) {
            return Err(APP.already_named(name));
        }
        if workers > MAX_WORKERS {
            return Err(too_many_workers());
        }
        let mut app = KclApp::new(name, config, self.seed_for(name))?;
        if self.kcl_trace.is_some() {
            app.start_tracing();
        }
        let first_sync = app.next_shard_sync(self.now_ms);
        let fan_out = app.config.retrieval == Retrieval::FanOut;
        let stream = app.config.stream.clone();
        self.apps.insert(name.to_string(), app);
        if fan_out {
            // The KCL registers the application's stream consumer as it starts.
            self.ensure_registered(self.now_ms, &stream, name);
        }
        self.schedule_wakes(name, vec![first_sync]);
        self.fault(APP, name, FaultAction::Added);
        for n in 1..=workers {
            self.add_worker(name, Some(&format!("worker-{n}")))?;
        }
        Ok(())
    }

    /// Starts a worker (a new id, or the next free `worker-N`); returns its id.
    pub fn add_worker(&mut self, app: &str, id: Option<&str>) -> Result<String, String> {
        let found = self.apps.get(app).ok_or_else(|| APP.none_named(app))?;
        let id = match id {
            Some(id) => id.to_string(),
            None => (1..)
                .map(|n| format!("worker-{n}"))
                .find(|id| !found.workers.contains_key(id))
                .unwrap_or_default(),
        };
        check_name(&id)?;
        if found
            .workers
            .get(&id)
            .is_some_and(|w| w.state != WorkerState::Dead)
        {
            return Err(format!("worker {id} of {app} is already running"));
        }
        if found.workers.len() >= MAX_WORKERS && !found.workers.contains_key(&id) {
            return Err(too_many_workers());
        }
        let now = self.now_ms;
        let mut events = Vec::new();
        let Some(found) = self.apps.get_mut(app) else {
            return Err(APP.none_named(app));
        };
        let wakes = found.start_worker(&id, now, &mut events);
        self.log_kcl(events);
        self.schedule_wakes(app, wakes);
        Ok(id)
    }

    /// Crashes a worker: it stops at once; its leases expire in the others' eyes.
    pub fn kill_worker(&mut self, app: &str, id: &str) -> Result<(), String> {
        let now = self.now_ms;
        let mut events = Vec::new();
        self.apps
            .get_mut(app)
            .ok_or_else(|| APP.none_named(app))?
            .kill_worker(id, now, &mut events)?;
        self.log_kcl(events);
        Ok(())
    }

    /// `kcl worker load`: the load on worker `id`'s host besides the KCL (KCL 3.x reports it
    /// in the worker's CPU utilisation, which the leader balances by).
    pub fn set_worker_load(&mut self, app: &str, id: &str, percent: f64) -> Result<(), String> {
        self.apps
            .get_mut(app)
            .ok_or_else(|| APP.none_named(app))?
            .set_worker_load(id, percent)
    }

    /// Pauses a worker (a long GC pause) for `duration_ms`.
    pub fn pause_worker(&mut self, app: &str, id: &str, duration_ms: u64) -> Result<(), String> {
        let now = self.now_ms;
        let mut events = Vec::new();
        self.apps
            .get_mut(app)
            .ok_or_else(|| APP.none_named(app))?
            .pause_worker(id, now, duration_ms, &mut events)?;
        self.log_kcl(events);
        Ok(())
    }

    /// Restarts a worker: with the same id it reclaims its leases at once; with a new id it
    /// is a new worker that must wait for the old one's leases to expire.
    pub fn restart_worker(
        &mut self,
        app: &str,
        id: &str,
        new_id: Option<&str>,
    ) -> Result<String, String> {
        let exists = self
            .apps
            .get(app)
            .ok_or_else(|| APP.none_named(app))?
            .workers
            .contains_key(id);
        if !exists {
            return Err(format!("there is no worker {id} in {app}"));
        }
        let running = self
            .apps
            .get(app)
            .and_then(|a| a.workers.get(id))
            .is_some_and(|w| w.state != WorkerState::Dead);
        if running {
            self.kill_worker(app, id)?;
        }
        self.add_worker(app, Some(new_id.unwrap_or(id)))
    }

    /// Redeploys application `app` to read with `retrieval`, as changing a KCL application's
    /// RetrievalConfig means on AWS: a fan-out application registers its stream consumer, and
    /// every live worker restarts under its own id, reclaiming its leases and resuming from
    /// their checkpoints (so what it processed after them comes again, as in any restart).
    /// A stream consumer left from fan-out stays registered (and billed) until deregistered,
    /// as on AWS. Returns how many workers restarted.
    pub fn redeploy_kcl_app(&mut self, app: &str, retrieval: Retrieval) -> Result<usize, String> {
        let found = self.apps.get_mut(app).ok_or_else(|| APP.none_named(app))?;
        if found.config.retrieval == retrieval {
            return Err(format!("{app} already reads with {}", retrieval.as_str()));
        }
        found.config.retrieval = retrieval;
        let stream = found.config.stream.clone();
        let live: Vec<String> = found
            .workers
            .iter()
            .filter(|(_, w)| w.state != WorkerState::Dead)
            .map(|(id, _)| id.clone())
            .collect();
        if retrieval == Retrieval::FanOut {
            self.ensure_registered(self.now_ms, &stream, app);
        }
        for id in &live {
            self.restart_worker(app, id, None)?;
        }
        Ok(live.len())
    }

    /// Shuts a worker down gracefully (REQUESTED): its shard consumers finish their batches
    /// and checkpoint in `shutdownRequested`, then it goes.
    pub fn remove_worker(&mut self, app: &str, id: &str) -> Result<(), String> {
        let now = self.now_ms;
        let mut events = Vec::new();
        let wakes = self
            .apps
            .get_mut(app)
            .ok_or_else(|| APP.none_named(app))?
            .remove_worker(id, now, &mut events)?;
        self.log_kcl(events);
        self.schedule_wakes(app, wakes);
        Ok(())
    }

    pub(super) fn run_kcl(
        &mut self,
        now: u64,
        app: &str,
        worker: Option<&str>,
        generation: u64,
        task: KclTask,
    ) {
        let mut events = Vec::new();
        let Some(found) = self.apps.get_mut(app) else {
            return;
        };
        let wakes = found.run(
            now,
            worker,
            generation,
            task,
            &mut self.kinesis,
            &mut events,
        );
        self.log_kcl(events);
        self.schedule_wakes(app, wakes);
    }
}
