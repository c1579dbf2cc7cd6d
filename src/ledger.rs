//! Turning user input into ledger changes: the checks that need the town layer (town names,
//! the county outline) and the rules that span fields. Pure: the store persists the result.

use crate::domain::coords::{LonLat, to_wgs84};
use crate::domain::error::{FieldError, Invalid};
use crate::domain::lists::check_memberships;
use crate::domain::milestone::{MilestoneKind, MilestoneUpdate};
use crate::domain::project::{
    Location, LocationInput, LocationPrecision, Project, ProjectInput, ProjectPatch, TownRef, check_code,
    check_investment, check_text,
};
use crate::domain::status::State;
use crate::geo::{Town, TownLayer};
use crate::store::NewProject;
use chrono::{DateTime, NaiveDate, Utc};

const NAME_MAX: usize = 200;
const TEXT_MAX: usize = 500;

fn resolve_town<'a>(towns: &'a TownLayer, name: &str) -> Result<&'a Town, FieldError> {
    towns.resolve(name).ok_or_else(|| {
        FieldError::new(
            "town",
            format!("未知的镇街“{name}”,请填写镇街名称或9位代码(园区请填在zone)"),
            format!("unknown town \"{name}\": give a town name or its 9-digit code (parks and zones go in `zone`)"),
        )
    })
}

/// Where a project is: the given point (converted to WGS84 and checked against the county
/// outline), or its town's seat when no point is known.
pub fn resolve_location(input: Option<&LocationInput>, town: &Town, towns: &TownLayer) -> Result<Location, FieldError> {
    let Some(loc) = input else {
        return Ok(Location {
            lon: town.seat.lon,
            lat: town.seat.lat,
            precision: LocationPrecision::Town,
            outside_county: false,
        });
    };
    let p = LonLat::checked(loc.lon, loc.lat).map_err(|e| e.under("location"))?;
    let wgs = to_wgs84(p, loc.crs);
    let inside = towns.county_contains(wgs);
    if !inside && !loc.confirm_outside_county {
        return Err(FieldError::new(
            "location",
            format!(
                "坐标({:.6}, {:.6})在{}县域范围之外;如确认无误,请设置confirm_outside_county",
                loc.lon, loc.lat, towns.county_name
            ),
            format!(
                "the point ({:.6}, {:.6}) is outside the county outline; set confirm_outside_county if it is right",
                loc.lon, loc.lat
            ),
        ));
    }
    Ok(Location { lon: wgs.lon, lat: wgs.lat, precision: LocationPrecision::Exact, outside_county: !inside })
}

fn optional_text(errors: &mut Invalid, field: &str, value: Option<&str>, max: usize) -> Option<String> {
    value.and_then(|v| errors.check(check_text(field, v, max, false)).flatten())
}

/// Validate a new project in full; every problem is reported at once.
pub fn new_project(input: &ProjectInput, towns: &TownLayer, today: NaiveDate) -> Result<NewProject, Invalid> {
    let mut errors = Invalid::default();
    let code = input.code.as_deref().and_then(|c| errors.check(check_code(c)));
    let name = errors.check(check_text("name", &input.name, NAME_MAX, true)).flatten();
    let company = optional_text(&mut errors, "company", input.company.as_deref(), NAME_MAX);
    let zone = optional_text(&mut errors, "zone", input.zone.as_deref(), NAME_MAX);
    let address = optional_text(&mut errors, "address", input.address.as_deref(), TEXT_MAX);
    let responsible_unit = optional_text(&mut errors, "responsible_unit", input.responsible_unit.as_deref(), NAME_MAX);
    let responsible_leader =
        optional_text(&mut errors, "responsible_leader", input.responsible_leader.as_deref(), NAME_MAX);
    let total = errors.check(check_investment(input.total_investment_yuan));
    let town = errors.check(resolve_town(towns, &input.town));
    let location = town.and_then(|t| errors.check(resolve_location(input.location.as_ref(), t, towns)));
    let milestones = match input.milestones.to_milestones(today) {
        Ok(m) => Some(m),
        Err(e) => {
            errors.0.extend(e.0);
            None
        }
    };
    if let Some(total) = total
        && let Err(e) = check_memberships(&input.lists, total)
    {
        errors.0.extend(e.0);
    }
    errors.into_result()?;
    match (name, total, town, location, milestones) {
        (Some(name), Some(total), Some(town), Some(location), Some(milestones)) => Ok(NewProject {
            code,
            name,
            company,
            town_code: town.code.clone(),
            zone,
            chain: input.chain,
            total_investment_yuan: total,
            location,
            address,
            responsible_unit,
            responsible_leader,
            sample: input.sample,
            milestones,
            lists: input.lists.clone(),
        }),
        _ => Err(Invalid(vec![FieldError::new("", "输入无效", "invalid input")])),
    }
}

