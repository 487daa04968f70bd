//! Windows PowerShell 5.1 `ConvertTo-Json` layout: two spaces after the colon, nested values indented to line up
//! four columns past their opening bracket, empty arrays as a bracket pair around an empty line.

use serde_json::Value;

fn pad(out: &mut String, n: usize) {
    out.extend(std::iter::repeat_n(' ', n));
}

fn scalar(out: &mut String, v: &Value) {
    match v {
        Value::String(s) => out.push_str(&serde_json::to_string(s).unwrap_or_default()),
        other => out.push_str(&other.to_string()),
    }
}

/// Renders `v` whose opening bracket sits at column `col` (the caller has already written the indentation).
pub fn render(v: &Value, col: usize, nl: &str, out: &mut String) {
    match v {
        Value::Object(map) => {
            out.push('{');
            out.push_str(nl);
            if map.is_empty() {
                out.push_str(nl);
            }
            let n = map.len();
            for (i, (k, child)) in map.iter().enumerate() {
                pad(out, col + 4);
                let key = serde_json::to_string(k).unwrap_or_default();
                out.push_str(&key);
                out.push_str(":  ");
                render(child, col + 4 + key.len() + 3, nl, out);
                if i + 1 < n {
                    out.push(',');
                }
                out.push_str(nl);
            }
            pad(out, col);
            out.push('}');
        }
        Value::Array(items) => {
            out.push('[');
            out.push_str(nl);
            if items.is_empty() {
                out.push_str(nl);
            }
            let n = items.len();
            for (i, child) in items.iter().enumerate() {
                pad(out, col + 4);
                render(child, col + 4, nl, out);
                if i + 1 < n {
                    out.push(',');
                }
                out.push_str(nl);
            }
            pad(out, col);
            out.push(']');
        }
        other => scalar(out, other),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn layout_matches_windows_powershell() {
        let v = serde_json::json!({"status": {"errorCode": 0}, "types": ["managedIdentity"], "none": []});
        let mut out = String::new();
        pad(&mut out, 4);
        render(&v, 4, "\n", &mut out);
        // Brackets sit where the key ends; children four columns further (as in the real Invictus exports).
        let expected = "    {\n        \"status\":  {\n                       \"errorCode\":  0\n                   },\n        \"types\":  [\n                      \"managedIdentity\"\n                  ],\n        \"none\":  [\n\n                 ]\n    }";
        assert_eq!(out, expected);
        let parsed: Value = serde_json::from_str(&out).unwrap();
        assert_eq!(parsed, v);
    }
}
