//! A deterministic demo year for 滕州市: about 377 invented projects — 175 attracted projects
//! (新招引) meeting the 160/40/10/5 tier targets, 262 provincial/municipal/county key-project
//! list entries (about 60 of them the same projects as attracted ones), milestones, monthly
//! reports, laggards and a few suspended or withdrawn projects. Everything is sample data
//! (`sample: true`, 示例数据); four real project names from the county plan appear with
//! illustrative figures only.
//!
//! How it is built: first the year's "truth" is drawn from the year alone (who the projects
//! are, when they plan to and do start, complete, produce). Then the view as of a date hides
//! actual dates after it and makes a share of the active projects late *relative to that date*
//! (so any as-of date shows a realistic 10–20 % of laggards), and the monthly reports follow
//! from that view. The random numbers come from a splitmix64 generator written here, so the
//! output never changes with a dependency's version.

mod names;

use self::names::{CHEM_PARK, DEV_ZONE, TOWNS, Town};
use crate::domain::chain::Chain;
use crate::domain::coords::Crs;
use crate::domain::lists::{BuildType, ListKind, ListLevel, Membership};
use crate::domain::money::{WAN, Yuan};
use crate::domain::project::{LocationInput, MilestoneDates, MilestonesInput, ProjectInput};
use crate::domain::report::{Factor, MonthlyReport, Period, Problem};
use crate::domain::status::State;
use chrono::{Datelike, NaiveDate, TimeDelta};
use std::cmp::Ordering;
use std::collections::HashSet;

#[derive(Debug, Clone)]
pub struct DemoProject {
    pub input: ProjectInput,
    /// Monthly reports Jan..=as_of's month of `year` (only months in which the project reported).
    pub reports: Vec<MonthlyReport>,
    /// Some((State::Suspended|State::Withdrawn, reason)) for a few projects; None otherwise.
    pub state: Option<(State, String)>,
}

/// Deterministic: same (year, as_of) → identical output, independent of crate versions.
pub fn demo_year(year: i32, as_of: NaiveDate) -> Vec<DemoProject> {
    let plans = plan_year(year);
    let mut views: Vec<View> = plans.iter().map(|p| View { ms: visible(&p.truth, as_of), late: None }).collect();
    assign_lateness(year, &plans, &mut views, as_of);
    plans
        .iter()
        .zip(views)
        .map(|(p, v)| {
            let reports = reports(year, p, &v, as_of);
            finish(year, p, v, reports)
        })
        .collect()
}

/// Share of active projects that are behind a start or completion date, in percent.
const BEHIND_PCT: usize = 14;
/// Shown on every report of the real, named projects.
const REAL_NOTE: &str = "示例数据：项目名称取自县域规划，投资额与进度为示意数字";

// ---- random numbers ----------------------------------------------------------------------

/// splitmix64: tiny, fast, and fixed forever (unlike an external crate's generators).
#[derive(Debug, Clone)]
struct Rng(u64);

/// Independent streams, so that e.g. a change in report generation does not reshuffle names.
const SLOTS: u64 = 1;
const PROJECT: u64 = 2;
const REPORTS: u64 = 3;
const LAG_ORDER: u64 = 4;
const PROBLEMS: u64 = 5;

impl Rng {
    fn stream(year: i32, purpose: u64, n: u64) -> Rng {
        let mut base = Rng(0x7E4C_2026_5EED_0001 ^ u64::from(year.unsigned_abs()));
        let seed =
            base.next_u64() ^ purpose.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ n.wrapping_mul(0xD1B5_4A32_D192_ED03);
        let mut r = Rng(seed);
        r.next_u64();
        r
    }

    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (multiply-shift, no modulo bias worth speaking of).
    fn below(&mut self, n: u64) -> u64 {
        ((u128::from(self.next_u64()) * u128::from(n)) >> 64) as u64
    }

    /// Uniform in `lo..=hi`.
    fn range(&mut self, lo: i64, hi: i64) -> i64 {
        lo + self.below((hi - lo + 1) as u64) as i64
    }

    /// Skewed toward `lo`: the smaller of two draws (few big projects, many small ones).
    fn skewed(&mut self, lo: i64, hi: i64) -> i64 {
        self.range(lo, hi).min(self.range(lo, hi))
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }

    fn pick<'a, T>(&mut self, xs: &'a [T]) -> &'a T {
        &xs[self.below(xs.len() as u64) as usize]
    }

    fn weighted(&mut self, weights: &[u32]) -> usize {
        let total: u64 = weights.iter().map(|w| u64::from(*w)).sum();
        let mut x = self.below(total);
        for (i, w) in weights.iter().enumerate() {
            if x < u64::from(*w) {
                return i;
            }
            x -= u64::from(*w);
        }
        weights.len() - 1
    }

    fn shuffle<T>(&mut self, xs: &mut [T]) {
        for i in (1..xs.len()).rev() {
            let j = self.below(i as u64 + 1) as usize;
            xs.swap(i, j);
        }
    }
}

// ---- dates -------------------------------------------------------------------------------

/// Only called with days ≤ 28 and valid months.
fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap_or(NaiveDate::MIN)
}

fn shift(d: NaiveDate, days: i64) -> NaiveDate {
    d + TimeDelta::days(days)
}

fn some_day(rng: &mut Rng, y: i32, m: u32) -> NaiveDate {
    date(y, m, rng.range(1, 28) as u32)
}

/// A day in one of `months` months from `first` (`first + months - 1 <= 12`).
fn day_in(rng: &mut Rng, y: i32, first: u32, months: u32) -> NaiveDate {
    let m = first + rng.below(u64::from(months)) as u32;
    some_day(rng, y, m)
}

fn planned(p: NaiveDate) -> Option<MilestoneDates> {
    Some(MilestoneDates { planned: Some(p), actual: None })
}

/// Met on or a few days before the plan (so on-time projects are never late).
fn met(rng: &mut Rng, p: NaiveDate, max_early: i64) -> Option<MilestoneDates> {
    Some(MilestoneDates { planned: Some(p), actual: Some(shift(p, -rng.range(0, max_early))) })
}

/// Met if the plan falls within the year, else only planned.
fn met_in_year(rng: &mut Rng, year: i32, p: NaiveDate, max_early: i64) -> Option<MilestoneDates> {
    if p.year() <= year { met(rng, p, max_early) } else { planned(p) }
}

// ---- the real projects named in the county plan --------------------------------------------

struct Real {
    name: &'static str,
    company: Option<&'static str>,
    town: &'static str,
    zone: Option<&'static str>,
    chain: Chain,
    total_wan: i64,
    levels: &'static [ListLevel],
    role: Role,
    unit: &'static str,
}

/// Names as the plan gives them; amounts and dates are illustrative (see `REAL_NOTE`).
static REAL: [Real; 4] = [
    Real {
        name: "联泓格润新能源材料和生物可降解材料一体化项目",
        company: None,
        town: "370481113",
        zone: Some(CHEM_PARK),
        chain: Chain::Chemical,
        total_wan: 1_250_000,
        levels: &[ListLevel::Attracted, ListLevel::ProvinceMajor],
        role: Role::Started,
        unit: "市化工产业专班",
    },
    Real {
        name: "鲁南化工百万吨甲醇整合项目",
        company: Some("鲁南化工"),
        town: "370481113",
        zone: Some(CHEM_PARK),
        chain: Chain::Chemical,
        total_wan: 380_000,
        levels: &[ListLevel::ProvinceMajor],
        role: Role::Continuing,
        unit: "市化工产业专班",
    },
    Real {
        name: "滕州港西岗作业区项目",
        company: None,
        town: "370481106",
        zone: None,
        chain: Chain::Infrastructure,
        total_wan: 120_000,
        levels: &[ListLevel::Municipal],
        role: Role::Started,
        unit: "市交通运输局",
    },
    Real {
        name: "临滕高速公路项目",
        company: None,
        town: "370481112",
        zone: None,
        chain: Chain::Infrastructure,
        total_wan: 850_000,
        levels: &[ListLevel::ProvinceMajor],
        role: Role::Continuing,
        unit: "市交通运输局",
    },
];

