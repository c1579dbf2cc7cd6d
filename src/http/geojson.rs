//! GeoJSON FeatureCollections serialized straight from rows (serde derive, no JSON maps).

use serde::Serialize;

#[derive(Serialize)]
pub struct PointGeometry {
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub coordinates: [f64; 2],
}

impl PointGeometry {
    pub fn new(lon: f64, lat: f64) -> PointGeometry {
        PointGeometry { kind: "Point", coordinates: [lon, lat] }
    }
}

#[derive(Serialize)]
pub struct Feature<G: Serialize, P: Serialize> {
    #[serde(rename = "type")]
    pub kind: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<i64>,
    pub geometry: G,
    pub properties: P,
}

impl<G: Serialize, P: Serialize> Feature<G, P> {
    pub fn new(id: Option<i64>, geometry: G, properties: P) -> Self {
        Feature { kind: "Feature", id, geometry, properties }
    }
}

/// `{"type":"FeatureCollection","features":[…]}`, with an optional attribution member.
#[derive(Serialize)]
pub struct FeatureCollection<F: Serialize> {
    #[serde(rename = "type")]
    pub kind: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub attribution: Option<String>,
    pub features: Vec<F>,
}

impl<F: Serialize> FeatureCollection<F> {
    pub fn new(features: Vec<F>, attribution: Option<String>) -> Self {
        FeatureCollection { kind: "FeatureCollection", attribution, features }
    }
}
