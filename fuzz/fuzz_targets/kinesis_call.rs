//! Fuzz target: `shardlab::hardening::kinesis_calls` (see that function for what the input means).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = shardlab::hardening::kinesis_calls(data);
});
