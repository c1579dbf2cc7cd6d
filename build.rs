//! Builds the web app (`web/`, Vue + Vite) into `web/dist`, which the binary embeds, so the one
//! binary is the whole product. Needs Node.js 20+ and npm; packages come from the npm registry
//! through `web/package-lock.json`.
//!
//! `KEYPROJ_SKIP_WEB_BUILD=1` builds the server without running npm (the API works; the web
//! pages are a placeholder unless `web/dist` was built before).

use std::path::Path;
use std::process::Command;

fn main() {
    // Only paths that exist: cargo treats a missing one as always changed.
    for path in ["web/src", "web/index.html", "web/package.json", "web/package-lock.json", "web/vite.config.ts"] {
        if Path::new(path).exists() {
            println!("cargo:rerun-if-changed={path}");
        }
    }
    println!("cargo:rerun-if-env-changed=KEYPROJ_SKIP_WEB_BUILD");
    let web = Path::new("web");
    let dist = web.join("dist");
    let skip = std::env::var("KEYPROJ_SKIP_WEB_BUILD").is_ok_and(|v| v == "1");
    if skip || !web.join("package.json").exists() {
        ensure_placeholder(&dist);
        return;
    }
    let npm = if cfg!(windows) { "npm.cmd" } else { "npm" };
    if Command::new(npm).arg("--version").output().is_err() {
        panic!(
            "\n\n构建网页端需要 Node.js 20+ 和 npm(例如 apt-get install nodejs npm),\n\
             或设置 KEYPROJ_SKIP_WEB_BUILD=1 只构建服务端。\n\
             Building the web app needs Node.js 20+ and npm (e.g. apt-get install nodejs npm);\n\
             set KEYPROJ_SKIP_WEB_BUILD=1 to build the server alone.\n\n"
        );
    }
    let lock = web.join("package-lock.json");
    let installed = web.join("node_modules/.package-lock.json");
    let stale = !installed.exists() || modified(&lock) > modified(&installed);
    if stale {
        run(npm, &["ci", "--no-audit", "--no-fund"], web);
    }
    run(npm, &["run", "build"], web);
}

fn modified(p: &Path) -> std::time::SystemTime {
    p.metadata().and_then(|m| m.modified()).unwrap_or(std::time::UNIX_EPOCH)
}

fn run(npm: &str, args: &[&str], dir: &Path) {
    let status = Command::new(npm).args(args).current_dir(dir).status();
    match status {
        Ok(s) if s.success() => {}
        Ok(s) => panic!("\n\n`npm {}` failed ({s}) in web/: see the output above.\n\n", args.join(" ")),
        Err(e) => panic!("\n\ncannot run npm: {e}\n\n"),
    }
}

/// The server still builds (and serves the API) without the web app.
fn ensure_placeholder(dist: &Path) {
    if dist.join("index.html").exists() {
        return;
    }
    let _ = std::fs::create_dir_all(dist);
    let _ = std::fs::copy("src/http/placeholder.html", dist.join("index.html"));
}
