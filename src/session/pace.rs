//! How fast simulated time really runs while the page plays, when the model (or the page) cannot
//! keep up with the speed asked for.
//!
//! With a wall clock (the page) a playing frame simulates in slices and stops when
//! [`PLAY_BUDGET_MS`] of wall time is spent (see `Session::frame`): the simulated clock then
//! falls behind the wall clock instead of the page freezing for seconds at 1,000 shards. This
//! keeps the slice size (grown while slices are quick, shrunk when they are slow) and the
//! speed actually reached over the last second or so, so the page can say honestly that it
//! runs slower than asked. Apart from the clockwork (`playback.rs`) because none of it moves
//! the world: it only measures.

/// Wall time one playing frame may spend simulating, leaving the rest of a 16.7 ms frame (and
/// more) to the view, Yew's render and the browser.
pub const PLAY_BUDGET_MS: f64 = 12.0;
/// The smallest and largest slice of simulated time a playing frame runs at once.
const MIN_SLICE_MS: u64 = 1;
const MAX_SLICE_MS: u64 = 60_000;
/// Wall time the measured speed looks back over (an exponential decay with this time constant).
const WINDOW_MS: f64 = 1_000.0;
/// A frame counts for at most this much wall time (a tab back from the background).
const MAX_COUNTED_WALL_MS: f64 = 1_000.0;
/// The page says it is behind when the reached speed is below this share of the asked one.
const BEHIND_SHARE: f64 = 0.9;

#[derive(Clone, Debug)]
pub(super) struct Pace {
    /// Simulated ms a slice of a playing frame runs.
    slice_ms: u64,
    /// Simulated and wall ms over the recent window (decayed).
    simulated_ms: f64,
    wall_ms: f64,
    /// Wall ms counted since the last reset, capped: the measure says nothing until a window.
    counted_ms: f64,
}

impl Default for Pace {
    fn default() -> Pace {
        Pace {
            slice_ms: MAX_SLICE_MS,
            simulated_ms: 0.0,
            wall_ms: 0.0,
            counted_ms: 0.0,
        }
    }
}

impl Pace {
    /// The slice to run next, at most `left` simulated ms.
    pub(super) fn slice(&self, left: u64) -> u64 {
        left.min(self.slice_ms)
    }

    /// A slice of `slice` simulated ms took `took` wall ms: aim the next ones at a third of
    /// the budget (shrinking at once, growing at most twice as big per slice).
    pub(super) fn took(&mut self, slice: u64, took: f64) {
        let aim = PLAY_BUDGET_MS / 3.0;
        let fitted = (slice as f64 * aim / took.max(0.001)) as u64;
        if took > aim {
            self.slice_ms = fitted.clamp(MIN_SLICE_MS, MAX_SLICE_MS);
        } else if slice >= self.slice_ms {
            self.slice_ms = fitted
                .min(self.slice_ms * 2)
                .clamp(MIN_SLICE_MS, MAX_SLICE_MS);
        }
    }

    /// A playing frame of `wall_ms` moved the world `simulated_ms`.
    pub(super) fn frame(&mut self, wall_ms: f64, simulated_ms: u64) {
        if !wall_ms.is_finite() || wall_ms <= 0.0 {
            return;
        }
        let wall = wall_ms.min(MAX_COUNTED_WALL_MS);
        let keep = (-wall / WINDOW_MS).exp();
        self.simulated_ms = self.simulated_ms * keep + simulated_ms as f64;
        self.wall_ms = self.wall_ms * keep + wall;
        self.counted_ms = (self.counted_ms + wall).min(WINDOW_MS);
    }

    /// Time did not play (paused, held at a step, another speed): measure afresh.
    pub(super) fn reset(&mut self) {
        *self = Pace {
            slice_ms: self.slice_ms,
            ..Pace::default()
        };
    }

    /// The speed reached over the last second, when it is clearly below `asked`.
    pub(super) fn behind(&self, asked: f64) -> Option<f64> {
        if self.counted_ms < WINDOW_MS || self.wall_ms <= 0.0 {
            return None;
        }
        let reached = self.simulated_ms / self.wall_ms;
        (reached < asked * BEHIND_SHARE).then_some(reached)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slow_slices_shrink_quick_ones_grow_and_a_slow_world_is_said_to_be_behind() {
        let mut pace = Pace::default();
        // A world where a simulated ms costs 10 wall ms: slices shrink to fit the budget.
        for _ in 0..5 {
            let slice = pace.slice(16);
            pace.took(slice, slice as f64 * 10.0);
        }
        assert!(pace.slice(16) <= 1, "slice {}", pace.slice(16));
        // Quick again: they grow back, at most twice per slice.
        pace.took(1, 0.1);
        assert_eq!(pace.slice(100), 2);
        // Frames of 16 ms that move 4 simulated ms: 0.25x, said once a second is measured.
        for frame in 0..70 {
            assert_eq!(pace.behind(1.0).is_some(), frame >= 63, "frame {frame}");
            pace.frame(16.0, 4);
        }
        let reached = pace.behind(1.0).unwrap();
        assert!((reached - 0.25).abs() < 0.01, "{reached}");
        // Keeping up again for a few seconds is not behind; a reset measures afresh.
        for _ in 0..200 {
            pace.frame(16.0, 16);
        }
        assert_eq!(pace.behind(1.0), None);
        pace.reset();
        assert_eq!(pace.behind(0.5), None);
    }
}
