//! Geography: the town layer and GeoJSON output.

pub mod towns;

pub use towns::{Town, TownLayer};
