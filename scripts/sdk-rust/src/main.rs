// The crate exists to pin hiero-sdk (Cargo.toml, Cargo.lock); scripts/check-guides-java-rust.sh copies both
// beside the guide examples, each a bin of its own.
fn main() {}
