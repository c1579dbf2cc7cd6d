//! `keyproj user …` and `keyproj token …`: accounts from the command line (the first admin,
//! scripts' tokens), and the first start's administrator.

use super::CliResult;
use crate::accounts::check_role_towns;
use crate::accounts::secrets::{hash_password, new_api_token, random_password, token_hash};
use crate::clock::Clock;
use crate::domain::access::{Role, check_password, check_token_name, check_username};
use crate::store::{Actor, NewApiToken, NewUser, Store, UserChange};
use clap::Subcommand;
use std::io::BufRead;

#[derive(Subcommand, Debug)]
pub enum UserCommand {
    /// Create a user; prints a generated password once unless --password-stdin
    Add {
        name: String,
        /// admin, editor, town_editor or viewer
        #[arg(long)]
        role: String,
        /// A town (code or name) a town editor is bound to; repeat for several
        #[arg(long = "town")]
        towns: Vec<String>,
        #[arg(long)]
        display_name: Option<String>,
        /// Read the password from the first line of standard input
        #[arg(long)]
        password_stdin: bool,
    },
    /// List the users
    List,
    /// Disable a user (ends its sessions; it can no longer sign in)
    Disable { name: String },
    /// Enable a disabled user
    Enable { name: String },
    /// Set a new password (generated and printed once unless --password-stdin); ends its sessions
    ResetPassword {
        name: String,
        #[arg(long)]
        password_stdin: bool,
    },
}

#[derive(Subcommand, Debug)]
pub enum TokenCommand {
    /// Create an API token; prints the token alone on stdout (shown once)
    Create {
        /// admin, editor, town_editor or viewer
        #[arg(long)]
        role: String,
        #[arg(long = "town")]
        towns: Vec<String>,
        #[arg(long, default_value = "script")]
        name: String,
    },
    /// List the tokens (never their secrets)
    List,
    /// Revoke a token by id
    Revoke { id: i64 },
}

/// Who runs the command: the operating-system account, recorded as source `cli`.
fn cli_actor() -> Actor {
    Actor::new(super::whoami(), "cli")
}

fn parse_role(role: &str) -> CliResult<Role> {
    Ok(Role::parse(role.trim())
        .ok_or_else(|| format!("未知角色 / unknown role {role:?}; expected one of {}", Role::codes()))?)
}

fn field_error(e: crate::domain::FieldError) -> Box<dyn std::error::Error + Send + Sync> {
    format!("{}: {} / {}", e.field, e.message_zh, e.message_en).into()
}

fn read_password_line() -> CliResult<String> {
    let mut line = String::new();
    std::io::stdin().lock().read_line(&mut line)?;
    Ok(line.trim_end_matches(['\r', '\n']).to_string())
}

async fn hash(password: String) -> CliResult<String> {
    Ok(tokio::task::spawn_blocking(move || hash_password(&password)).await?)
}

async fn find_user(store: &Store, name: &str) -> CliResult<crate::store::User> {
    let name = check_username(name).map_err(field_error)?;
    Ok(store.user_by_name(&name).await?.ok_or_else(|| format!("没有用户 / no user {name:?}"))?)
}

