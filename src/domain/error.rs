//! Validation errors carry their message in Chinese and English, and the field they concern,
//! so the API can put each message next to the right form field.

use crate::code_enum;
use serde::Serialize;

code_enum! {
    /// The kinds of thing a request can name by id or name, so that "not found" says which.
    pub enum Entity {
        Project = ("project", "项目"),
        User = ("user", "用户"),
        Token = ("token", "API令牌"),
        Approval = ("approval", "审批"),
        ImportMapping = ("import_mapping", "列映射"),
        Endpoint = ("endpoint", "接口"),
    }
}

/// One thing wrong with one input field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct FieldError {
    /// Dotted path of the field in the request body, e.g. `milestones.start.planned`.
    pub field: String,
    pub message_zh: String,
    pub message_en: String,
}

impl FieldError {
    pub fn new(field: impl Into<String>, zh: impl Into<String>, en: impl Into<String>) -> Self {
        Self { field: field.into(), message_zh: zh.into(), message_en: en.into() }
    }

    /// The same error, reported under a parent field (`location` + `lon` → `location.lon`).
    pub fn under(mut self, parent: &str) -> Self {
        self.field = if self.field.is_empty() { parent.to_string() } else { format!("{parent}.{}", self.field) };
        self
    }
}

impl std::fmt::Display for FieldError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {} / {}", self.field, self.message_zh, self.message_en)
    }
}

/// Every problem found in one input, collected so a form can show them all at once.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Invalid(pub Vec<FieldError>);

impl Invalid {
    pub fn push(&mut self, e: FieldError) {
        self.0.push(e);
    }

    /// Record the error of `r` (if any) and pass its value on.
    pub fn check<T>(&mut self, r: Result<T, FieldError>) -> Option<T> {
        match r {
            Ok(v) => Some(v),
            Err(e) => {
                self.0.push(e);
                None
            }
        }
    }

    pub fn into_result(self) -> Result<(), Invalid> {
        if self.0.is_empty() { Ok(()) } else { Err(self) }
    }
}

impl From<FieldError> for Invalid {
    fn from(e: FieldError) -> Self {
        Invalid(vec![e])
    }
}

impl std::fmt::Display for Invalid {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for (i, e) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str("; ")?;
            }
            write!(f, "{e}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Invalid {}
