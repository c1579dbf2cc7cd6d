//! The weekly laggard list as CSV for Excel/WPS: UTF-8 with a BOM (without it Excel reads
//! the file as GBK and the Chinese turns to mojibake), CRLF line ends, RFC 4180 quoting.

use super::{Cell, laggard_table};
use crate::report::weekly::WeeklyReport;

const BOM: &str = "\u{FEFF}";

/// The laggard sheet's columns and rows as CSV bytes.
pub fn weekly_csv(r: &WeeklyReport) -> Vec<u8> {
    let table = laggard_table(r);
    let mut out = String::from(BOM);
    push_record(&mut out, table.headers.iter().map(|h| h.to_string()));
    for row in &table.rows {
        push_record(&mut out, row.iter().map(Cell::text));
    }
    out.into_bytes()
}

/// Every field is defused, our own numbers included: a plain number passes unchanged.
fn push_record(out: &mut String, fields: impl Iterator<Item = String>) {
    let fields: Vec<String> = fields.map(|f| quote(&defuse(&f))).collect();
    out.push_str(&fields.join(","));
    out.push_str("\r\n");
}

/// CSV injection: Excel runs a cell starting with `=`, `+`, `-` or `@` (and tab or CR, per
/// OWASP) as a formula. A leading `'` makes it text. Plain numbers such as `-3.5` stay numbers.
fn defuse(s: &str) -> String {
    let risky = s.starts_with(['=', '+', '-', '@', '\t', '\r']);
    if risky && !is_plain_number(s) { format!("'{s}") } else { s.to_string() }
}

/// An optional sign, digits, and optionally a point and more digits: `-3.5`, `+12`, `100`.
fn is_plain_number(s: &str) -> bool {
    let unsigned = s.strip_prefix(['+', '-']).unwrap_or(s);
    let (int, frac) = unsigned.split_once('.').unwrap_or((unsigned, ""));
    let digits = |p: &str| p.chars().all(|c| c.is_ascii_digit());
    !int.is_empty() && digits(int) && digits(frac) && !(unsigned.contains('.') && frac.is_empty())
}

/// RFC 4180: a field with a comma, quote, CR or LF is quoted and its quotes doubled.
fn quote(s: &str) -> String {
    if s.contains([',', '"', '\r', '\n']) { format!("\"{}\"", s.replace('"', "\"\"")) } else { s.to_string() }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::fixtures::{self, FORMULA, QUOTED, RED_WEST, SCRIPT};

    fn csv_text() -> String {
        let bytes = weekly_csv(&fixtures::weekly());
        assert_eq!(&bytes[..3], &[0xEF, 0xBB, 0xBF], "UTF-8 BOM");
        String::from_utf8(bytes[3..].to_vec()).expect("utf-8")
    }

    #[test]
    fn starts_with_bom_and_the_laggard_header_with_crlf() {
        let text = csv_text();
        let header = text.split("\r\n").next().expect("header line");
        assert_eq!(header, super::super::LAGGARD_HEADERS.join(","));
        assert!(text.ends_with("\r\n"));
        assert!(!text.replace("\r\n", "").contains('\n'), "no bare LF");
        // Four laggards plus the header.
        assert_eq!(text.split("\r\n").filter(|l| !l.is_empty()).count(), 5);
    }

    #[test]
    fn every_laggard_is_listed_with_its_code() {
        let text = csv_text();
        for code in ["TZ2026001", "TZ2026002", "TZ2026003", "TZ2026004"] {
            assert!(text.contains(code), "{code}");
        }
        assert!(text.contains(RED_WEST));
        assert!(text.contains(SCRIPT), "CSV is not HTML: no escaping");
        assert!(text.contains(",10.00,"), "总投资 in 亿元: {text}");
        assert!(text.contains(",2.50,"));
        assert!(text.contains("开工滞后"));
        assert!(text.contains("2026-09-01"));
    }

    #[test]
    fn formulas_are_defused_and_quotes_doubled() {
        let text = csv_text();
        // The name has a quote-free `=`; it gets a leading `'` (and no quoting is needed).
        assert!(text.contains(&format!(",'{FORMULA},")), "{text}");
        assert!(!text.contains(&format!(",{FORMULA},")));
        let quoted = format!("\"{}\"", QUOTED.replace('"', "\"\""));
        assert_eq!(quoted, "\"锂电\"\"储能\"\",二期\"");
        assert!(text.contains(&quoted), "{text}");
    }

    #[test]
    fn defuse_keeps_plain_numbers() {
        assert_eq!(defuse("-3.5"), "-3.5");
        assert_eq!(defuse("+12"), "+12");
        assert_eq!(defuse("-"), "'-");
        assert_eq!(defuse("-3."), "'-3.");
        assert_eq!(defuse("-1+1"), "'-1+1");
        assert_eq!(defuse("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(defuse("+86 632"), "'+86 632");
        assert_eq!(defuse("项目=1"), "项目=1");
    }

    #[test]
    fn quoting_follows_rfc_4180() {
        assert_eq!(quote("a,b"), "\"a,b\"");
        assert_eq!(quote("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(quote("two\r\nlines"), "\"two\r\nlines\"");
        assert_eq!(quote("plain"), "plain");
    }
}
