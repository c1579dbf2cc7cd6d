//! The closed vocabularies of changes held for approval: where a request stands, what kind of
//! change it holds, and through what it was requested. The codes are the API's and the
//! database's (`approvals.status`, `.kind`, `.requested_source`).

use super::milestone::MilestoneKind;
use crate::code_enum;

code_enum! {
    /// Where a held change stands. Only a pending one can be decided, once.
    pub enum ApprovalStatus {
        Pending = ("pending", "待审批"),
        Approved = ("approved", "已批准"),
        Rejected = ("rejected", "已驳回"),
    }
}

code_enum! {
    /// What a held change would do: the sensitive part of a PATCH (investment, lists), a
    /// milestone's dates, or a withdrawal.
    pub enum ApprovalKind {
        Update = ("update", "修改信息"),
        Withdraw = ("withdraw", "退出项目"),
        MilestoneSigned = ("milestone.signed", "签约日期"),
        MilestoneLand = ("milestone.land", "供地日期"),
        MilestonePermit = ("milestone.permit", "施工许可日期"),
        MilestoneStart = ("milestone.start", "开工日期"),
        MilestoneCompletion = ("milestone.completion", "竣工日期"),
        MilestoneProduction = ("milestone.production", "投产日期"),
    }
}

code_enum! {
    /// How the requester was signed in: a browser session or an API token.
    pub enum ApprovalSource {
        Web = ("web", "网页"),
        Api = ("api", "API令牌"),
    }
}

impl ApprovalStatus {
    /// Whether the request can still be approved or rejected.
    pub fn is_pending(self) -> bool {
        self == ApprovalStatus::Pending
    }
}

/// The part of a project a held change replaces, by kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HeldPart {
    /// Total investment and list memberships (the sensitive fields of a PATCH).
    Fields,
    /// The project's state: a withdrawal.
    State,
    /// One milestone's planned and actual dates.
    Milestone(MilestoneKind),
}

impl ApprovalKind {
    /// The kind that holds a change of `milestone`'s dates.
    pub fn milestone(milestone: MilestoneKind) -> ApprovalKind {
        match milestone {
            MilestoneKind::Signed => ApprovalKind::MilestoneSigned,
            MilestoneKind::Land => ApprovalKind::MilestoneLand,
            MilestoneKind::Permit => ApprovalKind::MilestonePermit,
            MilestoneKind::Start => ApprovalKind::MilestoneStart,
            MilestoneKind::Completion => ApprovalKind::MilestoneCompletion,
            MilestoneKind::Production => ApprovalKind::MilestoneProduction,
        }
    }

    /// What a change of this kind replaces.
    pub fn part(self) -> HeldPart {
        match self {
            ApprovalKind::Update => HeldPart::Fields,
            ApprovalKind::Withdraw => HeldPart::State,
            ApprovalKind::MilestoneSigned => HeldPart::Milestone(MilestoneKind::Signed),
            ApprovalKind::MilestoneLand => HeldPart::Milestone(MilestoneKind::Land),
            ApprovalKind::MilestonePermit => HeldPart::Milestone(MilestoneKind::Permit),
            ApprovalKind::MilestoneStart => HeldPart::Milestone(MilestoneKind::Start),
            ApprovalKind::MilestoneCompletion => HeldPart::Milestone(MilestoneKind::Completion),
            ApprovalKind::MilestoneProduction => HeldPart::Milestone(MilestoneKind::Production),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_milestone_has_its_own_approval_kind_and_back() {
        for m in MilestoneKind::ALL {
            let kind = ApprovalKind::milestone(*m);
            assert_eq!(kind.part(), HeldPart::Milestone(*m));
            // The code the web app splits on: `milestone.<milestone code>`.
            assert_eq!(kind.code().strip_prefix("milestone."), Some(m.code()));
            assert!(kind.label_zh().starts_with(m.label_zh()), "{kind}: {}", kind.label_zh());
        }
        let milestone_kinds = ApprovalKind::ALL.iter().filter(|k| matches!(k.part(), HeldPart::Milestone(_))).count();
        assert_eq!(milestone_kinds, MilestoneKind::ALL.len());
    }

    #[test]
    fn the_other_kinds_replace_fields_or_the_state() {
        assert_eq!(ApprovalKind::Update.part(), HeldPart::Fields);
        assert_eq!(ApprovalKind::Withdraw.part(), HeldPart::State);
        for kind in ApprovalKind::ALL {
            let is_milestone = matches!(kind.part(), HeldPart::Milestone(_));
            assert_eq!(is_milestone, kind.code().starts_with("milestone."), "{kind}");
        }
    }

    #[test]
    fn only_a_pending_request_can_be_decided() {
        let pending: Vec<_> = ApprovalStatus::ALL.iter().filter(|s| s.is_pending()).collect();
        assert_eq!(pending, [&ApprovalStatus::Pending]);
    }

    #[test]
    fn codes_round_trip_through_serde_and_parse() {
        fn round_trips<T>(all: &[T], code: fn(&T) -> &'static str, parse: fn(&str) -> Option<T>) -> bool
        where
            T: serde::Serialize + serde::de::DeserializeOwned + PartialEq,
        {
            all.iter().all(|v| {
                let json = serde_json::to_value(v).ok();
                json == Some(serde_json::json!(code(v)))
                    && serde_json::from_value::<T>(serde_json::json!(code(v))).ok().as_ref() == Some(v)
                    && parse(code(v)).as_ref() == Some(v)
            })
        }
        assert!(round_trips(ApprovalStatus::ALL, |s| s.code(), ApprovalStatus::parse));
        assert!(round_trips(ApprovalKind::ALL, |k| k.code(), ApprovalKind::parse));
        assert!(round_trips(ApprovalSource::ALL, |s| s.code(), ApprovalSource::parse));
        // Only sessions and tokens request approvals: the CLI and imports edit directly.
        assert_eq!(ApprovalSource::parse("cli"), None);
        assert_eq!(ApprovalKind::parse("rename"), None);
    }

    #[test]
    fn every_code_has_a_distinct_chinese_label() {
        fn distinct(labels: Vec<&str>) -> bool {
            let mut sorted = labels.clone();
            sorted.sort_unstable();
            sorted.dedup();
            sorted.len() == labels.len() && labels.iter().all(|l| !l.is_empty())
        }
        assert!(distinct(ApprovalStatus::ALL.iter().map(|s| s.label_zh()).collect()));
        assert!(distinct(ApprovalKind::ALL.iter().map(|k| k.label_zh()).collect()));
        assert!(distinct(ApprovalSource::ALL.iter().map(|s| s.label_zh()).collect()));
    }
}
