//! The API description is generated from the code; these tests keep its checked-in copy (the
//! source of the web app's TypeScript types) current, and check what the document promises.

use serde_json::Value;
use std::path::Path;

const CHECKED_IN: &str = "web/src/api/openapi.json";

/// `KEYPROJ_UPDATE_OPENAPI=1 cargo test --test api_description` rewrites the checked-in copy.
#[test]
fn the_checked_in_document_is_current() {
    let generated = keyproj::http::openapi_json();
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(CHECKED_IN);
    if std::env::var("KEYPROJ_UPDATE_OPENAPI").is_ok_and(|v| v == "1") {
        std::fs::write(&path, format!("{generated}\n")).expect("write the document");
    }
    let stored = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        stored.trim_end() == generated.trim_end(),
        "{CHECKED_IN} is stale: run `KEYPROJ_UPDATE_OPENAPI=1 cargo test --test api_description` and then \
         `npm --prefix web run api-types`, and commit both"
    );
}

fn document() -> Value {
    serde_json::from_str(keyproj::http::openapi_json()).expect("the document is JSON")
}

#[test]
fn it_is_openapi_3_1_with_every_operation_tagged_and_summarised() {
    let doc = document();
    assert!(doc["openapi"].as_str().is_some_and(|v| v.starts_with("3.1")), "{}", doc["openapi"]);
    let paths = doc["paths"].as_object().expect("paths");
    assert!(paths.len() >= 40, "{} paths", paths.len());
    for (path, item) in paths {
        assert!(path.starts_with("/api/"), "{path}");
        for (method, op) in item.as_object().expect("path item") {
            let tags = op["tags"].as_array().map_or(0, Vec::len);
            assert!(tags == 1, "{method} {path} has {tags} tags");
            assert!(op["summary"].as_str().is_some_and(|s| !s.is_empty()), "{method} {path} has no summary");
            let responses = op["responses"].as_object().expect("responses");
            assert!(responses.keys().any(|s| s.starts_with('2')), "{method} {path} documents no success");
        }
    }
}

#[test]
fn operation_ids_are_unique() {
    let doc = document();
    let mut ids: Vec<String> = doc["paths"]
        .as_object()
        .expect("paths")
        .values()
        .flat_map(|item| item.as_object().expect("item").values())
        .map(|op| op["operationId"].as_str().expect("every operation has an id").to_string())
        .collect();
    let n = ids.len();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), n, "operation ids repeat");
}

#[test]
fn closed_vocabularies_are_string_enums_with_their_chinese_labels() {
    let doc = document();
    let schemas = &doc["components"]["schemas"];
    for (name, code, label) in [
        ("Tier", "10b", "100亿元以上"),
        ("Chain", "lithium", "锂电"),
        ("Status", "under_construction", "在建"),
        ("ListLevel", "province_major", "省"),
        ("MilestoneKind", "production", "投产"),
        ("Light", "red", "红灯"),
        ("Factor", "land", "土地"),
        ("Role", "town_editor", "镇街编辑"),
        ("ErrorCode", "version_conflict", "版本冲突"),
    ] {
        let s = &schemas[name];
        assert_eq!(s["type"], "string", "{name}");
        let values: Vec<&str> = s["enum"].as_array().expect(name).iter().filter_map(Value::as_str).collect();
        assert!(values.contains(&code), "{name} lacks {code}: {values:?}");
        let description = s["description"].as_str().unwrap_or_default();
        assert!(description.contains(&format!("`{code}`")) && description.contains(label), "{name}: {description}");
    }
}

#[test]
fn every_error_answer_has_the_error_schema() {
    let doc = document();
    for (path, item) in doc["paths"].as_object().expect("paths") {
        for (method, op) in item.as_object().expect("item") {
            for (status, response) in op["responses"].as_object().expect("responses") {
                if !(status.starts_with('4') || status.starts_with('5')) || status == "503" && path == "/api/health" {
                    continue;
                }
                let content = &response["content"]["application/json"]["schema"];
                // The schema itself, or one it names (`anyOf` an error and another shape).
                let named = content["$ref"]
                    .as_str()
                    .and_then(|r| r.strip_prefix("#/components/schemas/"))
                    .map(|name| doc["components"]["schemas"][name].to_string())
                    .unwrap_or_default();
                let names_error =
                    content["$ref"] == "#/components/schemas/Error" || named.contains("\"#/components/schemas/Error\"");
                assert!(names_error, "{method} {path} {status}: {content}");
            }
        }
    }
}

/// Every `$ref` in the document names a schema it defines.
#[test]
fn every_reference_resolves() {
    fn walk(v: &Value, refs: &mut Vec<String>) {
        match v {
            Value::Object(map) => {
                if let Some(Value::String(r)) = map.get("$ref") {
                    refs.push(r.clone());
                }
                map.values().for_each(|x| walk(x, refs));
            }
            Value::Array(items) => items.iter().for_each(|x| walk(x, refs)),
            _ => {}
        }
    }
    let doc = document();
    let mut refs = Vec::new();
    walk(&doc, &mut refs);
    assert!(refs.len() > 100);
    for r in refs {
        let name = r.strip_prefix("#/components/schemas/").unwrap_or_else(|| panic!("unexpected reference {r}"));
        assert!(doc["components"]["schemas"].get(name).is_some(), "{r} is not defined");
    }
}

/// A schema that is part of another (`allOf`) must not refuse the other parts' properties.
#[test]
fn no_flattened_part_is_closed() {
    let doc = document();
    let text = doc.to_string();
    for (name, schema) in doc["components"]["schemas"].as_object().expect("schemas") {
        let reference = format!("#/components/schemas/{name}");
        let is_part = doc["components"]["schemas"]
            .as_object()
            .expect("schemas")
            .values()
            .any(|v| v["allOf"].as_array().is_some_and(|m| m.iter().any(|x| x["$ref"] == reference.as_str())));
        if is_part {
            assert_ne!(schema["additionalProperties"], false, "{name} is an allOf part but closed");
        }
    }
    assert!(text.contains("allOf"));
}
