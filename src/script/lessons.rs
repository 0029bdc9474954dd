//! The built-in lessons: scripts with steps, narration and checks, embedded in the binary.
//!
//! Each lesson file starts with `# title:`, `# summary:` and `# goal:` lines (see
//! [`super::header`]). Every lesson's checks pass in the test suite, so a lesson can never
//! teach something the simulator does not do.

use super::header;

/// One built-in lesson.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Lesson {
    /// The short name used in links and on the command line (`shardlab lesson hot-key`).
    pub name: &'static str,
    pub source: &'static str,
}

impl Lesson {
    fn header(&self, key: &str) -> &'static str {
        self.source
            .lines()
            .take_while(|l| l.starts_with('#'))
            .find_map(|l| {
                let (found, value) = l.strip_prefix('#')?.split_once(':')?;
                (found.trim() == key).then(|| value.trim())
            })
            .unwrap_or_default()
    }

    pub fn title(&self) -> &'static str {
        self.header(header::TITLE)
    }

    pub fn summary(&self) -> &'static str {
        self.header(header::SUMMARY)
    }

    /// What the learner will be able to do, in one sentence.
    pub fn goal(&self) -> &'static str {
        self.header(header::GOAL)
    }
}

macro_rules! lesson {
    ($name:literal) => {
        Lesson {
            name: $name,
            source: include_str!(concat!("lessons/", $name, ".sh")),
        }
    };
}

static LESSONS: &[Lesson] = &[
    lesson!("getting-started"),
    lesson!("partition-keys"),
    lesson!("put-records"),
    lesson!("hot-key"),
    lesson!("bytes-limit"),
    lesson!("kpl-aggregation"),
    lesson!("spike-or-growth"),
    lesson!("resharding"),
    lesson!("on-demand"),
    lesson!("replay"),
    lesson!("read-throttling"),
    lesson!("enhanced-fan-out"),
    lesson!("retention"),
    lesson!("kcl-intro"),
    lesson!("kcl-failover"),
    lesson!("kcl-duplicates"),
    lesson!("checkpoint-frequency"),
    lesson!("kcl-load-balancing"),
    lesson!("kcl3-assignment"),
    lesson!("graceful-handoff"),
    lesson!("kcl-versions"),
    lesson!("two-applications"),
    lesson!("consumer-lag"),
    lesson!("kcl-resharding"),
    lesson!("shard-end"),
    lesson!("ordering"),
    lesson!("kcl-zombie"),
    lesson!("capacity-challenge"),
];

/// Every built-in lesson, in course order.
pub fn lessons() -> &'static [Lesson] {
    LESSONS
}

/// The lesson with this name.
pub fn lesson(name: &str) -> Option<&'static Lesson> {
    LESSONS.iter().find(|l| l.name == name)
}
