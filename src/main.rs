//! The `shardlab` binary.
//!
//! In the browser (wasm32) it mounts the Yew app. Natively it is a small command-line tool
//! over the same model, so anything the page shows can be checked from a terminal.

#[cfg(target_arch = "wasm32")]
fn main() {
    shardlab::ui::start();
}

#[cfg(not(target_arch = "wasm32"))]
mod cli;

#[cfg(not(target_arch = "wasm32"))]
fn main() -> std::process::ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    // Not locked: `shardlab endpoint` prints from the world's own thread too.
    let mut out = std::io::stdout();
    let mut err = std::io::stderr();
    std::process::ExitCode::from(cli::run(&args, &mut out, &mut err))
}
