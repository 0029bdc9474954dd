//! Fuzz target: scripts built from the scenario language's grammar by
//! `shardlab::hardening::grammar_script`, then run by `shardlab::hardening::script_text`.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let script = shardlab::hardening::grammar_script(data);
    let _ = shardlab::hardening::script_text(&script, shardlab::hardening::SCRIPT_BUDGET_MS);
});
