//! Word lists for the demo year: towns, project names, companies, responsible units, problem
//! texts. Everything here is invented or generic; the few real project names live in `mod.rs`.

use super::Rng;
use crate::domain::chain::Chain;
use crate::domain::report::Factor;

/// A town of the county (from `geodata/towns.csv`), with how likely each kind of project is
/// to be placed there.
pub(super) struct Town {
    pub code: &'static str,
    pub name: &'static str,
    pub seat_lon: f64,
    pub seat_lat: f64,
    /// Weight for industrial projects (the five chains, logistics, energy).
    pub industry: u32,
    /// Weight for agriculture and culture/tourism.
    pub rural: u32,
    /// Weight for urban renewal and public services.
    pub urban: u32,
}

const fn town(code: &'static str, name: &'static str, seat: (f64, f64), weights: (u32, u32, u32)) -> Town {
    Town { code, name, seat_lon: seat.0, seat_lat: seat.1, industry: weights.0, rural: weights.1, urban: weights.2 }
}

/// The 21 towns and subdistricts; seats as in `geodata/towns.csv` (a test keeps them equal).
pub(super) static TOWNS: [Town; 21] = [
    town("370481001", "荆河街道", (117.157768, 35.079181), (1, 0, 4)),
    town("370481002", "龙泉街道", (117.18879, 35.063778), (3, 0, 4)),
    town("370481003", "北辛街道", (117.158828, 35.080448), (1, 0, 4)),
    town("370481004", "善南街道", (117.172514, 35.065157), (3, 0, 4)),
    town("370481005", "东沙河街道", (117.251415, 35.088841), (3, 1, 3)),
    town("370481101", "洪绪镇", (117.12596, 35.048343), (3, 1, 1)),
    town("370481102", "南沙河镇", (117.182055, 35.008261), (2, 2, 1)),
    town("370481103", "大坞镇", (116.989073, 35.123251), (2, 2, 1)),
    town("370481104", "滨湖镇", (116.899676, 35.135243), (1, 4, 1)),
    town("370481105", "级索镇", (117.010328, 35.027849), (3, 2, 1)),
    town("370481106", "西岗镇", (117.021731, 34.975886), (2, 2, 1)),
    town("370481107", "姜屯镇", (117.071803, 35.094053), (2, 2, 1)),
    town("370481108", "鲍沟镇", (117.155812, 35.0017), (2, 2, 1)),
    town("370481109", "张汪镇", (117.165416, 34.903502), (2, 2, 1)),
    town("370481110", "官桥镇", (117.210348, 34.925798), (3, 1, 1)),
    town("370481111", "柴胡店镇", (117.226937, 34.88525), (2, 2, 1)),
    town("370481112", "羊庄镇", (117.312233, 34.955521), (1, 3, 1)),
    town("370481113", "木石镇", (117.263806, 34.98437), (3, 1, 1)),
    town("370481114", "界河镇", (117.058838, 35.208944), (2, 2, 1)),
    town("370481115", "龙阳镇", (117.167365, 35.157838), (3, 2, 1)),
    town("370481116", "东郭镇", (117.255707, 35.186632), (2, 3, 1)),
];

pub(super) const CHEM_PARK: &str = "鲁南高科技化工园区";
pub(super) const DEV_ZONE: &str = "滕州经济开发区";
/// The chemical park's projects are placed in 木石镇; the development zone's in these.
pub(super) const CHEM_PARK_TOWN: &str = "370481113";
pub(super) const DEV_ZONE_TOWNS: [&str; 3] = ["370481002", "370481004", "370481005"];

pub(super) fn town_by_code(code: &str) -> &'static Town {
    TOWNS.iter().find(|t| t.code == code).unwrap_or(&TOWNS[0])
}

/// A town name as used inside a project name or unit: the full name (`西岗镇`).
fn is_subdistrict(t: &Town) -> bool {
    t.name.ends_with("街道")
}

// ---- project names ---------------------------------------------------------------------

