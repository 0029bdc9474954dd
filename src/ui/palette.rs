//! Colours the page draws with, from the Okabe-Ito palette: eight colours that stay
//! distinguishable with the common forms of colour blindness. Partition keys, chart lines and
//! the CSS share them; state is never shown by colour alone (throttled lanes also say so in
//! words, throttled dots also wear a ring and bounce back).

/// One colour per partition-key colour index ([`crate::session::flights::key_colour`]).
pub const KEY_COLOURS: [&str; 8] = [
    "#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7", "#000000",
];

/// Chart lines, in order (black last: it is used for limits too).
pub const SERIES: [(u8, u8, u8); 8] = [
    (0x00, 0x72, 0xB2),
    (0xE6, 0x9F, 0x00),
    (0x00, 0x9E, 0x73),
    (0xD5, 0x5E, 0x00),
    (0x56, 0xB4, 0xE9),
    (0xCC, 0x79, 0xA7),
    (0xF0, 0xE4, 0x42),
    (0x00, 0x00, 0x00),
];

/// The throttled state.
pub const DANGER: &str = "#B3261E";

/// Text and outlines (the CSS's `--ink`): the ring and count of an aggregated record's dot.
pub const INK: &str = "#1d232b";
