//! Load benchmark: the map's GeoJSON endpoint and project creation, on SQLite and PostgreSQL,
//! with wrk as the load generator on loopback. Not a test: it prints a Markdown table for
//! `docs/benchmarks.md`.
//!
//!     cargo bench --bench load -- [--backend sqlite|postgres|both] [--sizes 1000,10000,100000] [--seconds 10]
//!
//! PostgreSQL needs `KEYPROJ_TEST_POSTGRES` (a server URL; a throwaway database is created).

use keyproj::domain::Chain;
use keyproj::domain::lists::{BuildType, ListKind, ListLevel, Membership};
use keyproj::domain::milestone::{Milestone, Milestones};
use keyproj::domain::money::Yuan;
use keyproj::domain::project::{Location, LocationPrecision};
use keyproj::geo::TownLayer;
use keyproj::http::{AppState, router};
use keyproj::store::{Actor, NewProject, NewProjectWithReports, Store};
use std::process::Command;
use std::sync::Arc;
use std::time::Instant;

struct Args {
    backends: Vec<&'static str>,
    sizes: Vec<usize>,
    seconds: u32,
}

fn args() -> Args {
    let mut a = Args { backends: vec!["sqlite", "postgres"], sizes: vec![1_000, 10_000, 100_000], seconds: 10 };
    let mut it = std::env::args().skip(1);
    while let Some(arg) = it.next() {
        match arg.as_str() {
            "--backend" => {
                a.backends = match it.next().as_deref() {
                    Some("sqlite") => vec!["sqlite"],
                    Some("postgres") => vec!["postgres"],
                    _ => vec!["sqlite", "postgres"],
                }
            }
            "--sizes" => {
                a.sizes = it.next().unwrap_or_default().split(',').filter_map(|s| s.trim().parse().ok()).collect();
            }
            "--seconds" => a.seconds = it.next().and_then(|s| s.parse().ok()).unwrap_or(10),
            _ => {} // cargo bench passes --bench
        }
    }
    a
}

/// A deterministic spread of points over the county (jittered town seats).
fn synthetic(n: usize, towns: &TownLayer) -> Vec<NewProjectWithReports> {
    let mut state = 0x9E37_79B9_7F4A_7C15u64;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    (0..n)
        .map(|i| {
            let town = &towns.towns[i % towns.towns.len()];
            let jitter = |r: u64| ((r % 2000) as f64 - 1000.0) / 100_000.0; // ±1 km
            let total = 50_000_000 + (next() % 20_000_000_000) as i64;
            let mut milestones = Milestones::default();
            let start = chrono::NaiveDate::from_ymd_opt(2026, 1 + (i % 12) as u32, 1);
            milestones.start = Milestone { baseline: start, planned: start, actual: None, replans: vec![] };
            NewProjectWithReports {
                project: NewProject {
                    code: Some(format!("BENCH-{i:07}")),
                    name: format!("基准测试项目{i}"),
                    company: Some("基准测试有限公司".into()),
                    town_code: town.code.clone(),
                    zone: None,
                    chain: Chain::ALL[i % Chain::ALL.len()],
                    total_investment_yuan: Yuan(total),
                    location: Location {
                        lon: town.seat.lon + jitter(next()),
                        lat: town.seat.lat + jitter(next()),
                        precision: LocationPrecision::Exact,
                        outside_county: false,
                    },
                    address: None,
                    responsible_unit: None,
                    responsible_leader: None,
                    sample: true,
                    milestones,
                    lists: vec![Membership {
                        year: 2026,
                        list: ListLevel::County,
                        kind: ListKind::Implementation,
                        build_type: BuildType::NewStart,
                        annual_plan_yuan: Yuan(total / 3),
                        effective_from: None,
                        effective_to: None,
                    }],
                },
                reports: vec![],
                state: None,
            }
        })
        .collect()
}