const CHEM: &[&str] = &[
    "聚碳酸酯",
    "己内酰胺",
    "尼龙6切片",
    "特种尼龙",
    "乙二醇",
    "碳酸二甲酯",
    "电子级双氧水",
    "电子级硫酸",
    "高端聚烯烃",
    "聚甲醛",
    "醋酸乙烯",
    "甲基丙烯酸甲酯",
    "乙醇胺",
    "聚乳酸",
    "PBAT可降解材料",
    "环氧树脂",
    "高性能碳纤维",
    "芳纶",
    "精细化学品",
    "电子化学品",
    "聚氨酯新材料",
    "特种工程塑料",
    "有机硅新材料",
    "水性涂料",
    "生物基材料",
    "高纯电子气体",
    "聚苯硫醚",
    "甲醇下游新材料",
];
const MACHINE: &[&str] = &[
    "数控机床",
    "五轴联动加工中心",
    "高精度数控车床",
    "立式加工中心",
    "龙门加工中心",
    "精密数控磨床",
    "卧式镗铣床",
    "数控系统",
    "滚珠丝杠",
    "直线导轨",
    "机床铸件",
    "精密电主轴",
    "智能焊接机器人",
    "工业机器人",
    "激光切割设备",
    "数控折弯机",
    "精密刀具",
    "高端轴承",
    "液压元件",
    "智能农机装备",
    "矿山智能装备",
    "新能源汽车零部件",
    "精密齿轮箱",
    "智能仓储装备",
    "精密模具",
];
const LI_MATERIALS: &[&str] = &[
    "锂电池负极材料",
    "锂电池正极材料",
    "磷酸铁锂",
    "磷酸锰铁锂",
    "锂电池电解液",
    "锂电池隔膜",
    "锂电铜箔",
    "硅碳负极材料",
    "钠离子电池正极材料",
    "负极石墨化",
];
const LI_CELLS: &[&str] = &["储能电池", "动力电池", "钠离子电池", "储能系统集成", "电池模组及Pack", "半固态电池"];
const LI_LINES: &[&str] =
    &["锂电池结构件", "光伏组件", "光伏电池片", "氢燃料电池系统", "废旧锂电池回收利用", "充换电设备", "储能变流器"];
