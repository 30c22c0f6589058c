//! `-o json`: one JSON object a line on standard output for every reading and every change
//! of the set of endpoints, for scripts.

use std::time::{SystemTime, UNIX_EPOCH};

use serde_json::{json, Value};

use super::poll::Target;
use super::reading::CRITICAL_WARNINGS;
use super::state::Record;

fn seconds(t: SystemTime) -> f64 {
    t.duration_since(UNIX_EPOCH)
        .map_or(0.0, |d| d.as_secs_f64())
}

fn base(what: &str, t: &Target) -> serde_json::Map<String, Value> {
    let mut m = serde_json::Map::new();
    m.insert("type".into(), json!(what));
    m.insert("time".into(), json!(seconds(SystemTime::now())));
    m.insert("endpoint".into(), json!(t.to_string()));
    m.insert("network".into(), json!(t.network()));
    m.insert("eid".into(), json!(t.eid()));
    m
}

/// An endpoint appeared (`added`) or went away (`removed`).
pub fn membership(what: &str, t: &Target) -> Value {
    Value::Object(base(what, t))
}

/// The endpoint's state after a job: its last good readings, with their times.
pub fn reading(t: &Target, r: &Record) -> Value {
    let mut m = base("reading", t);
    m.insert("serial".into(), json!(r.serial()));
    m.insert("model".into(), json!(r.model()));
    m.insert("up".into(), json!(r.up));
    if let Some(h) = &r.health {
        let warnings: Vec<&str> = CRITICAL_WARNINGS
            .iter()
            .filter(|(bit, _)| h.value.warnings & (1 << bit) != 0)
            .map(|(_, name)| *name)
            .collect();
        m.insert(
            "health".into(),
            json!({
                "time": seconds(h.wall),
                "composite_temperature_celsius": h.value.temperature_celsius,
                "percentage_used": h.value.percentage_used,
                "critical_warnings": warnings,
                "nss": h.value.nss,
                "ccs": h.value.ccs,
            }),
        );
    }
    if let Some(c) = &r.controllers {
        let list: Vec<Value> = c
            .value
            .iter()
            .map(|c| {
                json!({
                    "controller": c.id,
                    "csts": c.csts,
                    "temperature_celsius": c.temperature_celsius,
                    "percentage_used": c.percentage_used,
                    "available_spare": c.available_spare,
                    "critical_warning": c.critical_warning,
                })
            })
            .collect();
        m.insert(
            "controllers".into(),
            json!({ "time": seconds(c.wall), "list": list }),
        );
    }
    if let Some(s) = &r.smart {
        m.insert(
            "smart".into(),
            json!({
                "time": seconds(s.wall),
                "critical_warning": s.value.critical_warning,
                "available_spare": s.value.available_spare,
                "available_spare_threshold": s.value.available_spare_threshold,
                "percentage_used": s.value.percentage_used,
                "power_on_hours": s.value.power_on_hours,
                "media_errors": s.value.media_errors,
                "unsafe_shutdowns": s.value.unsafe_shutdowns,
            }),
        );
    }
    m.insert("events_received".into(), json!(r.events));
    m.insert("polls".into(), json!(r.polls));
    if let Some(e) = &r.last_error {
        m.insert(
            "last_error".into(),
            json!({ "kind": e.kind.name(), "message": e.message }),
        );
    }
    Value::Object(m)
}
