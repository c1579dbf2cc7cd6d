//! The `keyproj` command line: serve, migrate, demo, towns import, users and tokens.

mod accounts;

use crate::clock::Clock;
use crate::domain::calendar::IsoWeek;
use crate::domain::lights::RuleSet;
use crate::domain::report::Period;
use crate::geo::TownLayer;
use crate::http::{AccessSettings, AppState, router};
use crate::ledger;
use crate::report::produce::{self, Format};
use crate::store::{Actor, NewProjectWithReports, Store};
use chrono::{Datelike, NaiveDate};
use clap::{Parser, Subcommand};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

/// The default database: a SQLite file in the working directory, created on first start.
pub const DEFAULT_DATABASE: &str = "sqlite:keyproj.sqlite";

#[derive(Parser, Debug)]
#[command(name = "keyproj", version, about = "重点项目调度 · a tracker for a county's major investment projects")]
pub struct Cli {
    /// Database URL: sqlite:PATH (default, embedded) or postgres://user@host/db
    #[arg(long, global = true, env = "DATABASE_URL", default_value = DEFAULT_DATABASE)]
    pub database: String,
    /// Light rules: a TOML file (see src/domain/rules/default.toml)
    #[arg(long, global = true, env = "KEYPROJ_RULES")]
    pub rules: Option<PathBuf>,
    /// Light rules: a preset (default, yinchuan, sanya) instead of a file
    #[arg(long, global = true, env = "KEYPROJ_RULES_PRESET")]
    pub rules_preset: Option<String>,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Serve the API (and the web app)
    Serve {
        /// Address to listen on
        #[arg(long, env = "KEYPROJ_ADDR", default_value = "127.0.0.1:8080")]
        addr: SocketAddr,
        /// Load the demo year first if the database has no projects
        #[arg(long)]
        demo: bool,
        #[command(flatten)]
        access: AccessFlags,
    },
    /// Create or upgrade the database schema
    Migrate,
    /// Load the demo year (sample data, 示例数据) into an empty database
    Demo {
        /// The year to generate (default: this year)
        #[arg(long)]
        year: Option<i32>,
        /// Data as of this date (default: today, or the year's end for past years)
        #[arg(long)]
        as_of: Option<NaiveDate>,
    },
    /// Write the weekly laggard report or the monthly bulletin
    Report {
        #[command(subcommand)]
        command: ReportCommand,
    },
    /// Print the indicators (start rate, investment vs time share, completion, tiers)
    Indicators {
        #[arg(long)]
        year: Option<i32>,
        /// Default: today (or the year's end for past years)
        #[arg(long)]
        as_of: Option<NaiveDate>,
        /// JSON instead of a summary
        #[arg(long)]
        json: bool,
    },
    /// Import a spreadsheet ledger (XLSX or CSV): a dry run shows what would change
    Import {
        file: PathBuf,
        /// Show the preview only; write nothing
        #[arg(long)]
        dry_run: bool,
        /// The sheet's year (for dates like 3月29日 and the list memberships; default this year)
        #[arg(long)]
        year: Option<i32>,
        /// Write the valid rows even if other rows have errors
        #[arg(long)]
        valid_only: bool,
        /// Apply a saved column mapping (by name; saved on the import page or with
        /// PUT /api/import-mappings/NAME) over the built-in dictionary of column names
        #[arg(long, value_name = "NAME")]
        mapping: Option<String>,
    },
    /// Manage the town layer
    Towns {
        #[command(subcommand)]
        command: TownsCommand,
    },
    /// Manage users (add, list, disable, enable, reset-password)
    User {
        #[command(subcommand)]
        command: accounts::UserCommand,
    },
    /// Manage API tokens for scripts (create, list, revoke)
    Token {
        #[command(subcommand)]
        command: accounts::TokenCommand,
    },
}

