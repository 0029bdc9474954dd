//! Reading a simulator command's words against its entry in the command table.
//!
//! Separate from [`super::grammar`], which only states what the commands take, and from
//! [`super::sim_commands`], which does what they say: this is the one place the words become
//! positional words, option values and switches, with the errors every command shares
//! (`unknown option --kyes; did you mean --keys?`, `--rate needs a value`, `--rate is given
//! twice`, `producer add needs a name`, `producer add needs --stream`). `wait until` reads its
//! options here too, as its [`Syntax::Condition`] says.

use super::duration::parse_duration;
use super::grammar::{Command, Opt, Syntax, Value};
use super::suggest::did_you_mean;

/// A command's words, read.
pub(crate) struct Args {
    /// How errors name the command: `producer add`.
    path: String,
    command: &'static Command,
    /// The options it reads: its own, and its parent's and siblings' where they are shared.
    read: Vec<&'static Opt>,
    pub positional: Vec<String>,
    /// The options given with a value, in the order given (of an option that takes two
    /// values, the first: the commands that have one read their words themselves).
    options: Vec<(&'static str, String)>,
    switches: Vec<&'static str>,
    /// An option of a [`Syntax::Condition`] given last, with no value after it.
    missing_value: Option<&'static Opt>,
}

impl Args {
    /// Reads `words` (those after the subcommand) as `command` takes them; `parent` is the
    /// command it is a subcommand of, whose shared options it reads too.
    pub fn parse(
        path: &str,
        command: &'static Command,
        parent: Option<&Command>,
        words: &[String],
    ) -> Result<Args, String> {
        let mut args = Args {
            path: path.to_string(),
            command,
            read: command.read_options(parent),
            positional: Vec::new(),
            options: Vec::new(),
            switches: Vec::new(),
            missing_value: None,
        };
        match command.syntax {
            Syntax::Words => args.positional = words.to_vec(),
            Syntax::Options => args.read_options(words)?,
            Syntax::Condition => args.read_condition(words),
        }
        Ok(args)
    }

    /// `--option value`, `--option=value` and switches among the positional words.
    fn read_options(&mut self, words: &[String]) -> Result<(), String> {
        let read = &self.read;
        let mut i = 0;
        while i < words.len() {
            let word = &words[i];
            i += 1;
            if !word.starts_with("--") {
                self.positional.push(word.clone());
                continue;
            }
            let (flag, inline) = match word.split_once('=') {
                Some((f, v)) => (f.to_string(), Some(v.to_string())),
                None => (word.clone(), None),
            };
            let Some(option) = read.iter().find(|o| o.flag == flag) else {
                let hint = did_you_mean(&flag, read.iter().map(|o| o.flag))
                    .map(|s| format!("; did you mean {s}?"))
                    .unwrap_or_default();
                return Err(format!("unknown option {flag}{hint}"));
            };
            if option.value.is_none() {
                self.switches.push(option.flag);
                continue;
            }
            let value = match inline {
                Some(value) => value,
                None => {
                    let value = words
                        .get(i)
                        .cloned()
                        .ok_or_else(|| format!("{flag} needs a value"))?;
                    i += 1;
                    value
                }
            };
            if self.options.iter().any(|(given, _)| *given == option.flag) {
                return Err(format!("{flag} is given twice"));
            }
            self.options.push((option.flag, value));
        }
        Ok(())
    }

    /// A condition's words: the command's options wherever they are (each flag alone, the
    /// last of one given twice counting), every other word the condition's. An option that
    /// takes two values ([`Opt::then`]) takes the two words after it.
    fn read_condition(&mut self, words: &[String]) {
        let mut rest = words.iter();
        while let Some(word) = rest.next() {
            match self.read.iter().copied().find(|o| o.flag == word.as_str()) {
                None => self.positional.push(word.clone()),
                Some(option) if option.value.is_none() => self.switches.push(option.flag),
                Some(option) => match (rest.next(), option.then) {
                    (Some(value), None) => self.options.push((option.flag, value.clone())),
                    (Some(value), Some(_)) => match rest.next() {
                        Some(_) => self.options.push((option.flag, value.clone())),
                        None => self.missing_value = Some(option),
                    },
                    (None, _) => self.missing_value = Some(option),
                },
            }
        }
    }

    /// The `index`th positional word, or the error saying the command needs it.
    pub fn word(&self, index: usize) -> Result<&str, String> {
        match self.positional.get(index) {
            Some(word) => Ok(word),
            None => {
                let needs = self.command.words.get(index).map_or("more", |w| w.needs);
                Err(format!("{} needs {needs}", self.path))
            }
        }
    }

    /// The `index`th positional word if it was given.
    pub fn optional_word(&self, index: usize) -> Option<&str> {
        self.positional.get(index).map(String::as_str)
    }

    /// Whether every required word and option was given; the first missing one is the error.
    pub fn check(&self) -> Result<(), String> {
        for (index, word) in self.command.words.iter().enumerate() {
            if word.required {
                self.word(index)?;
            }
        }
        for option in self.command.options.iter().filter(|o| o.required) {
            if !self.options.iter().any(|(flag, _)| *flag == option.flag) {
                let counts = match option.value {
                    Some(Value::Number) => format!(" ({})", option.help),
                    _ => String::new(),
                };
                return Err(format!("{} needs {}{counts}", self.path, option.flag));
            }
        }
        Ok(())
    }

    /// The value given to an option of the command (the last one, where it may be repeated).
    pub fn get(&self, flag: &str) -> Option<&str> {
        self.assert_reads(flag);
        self.options
            .iter()
            .rev()
            .find(|(given, _)| *given == flag)
            .map(|(_, value)| value.as_str())
    }

