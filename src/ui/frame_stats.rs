//! The page measures itself: how long each animation frame's work takes (advancing the
//! simulation, building the view, Yew's render, drawing the canvas), kept over the last
//! frames, and when the first interactive frame happened. The figures are shown in the page's
//! footer and read by the performance measurement (`scripts/measure-page`).

use std::collections::VecDeque;

/// Frames remembered for the percentiles.
pub const FRAMES_KEPT: usize = 600;

#[derive(Clone, Debug, Default, PartialEq)]
pub struct FrameStats {
    work_ms: VecDeque<f64>,
    /// Milliseconds from navigation to the end of the first frame that drew the running
    /// simulation.
    pub first_frame_ms: Option<f64>,
    pub frames: u64,
}

impl FrameStats {
    pub fn record(&mut self, work_ms: f64, ended_at_ms: f64) {
        if !work_ms.is_finite() || work_ms < 0.0 {
            return;
        }
        if self.work_ms.len() == FRAMES_KEPT {
            self.work_ms.pop_front();
        }
        self.work_ms.push_back(work_ms);
        self.frames += 1;
        self.first_frame_ms.get_or_insert(ended_at_ms);
    }

    /// The `p`-th percentile (0 to 100) of the kept frames' work, nearest rank.
    pub fn percentile(&self, p: f64) -> Option<f64> {
        if self.work_ms.is_empty() {
            return None;
        }
        let mut sorted: Vec<f64> = self.work_ms.iter().copied().collect();
        sorted.sort_by(f64::total_cmp);
        let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
        sorted.get(rank.clamp(1, sorted.len()) - 1).copied()
    }

    pub fn kept(&self) -> usize {
        self.work_ms.len()
    }
}