/// Sign-in, sessions and approvals (`keyproj serve`).
#[derive(clap::Args, Debug)]
pub struct AccessFlags {
    /// Let anonymous visitors see the map (name, town, chain, tier and status only)
    #[arg(long, env = "KEYPROJ_PUBLIC_MAP")]
    public_map: bool,
    /// Apply town editors' sensitive changes at once instead of holding them for approval
    #[arg(long, env = "KEYPROJ_NO_APPROVALS")]
    no_approvals: bool,
    /// End a session after this many minutes without a request
    #[arg(long, env = "KEYPROJ_SESSION_IDLE_MINUTES", default_value_t = 240)]
    session_idle_minutes: u64,
    /// End every session this many hours after sign-in
    #[arg(long, env = "KEYPROJ_SESSION_MAX_HOURS", default_value_t = 12)]
    session_max_hours: u64,
    /// Always mark the session cookie Secure (otherwise only when X-Forwarded-Proto is https)
    #[arg(long, env = "KEYPROJ_SECURE_COOKIES")]
    secure_cookies: bool,
    /// Behind a reverse proxy: take the client address from X-Forwarded-For (for throttling)
    #[arg(long, env = "KEYPROJ_TRUST_PROXY")]
    trust_proxy: bool,
    /// A tile server the browser may load a basemap from (http(s)://host[:port]); repeatable.
    /// Without it the app loads nothing from any other host
    #[arg(long = "tile-origin", env = "KEYPROJ_TILE_ORIGINS", value_delimiter = ',')]
    tile_origins: Vec<String>,
}

impl AccessFlags {
    fn settings(&self) -> CliResult<AccessSettings> {
        if self.session_idle_minutes == 0 || self.session_max_hours == 0 {
            return Err("会话时长必须大于0 / session timeouts must be greater than 0".into());
        }
        Ok(AccessSettings {
            public_map: self.public_map,
            approvals: !self.no_approvals,
            session_idle: std::time::Duration::from_secs(self.session_idle_minutes * 60),
            session_max: std::time::Duration::from_secs(self.session_max_hours * 3600),
            secure_cookies: self.secure_cookies,
            trust_proxy: self.trust_proxy,
            tile_origins: self
                .tile_origins
                .iter()
                .map(|o| crate::http::check_tile_origin(o))
                .collect::<Result<_, _>>()?,
        })
    }
}

#[derive(Subcommand, Debug)]
pub enum ReportCommand {
    /// The weekly laggard report (滞后项目周报)
    Weekly {
        /// ISO week such as 2026-W48 (default: the last complete week)
        #[arg(long)]
        week: Option<String>,
        /// xlsx, csv, html or json
        #[arg(long, default_value = "xlsx")]
        format: String,
        /// Output file (default: 滞后项目周报-WEEK.EXT in the working directory; `-` for stdout)
        #[arg(short, long)]
        output: Option<PathBuf>,
    },
    /// The monthly bulletin (月度通报)
    Bulletin {
        /// Month such as 2026-09 (default: the last month that has ended)
        #[arg(long)]
        month: Option<String>,
        /// text, json, html or xlsx
        #[arg(long, default_value = "text")]
        format: String,
        /// Output file (default: stdout for text and json)
        #[arg(short, long)]
        output: Option<PathBuf>,
    },
}

#[derive(Subcommand, Debug)]
pub enum TownsCommand {
    /// Replace the town layer with your own GeoJSON (a FeatureCollection of town polygons
    /// with `code` and `name` properties)
    Import {
        file: PathBuf,
        /// The county outline (GeoJSON); default: the union of the town polygons
        #[arg(long)]
        county: Option<PathBuf>,
        /// Attribution shown on the map for this data
        #[arg(long, default_value = "")]
        attribution: String,
    },
}

pub type CliResult<T> = Result<T, Box<dyn std::error::Error + Send + Sync>>;

/// The rule set from `--rules FILE` or `--rules-preset NAME`, else the compiled-in defaults.
pub fn load_rules(file: Option<&std::path::Path>, preset: Option<&str>) -> CliResult<RuleSet> {
    if let Some(path) = file {
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("无法读取规则文件 / cannot read rules {}: {e}", path.display()))?;
        return Ok(RuleSet::from_toml(&text)
            .map_err(|e| format!("规则文件无效 / invalid rules file {}: {e}", path.display()))?);
    }
    match preset {
        Some(name) => Ok(RuleSet::preset(name).ok_or_else(|| {
            let names: Vec<&str> = crate::domain::lights::PRESETS.iter().map(|(n, _)| *n).collect();
            format!("未知的规则预设 / unknown rules preset {name:?}; expected one of {}", names.join(", "))
        })?),
        None => Ok(RuleSet::default_rules()),
    }
}

