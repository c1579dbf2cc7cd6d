//! Who may do what: roles, their abilities, town scope, which changes need approval, and the
//! rules for usernames, passwords and login throttling. Pure: the HTTP layer asks, this answers.

use crate::code_enum;
use crate::domain::error::FieldError;
use crate::domain::milestone::MilestoneKind;
use crate::domain::project::ProjectPatch;
use std::time::Duration;

code_enum! {
    /// A user's (or token's) role. Each role can do what the one below it can, except that a
    /// town editor's edits are limited to its towns.
    pub enum Role {
        Admin = ("admin", "管理员"),
        Editor = ("editor", "编辑"),
        TownEditor = ("town_editor", "镇街编辑"),
        Viewer = ("viewer", "查看"),
    }
}

/// What a request wants to do. Project edits name the towns involved.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ability {
    /// Read any project, report, export or the per-project history.
    Read,
    /// Create projects.
    Create,
    /// Edit, report on, suspend, resume or withdraw a project in this town.
    EditIn,
    /// Import spreadsheets (creates and edits any project).
    Import,
    /// Publish the weekly report.
    Publish,
    /// Approve or reject held changes.
    Approve,
    /// Users, tokens, targets, the global audit trail.
    Administer,
}

/// An authenticated caller: a signed-in user or an API token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principal {
    /// The user id (None for an API token).
    pub user_id: Option<i64>,
    /// The user's name, or `token:NAME`.
    pub name: String,
    pub role: Role,
    /// Town codes a town editor is bound to (empty for other roles).
    pub towns: Vec<String>,
}

impl Principal {
    /// May this caller do `ability` at all (for `EditIn`: in some town)?
    pub fn can(&self, ability: Ability) -> bool {
        use Ability::*;
        match self.role {
            Role::Admin => true,
            Role::Editor => ability != Administer,
            Role::TownEditor => matches!(ability, Read | EditIn) && (ability == Read || !self.towns.is_empty()),
            Role::Viewer => ability == Read,
        }
    }

    /// May this caller edit a project located in `town_code`?
    pub fn can_edit_in(&self, town_code: &str) -> bool {
        match self.role {
            Role::Admin | Role::Editor => true,
            Role::TownEditor => self.towns.iter().any(|t| t == town_code),
            Role::Viewer => false,
        }
    }

    /// Whether this caller's sensitive changes wait for approval (given the server setting).
    pub fn needs_approval(&self, approvals_on: bool) -> bool {
        approvals_on && self.role == Role::TownEditor
    }
}

/// The part of a PATCH that needs approval (total investment, which decides the tier, and the
/// list memberships that decide what is counted), split from the part applied at once.
pub fn split_patch(patch: &ProjectPatch) -> (ProjectPatch, Option<ProjectPatch>) {
    if patch.total_investment_yuan.is_none() && patch.lists.is_none() {
        return (patch.clone(), None);
    }
    let held = ProjectPatch {
        version: patch.version,
        total_investment_yuan: patch.total_investment_yuan,
        lists: patch.lists.clone(),
        ..ProjectPatch::default()
    };
    let now = ProjectPatch { total_investment_yuan: None, lists: None, ..patch.clone() };
    (now, Some(held))
}

/// Whether a patch changes anything (a version alone does not).
pub fn patch_is_empty(p: &ProjectPatch) -> bool {
    p.name.is_none()
        && p.company.is_none()
        && p.town.is_none()
        && p.zone.is_none()
        && p.chain.is_none()
        && p.total_investment_yuan.is_none()
        && p.location.is_none()
        && p.address.is_none()
        && p.responsible_unit.is_none()
        && p.responsible_leader.is_none()
        && p.lists.is_none()
        && p.sample.is_none()
}

/// Actual start, completion and production dates are what the start and completion rates
/// count; setting them needs approval.
pub fn milestone_actual_is_sensitive(kind: MilestoneKind) -> bool {
    matches!(kind, MilestoneKind::Start | MilestoneKind::Completion | MilestoneKind::Production)
}

pub const USERNAME_MAX: usize = 64;
pub const PASSWORD_MIN: usize = 10;
pub const PASSWORD_MAX: usize = 256;

