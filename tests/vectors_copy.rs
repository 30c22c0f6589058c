//! The vendored conformance vectors (`tests/vectors/vectors.json`) must be the shared ones
//! (`../shared/vectors/vectors.json`) whenever the shared file sits beside the checkout.

use serde_json::Value;

const VENDORED: &str = include_str!("vectors/vectors.json");

#[test]
fn vendored_vectors_parse_and_name_every_layer() {
    let all: Vec<Value> = serde_json::from_str(VENDORED).expect("valid JSON");
    assert!(all.len() >= 10, "only {} vectors", all.len());
    for v in &all {
        assert!(v["name"].is_string(), "{v}");
        assert!(v["layer"].is_string(), "{v}");
    }
}

#[test]
fn vendored_vectors_are_the_shared_ones() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../shared/vectors/vectors.json"
    );
    match std::fs::read_to_string(path) {
        Ok(shared) => assert!(
            shared == VENDORED,
            "{path} differs from tests/vectors/vectors.json: refresh the vendored copy"
        ),
        Err(e) => eprintln!("{path}: {e}; only the vendored copy is checked"),
    }
}