const PHARMA_BULK: &[&str] = &["原料药", "医药中间体", "维生素", "氨基酸", "植物提取物", "兽用原料药"];
const PHARMA: &[&str] = &[
    "生物制剂",
    "医用敷料",
    "体外诊断试剂",
    "高端医疗器械",
    "一次性医用耗材",
    "中药饮片",
    "中药配方颗粒",
    "口服固体制剂",
    "无菌注射剂",
    "医用防护用品",
    "康复辅具",
    "特医食品",
];
const HEALTH_PLACES: &[&str] = &["医养结合康养中心", "中医药健康产业园", "康复医院"];
const DIGITAL: &[&str] = &[
    "大数据中心",
    "智算中心",
    "智能传感器",
    "半导体封装测试",
    "功率半导体器件",
    "电子元器件",
    "5G通信模组",
    "光通信器件",
    "印制电路板",
    "柔性线路板",
    "智能终端",
    "服务器整机",
    "工业互联网平台",
    "软件和信息服务产业园",
    "LED显示模组",
    "新型显示材料",
    "电子信息产业园",
    "北斗导航应用",
    "智能安防设备",
];
/// Public works and who builds them.
const INFRA: &[(&str, &str)] = &[
    ("道路提升改造", "市交通运输局"),
    ("农村公路提质", "市交通运输局"),
    ("桥梁改建", "市交通运输局"),
    ("污水处理厂扩建", "市住房和城乡建设局"),
    ("雨污分流改造", "市住房和城乡建设局"),
    ("供热管网延伸", "市住房和城乡建设局"),
    ("天然气管网", "市住房和城乡建设局"),
    ("综合管廊", "市住房和城乡建设局"),
    ("供水管网改造", "市水务局"),
    ("河道综合治理", "市水务局"),
    ("城乡供水一体化", "市水务局"),
    ("排涝泵站", "市水务局"),
    ("110千伏变电站", "市发展改革局"),
    ("220千伏输变电", "市发展改革局"),
];
const URBAN: &[(&str, &str)] = &[
    ("老旧小区改造", "市住房和城乡建设局"),
    ("城中村改造", "市住房和城乡建设局"),
    ("保障性租赁住房", "市住房和城乡建设局"),
    ("棚户区改造", "市住房和城乡建设局"),
    ("城市更新片区", "市住房和城乡建设局"),
    ("背街小巷整治", "市住房和城乡建设局"),
    ("公共停车场", "市住房和城乡建设局"),
    ("中学新建", "市教育和体育局"),
    ("小学扩建", "市教育和体育局"),
    ("幼儿园建设", "市教育和体育局"),
    ("全民健身中心", "市教育和体育局"),
    ("社区卫生服务中心", "市卫生健康局"),
    ("养老服务中心", "市民政局"),
    ("农贸市场改造", "市商务局"),
];
const ENERGY_MW: &[&str] = &["分布式光伏", "农光互补光伏", "渔光互补光伏", "风电", "储能电站"];
const ECOLOGY: &[(&str, &str)] = &[
    ("生物质热电联产", "市发展改革局"),
    ("工业余热利用", "市发展改革局"),
    ("固废综合利用", "枣庄市生态环境局滕州分局"),
    ("土壤污染治理", "枣庄市生态环境局滕州分局"),
    ("生活垃圾焚烧发电", "市住房和城乡建设局"),
    ("污泥无害化处置", "市住房和城乡建设局"),
    ("建筑垃圾资源化利用", "市住房和城乡建设局"),
    ("矿山生态修复", "市自然资源局"),
    ("湿地保护修复", "市自然资源局"),
    ("采煤塌陷地综合治理", "市自然资源局"),
];
const TOURISM: &[&str] = &[
    "乡村旅游示范区",
    "研学旅行基地",
    "文创产业园",
    "精品民宿集群",
    "田园综合体",
    "湿地生态旅游",
    "古村落保护利用",
    "非遗文化街区",
    "露营度假基地",
    "农文旅融合示范区",
    "墨子文化研学基地",
    "鲁班文化创意园",
];
const AGRI_PLANT: &[&str] = &["马铃薯精深加工", "果蔬冷链加工", "预制菜", "饲料", "面粉加工", "食用菌", "花生深加工"];
const AGRI: &[&str] = &[
    "高标准农田建设",
    "智慧农业产业园",
    "马铃薯种薯繁育基地",
    "设施蔬菜基地",
    "现代化生猪养殖",
    "蛋鸡标准化养殖",
    "粮食仓储",
    "农产品加工园",
];
const LOGISTICS: &[&str] = &[
    "冷链物流园",
    "公铁联运物流园",
    "电商产业园",
    "商贸物流城",
    "智慧仓储配送中心",
    "农产品批发市场",
    "汽车商贸城",
    "快递分拨中心",
    "供应链服务中心",
    "大宗商品交易中心",
];

const TONS: &[i64] = &[2, 3, 5, 6, 8, 10, 12, 15, 20, 30, 40, 50, 60, 100];
const LI_TONS: &[i64] = &[1, 2, 3, 5, 6, 10, 15, 20, 30];
const AGRI_TONS: &[i64] = &[1, 2, 3, 5, 8, 10, 20, 30];
const UNITS: &[i64] = &[200, 300, 500, 800, 1000, 1500, 2000, 3000, 5000, 10000];
const GWH: &[i64] = &[1, 2, 3, 5, 6, 8, 10, 20];
const PHARMA_TONS: &[i64] = &[50, 100, 200, 300, 500, 1000, 2000];
const MEGAWATTS: &[i64] = &[10, 20, 30, 50, 80, 100, 200];

/// A generated project name, and for public works the bureau that builds it.
pub(super) struct Named {
    pub name: String,
    pub unit: Option<&'static str>,
}

/// A capacity that fits the investment: the lower, middle or upper part of `xs` for projects
/// below 1亿, below 10亿 and above (so no 100万吨 plant for 1亿元).
fn sized(rng: &mut Rng, xs: &[i64], total_wan: i64) -> i64 {
    let level = match total_wan {
        ..10_000 => 0,
        10_000..100_000 => 1,
        _ => 2,
    };
    let n = xs.len();
    let lo = level * n / 3;
    let hi = ((level + 1) * n / 3).max(lo + 1);
    *rng.pick(&xs[lo..hi])
}

