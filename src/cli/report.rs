//! `keyproj report weekly|bulletin` and `keyproj indicators`: what the office sends out, from
//! the same engine as the map and the API (`report::produce`).

use super::CliResult;
use crate::clock::Clock;
use crate::domain::calendar::IsoWeek;
use crate::domain::indicators::Indicators;
use crate::domain::lights::RuleSet;
use crate::domain::report::Period;
use crate::report::produce::{self, Format};
use crate::store::Store;
use chrono::{Datelike, NaiveDate};
use clap::{Subcommand, ValueEnum};
use std::path::{Path, PathBuf};

#[derive(Subcommand, Debug)]
pub enum ReportCommand {
    /// The weekly laggard report (滞后项目周报)
    Weekly {
        /// ISO week such as 2026-W48 (default: the last complete week)
        #[arg(long)]
        week: Option<String>,
        /// The file format
        #[arg(long, value_enum, default_value = "xlsx")]
        format: WeeklyFormat,
        /// Output file (default: 滞后项目周报-WEEK.EXT in the working directory; `-` for stdout)
        #[arg(short, long)]
        output: Option<PathBuf>,
    },
    /// The monthly bulletin (月度通报)
    Bulletin {
        /// Month such as 2026-09 (default: the last month that has ended)
        #[arg(long)]
        month: Option<String>,
        /// The format (`txt` is accepted for text)
        #[arg(long, value_enum, default_value = "text")]
        format: BulletinFormat,
        /// Output file (default: stdout for text and json)
        #[arg(short, long)]
        output: Option<PathBuf>,
    },
}

/// The formats of the weekly report. A type of its own, so that clap refuses the others (the
/// weekly report has no plain-text form) and lists these in its error.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum WeeklyFormat {
    Xlsx,
    Csv,
    Html,
    Json,
}

impl From<WeeklyFormat> for Format {
    fn from(f: WeeklyFormat) -> Format {
        match f {
            WeeklyFormat::Xlsx => Format::Xlsx,
            WeeklyFormat::Csv => Format::Csv,
            WeeklyFormat::Html => Format::Html,
            WeeklyFormat::Json => Format::Json,
        }
    }
}

/// The formats of the monthly bulletin, which is text first and has no CSV form.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum BulletinFormat {
    #[value(alias = "txt")]
    Text,
    Json,
    Html,
    Xlsx,
}

impl From<BulletinFormat> for Format {
    fn from(f: BulletinFormat) -> Format {
        match f {
            BulletinFormat::Text => Format::Text,
            BulletinFormat::Json => Format::Json,
            BulletinFormat::Html => Format::Html,
            BulletinFormat::Xlsx => Format::Xlsx,
        }
    }
}

/// `keyproj report …`: one function per report.
pub async fn run_report(store: &Store, clock: Clock, rules: &RuleSet, command: ReportCommand) -> CliResult<()> {
    match command {
        ReportCommand::Weekly { week, format, output } => {
            weekly(store, clock, rules, week.as_deref(), format.into(), output.as_deref()).await
        }
        ReportCommand::Bulletin { month, format, output } => {
            bulletin(store, clock, rules, month.as_deref(), format.into(), output.as_deref()).await
        }
    }
}

/// `keyproj report weekly`: the week's report, a one-line summary on stderr, the file written.
async fn weekly(
    store: &Store,
    clock: Clock,
    rules: &RuleSet,
    week: Option<&str>,
    format: Format,
    output: Option<&Path>,
) -> CliResult<()> {
    let week = match week {
        Some(w) => IsoWeek::parse(w)
            .ok_or_else(|| format!("周次格式应为2026-W48 / the week must look like 2026-W48: {w:?}"))?,
        None => IsoWeek::last_complete(clock.today()),
    };
    let report = produce::weekly_for(store, rules, week, clock.now()).await?;
    let bytes = produce::render_weekly(&report, format)?;
    let s = &report.summary;
    eprintln!(
        "{week}(截至{}):滞后项目{}个(红灯{},黄灯{}) / laggards: {} ({} red, {} yellow)",
        report.as_of, s.laggards, s.red, s.yellow, s.laggards, s.red, s.yellow
    );
    write_output(&bytes, output, Some(format!("滞后项目周报-{week}.{}", format.extension())))
}

