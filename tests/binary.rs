//! The `keyproj` binary itself: `serve --demo` on a fresh SQLite file answers on the URL it
//! prints, `towns import` replaces the layer, and bad CLI input fails with a message.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

const BIN: &str = env!("CARGO_BIN_EXE_keyproj");

struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// A plain HTTP/1.1 request (no client library needed for a smoke test): status, headers, body.
fn request(addr: &str, method: &str, path: &str, headers: &[(&str, &str)], body: &str) -> (u16, String, String) {
    let mut stream = TcpStream::connect(addr).expect("connect");
    stream.set_read_timeout(Some(Duration::from_secs(30))).expect("timeout");
    let extra: String = headers.iter().map(|(k, v)| format!("{k}: {v}\r\n")).collect();
    write!(
        stream,
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nContent-Length: {}\r\n{extra}\r\n{body}",
        body.len()
    )
    .expect("write");
    let mut response = String::new();
    stream.read_to_string(&mut response).expect("read");
    let status = response.split_whitespace().nth(1).and_then(|s| s.parse().ok()).unwrap_or(0);
    let (head, body) = response.split_once("\r\n\r\n").unwrap_or_default();
    (status, head.to_string(), body.to_string())
}

fn get(addr: &str, path: &str) -> (u16, String) {
    let (status, _, body) = request(addr, "GET", path, &[], "");
    (status, body)
}

fn get_as(addr: &str, path: &str, token: &str) -> (u16, String) {
    let auth = format!("Bearer {token}");
    let (status, _, body) = request(addr, "GET", path, &[("Authorization", &auth)], "");
    (status, body)
}

/// Run the binary with `stdin`; (success, stdout, stderr).
fn run_with_stdin(args: &[&str], stdin: &str) -> (bool, String, String) {
    let mut child = Command::new(BIN)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run keyproj");
    child.stdin.take().expect("stdin").write_all(stdin.as_bytes()).expect("write stdin");
    let out = child.wait_with_output().expect("wait");
    (out.status.success(), String::from_utf8_lossy(&out.stdout).into(), String::from_utf8_lossy(&out.stderr).into())
}

#[test]
fn serve_with_demo_prints_its_url_and_answers() {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = format!("sqlite:{}", dir.path().join("keyproj.sqlite").display());
    let child = Command::new(BIN)
        .args(["serve", "--demo", "--addr", "127.0.0.1:0", "--database", &db])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start keyproj");
    let mut server = Server(child);
    let stdout = server.0.stdout.take().expect("stdout");
    let mut lines = BufReader::new(stdout).lines();
    let (mut addr, mut password) = (None, None);
    for line in lines.by_ref() {
        let line = line.expect("line");
        if let Some(rest) = line.strip_prefix("created the administrator 'admin' with password") {
            password = rest.rsplit(' ').next().map(str::to_string);
        }
        if let Some(rest) = line.split("http://").nth(1) {
            addr = rest.split('/').next().map(str::to_string);
            break;
        }
    }
    let addr = addr.expect("the server prints its URL");
    let password = password.expect("the first start prints the admin's password");
    assert_eq!(password.len(), 16);
    let (status, body) = get(&addr, "/api/health");
    assert_eq!(status, 200);
    assert!(body.contains("\"database\":\"sqlite\""), "{body}");
    // No open door: without signing in, nothing but the health check and the app's files.
    let (status, body) = get(&addr, "/api/projects?limit=1");
    assert_eq!(status, 401, "{body}");
    let (status, head, body) = request(
        &addr,
        "POST",
        "/api/login",
        &[("Content-Type", "application/json")],
        &serde_json::json!({ "username": "admin", "password": password }).to_string(),
    );
    assert_eq!(status, 200, "{body}");
    let cookie = head
        .lines()
        .find_map(|l| l.strip_prefix("set-cookie: "))
        .and_then(|c| c.split(';').next())
        .expect("a session cookie")
        .to_string();
    assert!(head.to_lowercase().contains("httponly") && head.contains("SameSite=Strict"), "{head}");
    let (status, _, body) = request(&addr, "GET", "/api/projects?limit=1", &[("Cookie", &cookie)], "");
    assert_eq!(status, 200);
    let total: serde_json::Value = serde_json::from_str(body.trim()).unwrap_or_default();
    assert!(total["total"].as_i64().unwrap_or(0) > 300, "{body}");
    let (status, head, _) = request(&addr, "GET", "/", &[], "");
    assert_eq!(status, 200);
    assert!(head.to_lowercase().contains("content-security-policy: default-src 'self'"), "{head}");
}

