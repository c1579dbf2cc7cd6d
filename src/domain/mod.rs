//! Pure domain types and rules. No I/O: no database, no HTTP, no clock (callers pass dates).

pub mod access;
pub mod approval;
pub mod calendar;
pub mod chain;
pub mod codes;
pub mod column_mapping;
pub mod coords;
pub mod error;
pub mod indicators;
pub mod lights;
pub mod lists;
pub mod milestone;
pub mod money;
pub mod project;
pub mod report;
pub mod status;
pub mod tier;

pub use chain::Chain;
pub use error::{FieldError, Invalid};
pub use money::Yuan;
pub use tier::Tier;
