//! Project status: derived from milestones, except `suspended` and `withdrawn`, which are
//! explicit events with a reason.

use super::milestone::Milestones;
use crate::code_enum;
use chrono::NaiveDate;

code_enum! {
    pub enum Status {
        Pipeline = ("pipeline", "在谈"),
        Signed = ("signed", "已签约"),
        Preparing = ("preparing", "前期推进"),
        UnderConstruction = ("under_construction", "在建"),
        Completed = ("completed", "已竣工"),
        InProduction = ("in_production", "已投产"),
        Suspended = ("suspended", "暂停"),
        Withdrawn = ("withdrawn", "退出"),
    }
}

code_enum! {
    /// The explicit part of a project's status: is it being pursued at all?
    pub enum State {
        Active = ("active", "正常"),
        Suspended = ("suspended", "暂停"),
        Withdrawn = ("withdrawn", "退出"),
    }
}

impl Status {
    /// Status as of a date: only actual dates on or before `as_of` count.
    pub fn derive(milestones: &Milestones, state: State, as_of: NaiveDate) -> Status {
        match state {
            State::Suspended => return Status::Suspended,
            State::Withdrawn => return Status::Withdrawn,
            State::Active => {}
        }
        let done = |m: &super::milestone::Milestone| m.is_done_by(as_of);
        if done(&milestones.production) {
            Status::InProduction
        } else if done(&milestones.completion) {
            Status::Completed
        } else if done(&milestones.start) {
            Status::UnderConstruction
        } else if done(&milestones.land) || done(&milestones.permit) {
            Status::Preparing
        } else if done(&milestones.signed) {
            Status::Signed
        } else {
            Status::Pipeline
        }
    }

    /// Started construction (counts toward the start rate).
    pub fn has_started(self) -> bool {
        matches!(self, Status::UnderConstruction | Status::Completed | Status::InProduction)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap_or_default()
    }

    #[test]
    fn status_follows_the_latest_actual_milestone() {
        let as_of = d("2026-11-01");
        let mut m = Milestones::default();
        assert_eq!(Status::derive(&m, State::Active, as_of), Status::Pipeline);
        m.signed.actual = Some(d("2026-01-10"));
        assert_eq!(Status::derive(&m, State::Active, as_of), Status::Signed);
        m.permit.actual = Some(d("2026-02-10"));
        assert_eq!(Status::derive(&m, State::Active, as_of), Status::Preparing);
        m.start.actual = Some(d("2026-03-10"));
        assert_eq!(Status::derive(&m, State::Active, as_of), Status::UnderConstruction);
        m.completion.actual = Some(d("2026-09-10"));
        assert_eq!(Status::derive(&m, State::Active, as_of), Status::Completed);
        m.production.actual = Some(d("2026-10-10"));
        assert_eq!(Status::derive(&m, State::Active, as_of), Status::InProduction);
        // As of an earlier date, later actuals do not count yet.
        assert_eq!(Status::derive(&m, State::Active, d("2026-03-09")), Status::Preparing);
        assert_eq!(Status::derive(&m, State::Active, d("2026-03-10")), Status::UnderConstruction);
    }

    #[test]
    fn explicit_events_win() {
        let mut m = Milestones::default();
        m.start.actual = Some(d("2026-03-10"));
        assert_eq!(Status::derive(&m, State::Suspended, d("2026-11-01")), Status::Suspended);
        assert_eq!(Status::derive(&m, State::Withdrawn, d("2026-11-01")), Status::Withdrawn);
        assert!(!Status::Suspended.has_started());
        assert!(Status::Completed.has_started());
    }
}
