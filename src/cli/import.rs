//! `keyproj import FILE`: read, interpret and plan a spreadsheet ledger; print the preview;
//! commit all or nothing (or the valid rows with `--valid-only`). Big files show a progress bar
//! per stage (interpreting, matching, writing) on stderr.

use super::{CliResult, whoami};
use crate::clock::Clock;
use crate::domain::column_mapping::ColumnMapping;
use crate::import::plan::{ImportPlan, plan_with_progress};
use crate::import::{ImportOptions, RawTable, interpret_with_progress, read_table};
use crate::store::Store;
use chrono::Datelike;
use std::path::Path;

/// The options of `keyproj import`.
pub(super) struct ImportFlags {
    pub dry_run: bool,
    pub year: Option<i32>,
    pub valid_only: bool,
    pub mapping: Option<String>,
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

/// `keyproj import`: the stages in order (saved mapping, file, interpretation and plan,
/// preview), then the commit, which writes nothing unless the plan is clean or `--valid-only`.
pub(super) async fn import(store: &Store, clock: Clock, file: &Path, flags: ImportFlags) -> CliResult<()> {
    let ImportFlags { dry_run, year, valid_only, mapping } = flags;
    let started = std::time::Instant::now();
    let mapping = saved_mapping(store, mapping.as_deref()).await?;
    let (name, table) = read_file(file)?;
    let now = clock.now();
    let year = year.unwrap_or(clock.today().year());
    let planned = interpret_and_plan(store, &name, &table, ImportOptions { year, mapping }, now).await?;
    print_preview(&name, &table.sheet, &planned);
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
    let secs = started.elapsed().as_secs_f64();
    let (created, updated, unchanged) = (planned.create.len(), planned.update.len(), planned.unchanged.len());
    println!(
        "已导入:新增{created}个,更新{updated}个,无变化{unchanged}个(用时{secs:.1}秒) / imported: {created} created, {updated} updated, {unchanged} unchanged in {secs:.1} s",
    );
    Ok(())
}

/// The saved mapping named by `--mapping`; an unknown name is an error that lists the saved
/// ones, rather than an import under the dictionary alone.
async fn saved_mapping(store: &Store, name: Option<&str>) -> CliResult<Option<ColumnMapping>> {
    let Some(name) = name.map(str::trim).filter(|m| !m.is_empty()) else { return Ok(None) };
    if let Some(saved) = store.import_mapping(name).await? {
        return Ok(Some(saved.mapping));
    }
    let names: Vec<String> = store.import_mappings().await?.into_iter().map(|m| m.name).collect();
    let names = if names.is_empty() { "-".to_string() } else { names.join(", ") };
    Err(format!(
        "没有名为“{name}”的已保存列映射(已保存:{names}) / no saved column mapping named {name:?} (saved: {names})"
    )
    .into())
}

/// The file's name and its first sheet as text cells. Reading a workbook is one call, so it
/// gets a spinner rather than a bar (hidden when stderr is not a terminal).
fn read_file(file: &Path) -> CliResult<(String, RawTable)> {
    let reading = indicatif::ProgressBar::new_spinner();
    reading.enable_steady_tick(std::time::Duration::from_millis(120));
    reading.set_message("读取文件 / reading the file");
    let bytes = std::fs::read(file).map_err(|e| format!("无法读取 / cannot read {}: {e}", file.display()))?;
    let name = file.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_default();
    let table = read_table(&name, &bytes);
    reading.finish_and_clear();
    Ok((name, table?))
}

/// Interpret the sheet and plan it against the ledger, each stage with its progress bar. The
/// ledger's projects are dropped as soon as the plan is made: a big ledger and a big file
/// should not both stay in memory through the commit.
async fn interpret_and_plan(
    store: &Store,
    name: &str,
    table: &RawTable,
    options: ImportOptions,
    now: chrono::DateTime<chrono::Utc>,
) -> CliResult<ImportPlan> {
    let year = options.year;
    let towns = store.town_layer().await?;
    let bar = import_bar(table.rows.len(), "识别 / interpreting");
    let interpretation = interpret_with_progress(table, &towns, &options, &mut |n| bar.set_position(n as u64));
    bar.finish_and_clear();
    let bar = import_bar(interpretation.rows.len(), "比对 / matching");
    let existing = store.all_projects().await?;
    let planned = plan_with_progress(name, &table.sheet, &interpretation, &existing, &towns, year, now, &mut |n| {
        bar.set_position(n as u64)
    });
    drop(existing);
    bar.finish_and_clear();
    Ok(planned)
}

/// The preview: a summary line, each field an update changes (stdout), then the errors and
/// the likely duplicates (stderr).
fn print_preview(name: &str, sheet: &str, planned: &ImportPlan) {
    let (header, create, update) = (planned.header_row, planned.create.len(), planned.update.len());
    let (unchanged, skipped) = (planned.unchanged.len(), planned.skipped.len());
    let (errors, duplicates) = (planned.errors.len(), planned.duplicates.len());
    println!(
        "{name}({sheet}):表头第{header}行;新增{create}个,更新{update}个,无变化{unchanged}个,跳过{skipped}行,错误{errors}处,疑似重复{duplicates}个 / header row {header}; {create} to create, {update} to update, {unchanged} unchanged, {skipped} skipped, {errors} errors, {duplicates} likely duplicates",
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
}
