//! Fuzz target: `shardlab::hardening::url_fragment` (see that function for what the input means).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = shardlab::hardening::url_fragment(data);
});
