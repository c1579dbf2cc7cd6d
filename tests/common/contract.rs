//! Every answer a test receives is checked against the API description: its status must be one
//! the operation documents, its content type one documented for that status, and a JSON body
//! must validate against the documented schema made strict:
//! - no property the schema does not name (`additionalProperties: false`; `allOf` compositions
//!   are merged first, so a flattened struct is one object), so a field added to a response
//!   without its schema fails;
//! - every property that is always sent is required: the derived `required` list plus every
//!   nullable property (an `Option` the server sends as `null`); fields the server leaves out
//!   when empty are documented as not nullable, so they stay optional.

use serde_json::{Map, Value};
use std::collections::HashMap;
use std::sync::OnceLock;

struct Operation {
    method: String,
    /// Path segments; `None` for a `{parameter}`.
    segments: Vec<Option<String>>,
    /// Status (or `default`) → content type → compiled validator (None: a non-JSON body).
    responses: HashMap<String, HashMap<String, Option<jsonschema::Validator>>>,
    /// Status → whether the status documents no content at all.
    empty: HashMap<String, bool>,
}

pub struct Contract {
    operations: Vec<Operation>,
    error: jsonschema::Validator,
}

/// The contract of the API description compiled in this build.
pub fn contract() -> &'static Contract {
    static CONTRACT: OnceLock<Contract> = OnceLock::new();
    CONTRACT.get_or_init(|| {
        let doc: Value = serde_json::from_str(keyproj::http::openapi_json()).expect("the description is JSON");
        Contract::new(&doc)
    })
}

impl Contract {
    fn new(doc: &Value) -> Contract {
        let components = strict_components(doc);
        let compile = |schema: &Value| {
            let root = serde_json::json!({
                "$schema": "https://json-schema.org/draft/2020-12/schema",
                "components": components,
                "allOf": [strict(schema, &doc["components"])],
            });
            jsonschema::options()
                .should_validate_formats(true)
                .should_ignore_unknown_formats(true)
                .build(&root)
                .unwrap_or_else(|e| panic!("a response schema does not compile: {e}"))
        };
        let mut operations = Vec::new();
        for (path, item) in doc["paths"].as_object().expect("paths") {
            for (method, op) in item.as_object().expect("path item") {
                let mut responses = HashMap::new();
                let mut empty = HashMap::new();
                for (status, response) in op["responses"].as_object().expect("responses") {
                    let content = response["content"].as_object();
                    empty.insert(status.clone(), content.is_none());
                    let by_type: HashMap<String, Option<jsonschema::Validator>> = content
                        .into_iter()
                        .flatten()
                        .map(|(ct, media)| {
                            let json = ct.ends_with("json");
                            (ct.clone(), json.then(|| compile(&media["schema"])))
                        })
                        .collect();
                    responses.insert(status.clone(), by_type);
                }
                let segments = path
                    .split('/')
                    .map(|s| (!(s.starts_with('{') && s.ends_with('}'))).then(|| s.to_string()))
                    .collect();
                operations.push(Operation { method: method.to_uppercase(), segments, responses, empty });
            }
        }
        let error = compile(&serde_json::json!({ "$ref": "#/components/schemas/Error" }));
        Contract { operations, error }
    }

    /// The operation `method path` answers to: literal segments beat parameters, as the router's.
    fn operation(&self, method: &str, path: &str) -> Option<&Operation> {
        let parts: Vec<&str> = path.split('/').collect();
        self.operations
            .iter()
            .filter(|op| op.method == method && op.segments.len() == parts.len())
            .filter(|op| op.segments.iter().zip(&parts).all(|(s, p)| s.as_deref().is_none_or(|s| s == *p)))
            .max_by_key(|op| op.segments.iter().filter(|s| s.is_some()).count())
    }

    /// Panic, naming the operation, when the answer breaks the description.
    pub fn check(&self, method: &str, path: &str, status: u16, content_type: Option<&str>, body: &[u8]) {
        let content_type = content_type.map(|c| c.split(';').next().unwrap_or(c).trim().to_string());
        let json = content_type.as_deref().is_some_and(|c| c.ends_with("json"));
        let parsed = || -> Value {
            serde_json::from_slice(body).unwrap_or_else(|e| panic!("{method} {path} → {status}: not JSON: {e}"))
        };
        if !path.starts_with("/api/") {
            return;
        }
        let Some(op) = self.operation(method, path) else {
            // No such operation: the router's own 404/405, in the error shape when JSON.
            if json && status >= 400 {
                report(&self.error, &parsed(), method, path, status);
            }
            return;
        };
        let key = status.to_string();
        let documented = op.responses.get(&key).or_else(|| op.responses.get("default"));
        let Some(by_type) = documented else {
            let mut known: Vec<&String> = op.responses.keys().collect();
            known.sort();
            panic!("{method} {path} answered {status}, which its description does not list ({known:?})");
        };
        if body.is_empty() && op.empty.get(&key).copied().unwrap_or(false) {
            return;
        }
        let Some(ct) = content_type else {
            assert!(body.is_empty(), "{method} {path} → {status}: a body without a content type");
            return;
        };
        let Some(validator) = by_type.get(&ct) else {
            let mut known: Vec<&String> = by_type.keys().collect();
            known.sort();
            panic!("{method} {path} → {status}: content type {ct} is not documented ({known:?})");
        };
        if let Some(validator) = validator {
            report(validator, &parsed(), method, path, status);
        }
    }
}

