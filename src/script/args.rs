//! Reading a simulator command's words against its entry in the command table.
//!
//! Separate from [`super::grammar`], which only states what the commands take, and from
//! [`super::sim_commands`], which does what they say: this is the one place the words become
//! positional words, option values and switches, with the errors every command shares
//! (`unknown option --kyes; did you mean --keys?`, `--rate needs a value`, `--rate is given
//! twice`, `producer add needs a name`, `producer add needs --stream`).

use std::collections::BTreeMap;

use super::duration::parse_duration;
use super::grammar::{Command, Syntax, Value};
use super::suggest::did_you_mean;

/// A command's words, read.
pub(crate) struct Args {
    /// How errors name the command: `producer add`.
    path: String,
    command: &'static Command,
    pub positional: Vec<String>,
    options: BTreeMap<String, String>,
    switches: Vec<String>,
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
            positional: Vec::new(),
            options: BTreeMap::new(),
            switches: Vec::new(),
        };
        if command.syntax == Syntax::Words {
            args.positional = words.to_vec();
            return Ok(args);
        }
        let read = command.read_options(parent);
        let mut i = 0;
        while i < words.len() {
            let word = &words[i];
            i += 1;
            if !word.starts_with("--") {
                args.positional.push(word.clone());
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
                args.switches.push(flag);
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
            if args.options.insert(flag.clone(), value).is_some() {
                return Err(format!("{flag} is given twice"));
            }
        }
        Ok(args)
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
            if !self.options.contains_key(option.flag) {
                let counts = match option.value {
                    Some(Value::Number) => format!(" ({})", option.help),
                    _ => String::new(),
                };
                return Err(format!("{} needs {}{counts}", self.path, option.flag));
            }
        }
        Ok(())
    }

    pub fn get(&self, flag: &str) -> Option<&str> {
        self.options.get(flag).map(String::as_str)
    }

    /// Whether a switch was given.
    pub fn has(&self, flag: &str) -> bool {
        self.switches.iter().any(|f| f == flag)
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
    pub fn option(&self, flag: &str) -> Option<&'static super::grammar::Opt> {
        self.command.options.iter().find(|o| o.flag == flag)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::script::grammar::{KCL, PRODUCER};

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
}
