//! Changes held for approval: what is held (the request and the values it would replace) and
//! how an approved change is applied — after checking that nobody changed those values since.

use crate::domain::Invalid;
use crate::domain::approval::{ApprovalKind, HeldPart};
use crate::domain::milestone::{MilestoneKind, MilestoneUpdate};
use crate::domain::project::{Project, ProjectPatch};
use crate::domain::status::State;
use crate::geo::TownLayer;
use crate::ledger;
use crate::store::{Approval, HeldChange, StoreError};
use chrono::{DateTime, NaiveDate, Utc};
use serde_json::{Value, json};

/// The values a held PATCH would replace.
fn patch_current(p: &Project) -> Value {
    json!({ "total_investment_yuan": p.total_investment_yuan, "lists": p.lists })
}

fn milestone_current(p: &Project, kind: MilestoneKind) -> Value {
    let m = p.milestones.get(kind);
    json!({ "planned": m.planned, "actual": m.actual })
}

fn state_current(p: &Project) -> Value {
    json!({ "state": p.state, "state_reason": p.state_reason })
}

/// Hold the sensitive part of a PATCH (from `access::split_patch`).
pub fn hold_patch(p: &Project, held: &ProjectPatch) -> HeldChange {
    let mut change = serde_json::Map::new();
    if let Some(t) = held.total_investment_yuan {
        change.insert("total_investment_yuan".into(), json!(t));
    }
    if let Some(l) = &held.lists {
        change.insert("lists".into(), json!(l));
    }
    HeldChange { kind: ApprovalKind::Update, change: Value::Object(change), current: patch_current(p) }
}

/// Hold a milestone change (its planned and actual dates as they would be, and the reason).
pub fn hold_milestone(p: &Project, kind: MilestoneKind, update: &MilestoneUpdate) -> HeldChange {
    HeldChange {
        kind: ApprovalKind::milestone(kind),
        change: json!({ "planned": update.planned, "actual": update.actual, "reason": update.reason }),
        current: milestone_current(p, kind),
    }
}

pub fn hold_withdrawal(p: &Project, reason: Option<&str>) -> HeldChange {
    HeldChange { kind: ApprovalKind::Withdraw, change: json!({ "reason": reason }), current: state_current(p) }
}

fn corrupt(kind: ApprovalKind, e: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(format!("held change {kind}: {e}"))
}

/// Apply an approved change to `p`, if the values it replaces are still those seen when it was
/// requested. `requested_by` is credited with any re-plan it records.
pub fn apply_approved(
    approval: &Approval,
    p: &mut Project,
    towns: &TownLayer,
    now: DateTime<Utc>,
    today: NaiveDate,
) -> Result<(), StoreError> {
    let kind = approval.kind;
    let current = match kind.part() {
        HeldPart::Fields => patch_current(p),
        HeldPart::State => state_current(p),
        HeldPart::Milestone(m) => milestone_current(p, m),
    };
    if current != approval.current {
        return Err(StoreError::StaleApproval);
    }
    let applied: Result<(), Invalid> = match kind.part() {
        HeldPart::Fields => {
            let mut patch: ProjectPatch =
                serde_json::from_value(json!({ "version": p.version })).map_err(|e| corrupt(kind, e))?;
            if let Some(t) = approval.change.get("total_investment_yuan") {
                patch.total_investment_yuan = Some(serde_json::from_value(t.clone()).map_err(|e| corrupt(kind, e))?);
            }
            if let Some(l) = approval.change.get("lists") {
                patch.lists = Some(serde_json::from_value(l.clone()).map_err(|e| corrupt(kind, e))?);
            }
            ledger::apply_patch(p, &patch, towns)
        }
        HeldPart::State => {
            let reason = approval.change.get("reason").and_then(Value::as_str);
            ledger::change_state(p, State::Withdrawn, reason)
        }
        HeldPart::Milestone(m) => {
            let update: MilestoneUpdate =
                serde_json::from_value(approval.change.clone()).map_err(|e| corrupt(kind, e))?;
            ledger::apply_milestone(p, m, &update, &approval.requested_by, now, today)
        }
    };
    applied.map_err(StoreError::from)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::approval::{ApprovalSource, ApprovalStatus};
    use crate::domain::project::test_project;
    use chrono::TimeZone;

    fn approval_of(held: HeldChange, p: &Project) -> Approval {
        Approval {
            id: 1,
            project_id: p.id,
            project_name: p.name.clone(),
            town_code: p.town.code.clone(),
            kind: held.kind,
            change: held.change,
            current: held.current,
            requested_by: "town1".into(),
            requested_source: ApprovalSource::Web,
            requested_at: Utc.with_ymd_and_hms(2026, 11, 1, 0, 0, 0).single().unwrap_or_default(),
            status: ApprovalStatus::Pending,
            decided_by: None,
            decided_at: None,
            note: None,
        }
    }

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 27, 2, 0, 0).single().unwrap_or_default()
    }

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 27).unwrap_or_default()
    }

    #[test]
    fn an_approved_investment_change_applies() {
        let towns = TownLayer::tengzhou();
        let mut p = test_project();
        let held =
            ProjectPatch { version: p.version, total_investment_yuan: Some(6_000_000_000), ..Default::default() };
        let approval = approval_of(hold_patch(&p, &held), &p);
        assert_eq!(approval.change, json!({ "total_investment_yuan": 6_000_000_000i64 }));
        apply_approved(&approval, &mut p, &towns, now(), today()).expect("applies");
        assert_eq!(p.total_investment_yuan.0, 6_000_000_000);
    }

    #[test]
    fn a_change_made_since_the_request_makes_the_approval_stale() {
        let towns = TownLayer::tengzhou();
        let mut p = test_project();
        let held =
            ProjectPatch { version: p.version, total_investment_yuan: Some(6_000_000_000), ..Default::default() };
        let approval = approval_of(hold_patch(&p, &held), &p);
        p.total_investment_yuan.0 += 1;
        let before = p.clone();
        assert!(matches!(apply_approved(&approval, &mut p, &towns, now(), today()), Err(StoreError::StaleApproval)));
        assert_eq!(p, before);
    }

    #[test]
    fn an_approved_actual_start_applies_and_credits_the_requester() {
        let towns = TownLayer::tengzhou();
        let mut p = test_project();
        let start = p.milestones.get(MilestoneKind::Start).clone();
        let update =
            MilestoneUpdate { planned: start.planned, actual: NaiveDate::from_ymd_opt(2026, 11, 20), reason: None };
        let approval = approval_of(hold_milestone(&p, MilestoneKind::Start, &update), &p);
        assert_eq!(approval.kind, ApprovalKind::MilestoneStart);
        apply_approved(&approval, &mut p, &towns, now(), today()).expect("applies");
        assert_eq!(p.milestones.get(MilestoneKind::Start).actual, NaiveDate::from_ymd_opt(2026, 11, 20));
    }

    #[test]
    fn an_approved_withdrawal_applies() {
        let towns = TownLayer::tengzhou();
        let mut p = test_project();
        let approval = approval_of(hold_withdrawal(&p, Some("投资方撤资")), &p);
        apply_approved(&approval, &mut p, &towns, now(), today()).expect("applies");
        assert_eq!(p.state, State::Withdrawn);
        assert_eq!(p.state_reason.as_deref(), Some("投资方撤资"));
    }
}
