//! `harrier bench` on a small generated case: every figure the report promises is there and adds up.

use assert_cmd::Command;

#[test]
fn bench_reports_every_figure_on_a_small_case() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("bench");
    let out = Command::cargo_bin("harrier")
        .unwrap()
        .args(["-q", "bench"])
        .arg(&dir)
        .args(["--events", "3000", "--json"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let r: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let num = |k: &str| r[k].as_f64().unwrap_or_else(|| panic!("{k} missing in {r}"));
    assert!(num("records_generated") >= 3000.0, "{r}");
    assert!(num("ingest_events_per_s") > 0.0 && num("ingest_mb_per_s") > 0.0);
    assert!(num("index_to_input") > 0.0 && num("index_to_input") < 1.0, "{r}");
    // The pivot is the busiest real user, and its timeline and a lookup by id were both timed.
    assert!(
        r["timeline_pivot"].as_str().unwrap().starts_with("user:")
            && r["timeline_pivot"].as_str().unwrap().contains('@')
    );
    assert!(num("timeline_rows") > 100.0, "{r}");
    for k in [
        "timeline_page_ms",
        "timeline_first_200_ms",
        "timeline_first_200_cold_ms",
        "id_lookup_ms",
        "ids_100_lookup_ms",
        "detect_s",
        "detect_pass_s",
    ] {
        assert!(num(k) > 0.0, "{k} was not measured: {r}");
    }
    assert!(num("alerts") >= 1.0, "the generated case plants attacks: {r}");
    // `detect` as its own process: timed whole, with its own peak memory (well below what ingest needed).
    let own = &r["detect_process"];
    assert!(own["wall_s"].as_f64().is_some_and(|s| s > 0.0), "{own}");
    if cfg!(target_os = "linux") {
        let peak = own["peak_rss_mb"].as_f64().unwrap_or_else(|| panic!("no peak memory: {own}"));
        assert!(peak > 1.0 && peak < num("peak_rss_mb") * 4.0, "{own} vs {r}");
    }
    let families = r["detect_families_ms"].as_object().expect("detection time per family");
    for f in ["attack", "mail", "identity", "sign-in", "incidents"] {
        assert!(families.get(f).and_then(|v| v.as_f64()).is_some(), "no time for family {f}: {r}");
    }
    let a = &r["archive"];
    assert!(a["members"].as_u64().unwrap() >= 100, "{a}");
    for k in ["unpacked_ingest_s", "zip_ingest_s", "zip_to_unpacked", "zip_reingest_s"] {
        assert!(a[k].as_f64().is_some_and(|v| v > 0.0), "{k} was not measured: {a}");
    }
    // A second run refuses to overwrite the case it left behind.
    let again = Command::cargo_bin("harrier").unwrap().args(["-q", "bench"]).arg(&dir).output().unwrap();
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("not empty"));
}
