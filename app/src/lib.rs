//! x
pub mod types;
pub fn App() {}
