//! GeoJSON FeatureCollections serialized straight from rows (serde derive, no JSON maps). Each
//! collection is a concrete type made by `feature_collection!`, so the API description names
//! every one (`ProjectPoints`, `TownPolygons` …) with its own properties.

use serde::Serialize;
use utoipa::ToSchema;
use utoipa::openapi::RefOr;
use utoipa::openapi::schema::{ObjectBuilder, Schema, Type};

/// The `type` member of a point.
#[derive(Serialize, ToSchema, Clone, Copy)]
pub enum PointType {
    Point,
}

/// The `type` member of a feature.
#[derive(Serialize, ToSchema, Clone, Copy)]
pub enum FeatureType {
    Feature,
}

/// The `type` member of a collection.
#[derive(Serialize, ToSchema, Clone, Copy)]
pub enum FeatureCollectionType {
    FeatureCollection,
}

/// A point in WGS84: `[lon, lat]`.
#[derive(Serialize, ToSchema)]
pub struct PointGeometry {
    #[serde(rename = "type")]
    pub kind: PointType,
    #[schema(min_items = 2, max_items = 2)]
    pub coordinates: [f64; 2],
}

impl PointGeometry {
    pub fn new(lon: f64, lat: f64) -> PointGeometry {
        PointGeometry { kind: PointType::Point, coordinates: [lon, lat] }
    }
}

/// Any GeoJSON geometry (the town and county polygons), as RFC 7946 defines it.
#[derive(Serialize)]
#[serde(transparent)]
pub struct AnyGeometry<'a>(pub &'a geojson::Geometry);

impl utoipa::PartialSchema for AnyGeometry<'_> {
    fn schema() -> RefOr<Schema> {
        let kinds =
            ["Point", "MultiPoint", "LineString", "MultiLineString", "Polygon", "MultiPolygon", "GeometryCollection"];
        ObjectBuilder::new()
            .property("type", ObjectBuilder::new().schema_type(Type::String).enum_values(Some(kinds)))
            .required("type")
            .property(
                "coordinates",
                utoipa::openapi::schema::ArrayBuilder::new()
                    .description(Some("nested [lon, lat] positions, as the type requires")),
            )
            .property(
                "geometries",
                utoipa::openapi::schema::ArrayBuilder::new().description(Some("GeometryCollection members")),
            )
            // RFC 7946 allows `bbox` and foreign members.
            .additional_properties(Some(utoipa::openapi::schema::AdditionalProperties::FreeForm(true)))
            .description(Some("GeoJSON geometry (RFC 7946), WGS84 / 几何图形"))
            .into()
    }
}

impl ToSchema for AnyGeometry<'_> {
    fn name() -> std::borrow::Cow<'static, str> {
        "AnyGeometry".into()
    }
}

/// A concrete FeatureCollection type and its Feature type for one geometry and one kind of
/// properties: `{"type":"FeatureCollection","features":[{"type":"Feature","id":…,"geometry":…,"properties":…}]}`.
macro_rules! feature_collection {
    ($(#[$meta:meta])* $collection:ident, $feature:ident<$lt:lifetime>, $geometry:ty, $properties:ty) => {
        $(#[$meta])*
        #[derive(serde::Serialize, utoipa::ToSchema)]
        pub struct $collection<$lt> {
            #[serde(rename = "type")]
            pub kind: $crate::http::geojson::FeatureCollectionType,
            /// Where the geometries come from (data licence), when it must travel with them.
            #[serde(skip_serializing_if = "Option::is_none")]
            #[schema(nullable = false)]
            pub attribution: Option<String>,
            pub features: Vec<$feature<$lt>>,
        }

        /// One feature of the collection.
        #[derive(serde::Serialize, utoipa::ToSchema)]
        pub struct $feature<$lt> {
            #[serde(rename = "type")]
            pub kind: $crate::http::geojson::FeatureType,
            #[serde(skip_serializing_if = "Option::is_none")]
            #[schema(nullable = false)]
            pub id: Option<i64>,
            pub geometry: $geometry,
            pub properties: $properties,
        }

        impl<$lt> $feature<$lt> {
            pub fn new(id: Option<i64>, geometry: $geometry, properties: $properties) -> Self {
                $feature { kind: $crate::http::geojson::FeatureType::Feature, id, geometry, properties }
            }
        }

        impl<$lt> $collection<$lt> {
            pub fn new(features: Vec<$feature<$lt>>, attribution: Option<String>) -> Self {
                $collection {
                    kind: $crate::http::geojson::FeatureCollectionType::FeatureCollection,
                    attribution,
                    features,
                }
            }
        }
    };
}

pub(crate) use feature_collection;