async fn database(backend: &str, tag: &str) -> Option<(String, Option<tempfile::TempDir>)> {
    if backend == "sqlite" {
        let dir = tempfile::tempdir().ok()?;
        return Some((format!("sqlite:{}", dir.path().join("bench.sqlite").display()), Some(dir)));
    }
    let admin = std::env::var("KEYPROJ_TEST_POSTGRES").ok()?;
    use sqlx::Connection;
    let mut conn = sqlx::PgConnection::connect(&admin).await.ok()?;
    let name = format!("keyproj_bench_{tag}_{}", std::process::id());
    sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")).execute(&mut conn).await.ok()?;
    sqlx::query(&format!("CREATE DATABASE {name}")).execute(&mut conn).await.ok()?;
    let base = admin.rsplit_once('/').map_or(admin.as_str(), |(b, _)| b).to_string();
    Some((format!("{base}/{name}"), None))
}

struct WrkResult {
    rps: f64,
    p50_ms: f64,
    p99_ms: f64,
}

fn parse_ms(s: &str) -> f64 {
    let s = s.trim();
    if let Some(v) = s.strip_suffix("us") {
        v.parse::<f64>().unwrap_or(f64::NAN) / 1000.0
    } else if let Some(v) = s.strip_suffix("ms") {
        v.parse().unwrap_or(f64::NAN)
    } else if let Some(v) = s.strip_suffix('s') {
        v.parse::<f64>().unwrap_or(f64::NAN) * 1000.0
    } else {
        f64::NAN
    }
}

fn wrk(url: &str, seconds: u32, connections: u32, extra: &[&str]) -> Option<WrkResult> {
    // Warm up first (the numbers are for a warm server): one connection for a second.
    let mut warm = vec!["-t1", "-c1", "-d1s", "-H", "Accept-Encoding: gzip"];
    warm.extend_from_slice(extra);
    warm.push(url);
    if !extra.contains(&"-s") {
        Command::new("wrk").args(&warm).output().ok()?;
    }
    let duration = format!("{seconds}s");
    let conns = connections.to_string();
    let mut args = vec!["-t2", "-c", &conns, "-d", &duration, "--latency", "-H", "Accept-Encoding: gzip"];
    args.extend_from_slice(extra);
    args.push(url);
    let out = Command::new("wrk").args(&args).output().ok()?;
    let text = String::from_utf8_lossy(&out.stdout);
    let mut r = WrkResult { rps: f64::NAN, p50_ms: f64::NAN, p99_ms: f64::NAN };
    for line in text.lines() {
        let parts: Vec<&str> = line.split_whitespace().collect();
        match parts.as_slice() {
            ["Requests/sec:", v] => r.rps = v.parse().unwrap_or(f64::NAN),
            ["50%", v] => r.p50_ms = parse_ms(v),
            ["99%", v] => r.p99_ms = parse_ms(v),
            _ => {}
        }
        if line.contains("Non-2xx") {
            eprintln!("wrk: {line}");
        }
    }
    Some(r)
}

