//! Fuzz target: `shardlab::hardening::endpoint_requests` (see that function for what the
//! input means): any bytes as a request's headers and body get an AWS-shaped answer.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = shardlab::hardening::endpoint_requests(data);
});
