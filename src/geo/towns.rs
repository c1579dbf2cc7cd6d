//! The town layer (镇街): codes, names, aliases, seats, polygons and the county outline.
//! Projects name their town by code or alias, never by point-in-polygon (the shipped polygons
//! are approximations); the outline is used to catch points placed outside the county.

use crate::domain::coords::LonLat;
use geo::{BooleanOps, Contains, MultiPolygon, Point};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// The default layer, compiled in: Tengzhou's 21 towns and county outline (see geodata/README.md).
const TENGZHOU_TOWNS: &str = include_str!("../../geodata/tengzhou-towns-approx.geojson");
const TENGZHOU_COUNTY: &str = include_str!("../../geodata/tengzhou-county.geojson");
pub const TENGZHOU_ATTRIBUTION: &str = "Boundary and town seats: Vonng/adcode (CC BY 4.0), derived from AutoNavi/Amap and National Bureau of Statistics data. Division codes and names: National Bureau of Statistics of China (via xiangyuecn/AreaCity-JsSpider-StatsGov, MIT; cross-checked with modood/Administrative-divisions-of-China, WTFPL). Town polygons: derived approximation (示意边界, not administrative boundaries).";

/// Spellings seen in real ledgers that are not derivable from the names: a former town
/// (东沙河镇 became 东沙河街道 in 2019, code 370481100) and common typos.
const TENGZHOU_ALIASES: &[(&str, &str)] = &[
    ("东沙河镇", "370481005"),
    ("東沙河鎮", "370481005"),
    ("370481100", "370481005"),
    ("370481100000", "370481005"),
    ("西港", "370481106"),
    ("西港镇", "370481106"),
    ("张旺", "370481109"),
    ("张旺镇", "370481109"),
    ("張旺鎮", "370481109"),
];

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Town {
    pub code: String,
    pub name: String,
    pub name_hant: Option<String>,
    pub name_en: Option<String>,
    pub pinyin: Option<String>,
    /// `town` (镇) or `subdistrict` (街道), when known.
    pub kind: Option<String>,
    pub seat: LonLat,
    pub geometry: Option<geojson::Geometry>,
    /// The polygon is a placeholder (示意), not an administrative boundary.
    pub approximate: bool,
    /// Extra names this town is known by (old names, typos seen in ledgers).
    pub aliases: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct TownLayer {
    pub towns: Vec<Town>,
    pub county_name: String,
    pub county_geometry: geojson::Geometry,
    pub attribution: String,
    county: MultiPolygon<f64>,
    lookup: HashMap<String, usize>,
}

#[derive(Debug, thiserror::Error, PartialEq)]
pub enum LayerError {
    #[error("文件不是有效的GeoJSON:{0} / not valid GeoJSON: {0}")]
    NotGeoJson(String),
    #[error("第{index}个要素:{message_zh} / feature {index}: {message_en}")]
    Feature { index: usize, message_zh: String, message_en: String },
    #[error("图层中没有镇街 / the layer has no towns")]
    Empty,
    #[error("镇街代码{0}重复 / duplicate town code {0}")]
    DuplicateCode(String),
}

/// Normalise a name for lookup: no spaces, lower-case Latin.
fn key(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).flat_map(char::to_lowercase).collect()
}

/// 荆河街道 → 荆河, 西岗镇 → 西岗 (ledgers often drop the suffix).
fn short_name(name: &str) -> Option<&str> {
    ["街道办事处", "街道", "镇", "鎮", "乡", "鄉"]
        .iter()
        .find_map(|suffix| name.strip_suffix(suffix))
        .filter(|s| s.chars().count() >= 2)
}

fn to_multipolygon(g: &geojson::Geometry) -> Option<MultiPolygon<f64>> {
    let geom: geo::Geometry<f64> = g.value.clone().try_into().ok()?;
    match geom {
        geo::Geometry::Polygon(p) => Some(MultiPolygon(vec![p])),
        geo::Geometry::MultiPolygon(m) => Some(m),
        _ => None,
    }
}