/// A plausible project name for the chain; `town` appears in names of local projects. Each
/// chain's names come from its own function; the demo year is fixed forever, so each of them
/// draws from `rng` in exactly the order it always has.
pub(super) fn project_name(rng: &mut Rng, chain: Chain, town: &Town, total_wan: i64) -> Named {
    let t = town.name;
    let plain = |name: String| Named { name, unit: None };
    match chain {
        Chain::Chemical => plain(chemical_name(rng, total_wan)),
        Chain::MachineTool => plain(machine_tool_name(rng, total_wan)),
        Chain::Lithium => plain(lithium_name(rng, total_wan)),
        Chain::Pharma => plain(pharma_name(rng, t, total_wan)),
        Chain::Digital => plain(digital_name(rng)),
        Chain::Infrastructure => infrastructure_name(rng, t),
        Chain::Urban => {
            let &(p, unit) = rng.pick(URBAN);
            Named { name: format!("{t}{p}项目"), unit: Some(unit) }
        }
        Chain::EnergyEcology => energy_ecology_name(rng, t, total_wan),
        Chain::CultureTourism => plain(format!("{t}{}项目", rng.pick(TOURISM))),
        Chain::Agriculture => plain(agriculture_name(rng, t, total_wan)),
        Chain::Logistics => plain(if rng.chance(50) {
            format!("滕州{}项目", rng.pick(LOGISTICS))
        } else {
            format!("{t}{}项目", rng.pick(LOGISTICS))
        }),
        Chain::Other => plain(format!("{t}综合开发项目")),
    }
}

/// A chemical plant: a yearly capacity in 万吨, an integrated complex, or a revamp.
fn chemical_name(rng: &mut Rng, total_wan: i64) -> String {
    let p = rng.pick(CHEM);
    let tons = sized(rng, TONS, total_wan);
    match rng.below(4) {
        0 | 1 => format!("年产{tons}万吨{p}项目"),
        2 => format!("{p}一体化项目"),
        _ => format!("{tons}万吨/年{p}装置技术改造项目"),
    }
}

/// A machine-tool plant: a yearly output in 台（套）, smart manufacturing, a base, a workshop.
fn machine_tool_name(rng: &mut Rng, total_wan: i64) -> String {
    let p = rng.pick(MACHINE);
    let units = sized(rng, UNITS, total_wan);
    match rng.below(5) {
        0 | 1 => format!("年产{units}台（套）{p}项目"),
        2 => format!("{p}智能制造项目"),
        3 => format!("{p}生产基地建设项目"),
        _ => format!("{p}数字化车间改造项目"),
    }
}

/// A lithium or new-energy project: materials in 万吨, cells in GWh, or a production line.
fn lithium_name(rng: &mut Rng, total_wan: i64) -> String {
    match rng.below(3) {
        0 => {
            let tons = sized(rng, LI_TONS, total_wan);
            format!("年产{tons}万吨高端{}项目", rng.pick(LI_MATERIALS))
        }
        1 => {
            let gwh = sized(rng, GWH, total_wan);
            format!("{gwh}GWh{}项目", rng.pick(LI_CELLS))
        }
        _ => format!("{}生产线项目", rng.pick(LI_LINES)),
    }
}

/// A pharmaceutical plant (bulk products in 吨, products, a base) or a health facility in `town`.
fn pharma_name(rng: &mut Rng, town: &str, total_wan: i64) -> String {
    match rng.below(4) {
        0 => {
            let tons = sized(rng, PHARMA_TONS, total_wan);
            format!("年产{tons}吨{}项目", rng.pick(PHARMA_BULK))
        }
        1 => format!("{}产业化项目", rng.pick(PHARMA)),
        2 => format!("{}生产基地项目", rng.pick(PHARMA)),
        _ => format!("{town}{}项目", rng.pick(HEALTH_PLACES)),
    }
}

/// A digital-economy project; parks and centres are the county's (滕州…), not a town's.
fn digital_name(rng: &mut Rng) -> String {
    let p = rng.pick(DIGITAL);
    if p.ends_with("产业园") || p.ends_with("中心") {
        format!("滕州{p}项目")
    } else {
        match rng.below(3) {
            0 => format!("{p}项目"),
            1 => format!("{p}生产线建设项目"),
            _ => format!("{p}产业园项目"),
        }
    }
}

