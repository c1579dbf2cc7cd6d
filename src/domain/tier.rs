//! Investment tier (投资档次), always derived from total investment, never typed in.

use super::money::{YI, Yuan};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Tier {
    /// under 1亿
    #[serde(rename = "below")]
    Below,
    /// ≥ 1亿
    #[serde(rename = "100m")]
    Over100m,
    /// ≥ 10亿
    #[serde(rename = "1b")]
    Over1b,
    /// ≥ 50亿
    #[serde(rename = "5b")]
    Over5b,
    /// ≥ 100亿
    #[serde(rename = "10b")]
    Over10b,
}

impl Tier {
    pub const ALL: [Tier; 5] = [Tier::Below, Tier::Over100m, Tier::Over1b, Tier::Over5b, Tier::Over10b];

    pub fn of(total: Yuan) -> Tier {
        match total.0 {
            v if v >= 100 * YI => Tier::Over10b,
            v if v >= 50 * YI => Tier::Over5b,
            v if v >= 10 * YI => Tier::Over1b,
            v if v >= YI => Tier::Over100m,
            _ => Tier::Below,
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Tier::Below => "below",
            Tier::Over100m => "100m",
            Tier::Over1b => "1b",
            Tier::Over5b => "5b",
            Tier::Over10b => "10b",
        }
    }

    pub fn parse(code: &str) -> Option<Tier> {
        Tier::ALL.into_iter().find(|t| t.code() == code)
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            Tier::Below => "1亿元以下",
            Tier::Over100m => "1亿元以上",
            Tier::Over1b => "10亿元以上",
            Tier::Over5b => "50亿元以上",
            Tier::Over10b => "100亿元以上",
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
        for t in Tier::ALL {
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