pub async fn run_user(store: &Store, clock: Clock, command: UserCommand) -> CliResult<()> {
    let actor = cli_actor();
    match command {
        UserCommand::Add { name, role, towns, display_name, password_stdin } => {
            let role = parse_role(&role)?;
            let username = check_username(&name).map_err(field_error)?;
            let layer = store.town_layer().await?;
            let towns = check_role_towns(role, &towns, &layer).map_err(field_error)?;
            let (password, generated) =
                if password_stdin { (read_password_line()?, false) } else { (random_password(), true) };
            check_password(&password, &username).map_err(field_error)?;
            let new = NewUser {
                username: username.clone(),
                display_name: display_name.map(|d| d.trim().to_string()).filter(|d| !d.is_empty()),
                password_hash: hash(password.clone()).await?,
                role,
                towns,
            };
            store.create_user(&new, &actor, clock.now()).await?;
            eprintln!("已创建用户 / created user {username} ({})", role.label_zh());
            if generated {
                println!("{password}");
                eprintln!("↑ 初始密码仅显示一次 / the password above is shown only once");
            }
        }
        UserCommand::List => {
            let layer = store.town_layer().await?;
            for u in store.users().await? {
                let towns: Vec<String> =
                    u.towns.iter().map(|c| layer.by_code(c).map_or_else(|| c.clone(), |t| t.name.clone())).collect();
                println!(
                    "{}\t{}\t{}\t{}\t{}",
                    u.username,
                    u.role,
                    towns.join(","),
                    if u.disabled { "已停用/disabled" } else { "启用/active" },
                    u.last_login_at.map_or_else(|| "-".to_string(), |t| t.to_rfc3339())
                );
            }
        }
        UserCommand::Disable { name } => {
            let user = find_user(store, &name).await?;
            let change = UserChange { disabled: Some(true), ..UserChange::default() };
            store.update_user(user.id, None, &change, &actor, clock.now()).await?;
            eprintln!("已停用 / disabled {}", user.username);
        }
        UserCommand::Enable { name } => {
            let user = find_user(store, &name).await?;
            let change = UserChange { disabled: Some(false), ..UserChange::default() };
            store.update_user(user.id, None, &change, &actor, clock.now()).await?;
            eprintln!("已启用 / enabled {}", user.username);
        }
        UserCommand::ResetPassword { name, password_stdin } => {
            let user = find_user(store, &name).await?;
            let (password, generated) =
                if password_stdin { (read_password_line()?, false) } else { (random_password(), true) };
            check_password(&password, &user.username).map_err(field_error)?;
            store.set_password(user.id, &hash(password.clone()).await?, None, &actor, clock.now()).await?;
            eprintln!("已重置密码 / password reset for {}", user.username);
            if generated {
                println!("{password}");
                eprintln!("↑ 新密码仅显示一次 / the password above is shown only once");
            }
        }
    }
    Ok(())
}

pub async fn run_token(store: &Store, clock: Clock, command: TokenCommand) -> CliResult<()> {
    let actor = cli_actor();
    match command {
        TokenCommand::Create { role, towns, name } => {
            let role = parse_role(&role)?;
            let name = check_token_name(&name).map_err(field_error)?;
            let layer = store.town_layer().await?;
            let towns = check_role_towns(role, &towns, &layer).map_err(field_error)?;
            let secret = new_api_token();
            let new = NewApiToken { name, token_hash: token_hash(&secret), role, towns };
            let token = store.create_token(&new, &actor, clock.now()).await?;
            eprintln!(
                "已创建令牌 / created token #{} {} ({}); 仅显示一次 / shown only once",
                token.id, token.name, role
            );
            println!("{secret}");
        }
        TokenCommand::List => {
            for t in store.tokens().await? {
                println!(
                    "{}\t{}\t{}\t{}\t{}",
                    t.id,
                    t.name,
                    t.role,
                    t.towns.join(","),
                    t.revoked_at
                        .map_or_else(|| "有效/live".to_string(), |r| format!("已吊销/revoked {}", r.to_rfc3339()))
                );
            }
        }
        TokenCommand::Revoke { id } => {
            store.revoke_token(id, &actor, clock.now()).await.map_err(|e| match e {
                crate::store::StoreError::NotFound(_) => format!("没有令牌 / no token #{id}").into(),
                other => Box::new(other) as Box<dyn std::error::Error + Send + Sync>,
            })?;
            eprintln!("已吊销 / revoked token #{id}");
        }
    }
    Ok(())
}

/// On a server's first start with no users at all, create `admin` with a random password and
/// print it once: there is never a default password.
pub async fn ensure_first_admin(store: &Store, clock: Clock) -> CliResult<()> {
    if store.user_count().await? > 0 {
        return Ok(());
    }
    let password = random_password();
    let new = NewUser {
        username: "admin".into(),
        display_name: Some("管理员".into()),
        password_hash: hash(password.clone()).await?,
        role: Role::Admin,
        towns: vec![],
    };
    match store.create_user(&new, &Actor::system("first start"), clock.now()).await {
        Ok(_) => {
            println!("已创建管理员账号 admin,初始密码(仅显示一次,请登录后修改):{password}");
            println!(
                "created the administrator 'admin' with password (shown once; change it after signing in): {password}"
            );
        }
        // Another instance sharing the database got there first.
        Err(crate::store::StoreError::UserExists(_)) => {}
        Err(e) => return Err(e.into()),
    }
    Ok(())
}
