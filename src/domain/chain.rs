//! Industry chains (产业链). The five "化机锂医数" chains come first.

use crate::code_enum;

code_enum! {
    pub enum Chain {
        Chemical = ("chemical", "化工和新材料"),
        MachineTool = ("machine_tool", "机床和高端装备"),
        Lithium = ("lithium", "锂电和新能源"),
        Pharma = ("pharma", "新医药和医养健康"),
        Digital = ("digital", "数字经济和新一代信息技术"),
        CultureTourism = ("culture_tourism", "文化旅游"),
        Agriculture = ("agriculture", "现代农业"),
        Logistics = ("logistics", "现代物流商贸"),
        Infrastructure = ("infrastructure", "基础设施"),
        Urban = ("urban", "城市更新与民生"),
        EnergyEcology = ("energy_ecology", "能源生态"),
        Other = ("other", "其他"),
    }
}

impl Chain {
    /// One of the five chains the county's plan is built on (化机锂医数).
    pub fn is_core(self) -> bool {
        matches!(self, Chain::Chemical | Chain::MachineTool | Chain::Lithium | Chain::Pharma | Chain::Digital)
    }

    /// A chain named the way ledgers name it: the code, the full label, or a short form
    /// (化工, 机床, 锂电, 医药, 数字, 新能源 …), simplified or traditional.
    pub fn from_name(name: &str) -> Option<Chain> {
        let n = name.trim();
        if let Some(c) = Chain::parse(n) {
            return Some(c);
        }
        if let Some(c) = Chain::ALL.iter().find(|c| c.label_zh() == n) {
            return Some(*c);
        }
        const KEYWORDS: &[(&str, Chain)] = &[
            ("化工", Chain::Chemical),
            ("新材料", Chain::Chemical),
            ("機床", Chain::MachineTool),
            ("机床", Chain::MachineTool),
            ("装备", Chain::MachineTool),
            ("裝備", Chain::MachineTool),
            ("锂", Chain::Lithium),
            ("鋰", Chain::Lithium),
            ("新能源", Chain::Lithium),
            ("医", Chain::Pharma),
            ("醫", Chain::Pharma),
            ("数字", Chain::Digital),
            ("數字", Chain::Digital),
            ("信息", Chain::Digital),
            ("文旅", Chain::CultureTourism),
            ("旅游", Chain::CultureTourism),
            ("农业", Chain::Agriculture),
            ("農業", Chain::Agriculture),
            ("物流", Chain::Logistics),
            ("商贸", Chain::Logistics),
            ("基础设施", Chain::Infrastructure),
            ("基礎設施", Chain::Infrastructure),
            ("交通", Chain::Infrastructure),
            ("城市更新", Chain::Urban),
            ("民生", Chain::Urban),
            ("能源", Chain::EnergyEcology),
            ("生态", Chain::EnergyEcology),
            ("生態", Chain::EnergyEcology),
            ("其他", Chain::Other),
        ];
        KEYWORDS.iter().find(|(k, _)| n.contains(k)).map(|(_, c)| *c)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn five_core_chains() {
        assert_eq!(Chain::ALL.iter().filter(|c| c.is_core()).count(), 5);
        assert_eq!(Chain::ALL.len(), 12);
    }

    #[test]
    fn names_as_ledgers_write_them() {
        assert_eq!(Chain::from_name("化工"), Some(Chain::Chemical));
        assert_eq!(Chain::from_name("机床和高端装备"), Some(Chain::MachineTool));
        assert_eq!(Chain::from_name("鋰電"), Some(Chain::Lithium));
        assert_eq!(Chain::from_name("新医药"), Some(Chain::Pharma));
        assert_eq!(Chain::from_name("digital"), Some(Chain::Digital));
        assert_eq!(Chain::from_name("数字经济"), Some(Chain::Digital));
        assert_eq!(Chain::from_name("新能源"), Some(Chain::Lithium));
        assert_eq!(Chain::from_name("能源生态"), Some(Chain::EnergyEcology));
        assert_eq!(Chain::from_name("航天"), None);
    }

    #[test]
    fn serde_uses_codes_and_rejects_unknown_with_both_languages() {
        assert_eq!(serde_json::to_string(&Chain::MachineTool).ok(), Some("\"machine_tool\"".into()));
        let err = serde_json::from_str::<Chain>("\"steel\"").err().map(|e| e.to_string()).unwrap_or_default();
        assert!(err.contains("未知的取值") && err.contains("unknown value"), "{err}");
    }
}