impl TownLayer {
    /// Build a layer and its lookup table. Fails on duplicate codes.
    pub fn new(
        towns: Vec<Town>,
        county_name: String,
        county_geometry: geojson::Geometry,
        attribution: String,
    ) -> Result<TownLayer, LayerError> {
        if towns.is_empty() {
            return Err(LayerError::Empty);
        }
        let county = to_multipolygon(&county_geometry).ok_or_else(|| LayerError::Feature {
            index: 0,
            message_zh: "县域轮廓必须是多边形".into(),
            message_en: "the county outline must be a Polygon or MultiPolygon".into(),
        })?;
        let mut lookup = HashMap::new();
        // Codes first, so a name can never shadow a code.
        for (i, t) in towns.iter().enumerate() {
            if lookup.insert(key(&t.code), i).is_some() {
                return Err(LayerError::DuplicateCode(t.code.clone()));
            }
        }
        for (i, t) in towns.iter().enumerate() {
            let mut names: Vec<&str> = vec![&t.name];
            names.extend(t.name_hant.as_deref());
            names.extend(t.name_en.as_deref());
            names.extend(t.pinyin.as_deref());
            names.extend(short_name(&t.name));
            names.extend(t.name_hant.as_deref().and_then(short_name));
            names.extend(t.aliases.iter().map(String::as_str));
            if t.code.len() == 9 {
                // The 12-digit form of a 9-digit NBS code.
                lookup.entry(format!("{}000", t.code)).or_insert(i);
            }
            for n in names {
                lookup.entry(key(n)).or_insert(i);
            }
        }
        Ok(TownLayer { towns, county_name, county_geometry, attribution, county, lookup })
    }

    /// Tengzhou's 21 towns as shipped in `geodata/`.
    pub fn tengzhou() -> TownLayer {
        let layer = Self::from_geojson(TENGZHOU_TOWNS, Some(TENGZHOU_COUNTY), TENGZHOU_ATTRIBUTION).map(|mut l| {
            for (alias, code) in TENGZHOU_ALIASES {
                if let Some(&i) = l.lookup.get(*code) {
                    l.towns[i].aliases.push((*alias).to_string());
                    l.lookup.insert(key(alias), i);
                }
            }
            l
        });
        // The embedded files are part of the build and covered by tests.
        layer.expect("the embedded Tengzhou layer is valid")
    }

    /// A layer from GeoJSON: a FeatureCollection of town polygons (properties `code` and
    /// `name` or `name_zh_hans` required; `name_zh_hant`, `name_en`, `name_pinyin`, `kind`,
    /// `seat_lon`/`seat_lat`, `approximate`, `aliases` optional) and optionally the county
    /// outline; without it the outline is the union of the town polygons.
    pub fn from_geojson(towns: &str, county: Option<&str>, attribution: &str) -> Result<TownLayer, LayerError> {
        let fc = parse_collection(towns)?;
        let mut out = Vec::new();
        for (index, f) in fc.features.iter().enumerate() {
            out.push(town_from_feature(index + 1, f)?);
        }
        let (county_name, county_geometry) = match county {
            Some(text) => {
                let c = parse_collection(text)?;
                let f = c.features.first().ok_or(LayerError::Empty)?;
                let name = prop_str(f, &["name_zh_hans", "name"]).unwrap_or_default();
                let g = f.geometry.clone().ok_or_else(|| LayerError::Feature {
                    index: 1,
                    message_zh: "县域轮廓缺少几何".into(),
                    message_en: "the county outline has no geometry".into(),
                })?;
                (name, g)
            }
            None => {
                let mut union = MultiPolygon::<f64>(vec![]);
                for t in &out {
                    if let Some(m) = t.geometry.as_ref().and_then(to_multipolygon) {
                        union = union.union(&m);
                    }
                }
                (String::new(), geojson::Geometry::new(geojson::Value::from(&union)))
            }
        };
        TownLayer::new(out, county_name, county_geometry, attribution.to_string())
    }

    /// Find a town by 9-digit code, name (简/繁), English or pinyin name, short name or alias.
    pub fn resolve(&self, name_or_code: &str) -> Option<&Town> {
        self.lookup.get(&key(name_or_code)).map(|&i| &self.towns[i])
    }