// ---- slots: who is on which list, how big, in which situation ------------------------------

/// The situation a project is in this year (before looking at an as-of date).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    /// New start that starts during the year (by late November).
    Started,
    /// New start planned for December or next spring.
    PlannedLater,
    /// Attracted project that should have started but has not (always late).
    LateStart,
    /// Signed, not started, then suspended or withdrawn.
    Idle,
    /// Started in one of the two previous years (续建).
    Continuing,
    /// Preparation only this year (前期推进).
    PreConstruction,
}

struct Slot {
    levels: Vec<ListLevel>,
    role: Role,
    build: BuildType,
    total_wan: i64,
    real: Option<&'static Real>,
    town: Option<&'static Town>,
    state: Option<(State, &'static str)>,
}

impl Slot {
    fn new(levels: Vec<ListLevel>, role: Role, total_wan: i64) -> Slot {
        let build = match role {
            Role::Continuing => BuildType::Continuing,
            Role::PreConstruction => BuildType::PreConstruction,
            _ => BuildType::NewStart,
        };
        Slot { levels, role, build, total_wan, real: None, town: None, state: None }
    }

    fn attracted(&self) -> bool {
        self.levels.contains(&ListLevel::Attracted)
    }
}

/// One tier of attracted projects: how many are generated and their range in 万元, and how
/// many will not have started by late November: late (planned start passed), planned later
/// (December or next spring), idle (suspended or withdrawn before starting). The rest start
/// during the year.
struct TierPlan {
    count: usize,
    lo_wan: i64,
    hi_wan: i64,
    late: usize,
    later: usize,
    idle: usize,
}

const fn tier(count: usize, lo_wan: i64, hi_wan: i64, not_started: [usize; 3]) -> TierPlan {
    let [late, later, idle] = not_started;
    TierPlan { count, lo_wan, hi_wan, late, later, idle }
}

/// With 联泓格润 (125亿) this gives 175 projects: 6 ≥100亿, 11 ≥50亿, 42 ≥10亿, 165 ≥1亿,
/// 10 below; by late November 4/9/36/144 of them have started (80–90 % of 5/10/40/160).
const ATTRACTED_TIERS: [TierPlan; 5] = [
    tier(5, 1_000_000, 1_800_000, [1, 1, 0]),
    tier(5, 500_000, 990_000, [0, 0, 0]),
    tier(31, 100_000, 490_000, [2, 2, 0]),
    tier(123, 10_000, 99_000, [6, 5, 4]),
    tier(10, 3_000, 9_500, [1, 1, 0]),
];

/// Attracted projects that are also municipal / county key projects (联泓格润, provincial,
/// makes 60 in all).
const OVERLAP_MUNICIPAL: usize = 12;
const OVERLAP_COUNTY: usize = 47;

/// Key-only projects by level: (level, count, range in 万元). With the real projects and the
/// overlap this makes 20 + 12 provincial, 32 municipal and 198 county entries.
const KEY_ONLY: [(ListLevel, usize, i64, i64); 4] = [
    (ListLevel::ProvinceMajor, 17, 100_000, 600_000),
    (ListLevel::ProvinceQuality, 12, 50_000, 400_000),
    (ListLevel::Municipal, 19, 30_000, 300_000),
    (ListLevel::County, 151, 5_000, 120_000),
];
/// Build types of the generated key-only projects: with 鲁南化工 and 临滕高速 (continuing),
/// 西岗作业区 and the overlap (new starts), 262 entries are ~60 % new, ~35 % continuing,
/// ~5 % preparation.
const KEY_ONLY_CONTINUING: usize = 90;
const KEY_ONLY_PREPARATION: usize = 13;

/// Round a total the way lists write it: 100万 below 1亿, 0.1亿 below 100亿, whole 亿 above.
/// Rounding down keeps a total in its tier.
fn round_total(wan: i64) -> i64 {
    let step = match wan {
        ..10_000 => 100,
        10_000..1_000_000 => 1_000,
        _ => 10_000,
    };
    wan / step * step
}

fn slots(year: i32) -> Vec<Slot> {
    let mut rng = Rng::stream(year, SLOTS, 0);
    let mut out: Vec<Slot> =
        REAL.iter().map(|r| Slot { real: Some(r), ..Slot::new(r.levels.to_vec(), r.role, r.total_wan) }).collect();
    let mut attracted = attracted_slots(&mut rng);
    mark_overlap(&mut rng, &mut attracted);
    out.extend(attracted);
    out.extend(key_only_slots(&mut rng));
    out
}

fn attracted_slots(rng: &mut Rng) -> Vec<Slot> {
    let mut out = Vec::new();
    for tier in &ATTRACTED_TIERS {
        let mut roles = vec![Role::LateStart; tier.late];
        roles.resize(tier.late + tier.later, Role::PlannedLater);
        roles.resize(tier.late + tier.later + tier.idle, Role::Idle);
        roles.resize(tier.count, Role::Started);
        rng.shuffle(&mut roles);
        for role in roles {
            let total = round_total(rng.skewed(tier.lo_wan, tier.hi_wan));
            out.push(Slot::new(vec![ListLevel::Attracted], role, total));
        }
    }
    // The idle ones: two withdrawn, two suspended before they started.
    for (i, s) in out.iter_mut().filter(|s| s.role == Role::Idle).enumerate() {
        s.state = Some(if i < 2 {
            (State::Withdrawn, *rng.pick(names::WITHDRAW_REASONS))
        } else {
            (State::Suspended, *rng.pick(&names::SUSPEND_REASONS[..2]))
        });
    }
    out
}

/// Put some attracted projects on the municipal (bigger ones) and county lists as well.
fn mark_overlap(rng: &mut Rng, attracted: &mut [Slot]) {
    let mut pick = |rng: &mut Rng, level: ListLevel, n: usize, min_wan: i64, max_wan: i64| {
        let mut candidates: Vec<usize> = (0..attracted.len())
            .filter(|&i| {
                let s = &attracted[i];
                s.levels.len() == 1 && s.state.is_none() && (min_wan..max_wan).contains(&s.total_wan)
            })
            .collect();
        rng.shuffle(&mut candidates);
        for &i in candidates.iter().take(n) {
            attracted[i].levels.push(level);
        }
    };
    pick(rng, ListLevel::Municipal, OVERLAP_MUNICIPAL, 50_000, 1_000_000);
    pick(rng, ListLevel::County, OVERLAP_COUNTY, 10_000, 100_000);
}

fn key_only_slots(rng: &mut Rng) -> Vec<Slot> {
    let count: usize = KEY_ONLY.iter().map(|k| k.1).sum();
    let mut builds = vec![Role::Continuing; KEY_ONLY_CONTINUING];
    builds.resize(KEY_ONLY_CONTINUING + KEY_ONLY_PREPARATION, Role::PreConstruction);
    builds.resize(count, Role::Started);
    rng.shuffle(&mut builds);
    let mut builds = builds.into_iter();
    let mut out = Vec::new();
    for (level, n, lo, hi) in KEY_ONLY {
        for _ in 0..n {
            let mut role = builds.next().unwrap_or(Role::Started);
            if role == Role::Started && rng.chance(8) {
                role = Role::PlannedLater;
            }
            let total = round_total(rng.skewed(lo, hi));
            out.push(Slot::new(vec![level], role, total));
        }
    }
    // County projects are often the towns' own: give each town at least one, so the map's
    // town layer has something everywhere.
    let county = out.iter_mut().filter(|s| s.levels == [ListLevel::County]);
    for (s, t) in county.zip(TOWNS.iter()) {
        s.town = Some(t);
    }
    // One continuing county project halted during construction.
    if let Some(s) = out.iter_mut().find(|s| s.levels == [ListLevel::County] && s.role == Role::Continuing) {
        s.state = Some((State::Suspended, names::SUSPEND_REASONS[2]));
    }
    out
}

// ---- plans: one project, fully drawn ---------------------------------------------------------

/// Which kinds of lateness a project may be given in the as-of view.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Lag {
    Never,
    /// Not started though it should have (the designated late attracted projects).
    StartOnly,
    /// Started; completion overdue (keeps the year's start counts intact).
    CompletionOnly,
    Either,
}

