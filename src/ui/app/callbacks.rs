//! The callbacks the app hands its panels, made once when the app is created (kept apart
//! from `app.rs`, which is the frame loop and the messages).

use std::cell::RefCell;
use std::rc::Rc;

use yew::prelude::*;

use super::{App, Msg};
use crate::script::complete::{complete, Completion};
use crate::session::history::HistoryItem;
use crate::session::{Scenario, Session};
use crate::ui::stream_panel::StreamMsg;

/// The callbacks the panels get, made once: a new `Callback` is a new value, and a panel
/// whose props changed re-renders, so making them in `view` would re-render every panel on
/// every frame.
pub(super) struct Callbacks {
    pub(super) run: Callback<String>,
    pub(super) complete: Callback<String, Completion>,
    pub(super) explain: Callback<String>,
    pub(super) play: Callback<()>,
    pub(super) step: Callback<()>,
    pub(super) speed: Callback<f64>,
    pub(super) seed: Callback<u64>,
    pub(super) reset: Callback<()>,
    pub(super) share: Callback<()>,
    pub(super) close_share: Callback<()>,
    pub(super) help: Callback<()>,
    pub(super) next: Callback<()>,
    pub(super) skip: Callback<()>,
    pub(super) show_me: Callback<()>,
    pub(super) show_everything: Callback<MouseEvent>,
    pub(super) dismiss: Callback<()>,
    pub(super) fork_mirror: Callback<MouseEvent>,
    pub(super) select: Callback<String>,
    pub(super) stream: Callback<StreamMsg>,
    pub(super) download: Callback<()>,
    pub(super) open: Callback<Scenario>,
    pub(super) to_lessons: Callback<MouseEvent>,
    pub(super) guide: Callback<&'static str>,
    pub(super) more: Callback<&'static str>,
    pub(super) back: Callback<()>,
    pub(super) goto: Callback<usize>,
    pub(super) answer: Callback<usize>,
    pub(super) rewind: Callback<u64>,
    pub(super) select_worker: Callback<String>,
    pub(super) pick_event: Callback<HistoryItem>,
    pub(super) hover_shard: Callback<Option<String>>,
}

impl Callbacks {
    pub(super) fn new(link: &yew::html::Scope<App>, session: &Rc<RefCell<Session>>) -> Callbacks {
        let session = Rc::clone(session);
        Callbacks {
            run: link.callback(Msg::Run),
            // The console asks between frames, when the session is not borrowed.
            complete: Callback::from(move |line: String| match session.try_borrow() {
                Ok(session) => complete(&line, &session.world),
                Err(_) => Completion {
                    start: line.len(),
                    candidates: Vec::new(),
                },
            }),
            explain: link.callback(Msg::Explain),
            play: link.callback(|_| Msg::TogglePlay),
            step: link.callback(|_| Msg::Step),
            speed: link.callback(Msg::SetSpeed),
            seed: link.callback(Msg::SetSeed),
            reset: link.callback(|_| Msg::Reset),
            share: link.callback(|_| Msg::Share),
            close_share: link.callback(|_| Msg::CloseShare),
            help: link.callback(|_| Msg::ToggleHelp),
            next: link.callback(|_| Msg::NextStep),
            skip: link.callback(|_| Msg::SkipWait),
            show_me: link.callback(|_| Msg::ShowMe),
            show_everything: link.callback(|_| Msg::ShowEverything),
            dismiss: link.callback(|_| Msg::DismissNotice),
            fork_mirror: link.callback(|_| Msg::ForkMirror),
            select: link.callback(Msg::Select),
            stream: link.callback(Msg::Stream),
            download: link.callback(|_| Msg::DownloadCsv),
            open: link.callback(Msg::Open),
            back: link.callback(|_| Msg::Back),
            goto: link.callback(Msg::GoToStep),
            answer: link.callback(Msg::Answer),
            rewind: link.callback(Msg::Rewind),
            select_worker: link.callback(Msg::SelectWorker),
            pick_event: link.callback(Msg::PickEvent),
            hover_shard: link.callback(Msg::HoverShard),
            to_lessons: link.callback(|_| Msg::ToLessons),
            guide: link.callback(Msg::Guide),
            more: link.callback(Msg::More),
        }
    }
}
