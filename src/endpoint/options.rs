//! `shardlab endpoint`'s command line.

use std::net::{IpAddr, Ipv4Addr};

/// The port kinesalite listens on by default, and so the one local Kinesis setups expect.
pub const DEFAULT_PORT: u16 = 4567;
/// The fastest simulated time may run against the wall clock.
pub const MAX_SPEED: f64 = 1_000.0;

pub const USAGE: &str = "shardlab endpoint [--port N] [--host ADDRESS] [--seed N] [--script FILE] \
                         [--speed X] [--page [DIR]]";

/// Where `--page` finds the built page by default: what `trunk build --release` makes.
pub const DEFAULT_PAGE: &str = "dist";

/// What `shardlab endpoint` was asked for.
#[derive(Clone, Debug, PartialEq)]
pub struct Options {
    /// Where to listen: loopback unless asked otherwise.
    pub host: IpAddr,
    /// 0 lets the system pick a free port (the banner says which).
    pub port: u16,
    pub seed: u64,
    /// A scenario to run beside the clients: its file name and text.
    pub script: Option<(String, String)>,
    /// Simulated seconds per wall second.
    pub speed: f64,
    /// The built page's folder, when the endpoint serves the page as a live mirror.
    pub page: Option<std::path::PathBuf>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            host: IpAddr::V4(Ipv4Addr::LOCALHOST),
            port: DEFAULT_PORT,
            seed: 1,
            script: None,
            speed: 1.0,
            page: None,
        }
    }
}

impl Options {
    /// Reads the arguments after `endpoint` (a `--script` file is read here).
    pub fn parse(args: &[String]) -> Result<Options, String> {
        let mut options = Options::default();
        let mut rest = args.iter().peekable();
        while let Some(arg) = rest.next() {
            if arg == "--page" {
                let dir = match rest.peek() {
                    Some(dir) if !dir.starts_with("--") => {
                        rest.next().map_or(DEFAULT_PAGE, |d| d.as_str())
                    }
                    _ => DEFAULT_PAGE,
                };
                let dir = std::path::PathBuf::from(dir);
                if !dir.join("index.html").is_file() {
                    return Err(format!(
                        "--page: no built page in {} (no index.html); build it with \
                         `trunk build --release` (scripts/serve does), or name its folder: --page DIR",
                        dir.display()
                    ));
                }
                options.page = Some(dir);
                continue;
            }
            let mut value = || {
                rest.next()
                    .map(String::as_str)
                    .ok_or_else(|| format!("{arg} needs a value"))
            };
            match arg.as_str() {
                "--port" => {
                    options.port = value()?
                        .parse()
                        .map_err(|_| "--port needs a port number, 0 to 65535".to_string())?;
                }
                "--host" => options.host = host(value()?)?,
                "--seed" => {
                    options.seed = value()?
                        .parse()
                        .map_err(|_| "--seed needs a whole number".to_string())?;
                }
                "--speed" => {
                    let speed: f64 = value()?.parse().unwrap_or(f64::NAN);
                    if !(speed > 0.0 && speed <= MAX_SPEED) {
                        return Err(format!(
                            "--speed needs a number above 0 and at most {MAX_SPEED} \
                             (simulated seconds per wall second)"
                        ));
                    }
                    options.speed = speed;
                }
                "--script" => {
                    let file = value()?;
                    let text = std::fs::read_to_string(file)
                        .map_err(|e| format!("cannot read the script {file}: {e}"))?;
                    options.script = Some((file.to_string(), text));
                }
                other => return Err(format!("unexpected argument '{other}'")),
            }
        }
        Ok(options)
    }
}

/// An address to listen on: an IP address, or `localhost`.
fn host(text: &str) -> Result<IpAddr, String> {
    if text.eq_ignore_ascii_case("localhost") {
        return Ok(IpAddr::V4(Ipv4Addr::LOCALHOST));
    }
    text.parse().map_err(|_| {
        format!("--host needs an IP address (127.0.0.1, ::1, 0.0.0.0 for every interface), not '{text}'")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Result<Options, String> {
        Options::parse(&args.iter().map(|a| a.to_string()).collect::<Vec<_>>())
    }

    #[test]
    fn defaults_listen_on_loopback_port_4567_at_the_wall_clocks_pace() {
        let options = parse(&[]).unwrap();
        assert!(options.host.is_loopback());
        assert_eq!((options.port, options.seed, options.speed), (4567, 1, 1.0));
    }

    #[test]
    fn every_option_is_read_and_bad_values_say_what_is_wanted() {
        let options = parse(&[
            "--port", "0", "--host", "0.0.0.0", "--seed", "9", "--speed", "8",
        ])
        .unwrap();
        assert_eq!((options.port, options.seed, options.speed), (0, 9, 8.0));
        assert!(!options.host.is_loopback());
        assert!(parse(&["--host", "localhost"]).unwrap().host.is_loopback());
        for (args, says) in [
            (&["--port", "70000"][..], "port number"),
            (&["--speed", "0"], "above 0"),
            (&["--speed", "NaN"], "above 0"),
            (&["--speed", "5000"], "at most 1000"),
            (&["--host", "example.com"], "IP address"),
            (&["--seed"], "needs a value"),
            (&["--script", "/no/such/file.sh"], "cannot read"),
            (&["--page", "/no/such/dir"], "no built page"),
            (&["--pages"], "unexpected argument"),
        ] {
            let error = parse(args).unwrap_err();
            assert!(error.contains(says), "{args:?}: {error}");
        }
    }
}
