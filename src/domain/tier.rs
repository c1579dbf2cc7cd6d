//! Investment tier (投资档次), always derived from total investment, never typed in.

use super::money::{YI, Yuan};
use crate::code_enum;

code_enum! {
    /// 投资档次, in ascending order (targets count cumulatively).
    pub enum Tier {
        Below = ("below", "1亿元以下"),
        Over100m = ("100m", "1亿元以上"),
        Over1b = ("1b", "10亿元以上"),
        Over5b = ("5b", "50亿元以上"),
        Over10b = ("10b", "100亿元以上"),
    }
}

impl Tier {
    pub fn of(total: Yuan) -> Tier {
        match total.0 {
            v if v >= 100 * YI => Tier::Over10b,
            v if v >= 50 * YI => Tier::Over5b,
            v if v >= 10 * YI => Tier::Over1b,
            v if v >= YI => Tier::Over100m,
            _ => Tier::Below,
        }
    }

    /// Targets count cumulatively: a 120亿 project counts toward 1亿, 10亿, 50亿 and 100亿.
    pub fn at_least(self, other: Tier) -> bool {
        self >= other
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn boundaries_are_inclusive_at_the_threshold() {
        assert_eq!(Tier::of(Yuan(99_999_999)), Tier::Below);
        assert_eq!(Tier::of(Yuan(YI)), Tier::Over100m);
        assert_eq!(Tier::of(Yuan(10 * YI - 1)), Tier::Over100m);
        assert_eq!(Tier::of(Yuan(10 * YI)), Tier::Over1b);
        assert_eq!(Tier::of(Yuan(50 * YI - 1)), Tier::Over1b);
        assert_eq!(Tier::of(Yuan(50 * YI)), Tier::Over5b);
        assert_eq!(Tier::of(Yuan(100 * YI - 1)), Tier::Over5b);
        assert_eq!(Tier::of(Yuan(100 * YI)), Tier::Over10b);
        assert_eq!(Tier::of(Yuan(0)), Tier::Below);
    }

    #[test]
    fn codes_round_trip_and_serialize() {
        for &t in Tier::ALL {
            assert_eq!(Tier::parse(t.code()), Some(t));
            assert_eq!(serde_json::to_string(&t).ok(), Some(format!("\"{}\"", t.code())));
        }
        assert_eq!(Tier::parse("2b"), None);
    }

    #[test]
    fn cumulative_counting() {
        assert!(Tier::Over10b.at_least(Tier::Over100m));
        assert!(!Tier::Over1b.at_least(Tier::Over5b));
    }
}
