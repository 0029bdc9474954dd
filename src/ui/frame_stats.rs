//! The page measures itself: how long each animation frame's work takes (advancing the
//! simulation, building the view, Yew's render, drawing the canvas), kept over the last
//! frames, and when the first interactive frame happened. The figures are shown in the page's
//! footer and read by the performance measurement (`scripts/measure-page`).

use std::collections::VecDeque;

/// Frames remembered for the percentiles.
pub const FRAMES_KEPT: usize = 600;

/// The parts of a frame's work, timed separately to see where the time goes.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Phases {
    /// Advancing the simulation.
    pub simulate: f64,
    /// Building the view, launching dots, the log and the chart data.
    pub view: f64,
    /// Yew's diff and DOM updates.
    pub render: f64,
    /// Painting the records in flight (and the charts, when due).
    pub paint: f64,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct FrameStats {
    work_ms: VecDeque<f64>,
    phases: VecDeque<Phases>,
    /// Wall time between consecutive animation frames: 16.7 ms when the page keeps up with a
    /// 60 Hz screen, a multiple of it when frames are dropped.
    intervals_ms: VecDeque<f64>,
    /// Milliseconds from navigation to the end of the first frame that drew the running
    /// simulation.
    pub first_frame_ms: Option<f64>,
    pub frames: u64,
}

impl FrameStats {
    pub fn record(&mut self, work_ms: f64, phases: Phases, ended_at_ms: f64) {
        if !work_ms.is_finite() || work_ms < 0.0 {
            return;
        }
        if self.work_ms.len() == FRAMES_KEPT {
            self.work_ms.pop_front();
            self.phases.pop_front();
        }
        self.work_ms.push_back(work_ms);
        self.phases.push_back(phases);
        self.frames += 1;
        self.first_frame_ms.get_or_insert(ended_at_ms);
    }

    /// Forgets the kept frames (the speed changed: their figures describe another load); the
    /// first frame's time and the count of frames stay.
    pub fn restart(&mut self) {
        self.work_ms.clear();
        self.phases.clear();
        self.intervals_ms.clear();
    }

    /// Records the wall time since the previous animation frame.
    pub fn record_interval(&mut self, interval_ms: f64) {
        if !interval_ms.is_finite() || interval_ms <= 0.0 {
            return;
        }
        if self.intervals_ms.len() == FRAMES_KEPT {
            self.intervals_ms.pop_front();
        }
        self.intervals_ms.push_back(interval_ms);
    }

    /// The `p`-th percentile (0 to 100) of the kept frames' work, nearest rank.
    pub fn percentile(&self, p: f64) -> Option<f64> {
        percentile(&self.work_ms, p)
    }

    /// The `p`-th percentile of the intervals between frames.
    pub fn interval_percentile(&self, p: f64) -> Option<f64> {
        percentile(&self.intervals_ms, p)
    }

    /// The mean of each phase over the kept frames.
    pub fn mean_phases(&self) -> Phases {
        let n = self.phases.len().max(1) as f64;
        let mut sum = Phases::default();
        for p in &self.phases {
            sum.simulate += p.simulate;
            sum.view += p.view;
            sum.render += p.render;
            sum.paint += p.paint;
        }
        Phases {
            simulate: sum.simulate / n,
            view: sum.view / n,
            render: sum.render / n,
            paint: sum.paint / n,
        }
    }

    pub fn kept(&self) -> usize {
        self.work_ms.len()
    }
}

fn percentile(values: &VecDeque<f64>, p: f64) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    let mut sorted: Vec<f64> = values.iter().copied().collect();
    crate::sort::sort_by(&mut sorted, f64::total_cmp);
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted.get(rank.clamp(1, sorted.len()) - 1).copied()
}