#[test]
fn users_and_tokens_from_the_command_line() {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = format!("sqlite:{}", dir.path().join("k.sqlite").display());
    let (ok, out, err) = run_with_stdin(
        &["user", "add", "Zhang", "--role", "editor", "--password-stdin", "--database", &db],
        "a long password\n",
    );
    assert!(ok, "{err}");
    assert_eq!(out, "", "a password from stdin is not echoed");
    // A generated password is printed once, alone on stdout.
    let (ok, out, err) =
        run_with_stdin(&["user", "add", "li", "--role", "town_editor", "--town", "北辛街道", "--database", &db], "");
    assert!(ok, "{err}");
    assert_eq!(out.trim().len(), 16);
    let (ok, _, err) = run_with_stdin(&["user", "add", "wang", "--role", "town_editor", "--database", &db], "");
    assert!(!ok && err.contains("town"), "a town editor needs a town: {err}");
    let (ok, _, err) = run_with_stdin(&["user", "add", "zhao", "--role", "boss", "--database", &db], "");
    assert!(!ok && err.contains("unknown role"), "{err}");
    let (ok, _, err) = run_with_stdin(
        &["user", "add", "zhang", "--role", "viewer", "--password-stdin", "--database", &db],
        "another long one\n",
    );
    assert!(!ok && err.contains("already exists"), "names are case-insensitive: {err}");
    let (ok, _, err) =
        run_with_stdin(&["user", "add", "qian", "--role", "viewer", "--password-stdin", "--database", &db], "short\n");
    assert!(!ok && err.contains("10"), "{err}");
    let (ok, out, _) = run_with_stdin(&["user", "list", "--database", &db], "");
    assert!(ok);
    assert!(out.contains("zhang\teditor") && out.contains("li\ttown_editor\t北辛街道"), "{out}");
    let (ok, _, err) = run_with_stdin(&["user", "disable", "li", "--database", &db], "");
    assert!(ok, "{err}");
    let (_, out, _) = run_with_stdin(&["user", "list", "--database", &db], "");
    assert!(out.contains("已停用"), "{out}");

    let (ok, token, err) =
        run_with_stdin(&["token", "create", "--role", "viewer", "--name", "统计接口", "--database", &db], "");
    assert!(ok, "{err}");
    let token = token.trim().to_string();
    assert!(token.starts_with("kp_") && !token.contains(char::is_whitespace), "the token alone: {token:?}");
    let (ok, out, _) = run_with_stdin(&["token", "list", "--database", &db], "");
    assert!(ok && out.contains("统计接口") && !out.contains(&token), "{out}");

    // The token works against a server on the same database, until it is revoked.
    let child = Command::new(BIN)
        .args(["serve", "--addr", "127.0.0.1:0", "--database", &db])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start keyproj");
    let mut server = Server(child);
    let stdout = server.0.stdout.take().expect("stdout");
    let mut printed = String::new();
    let mut addr = None;
    // Keep reading end of the pipe open: the server prints more after its URL.
    let mut lines = BufReader::new(stdout).lines();
    for line in lines.by_ref() {
        let line = line.expect("line");
        printed.push_str(&line);
        if let Some(rest) = line.split("http://").nth(1) {
            addr = rest.split('/').next().map(str::to_string);
            break;
        }
    }
    let addr = addr.expect("url");
    assert!(!printed.contains("created the administrator"), "users exist: no first-start admin");
    let (status, body) = get_as(&addr, "/api/me", &token);
    assert_eq!(status, 200, "{body}");
    assert!(body.contains("\"role\":\"viewer\""), "{body}");
    let (ok, _, err) = run_with_stdin(&["token", "revoke", "1", "--database", &db], "");
    assert!(ok, "{err}");
    let (status, _) = get_as(&addr, "/api/me", &token);
    assert_eq!(status, 401);
    let (ok, _, err) = run_with_stdin(&["token", "revoke", "99", "--database", &db], "");
    assert!(!ok && err.contains("no token"), "{err}");
}

