//! The filters shared by the ledger, the map, the exports and the town choropleth, as they
//! arrive in a query string: all text, checked here so every mistake gets a bilingual message
//! naming its parameter.

use crate::domain::Chain;
use crate::domain::Tier;
use crate::domain::error::FieldError;
use crate::domain::lights::Light;
use crate::domain::lists::ListLevel;
use crate::domain::status::Status;
use crate::geo::TownLayer;
use crate::http::AppState;
use crate::http::error::ApiError;
use crate::store::ProjectFilter;
use serde::Deserialize;
use utoipa::IntoParams;

pub const DEFAULT_LIMIT: i64 = 50;
pub const MAX_LIMIT: i64 = 1000;
/// Longest search text kept (longer text is cut, not refused).
const MAX_QUERY_CHARS: usize = 100;

/// Which projects: every parameter is optional and they combine with AND.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct FilterParams {
    /// 年度 / the list year (memberships of that year's key-project lists).
    #[param(value_type = Option<i32>, minimum = 2000, maximum = 2100)]
    year: Option<String>,
    /// 镇街 / a town: its 9-digit code, name or alias (e.g. `370481106`, `西岗镇`, `西岗`).
    town: Option<String>,
    #[param(value_type = Option<Chain>)]
    chain: Option<String>,
    #[param(value_type = Option<Tier>)]
    tier: Option<String>,
    #[param(value_type = Option<Status>)]
    status: Option<String>,
    /// 名单 / on this key-project list (in `year`, or any year).
    #[param(value_type = Option<ListLevel>)]
    list: Option<String>,
    /// 搜索 / search names, codes and companies (the first 100 characters).
    q: Option<String>,
    /// 范围 / `minLon,minLat,maxLon,maxLat` in WGS84.
    #[param(pattern = r"^-?\d+(\.\d+)?,-?\d+(\.\d+)?,-?\d+(\.\d+)?,-?\d+(\.\d+)?$", example = "117.0,34.9,117.4,35.2")]
    bbox: Option<String>,
    /// 亮灯 / the light as of today (computed from the rules in force).
    #[param(value_type = Option<Light>)]
    light: Option<String>,
}

/// A page of a list.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageParams {
    /// 每页条数 / items per page (default 50).
    #[param(value_type = Option<i64>, minimum = 1, maximum = 1000)]
    limit: Option<String>,
    /// 跳过条数 / items to skip.
    #[param(value_type = Option<i64>, minimum = 0, maximum = 2147483647)]
    offset: Option<String>,
}

fn bad_param(name: &str, value: &str, expected_zh: &str, expected_en: &str) -> FieldError {
    FieldError::new(
        name,
        format!("参数{name}的值“{value}”无效,应为{expected_zh}"),
        format!("invalid {name} \"{value}\": expected {expected_en}"),
    )
}

fn parse_enum<T>(
    errors: &mut Vec<FieldError>,
    name: &str,
    value: Option<&str>,
    parse: fn(&str) -> Option<T>,
    codes: String,
) -> Option<T> {
    let v = value.map(str::trim).filter(|v| !v.is_empty())?;
    let parsed = parse(v);
    if parsed.is_none() {
        errors.push(bad_param(name, v, &format!("以下之一:{codes}"), &format!("one of: {codes}")));
    }
    parsed
}

fn parse_int(
    errors: &mut Vec<FieldError>,
    name: &str,
    value: Option<&str>,
    range: std::ops::RangeInclusive<i64>,
) -> Option<i64> {
    let v = value.map(str::trim).filter(|v| !v.is_empty())?;
    match v.parse::<i64>() {
        Ok(n) if range.contains(&n) => Some(n),
        _ => {
            let (a, b) = (range.start(), range.end());
            errors.push(bad_param(name, v, &format!("{a}至{b}之间的整数"), &format!("an integer from {a} to {b}")));
            None
        }
    }
}