struct Plan {
    n: usize,
    name: String,
    company: Option<String>,
    town: &'static Town,
    zone: Option<&'static str>,
    chain: Chain,
    total_wan: i64,
    levels: Vec<ListLevel>,
    build: BuildType,
    plan_wan: i64,
    location: Option<(f64, f64)>,
    unit: String,
    leader: String,
    real: bool,
    truth: MilestonesInput,
    lag: Lag,
    /// Days late, if the project is made late.
    lateness: i64,
    /// Behind on investment although on schedule.
    inv_behind: bool,
    /// Behind on investment if late on a milestone.
    inv_behind_if_late: bool,
    /// Points below the time share when behind on investment.
    gap_pts: i64,
    /// Year-to-date completion as % of the time share when on track.
    pace_pct: i64,
    state: Option<(State, &'static str)>,
}

fn plan_year(year: i32) -> Vec<Plan> {
    let mut taken: HashSet<String> = REAL.iter().map(|r| r.name.to_string()).collect();
    slots(year).into_iter().enumerate().map(|(i, s)| plan_project(year, i + 1, &s, &mut taken)).collect()
}

fn plan_project(year: i32, n: usize, s: &Slot, taken: &mut HashSet<String>) -> Plan {
    let mut rng = Rng::stream(year, PROJECT, n as u64);
    let chain = s.real.map_or_else(|| pick_chain(&mut rng, s), |r| r.chain);
    let zone = match (s.real, s.town) {
        (Some(r), _) => r.zone,
        (None, Some(_)) => None,
        (None, None) => pick_zone(&mut rng, chain),
    };
    let town = match (s.real, s.town) {
        (Some(r), _) => names::town_by_code(r.town),
        (None, Some(t)) => t,
        (None, None) => pick_town(&mut rng, chain, zone),
    };
    let (name, works_unit) = match s.real {
        Some(r) => (r.name.to_string(), Some(r.unit)),
        None => unique_name(&mut rng, taken, chain, town, s.total_wan),
    };
    let company = match s.real {
        Some(r) => r.company.map(str::to_string),
        None => names::company(&mut rng, chain),
    };
    let (unit, leader) = responsibility(&mut rng, s, chain, town, works_unit);
    let location = (s.real.is_none() && rng.chance(40)).then(|| near_seat(&mut rng, town));
    let truth = schedule(&mut rng, year, s, chain);
    let plan_wan = annual_plan(&mut rng, s);
    Plan {
        n,
        name,
        company,
        town,
        zone,
        chain,
        total_wan: s.total_wan,
        levels: s.levels.clone(),
        build: s.build,
        plan_wan,
        location,
        unit,
        leader,
        real: s.real.is_some(),
        truth,
        lag: lag_class(s),
        lateness: lateness_days(&mut rng),
        inv_behind: s.real.is_none() && rng.chance(5),
        inv_behind_if_late: rng.chance(50),
        gap_pts: rng.range(12, 38),
        pace_pct: rng.range(93, 112),
        state: s.state,
    }
}

const ATTRACTED_CHAINS: &[(Chain, u32)] = &[
    (Chain::Chemical, 24),
    (Chain::MachineTool, 20),
    (Chain::Lithium, 18),
    (Chain::Pharma, 12),
    (Chain::Digital, 14),
    (Chain::Logistics, 4),
    (Chain::EnergyEcology, 3),
    (Chain::Agriculture, 3),
    (Chain::CultureTourism, 2),
];
const PROVINCE_CHAINS: &[(Chain, u32)] = &[
    (Chain::Chemical, 25),
    (Chain::Lithium, 12),
    (Chain::MachineTool, 10),
    (Chain::Pharma, 6),
    (Chain::Digital, 10),
    (Chain::EnergyEcology, 15),
    (Chain::Infrastructure, 15),
    (Chain::Logistics, 5),
    (Chain::CultureTourism, 2),
];
const LOCAL_CHAINS: &[(Chain, u32)] = &[
    (Chain::Chemical, 12),
    (Chain::MachineTool, 12),
    (Chain::Lithium, 8),
    (Chain::Pharma, 7),
    (Chain::Digital, 7),
    (Chain::Infrastructure, 12),
    (Chain::Urban, 14),
    (Chain::EnergyEcology, 8),
    (Chain::CultureTourism, 6),
    (Chain::Agriculture, 8),
    (Chain::Logistics, 6),
];

/// Attracted projects are mostly the five chains; key lists also carry public works.
fn pick_chain(rng: &mut Rng, s: &Slot) -> Chain {
    let table = if s.attracted() {
        ATTRACTED_CHAINS
    } else if s.levels.iter().any(|l| matches!(l, ListLevel::ProvinceMajor | ListLevel::ProvinceQuality)) {
        PROVINCE_CHAINS
    } else {
        LOCAL_CHAINS
    };
    let weights: Vec<u32> = table.iter().map(|(_, w)| *w).collect();
    table[rng.weighted(&weights)].0
}

/// Chemical projects sit mostly in the chemical park; a share of the other industrial ones in
/// the development zone.
fn pick_zone(rng: &mut Rng, chain: Chain) -> Option<&'static str> {
    let (zone, percent) = match chain {
        Chain::Chemical => (CHEM_PARK, 70),
        c if c.is_core() => (DEV_ZONE, 35),
        Chain::Logistics => (DEV_ZONE, 20),
        _ => return None,
    };
    rng.chance(percent).then_some(zone)
}

fn pick_town(rng: &mut Rng, chain: Chain, zone: Option<&str>) -> &'static Town {
    match zone {
        Some(CHEM_PARK) => names::town_by_code(names::CHEM_PARK_TOWN),
        Some(_) => {
            let code = *rng.pick(&names::DEV_ZONE_TOWNS);
            names::town_by_code(code)
        }
        None => {
            let weights: Vec<u32> = TOWNS
                .iter()
                .map(|t| match chain {
                    Chain::Agriculture | Chain::CultureTourism => t.rural,
                    Chain::Urban => t.urban,
                    _ => t.industry,
                })
                .collect();
            &TOWNS[rng.weighted(&weights)]
        }
    }
}

/// A generated name not used yet (after a few tries, a later phase of a taken one), and the
/// bureau for public works.
fn unique_name(
    rng: &mut Rng,
    taken: &mut HashSet<String>,
    chain: Chain,
    town: &Town,
    total_wan: i64,
) -> (String, Option<&'static str>) {
    let mut named = names::project_name(rng, chain, town, total_wan);
    for _ in 0..24 {
        if taken.insert(named.name.clone()) {
            return (named.name, named.unit);
        }
        named = names::project_name(rng, chain, town, total_wan);
    }
    let name = (2..)
        .map(|phase| names::with_phase(&named.name, phase))
        .find(|name| taken.insert(name.clone()))
        .unwrap_or(named.name);
    (name, named.unit)
}

/// The unit and leader in charge: the chain's task force or bureau, or (for some local
/// projects) the town.
fn responsibility(
    rng: &mut Rng,
    s: &Slot,
    chain: Chain,
    town: &Town,
    works_unit: Option<&'static str>,
) -> (String, String) {
    if let Some(r) = s.real {
        return (r.unit.to_string(), names::leader(r.unit, None));
    }
    let local = !s.levels.iter().any(|l| matches!(l, ListLevel::ProvinceMajor | ListLevel::ProvinceQuality));
    if local && rng.chance(30) {
        let unit = names::town_unit(town);
        let leader = names::leader(&unit, Some(town));
        (unit, leader)
    } else {
        let unit = works_unit.unwrap_or_else(|| names::chain_unit(chain));
        (unit.to_string(), names::leader(unit, None))
    }
}

