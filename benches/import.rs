//! Import benchmark: a generated 10k- and 100k-row ledger XLSX, dry run (read, interpret,
//! plan) and commit, on SQLite and PostgreSQL; peak memory from /proc/self/status. The commit
//! writes new projects in multi-row statements (`insert_projects` in src/store/sql.rs).
//!
//!     cargo bench --bench import -- [--rows 10000,100000] [--backend sqlite|postgres|both]

use keyproj::import::plan::plan;
use keyproj::import::{ImportOptions, interpret, read_table};
use keyproj::store::Store;
use std::time::Instant;

fn peak_rss_mib() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines().find(|l| l.starts_with("VmHWM:")).and_then(|l| l.split_whitespace().nth(1)?.parse::<f64>().ok())
        })
        .map_or(f64::NAN, |kb| kb / 1024.0)
}

/// A ledger with `rows` projects over the 21 towns, in the office's columns.
fn ledger(rows: usize) -> Vec<u8> {
    let towns = [
        "荆河街道",
        "龙泉街道",
        "北辛街道",
        "善南街道",
        "东沙河街道",
        "洪绪镇",
        "南沙河镇",
        "大坞镇",
        "滨湖镇",
        "级索镇",
        "西岗镇",
        "姜屯镇",
        "鲍沟镇",
        "张汪镇",
        "官桥镇",
        "柴胡店镇",
        "羊庄镇",
        "木石镇",
        "界河镇",
        "龙阳镇",
        "东郭镇",
    ];
    let chains = ["化工", "机床", "锂电", "医药", "数字经济"];
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    let headers = [
        "序号",
        "项目编号",
        "项目名称",
        "建设单位",
        "所在镇街",
        "产业链",
        "总投资(万元)",
        "年度计划投资(万元)",
        "计划开工时间",
        "计划竣工时间",
        "项目类别",
        "责任单位",
    ];
    let _ = ws.write_string(0, 0, "2026年滕州市重点项目台账");
    for (c, h) in headers.iter().enumerate() {
        let _ = ws.write_string(1, c as u16, *h);
    }
    for i in 0..rows {
        let r = i as u32 + 2;
        let total = 5_000.0 + (i % 300) as f64 * 100.0;
        let _ = ws.write_number(r, 0, (i + 1) as f64);
        let _ = ws.write_string(r, 1, format!("IMP-{i:06}"));
        let _ = ws.write_string(r, 2, format!("年产{}万吨新材料项目{i}", i % 50 + 1));
        let _ = ws.write_string(r, 3, format!("山东示例{}有限公司", i % 997));
        let _ = ws.write_string(r, 4, towns[i % towns.len()]);
        let _ = ws.write_string(r, 5, chains[i % chains.len()]);
        let _ = ws.write_number(r, 6, total);
        let _ = ws.write_number(r, 7, (total / 3.0).round());
        let _ = ws.write_string(r, 8, format!("2026-{:02}-15", i % 12 + 1));
        let _ = ws.write_string(r, 9, "2027年下半年");
        let _ = ws.write_string(r, 10, "县级 实施类 新开工");
        let _ = ws.write_string(r, 11, "市发展改革局");
    }
    wb.save_to_buffer().unwrap_or_default()
}

#[tokio::main]
async fn main() {
    if !std::env::args().any(|a| a == "--bench") {
        eprintln!("import benchmark: run it with `cargo bench --bench import`");
        return;
    }
    let mut sizes = vec![10_000usize, 100_000];
    let mut backends = vec!["sqlite", "postgres"];
    let mut args = std::env::args();
    while let Some(a) = args.next() {
        match a.as_str() {
            "--rows" => sizes = args.next().unwrap_or_default().split(',').filter_map(|s| s.parse().ok()).collect(),
            "--backend" => {
                backends = vec![if args.next().as_deref() == Some("postgres") { "postgres" } else { "sqlite" }]
            }
            _ => {}
        }
    }
    println!("| backend | rows | XLSX size | read | interpret | plan (dry run total) | commit | peak RSS |");
    println!("|---|---|---|---|---|---|---|---|");
    for backend in backends {
        for &rows in &sizes {
            let bytes = ledger(rows);
            let dir = tempfile::tempdir().expect("dir");
            // The PostgreSQL database to drop afterwards: (server URL, name).
            let mut pg_database = None;
            let url = if backend == "sqlite" {
                format!("sqlite:{}", dir.path().join("b.sqlite").display())
            } else {
                let Ok(admin) = std::env::var("KEYPROJ_TEST_POSTGRES") else {
                    eprintln!("skipping postgres: KEYPROJ_TEST_POSTGRES not set");
                    continue;
                };
                use sqlx::Connection;
                let name = format!("keyproj_bench_import_{rows}_{}", std::process::id());
                if let Ok(mut c) = sqlx::PgConnection::connect(&admin).await {
                    let _ = sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")).execute(&mut c).await;
                    let _ = sqlx::query(&format!("CREATE DATABASE {name}")).execute(&mut c).await;
                }
                pg_database = Some((admin.clone(), name.clone()));
                format!("{}/{name}", admin.rsplit_once('/').map_or(admin.as_str(), |(b, _)| b))
            };
            let store = Store::open(&url, keyproj::clock::Clock::System).await.expect("store");
            let towns = store.town_layer().await.expect("towns");
            let t0 = Instant::now();
            let table = read_table("bench.xlsx", &bytes).expect("read");
            let read = t0.elapsed();
            let t1 = Instant::now();
            let interp = interpret(&table, &towns, &ImportOptions { year: 2026, mapping: None });
            let interpret_time = t1.elapsed();
            let existing = store.all_projects().await.expect("projects");
            let planned =
                plan("bench.xlsx", &table.sheet, &interp, &existing, &towns, 2026, keyproj::clock::Clock::System.now());
            let dry = t0.elapsed();
            assert_eq!(planned.create.len(), rows, "{:?}", planned.errors.first());
            let t2 = Instant::now();
            store.apply_changes(planned.changes("bench"), keyproj::clock::Clock::System.now()).await.expect("commit");
            let commit = t2.elapsed();
            println!(
                "| {backend} | {rows} | {} KiB | {:.2} s | {:.2} s | {:.2} s | {:.1} s | {:.0} MiB |",
                bytes.len() / 1024,
                read.as_secs_f64(),
                interpret_time.as_secs_f64(),
                dry.as_secs_f64(),
                commit.as_secs_f64(),
                peak_rss_mib()
            );
            store.close().await;
            if let Some((admin, name)) = pg_database {
                use sqlx::Connection;
                if let Ok(mut c) = sqlx::PgConnection::connect(&admin).await {
                    let _ = sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")).execute(&mut c).await;
                }
            }
        }
    }
}