fn parse_bbox(errors: &mut Vec<FieldError>, value: Option<&str>) -> Option<[f64; 4]> {
    let v = value.map(str::trim).filter(|v| !v.is_empty())?;
    let nums: Vec<f64> = v.split(',').filter_map(|s| s.trim().parse::<f64>().ok()).filter(|n| n.is_finite()).collect();
    match nums.as_slice() {
        [a, b, c, d]
            if a <= c
                && b <= d
                && (-180.0..=180.0).contains(a)
                && (-180.0..=180.0).contains(c)
                && (-90.0..=90.0).contains(b)
                && (-90.0..=90.0).contains(d) =>
        {
            Some([*a, *b, *c, *d])
        }
        _ => {
            errors.push(bad_param(
                "bbox",
                v,
                "“最小经度,最小纬度,最大经度,最大纬度”",
                "minLon,minLat,maxLon,maxLat in WGS84",
            ));
            None
        }
    }
}

fn checked<T>(value: T, errors: Vec<FieldError>) -> Result<T, ApiError> {
    if errors.is_empty() { Ok(value) } else { Err(ApiError::invalid_query(errors)) }
}

impl FilterParams {
    /// The `light` filter (computed from the rules, so not part of the SQL filter).
    pub fn light(&self) -> Result<Option<Light>, ApiError> {
        let mut errors = Vec::new();
        let light = parse_enum(&mut errors, "light", self.light.as_deref(), Light::parse, Light::codes());
        checked(light, errors)
    }

    pub fn names_town(&self) -> bool {
        self.town.as_deref().is_some_and(|t| !t.trim().is_empty())
    }

    /// Check every parameter; the town may be a code, a name or an alias (`towns` resolves it).
    pub fn into_filter(self, towns: Option<&TownLayer>, page: PageParams) -> Result<ProjectFilter, ApiError> {
        let mut errors = Vec::new();
        let town_code = self.town.as_deref().map(str::trim).filter(|t| !t.is_empty()).and_then(|t| match towns {
            Some(layer) => match layer.resolve(t) {
                Some(town) => Some(town.code.clone()),
                None => {
                    errors.push(FieldError::new("town", format!("未知的镇街“{t}”"), format!("unknown town \"{t}\"")));
                    None
                }
            },
            None => Some(t.to_string()),
        });
        let filter = ProjectFilter {
            q_name_only: false,
            year: parse_int(&mut errors, "year", self.year.as_deref(), 2000..=2100).map(|y| y as i32),
            town_code,
            chain: parse_enum(&mut errors, "chain", self.chain.as_deref(), Chain::parse, Chain::codes()),
            tier: parse_enum(&mut errors, "tier", self.tier.as_deref(), Tier::parse, Tier::codes()),
            status: parse_enum(&mut errors, "status", self.status.as_deref(), Status::parse, Status::codes()),
            list: parse_enum(&mut errors, "list", self.list.as_deref(), ListLevel::parse, ListLevel::codes()),
            q: self.q.map(|q| q.trim().chars().take(MAX_QUERY_CHARS).collect::<String>()).filter(|q| !q.is_empty()),
            bbox: parse_bbox(&mut errors, self.bbox.as_deref()),
            limit: parse_int(&mut errors, "limit", page.limit.as_deref(), 1..=MAX_LIMIT).unwrap_or(DEFAULT_LIMIT),
            offset: parse_int(&mut errors, "offset", page.offset.as_deref(), 0..=i64::from(i32::MAX)).unwrap_or(0),
        };
        checked(filter, errors)
    }
}

/// The filters checked, with the town layer loaded only when a town is named.
pub async fn filter_from(state: &AppState, params: FilterParams, page: PageParams) -> Result<ProjectFilter, ApiError> {
    let towns = if params.names_town() { Some(state.store.town_layer().await?) } else { None };
    params.into_filter(towns.as_deref(), page)
}