/// A point 200 m to 1.5 km from the town's seat, rounded to 6 decimals (~0.1 m). Integer
/// metres and plain division only, so the result is the same on every platform (no libm).
fn near_seat(rng: &mut Rng, town: &Town) -> (f64, f64) {
    const R: i64 = 1_500;
    let (mut dx, mut dy) = (0, 500);
    for _ in 0..64 {
        let (x, y) = (rng.range(-R, R), rng.range(-R, R));
        let r2 = x * x + y * y;
        if (200 * 200..=R * R).contains(&r2) {
            (dx, dy) = (x, y);
            break;
        }
    }
    // Metres per degree at about 35°N.
    let lon = town.seat_lon + dx as f64 / 91_170.0;
    let lat = town.seat_lat + dy as f64 / 110_950.0;
    ((lon * 1e6).round() / 1e6, (lat * 1e6).round() / 1e6)
}

/// Annual plan in whole 万元: a share of the total; preparation entries plan no investment.
fn annual_plan(rng: &mut Rng, s: &Slot) -> i64 {
    let pct = match s.role {
        Role::PreConstruction => return 0,
        _ if s.total_wan >= 500_000 => rng.range(15, 25),
        Role::Continuing => rng.range(20, 50),
        _ => rng.range(15, 40),
    };
    s.total_wan * pct / 100
}

fn lag_class(s: &Slot) -> Lag {
    if s.real.is_some() || s.state.is_some() {
        // Never show a real, named project in a false bad light.
        return Lag::Never;
    }
    match s.role {
        Role::LateStart => Lag::StartOnly,
        Role::Started if s.attracted() => Lag::CompletionOnly,
        Role::Started => Lag::Either,
        Role::Continuing => Lag::CompletionOnly,
        Role::PlannedLater | Role::Idle | Role::PreConstruction => Lag::Never,
    }
}

/// From a few days to several months; about two thirds more than 30 days (red).
fn lateness_days(rng: &mut Rng) -> i64 {
    match rng.weighted(&[20, 35, 30, 15]) {
        0 => rng.range(3, 14),
        1 => rng.range(15, 45),
        2 => rng.range(46, 120),
        _ => rng.range(121, 200),
    }
}

// ---- schedules (the truth, from the year alone) ----------------------------------------------

/// Months in which new starts are planned (Jan..=Nov): the spring groundbreaking campaign
/// (集中开工) makes March the peak.
const START_MONTHS: [u32; 11] = [3, 10, 22, 15, 12, 10, 8, 7, 6, 5, 2];

fn schedule(rng: &mut Rng, year: i32, s: &Slot, chain: Chain) -> MilestonesInput {
    // Roads and schools are completed, not put into production.
    let produces = !matches!(chain, Chain::Infrastructure | Chain::Urban);
    let mut ms = match s.role {
        Role::Started | Role::PlannedLater => new_start(rng, year, s),
        Role::LateStart | Role::Idle => stalled(rng, year),
        Role::Continuing => continuing(rng, year),
        Role::PreConstruction => {
            let land = day_in(rng, year, 4, 8);
            MilestonesInput {
                land: met(rng, land, 10),
                permit: planned(day_in(rng, year + 1, 1, 3)),
                start: planned(day_in(rng, year + 1, 4, 4)),
                ..Default::default()
            }
        }
    };
    finish_schedule(rng, year, &mut ms, s, produces);
    ms
}

fn new_start(rng: &mut Rng, year: i32, s: &Slot) -> MilestonesInput {
    let jan1 = date(year, 1, 1);
    let (start_plan, started) = if s.role == Role::Started {
        let m = 1 + rng.weighted(&START_MONTHS) as u32;
        let last = if m == 11 { 20 } else { 28 };
        (date(year, m, rng.range(1, last) as u32), true)
    } else if rng.chance(50) {
        (some_day(rng, year, 12), false)
    } else {
        (day_in(rng, year + 1, 3, 3), false)
    };
    let signed = s.attracted().then(|| signed_date(rng, year, start_plan));
    let land = rng.chance(80).then(|| {
        let p = shift(start_plan, -rng.range(20, 120));
        signed.map_or(p, |sg| p.max(shift(sg, 10)))
    });
    let permit = shift(start_plan, -rng.range(5, 30));
    let start = if started {
        Some(MilestoneDates { planned: Some(start_plan), actual: Some(shift(start_plan, -rng.range(0, 3)).max(jan1)) })
    } else {
        planned(start_plan)
    };
    MilestonesInput {
        signed: signed.map(|d| MilestoneDates { planned: Some(d), actual: Some(d) }),
        land: land.and_then(|p| met_in_year(rng, year, p, 10)),
        permit: met_in_year(rng, year, permit, 5),
        start,
        ..Default::default()
    }
}

/// Signed 1 to 9 months before the planned start, between last June and this March.
fn signed_date(rng: &mut Rng, year: i32, start_plan: NaiveDate) -> NaiveDate {
    shift(start_plan, -rng.range(30, 270)).clamp(date(year - 1, 6, 1), date(year, 3, 31))
}

/// Signed last year, land perhaps supplied, but no permit and no start.
fn stalled(rng: &mut Rng, year: i32) -> MilestonesInput {
    let signed = day_in(rng, year - 1, 6, 6);
    let land = if rng.chance(60) {
        let p = shift(signed, rng.range(30, 100));
        met(rng, p, 10)
    } else {
        None
    };
    MilestonesInput {
        signed: Some(MilestoneDates { planned: Some(signed), actual: Some(signed) }),
        land,
        start: planned(shift(signed, rng.range(60, 200))),
        ..Default::default()
    }
}

/// Started in one of the two previous years.
fn continuing(rng: &mut Rng, year: i32) -> MilestonesInput {
    let y0 = if rng.chance(40) { year - 2 } else { year - 1 };
    let actual = day_in(rng, y0, 1, 11);
    let land = if rng.chance(80) {
        let p = shift(actual, -rng.range(60, 200));
        met(rng, p, 10)
    } else {
        None
    };
    let permit = shift(actual, -rng.range(5, 40));
    MilestonesInput {
        land,
        permit: met(rng, permit, 5),
        start: Some(MilestoneDates { planned: Some(shift(actual, rng.range(0, 3))), actual: Some(actual) }),
        ..Default::default()
    }
}

/// Construction time in days by size: small plants months, big complexes years.
fn duration_days(rng: &mut Rng, total_wan: i64) -> i64 {
    match total_wan {
        ..10_000 => rng.range(150, 270),
        10_000..50_000 => rng.range(240, 450),
        50_000..100_000 => rng.range(300, 540),
        100_000..500_000 => rng.range(420, 780),
        _ => rng.range(600, 1080),
    }
}

/// Completion and production after the start; actual when due within the year and started.
fn finish_schedule(rng: &mut Rng, year: i32, ms: &mut MilestonesInput, s: &Slot, produces: bool) {
    let Some(start) = ms.start else { return };
    let Some(start_plan) = start.planned else {
        return;
    };
    let completion = match (s.role, start.actual) {
        (Role::Continuing, Some(a)) => continuing_completion(rng, year, a, s.total_wan),
        _ => shift(start_plan, duration_days(rng, s.total_wan)),
    };
    let started = start.actual.is_some();
    ms.completion = if started { met_in_year(rng, year, completion, 15) } else { planned(completion) };
    if produces {
        let p = shift(completion, rng.range(20, 90));
        let completed = ms.completion.is_some_and(|c| c.actual.is_some());
        ms.production = if completed { met_in_year(rng, year, p, 10) } else { planned(p) };
    }
}

/// Continuing projects complete between March this year and the end of next year (big ones
/// later), at least 14 months after their start.
fn continuing_completion(rng: &mut Rng, year: i32, started: NaiveDate, total_wan: i64) -> NaiveDate {
    let drawn = if total_wan >= 500_000 {
        let y = year + 1 + rng.below(2) as i32;
        day_in(rng, y, 1, 12)
    } else {
        let k = rng.below(22) as u32; // Mar this year .. Dec next year
        let (y, m) = if k < 10 { (year, 3 + k) } else { (year + 1, k - 9) };
        some_day(rng, y, m)
    };
    drawn.max(shift(started, 420))
}

// ---- the view as of a date -------------------------------------------------------------------

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Late {
    Start,
    Completion,
}

struct View {
    ms: MilestonesInput,
    late: Option<Late>,
}