#[test]
fn towns_import_replaces_the_layer_and_refuses_breaking_it() {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = format!("sqlite:{}", dir.path().join("k.sqlite").display());
    let layer = dir.path().join("towns.geojson");
    std::fs::write(
        &layer,
        r#"{"type":"FeatureCollection","features":[
          {"type":"Feature","properties":{"code":"990001","name":"甲镇","aliases":["甲"]},"geometry":{"type":"Polygon","coordinates":[[[100,30],[101,30],[101,31],[100,31],[100,30]]]}},
          {"type":"Feature","properties":{"code":"990002","name":"乙镇"},"geometry":{"type":"Polygon","coordinates":[[[101,30],[102,30],[102,31],[101,31],[101,30]]]}}]}"#,
    )
    .expect("write layer");
    let out = Command::new(BIN)
        .args([
            "towns",
            "import",
            layer.to_str().unwrap_or_default(),
            "--attribution",
            "本县自有数据",
            "--database",
            &db,
        ])
        .output()
        .expect("run");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).contains("2"));

    // With projects in Tengzhou towns, a layer without those towns is refused.
    let db2 = format!("sqlite:{}", dir.path().join("k2.sqlite").display());
    let out = Command::new(BIN)
        .args(["demo", "--year", "2026", "--as-of", "2026-06-30", "--database", &db2])
        .output()
        .expect("run");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let out = Command::new(BIN)
        .args(["towns", "import", layer.to_str().unwrap_or_default(), "--database", &db2])
        .output()
        .expect("run");
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("370481") && err.contains("town codes"), "{err}");

    // A second demo load into a non-empty database is refused.
    let out = Command::new(BIN).args(["demo", "--database", &db2]).output().expect("run");
    assert!(!out.status.success());

    // Not GeoJSON, and a database URL we do not know.
    let bad = dir.path().join("bad.geojson");
    std::fs::write(&bad, "这不是GeoJSON").expect("write");
    let out = Command::new(BIN)
        .args(["towns", "import", bad.to_str().unwrap_or_default(), "--database", &db])
        .output()
        .expect("run");
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("GeoJSON"));
    let out = Command::new(BIN).args(["migrate", "--database", "mysql://x"]).output().expect("run");
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("sqlite:"));
}

