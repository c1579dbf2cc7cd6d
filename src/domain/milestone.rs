//! Milestones (节点) keep three dates: the baseline plan (frozen once set), the current plan,
//! and the actual date. Moving a planned date is a re-plan and needs a reason.

use super::error::{FieldError, Invalid};
use crate::code_enum;
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

code_enum! {
    pub enum MilestoneKind {
        Signed = ("signed", "签约"),
        Land = ("land", "供地"),
        Permit = ("permit", "施工许可"),
        Start = ("start", "开工"),
        Completion = ("completion", "竣工"),
        Production = ("production", "投产"),
    }
}

/// One move of a planned date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Replan {
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    pub reason: String,
    pub actor: String,
    pub at: DateTime<Utc>,
    /// The civil date (Asia/Shanghai) from which the new plan is in force.
    pub effective: NaiveDate,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Milestone {
    pub baseline: Option<NaiveDate>,
    pub planned: Option<NaiveDate>,
    pub actual: Option<NaiveDate>,
    #[serde(default)]
    pub replans: Vec<Replan>,
}

/// What a user asks to change on one milestone.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MilestoneUpdate {
    #[serde(default)]
    pub planned: Option<NaiveDate>,
    #[serde(default)]
    pub actual: Option<NaiveDate>,
    #[serde(default)]
    pub reason: Option<String>,
}

impl Milestone {
    pub fn is_done_by(&self, as_of: NaiveDate) -> bool {
        self.actual.is_some_and(|d| d <= as_of)
    }

    /// The plan in force at the end of `as_of`: the latest re-plan effective by then decides,
    /// so a re-plan made in week 48 does not rewrite how week 47 looked.
    pub fn planned_as_of(&self, as_of: NaiveDate) -> Option<NaiveDate> {
        let mut plan = self.replans.first().map_or(self.planned, |r| r.from);
        for r in &self.replans {
            if r.effective <= as_of {
                plan = r.to;
            }
        }
        plan
    }

    /// Apply an update; a moved planned date needs a reason and is recorded as a re-plan.
    /// The baseline is set by the first planned date and never moves afterwards.
    pub fn apply(
        &self,
        update: &MilestoneUpdate,
        actor: &str,
        now: DateTime<Utc>,
        today: NaiveDate,
    ) -> Result<Milestone, Invalid> {
        let mut errors = Invalid::default();
        let mut next = self.clone();
        let reason = update.reason.as_deref().map(str::trim).filter(|r| !r.is_empty());
        if let Some(r) = reason
            && r.chars().count() > 500
        {
            errors.push(FieldError::new("reason", "原因不能超过500字", "the reason must be at most 500 characters"));
        }
        if update.planned != self.planned {
            match (self.planned, reason) {
                (Some(_), None) => errors.push(FieldError::new(
                    "reason",
                    "调整计划日期必须填写原因",
                    "moving a planned date needs a reason",
                )),
                (Some(_), Some(r)) => {
                    next.replans.push(Replan {
                        from: self.planned,
                        to: update.planned,
                        reason: r.to_string(),
                        actor: actor.to_string(),
                        at: now,
                        effective: today,
                    });
                    next.planned = update.planned;
                }
                (None, _) => {
                    next.planned = update.planned;
                }
            }
        }
        if next.baseline.is_none() {
            next.baseline = next.planned;
        }
        if let Some(actual) = update.actual
            && actual > today
        {
            errors.push(FieldError::new(
                "actual",
                format!("实际日期{actual}不能晚于今天{today}"),
                format!("the actual date {actual} is after today {today}"),
            ));
        }
        next.actual = update.actual;
        errors.into_result().map(|()| next)
    }
}

/// All six milestones of a project.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Milestones {
    #[serde(default)]
    pub signed: Milestone,
    #[serde(default)]
    pub land: Milestone,
    #[serde(default)]
    pub permit: Milestone,
    #[serde(default)]
    pub start: Milestone,
    #[serde(default)]
    pub completion: Milestone,
    #[serde(default)]
    pub production: Milestone,
}

impl Milestones {
    pub fn get(&self, kind: MilestoneKind) -> &Milestone {
        match kind {
            MilestoneKind::Signed => &self.signed,
            MilestoneKind::Land => &self.land,
            MilestoneKind::Permit => &self.permit,
            MilestoneKind::Start => &self.start,
            MilestoneKind::Completion => &self.completion,
            MilestoneKind::Production => &self.production,
        }
    }

    pub fn get_mut(&mut self, kind: MilestoneKind) -> &mut Milestone {
        match kind {
            MilestoneKind::Signed => &mut self.signed,
            MilestoneKind::Land => &mut self.land,
            MilestoneKind::Permit => &mut self.permit,
            MilestoneKind::Start => &mut self.start,
            MilestoneKind::Completion => &mut self.completion,
            MilestoneKind::Production => &mut self.production,
        }
    }

