//! Open data: the projects as an OC4IDS 0.9 project package (Open Contracting for
//! Infrastructure Data Standard, project level). Serialized with serde derive; only fields we
//! actually know are published, and closed codelists (`projectStatus`, `milestoneStatus`,
//! `currency`) are mapped exactly.

use crate::domain::Chain;
use crate::domain::milestone::{Milestone, MilestoneKind};
use crate::domain::project::{LocationPrecision, Project};
use crate::domain::status::Status;
use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};
use serde::Serialize;

/// The publisher of a county's open data unless configured otherwise: its investment-promotion
/// centre, `滕州市招商引资服务中心`.
pub fn default_publisher(county: &str) -> String {
    format!("{county}招商引资服务中心")
}
/// OC4IDS schema version, as `major.minor`.
pub const VERSION: &str = "0.9";
/// Prefix of the project identifiers (`oc4ids-keyproj-<code>`).
pub const ID_PREFIX: &str = "oc4ids-keyproj-";
/// Gazetteer of the towns: NBS 9-digit township-level statistical division codes.
pub const TOWN_GAZETTEER: &str = "CN-NBS-township";

#[derive(Debug, Serialize, utoipa::ToSchema)]
#[schema(as = Oc4idsPackage)]
#[serde(rename_all = "camelCase")]
pub struct Package {
    pub uri: String,
    pub published_date: String,
    pub publisher: Publisher,
    pub version: &'static str,
    pub projects: Vec<Oc4idsProject>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
#[schema(as = Oc4idsPublisher)]
pub struct Publisher {
    pub name: String,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Oc4idsProject {
    pub id: String,
    pub updated: String,
    pub language: &'static str,
    pub identifiers: Vec<SimpleIdentifier>,
    pub title: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub description: Option<String>,
    pub status: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub sector: Option<Vec<&'static str>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub period: Option<Period>,
    pub budget: Budget,
    pub locations: Vec<Location>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub parties: Option<Vec<Party>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub milestones: Option<Vec<Oc4idsMilestone>>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
#[schema(as = Oc4idsSimpleIdentifier)]
pub struct SimpleIdentifier {
    pub id: String,
    pub scheme: &'static str,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
#[schema(as = Oc4idsPeriod)]
#[serde(rename_all = "camelCase")]
pub struct Period {
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub start_date: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub end_date: Option<String>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
#[schema(as = Oc4idsBudget)]
pub struct Budget {
    pub amount: Value,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
#[schema(as = Oc4idsValue)]
pub struct Value {
    /// Yuan, an integer (exact).
    pub amount: i64,
    pub currency: &'static str,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
#[schema(as = Oc4idsLocation)]
pub struct Location {
    pub id: String,
    pub description: String,
    pub geometry: Geometry,
    pub gazetteer: Gazetteer,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub address: Option<Address>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
#[schema(as = Oc4idsGeometry)]
pub struct Geometry {
    #[serde(rename = "type")]
    pub kind: &'static str,
    /// `[lon, lat]`, WGS84.
    pub coordinates: [f64; 2],
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
#[schema(as = Oc4idsGazetteer)]
pub struct Gazetteer {
    pub scheme: &'static str,
    pub identifiers: Vec<String>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
#[schema(as = Oc4idsAddress)]
#[serde(rename_all = "camelCase")]
pub struct Address {
    pub street_address: String,
    pub locality: String,
    pub country_name: &'static str,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
#[schema(as = Oc4idsParty)]
pub struct Party {
    pub id: String,
    pub name: String,
    pub roles: Vec<&'static str>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Oc4idsMilestone {
    pub id: &'static str,
    pub title: &'static str,
    #[serde(rename = "type")]
    pub kind: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub description: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub due_date: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub date_met: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub status: Option<&'static str>,
}

/// A civil date (Asia/Shanghai) as the schema's `date-time`: midnight, +08:00.
pub fn date_time(d: NaiveDate) -> String {
    format!("{d}T00:00:00+08:00")
}

fn utc(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// `projectStatus` (closed): the phase of the project.
pub fn project_status(status: Status) -> &'static str {
    match status {
        Status::Pipeline | Status::Signed => "identification",
        Status::Preparing => "preparation",
        // Suspended has no code of its own: still in implementation, with a note.
        Status::UnderConstruction | Status::Suspended => "implementation",
        Status::Completed | Status::InProduction => "completion",
        Status::Withdrawn => "cancelled",
    }
}

/// `projectSector` where a code fits the chain; industrial chains (chemical, machine tools,
/// lithium, pharma) and mixed ones have no fitting code and are left out.
pub fn sector(chain: Chain) -> Option<&'static str> {
    match chain {
        Chain::Digital => Some("communications"),
        Chain::CultureTourism => Some("cultureSportsAndRecreation"),
        Chain::Agriculture => Some("economy"),
        Chain::Logistics => Some("transport"),
        Chain::EnergyEcology => Some("energy"),
        _ => None,
    }
}

/// `milestoneType` (open codelist, OCDS core codes).
pub fn milestone_type(kind: MilestoneKind) -> &'static str {
    match kind {
        // Signing the investment agreement, land supply and the permit are sign-offs.
        MilestoneKind::Signed | MilestoneKind::Land | MilestoneKind::Permit => "approval",
        MilestoneKind::Start | MilestoneKind::Completion | MilestoneKind::Production => "delivery",
    }
}

/// `milestoneStatus` (closed) as of `today`: met (actual date), notMet (the current plan has
/// passed without an actual date: late), scheduled (the plan is today or later).
pub fn milestone_status(m: &Milestone, today: NaiveDate) -> Option<&'static str> {
    match (m.actual.filter(|a| *a <= today), m.planned) {
        (Some(_), _) => Some("met"),
        (None, Some(p)) if p < today => Some("notMet"),
        (None, Some(_)) => Some("scheduled"),
        (None, None) => None,
    }
}

fn milestone(kind: MilestoneKind, m: &Milestone, today: NaiveDate) -> Option<Oc4idsMilestone> {
    if m.planned.is_none() && m.actual.is_none() && m.baseline.is_none() {
        return None;
    }
    let mut notes = Vec::new();
    if let Some(b) = m.baseline.filter(|b| Some(*b) != m.planned) {
        notes.push(format!("基线计划{b}"));
    }
    if !m.replans.is_empty() {
        notes.push(format!("调整计划{}次", m.replans.len()));
    }
    Some(Oc4idsMilestone {
        id: kind.code(),
        title: kind.label_zh(),
        kind: milestone_type(kind),
        description: (!notes.is_empty()).then(|| notes.join(",")),
        due_date: m.planned.map(date_time),
        date_met: m.actual.filter(|a| *a <= today).map(date_time),
        status: milestone_status(m, today),
    })
}

fn description(p: &Project) -> Option<String> {
    let mut parts = Vec::new();
    match p.status {
        Status::Suspended => parts.push(format!(
            "项目暂停(suspended){}",
            p.state_reason.as_deref().map(|r| format!(":{r}")).unwrap_or_default()
        )),
        Status::Withdrawn => parts.push(format!(
            "项目退出(withdrawn){}",
            p.state_reason.as_deref().map(|r| format!(":{r}")).unwrap_or_default()
        )),
        _ => {}
    }
    if p.sample {
        parts.push("示例数据,非官方数据(sample data)".to_string());
    }
    (!parts.is_empty()).then(|| parts.join("。"))
}

/// One project in OC4IDS, its milestones judged as of `today`.
pub fn project(p: &Project, today: NaiveDate) -> Oc4idsProject {
    let ms = &p.milestones;
    let period = match (ms.start.baseline, ms.completion.baseline) {
        (None, None) => None,
        (s, e) => Some(Period { start_date: s.map(date_time), end_date: e.map(date_time) }),
    };
    let milestones: Vec<Oc4idsMilestone> =
        MilestoneKind::ALL.iter().filter_map(|k| milestone(*k, ms.get(*k), today)).collect();
    let precision = match p.location.precision {
        LocationPrecision::Exact => "",
        LocationPrecision::Town => "(位置为镇街驻地)",
    };
    Oc4idsProject {
        id: format!("{ID_PREFIX}{}", p.code),
        updated: utc(p.updated_at),
        language: "zh",
        identifiers: vec![SimpleIdentifier { id: p.code.clone(), scheme: "keyproj" }],
        title: p.name.clone(),
        description: description(p),
        status: project_status(p.status),
        sector: sector(p.chain).map(|s| vec![s]),
        period,
        budget: Budget { amount: Value { amount: p.total_investment_yuan.0, currency: "CNY" } },
        locations: vec![Location {
            id: "1".to_string(),
            description: format!(
                "{}{}{precision}",
                p.town.name,
                p.zone.as_deref().map(|z| format!(" {z}")).unwrap_or_default()
            ),
            geometry: Geometry { kind: "Point", coordinates: [p.location.lon, p.location.lat] },
            gazetteer: Gazetteer { scheme: TOWN_GAZETTEER, identifiers: vec![p.town.code.clone()] },
            address: p.address.as_deref().filter(|a| !a.trim().is_empty()).map(|a| Address {
                street_address: a.to_string(),
                locality: p.town.name.clone(),
                country_name: "中国",
            }),
        }],
        parties: p.company.as_deref().filter(|c| !c.trim().is_empty()).map(|c| {
            // The investing company finances its own project: `funder` (partyRole).
            vec![Party { id: "company".to_string(), name: c.to_string(), roles: vec!["funder"] }]
        }),
        milestones: (!milestones.is_empty()).then_some(milestones),
    }
}

/// The package of `projects` published by `publisher`; `publishedDate` is the latest change
/// among them (the package is generated on demand), or `now` when there is none.
pub fn package<'a>(
    projects: impl IntoIterator<Item = &'a Project>,
    uri: String,
    today: NaiveDate,
    now: DateTime<Utc>,
    publisher: String,
) -> Package {
    let mut latest: Option<DateTime<Utc>> = None;
    let projects = projects
        .into_iter()
        .map(|p| {
            latest = latest.max(Some(p.updated_at));
            project(p, today)
        })
        .collect();
    Package {
        uri,
        published_date: utc(latest.unwrap_or(now)),
        publisher: Publisher { name: publisher },
        version: VERSION,
        projects,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::project::test_project;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap_or_default()
    }

    #[test]
    fn statuses_map_to_the_closed_codelists() {
        assert_eq!(project_status(Status::Signed), "identification");
        assert_eq!(project_status(Status::Suspended), "implementation");
        assert_eq!(project_status(Status::InProduction), "completion");
        assert_eq!(project_status(Status::Withdrawn), "cancelled");
        let today = d("2026-11-27");
        let mut m = Milestone { planned: Some(d("2026-11-26")), ..Milestone::default() };
        assert_eq!(milestone_status(&m, today), Some("notMet"));
        m.planned = Some(today);
        assert_eq!(milestone_status(&m, today), Some("scheduled"));
        m.actual = Some(d("2026-11-20"));
        assert_eq!(milestone_status(&m, today), Some("met"));
        assert_eq!(milestone_status(&Milestone::default(), today), None);
    }

    #[test]
    fn the_publisher_is_a_parameter_defaulting_to_the_countys_centre() {
        assert_eq!(default_publisher("滕州市"), "滕州市招商引资服务中心");
        let p = test_project();
        let now = DateTime::<Utc>::MIN_UTC;
        let pkg = package([&p], "urn:x".into(), d("2026-11-27"), now, default_publisher("邹城市"));
        assert_eq!(pkg.publisher.name, "邹城市招商引资服务中心");
        let pkg = package([&p], "urn:x".into(), d("2026-11-27"), now, "枣庄市发展和改革委员会".into());
        assert_eq!(pkg.publisher.name, "枣庄市发展和改革委员会");
    }

    #[test]
    fn a_project_carries_id_budget_and_gazetteer() {
        let mut p = test_project();
        p.milestones.start.baseline = Some(d("2026-03-01"));
        p.milestones.start.planned = Some(d("2026-04-01"));
        let o = project(&p, d("2026-11-27"));
        assert_eq!(o.id, "oc4ids-keyproj-T1");
        assert_eq!(o.budget.amount.amount, 1_000_000_000);
        assert_eq!(o.locations[0].gazetteer.identifiers, vec!["370481106".to_string()]);
        assert_eq!(o.period.as_ref().and_then(|p| p.start_date.clone()), Some("2026-03-01T00:00:00+08:00".into()));
        let ms = o.milestones.unwrap_or_default();
        assert_eq!(ms.len(), 1);
        assert_eq!(ms[0].status, Some("notMet"));
        assert!(o.parties.is_none());
    }
}