#[test]
fn report_and_indicators_commands_write_what_an_office_sends() {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = format!("sqlite:{}", dir.path().join("k.sqlite").display());
    let run = |args: &[&str]| Command::new(BIN).args(args).args(["--database", &db]).output().expect("run");
    let out = run(&["demo", "--year", "2026", "--as-of", "2026-11-27"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));

    let xlsx = dir.path().join("weekly.xlsx");
    let out =
        run(&["report", "weekly", "--week", "2026-W47", "--format", "xlsx", "-o", xlsx.to_str().unwrap_or_default()]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stderr).contains("2026-W47"));
    use calamine::Reader;
    let mut book: calamine::Xlsx<_> = calamine::open_workbook(&xlsx).expect("a workbook");
    let sheets = book.sheet_names();
    for name in ["汇总", "滞后项目", "变化情况"] {
        assert!(sheets.iter().any(|s| s == name), "{name} in {sheets:?}");
    }
    let laggards = book.worksheet_range("滞后项目").expect("sheet");
    assert!(laggards.rows().count() > 10, "the demo year has laggards");

    let out = run(&["report", "bulletin", "--month", "2026-10"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8_lossy(&out.stdout);
    for section in ["一、项目进度", "二、项目开工", "三、竣工投产", "四、滞后项目"] {
        assert!(text.contains(section), "{section}: {text}");
    }
    let out = run(&["indicators", "--year", "2026", "--as-of", "2026-11-22", "--json"]);
    assert!(out.status.success());
    let ind: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(ind["as_of"], "2026-11-22");
    let out = run(&["indicators", "--year", "2026", "--as-of", "2026-11-22"]);
    assert!(String::from_utf8_lossy(&out.stdout).contains("开工率"));

    // Rules: a preset changes the lights; an unknown preset or a broken file is an error.
    let out = run(&["indicators", "--year", "2026", "--as-of", "2026-11-22", "--json", "--rules-preset", "yinchuan"]);
    let yinchuan: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert!(yinchuan["rules"].as_str().unwrap_or_default().starts_with("yinchuan"));
    assert!(yinchuan["lights"]["red"].as_i64() <= ind["lights"]["red"].as_i64());
    let out = run(&["indicators", "--rules-preset", "nowhere"]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("unknown rules preset"));
    let bad = dir.path().join("rules.toml");
    std::fs::write(&bad, "name = \"x\"\n").expect("write");
    let out = run(&["indicators", "--rules", bad.to_str().unwrap_or_default()]);
    assert!(!out.status.success());
    let out = run(&["report", "weekly", "--week", "48"]);
    assert!(!out.status.success());
}

#[test]
fn import_command_previews_then_commits() {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = format!("sqlite:{}", dir.path().join("k.sqlite").display());
    let file = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/ledgers/county_title_note.csv");
    let run = |args: &[&str]| Command::new(BIN).args(args).args(["--database", &db]).output().expect("run");
    let out = run(&["import", file, "--dry-run", "--year", "2026"]);
    assert!(!out.status.success(), "errors in the file: non-zero exit");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("5 to create") && text.contains("2 errors"), "{text}");
    let out = run(&["import", file, "--year", "2026"]);
    assert!(!out.status.success(), "nothing is written with errors");
    let out = run(&["import", file, "--year", "2026", "--valid-only"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).contains("5 created"));
    let out = run(&["import", file, "--year", "2026", "--valid-only"]);
    assert!(String::from_utf8_lossy(&out.stdout).contains("0 created, 0 updated"), "idempotent");
}

#[test]
fn report_formats_are_a_closed_choice_listed_on_error() {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = format!("sqlite:{}", dir.path().join("k.sqlite").display());
    let run = |args: &[&str]| Command::new(BIN).args(args).args(["--database", &db]).output().expect("run");
    let out = run(&["demo", "--year", "2026", "--as-of", "2026-11-27"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));

    // Every accepted value writes its file; the bulletin takes `txt` for text as it always has.
    let cases: [(&str, &[&str], &str); 2] = [
        ("weekly", &["xlsx", "csv", "html", "json"], "--week=2026-W47"),
        ("bulletin", &["text", "txt", "json", "html", "xlsx"], "--month=2026-10"),
    ];
    for (report, formats, period) in cases {
        for format in formats {
            let path = dir.path().join(format!("{report}.{format}"));
            let out = run(&["report", report, period, "--format", format, "-o", path.to_str().unwrap_or_default()]);
            assert!(out.status.success(), "{report} {format}: {}", String::from_utf8_lossy(&out.stderr));
            assert!(std::fs::metadata(&path).is_ok_and(|m| m.len() > 0), "{report} {format} writes a file");
        }
    }
    let read = |name: &str| std::fs::read_to_string(dir.path().join(name)).expect("a bulletin");
    assert!(read("bulletin.text").contains("一、项目进度"), "the text bulletin");
    assert_eq!(read("bulletin.txt"), read("bulletin.text"), "txt is text");

    // A format a report does not have is refused before anything runs, naming the choices.
    for (report, format, choices) in
        [("weekly", "text", "xlsx, csv, html, json"), ("bulletin", "csv", "text, json, html, xlsx")]
    {
        let out = run(&["report", report, "--format", format]);
        assert!(!out.status.success(), "{report} --format {format}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(&format!("[possible values: {choices}]")), "{report}: {err}");
    }
}
