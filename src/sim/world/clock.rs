//! The driver: the virtual clock and the queue of tasks waiting for their moment.
//!
//! Separate from the world's state as turmoil's `sim.rs` is from its `world.rs`: this is the
//! only code that moves time. [`World::advance_to`] pops the tasks due in time order (ties in
//! the order they were scheduled, by a sequence number), lets the engine catch up to each
//! task's moment first, and hands the task to the producers, consumers or KCL code that runs
//! it. Those schedule their next tasks here, with `World::schedule`. Enhanced fan-out
//! subscriptions are pushed to rather than polled, so before each task the clock asks for the
//! earliest event any reader's subscription has due (`fan_out.rs`) and delivers it first. The
//! cost meter is brought up to every moment the clock stops at, and to every engine change in
//! between.

use std::cmp::Reverse;

use super::World;
use crate::kcl::KclTask;
use crate::sim::log::EventKind;

/// A task waiting for its moment.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum Task {
    Send {
        producer: String,
        generation: u64,
    },
    Retry {
        producer: String,
    },
    Poll {
        consumer: String,
        generation: u64,
    },
    Kcl {
        app: String,
        worker: Option<String>,
        generation: u64,
        task: KclTask,
    },
}

/// A task and its moment, ordered by time and then by the order it was scheduled in.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(super) struct Scheduled {
    at_ms: u64,
    seq: u64,
    task: Task,
}

impl World {
    /// Queues `task` for `at_ms`, after every task already queued for that moment.
    pub(super) fn schedule(&mut self, at_ms: u64, task: Task) {
        self.next_task_seq += 1;
        self.queue.push(Reverse(Scheduled {
            at_ms,
            seq: self.next_task_seq,
            task,
        }));
    }

    /// Advances simulated time by `ms`.
    pub fn advance_by(&mut self, ms: u64) {
        self.advance_to(self.now_ms.saturating_add(ms));
    }

    /// Runs every task due up to `target_ms`, in time order, then sets the clock there.
    pub fn advance_to(&mut self, target_ms: u64) {
        let target = target_ms.max(self.now_ms);
        loop {
            let next_task = self
                .queue
                .peek()
                .map(|Reverse(s)| s.at_ms)
                .filter(|at| *at <= target);
            // A subscription's event due before the next task (or with it) goes first.
            if let Some((due, id, owner)) = self.next_fan_out(next_task.unwrap_or(target)) {
                self.set_clock(due);
                self.deliver_fan_out(due, id, owner);
                continue;
            }
            let Some(at) = next_task else {
                break;
            };
            self.set_clock(at);
            let Some(Reverse(first)) = self.queue.pop() else {
                break;
            };
            match first.task {
                Task::Send {
                    producer,
                    generation,
                } => {
                    // Every producer sending at this instant sends together, so that a
                    // shard shares its capacity between them fairly.
                    let mut sends = vec![(producer, generation)];
                    while let Some(Reverse(Scheduled {
                        at_ms,
                        task: Task::Send { .. },
                        ..
                    })) = self.queue.peek()
                    {
                        if *at_ms != at {
                            break;
                        }
                        if let Some(Reverse(Scheduled {
                            task:
                                Task::Send {
                                    producer,
                                    generation,
                                },
                            ..
                        })) = self.queue.pop()
                        {
                            sends.push((producer, generation));
                        }
                    }
                    self.run_sends(at, sends);
                }
                Task::Retry { producer } => self.run_retries(at, &producer),
                Task::Poll {
                    consumer,
                    generation,
                } => self.run_poll(at, &consumer, generation),
                Task::Kcl {
                    app,
                    worker,
                    generation,
                    task,
                } => self.run_kcl(at, &app, worker.as_deref(), generation, task),
            }
        }
        self.set_clock(target);
    }

    fn set_clock(&mut self, at_ms: u64) {
        self.now_ms = at_ms;
        // The meter reaches each of the engine's changes before it applies, so every stretch
        // of time is billed under the state it really had.
        // Each change is logged at its own moment, not where the clock stops: the log is the
        // same however time is sliced (a page's frames, an endpoint's requests, a rewind).
        while let Some(due) = self.kinesis.next_change_ms().filter(|due| *due <= at_ms) {
            self.meter.accrue(&self.kinesis, due);
            self.kinesis.advance_to(due);
            for event in self.kinesis.drain_events() {
                self.log.push(due, EventKind::Service { event });
            }
        }
        self.meter.accrue(&self.kinesis, at_ms);
        self.kinesis.advance_to(at_ms);
        for event in self.kinesis.drain_events() {
            self.log.push(at_ms, EventKind::Service { event });
        }
    }
}