/// Public works in `town`, with the bureau that builds them.
fn infrastructure_name(rng: &mut Rng, town: &str) -> Named {
    let &(mut p, unit) = rng.pick(INFRA);
    if p == "农村公路提质" && town.ends_with("街道") {
        p = "道路提升改造"; // no rural roads in the city's subdistricts
    }
    Named { name: format!("{town}{p}工程"), unit: Some(unit) }
}

/// A power plant sized in 兆瓦 (built for the development bureau) or an ecology project.
fn energy_ecology_name(rng: &mut Rng, town: &str, total_wan: i64) -> Named {
    if rng.chance(45) {
        let mw = sized(rng, MEGAWATTS, total_wan);
        Named { name: format!("{town}{mw}兆瓦{}项目", rng.pick(ENERGY_MW)), unit: Some("市发展改革局") }
    } else {
        let &(p, unit) = rng.pick(ECOLOGY);
        Named { name: format!("{town}{p}项目"), unit: Some(unit) }
    }
}

/// A processing plant in 万吨, or a farming project in `town`.
fn agriculture_name(rng: &mut Rng, town: &str, total_wan: i64) -> String {
    if rng.chance(50) {
        let tons = sized(rng, AGRI_TONS, total_wan);
        format!("年产{tons}万吨{}项目", rng.pick(AGRI_PLANT))
    } else {
        format!("{town}{}项目", rng.pick(AGRI))
    }
}

/// The same name with a phase (`…（二期）项目`), used when a generated name is taken.
pub(super) fn with_phase(name: &str, phase: usize) -> String {
    const NUMERALS: [&str; 8] = ["二", "三", "四", "五", "六", "七", "八", "九"];
    let n = NUMERALS.get(phase.wrapping_sub(2)).map_or_else(|| phase.to_string(), |s| (*s).to_string());
    match name.strip_suffix("项目") {
        Some(stem) => format!("{stem}（{n}期）项目"),
        None => format!("{name}（{n}期）"),
    }
}

// ---- companies -------------------------------------------------------------------------

/// Invented trade names (字号), deliberately generic.
const BRANDS: &[&str] = &[
    "鼎盛", "鑫源", "瑞丰", "金正", "润泽", "博远", "汇智", "恒通", "泰和", "昌盛", "嘉禾", "宇恒", "弘远", "凯瑞",
    "诚泰", "德昌", "永固", "天睿", "中晟", "远航", "丰源", "盛隆", "金宇", "华盈", "亿通", "联诚", "腾飞", "鲁晟",
    "滕鑫", "善国", "荆泉", "墨韵", "湖畔", "岳达", "广润", "翔宇", "沃丰", "益康", "智联", "科达",
];

fn industry_words(chain: Chain) -> &'static [&'static str] {
    match chain {
        Chain::Chemical => &["化工", "新材料", "化学", "精细化工"],
        Chain::MachineTool => &["机床", "数控机床", "精密机械", "智能装备", "重工"],
        Chain::Lithium => &["新能源", "锂电科技", "储能科技", "新能源材料"],
        Chain::Pharma => &["药业", "生物科技", "医疗器械", "制药"],
        Chain::Digital => &["电子科技", "信息技术", "数字科技", "半导体"],
        Chain::Logistics => &["物流", "供应链管理", "商贸"],
        Chain::Agriculture => &["农业科技", "食品", "农业发展"],
        Chain::CultureTourism => &["文化旅游发展", "文旅"],
        Chain::EnergyEcology => &["新能源", "环保科技", "能源"],
        Chain::Infrastructure | Chain::Urban | Chain::Other => &[],
    }
}

/// A company for an enterprise project; public works (roads, schools) have none.
pub(super) fn company(rng: &mut Rng, chain: Chain) -> Option<String> {
    let words = industry_words(chain);
    if words.is_empty() {
        return None;
    }
    let brand = rng.pick(BRANDS);
    let word = rng.pick(words);
    Some(match rng.below(4) {
        0 => format!("{brand}（山东）{word}有限公司"),
        1 => format!("滕州{brand}{word}有限公司"),
        2 => format!("枣庄{brand}{word}有限公司"),
        _ => format!("山东{brand}{word}有限公司"),
    })
}

