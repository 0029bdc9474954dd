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
    let mut out = std::io::stdout().lock();
    let mut err = std::io::stderr().lock();
    std::process::ExitCode::from(cli::run(&args, &mut out, &mut err))
}
