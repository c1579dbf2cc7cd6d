//! Coordinates are stored in WGS84. Users paste GCJ-02 (Amap, Tencent) or BD-09 (Baidu) just as
//! often; these are the published conversion formulas, with GCJ-02 → WGS84 inverted by
//! fixed-point iteration (well under a centimetre after a few steps).

use super::error::FieldError;
use crate::code_enum;
use serde::{Deserialize, Serialize};
use std::f64::consts::PI;

code_enum! {
    pub enum Crs {
        Wgs84 = ("wgs84", "WGS84(GPS/天地图)"),
        Gcj02 = ("gcj02", "GCJ-02(高德/腾讯)"),
        Bd09 = ("bd09", "BD-09(百度)"),
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct LonLat {
    pub lon: f64,
    pub lat: f64,
}

impl LonLat {
    /// A finite point within the WGS84 range.
    pub fn checked(lon: f64, lat: f64) -> Result<LonLat, FieldError> {
        if !lon.is_finite() || !(-180.0..=180.0).contains(&lon) {
            return Err(FieldError::new(
                "lon",
                format!("经度{lon}超出-180至180的范围"),
                format!("longitude {lon} is outside -180..180"),
            ));
        }
        if !lat.is_finite() || !(-90.0..=90.0).contains(&lat) {
            return Err(FieldError::new(
                "lat",
                format!("纬度{lat}超出-90至90的范围"),
                format!("latitude {lat} is outside -90..90"),
            ));
        }
        Ok(LonLat { lon, lat })
    }

    /// Great-circle distance in metres (haversine; plenty for checking conversions).
    pub fn distance_m(self, other: LonLat) -> f64 {
        let r = 6_371_008.8;
        let (p1, p2) = (self.lat.to_radians(), other.lat.to_radians());
        let dp = p2 - p1;
        let dl = (other.lon - self.lon).to_radians();
        let a = (dp / 2.0).sin().powi(2) + p1.cos() * p2.cos() * (dl / 2.0).sin().powi(2);
        2.0 * r * a.sqrt().asin()
    }
}

const A: f64 = 6_378_245.0;
const EE: f64 = 0.006_693_421_622_965_943;
const X_PI: f64 = PI * 3000.0 / 180.0;

/// GCJ-02 is only applied inside (roughly) China; elsewhere it equals WGS84.
fn outside_china(p: LonLat) -> bool {
    !(72.004..=137.8347).contains(&p.lon) || !(0.8293..=55.8271).contains(&p.lat)
}

fn offset_lat(x: f64, y: f64) -> f64 {
    let mut r = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * x.abs().sqrt();
    r += (20.0 * (6.0 * x * PI).sin() + 20.0 * (2.0 * x * PI).sin()) * 2.0 / 3.0;
    r += (20.0 * (y * PI).sin() + 40.0 * (y / 3.0 * PI).sin()) * 2.0 / 3.0;
    r += (160.0 * (y / 12.0 * PI).sin() + 320.0 * (y * PI / 30.0).sin()) * 2.0 / 3.0;
    r
}

fn offset_lon(x: f64, y: f64) -> f64 {
    let mut r = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * x.abs().sqrt();
    r += (20.0 * (6.0 * x * PI).sin() + 20.0 * (2.0 * x * PI).sin()) * 2.0 / 3.0;
    r += (20.0 * (x * PI).sin() + 40.0 * (x / 3.0 * PI).sin()) * 2.0 / 3.0;
    r += (150.0 * (x / 12.0 * PI).sin() + 300.0 * (x / 30.0 * PI).sin()) * 2.0 / 3.0;
    r
}

pub fn wgs84_to_gcj02(p: LonLat) -> LonLat {
    if outside_china(p) {
        return p;
    }
    let d_lat = offset_lat(p.lon - 105.0, p.lat - 35.0);
    let d_lon = offset_lon(p.lon - 105.0, p.lat - 35.0);
    let rad_lat = p.lat / 180.0 * PI;
    let magic = 1.0 - EE * rad_lat.sin() * rad_lat.sin();
    let sqrt_magic = magic.sqrt();
    let d_lat = (d_lat * 180.0) / ((A * (1.0 - EE)) / (magic * sqrt_magic) * PI);
    let d_lon = (d_lon * 180.0) / (A / sqrt_magic * rad_lat.cos() * PI);
    LonLat { lon: p.lon + d_lon, lat: p.lat + d_lat }
}

pub fn gcj02_to_wgs84(p: LonLat) -> LonLat {
    if outside_china(p) {
        return p;
    }
    let mut w = p;
    for _ in 0..30 {
        let g = wgs84_to_gcj02(w);
        let (dx, dy) = (g.lon - p.lon, g.lat - p.lat);
        w = LonLat { lon: w.lon - dx, lat: w.lat - dy };
        if dx.abs() < 1e-10 && dy.abs() < 1e-10 {
            break;
        }
    }
    w
}

pub fn gcj02_to_bd09(p: LonLat) -> LonLat {
    let (x, y) = (p.lon, p.lat);
    let z = (x * x + y * y).sqrt() + 0.00002 * (y * X_PI).sin();
    let theta = y.atan2(x) + 0.000003 * (x * X_PI).cos();
    LonLat { lon: z * theta.cos() + 0.0065, lat: z * theta.sin() + 0.006 }
}

pub fn bd09_to_gcj02(p: LonLat) -> LonLat {
    let (x, y) = (p.lon - 0.0065, p.lat - 0.006);
    let z = (x * x + y * y).sqrt() - 0.00002 * (y * X_PI).sin();
    let theta = y.atan2(x) - 0.000003 * (x * X_PI).cos();
    LonLat { lon: z * theta.cos(), lat: z * theta.sin() }
}

/// Any supported system to WGS84 (what we store).
pub fn to_wgs84(p: LonLat, crs: Crs) -> LonLat {
    match crs {
        Crs::Wgs84 => p,
        Crs::Gcj02 => gcj02_to_wgs84(p),
        Crs::Bd09 => gcj02_to_wgs84(bd09_to_gcj02(p)),
    }
}

/// WGS84 to any supported system (for display on a GCJ-02 or BD-09 basemap).
pub fn from_wgs84(p: LonLat, crs: Crs) -> LonLat {
    match crs {
        Crs::Wgs84 => p,
        Crs::Gcj02 => wgs84_to_gcj02(p),
        Crs::Bd09 => gcj02_to_bd09(wgs84_to_gcj02(p)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // 荆河街道 seat, in WGS84 and as Amap gives it (from the geodata's towns.csv).
    const JINGHE_WGS: LonLat = LonLat { lon: 117.157768, lat: 35.079181 };
    const JINGHE_GCJ: LonLat = LonLat { lon: 117.163675, lat: 35.078714 };

    #[test]
    fn matches_the_published_town_seat_pair() {
        let g = wgs84_to_gcj02(JINGHE_WGS);
        assert!(g.distance_m(JINGHE_GCJ) < 1.0, "{g:?}");
        let w = gcj02_to_wgs84(JINGHE_GCJ);
        assert!(w.distance_m(JINGHE_WGS) < 1.0, "{w:?}");
        // GCJ-02 lies about 540 m east of WGS84 around Tengzhou.
        let shift = JINGHE_WGS.distance_m(g);
        assert!((450.0..650.0).contains(&shift), "{shift}");
    }

    #[test]
    fn round_trips_within_half_a_metre_around_tengzhou() {
        let mut lon = 116.80;
        while lon <= 117.45 {
            let mut lat = 34.80;
            while lat <= 35.30 {
                let p = LonLat { lon, lat };
                let back = wgs84_to_gcj02(gcj02_to_wgs84(p));
                assert!(back.distance_m(p) < 0.5, "gcj round trip at {p:?}");
                let back = from_wgs84(to_wgs84(p, Crs::Bd09), Crs::Bd09);
                assert!(back.distance_m(p) < 0.5, "bd09 round trip at {p:?}");
                let back = to_wgs84(from_wgs84(p, Crs::Gcj02), Crs::Gcj02);
                assert!(back.distance_m(p) < 0.5, "wgs round trip at {p:?}");
                lat += 0.05;
            }
            lon += 0.05;
        }
    }

    #[test]
    fn bd09_is_offset_from_gcj02() {
        let b = gcj02_to_bd09(JINGHE_GCJ);
        assert!(b.distance_m(JINGHE_GCJ) > 500.0);
        assert!(bd09_to_gcj02(b).distance_m(JINGHE_GCJ) < 0.5);
    }

    #[test]
    fn outside_china_is_unchanged() {
        let paris = LonLat { lon: 2.35, lat: 48.85 };
        assert_eq!(wgs84_to_gcj02(paris), paris);
        assert_eq!(gcj02_to_wgs84(paris), paris);
    }

    #[test]
    fn range_checks() {
        assert!(LonLat::checked(117.0, 35.0).is_ok());
        assert_eq!(LonLat::checked(181.0, 35.0).map_err(|e| e.field), Err("lon".to_string()));
        assert_eq!(LonLat::checked(117.0, -91.0).map_err(|e| e.field), Err("lat".to_string()));
        assert!(LonLat::checked(f64::NAN, 35.0).is_err());
        assert!(LonLat::checked(117.0, f64::INFINITY).is_err());
    }
}
