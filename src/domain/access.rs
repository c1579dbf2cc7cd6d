//! Who may do what: roles, their abilities, town scope, which changes need approval, and the
//! rules for usernames, passwords and login throttling. Pure: the HTTP layer asks, this answers.

use crate::code_enum;
use crate::domain::error::FieldError;
use crate::domain::milestone::MilestoneKind;
use crate::domain::project::ProjectPatch;
use crate::domain::status::State;
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

    /// `ability` at all, or why not.
    pub fn require(&self, ability: Ability) -> Result<(), Refusal> {
        if self.can(ability) { Ok(()) } else { Err(Refusal::Role) }
    }

    /// The towns this caller's project edits are confined to (`None`: everywhere).
    pub fn town_scope(&self) -> Option<&[String]> {
        (self.role == Role::TownEditor).then_some(self.towns.as_slice())
    }

    /// May this caller touch a project stored in `town_code` (checked on the project as stored,
    /// before and after a change, so a project moves neither into nor out of a town editor's
    /// towns)?
    pub fn may_edit_project_in(&self, town_code: &str) -> Result<(), Refusal> {
        if self.can_edit_in(town_code) { Ok(()) } else { Err(Refusal::OutsideTowns(town_code.to_string())) }
    }

    /// Suspending, resuming, withdrawing and restoring: undoing a withdrawal is as weighty as
    /// withdrawing, so a town editor may not restore a withdrawn project.
    pub fn may_change_state(&self, from: State, to: State) -> Result<(), Refusal> {
        if to == State::Active && from == State::Withdrawn && self.role == Role::TownEditor {
            Err(Refusal::EditorsOnly)
        } else {
            Ok(())
        }
    }

    /// Whether this state change waits for an editor's approval: a town editor's withdrawal.
    pub fn holds_state_change(&self, approvals_on: bool, to: State) -> bool {
        to == State::Withdrawn && self.needs_approval(approvals_on)
    }

    /// Whether a milestone change by this caller waits for approval: a town editor's actual
    /// start, completion or production date (what the rates count).
    pub fn holds_milestone_actual(&self, approvals_on: bool, kind: MilestoneKind) -> bool {
        self.needs_approval(approvals_on) && milestone_actual_is_sensitive(kind)
    }

    /// Whose held changes this caller sees: a town editor its own requests, others every one
    /// (`None`).
    pub fn approvals_visible_to(&self) -> Option<&str> {
        (self.role == Role::TownEditor).then_some(self.name.as_str())
    }

    /// An administrator may change any user, but not disable themselves or give up their own
    /// admin role: that could leave nobody to undo it.
    pub fn may_update_user(&self, user_id: i64, disable: bool, new_role: Option<Role>) -> Result<(), Refusal> {
        self.require(Ability::Administer)?;
        let demotes = new_role.is_some_and(|r| r != Role::Admin);
        if self.user_id == Some(user_id) && (disable || demotes) { Err(Refusal::SelfLockout) } else { Ok(()) }
    }
}

/// Why the rules refuse a request; the HTTP layer words it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// The caller's role may not do this at all.
    Role,
    /// A project outside a town editor's towns (the project's town code).
    OutsideTowns(String),
    /// Only an editor (or administrator) may do this, e.g. restore a withdrawn project.
    EditorsOnly,
    /// An administrator disabling or demoting themselves.
    SelfLockout,
}

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Refusal::Role => f.write_str("the role may not do this"),
            Refusal::OutsideTowns(code) => write!(f, "the project is in town {code}, outside the caller's towns"),
            Refusal::EditorsOnly => f.write_str("only an editor may do this"),
            Refusal::SelfLockout => f.write_str("an administrator may not disable or demote themselves"),
        }
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
    fn refusals_say_why() {
        let town = principal(Role::TownEditor, &["a"]);
        assert_eq!(town.require(Ability::Create), Err(Refusal::Role));
        assert_eq!(town.may_edit_project_in("a"), Ok(()));
        assert_eq!(town.may_edit_project_in("b"), Err(Refusal::OutsideTowns("b".into())));
        assert_eq!(town.town_scope(), Some(&["a".to_string()][..]));
        assert_eq!(principal(Role::Editor, &[]).town_scope(), None);
        assert_eq!(principal(Role::Viewer, &[]).may_edit_project_in("a"), Err(Refusal::OutsideTowns("a".into())));
    }

    #[test]
    fn only_editors_restore_a_withdrawn_project() {
        let town = principal(Role::TownEditor, &["a"]);
        let editor = principal(Role::Editor, &[]);
        assert_eq!(town.may_change_state(State::Withdrawn, State::Active), Err(Refusal::EditorsOnly));
        assert_eq!(town.may_change_state(State::Suspended, State::Active), Ok(()));
        assert_eq!(town.may_change_state(State::Active, State::Withdrawn), Ok(()));
        assert_eq!(editor.may_change_state(State::Withdrawn, State::Active), Ok(()));
        assert!(town.holds_state_change(true, State::Withdrawn));
        assert!(!town.holds_state_change(true, State::Suspended));
        assert!(!town.holds_state_change(false, State::Withdrawn));
        assert!(!editor.holds_state_change(true, State::Withdrawn));
        assert!(town.holds_milestone_actual(true, MilestoneKind::Start));
        assert!(!town.holds_milestone_actual(true, MilestoneKind::Permit));
        assert!(!editor.holds_milestone_actual(true, MilestoneKind::Start));
    }

    #[test]
    fn approvals_are_visible_to_editors_and_their_requesters() {
        let town = Principal { name: "tz".into(), ..principal(Role::TownEditor, &["a"]) };
        assert_eq!(town.approvals_visible_to(), Some("tz"));
        assert_eq!(principal(Role::Editor, &[]).approvals_visible_to(), None);
        assert_eq!(principal(Role::Viewer, &[]).approvals_visible_to(), None);
    }

    #[test]
    fn an_administrator_cannot_lock_themselves_out() {
        let admin = principal(Role::Admin, &[]);
        assert_eq!(admin.may_update_user(1, true, None), Err(Refusal::SelfLockout));
        assert_eq!(admin.may_update_user(1, false, Some(Role::Editor)), Err(Refusal::SelfLockout));
        assert_eq!(admin.may_update_user(1, false, Some(Role::Admin)), Ok(()));
        assert_eq!(admin.may_update_user(2, true, Some(Role::Viewer)), Ok(()));
        assert_eq!(principal(Role::Editor, &[]).may_update_user(2, false, None), Err(Refusal::Role));
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
