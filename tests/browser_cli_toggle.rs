//! The console's AWS CLI toggle: the page says which CLI the console imitates (AWS CLI v1 by
//! default), and the toggle, a real button, runs `sim cli v2` through the console, as every
//! click does, after which `aws` commands print what AWS CLI v2 prints; pressed again it runs
//! `sim cli v1`.
#![cfg(target_arch = "wasm32")]

mod browser;

use browser::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::HtmlElement;

wasm_bindgen_test_configure!(run_in_browser);

/// The console's last error block, as the page shows it.
fn last_error(root: &web_sys::Element) -> String {
    let errors = root.query_selector_all("#console-output .err").unwrap();
    errors
        .get(errors.length() - 1)
        .unwrap()
        .text_content()
        .unwrap()
}

#[wasm_bindgen_test]
async fn the_toggle_runs_sim_cli_v2_through_the_console_and_the_cli_changes() {
    let root = mount("", false).await;
    assert!(
        text_of(&root, "#cli-imitated").contains("AWS CLI v1 (1.x) by default"),
        "{}",
        text_of(&root, "#cli-imitated")
    );
    let toggle = find(&root, "#cli-toggle");
    assert_eq!(toggle.tag_name(), "BUTTON", "a real control");
    assert_eq!(attr(&toggle, "aria-pressed"), "false");
    assert!(
        toggle.dyn_ref::<HtmlElement>().unwrap().tab_index() >= 0,
        "reachable by Tab"
    );

    // v1: a service error is a blank line and the error (the page keeps the blank line).
    console(&root, "aws kinesis describe-stream --stream-name Nope").await;
    assert!(
        last_error(&root).starts_with("\nAn error occurred (ResourceNotFoundException)"),
        "{:?}",
        last_error(&root)
    );
    console(&root, "echo $?").await;
    assert!(text_of(&root, "#console-output").ends_with("255"));

    // The toggle runs `sim cli v2` visibly, through the console.
    click(&root, "#cli-toggle").await;
    let output = text_of(&root, "#console-output");
    assert!(output.contains("$ sim cli v2"), "{output}");
    assert_eq!(attr(&find(&root, "#cli-toggle"), "aria-pressed"), "true");
    assert!(text_of(&root, "#cli-imitated").contains("AWS CLI v2 (2.x)"));

    // v2: --data is base64, and errors are v2's.
    console(
        &root,
        "aws kinesis put-record --stream-name orders --partition-key k --data hello",
    )
    .await;
    assert_eq!(
        last_error(&root),
        "\naws: [ERROR]: Invalid base64: \"hello\""
    );
    console(&root, "aws kinesis describe-stream --stream-name Nope").await;
    assert!(last_error(&root)
        .starts_with("\naws: [ERROR]: An error occurred (ResourceNotFoundException)"));
    console(&root, "echo $?").await;
    assert!(text_of(&root, "#console-output").ends_with("254"));

    // Pressed again: `sim cli v1`, and v1's usage shows as a terminal shows it (the
    // carriage return after "usage: " brings the note to the start of the line).
    click(&root, "#cli-toggle").await;
    assert!(text_of(&root, "#console-output").contains("$ sim cli v1"));
    assert_eq!(attr(&find(&root, "#cli-toggle"), "aria-pressed"), "false");
    console(&root, "aws kinesis describe-stream --stream orders").await;
    assert!(
        last_error(&root).starts_with("Note: AWS CLI version 2, the latest major version"),
        "{:?}",
        last_error(&root)
    );
}
