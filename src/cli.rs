//! The `keyproj` command line: serve, migrate, demo, towns import.

use crate::domain::calendar::civil_date;
use crate::geo::TownLayer;
use crate::http::{AppState, router};
use crate::ledger;
use crate::store::{Actor, NewProjectWithReports, Store};
use chrono::{Datelike, NaiveDate, Utc};
use clap::{Parser, Subcommand};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

/// The default database: a SQLite file in the working directory, created on first start.
pub const DEFAULT_DATABASE: &str = "sqlite:keyproj.sqlite";

#[derive(Parser, Debug)]
#[command(
    name = "keyproj",
    version,
    about = "重点项目调度 · a tracker for a county's major investment projects"
)]
pub struct Cli {
    /// Database URL: sqlite:PATH (default, embedded) or postgres://user@host/db
    #[arg(long, global = true, env = "DATABASE_URL", default_value = DEFAULT_DATABASE)]
    pub database: String,
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
    /// Manage the town layer
    Towns {
        #[command(subcommand)]
        command: TownsCommand,
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

pub async fn run(cli: Cli) -> CliResult<()> {
    let store = Arc::new(Store::open(&cli.database).await?);
    match cli.command {
        Command::Serve { addr, demo } => {
            if demo && store.project_count().await? == 0 {
                let n = load_demo(&store, None, None).await?;
                println!(
                    "已载入示例年度数据 {n} 个项目 / loaded the demo year: {n} projects (sample data)"
                );
            }
            serve(store, addr).await
        }
        Command::Migrate => {
            println!(
                "数据库已是最新 / the database schema is up to date ({})",
                store.backend_name()
            );
            Ok(())
        }
        Command::Demo { year, as_of } => {
            if store.project_count().await? > 0 {
                return Err("数据库中已有项目,示例数据只能载入空数据库 / the database already has projects: the demo loads only into an empty one".into());
            }
            let n = load_demo(&store, year, as_of).await?;
            println!(
                "已载入示例年度数据 {n} 个项目 / loaded the demo year: {n} projects (sample data)"
            );
            Ok(())
        }
        Command::Towns {
            command:
                TownsCommand::Import {
                    file,
                    county,
                    attribution,
                },
        } => {
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
            store
                .replace_town_layer(&layer, &Actor::new(whoami(), "cli"), Utc::now())
                .await?;
            println!(
                "已导入 {} 个镇街 / imported {} towns",
                layer.towns.len(),
                layer.towns.len()
            );
            Ok(())
        }
    }
}

/// The operating-system user running a CLI command, for the audit trail.
fn whoami() -> String {
    std::env::var("USER")
        .or_else(|_| std::env::var("USERNAME"))
        .unwrap_or_else(|_| "cli".into())
}

/// Generate the demo year, validate every project like any other input, and store it in one
/// transaction. Returns the number of projects.
pub async fn load_demo(
    store: &Store,
    year: Option<i32>,
    as_of: Option<NaiveDate>,
) -> CliResult<usize> {
    let today = civil_date(Utc::now());
    let year = year.unwrap_or(today.year());
    let as_of = as_of.unwrap_or_else(|| {
        let end = NaiveDate::from_ymd_opt(year, 12, 31).unwrap_or(today);
        end.min(today)
    });
    let towns = store.town_layer().await?;
    let mut batch = Vec::new();
    for item in crate::demo::demo_year(year, as_of) {
        let project = ledger::new_project(&item.input, &towns, as_of).map_err(|e| {
            format!(
                "示例项目“{}”无效 / demo project {:?} is invalid: {e}",
                item.input.name, item.input.name
            )
        })?;
        batch.push(NewProjectWithReports {
            project,
            reports: item.reports,
            state: item.state,
        });
    }
    let n = batch.len();
    store
        .create_projects(batch, &Actor::system("demo"), Utc::now())
        .await?;
    Ok(n)
}

pub async fn serve(store: Arc<Store>, addr: SocketAddr) -> CliResult<()> {
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|e| format!("无法监听 {addr} / cannot listen on {addr}: {e}"))?;
    let local = listener.local_addr()?;
    println!(
        "keyproj 已启动 / listening on http://{local}/  (数据库 / database: {})",
        store.backend_name()
    );
    let app = router(AppState::new(store.clone()));
    axum::serve(listener, app)
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