    pub fn by_code(&self, code: &str) -> Option<&Town> {
        self.towns.iter().find(|t| t.code == code)
    }

    /// Inside the county outline (boundary points count as inside).
    pub fn county_contains(&self, p: LonLat) -> bool {
        use geo::Intersects;
        let pt = Point::new(p.lon, p.lat);
        self.county.contains(&pt) || self.county.intersects(&pt)
    }

    /// The town whose polygon contains the point: a suggestion only (polygons may be approximate).
    pub fn town_at(&self, p: LonLat) -> Option<&Town> {
        let pt = Point::new(p.lon, p.lat);
        self.towns.iter().find(|t| t.geometry.as_ref().and_then(to_multipolygon).is_some_and(|m| m.contains(&pt)))
    }
}

fn parse_collection(text: &str) -> Result<geojson::FeatureCollection, LayerError> {
    let gj: geojson::GeoJson = text.parse().map_err(|e: geojson::Error| LayerError::NotGeoJson(e.to_string()))?;
    match gj {
        geojson::GeoJson::FeatureCollection(fc) => Ok(fc),
        geojson::GeoJson::Feature(f) => {
            Ok(geojson::FeatureCollection { bbox: None, features: vec![f], foreign_members: None })
        }
        geojson::GeoJson::Geometry(g) => Ok(geojson::FeatureCollection {
            bbox: None,
            features: vec![geojson::Feature { geometry: Some(g), ..Default::default() }],
            foreign_members: None,
        }),
    }
}

fn prop_str(f: &geojson::Feature, names: &[&str]) -> Option<String> {
    names.iter().find_map(|n| match f.property(n)? {
        serde_json::Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_string()),
        serde_json::Value::Number(n) => Some(n.to_string()),
        _ => None,
    })
}

fn prop_f64(f: &geojson::Feature, name: &str) -> Option<f64> {
    f.property(name).and_then(serde_json::Value::as_f64)
}