/// `keyproj report bulletin`: the month's bulletin; text and JSON go to stdout by default,
/// HTML and XLSX (not for a terminal) to a file named after the month.
async fn bulletin(
    store: &Store,
    clock: Clock,
    rules: &RuleSet,
    month: Option<&str>,
    format: Format,
    output: Option<&Path>,
) -> CliResult<()> {
    let today = clock.today();
    let month = match month {
        Some(m) => {
            Period::parse(m).ok_or_else(|| format!("月份格式应为2026-09 / the month must look like 2026-09: {m:?}"))?
        }
        None => Period::of(Period::of(today).first_day().pred_opt().unwrap_or(today)),
    };
    let b = produce::bulletin_for(store, rules, month).await?;
    let bytes = produce::render_bulletin(&b, format)?;
    let default = matches!(format, Format::Html | Format::Xlsx)
        .then(|| format!("重点项目建设进展通报-{month}.{}", format.extension()));
    write_output(&bytes, output, default)
}

/// Write to `output`, else to `default_name`, else (or for `-`) to stdout.
fn write_output(bytes: &[u8], output: Option<&Path>, default_name: Option<String>) -> CliResult<()> {
    let path = output.map(Path::to_path_buf).or(default_name.map(PathBuf::from));
    match path {
        Some(p) if p.as_os_str() != "-" => {
            std::fs::write(&p, bytes).map_err(|e| format!("无法写入 / cannot write {}: {e}", p.display()))?;
            eprintln!("已写入 / written: {}", p.display());
        }
        _ => {
            use std::io::Write;
            std::io::stdout().write_all(bytes)?;
        }
    }
    Ok(())
}

/// `keyproj indicators`: the year's indicators as of a date (default today, or the year's end
/// for a past year), as JSON or a few lines for a terminal.
pub async fn indicators(
    store: &Store,
    clock: Clock,
    rules: &RuleSet,
    year: Option<i32>,
    as_of: Option<NaiveDate>,
    json: bool,
) -> CliResult<()> {
    let today = clock.today();
    let year = year.unwrap_or_else(|| as_of.unwrap_or(today).year());
    let as_of = as_of.unwrap_or_else(|| {
        if year < today.year() { NaiveDate::from_ymd_opt(year, 12, 31).unwrap_or(today) } else { today }
    });
    let ind = produce::indicators_for(store, rules, year, as_of).await?;
    if json {
        println!("{}", serde_json::to_string_pretty(&ind)?);
    } else {
        print!("{}", indicators_summary(&ind));
    }
    Ok(())
}

/// The indicators as a few lines of Chinese, for a terminal.
fn indicators_summary(ind: &Indicators) -> String {
    use crate::report::pct;
    let k = &ind.key;
    let mut out =
        format!("{}年指标(截至{},序时进度{}%,规则{})\n", ind.year, ind.as_of, pct(ind.time_share_percent), ind.rules);
    out.push_str(&format!(
        "省市县三级重点项目{}个:已开工{}个,开工率{}%;完成投资{}亿元,占年度计划{}%,较序时进度{}个百分点;竣工投产{}/{}\n",
        k.projects,
        k.started.count,
        k.started.percent.map(pct).unwrap_or_else(|| "-".into()),
        crate::report::yi_1(k.investment.completed_yuan),
        k.investment.percent.map(pct).unwrap_or_else(|| "-".into()),
        k.investment.points.map(|p| format!("{p:+.1}")).unwrap_or_else(|| "-".into()),
        k.completed.count,
        k.completed.of
    ));
    for t in &ind.attracted_started {
        out.push_str(&format!("新招引{}项目开工{}个,目标{}个\n", t.label, t.count, t.target.unwrap_or(0)));
    }
    out.push_str(&format!(
        "亮灯:红{} 黄{} 蓝{} 绿{} 暂停/退出{}\n",
        ind.lights.red, ind.lights.yellow, ind.lights.blue, ind.lights.green, ind.lights.grey
    ));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The accepted values are the ones `Format::parse` accepted before the formats were typed.
    #[test]
    fn format_values_are_those_of_the_report_formats() {
        for f in WeeklyFormat::value_variants() {
            let value = f.to_possible_value().expect("a value");
            assert_eq!(Format::parse(value.get_name()), Some(Format::from(*f)));
        }
        for f in BulletinFormat::value_variants() {
            let value = f.to_possible_value().expect("a value");
            for name in value.get_name_and_aliases() {
                assert_eq!(Format::parse(name), Some(Format::from(*f)), "{name}");
            }
        }
        assert!(BulletinFormat::from_str("txt", false).is_ok_and(|f| f == BulletinFormat::Text));
        assert!(WeeklyFormat::from_str("text", false).is_err(), "the weekly report has no text form");
        assert!(BulletinFormat::from_str("csv", false).is_err(), "the bulletin has no CSV form");
    }
}
