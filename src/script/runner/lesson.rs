//! The runner's lesson commands: questions (`ask`) and checks (`expect`).
//!
//! Apart from the runner's core (`runner.rs`) because these talk to the learner and the
//! author rather than to the world: they are read by `script_commands.rs` and turned into
//! transcript entries here.

use super::{located, Pause, Runner, Spot};
use crate::script::script_commands::{self, Question};
use crate::script::Entry;

impl Runner {
    /// `ask "question" "choice" "choice" ... answer N [because "explanation"]`.
    pub(super) fn ask(&mut self, at: Spot, args: &[String], out: &mut Vec<Entry>) -> Option<Pause> {
        match script_commands::question(args) {
            Ok(Question {
                question,
                choices,
                answer,
                explanation,
            }) => {
                self.status = 0;
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
