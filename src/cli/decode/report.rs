//! What the dissector found: one [`Layer`] of named fields per protocol layer of a unit.

use serde_json::{json, Map, Value};

/// One protocol layer of a dissected unit.
#[derive(Debug, Default)]
pub struct Layer {
    /// The layer's name ("SMBus frame", "MCTP packet", "NVMe-MI message", ...).
    pub name: String,
    /// Fields in order: name and value as text.
    pub fields: Vec<(String, String)>,
    /// Integrity or decoding failures found at this layer.
    pub errors: Vec<String>,
}

impl Layer {
    /// An empty layer.
    pub fn new(name: impl Into<String>) -> Self {
        Layer {
            name: name.into(),
            ..Default::default()
        }
    }

    /// Add a field.
    pub fn field(&mut self, name: &str, value: impl ToString) -> &mut Self {
        self.fields.push((name.to_string(), value.to_string()));
        self
    }

    /// Add a failure.
    pub fn error(&mut self, e: impl ToString) -> &mut Self {
        self.errors.push(e.to_string());
        self
    }

    /// The layer as text, indented.
    pub fn text(&self) -> String {
        let mut s = format!("  {}\n", self.name);
        for (k, v) in &self.fields {
            s.push_str(&format!("    {k:<22}: {v}\n"));
        }
        for e in &self.errors {
            s.push_str(&format!("    !! {e}\n"));
        }
        s
    }

    /// The layer as JSON.
    pub fn json(&self) -> Value {
        let mut f = Map::new();
        for (k, v) in &self.fields {
            f.insert(k.clone(), json!(v));
        }
        json!({ "layer": self.name, "fields": f, "errors": self.errors })
    }
}

/// The dissection of one input unit.
#[derive(Debug, Default)]
pub struct Unit {
    /// The unit's bytes.
    pub bytes: Vec<u8>,
    /// Its layers, outermost first.
    pub layers: Vec<Layer>,
}

impl Unit {
    /// True if any layer reports a failure.
    pub fn failed(&self) -> bool {
        self.layers.iter().any(|l| !l.errors.is_empty())
    }

    /// The unit as text.
    pub fn text(&self, index: usize) -> String {
        let mut s = format!("#{index}: {} bytes\n", self.bytes.len());
        for l in &self.layers {
            s.push_str(&l.text());
        }
        s
    }

    /// The unit as JSON.
    pub fn json(&self, index: usize) -> Value {
        json!({
            "unit": index,
            "length": self.bytes.len(),
            "ok": !self.failed(),
            "layers": self.layers.iter().map(Layer::json).collect::<Vec<_>>(),
        })
    }
}

/// One line for a unit: direction, EIDs and tag, message type, command and status, from
/// the fields its layers found.
pub fn summary(unit: &Unit, dir: Option<&str>) -> String {
    let find = |name: &str| {
        unit.layers
            .iter()
            .flat_map(|l| l.fields.iter())
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    };
    let mut parts: Vec<String> = Vec::new();
    if let Some(d) = dir {
        parts.push(d.to_string());
    }
    if let (Some(s), Some(t)) = (find("source EID"), find("destination EID")) {
        parts.push(format!("{s} -> {t}"));
    }
    if let Some(f) = find("flags") {
        parts.push(f.to_string());
    }
    for k in [
        "message type",
        "direction (ROR)",
        "direction",
        "opcode",
        "read as answer to",
        "controller ID",
        "command",
        "primitive",
        "tag",
        "status",
        "NVMe status",
    ] {
        if let Some(v) = find(k) {
            parts.push(match k {
                "controller ID" => format!("controller {v}"),
                "tag" => format!("tag {v}"),
                _ => v.to_string(),
            });
        }
    }
    if let Some(m) = find("message") {
        if m.starts_with("packet accepted") {
            parts.push("(packet of a longer message)".into());
        }
    }
    if unit.failed() {
        parts.push("FAILED a check".into());
    }
    if parts.is_empty() {
        parts.push(format!("{} bytes, not dissected", unit.bytes.len()));
    }
    parts.join("  ")
}