/// A username: 1–64 characters, no spaces or control characters, compared case-insensitively
/// (stored lower-cased). Chinese names are fine.
pub fn check_username(name: &str) -> Result<String, FieldError> {
    let name = name.trim();
    if name.is_empty() {
        return Err(FieldError::new("username", "用户名不能为空", "the username is required"));
    }
    if name.chars().count() > USERNAME_MAX {
        return Err(FieldError::new(
            "username",
            "用户名不能超过64个字符",
            "the username must be at most 64 characters",
        ));
    }
    if name.chars().any(|c| c.is_whitespace() || c.is_control() || c == ':' || c == '/') {
        return Err(FieldError::new(
            "username",
            "用户名不能含空格、控制字符、冒号或斜杠",
            "the username must not contain spaces, control characters, ':' or '/'",
        ));
    }
    Ok(name.to_lowercase())
}

/// A password: 10–256 characters, not the username.
pub fn check_password(password: &str, username: &str) -> Result<(), FieldError> {
    let n = password.chars().count();
    if n < PASSWORD_MIN {
        return Err(FieldError::new("password", "密码至少10个字符", "the password must have at least 10 characters"));
    }
    if n > PASSWORD_MAX {
        return Err(FieldError::new(
            "password",
            "密码不能超过256个字符",
            "the password must be at most 256 characters",
        ));
    }
    if password.to_lowercase() == username.to_lowercase() {
        return Err(FieldError::new("password", "密码不能与用户名相同", "the password must differ from the username"));
    }
    Ok(())
}

/// A token's name: 1–64 characters, no control characters.
pub fn check_token_name(name: &str) -> Result<String, FieldError> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 64 || name.chars().any(char::is_control) {
        return Err(FieldError::new(
            "name",
            "令牌名称应为1到64个字符,不含控制字符",
            "the token name must be 1 to 64 characters without control characters",
        ));
    }
    Ok(name.to_string())
}

/// Failures allowed for one username before attempts are delayed.
pub const FREE_FAILURES: i64 = 5;
/// Failures allowed from one address: more, because a whole office often reaches the server
/// through one NAT address, and one person's typos must not lock out the rest.
pub const FREE_ADDRESS_FAILURES: i64 = 20;
/// Failures older than this are forgotten.
pub const FAILURE_WINDOW: Duration = Duration::from_secs(3600);
const MAX_DELAY: Duration = Duration::from_secs(15 * 60);