    /// Whether a switch was given.
    pub fn has(&self, flag: &str) -> bool {
        self.assert_reads(flag);
        self.switches.contains(&flag)
    }

    /// The form of a [`Value::Forms`] option's value and what follows the form's name
    /// (`--checkpoint every:5`: `every:N` and `5`), if it was given in one.
    pub fn form_of(&self, flag: &str) -> Option<(&'static str, &str)> {
        let value = self.read.iter().find(|o| o.flag == flag)?.value?;
        value.form_of(self.get(flag)?)
    }

    /// The options given with their values, in the order given.
    pub fn given(&self) -> impl Iterator<Item = (&'static str, &str)> + '_ {
        self.options
            .iter()
            .map(|(flag, value)| (*flag, value.as_str()))
    }

    /// A condition's option given last without its value (`wait until ... --timeout`).
    pub fn missing_value(&self) -> Option<&'static Opt> {
        self.missing_value
    }

    /// A flag asked for that the command does not read is a mistake in the code asking
    /// (a misspelt flag would read as never given): tests catch it.
    fn assert_reads(&self, flag: &str) {
        debug_assert!(
            self.read.iter().any(|o| o.flag == flag),
            "{} reads no option {flag}",
            self.path
        );
    }

    pub fn number<T: std::str::FromStr>(&self, flag: &str) -> Result<Option<T>, String> {
        self.get(flag)
            .map(|v| {
                v.parse::<T>()
                    .map_err(|_| format!("{flag} must be a number, not '{v}'"))
            })
            .transpose()
    }

    pub fn duration(&self, flag: &str) -> Result<Option<u64>, String> {
        self.get(flag).map(parse_duration).transpose()
    }

    /// The table's entry for one of the command's options.
    pub fn option(&self, flag: &str) -> Option<&'static Opt> {
        self.command.options.iter().find(|o| o.flag == flag)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::script::grammar::{KCL, PRODUCER, WAIT, WAIT_UNTIL};

    fn words(text: &str) -> Vec<String> {
        text.split_whitespace().map(String::from).collect()
    }

    fn add() -> &'static Command {
        PRODUCER.subcommand("add").unwrap_or(&PRODUCER)
    }

    #[test]
    fn options_are_read_against_the_table() {
        let read = |text: &str| Args::parse("producer add", add(), Some(&PRODUCER), &words(text));
        let args = read("web --stream=orders --rate 5").unwrap();
        assert_eq!(args.positional, ["web"]);
        assert_eq!(args.get("--stream"), Some("orders"));
        assert_eq!(args.number::<f64>("--rate"), Ok(Some(5.0)));
        assert!(args.check().is_ok());
        assert_eq!(
            read("web --kyes random").err().unwrap(),
            "unknown option --kyes; did you mean --keys?"
        );
        assert_eq!(read("web --rate").err().unwrap(), "--rate needs a value");
        assert_eq!(
            read("web --rate 1 --rate 2").err().unwrap(),
            "--rate is given twice"
        );
    }

    #[test]
    fn what_is_missing_is_named_in_the_tables_order() {
        let check = |text: &str| {
            Args::parse("producer add", add(), Some(&PRODUCER), &words(text))
                .and_then(|args| args.check())
                .err()
        };
        assert_eq!(check("--rate 5").unwrap(), "producer add needs a name");
        assert_eq!(
            check("web --rate 5").unwrap(),
            "producer add needs --stream"
        );
        assert_eq!(
            check("web --stream s").unwrap(),
            "producer add needs --rate (records per second)"
        );
    }

    #[test]
    fn worker_subcommands_take_every_word_as_it_is() {
        let worker = KCL.subcommand("worker").unwrap_or(&KCL);
        let kill = worker.subcommand("kill").unwrap_or(worker);
        let args = Args::parse("kcl worker kill", kill, Some(worker), &words("--x")).unwrap();
        assert_eq!(args.word(0), Ok("--x"));
        let args = Args::parse("kcl worker kill", kill, Some(worker), &[]).unwrap();
        assert_eq!(
            args.word(0).unwrap_err(),
            "kcl worker kill needs APP/WORKER"
        );
    }

    #[test]
    fn a_condition_takes_its_options_anywhere_and_leaves_it_every_other_word() {
        let read = |text: &str| Args::parse("wait until", &WAIT_UNTIL, Some(&WAIT), &words(text));
        let args = read("--every 1s $X --timeout 2m == --frob --timeout=5s --timeout 3m").unwrap();
        assert_eq!(args.positional, ["$X", "==", "--frob", "--timeout=5s"]);
        let given: Vec<(&str, &str)> = args.given().collect();
        assert_eq!(
            given,
            [("--every", "1s"), ("--timeout", "2m"), ("--timeout", "3m")]
        );
        assert_eq!(args.get("--timeout"), Some("3m"), "the last one counts");
        assert!(args.missing_value().is_none());
        let args = read("1 == 1 --every").unwrap();
        assert_eq!(args.missing_value().map(|o| o.flag), Some("--every"));
        assert_eq!(args.positional, ["1", "==", "1"]);
    }

    #[test]
    #[cfg(debug_assertions)]
    #[should_panic(expected = "producer add reads no option --rtae")]
    fn asking_for_an_option_the_command_does_not_read_is_a_mistake_tests_catch() {
        let args = Args::parse("producer add", add(), Some(&PRODUCER), &words("web")).unwrap();
        let _ = args.get("--rtae");
    }
}