fn write_output(bytes: &[u8], output: Option<&std::path::Path>, default_name: Option<String>) -> CliResult<()> {
    let path = output.map(std::path::Path::to_path_buf).or(default_name.map(PathBuf::from));
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

pub async fn run(cli: Cli) -> CliResult<()> {
    let rules = load_rules(cli.rules.as_deref(), cli.rules_preset.as_deref())?;
    // Every write and every default date of this command reads this one clock.
    let clock = Clock::System;
    let store = Arc::new(Store::open(&cli.database, clock).await?);
    match cli.command {
        Command::Serve { addr, demo, access } => {
            let access = access.settings()?;
            if demo && store.project_count().await? == 0 {
                let n = load_demo(&store, clock, None, None).await?;
                println!("已载入示例年度数据 {n} 个项目 / loaded the demo year: {n} projects (sample data)");
            }
            accounts::ensure_first_admin(&store, clock).await?;
            serve(AppState::with_clock(store, clock).with_rules(rules).with_access(access), addr).await
        }
        Command::User { command } => accounts::run_user(&store, clock, command).await,
        Command::Token { command } => accounts::run_token(&store, clock, command).await,
        Command::Report { command: ReportCommand::Weekly { week, format, output } } => {
            let today = clock.today();
            let week = match week {
                Some(w) => IsoWeek::parse(&w)
                    .ok_or_else(|| format!("周次格式应为2026-W48 / the week must look like 2026-W48: {w:?}"))?,
                None => IsoWeek::last_complete(today),
            };
            let format = Format::parse(&format).filter(|f| *f != Format::Text).ok_or_else(|| {
                format!("格式应为xlsx、csv、html或json / format must be xlsx, csv, html or json: {format:?}")
            })?;
            let report = produce::weekly_for(&store, &rules, week, clock.now()).await?;
            let bytes = produce::render_weekly(&report, format)?;
            eprintln!(
                "{week}(截至{}):滞后项目{}个(红灯{},黄灯{}) / laggards: {} ({} red, {} yellow)",
                report.as_of,
                report.summary.laggards,
                report.summary.red,
                report.summary.yellow,
                report.summary.laggards,
                report.summary.red,
                report.summary.yellow
            );
            write_output(&bytes, output.as_deref(), Some(format!("滞后项目周报-{week}.{}", format.extension())))
        }
        Command::Report { command: ReportCommand::Bulletin { month, format, output } } => {
            let today = clock.today();
            let month = match month {
                Some(m) => Period::parse(&m)
                    .ok_or_else(|| format!("月份格式应为2026-09 / the month must look like 2026-09: {m:?}"))?,
                None => Period::of(Period::of(today).first_day().pred_opt().unwrap_or(today)),
            };
            let format = Format::parse(&format).filter(|f| *f != Format::Csv).ok_or_else(|| {
                format!("格式应为text、json、html或xlsx / format must be text, json, html or xlsx: {format:?}")
            })?;
            let b = produce::bulletin_for(&store, &rules, month).await?;
            let bytes = produce::render_bulletin(&b, format)?;
            let default = matches!(format, Format::Html | Format::Xlsx)
                .then(|| format!("重点项目建设进展通报-{month}.{}", format.extension()));
            write_output(&bytes, output.as_deref(), default)
        }
        Command::Import { file, dry_run, year, valid_only, mapping } => {
            import(&store, clock, &file, ImportFlags { dry_run, year, valid_only, mapping }).await
        }
        Command::Indicators { year, as_of, json } => {
            let today = clock.today();
            let year = year.unwrap_or_else(|| as_of.unwrap_or(today).year());
            let as_of = as_of.unwrap_or_else(|| {
                if year < today.year() { NaiveDate::from_ymd_opt(year, 12, 31).unwrap_or(today) } else { today }
            });
            let ind = produce::indicators_for(&store, &rules, year, as_of).await?;
            if json {
                println!("{}", serde_json::to_string_pretty(&ind)?);
            } else {
                print!("{}", indicators_summary(&ind));
            }
            Ok(())
        }
        Command::Migrate => {
            println!("数据库已是最新 / the database schema is up to date ({})", store.backend_name());
            Ok(())
        }
        Command::Demo { year, as_of } => {
            if store.project_count().await? > 0 {
                return Err("数据库中已有项目,示例数据只能载入空数据库 / the database already has projects: the demo loads only into an empty one".into());
            }
            let n = load_demo(&store, clock, year, as_of).await?;
            println!("已载入示例年度数据 {n} 个项目 / loaded the demo year: {n} projects (sample data)");
            Ok(())
        }
        Command::Towns { command: TownsCommand::Import { file, county, attribution } } => {
            let text = std::fs::read_to_string(&file)
                .map_err(|e| format!("无法读取 / cannot read {}: {e}", file.display()))?;
            let county_text = match &county {
                Some(path) => Some(
                    std::fs::read_to_string(path)
                        .map_err(|e| format!("无法读取 / cannot read {}: {e}", path.display()))?,
                ),
                None => None,
            };
            let layer = TownLayer::from_geojson(&text, county_text.as_deref(), &attribution)?;
            store.replace_town_layer(&layer, &Actor::new(whoami(), "cli"), clock.now()).await?;
            println!("已导入 {} 个镇街 / imported {} towns", layer.towns.len(), layer.towns.len());
            Ok(())
        }
    }
}

/// The operating-system user running a CLI command, for the audit trail.
/// The operating-system account running a command: the person the audit trail names.
fn whoami() -> String {
    std::env::var("USER").or_else(|_| std::env::var("USERNAME")).unwrap_or_else(|_| "cli".into())
}

/// Generate the demo year, validate every project like any other input, and store it in one
/// transaction. Returns the number of projects.
pub async fn load_demo(store: &Store, clock: Clock, year: Option<i32>, as_of: Option<NaiveDate>) -> CliResult<usize> {
    let today = clock.today();
    let year = year.unwrap_or(today.year());
    let as_of = as_of.unwrap_or_else(|| {
        let end = NaiveDate::from_ymd_opt(year, 12, 31).unwrap_or(today);
        end.min(today)
    });
    let towns = store.town_layer().await?;
    let mut batch = Vec::new();
    for item in crate::demo::demo_year(year, as_of) {
        let project = ledger::new_project(&item.input, &towns, as_of).map_err(|e| {
            format!("示例项目“{}”无效 / demo project {:?} is invalid: {e}", item.input.name, item.input.name)
        })?;
        batch.push(NewProjectWithReports { project, reports: item.reports, state: item.state });
    }
    let n = batch.len();
    store.create_projects(batch, &Actor::new(whoami(), "demo"), clock.now()).await?;
    Ok(n)
}

/// The options of `keyproj import`.
struct ImportFlags {
    dry_run: bool,
    year: Option<i32>,
    valid_only: bool,
    mapping: Option<String>,
}

/// Files with at least this many rows get a progress bar (smaller ones finish before it draws).
const IMPORT_BAR_MIN_ROWS: usize = 1_000;

/// A progress bar over `len` rows on stderr for big files; hidden for small ones, and (as every
/// indicatif bar) when stderr is not a terminal.
fn import_bar(len: usize, message: &str) -> indicatif::ProgressBar {
    if len < IMPORT_BAR_MIN_ROWS {
        return indicatif::ProgressBar::hidden();
    }
    let bar = indicatif::ProgressBar::new(len as u64);
    let style =
        indicatif::ProgressStyle::with_template("{spinner} [{bar:24}] {human_pos}/{human_len} ({eta}) {wide_msg}")
            .map(|s| s.progress_chars("=> "))
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar());
    bar.set_style(style);
    bar.set_message(message.to_string());
    bar.enable_steady_tick(std::time::Duration::from_millis(120));
    bar
}

