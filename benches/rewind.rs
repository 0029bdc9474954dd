//! What snapshots buy (issue 20): an hour of the page's default scene (`session/default.sh`),
//! played the way the page plays it, then rewound. Prints
//! - what simulating one minute of it costs (median over the hour's minutes);
//! - reaching a few moments (minute 10, 30, 59, and 59:45, between two snapshots) from the
//!   seed, as a link opened cold does, and from the run's snapshots, as the rewind slider,
//!   Back and a link of the same run do (medians of 5);
//! - the heap one snapshot takes and what the store holds after the hour, counted by a
//!   counting global allocator (what the process holds, not an estimate).
//!
//! The goal: reaching any moment from the snapshots costs no more than simulating one minute.
//! Run with `cargo bench --bench rewind` (`REWIND_MINUTES=N` for a shorter run).

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    bench::run();
}

#[cfg(target_arch = "wasm32")]
fn main() {}

#[cfg(not(target_arch = "wasm32"))]
mod bench {
    use std::alloc::{GlobalAlloc, Layout, System};
    use std::sync::atomic::{AtomicIsize, Ordering};
    use std::time::Instant;

    use shardlab::session::{Link, Scenario, Session};

    /// Bytes the process holds on the heap now.
    static LIVE: AtomicIsize = AtomicIsize::new(0);

    struct Counting;

    // SAFETY: every call is passed on to the system allocator unchanged; the counter is only
    // bookkeeping.
    unsafe impl GlobalAlloc for Counting {
        unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
            LIVE.fetch_add(layout.size() as isize, Ordering::Relaxed);
            unsafe { System.alloc(layout) }
        }
        unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
            LIVE.fetch_sub(layout.size() as isize, Ordering::Relaxed);
            unsafe { System.dealloc(ptr, layout) }
        }
        unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
            LIVE.fetch_add(
                new_size as isize - layout.size() as isize,
                Ordering::Relaxed,
            );
            unsafe { System.realloc(ptr, layout, new_size) }
        }
    }

    #[global_allocator]
    static ALLOCATOR: Counting = Counting;

    fn live() -> isize {
        LIVE.load(Ordering::Relaxed)
    }

    const MINUTE: u64 = 60_000;
    const RUNS: usize = 5;

    fn median(mut v: Vec<f64>) -> f64 {
        v.sort_by(f64::total_cmp);
        v[v.len() / 2]
    }

    fn ms(since: Instant) -> f64 {
        since.elapsed().as_secs_f64() * 1e3
    }

    fn mib(bytes: isize) -> f64 {
        bytes as f64 / (1024.0 * 1024.0)
    }

    /// The heap a copy of the session allocates (its store left empty).
    fn copy_bytes(session: &Session) -> isize {
        let mut lone = session.clone();
        lone.forget_snapshots();
        let before = live();
        let copy = lone.clone();
        let bytes = live() - before;
        drop(copy);
        bytes
    }

    pub fn run() {
        let minutes: u64 = std::env::var("REWIND_MINUTES")
            .ok()
            .and_then(|m| m.parse().ok())
            .unwrap_or(60);
        // Played as the page plays it: one-second slices (a frame at 64x is 1.6 s).
        let before = live();
        let mut session = Session::new(Link::start(Scenario::Default, 1));
        if let Some(mib) = std::env::var("REWIND_BUDGET_MIB")
            .ok()
            .and_then(|m| m.parse::<usize>().ok())
        {
            session.set_snapshot_budget(mib << 20);
        }
        let mut per_minute = Vec::new();
        println!(
            "minute  wall ms  snapshots  heap MiB  one copy KiB  its estimate KiB  store estimate MiB"
        );
        for minute in 1..=minutes {
            let started = Instant::now();
            for _ in 0..60 {
                session.advance(1_000);
            }
            per_minute.push(ms(started));
            if [1, 10, 30, 60].contains(&minute) || minute == minutes {
                let one = copy_bytes(&session);
                println!(
                    "{minute:>6} {:>8.1} {:>10} {:>9.1} {:>13.1} {:>17.1} {:>19.1}",
                    per_minute[per_minute.len() - 1],
                    session.snapshot_moments().len(),
                    mib(live() - before),
                    one as f64 / 1024.0,
                    session.snapshot_estimate() as f64 / 1024.0,
                    mib(session.snapshot_bytes() as isize)
                );
            }
        }
        let one_minute = median(per_minute);
        let held = live() - before;
        let copies = session.snapshot_moments().len();
        let one = copy_bytes(&session);
        println!(
            "\nsimulating one minute: {one_minute:.1} ms (median of {minutes})\n\
             one snapshot at the end: {:.1} KiB; {copies} snapshots kept; the whole session \
             with its store holds {:.1} MiB (the run's own records included), so the store at \
             most {:.1} MiB ({:.1} KiB a snapshot)",
            one as f64 / 1024.0,
            mib(held),
            mib(held - one),
            (held - one) as f64 / 1024.0 / copies.max(1) as f64
        );

        let end = session.world.elapsed_ms();
        let mut moments: Vec<u64> = [10 * MINUTE, 30 * MINUTE, 59 * MINUTE, 59 * MINUTE + 45_000]
            .into_iter()
            .filter(|&m| m < end)
            .collect();
        moments.dedup();
        println!("\nreaching      from the seed ms  from snapshots ms  snapshot at  x one minute");
        let mut worst: f64 = 0.0;
        for &moment in &moments {
            let cold: Vec<f64> = (0..RUNS)
                .map(|_| {
                    let started = Instant::now();
                    let mut link = session.link();
                    link.time_ms = moment;
                    let mut fresh = Session::new(link);
                    fresh.finish_catch_up();
                    ms(started)
                })
                .collect();
            let mut from = None;
            let warm: Vec<f64> = (0..RUNS)
                .map(|_| {
                    session.rewind_to(end);
                    session.finish_catch_up();
                    let started = Instant::now();
                    session.rewind_to(moment);
                    session.finish_catch_up();
                    let took = ms(started);
                    from = session.restored_from();
                    assert_eq!(session.world.elapsed_ms(), moment);
                    took
                })
                .collect();
            let (cold, warm) = (median(cold), median(warm));
            worst = worst.max(warm / one_minute);
            println!(
                "{:>5}:{:02}  {cold:>18.1} {warm:>18.1} {:>12} {:>13.2}",
                moment / MINUTE,
                moment % MINUTE / 1_000,
                from.map_or("none".to_string(), |f| format!(
                    "{}:{:02}",
                    f / MINUTE,
                    f % MINUTE / 1_000
                )),
                warm / one_minute
            );
        }
        let estimate = session.snapshot_bytes();
        let moments_kept = session.snapshot_moments();
        let before_forget = live();
        session.forget_snapshots();
        let counted = before_forget - live();
        println!(
            "\nthe store at the end: estimated {:.1} MiB, counted {:.1} MiB (what dropping it \
             frees): {:.2} x; {} snapshots at {}",
            mib(estimate as isize),
            mib(counted),
            estimate as f64 / counted as f64,
            moments_kept.len(),
            moments_kept
                .iter()
                .map(|m| format!("{}:{:02}", m / MINUTE, m % MINUTE / 1_000))
                .collect::<Vec<_>>()
                .join(" ")
        );
        println!(
            "\ngoal: reaching any moment costs no more than simulating one minute: {} \
             (worst {worst:.2} x)",
            if worst <= 1.0 { "met" } else { "NOT met" }
        );
    }
}