fn slots_mut(ms: &mut MilestonesInput) -> [&mut Option<MilestoneDates>; 6] {
    [&mut ms.signed, &mut ms.land, &mut ms.permit, &mut ms.start, &mut ms.completion, &mut ms.production]
}

/// The truth as known on `as_of`: later actual dates have not happened yet. (Actuals are on or
/// before their plan, so nothing becomes late by hiding them.)
fn visible(truth: &MilestonesInput, as_of: NaiveDate) -> MilestonesInput {
    let mut ms = truth.clone();
    for m in slots_mut(&mut ms).into_iter().flatten() {
        if m.actual.is_some_and(|a| a > as_of) {
            m.actual = None;
        }
    }
    ms
}

/// Planned start or completion has passed without the actual date.
fn is_behind(ms: &MilestonesInput, as_of: NaiveDate) -> bool {
    [ms.start, ms.completion].into_iter().flatten().any(|d| d.actual.is_none() && d.planned.is_some_and(|p| p < as_of))
}

/// Make about `BEHIND_PCT` % of the active projects late as of the date: first the attracted
/// projects that are designated late, then others in an order fixed by the year.
fn assign_lateness(year: i32, plans: &[Plan], views: &mut [View], as_of: NaiveDate) {
    let active: Vec<usize> = (0..plans.len()).filter(|&i| plans[i].state.is_none()).collect();
    let target = (active.len() * BEHIND_PCT + 50) / 100;
    let mut behind = active.iter().filter(|&&i| is_behind(&views[i].ms, as_of)).count();
    for &i in active.iter().filter(|&&i| plans[i].lag == Lag::StartOnly) {
        if became_late(&plans[i], &mut views[i], as_of) {
            behind += 1;
        }
    }
    let mut order: Vec<usize> =
        active.iter().copied().filter(|&i| matches!(plans[i].lag, Lag::CompletionOnly | Lag::Either)).collect();
    Rng::stream(year, LAG_ORDER, 0).shuffle(&mut order);
    for i in order {
        if behind >= target {
            break;
        }
        if !is_behind(&views[i].ms, as_of) && became_late(&plans[i], &mut views[i], as_of) {
            behind += 1;
        }
    }
}

/// Make the project late if it can be; true if it was not behind before and is now.
fn became_late(p: &Plan, v: &mut View, as_of: NaiveDate) -> bool {
    let was = is_behind(&v.ms, as_of);
    v.late = make_late(p, &mut v.ms, as_of);
    !was && is_behind(&v.ms, as_of)
}

fn make_late(p: &Plan, ms: &mut MilestonesInput, as_of: NaiveDate) -> Option<Late> {
    let started = ms.start.is_some_and(|d| d.actual.is_some());
    let late = match (p.lag, started) {
        (Lag::StartOnly, _) | (Lag::Either, false) => Late::Start,
        (Lag::CompletionOnly, _) | (Lag::Either, true) => Late::Completion,
        (Lag::Never, _) => return None,
    };
    let done = match late {
        Late::Start => start_late(ms, p.lateness, as_of),
        Late::Completion => completion_late(ms, p.lateness, as_of),
    };
    done.then_some(late)
}

/// Planned start `days` before `as_of` (not before signing + 30 days), nothing started.
fn start_late(ms: &mut MilestonesInput, days: i64, as_of: NaiveDate) -> bool {
    let mut days = days;
    if let Some(signed) = ms.signed {
        let Some(s) = signed.actual else {
            return false; // not even signed yet as of this date
        };
        days = days.min((as_of - shift(s, 30)).num_days());
    }
    if days < 3 {
        return false;
    }
    let start = shift(as_of, -days);
    ms.start = planned(start);
    // Land and permits come before the start: their plans move forward with it (an actual
    // date after the new plan then reads as met late, a missing one as overdue too).
    for (m, lead) in [(&mut ms.land, 30), (&mut ms.permit, 7)] {
        if let Some(d) = m.as_mut() {
            let latest = shift(start, -lead);
            if d.planned.is_some_and(|p| p > latest) {
                d.planned = Some(latest);
            }
        }
    }
    let completion = ms.completion.and_then(|d| d.planned).map_or(shift(start, 180), |c| c.max(shift(start, 180)));
    ms.completion = planned(completion);
    if let Some(p) = ms.production.and_then(|d| d.planned) {
        ms.production = planned(p.max(shift(completion, 30)));
    }
    true
}

/// Planned completion `days` before `as_of`, not completed. Only for projects that were due
/// to complete within about eight months anyway and started at least two months earlier.
fn completion_late(ms: &mut MilestonesInput, days: i64, as_of: NaiveDate) -> bool {
    let Some(started) = ms.start.and_then(|d| d.actual) else {
        return false;
    };
    let Some(c) = ms.completion else {
        return false;
    };
    let Some(c_plan) = c.planned else {
        return false;
    };
    if c.actual.is_some() || c_plan > shift(as_of, 240) {
        return false;
    }
    let days = days.min((as_of - started).num_days() - 60);
    let new_c = shift(as_of, -days);
    if days < 3 || ms.start.and_then(|d| d.planned).is_some_and(|s| s > new_c) {
        return false;
    }
    ms.completion = planned(new_c);
    if let Some(p) = ms.production.and_then(|d| d.planned) {
        let gap = (p - c_plan).num_days().max(0);
        ms.production = planned(shift(new_c, gap));
    }
    true
}

// ---- monthly reports -------------------------------------------------------------------------

/// The last month of `year` with a report as of `as_of` (0: the year has not begun).
fn last_month(year: i32, as_of: NaiveDate) -> u32 {
    match as_of.year().cmp(&year) {
        Ordering::Less => 0,
        Ordering::Equal => as_of.month(),
        Ordering::Greater => 12,
    }
}

fn reports(year: i32, p: &Plan, v: &View, as_of: NaiveDate) -> Vec<MonthlyReport> {
    let through = last_month(year, as_of);
    let withdrawn = matches!(p.state, Some((State::Withdrawn, _)));
    if through == 0 || withdrawn {
        return vec![];
    }
    let mut out = match (v.late, v.ms.start.and_then(|d| d.actual)) {
        (Some(Late::Start), _) => waiting_reports(year, v, through),
        (_, Some(started)) => construction_reports(year, p, v, through, started),
        _ => vec![],
    };
    let laggard = v.late.is_some() || p.inv_behind || p.state.is_some();
    if laggard && !p.real {
        add_problems(year, p, &mut out);
    }
    if p.real {
        for r in &mut out {
            r.note = Some(REAL_NOTE.to_string());
        }
    }
    out
}

fn report(year: i32, month: u32, completed_wan: i64, funds_wan: i64) -> MonthlyReport {
    MonthlyReport {
        period: Period { year, month },
        completed_yuan: Yuan(completed_wan * WAN),
        funds_arrived_yuan: Yuan(funds_wan * WAN),
        note: None,
        problems: vec![],
    }
}

/// A late start still reports monthly (zero investment), so its blocking problem is on record.
fn waiting_reports(year: i32, v: &View, through: u32) -> Vec<MonthlyReport> {
    let from = match v.ms.start.and_then(|d| d.planned) {
        Some(s) if s.year() == year => s.month(),
        _ => 1,
    };
    (from..=through)
        .map(|m| MonthlyReport { note: Some("项目尚未开工".to_string()), ..report(year, m, 0, 0) })
        .collect()
}