#[tokio::main]
async fn main() {
    // `cargo test --all-targets` runs bench targets too; the benchmark runs only under `cargo bench`.
    if !std::env::args().any(|a| a == "--bench") {
        eprintln!("load benchmark: run it with `cargo bench --bench load`");
        return;
    }
    let args = args();
    if Command::new("wrk").arg("--version").output().is_err() {
        eprintln!("wrk is not installed (apt-get install wrk)");
        std::process::exit(1);
    }
    println!("| backend | projects | load | endpoint | features | req/s | p50 ms | p99 ms |");
    println!("|---|---|---|---|---|---|---|---|");
    for backend in &args.backends {
        for &size in &args.sizes {
            let Some((url, _dir)) = database(backend, &size.to_string()).await else {
                eprintln!("skipping {backend}: no database (set KEYPROJ_TEST_POSTGRES)");
                continue;
            };
            let store = Arc::new(Store::open(&url, keyproj::clock::Clock::System).await.expect("open store"));
            let towns = store.town_layer().await.expect("towns");
            let batch = synthetic(size, &towns);
            let started = Instant::now();
            for chunk in batch.chunks(5_000) {
                store
                    .create_projects(chunk.to_vec(), &Actor::system("bench"), keyproj::clock::Clock::System.now())
                    .await
                    .expect("load");
            }
            let load = started.elapsed();
            eprintln!(
                "{backend}: loaded {size} projects in {:.1} s ({:.0}/s, batched)",
                load.as_secs_f64(),
                size as f64 / load.as_secs_f64()
            );

            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
            let addr = listener.local_addr().expect("addr");
            // Every request authenticates, as in production: an editor's API token.
            let secret = keyproj::accounts::secrets::new_api_token();
            let token = keyproj::store::NewApiToken {
                name: "bench".into(),
                token_hash: keyproj::accounts::secrets::token_hash(&secret),
                role: keyproj::domain::access::Role::Editor,
                towns: vec![],
            };
            store
                .create_token(&token, &keyproj::store::Actor::system("bench"), keyproj::clock::Clock::System.now())
                .await
                .expect("token");
            let auth = format!("Authorization: Bearer {secret}");
            let app = router(AppState::new(store.clone()));
            let server = tokio::spawn(async move { axum::serve(listener, app).await });
            let base = format!("http://{addr}");
            let load_label = format!("{:.0} s batch", load.as_secs_f64());

            // The whole county: every point.
            let url_all = format!("{base}/api/projects.geojson");
            let whole = tokio::task::spawn_blocking({
                let u = url_all.clone();
                let s = args.seconds;
                let auth = auth.clone();
                move || wrk(&u, s, 4, &["-H", &auth])
            });
            if let Ok(Some(r)) = whole.await {
                println!(
                    "| {backend} | {size} | {load_label} | projects.geojson (all) | {size} | {:.0} | {:.2} | {:.2} |",
                    r.rps, r.p50_ms, r.p99_ms
                );
            }
            // A bbox around two town seats: about 2/21 of the points.
            let bbox = "117.14,35.06,117.18,35.10";
            let bbox_filter =
                keyproj::store::ProjectFilter { bbox: Some([117.14, 35.06, 117.18, 35.10]), ..Default::default() };
            let in_bbox = store.list_projects(&bbox_filter, false, false).await.map(|(_, total)| total).unwrap_or(0);
            let url_bbox = format!("{base}/api/projects.geojson?bbox={bbox}");
            let bb = tokio::task::spawn_blocking({
                let s = args.seconds;
                let auth = auth.clone();
                move || wrk(&url_bbox, s, 4, &["-H", &auth])
            });
            if let Ok(Some(r)) = bb.await {
                println!(
                    "| {backend} | {size} | | projects.geojson?bbox | {in_bbox} | {:.0} | {:.2} | {:.2} |",
                    r.rps, r.p50_ms, r.p99_ms
                );
            }
            // Creation through the API, one project per request.
            if size == args.sizes[0] {
                let script = std::env::temp_dir().join(format!("keyproj-create-{}.lua", std::process::id()));
                let body = r#"{"name":"压测新建项目","town":"西岗镇","chain":"chemical","total_investment_yuan":150000000,"lists":[{"year":2026,"list":"attracted","annual_plan_yuan":50000000}]}"#;
                let lua = format!(
                    "wrk.method = \"POST\"\nwrk.headers[\"Content-Type\"] = \"application/json\"\nwrk.headers[\"Authorization\"] = \"Bearer {secret}\"\nwrk.body = '{body}'\n"
                );
                if std::fs::write(&script, lua).is_ok() {
                    let script_path = script.display().to_string();
                    let url = format!("{base}/api/projects");
                    let s = args.seconds;
                    let create = tokio::task::spawn_blocking(move || wrk(&url, s, 4, &["-s", &script_path]));
                    if let Ok(Some(r)) = create.await {
                        println!(
                            "| {backend} | {size} | | POST /api/projects | 1 | {:.0} | {:.2} | {:.2} |",
                            r.rps, r.p50_ms, r.p99_ms
                        );
                    }
                    let _ = std::fs::remove_file(&script);
                }
            }
            server.abort();
            store.close().await;
            if *backend == "postgres"
                && let Ok(admin) = std::env::var("KEYPROJ_TEST_POSTGRES")
            {
                use sqlx::Connection;
                if let Ok(mut conn) = sqlx::PgConnection::connect(&admin).await {
                    let name = format!("keyproj_bench_{size}_{}", std::process::id());
                    let _ =
                        sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")).execute(&mut conn).await;
                }
            }
        }
    }
}
