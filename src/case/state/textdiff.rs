//! A line diff in unified format, for showing a configuration change before it is made.

/// Most lines compared; beyond this the whole text is shown as replaced (case files are far smaller).
const MAX_LINES: usize = 5000;

/// Lines of context around each change.
const CONTEXT: usize = 2;

#[derive(Clone, Copy, PartialEq)]
enum Op {
    Same,
    Del,
    Add,
}

/// `before` and `after` as a unified diff with headers naming `label`; empty when they are equal.
pub fn unified(label: &str, before: &str, after: &str) -> String {
    if before == after {
        return String::new();
    }
    let a: Vec<&str> = before.lines().collect();
    let b: Vec<&str> = after.lines().collect();
    let script = edit_script(&a, &b);
    let mut out = format!("--- {label}\n+++ {label} (after)\n");
    // Positions in a and b for each script entry.
    let mut pos = Vec::with_capacity(script.len());
    let (mut i, mut j) = (0usize, 0usize);
    for (op, _) in &script {
        pos.push((i, j));
        match op {
            Op::Same => {
                i += 1;
                j += 1;
            }
            Op::Del => i += 1,
            Op::Add => j += 1,
        }
    }
    let changed: Vec<usize> = (0..script.len()).filter(|k| script[*k].0 != Op::Same).collect();
    let mut k = 0;
    while k < changed.len() {
        let start = changed[k].saturating_sub(CONTEXT);
        let mut end = changed[k];
        while k < changed.len() && changed[k] <= end + 2 * CONTEXT + 1 {
            end = changed[k];
            k += 1;
        }
        let end = (end + CONTEXT + 1).min(script.len());
        let (a0, b0) = pos[start];
        let a_len = script[start..end].iter().filter(|(op, _)| *op != Op::Add).count();
        let b_len = script[start..end].iter().filter(|(op, _)| *op != Op::Del).count();
        out.push_str(&format!("@@ -{},{a_len} +{},{b_len} @@\n", a0 + 1, b0 + 1));
        for (op, line) in &script[start..end] {
            let mark = match op {
                Op::Same => ' ',
                Op::Del => '-',
                Op::Add => '+',
            };
            out.push(mark);
            out.push_str(line);
            out.push('\n');
        }
    }
    out
}

/// The shortest edit script between two line lists (longest common subsequence).
fn edit_script<'a>(a: &[&'a str], b: &[&'a str]) -> Vec<(Op, &'a str)> {
    if a.len() > MAX_LINES || b.len() > MAX_LINES {
        return a.iter().map(|l| (Op::Del, *l)).chain(b.iter().map(|l| (Op::Add, *l))).collect();
    }
    let (n, m) = (a.len(), b.len());
    let mut lcs = vec![0u32; (n + 1) * (m + 1)];
    let at = |i: usize, j: usize| i * (m + 1) + j;
    for i in (0..n).rev() {
        for j in (0..m).rev() {
            lcs[at(i, j)] =
                if a[i] == b[j] { lcs[at(i + 1, j + 1)] + 1 } else { lcs[at(i + 1, j)].max(lcs[at(i, j + 1)]) };
        }
    }
    let mut out = Vec::with_capacity(n + m);
    let (mut i, mut j) = (0, 0);
    while i < n && j < m {
        if a[i] == b[j] {
            out.push((Op::Same, a[i]));
            i += 1;
            j += 1;
        } else if lcs[at(i + 1, j)] >= lcs[at(i, j + 1)] {
            out.push((Op::Del, a[i]));
            i += 1;
        } else {
            out.push((Op::Add, b[j]));
            j += 1;
        }
    }
    out.extend(a[i..].iter().map(|l| (Op::Del, *l)));
    out.extend(b[j..].iter().map(|l| (Op::Add, *l)));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shows_changed_lines_with_context_and_positions() {
        let before = "a\nb\nc\nd\ne\nf\ng\n";
        let after = "a\nb\nc\nD\ne\nf\ng\n";
        let d = unified("case.toml", before, after);
        assert_eq!(d, "--- case.toml\n+++ case.toml (after)\n@@ -2,5 +2,5 @@\n b\n c\n-d\n+D\n e\n f\n");
        assert_eq!(unified("x", "same\n", "same\n"), "");
        let added = unified("x", "", "[allow]\n");
        assert!(added.contains("@@ -1,0 +1,1 @@\n+[allow]\n"), "{added}");
    }
}