/// From the start month (or January) to the as-of month or completion. Year-to-date lands
/// near the time share of the annual plan (on-track projects a little ahead), or 12–38 points
/// below it for laggards. The first month carries what was spent before (land, deposits).
fn construction_reports(year: i32, p: &Plan, v: &View, through: u32, started: NaiveDate) -> Vec<MonthlyReport> {
    let from = match started.year().cmp(&year) {
        Ordering::Less => 1,
        Ordering::Equal => started.month(),
        Ordering::Greater => return vec![],
    };
    let completion = v.ms.completion.and_then(|d| d.actual);
    if completion.is_some_and(|c| c.year() < year) {
        return vec![];
    }
    let done = completion.filter(|c| c.year() == year).map(|c| c.month());
    let to = done.map_or(through, |m| m.min(through));
    if from > to {
        return vec![];
    }
    // Month by which the annual plan is meant to be spent.
    let horizon = done
        .or_else(|| {
            v.ms.completion.and_then(|d| d.planned).filter(|c| c.year() == year && c.month() >= from).map(|c| c.month())
        })
        .unwrap_or(12);
    let suspended = matches!(p.state, Some((State::Suspended, _)));
    let behind = suspended || p.inv_behind || (v.late.is_some() && p.inv_behind_if_late);
    let target = if behind {
        let share = i64::from(to) * 100 / 12;
        p.plan_wan * (share - p.gap_pts.min(share * 4 / 5)) / 100
    } else {
        p.plan_wan * p.pace_pct * i64::from(to.min(horizon)) / (100 * i64::from(horizon))
    };
    let mut rng = Rng::stream(year, REPORTS, p.n as u64);
    let mut weights = Vec::new();
    let mut funds_pct = Vec::new();
    for m in from..=to {
        let lump = if m == from { i64::from(from) } else { 1 };
        let halted = suspended && m + 2 > to;
        let w = rng.range(70, 130) * lump;
        weights.push(if halted { 0 } else { w });
        funds_pct.push(rng.range(60, 120));
    }
    let amounts = split(target, &weights);
    (from..=to)
        .zip(amounts.iter().zip(&funds_pct))
        .map(|(m, (&a, &f))| {
            let mut r = report(year, m, a, a * f / 100);
            if suspended && m + 2 > to {
                r.note = Some("项目暂停建设".to_string());
            } else if m == from && from > 2 {
                r.note = Some("含开工前土地及设备投资".to_string());
            }
            r
        })
        .collect()
}

/// Split `total` in proportion to `weights`, exactly (the remainder goes to the last part
/// with a weight).
fn split(total: i64, weights: &[i64]) -> Vec<i64> {
    let sum: i64 = weights.iter().sum();
    if sum == 0 {
        return vec![0; weights.len()];
    }
    let mut parts: Vec<i64> = weights.iter().map(|w| total * w / sum).collect();
    let rest = total - parts.iter().sum::<i64>();
    if let Some(i) = weights.iter().rposition(|&w| w > 0) {
        parts[i] += rest;
    }
    parts
}

/// One or two blocking problems on the latest report (and the first one on the report before,
/// for projects late more than six weeks).
fn add_problems(year: i32, p: &Plan, out: &mut [MonthlyReport]) {
    let mut rng = Rng::stream(year, PROBLEMS, p.n as u64);
    // Not started: mostly land and approvals; under construction: mostly money and partners.
    let not_started = out.iter().all(|r| r.completed_yuan.0 == 0);
    let weights: [u32; 7] = if not_started { [30, 10, 15, 10, 25, 5, 5] } else { [5, 10, 10, 30, 10, 15, 20] };
    let first = Factor::ALL[rng.weighted(&weights)];
    let mut factors = vec![first];
    if rng.chance(40) {
        let second = Factor::ALL[rng.weighted(&weights)];
        if second != first {
            factors.push(second);
        }
    }
    let problems: Vec<Problem> = factors
        .into_iter()
        .map(|f| {
            let (texts, unit) = names::problem_texts(f);
            Problem {
                factor: f,
                text: rng.pick(texts).to_string(),
                responsible_unit: Some(unit.map_or_else(|| p.unit.clone(), str::to_string)),
            }
        })
        .collect();
    let n = out.len();
    if n >= 2 && p.lateness > 45 {
        out[n - 2].problems = problems[..1].to_vec();
    }
    if let Some(last) = out.last_mut() {
        last.problems = problems;
    }
}

// ---- output ----------------------------------------------------------------------------------

