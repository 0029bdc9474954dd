//! Fuzz target: `shardlab::hardening::script` (see that function for what the input means).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = shardlab::hardening::script(data);
});
