//! The `keyproj` command line: serve, migrate, demo, towns import, and the dispatch to the
//! commands with modules of their own: import, report and indicators, users and tokens.

mod accounts;
mod import;
mod report;

use crate::clock::Clock;
use crate::domain::lights::RuleSet;
use crate::geo::TownLayer;
use crate::http::{AccessSettings, AppState, router};
use crate::ledger;
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
        /// Who publishes the open data (OC4IDS publisher), e.g. 滕州市招商引资服务中心
        /// (default: the town layer's county name + 招商引资服务中心)
        #[arg(long, env = "KEYPROJ_PUBLISHER")]
        publisher: Option<String>,
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
        command: report::ReportCommand,
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

/// Run a command: the rules and the store every command needs, then one function per command.
pub async fn run(cli: Cli) -> CliResult<()> {
    let rules = load_rules(cli.rules.as_deref(), cli.rules_preset.as_deref())?;
    // Every write and every default date of this command reads this one clock.
    let clock = Clock::System;
    let store = Arc::new(Store::open(&cli.database, clock).await?);
    match cli.command {
        Command::Serve { addr, demo, publisher, access } => {
            let state = AppState::with_clock(store, clock).with_rules(rules).with_publisher(publisher);
            serve_command(state, addr, demo, &access).await
        }
        Command::Migrate => {
            println!("数据库已是最新 / the database schema is up to date ({})", store.backend_name());
            Ok(())
        }
        Command::Demo { year, as_of } => demo_command(&store, clock, year, as_of).await,
        Command::Report { command } => report::run_report(&store, clock, &rules, command).await,
        Command::Indicators { year, as_of, json } => report::indicators(&store, clock, &rules, year, as_of, json).await,
        Command::Import { file, dry_run, year, valid_only, mapping } => {
            import::import(&store, clock, &file, import::ImportFlags { dry_run, year, valid_only, mapping }).await
        }
        Command::Towns { command: TownsCommand::Import { file, county, attribution } } => {
            towns_import(&store, clock, &file, county.as_deref(), &attribution).await
        }
        Command::User { command } => accounts::run_user(&store, clock, command).await,
        Command::Token { command } => accounts::run_token(&store, clock, command).await,
    }
}

/// `keyproj serve`: the demo year first when asked for and the database has no projects, the
/// first administrator on a first start, then the server until a shutdown signal.
async fn serve_command(state: AppState, addr: SocketAddr, demo: bool, access: &AccessFlags) -> CliResult<()> {
    let access = access.settings()?;
    let (store, clock) = (state.store.clone(), state.clock);
    if demo && store.project_count().await? == 0 {
        let n = load_demo(&store, clock, None, None).await?;
        println!("已载入示例年度数据 {n} 个项目 / loaded the demo year: {n} projects (sample data)");
    }
    accounts::ensure_first_admin(&store, clock).await?;
    serve(state.with_access(access), addr).await
}

/// `keyproj demo`: only into an empty database, so sample data never mixes with real data.
async fn demo_command(store: &Store, clock: Clock, year: Option<i32>, as_of: Option<NaiveDate>) -> CliResult<()> {
    if store.project_count().await? > 0 {
        return Err("数据库中已有项目,示例数据只能载入空数据库 / the database already has projects: the demo loads only into an empty one".into());
    }
    let n = load_demo(store, clock, year, as_of).await?;
    println!("已载入示例年度数据 {n} 个项目 / loaded the demo year: {n} projects (sample data)");
    Ok(())
}

/// `keyproj towns import`: replace the town layer with a GeoJSON file (and optionally the
/// county outline), checked by `TownLayer::from_geojson` before anything is written.
async fn towns_import(
    store: &Store,
    clock: Clock,
    file: &std::path::Path,
    county: Option<&std::path::Path>,
    attribution: &str,
) -> CliResult<()> {
    let read = |path: &std::path::Path| {
        std::fs::read_to_string(path).map_err(|e| format!("无法读取 / cannot read {}: {e}", path.display()))
    };
    let text = read(file)?;
    let county_text = county.map(read).transpose()?;
    let layer = TownLayer::from_geojson(&text, county_text.as_deref(), attribution)?;
    store.replace_town_layer(&layer, &Actor::new(whoami(), "cli"), clock.now()).await?;
    println!("已导入 {} 个镇街 / imported {} towns", layer.towns.len(), layer.towns.len());
    Ok(())
}

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
