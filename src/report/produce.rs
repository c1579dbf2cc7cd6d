//! Producing reports from the store: load the ledger once, run the engine, render. Shared by
//! the HTTP API and the CLI so both give the same bytes for the same data.

use super::bulletin::{Bulletin, bulletin};
use super::render;
use super::weekly::{WeeklyReport, weekly_report};
use crate::domain::calendar::IsoWeek;
use crate::domain::indicators::{Indicators, Targets, indicators};
use crate::domain::lights::RuleSet;
use crate::domain::report::Period;
use crate::store::{Actor, PublishedWeekly, Store, StoreError};
use chrono::{DateTime, NaiveDate, Utc};

#[derive(Debug, thiserror::Error)]
pub enum ProduceError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Render(#[from] render::RenderError),
    #[error("published report {0} cannot be read back: {1}")]
    Corrupt(String, String),
}

/// The formats a report can be downloaded in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Json,
    Xlsx,
    Csv,
    Html,
    Text,
}

impl Format {
    pub fn parse(s: &str) -> Option<Format> {
        match s {
            "json" => Some(Format::Json),
            "xlsx" => Some(Format::Xlsx),
            "csv" => Some(Format::Csv),
            "html" => Some(Format::Html),
            "text" | "txt" => Some(Format::Text),
            _ => None,
        }
    }

    pub fn extension(self) -> &'static str {
        match self {
            Format::Json => "json",
            Format::Xlsx => "xlsx",
            Format::Csv => "csv",
            Format::Html => "html",
            Format::Text => "txt",
        }
    }

    pub fn content_type(self) -> &'static str {
        match self {
            Format::Json => "application/json",
            Format::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            Format::Csv => "text/csv; charset=utf-8",
            Format::Html => "text/html; charset=utf-8",
            Format::Text => "text/plain; charset=utf-8",
        }
    }
}

pub async fn targets_for(store: &Store, year: i32) -> Result<Targets, StoreError> {
    Ok(store.targets(year).await?.unwrap_or_default())
}

pub async fn indicators_for(
    store: &Store,
    rules: &RuleSet,
    year: i32,
    as_of: NaiveDate,
) -> Result<Indicators, ProduceError> {
    let projects = store.all_projects().await?;
    let targets = targets_for(store, year).await?;
    Ok(indicators(&projects, year, as_of, rules, &targets))
}

/// The county's name as the stored town layer gives it, for report titles.
async fn county_name(store: &Store) -> Result<String, StoreError> {
    Ok(store.town_layer().await?.county_name.clone())
}

pub async fn bulletin_for(store: &Store, rules: &RuleSet, month: Period) -> Result<Bulletin, ProduceError> {
    let projects = store.all_projects().await?;
    let targets = targets_for(store, month.year).await?;
    let county = county_name(store).await?;
    Ok(bulletin(&projects, month, rules, &targets, &county))
}

/// The week's report computed from the data now; the diff compares against last week's
/// report as published, when it was.
pub async fn weekly_for(
    store: &Store,
    rules: &RuleSet,
    week: IsoWeek,
    now: DateTime<Utc>,
) -> Result<WeeklyReport, ProduceError> {
    let previous = week.previous().to_string();
    let published = match store.published_weekly(&previous).await? {
        Some(p) => Some(
            serde_json::from_str::<WeeklyReport>(&p.json)
                .map_err(|e| ProduceError::Corrupt(previous.clone(), e.to_string()))?,
        ),
        None => None,
    };
    let projects = store.all_projects().await?;
    let county = county_name(store).await?;
    Ok(weekly_report(&projects, week, rules, published.as_ref(), now, &county))
}

pub fn render_weekly(report: &WeeklyReport, format: Format) -> Result<Vec<u8>, ProduceError> {
    Ok(match format {
        Format::Json | Format::Text => serde_json::to_vec_pretty(report).unwrap_or_default(),
        Format::Xlsx => render::weekly_xlsx(report)?,
        Format::Csv => render::weekly_csv(report),
        Format::Html => render::weekly_html(report).into_bytes(),
    })
}

pub fn render_bulletin(b: &Bulletin, format: Format) -> Result<Vec<u8>, ProduceError> {
    Ok(match format {
        Format::Json => serde_json::to_vec_pretty(b).unwrap_or_default(),
        Format::Text | Format::Csv => b.text().into_bytes(),
        Format::Xlsx => render::bulletin_xlsx(b)?,
        Format::Html => render::bulletin_html(b).into_bytes(),
    })
}

/// Compute, render every format and store the week as issued.
pub async fn publish_week(
    store: &Store,
    rules: &RuleSet,
    week: IsoWeek,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<PublishedWeekly, ProduceError> {
    let report = weekly_for(store, rules, week, now).await?;
    let published = PublishedWeekly {
        week: week.to_string(),
        published_at: now,
        published_by: actor.name.clone(),
        json: String::from_utf8(render_weekly(&report, Format::Json)?).unwrap_or_default(),
        xlsx: render_weekly(&report, Format::Xlsx)?,
        csv: render_weekly(&report, Format::Csv)?,
        html: String::from_utf8(render_weekly(&report, Format::Html)?).unwrap_or_default(),
    };
    store.publish_weekly(&published, actor).await?;
    Ok(published)
}

/// The bytes of a published week in one format.
pub fn published_bytes(p: &PublishedWeekly, format: Format) -> Vec<u8> {
    match format {
        Format::Json | Format::Text => p.json.clone().into_bytes(),
        Format::Xlsx => p.xlsx.clone(),
        Format::Csv => p.csv.clone(),
        Format::Html => p.html.clone().into_bytes(),
    }
}