/// How long to refuse attempts after the `failures`-th consecutive failure when `free` are
/// allowed: nothing before, then 2 s, 4 s, 8 s … capped at 15 minutes.
pub fn lockout_after(failures: i64, free: i64) -> Duration {
    if failures < free {
        return Duration::ZERO;
    }
    let exponent = (failures - free + 1).min(20) as u32;
    Duration::from_secs(1u64 << exponent).min(MAX_DELAY)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn principal(role: Role, towns: &[&str]) -> Principal {
        Principal { user_id: Some(1), name: "u".into(), role, towns: towns.iter().map(|t| t.to_string()).collect() }
    }

    #[test]
    fn abilities_by_role() {
        use Ability::*;
        let all = [Read, Create, EditIn, Import, Publish, Approve, Administer];
        let admin = principal(Role::Admin, &[]);
        let editor = principal(Role::Editor, &[]);
        let town = principal(Role::TownEditor, &["370481001"]);
        let viewer = principal(Role::Viewer, &[]);
        assert!(all.iter().all(|a| admin.can(*a)));
        assert!(all.iter().filter(|a| **a != Administer).all(|a| editor.can(*a)));
        assert!(!editor.can(Administer));
        let town_can: Vec<_> = all.iter().filter(|a| town.can(**a)).collect();
        assert_eq!(town_can, vec![&Read, &EditIn]);
        let viewer_can: Vec<_> = all.iter().filter(|a| viewer.can(**a)).collect();
        assert_eq!(viewer_can, vec![&Read]);
    }

    #[test]
    fn a_town_editor_without_towns_can_only_read() {
        let p = principal(Role::TownEditor, &[]);
        assert!(p.can(Ability::Read));
        assert!(!p.can(Ability::EditIn));
        assert!(!p.can_edit_in("370481001"));
    }

    #[test]
    fn town_scope() {
        let p = principal(Role::TownEditor, &["a", "b"]);
        assert!(p.can_edit_in("a") && p.can_edit_in("b"));
        assert!(!p.can_edit_in("c"));
        assert!(principal(Role::Editor, &[]).can_edit_in("c"));
        assert!(!principal(Role::Viewer, &[]).can_edit_in("a"));
    }

    #[test]
    fn only_town_editors_wait_for_approval_and_only_when_on() {
        assert!(principal(Role::TownEditor, &["a"]).needs_approval(true));
        assert!(!principal(Role::TownEditor, &["a"]).needs_approval(false));
        assert!(!principal(Role::Editor, &[]).needs_approval(true));
        assert!(!principal(Role::Admin, &[]).needs_approval(true));
    }

    #[test]
    fn split_patch_holds_investment_and_lists_only() {
        let patch = ProjectPatch {
            version: 3,
            address: Some(Some("北辛街道".into())),
            total_investment_yuan: Some(2_000_000_000),
            ..ProjectPatch::default()
        };
        let (now, held) = split_patch(&patch);
        assert_eq!(now.address, Some(Some("北辛街道".into())));
        assert_eq!(now.total_investment_yuan, None);
        let held = held.expect("held part");
        assert_eq!(held.total_investment_yuan, Some(2_000_000_000));
        assert_eq!(held.address, None);
        assert!(!patch_is_empty(&now));
        assert!(!patch_is_empty(&held));

        let plain = ProjectPatch { version: 1, name: Some("x".into()), ..ProjectPatch::default() };
        let (now, held) = split_patch(&plain);
        assert!(held.is_none());
        assert_eq!(now.name.as_deref(), Some("x"));

        let only_lists = ProjectPatch { version: 1, lists: Some(vec![]), ..ProjectPatch::default() };
        let (now, held) = split_patch(&only_lists);
        assert!(patch_is_empty(&now));
        assert!(held.is_some());
    }

    #[test]
    fn sensitive_milestones() {
        assert!(milestone_actual_is_sensitive(MilestoneKind::Start));
        assert!(milestone_actual_is_sensitive(MilestoneKind::Completion));
        assert!(milestone_actual_is_sensitive(MilestoneKind::Production));
        assert!(!milestone_actual_is_sensitive(MilestoneKind::Signed));
        assert!(!milestone_actual_is_sensitive(MilestoneKind::Land));
        assert!(!milestone_actual_is_sensitive(MilestoneKind::Permit));
    }

    #[test]
    fn usernames() {
        assert_eq!(check_username(" Zhang.San ").as_deref(), Ok("zhang.san"));
        assert_eq!(check_username("张三").as_deref(), Ok("张三"));
        assert!(check_username("").is_err());
        assert!(check_username("a b").is_err());
        assert!(check_username("token:x").is_err());
        assert!(check_username(&"x".repeat(65)).is_err());
        assert!(check_username(&"张".repeat(64)).is_ok());
    }

    #[test]
    fn passwords() {
        assert!(check_password("correct horse", "zhang").is_ok());
        assert!(check_password("short", "zhang").is_err());
        assert!(check_password("zhangsan01", "ZhangSan01").is_err());
        assert!(check_password(&"x".repeat(257), "zhang").is_err());
        assert!(check_password("十个汉字的密码一二三", "zhang").is_ok());
    }

    #[test]
    fn token_names() {
        assert_eq!(check_token_name(" 统计局接口 ").as_deref(), Ok("统计局接口"));
        assert!(check_token_name("").is_err());
        assert!(check_token_name("a\nb").is_err());
        assert!(check_token_name(&"x".repeat(65)).is_err());
    }

    #[test]
    fn lockout_grows_and_is_capped() {
        let f = FREE_FAILURES;
        assert_eq!(lockout_after(0, f), Duration::ZERO);
        assert_eq!(lockout_after(4, f), Duration::ZERO);
        assert_eq!(lockout_after(5, f), Duration::from_secs(2));
        assert_eq!(lockout_after(6, f), Duration::from_secs(4));
        assert_eq!(lockout_after(7, f), Duration::from_secs(8));
        assert_eq!(lockout_after(15, f), Duration::from_secs(15 * 60));
        assert_eq!(lockout_after(1_000_000, f), Duration::from_secs(15 * 60));
        assert_eq!(lockout_after(19, FREE_ADDRESS_FAILURES), Duration::ZERO);
        assert_eq!(lockout_after(20, FREE_ADDRESS_FAILURES), Duration::from_secs(2));
    }
}