    /// Dates must follow the build sequence: start ≤ completion ≤ production, for plans and
    /// for actuals. (Signing, land and permits may legitimately come in any order.)
    pub fn check_sequence(&self) -> Result<(), Invalid> {
        let mut errors = Invalid::default();
        let pairs =
            [(MilestoneKind::Start, MilestoneKind::Completion), (MilestoneKind::Completion, MilestoneKind::Production)];
        for (first, then) in pairs {
            let (a, b) = (self.get(first), self.get(then));
            if let (Some(x), Some(y)) = (a.planned, b.planned)
                && y < x
            {
                errors.push(FieldError::new(
                    format!("milestones.{}.planned", then.code()),
                    format!("计划{}日期{y}早于计划{}日期{x}", then.label_zh(), first.label_zh()),
                    format!("planned {then} {y} is before planned {first} {x}"),
                ));
            }
            if let (Some(x), Some(y)) = (a.actual, b.actual)
                && y < x
            {
                errors.push(FieldError::new(
                    format!("milestones.{}.actual", then.code()),
                    format!("实际{}日期{y}早于实际{}日期{x}", then.label_zh(), first.label_zh()),
                    format!("actual {then} {y} is before actual {first} {x}"),
                ));
            }
            if b.actual.is_some() && a.actual.is_none() {
                errors.push(FieldError::new(
                    format!("milestones.{}.actual", then.code()),
                    format!("尚未{},不能填写实际{}日期", first.label_zh(), then.label_zh()),
                    format!("actual {then} given but the project has no actual {first}"),
                ));
            }
        }
        errors.into_result()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap_or_default()
    }

    fn now() -> DateTime<Utc> {
        DateTime::from_timestamp(1_790_000_000, 0).unwrap_or_default()
    }

    #[test]
    fn first_plan_sets_the_baseline_without_a_reason() {
        let m = Milestone::default();
        let u = MilestoneUpdate { planned: Some(d("2026-05-01")), ..Default::default() };
        let next = m.apply(&u, "alice", now(), d("2026-03-01")).expect("valid");
        assert_eq!(next.baseline, Some(d("2026-05-01")));
        assert_eq!(next.planned, Some(d("2026-05-01")));
        assert!(next.replans.is_empty());
    }

    #[test]
    fn moving_a_plan_needs_a_reason_and_keeps_the_baseline() {
        let m = Milestone { baseline: Some(d("2026-05-01")), planned: Some(d("2026-05-01")), ..Default::default() };
        let u = MilestoneUpdate { planned: Some(d("2026-07-01")), ..Default::default() };
        let err = m.apply(&u, "alice", now(), d("2026-04-01")).expect_err("needs a reason");
        assert_eq!(err.0[0].field, "reason");
        let blank = MilestoneUpdate { reason: Some("   ".into()), ..u.clone() };
        assert!(m.apply(&blank, "alice", now(), d("2026-04-01")).is_err());
        let ok = MilestoneUpdate { reason: Some("土地指标未落实".into()), ..u };
        let next = m.apply(&ok, "alice", now(), d("2026-04-01")).expect("valid");
        assert_eq!(next.baseline, Some(d("2026-05-01")));
        assert_eq!(next.planned, Some(d("2026-07-01")));
        assert_eq!(next.replans.len(), 1);
        assert_eq!(next.replans[0].from, Some(d("2026-05-01")));
        assert_eq!(next.replans[0].reason, "土地指标未落实");
        assert_eq!(next.replans[0].effective, d("2026-04-01"));
    }

    #[test]
    fn unchanged_plan_needs_no_reason() {
        let m = Milestone { baseline: Some(d("2026-05-01")), planned: Some(d("2026-05-01")), ..Default::default() };
        let u = MilestoneUpdate { planned: Some(d("2026-05-01")), actual: Some(d("2026-05-03")), reason: None };
        let next = m.apply(&u, "a", now(), d("2026-06-01")).expect("valid");
        assert_eq!(next.actual, Some(d("2026-05-03")));
    }

    #[test]
    fn actual_dates_cannot_be_in_the_future() {
        let u = MilestoneUpdate { actual: Some(d("2026-12-01")), ..Default::default() };
        assert!(Milestone::default().apply(&u, "a", now(), d("2026-11-30")).is_err());
        let u = MilestoneUpdate { actual: Some(d("2026-11-30")), ..Default::default() };
        assert!(Milestone::default().apply(&u, "a", now(), d("2026-11-30")).is_ok());
    }

    #[test]
    fn the_plan_in_force_follows_the_replan_history() {
        let mut m = Milestone { baseline: Some(d("2026-05-01")), planned: Some(d("2026-05-01")), ..Default::default() };
        let u = MilestoneUpdate { planned: Some(d("2026-08-01")), reason: Some("审批".into()), ..Default::default() };
        m = m.apply(&u, "a", now(), d("2026-06-10")).expect("valid");
        assert_eq!(m.planned_as_of(d("2026-06-09")), Some(d("2026-05-01")));
        assert_eq!(m.planned_as_of(d("2026-06-10")), Some(d("2026-08-01")));
        let u = MilestoneUpdate { planned: Some(d("2026-09-01")), reason: Some("资金".into()), ..Default::default() };
        m = m.apply(&u, "a", now(), d("2026-07-20")).expect("valid");
        assert_eq!(m.planned_as_of(d("2026-07-01")), Some(d("2026-08-01")));
        assert_eq!(m.planned_as_of(d("2026-12-31")), Some(d("2026-09-01")));
    }

    #[test]
    fn sequence_rules() {
        let mut ms = Milestones::default();
        ms.start.planned = Some(d("2026-05-01"));
        ms.completion.planned = Some(d("2026-04-01"));
        let err = ms.check_sequence().expect_err("completion before start");
        assert_eq!(err.0[0].field, "milestones.completion.planned");
        ms.completion.planned = Some(d("2026-05-01"));
        assert!(ms.check_sequence().is_ok());
        ms.completion.actual = Some(d("2026-05-02"));
        assert!(ms.check_sequence().is_err(), "completed without a start");
        ms.start.actual = Some(d("2026-05-01"));
        assert!(ms.check_sequence().is_ok());
    }
}