fn town_from_feature(index: usize, f: &geojson::Feature) -> Result<Town, LayerError> {
    let fail = |zh: &str, en: &str| LayerError::Feature { index, message_zh: zh.into(), message_en: en.into() };
    let code = prop_str(f, &["code", "adcode"]).ok_or_else(|| fail("缺少code属性", "missing property `code`"))?;
    let name = prop_str(f, &["name", "name_zh_hans"]).ok_or_else(|| fail("缺少name属性", "missing property `name`"))?;
    let geometry = f.geometry.clone();
    let polygon = geometry.as_ref().and_then(to_multipolygon);
    if geometry.is_some() && polygon.is_none() {
        return Err(fail("几何必须是多边形", "the geometry must be a Polygon or MultiPolygon"));
    }
    let seat = match (prop_f64(f, "seat_lon"), prop_f64(f, "seat_lat")) {
        (Some(lon), Some(lat)) => LonLat::checked(lon, lat).map_err(|e| fail(&e.message_zh, &e.message_en))?,
        _ => {
            use geo::InteriorPoint;
            let p = polygon.as_ref().and_then(|m| m.interior_point()).ok_or_else(|| {
                fail("缺少驻地坐标(seat_lon/seat_lat)和多边形", "no seat_lon/seat_lat and no polygon")
            })?;
            LonLat { lon: p.x(), lat: p.y() }
        }
    };
    let aliases = match f.property("aliases") {
        Some(serde_json::Value::Array(a)) => a.iter().filter_map(|v| v.as_str().map(str::to_string)).collect(),
        _ => vec![],
    };
    Ok(Town {
        code,
        name,
        name_hant: prop_str(f, &["name_zh_hant", "name_hant"]),
        name_en: prop_str(f, &["name_en"]),
        pinyin: prop_str(f, &["name_pinyin", "pinyin"]),
        kind: prop_str(f, &["kind"]),
        seat,
        geometry,
        approximate: f.property("approximate").and_then(serde_json::Value::as_bool).unwrap_or(false),
        aliases,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tengzhou_has_21_approximate_towns() {
        let l = TownLayer::tengzhou();
        assert_eq!(l.towns.len(), 21);
        assert!(l.towns.iter().all(|t| t.approximate && t.geometry.is_some()));
        assert_eq!(l.county_name, "滕州市");
    }

    #[test]
    fn resolves_codes_names_and_aliases() {
        let l = TownLayer::tengzhou();
        let code = |s: &str| l.resolve(s).map(|t| t.code.as_str());
        assert_eq!(code("370481106"), Some("370481106"));
        assert_eq!(code("370481106000"), Some("370481106"));
        assert_eq!(code("西岗镇"), Some("370481106"));
        assert_eq!(code("西崗鎮"), Some("370481106"));
        assert_eq!(code("西港"), Some("370481106"));
        assert_eq!(code("西岗"), Some("370481106"));
        assert_eq!(code("张旺"), Some("370481109"));
        assert_eq!(code("东沙河镇"), Some("370481005"));
        assert_eq!(code("370481100"), Some("370481005"));
        assert_eq!(code("荊河街道"), Some("370481001"));
        assert_eq!(code(" 龙 泉 街道"), Some("370481002"));
        assert_eq!(code("Longquan Subdistrict"), Some("370481002"));
        assert_eq!(code("binhu"), Some("370481104"));
        assert_eq!(code("滕州经济开发区"), None, "a zone is not a town");
        assert_eq!(code("北京"), None);
    }

    #[test]
    fn county_outline_contains_seats_and_not_far_points() {
        let l = TownLayer::tengzhou();
        for t in &l.towns {
            assert!(l.county_contains(t.seat), "{} seat outside", t.name);
        }
        assert!(!l.county_contains(LonLat { lon: 116.4, lat: 39.9 }), "Beijing");
        assert!(!l.county_contains(LonLat { lon: 117.6, lat: 35.1 }), "east of the county");
    }

    #[test]
    fn town_at_suggests_by_polygon() {
        let l = TownLayer::tengzhou();
        let binhu = l.resolve("滨湖镇").map(|t| t.seat);
        assert_eq!(binhu.and_then(|p| l.town_at(p)).map(|t| t.code.as_str()), Some("370481104"));
    }

    #[test]
    fn imported_layer_without_outline_uses_the_union() {
        let fc = r#"{"type":"FeatureCollection","features":[
          {"type":"Feature","properties":{"code":"1","name":"甲镇"},"geometry":{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,1],[0,0]]]}},
          {"type":"Feature","properties":{"code":"2","name":"乙镇","aliases":["乙"]},"geometry":{"type":"Polygon","coordinates":[[[1,0],[2,0],[2,1],[1,1],[1,0]]]}}]}"#;
        let l = TownLayer::from_geojson(fc, None, "own data").expect("valid");
        assert_eq!(l.towns.len(), 2);
        assert!(!l.towns[0].approximate);
        assert!(l.county_contains(LonLat { lon: 1.5, lat: 0.5 }));
        assert!(!l.county_contains(LonLat { lon: 2.5, lat: 0.5 }));
        assert_eq!(l.resolve("乙").map(|t| t.code.as_str()), Some("2"));
    }

    #[test]
    fn bad_layers_are_rejected_with_the_feature_number() {
        assert!(matches!(TownLayer::from_geojson("not json", None, ""), Err(LayerError::NotGeoJson(_))));
        let no_code = r#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"name":"甲"},"geometry":null}]}"#;
        assert!(matches!(TownLayer::from_geojson(no_code, None, ""), Err(LayerError::Feature { index: 1, .. })));
        let dup = r#"{"type":"FeatureCollection","features":[
          {"type":"Feature","properties":{"code":"1","name":"甲","seat_lon":1,"seat_lat":1},"geometry":null},
          {"type":"Feature","properties":{"code":"1","name":"乙","seat_lon":1,"seat_lat":1},"geometry":null}]}"#;
        assert!(TownLayer::from_geojson(dup, None, "").is_err());
        let empty = r#"{"type":"FeatureCollection","features":[]}"#;
        assert!(TownLayer::from_geojson(empty, None, "").is_err());
    }
}