/// Apply a PATCH to a project. Changing the town of a project placed at its town's seat moves
/// it to the new seat.
pub fn apply_patch(p: &mut Project, patch: &ProjectPatch, towns: &TownLayer) -> Result<(), Invalid> {
    let mut errors = Invalid::default();
    if let Some(name) = &patch.name
        && let Some(Some(v)) = errors.check(check_text("name", name, NAME_MAX, true))
    {
        p.name = v;
    }
    let mut set_optional = |field: &str, value: &Option<Option<String>>, max: usize, target: &mut Option<String>| {
        if let Some(v) = value {
            match v {
                None => *target = None,
                Some(text) => {
                    if let Some(clean) = errors.check(check_text(field, text, max, false)) {
                        *target = clean;
                    }
                }
            }
        }
    };
    set_optional("company", &patch.company, NAME_MAX, &mut p.company);
    set_optional("zone", &patch.zone, NAME_MAX, &mut p.zone);
    set_optional("address", &patch.address, TEXT_MAX, &mut p.address);
    set_optional("responsible_unit", &patch.responsible_unit, NAME_MAX, &mut p.responsible_unit);
    set_optional("responsible_leader", &patch.responsible_leader, NAME_MAX, &mut p.responsible_leader);
    if let Some(chain) = patch.chain {
        p.chain = chain;
    }
    if let Some(sample) = patch.sample {
        p.sample = sample;
    }
    if let Some(total) = patch.total_investment_yuan
        && let Some(t) = errors.check(check_investment(total))
    {
        p.total_investment_yuan = t;
    }
    let mut town_moved = false;
    if let Some(name) = &patch.town
        && let Some(t) = errors.check(resolve_town(towns, name))
    {
        town_moved = t.code != p.town.code;
        p.town = TownRef { code: t.code.clone(), name: t.name.clone() };
    }
    let town = towns.by_code(&p.town.code);
    match (&patch.location, town) {
        (Some(loc), Some(t)) => {
            if let Some(l) = errors.check(resolve_location(loc.as_ref(), t, towns)) {
                p.location = l;
            }
        }
        (None, Some(t)) if town_moved && p.location.precision == LocationPrecision::Town => {
            p.location = Location {
                lon: t.seat.lon,
                lat: t.seat.lat,
                precision: LocationPrecision::Town,
                outside_county: false,
            };
        }
        _ => {}
    }
    if let Some(lists) = &patch.lists {
        p.lists = lists.clone();
    }
    if (patch.lists.is_some() || patch.total_investment_yuan.is_some())
        && let Err(e) = check_memberships(&p.lists, p.total_investment_yuan)
    {
        errors.0.extend(e.0);
    }
    errors.into_result()
}

/// Record a milestone change (actual date or re-plan) and re-check the build sequence.
pub fn apply_milestone(
    p: &mut Project,
    kind: MilestoneKind,
    update: &MilestoneUpdate,
    actor: &str,
    now: DateTime<Utc>,
    today: NaiveDate,
) -> Result<(), Invalid> {
    let next = p
        .milestones
        .get(kind)
        .apply(update, actor, now, today)
        .map_err(|e| Invalid(e.0.into_iter().map(|f| f.under(&format!("milestones.{kind}"))).collect()))?;
    *p.milestones.get_mut(kind) = next;
    p.milestones.check_sequence()
}

