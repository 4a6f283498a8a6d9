//! Rebuild when the translations change: rust-i18n reads `locales/` at
//! compile time, and Cargo would not otherwise notice an edit there.
fn main() {
    println!("cargo:rerun-if-changed=../../locales");
}
