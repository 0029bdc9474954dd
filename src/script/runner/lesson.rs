//! The runner's lesson commands: questions (`ask`) and what happened after them, and checks
//! (`expect`).
//!
//! Predict, observe, explain: a question's explanation (its `because`) is not shown when
//! the learner answers but once the lesson has shown what happens, at the next reveal point:
//! the next `step` or `recap` (before it), the next `wait until` (once it is over), the next
//! `task` (before it, if simulated time has passed since the question: a task asked about
//! right away is the learner's action, not yet what the question predicts, so the
//! explanation waits for the next reveal point after it), the next question, or the end of
//! the script. There the runner writes [`Entry::Reveal`],
//! which the page shows with the learner's prediction beside what happened.
//!
//! Apart from the runner's core (`runner.rs`) because these talk to the learner and the
//! author rather than to the world: they are read by `script_commands.rs` and turned into
//! transcript entries here.

use super::{located, Pause, Runner, Spot};
use crate::script::script_commands::{self, Question};
use crate::script::Entry;

impl Runner {
    /// `ask "question" "choice" "choice" ... answer N [because "explanation"]`.
    pub(super) fn ask(
        &mut self,
        at: Spot,
        args: &[String],
        now_ms: u64,
        out: &mut Vec<Entry>,
    ) -> Option<Pause> {
        match script_commands::question(args) {
            Ok(Question {
                question,
                choices,
                answer,
                explanation,
            }) => {
                self.status = 0;
                self.reveal(out);
                self.asked_ms = now_ms;
                self.to_reveal = Some(Question {
                    question: question.clone(),
                    choices: choices.clone(),
                    answer,
                    explanation: explanation.clone(),
                });
                out.push(Entry::Ask {
                    line: at.line,
                    question: question.clone(),
                    choices: choices.clone(),
                    answer,
                    explanation: explanation.clone(),
                });
                Some(Pause::Ask {
                    question,
                    choices,
                    answer,
                    explanation,
                })
            }
            Err(message) => {
                self.status = 2;
                self.script_error(out, at, format!("{message}\n"), 0);
                None
            }
        }
    }

    /// At a reveal point: what happened for the question asked last, with its explanation,
    /// if it is still to be said.
    pub(super) fn reveal(&mut self, out: &mut Vec<Entry>) {
        if let Some(asked) = self.to_reveal.take() {
            out.push(Entry::Reveal {
                question: asked.question,
                choices: asked.choices,
                answer: asked.answer,
                chosen: None,
                explanation: asked.explanation,
            });
        }
    }

    pub(super) fn expect(
        &mut self,
        line: usize,
        text: &str,
        args: &[String],
        out: &mut Vec<Entry>,
    ) {
        match script_commands::expect(args) {
            Ok((true, shown)) => {
                self.expects_passed += 1;
                out.push(Entry::Expect {
                    line,
                    passed: true,
                    message: located(line, &shown),
                });
            }
            Ok((false, shown)) => {
                self.expects_failed += 1;
                out.push(Entry::Expect {
                    line,
                    passed: false,
                    message: located(
                        line,
                        &format!("expect failed: {shown} is false\n    {text}"),
                    ),
                });
            }
            Err(message) => {
                self.expects_failed += 1;
                out.push(Entry::Expect {
                    line,
                    passed: false,
                    message: located(line, &format!("{message}\n    {text}")),
                });
            }
        }
    }
}