/// Suspend, resume or withdraw. A reason is required for every state change.
pub fn change_state(p: &mut Project, to: State, reason: Option<&str>) -> Result<(), Invalid> {
    let reason = reason.map(str::trim).filter(|r| !r.is_empty());
    let Some(reason) = reason else {
        return Err(FieldError::new("reason", "必须填写原因", "a reason is required").into());
    };
    if reason.chars().count() > TEXT_MAX {
        return Err(FieldError::new("reason", "原因不能超过500字", "the reason must be at most 500 characters").into());
    }
    let allowed = match to {
        State::Active => p.state != State::Active,
        State::Suspended => p.state == State::Active,
        State::Withdrawn => p.state != State::Withdrawn,
    };
    if !allowed {
        return Err(FieldError::new(
            "state",
            format!("项目当前为“{}”,不能改为“{}”", p.state.label_zh(), to.label_zh()),
            format!("the project is {}; it cannot become {}", p.state, to),
        )
        .into());
    }
    p.state = to;
    p.state_reason = if to == State::Active { None } else { Some(reason.to_string()) };
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::coords::{Crs, from_wgs84};

    fn towns() -> TownLayer {
        TownLayer::tengzhou()
    }

    fn input(json: &str) -> ProjectInput {
        serde_json::from_str(json).expect("valid input json")
    }

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 27).unwrap_or_default()
    }

    #[test]
    fn a_project_without_a_point_sits_at_its_town_seat() {
        let p = new_project(
            &input(r#"{"name":"甲","town":"西港","chain":"chemical","total_investment_yuan":100000000}"#),
            &towns(),
            today(),
        )
        .expect("valid");
        assert_eq!(p.town_code, "370481106");
        assert_eq!(p.location.precision, LocationPrecision::Town);
        assert!((p.location.lon - 117.021731).abs() < 1e-9);
    }

    #[test]
    fn gcj02_points_are_stored_as_wgs84() {
        let seat = towns().resolve("荆河街道").map(|t| t.seat).unwrap_or(LonLat { lon: 0.0, lat: 0.0 });
        let g = from_wgs84(seat, Crs::Gcj02);
        let json = format!(
            r#"{{"name":"甲","town":"荆河街道","chain":"digital","total_investment_yuan":1,"location":{{"lon":{},"lat":{},"crs":"gcj02"}}}}"#,
            g.lon, g.lat
        );
        let p = new_project(&input(&json), &towns(), today()).expect("valid");
        assert!(LonLat { lon: p.location.lon, lat: p.location.lat }.distance_m(seat) < 0.5);
        assert_eq!(p.location.precision, LocationPrecision::Exact);
    }

    #[test]
    fn outside_the_county_needs_confirmation() {
        let j = r#"{"name":"甲","town":"荆河街道","chain":"digital","total_investment_yuan":1,"location":{"lon":116.4,"lat":39.9}}"#;
        let e = new_project(&input(j), &towns(), today()).expect_err("outside");
        assert_eq!(e.0[0].field, "location");
        let j = r#"{"name":"甲","town":"荆河街道","chain":"digital","total_investment_yuan":1,"location":{"lon":116.4,"lat":39.9,"confirm_outside_county":true}}"#;
        let p = new_project(&input(j), &towns(), today()).expect("confirmed");
        assert!(p.location.outside_county);
    }

    #[test]
    fn every_problem_is_reported_at_once() {
        let j = r#"{"name":" ","town":"火星镇","chain":"digital","total_investment_yuan":-5,"location":{"lon":500,"lat":35},
                   "milestones":{"start":{"planned":"2026-05-01"},"completion":{"planned":"2026-01-01"}}}"#;
        let e = new_project(&input(j), &towns(), today()).expect_err("invalid");
        let fields: Vec<&str> = e.0.iter().map(|f| f.field.as_str()).collect();
        assert!(fields.contains(&"name"), "{fields:?}");
        assert!(fields.contains(&"town"), "{fields:?}");
        assert!(fields.contains(&"total_investment_yuan"), "{fields:?}");
        assert!(fields.contains(&"milestones.completion.planned"), "{fields:?}");
    }

    #[test]
    fn state_changes_need_reasons_and_follow_the_lifecycle() {
        let mut p = sample_project();
        assert!(change_state(&mut p, State::Suspended, None).is_err());
        assert!(change_state(&mut p, State::Active, Some("x")).is_err(), "already active");
        change_state(&mut p, State::Suspended, Some("资金未到位")).expect("suspend");
        assert!(change_state(&mut p, State::Suspended, Some("again")).is_err());
        change_state(&mut p, State::Withdrawn, Some("企业退出")).expect("withdraw");
        assert_eq!(p.state_reason.as_deref(), Some("企业退出"));
        change_state(&mut p, State::Active, Some("恢复")).expect("resume");
        assert_eq!(p.state_reason, None);
    }

    #[test]
    fn patch_moves_a_seat_placed_project_with_its_town() {
        let mut p = sample_project();
        let patch: ProjectPatch = serde_json::from_str(r#"{"version":1,"town":"张旺"}"#).expect("json");
        apply_patch(&mut p, &patch, &towns()).expect("valid");
        assert_eq!(p.town.code, "370481109");
        assert!((p.location.lat - 34.903502).abs() < 1e-9);
        let bad: ProjectPatch = serde_json::from_str(r#"{"version":1,"total_investment_yuan":0}"#).expect("json");
        assert!(apply_patch(&mut p, &bad, &towns()).is_err());
    }

    fn sample_project() -> Project {
        let new = new_project(
            &input(r#"{"name":"甲","town":"荆河街道","chain":"chemical","total_investment_yuan":100000000}"#),
            &towns(),
            today(),
        )
        .expect("valid");
        Project {
            id: 1,
            code: "X".into(),
            name: new.name,
            company: None,
            town: TownRef { code: new.town_code, name: "荆河街道".into() },
            zone: None,
            chain: new.chain,
            total_investment_yuan: new.total_investment_yuan,
            tier: crate::domain::Tier::Over100m,
            status: crate::domain::status::Status::Pipeline,
            state: State::Active,
            state_reason: None,
            location: new.location,
            address: None,
            responsible_unit: None,
            responsible_leader: None,
            sample: false,
            milestones: new.milestones,
            lists: vec![],
            reports: None,
            version: 1,
            created_at: DateTime::<Utc>::MIN_UTC,
            updated_at: DateTime::<Utc>::MIN_UTC,
        }
    }
}