fn report(validator: &jsonschema::Validator, instance: &Value, method: &str, path: &str, status: u16) {
    let errors: Vec<String> =
        validator.iter_errors(instance).take(10).map(|e| format!("{e} at {}", e.instance_path())).collect();
    assert!(
        errors.is_empty(),
        "{method} {path} → {status}: the body does not match its documented schema:\n  {}",
        errors.join("\n  ")
    );
}

/// The component schemas, each made strict.
fn strict_components(doc: &Value) -> Value {
    let components = &doc["components"];
    let schemas = components["schemas"].as_object().cloned().unwrap_or_default();
    let out: Map<String, Value> = schemas.iter().map(|(name, s)| (name.clone(), strict(s, components))).collect();
    serde_json::json!({ "schemas": out })
}

/// `schema` made strict (see the module comment); `components` resolves `allOf` members.
fn strict(schema: &Value, components: &Value) -> Value {
    let Value::Object(map) = schema else { return schema.clone() };
    if let Some(Value::Array(parts)) = map.get("allOf")
        && let Some(mut merged) = merge_all_of(parts, components)
    {
        for (k, v) in map {
            if k != "allOf" {
                merged.entry(k.clone()).or_insert_with(|| v.clone());
            }
        }
        return strict(&Value::Object(merged), components);
    }
    let mut out = Map::new();
    for (keyword, value) in map {
        let value = match (keyword.as_str(), value) {
            // A map of names to schemas.
            ("properties", Value::Object(props)) => {
                Value::Object(props.iter().map(|(k, v)| (k.clone(), strict(v, components))).collect())
            }
            // One schema.
            ("items" | "additionalProperties" | "not", Value::Object(_)) => strict(value, components),
            // A list of schemas.
            ("allOf" | "anyOf" | "oneOf" | "prefixItems", Value::Array(items)) => {
                Value::Array(items.iter().map(|v| strict(v, components)).collect())
            }
            _ => value.clone(),
        };
        out.insert(keyword.clone(), value);
    }
    if let Some(Value::Object(props)) = map.get("properties") {
        out.entry("additionalProperties").or_insert(Value::Bool(false));
        let mut required: Vec<Value> = map.get("required").and_then(Value::as_array).cloned().unwrap_or_default();
        for (name, prop) in props {
            let named = Value::String(name.clone());
            if is_nullable(prop) && !required.contains(&named) {
                required.push(named);
            }
        }
        out.insert("required".into(), Value::Array(required));
    }
    Value::Object(out)
}

/// An `allOf` of objects (named or inline) as one object, or None when a member is not one.
fn merge_all_of(parts: &[Value], components: &Value) -> Option<Map<String, Value>> {
    let mut properties = Map::new();
    let mut required: Vec<Value> = Vec::new();
    for part in parts {
        let resolved = match part["$ref"].as_str() {
            Some(r) => components["schemas"].get(r.strip_prefix("#/components/schemas/")?)?.clone(),
            None => part.clone(),
        };
        let resolved = match resolved.get("allOf") {
            Some(Value::Array(inner)) => Value::Object(merge_all_of(inner, components)?),
            _ => resolved,
        };
        let props = resolved.get("properties")?.as_object()?;
        properties.extend(props.clone());
        required.extend(resolved.get("required").and_then(Value::as_array).cloned().unwrap_or_default());
    }
    let mut out = Map::new();
    out.insert("type".into(), Value::String("object".into()));
    out.insert("properties".into(), Value::Object(properties));
    out.insert("required".into(), Value::Array(required));
    Some(out)
}

/// `type: [.., "null"]`, or `oneOf`/`anyOf` with a `{type: null}` member.
fn is_nullable(schema: &Value) -> bool {
    let type_null = |s: &Value| match &s["type"] {
        Value::String(t) => t == "null",
        Value::Array(ts) => ts.iter().any(|t| t == "null"),
        _ => false,
    };
    type_null(schema)
        || ["oneOf", "anyOf"].iter().any(|k| schema[*k].as_array().is_some_and(|members| members.iter().any(type_null)))
}