// ---- responsibility --------------------------------------------------------------------

/// The unit that answers for a project of the chain (task forces for the five chains); public
/// works name their bureau with the project (`Named::unit`).
pub(super) fn chain_unit(chain: Chain) -> &'static str {
    match chain {
        Chain::Chemical => "市化工产业专班",
        Chain::MachineTool => "市机床产业专班",
        Chain::Lithium => "市锂电产业专班",
        Chain::Pharma => "市医药产业专班",
        Chain::Digital => "市数字经济专班",
        Chain::Infrastructure => "市交通运输局",
        Chain::Urban => "市住房和城乡建设局",
        Chain::CultureTourism => "市文化和旅游局",
        Chain::Agriculture => "市农业农村局",
        Chain::Logistics => "市商务局",
        Chain::EnergyEcology | Chain::Other => "市发展改革局",
    }
}

/// The town's government as a responsible unit.
pub(super) fn town_unit(town: &Town) -> String {
    if is_subdistrict(town) { format!("{}办事处", town.name) } else { format!("{}人民政府", town.name) }
}

/// City leaders who take charge of projects (包保领导); 某 stands in for the name.
const LEADERS: &[&str] = &[
    "市委常委、常务副市长 王某",
    "市委常委、副市长 李某",
    "副市长 张某",
    "副市长 刘某",
    "副市长 陈某",
    "副市长 杨某",
    "市人大常委会副主任 赵某",
    "市政协副主席 孙某",
];
const SURNAMES: &[&str] = &["周", "吴", "徐", "马", "朱", "胡", "郭", "何", "高", "林"];

/// The leader in charge: a fixed city leader per unit (each task force has one), or the
/// town's party secretary for projects a town answers for.
pub(super) fn leader(unit: &str, town: Option<&Town>) -> String {
    let h = fnv1a(unit.as_bytes());
    match town {
        Some(t) => {
            let title = if is_subdistrict(t) { "党工委书记" } else { "党委书记" };
            let surname = SURNAMES[(h % SURNAMES.len() as u64) as usize];
            format!("{}{title} {surname}某", t.name)
        }
        None => LEADERS[(h % LEADERS.len() as u64) as usize].to_string(),
    }
}

/// FNV-1a: a stable hash (std's hasher is not guaranteed to stay the same across versions).
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, b| (h ^ u64::from(*b)).wrapping_mul(0x0000_0100_0000_01b3))
}

// ---- problems and state reasons --------------------------------------------------------

/// Short problem texts as they appear in bulletins, and the unit that usually solves them
/// (`None`: the project's own responsible unit).
pub(super) fn problem_texts(f: Factor) -> (&'static [&'static str], Option<&'static str>) {
    match f {
        Factor::Land => (
            &["用地指标尚未落实", "土地征收补偿未完成", "土地组卷报批进度慢", "项目用地规划调整未完成"],
            Some("市自然资源局"),
        ),
        Factor::Energy => (&["能耗指标待调剂", "节能审查意见未取得", "用能权交易未完成"], Some("市发展改革局")),
        Factor::Environment => {
            (&["环评批复待取得", "排污许可证办理中", "环境影响报告书编制滞后"], Some("枣庄市生态环境局滕州分局"))
        }
        Factor::Funds => {
            (&["项目资金到位不足", "银行贷款审批进度慢", "企业自筹资金紧张", "融资方案尚未确定"], Some("市财政局"))
        }
        Factor::Permits => (
            &["施工许可手续办理中", "规划许可待审批", "安全评价手续未完成", "初步设计待批复"],
            Some("市行政审批服务局"),
        ),
        Factor::Partner => (&["合作方投资意向调整", "设备供应商交付延迟", "合作协议条款尚在协商"], None),
        Factor::Other => (&["设计方案调整", "电力接入工程未完成", "施工队伍进场不足", "雨季施工受影响"], None),
    }
}

pub(super) const SUSPEND_REASONS: &[&str] =
    &["企业资金链紧张，项目暂缓建设", "产品市场行情变化，企业调整投资节奏", "环保督察问题整改，暂停施工"];
pub(super) const WITHDRAW_REASONS: &[&str] = &["合作方调整投资计划，项目终止", "企业战略调整，终止在滕投资"];
