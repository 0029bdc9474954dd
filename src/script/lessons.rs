//! The built-in lessons: scripts with steps, narration and checks.
//!
//! Each lesson file starts with `# title:`, `# summary:` and `# goal:` lines (see
//! [`super::header`]). Every lesson's checks pass in the test suite, so a lesson can never
//! teach something the simulator does not do.
//!
//! Native builds and tests embed every lesson's text. The page (built by Trunk with the
//! `fetch-lessons` feature) embeds only each lesson's header lines, which the lesson list
//! shows, and fetches a lesson's text the first time it is opened: 28 lessons are 155 KB of
//! text (39 KB gzipped) that most visits never read, and the .wasm is the page's largest
//! download. Trunk copies `src/script/lessons` to the page's `lessons/` folder; see
//! `ui/lesson_fetch.rs` for the fetch and `store` for where the text is kept.

use super::header;

/// Whether lesson texts are fetched by the page instead of embedded.
macro_rules! fetched {
    ($($item:item)*) => { $( #[cfg(all(target_arch = "wasm32", feature = "fetch-lessons"))] $item )* };
}
macro_rules! embedded {
    ($($item:item)*) => { $( #[cfg(not(all(target_arch = "wasm32", feature = "fetch-lessons")))] $item )* };
}

/// One built-in lesson.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Lesson {
    /// The short name used in links and on the command line (`shardlab lesson hot-key`).
    pub name: &'static str,
    /// The leading `#` lines of the lesson's file (its title, summary and goal).
    head: &'static str,
    /// The whole lesson script (embedded builds only; see [`Lesson::loaded_source`]).
    #[cfg(not(all(target_arch = "wasm32", feature = "fetch-lessons")))]
    pub source: &'static str,
}

impl Lesson {
    fn header(&self, key: &str) -> &'static str {
        self.head
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

    embedded! {
        /// The lesson's script: always there when lessons are embedded.
        pub fn loaded_source(&self) -> Option<&'static str> {
            Some(self.source)
        }
    }

    fetched! {
        /// The lesson's script, once the page has fetched it (see `store`).
        pub fn loaded_source(&self) -> Option<&'static str> {
            store::get(self.name)
        }
    }
}

fetched! {
    /// The lesson texts the page has fetched, kept for the page's lifetime (a rebuild of the
    /// run, Back and rewinding read the text again).
    pub mod store {
        use std::cell::RefCell;
        use std::collections::HashMap;

        thread_local! {
            static TEXTS: RefCell<HashMap<&'static str, &'static str>> = RefCell::new(HashMap::new());
        }

        /// The fetched text of a lesson.
        pub fn get(name: &str) -> Option<&'static str> {
            TEXTS.with(|texts| texts.borrow().get(name).copied())
        }

        /// Keeps a fetched lesson text. Each of the 28 lessons is kept at most once, so
        /// leaking them costs at most the 155 KB the .wasm used to hold.
        pub fn put(name: &'static str, text: String) {
            TEXTS.with(|texts| {
                texts
                    .borrow_mut()
                    .entry(name)
                    .or_insert_with(|| Box::leak(text.into_boxed_str()));
            });
        }
    }
}

/// The length of a lesson's leading `#` lines (with their line ends), at compile time.
const fn head_len(source: &str) -> usize {
    let bytes = source.as_bytes();
    let mut at = 0;
    while at < bytes.len() && bytes[at] == b'#' {
        while at < bytes.len() && bytes[at] != b'\n' {
            at += 1;
        }
        if at < bytes.len() {
            at += 1;
        }
    }
    at
}

/// A copy of a lesson's first `N` bytes, made at compile time so that the page's data holds
/// only the header, not the whole text it was cut from.
const fn head<const N: usize>(source: &str) -> [u8; N] {
    let bytes = source.as_bytes();
    let mut out = [0; N];
    let mut at = 0;
    while at < N {
        out[at] = bytes[at];
        at += 1;
    }
    out
}

macro_rules! lesson {
    ($name:literal) => {{
        const SOURCE: &str = include_str!(concat!("lessons/", $name, ".sh"));
        const LEN: usize = head_len(SOURCE);
        const HEAD: &[u8; LEN] = &head::<LEN>(SOURCE);
        Lesson {
            name: $name,
            // The header ends at a line end, so it is whole UTF-8.
            head: match std::str::from_utf8(HEAD) {
                Ok(text) => text,
                Err(_) => panic!("a lesson header is not UTF-8"),
            },
            #[cfg(not(all(target_arch = "wasm32", feature = "fetch-lessons")))]
            source: SOURCE,
        }
    }};
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