/// `keyproj import`: read, interpret and plan; print the preview; commit all or nothing. Big
/// files show a progress bar per stage (interpreting, matching, writing) on stderr.
async fn import(store: &Store, clock: Clock, file: &std::path::Path, flags: ImportFlags) -> CliResult<()> {
    use crate::import::plan::plan_with_progress;
    use crate::import::{ImportOptions, interpret_with_progress, read_table};
    let ImportFlags { dry_run, year, valid_only, mapping } = flags;
    let started = std::time::Instant::now();
    let mapping = match mapping.as_deref().map(str::trim).filter(|m| !m.is_empty()) {
        Some(name) => match store.import_mapping(name).await? {
            Some(saved) => Some(saved.mapping),
            None => {
                let names: Vec<String> = store.import_mappings().await?.into_iter().map(|m| m.name).collect();
                let names = if names.is_empty() { "-".to_string() } else { names.join(", ") };
                return Err(format!(
                    "没有名为“{name}”的已保存列映射(已保存:{names}) / no saved column mapping named {name:?} (saved: {names})"
                )
                .into());
            }
        },
        None => None,
    };
    // Reading the workbook is one call: a spinner (hidden when stderr is not a terminal).
    let reading = indicatif::ProgressBar::new_spinner();
    reading.enable_steady_tick(std::time::Duration::from_millis(120));
    reading.set_message("读取文件 / reading the file");
    let bytes = std::fs::read(file).map_err(|e| format!("无法读取 / cannot read {}: {e}", file.display()))?;
    let name = file.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_default();
    let now = clock.now();
    let year = year.unwrap_or(clock.today().year());
    let table = read_table(&name, &bytes);
    reading.finish_and_clear();
    let table = table?;
    let towns = store.town_layer().await?;
    let bar = import_bar(table.rows.len(), "识别 / interpreting");
    let interpretation =
        interpret_with_progress(&table, &towns, &ImportOptions { year, mapping }, &mut |n| bar.set_position(n as u64));
    bar.finish_and_clear();
    let bar = import_bar(interpretation.rows.len(), "比对 / matching");
    let existing = store.all_projects().await?;
    let planned = plan_with_progress(&name, &table.sheet, &interpretation, &existing, &towns, year, now, &mut |n| {
        bar.set_position(n as u64)
    });
    drop(existing);
    bar.finish_and_clear();
    println!(
        "{name}({}):表头第{}行;新增{}个,更新{}个,无变化{}个,跳过{}行,错误{}处,疑似重复{}个 / header row {}; {} to create, {} to update, {} unchanged, {} skipped, {} errors, {} likely duplicates",
        table.sheet,
        planned.header_row,
        planned.create.len(),
        planned.update.len(),
        planned.unchanged.len(),
        planned.skipped.len(),
        planned.errors.len(),
        planned.duplicates.len(),
        planned.header_row,
        planned.create.len(),
        planned.update.len(),
        planned.unchanged.len(),
        planned.skipped.len(),
        planned.errors.len(),
        planned.duplicates.len()
    );
    for u in &planned.update {
        for c in &u.changes {
            println!("  第{}行 {} {}: {} → {}", u.row, u.code, c.field, c.before, c.after);
        }
    }
    for e in &planned.errors {
        eprintln!(
            "  第{}行 [{}] “{}”:{} / row {} [{}]: {}",
            e.row, e.column, e.value, e.message_zh, e.row, e.column, e.message_en
        );
    }
    for d in &planned.duplicates {
        eprintln!("  第{}行“{}”疑似与已有项目重复 / row {} may duplicate an existing project", d.row, d.name, d.row);
    }
    if dry_run {
        return if planned.is_clean() {
            Ok(())
        } else {
            Err("预览发现问题,未写入 / the preview found problems; nothing was written".into())
        };
    }
    if !planned.is_clean() && !valid_only {
        return Err("文件有错误,未导入任何数据(可用 --valid-only 只导入无误的行) / the file has errors: nothing was imported (--valid-only imports the valid rows)".into());
    }
    let changes = planned.changes(&whoami());
    let bar = import_bar(changes.len(), "写入 / writing");
    let progress = bar.clone();
    let written = store.apply_changes_reporting(changes, now, &move |n| progress.set_position(n as u64)).await;
    bar.finish_and_clear();
    written?;
    println!(
        "已导入:新增{}个,更新{}个,无变化{}个(用时{:.1}秒) / imported: {} created, {} updated, {} unchanged in {:.1} s",
        planned.create.len(),
        planned.update.len(),
        planned.unchanged.len(),
        started.elapsed().as_secs_f64(),
        planned.create.len(),
        planned.update.len(),
        planned.unchanged.len(),
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

/// The indicators as a few lines of Chinese, for a terminal.
fn indicators_summary(ind: &crate::domain::indicators::Indicators) -> String {
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

pub async fn serve(state: AppState, addr: SocketAddr) -> CliResult<()> {
    let store = state.store.clone();
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|e| format!("无法监听 {addr} / cannot listen on {addr}: {e}"))?;
    let local = listener.local_addr()?;
    println!("keyproj 已启动 / listening on http://{local}/  (数据库 / database: {})", store.backend_name());
    println!("亮灯规则 / light rules: {} {}", state.rules.name, state.rules.version);
    if state.access.public_map {
        println!("公开地图已开启(匿名可见名称、镇街、产业链、档次、状态) / public map on");
    }
    let app = router(state);
    // The peer address feeds login throttling.
    axum::serve(listener, app.into_make_service_with_connect_info::<SocketAddr>())
        .with_graceful_shutdown(shutdown_signal())
        .await?;
    store.close().await;
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
}
