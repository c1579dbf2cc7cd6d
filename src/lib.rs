//! keyproj: a self-hosted tracker for a county's major investment projects, with a map.
//! See `docs/architecture.md` for how the pieces fit.

pub mod accounts;
pub mod cli;
pub mod clock;
pub mod demo;
pub mod domain;
pub mod geo;
pub mod http;
pub mod import;
pub mod ledger;
pub mod report;
pub mod store;