fn finish(year: i32, p: &Plan, v: View, reports: Vec<MonthlyReport>) -> DemoProject {
    let kind = if p.build == BuildType::PreConstruction { ListKind::Preparation } else { ListKind::Implementation };
    let lists = p
        .levels
        .iter()
        .map(|&list| Membership {
            year,
            list,
            kind,
            build_type: p.build,
            annual_plan_yuan: Yuan(p.plan_wan * WAN),
            effective_from: None,
            effective_to: None,
        })
        .collect();
    let input = ProjectInput {
        code: Some(format!("DEMO-{year}-{:04}", p.n)),
        name: p.name.clone(),
        company: p.company.clone(),
        town: p.town.code.to_string(),
        zone: p.zone.map(str::to_string),
        chain: p.chain,
        total_investment_yuan: p.total_wan * WAN,
        location: p.location.map(|(lon, lat)| LocationInput {
            lon,
            lat,
            crs: Crs::Wgs84,
            confirm_outside_county: false,
        }),
        address: None,
        responsible_unit: Some(p.unit.clone()),
        responsible_leader: Some(p.leader.clone()),
        milestones: v.ms,
        lists,
        sample: true,
    };
    DemoProject { input, reports, state: p.state.map(|(s, reason)| (s, reason.to_string())) }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::lists::check_memberships;
    use crate::domain::money::YI;
    use std::collections::{BTreeMap, BTreeSet};

    const YEAR: i32 = 2026;

    fn late() -> NaiveDate {
        date(YEAR, 11, 27)
    }

    fn early() -> NaiveDate {
        date(YEAR, 3, 15)
    }

    fn on(p: &DemoProject, level: ListLevel) -> bool {
        p.input.lists.iter().any(|m| m.list == level)
    }

    fn key_level(p: &DemoProject) -> Option<ListLevel> {
        p.input.lists.iter().map(|m| m.list).find(|l| l.is_key())
    }

    fn started_in_year(p: &DemoProject) -> bool {
        let start = p.input.milestones.start.and_then(|d| d.actual);
        start.is_some_and(|d| d.year() == YEAR)
    }

    fn active(p: &DemoProject) -> bool {
        p.state.is_none()
    }

    fn ytd_wan(p: &DemoProject) -> i64 {
        p.reports.iter().map(|r| r.completed_yuan.0).sum::<i64>() / WAN
    }

    fn plan_wan(p: &DemoProject) -> i64 {
        p.input.lists[0].annual_plan_yuan.0 / WAN
    }

    fn share(n: usize, of: usize) -> f64 {
        n as f64 / of as f64
    }

    #[test]
    fn same_inputs_give_the_same_year() {
        for as_of in [late(), early()] {
            let a = format!("{:?}", demo_year(YEAR, as_of));
            let b = format!("{:?}", demo_year(YEAR, as_of));
            assert_eq!(a, b);
        }
        let other = format!("{:?}", demo_year(YEAR + 1, date(YEAR + 1, 11, 27)));
        assert_ne!(format!("{:?}", demo_year(YEAR, late())), other);
    }

    #[test]
    fn attracted_projects_meet_the_tier_targets() {
        let year = demo_year(YEAR, late());
        let attracted: Vec<&DemoProject> = year.iter().filter(|p| on(p, ListLevel::Attracted)).collect();
        assert!(attracted.len() >= 175, "{}", attracted.len());
        let at_least = |yi: i64| attracted.iter().filter(|p| p.input.total_investment_yuan >= yi * YI).count();
        assert!(at_least(1) >= 160, "{}", at_least(1));
        assert!(at_least(10) >= 40, "{}", at_least(10));
        assert!(at_least(50) >= 10, "{}", at_least(50));
        assert!(at_least(100) >= 5, "{}", at_least(100));
        let below = attracted.len() - at_least(1);
        assert!((5..=15).contains(&below), "{below} below 1亿");
        for p in &attracted {
            let m = p.input.lists.iter().find(|m| m.list == ListLevel::Attracted);
            let m = m.expect("attracted membership");
            assert_eq!(m.kind, ListKind::Implementation);
            assert_eq!(m.build_type, BuildType::NewStart);
            assert!(m.annual_plan_yuan.0 > 0, "{}", p.input.name);
        }
        let core = attracted.iter().filter(|p| p.input.chain.is_core()).count();
        assert!(share(core, attracted.len()) >= 0.8, "{core} core-chain projects");
    }

    #[test]
    fn most_attracted_projects_have_started_by_late_november() {
        let year = demo_year(YEAR, late());
        for (yi, target) in [(1, 160), (10, 40), (50, 10), (100, 5)] {
            let started = year
                .iter()
                .filter(|p| on(p, ListLevel::Attracted) && active(p) && started_in_year(p))
                .filter(|p| p.input.total_investment_yuan >= yi * YI)
                .count();
            let rate = share(started, target);
            assert!((0.8..=0.95).contains(&rate), "≥{yi}亿: {started} of {target}");
        }
        // Early in the year far fewer have started, but the set is the same.
        let spring = demo_year(YEAR, early());
        let started = |y: &[DemoProject]| y.iter().filter(|p| started_in_year(p)).count();
        assert!(started(&spring) < started(&year) / 2);
    }

    #[test]
    fn key_lists_by_level() {
        let year = demo_year(YEAR, late());
        let mut by_level: BTreeMap<ListLevel, usize> = BTreeMap::new();
        for p in &year {
            for m in &p.input.lists {
                assert_eq!(m.year, YEAR);
                *by_level.entry(m.list).or_default() += 1;
            }
            let key = p.input.lists.iter().filter(|m| m.list.is_key()).count();
            assert!(key <= 1, "{} is on {key} key levels", p.input.name);
        }
        let n = |l| by_level.get(&l).copied().unwrap_or(0);
        assert_eq!(n(ListLevel::ProvinceMajor), 20);
        assert_eq!(n(ListLevel::ProvinceQuality), 12);
        assert_eq!(n(ListLevel::Municipal), 32);
        assert_eq!(n(ListLevel::County), 198);
        let key: usize = by_level.iter().filter(|(l, _)| l.is_key()).map(|(_, c)| c).sum();
        assert_eq!(key, 262);
        let overlap = year.iter().filter(|p| on(p, ListLevel::Attracted) && key_level(p).is_some()).count();
        assert!((55..=65).contains(&overlap), "overlap {overlap}");
        assert_eq!(year.len(), n(ListLevel::Attracted) + key - overlap);
    }

    #[test]
    fn key_projects_mix_kinds_build_types_and_chains() {
        let year = demo_year(YEAR, late());
        let key: Vec<(&DemoProject, &Membership)> = year
            .iter()
            .flat_map(|p| p.input.lists.iter().map(move |m| (p, m)))
            .filter(|(_, m)| m.list.is_key())
            .collect();
        let count = |f: &dyn Fn(&Membership) -> bool| key.iter().filter(|(_, m)| f(m)).count();
        let implementation = count(&|m| m.kind == ListKind::Implementation);
        assert!(share(implementation, key.len()) >= 0.9);
        let new = count(&|m| m.build_type == BuildType::NewStart);
        let continuing = count(&|m| m.build_type == BuildType::Continuing);
        let preparing = count(&|m| m.build_type == BuildType::PreConstruction);
        assert!((0.55..=0.65).contains(&share(new, key.len())), "{new}");
        assert!((0.30..=0.40).contains(&share(continuing, key.len())), "{continuing}");
        assert!((0.03..=0.07).contains(&share(preparing, key.len())), "{preparing}");
        for (p, m) in &key {
            let total = p.input.total_investment_yuan;
            let plan = m.annual_plan_yuan.0;
            assert_eq!(plan % WAN, 0, "{}", p.input.name);
            if m.kind == ListKind::Implementation {
                assert!(
                    (total * 15 / 100 - WAN..=total * 60 / 100).contains(&plan),
                    "{}: plan {plan} of {total}",
                    p.input.name
                );
            }
            if m.build_type == BuildType::Continuing {
                let start = p.input.milestones.start.and_then(|d| d.actual);
                let y = start.map(|d| d.year());
                assert!(matches!(y, Some(y) if y == YEAR - 1 || y == YEAR - 2));
            }
        }
        let chains: BTreeSet<Chain> = key.iter().map(|(p, _)| p.input.chain).collect();
        for c in [
            Chain::Chemical,
            Chain::MachineTool,
            Chain::Lithium,
            Chain::Pharma,
            Chain::Digital,
            Chain::Infrastructure,
            Chain::Urban,
            Chain::EnergyEcology,
            Chain::CultureTourism,
            Chain::Agriculture,
            Chain::Logistics,
        ] {
            assert!(chains.contains(&c), "no key project in {c}");
        }
    }

    #[test]
    fn towns_match_the_town_layer_and_are_all_used() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/geodata/towns.csv");
        let csv = std::fs::read_to_string(path).expect("geodata/towns.csv");
        let mut lines = csv.lines();
        let header: Vec<&str> = lines.next().expect("header").split(',').collect();
        let col = |name: &str| header.iter().position(|h| *h == name).expect(name);
        let (code, name, lon, lat) = (col("code"), col("name_zh_hans"), col("seat_lon"), col("seat_lat"));
        let rows: Vec<Vec<&str>> = lines.map(|l| l.split(',').collect()).collect();
        assert_eq!(rows.len(), TOWNS.len());
        for (row, t) in rows.iter().zip(TOWNS.iter()) {
            assert_eq!(row[code], t.code);
            assert_eq!(row[name], t.name);
            assert_eq!(row[lon].parse::<f64>().ok(), Some(t.seat_lon));
            assert_eq!(row[lat].parse::<f64>().ok(), Some(t.seat_lat));
        }
        let year = demo_year(YEAR, late());
        let used: BTreeSet<&str> = year.iter().map(|p| p.input.town.as_str()).collect();
        let all: BTreeSet<&str> = TOWNS.iter().map(|t| t.code).collect();
        assert_eq!(used, all);
        let zoned = year.iter().filter(|p| p.input.zone.is_some()).count();
        assert!((0.25..=0.45).contains(&share(zoned, year.len())), "{zoned} zoned");
        for p in &year {
            if p.input.zone.as_deref() == Some(CHEM_PARK) {
                assert_eq!(p.input.chain, Chain::Chemical);
            }
        }
    }

    #[test]
    fn names_and_codes_are_unique() {
        let year = demo_year(YEAR, late());
        let names: BTreeSet<&str> = year.iter().map(|p| p.input.name.as_str()).collect();
        assert_eq!(names.len(), year.len());
        let codes: BTreeSet<&str> = year.iter().filter_map(|p| p.input.code.as_deref()).collect();
        assert_eq!(codes.len(), year.len());
        assert!(codes.contains("DEMO-2026-0001"));
        assert!(year.iter().all(|p| p.input.sample));
    }

    /// Every rule the app checks on input, for a late and an early as-of date.
    #[test]
    fn everything_passes_the_app_checks() {
        for as_of in [late(), early()] {
            for p in demo_year(YEAR, as_of) {
                let i = &p.input;
                let chars = i.name.chars().count();
                assert!((1..=200).contains(&chars), "{}", i.name);
                assert!(i.total_investment_yuan > 0 && i.total_investment_yuan <= 1_000_000_000_000);
                assert_eq!(i.total_investment_yuan % WAN, 0);
                assert_eq!(i.town.len(), 9);
                check_memberships(&i.lists, Yuan(i.total_investment_yuan)).expect("lists");
                i.milestones.to_milestones(as_of).expect("milestones");
                let ms = &i.milestones;
                for d in [ms.signed, ms.land, ms.permit, ms.start, ms.completion, ms.production].into_iter().flatten() {
                    assert!(d.actual.is_none_or(|a| a <= as_of), "{}", i.name);
                    assert!(d.planned.is_some(), "{}: a milestone without a plan", i.name);
                }
                let mut last = None;
                for r in &p.reports {
                    r.check(as_of).expect("report");
                    assert_eq!(r.period.year, YEAR);
                    assert!(last < Some(r.period), "periods ascending and unique");
                    last = Some(r.period);
                    assert_eq!(r.completed_yuan.0 % WAN, 0);
                    assert_eq!(r.funds_arrived_yuan.0 % WAN, 0);
                    assert!(r.completed_yuan.0 >= 0 && r.funds_arrived_yuan.0 >= 0);
                    assert!(r.problems.len() <= 2);
                    assert!(r.problems.iter().all(|x| !x.text.trim().is_empty()));
                }
                if let Some((s, reason)) = &p.state {
                    assert!(matches!(s, State::Suspended | State::Withdrawn));
                    assert!(!reason.trim().is_empty());
                }
            }
        }
    }

    /// Any as-of date gives valid data, including dates outside the year.
    #[test]
    fn valid_on_any_date() {
        let mut as_of = date(YEAR, 1, 1);
        while as_of <= date(YEAR + 1, 2, 1) {
            let year = demo_year(YEAR, as_of);
            for p in &year {
                let i = &p.input;
                check_memberships(&i.lists, Yuan(i.total_investment_yuan)).expect("lists");
                if let Err(e) = i.milestones.to_milestones(as_of) {
                    panic!("{as_of} {}: {e:?}", i.name);
                }
                for r in &p.reports {
                    r.check(as_of).expect("report");
                }
            }
            let active: Vec<&DemoProject> = year.iter().filter(|p| active(p)).collect();
            let late = active.iter().filter(|p| days_late(p, as_of).is_some()).count();
            if as_of >= date(YEAR, 2, 1) {
                let rate = share(late, active.len());
                assert!((0.10..=0.20).contains(&rate), "{as_of}: {late} late");
            }
            as_of = shift(as_of, 11);
        }
    }

    /// Days late of an active project (start or completion), if behind.
    fn days_late(p: &DemoProject, as_of: NaiveDate) -> Option<i64> {
        let ms = &p.input.milestones;
        [ms.start, ms.completion]
            .into_iter()
            .flatten()
            .filter(|d| d.actual.is_none())
            .filter_map(|d| d.planned)
            .filter(|&pl| pl < as_of)
            .map(|pl| (as_of - pl).num_days())
            .max()
    }

    #[test]
    fn a_realistic_share_is_behind_schedule() {
        for as_of in [late(), early()] {
            let year = demo_year(YEAR, as_of);
            let active: Vec<&DemoProject> = year.iter().filter(|p| active(p)).collect();
            let late: Vec<i64> = active.iter().filter_map(|p| days_late(p, as_of)).collect();
            let rate = share(late.len(), active.len());
            assert!((0.10..=0.20).contains(&rate), "{as_of}: {} of {}", late.len(), active.len());
            let min = late.iter().min().copied().unwrap_or_default();
            let max = late.iter().max().copied().unwrap_or_default();
            assert!(min <= 15, "{as_of}: least late {min} days");
            assert!(max >= 60, "{as_of}: most late {max} days");
        }
    }

    #[test]
    fn states_are_few_and_explained() {
        let year = demo_year(YEAR, late());
        let n = |s: State| year.iter().filter(|p| matches!(&p.state, Some((x, _)) if *x == s)).count();
        assert!((2..=4).contains(&n(State::Suspended)), "{}", n(State::Suspended));
        assert!((1..=2).contains(&n(State::Withdrawn)), "{}", n(State::Withdrawn));
        for p in year.iter().filter(|p| matches!(p.state, Some((State::Withdrawn, _)))) {
            assert!(p.reports.is_empty());
        }
    }

    #[test]
    fn investment_tracks_the_time_share() {
        let as_of = late();
        let time_share = f64::from(as_of.month()) / 12.0;
        let year = demo_year(YEAR, as_of);
        let building: Vec<&DemoProject> = year
            .iter()
            .filter(|p| active(p) && plan_wan(p) > 0 && !p.reports.is_empty())
            .filter(|p| p.input.milestones.start.is_some_and(|d| d.actual.is_some()))
            .collect();
        assert!(building.len() > 250, "{}", building.len());
        let mut ratios: Vec<f64> =
            building.iter().map(|p| ytd_wan(p) as f64 / plan_wan(p) as f64 / time_share).collect();
        ratios.sort_by(f64::total_cmp);
        let median = ratios[ratios.len() / 2];
        assert!((0.95..=1.12).contains(&median), "median {median}");
        let behind = building.iter().filter(|p| (ytd_wan(p) as f64 / plan_wan(p) as f64) < time_share - 0.10).count();
        let rate = share(behind, building.len());
        assert!((0.05..=0.20).contains(&rate), "{behind} of {} behind", building.len());
        for p in &building {
            let funds: i64 = p.reports.iter().map(|r| r.funds_arrived_yuan.0).sum();
            assert!(funds <= ytd_wan(p) * WAN * 12 / 10, "{}", p.input.name);
        }
        // Laggards say why in their latest report.
        let laggards = year
            .iter()
            .filter(|p| active(p) && days_late(p, as_of).is_some() && !p.reports.is_empty())
            .collect::<Vec<_>>();
        assert!(!laggards.is_empty());
        for p in laggards {
            let last = p.reports.last().expect("a report");
            assert!((1..=2).contains(&last.problems.len()), "{}", p.input.name);
        }
    }

    #[test]
    fn early_in_the_year_there_is_less_to_report() {
        let spring = demo_year(YEAR, early());
        let autumn = demo_year(YEAR, late());
        let count = |y: &[DemoProject]| y.iter().map(|p| p.reports.len()).sum::<usize>();
        assert!(count(&spring) * 2 < count(&autumn));
        assert!(spring.iter().flat_map(|p| &p.reports).all(|r| r.period.month <= 3));
        assert!(spring.iter().any(|p| !p.reports.is_empty()));
    }

    #[test]
    fn real_projects_are_present_and_never_shown_as_laggards() {
        let year = demo_year(YEAR, late());
        let find = |name: &str| year.iter().find(|p| p.input.name == name).unwrap_or_else(|| panic!("{name} missing"));
        let lianhong = find("联泓格润新能源材料和生物可降解材料一体化项目");
        assert_eq!(lianhong.input.total_investment_yuan, 125 * YI);
        assert!(on(lianhong, ListLevel::Attracted) && on(lianhong, ListLevel::ProvinceMajor));
        let methanol = find("鲁南化工百万吨甲醇整合项目");
        assert_eq!(key_level(methanol), Some(ListLevel::ProvinceMajor));
        let port = find("滕州港西岗作业区项目");
        assert_eq!(port.input.town, "370481106");
        assert_eq!(key_level(port), Some(ListLevel::Municipal));
        let highway = find("临滕高速公路项目");
        assert_eq!(highway.input.lists[0].build_type, BuildType::Continuing);
        assert_eq!(highway.input.chain, Chain::Infrastructure);
        for p in [lianhong, methanol, port, highway] {
            assert!(p.input.sample && p.state.is_none());
            assert_eq!(days_late(p, late()), None, "{}", p.input.name);
            assert!(p.reports.iter().all(|r| r.problems.is_empty()));
            assert!(p.reports.iter().all(|r| r.note.as_deref() == Some(REAL_NOTE)));
        }
    }

    #[test]
    fn exact_locations_lie_inside_the_county() {
        use ::geo::Contains;
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/geodata/tengzhou-county.geojson");
        let text = std::fs::read_to_string(path).expect("county outline");
        let gj: geojson::GeoJson = text.parse().expect("GeoJSON");
        let fc = geojson::FeatureCollection::try_from(gj).expect("a FeatureCollection");
        let geometry = fc.features.into_iter().next().and_then(|f| f.geometry);
        let county = ::geo::Geometry::<f64>::try_from(geometry.expect("a geometry").value).expect("a polygon");
        let year = demo_year(YEAR, late());
        let mut exact = 0;
        for p in &year {
            let Some(loc) = p.input.location else {
                continue;
            };
            exact += 1;
            assert_eq!(loc.crs, Crs::Wgs84);
            assert!(!loc.confirm_outside_county);
            assert!(county.contains(&::geo::Point::new(loc.lon, loc.lat)), "{}", p.input.name);
            let town = names::town_by_code(&p.input.town);
            let dx = (loc.lon - town.seat_lon) * 91_170.0;
            let dy = (loc.lat - town.seat_lat) * 110_950.0;
            assert!((dx * dx + dy * dy).sqrt() <= 1_501.0, "{}", p.input.name);
        }
        assert!((0.3..=0.5).contains(&share(exact, year.len())), "{exact} exact");
    }
}
