//! Deterministic scenario generator: a believable Microsoft 365 tenant, its logs in the shapes real exports take,
//! planted attacks with benign look-alikes, and an answer key. Used for the shipped sample cases, for training,
//! and (scale mode) for benchmarks with millions of records written in bounded memory.

pub mod activity;
pub mod allow;
pub mod answer;
pub mod catalog;
pub mod cli;
pub mod clock;
pub mod context;
pub mod exercise;
pub mod ids;
pub mod key;
pub mod layout;
pub mod options;
pub mod records;
pub mod samples;
pub mod shapes;
pub mod tenant;

pub use options::{parse_scenarios, GenOptions, Scenario, ShapeFamily};
pub use shapes::WrittenFile;

use activity::{baseline, habits, lookalikes, scenarios, services, Day, Plan};
use chrono_tz::Tz;
use key::KeyEntry;
use layout::Layout;
use rayon::prelude::*;
use records::Rec;
use std::path::{Path, PathBuf};
use std::str::FromStr;
use tenant::Tenant;

/// Why generation failed.
#[derive(Debug, thiserror::Error)]
pub enum GenError {
    #[error("invalid options: {0}")]
    Options(String),
    #[error("cannot write {path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

/// What was generated.
#[derive(Debug, Clone)]
pub struct GenSummary {
    pub tenant_id: String,
    pub domain: String,
    pub users: usize,
    pub days: u32,
    pub files: Vec<WrittenFile>,
    /// Records written, counting a record once per file it is in.
    pub records: u64,
    /// Distinct records (overlapping exports counted once).
    pub unique_records: u64,
    pub planted: usize,
    pub lookalikes: usize,
    pub bytes: u64,
}

/// Average records one person produces per day; scale mode sizes the tenant with it.
const RECORDS_PER_PERSON_DAY: f64 = 7.6;
/// People generated together in scale mode (bounds memory per step).
const SCALE_CHUNK: usize = 200;
/// Records per file in scale mode.
const SCALE_FILE_RECORDS: u64 = 1_000_000;

/// Checks the options before anything is written: ranges, the time zone, the organisation name.
pub fn validate(opts: &GenOptions) -> Result<Tz, GenError> {
    let tz = Tz::from_str(&opts.timezone)
        .map_err(|_| GenError::Options(format!("'{}' is not an IANA time zone", opts.timezone)))?;
    if opts.days == 0 || opts.days > 3660 {
        return Err(GenError::Options(format!("days must be between 1 and 3660 (got {})", opts.days)));
    }
    if opts.scale.is_none() && !(10..=100_000).contains(&opts.users) {
        return Err(GenError::Options(format!("users must be between 10 and 100000 (got {})", opts.users)));
    }
    if let Some(n) = opts.scale {
        if !(1_000..=1_000_000_000).contains(&n) {
            return Err(GenError::Options(format!("--events must be between 1000 and 1000000000 (got {n})")));
        }
    }
    opts.context.validate(opts.days).map_err(GenError::Options)?;
    if let Some(org) = &opts.org {
        if !catalog::Catalog::get().orgs.iter().any(|o| o.short.eq_ignore_ascii_case(org)) {
            let names: Vec<_> = catalog::Catalog::get().orgs.iter().map(|o| o.short).collect();
            return Err(GenError::Options(format!("unknown org '{org}' (expected one of {})", names.join(", "))));
        }
    }
    Ok(tz)
}

/// The number of people scale mode needs to reach about `events` records.
pub fn scale_users(events: u64, days: u32) -> usize {
    ((events as f64 / (days as f64 * RECORDS_PER_PERSON_DAY)).ceil() as usize).max(10)
}

/// A display name for the case.
pub fn case_name(opts: &GenOptions, t: &Tenant) -> String {
    let only_bec = opts.scenarios.len() == 1 && opts.scenarios.contains(&Scenario::Bec);
    if opts.scenarios.is_empty() {
        format!("{}: quiet tenant", t.org.name)
    } else if only_bec {
        format!("{}: business email compromise", t.org.name)
    } else if opts.scale.is_some() {
        format!("{}: scale test", t.org.name)
    } else {
        format!("{}: incident exercise", t.org.name)
    }
}

/// The service, look-alike and scenario activity of one day.
fn tenant_day(t: &Tenant, tz: Tz, opts: &GenOptions, plan: &Plan, index: u32) -> (Vec<Rec>, Vec<KeyEntry>) {
    let mut day = Day::new(t, tz, opts.start, index, &[ids::label("services")]);
    services::service_day(&mut day);
    if opts.lookalikes {
        lookalikes::automation(&mut day);
        lookalikes::sync_reads(&mut day);
        lookalikes::trusted_partner(&mut day, index == plan.trusted_partner);
        lookalikes::system_grant(&mut day);
        if plan.helpdesk_grants.contains(&index) {
            lookalikes::helpdesk_grant(&mut day);
        }
    }
    let on = |s: Scenario| opts.scenarios.contains(&s);
    if on(Scenario::An0534) && index == plan.an0534 {
        scenarios::an0534(&mut day);
    }
    if on(Scenario::An0959) && index == plan.an0959 {
        scenarios::an0959(&mut day);
    }
    if on(Scenario::An1089) && index == plan.an1089 {
        scenarios::an1089(&mut day);
    }
    if on(Scenario::An1350) {
        let last = opts.days.saturating_sub(1);
        for stage in 1..=3u8 {
            if index == (plan.an1350 + stage as u32 - 1).min(last) {
                scenarios::an1350(&mut day, stage);
            }
        }
    }
    if on(Scenario::An1107) && index == plan.an1107 {
        scenarios::an1107(&mut day);
    }
    if on(Scenario::Bec) && index == plan.bec {
        scenarios::bec(&mut day);
    }
    if on(Scenario::BecPack) {
        scenarios::bec_pack(&mut day, plan.days);
    }
    if opts.context.habits {
        let planted = habits::Planted {
            an0534: on(Scenario::An0534),
            an0959: on(Scenario::An0959),
            an1089: on(Scenario::An1089),
            an1350: on(Scenario::An1350),
            an1107: on(Scenario::An1107),
        };
        let mut h = Day::new(t, tz, opts.start, index, &[ids::label("habits")]);
        habits::habits_day(&mut h, plan, planted);
        day.out.append(&mut h.out);
        day.key.append(&mut h.key);
    }
    (day.out, day.key)
}

/// The ordinary activity of people `range` on one day.
fn people_day(
    t: &Tenant,
    tz: Tz,
    opts: &GenOptions,
    plan: &Plan,
    index: u32,
    range: std::ops::Range<usize>,
) -> (Vec<Rec>, Vec<KeyEntry>) {
    let mut day = Day::new(t, tz, opts.start, index, &[ids::label("people")]);
    let travelling = opts.lookalikes && (plan.travel..plan.travel + 3).contains(&index);
    let hotel = lookalikes::travel_net();
    for i in range {
        let Some(p) = t.people.get(i) else { break };
        day.rng = ids::stream(t.seed, &[ids::label("person-day"), index as u64, i as u64]);
        if travelling && i == t.cast.traveller {
            let from = day.out.len();
            baseline::person_day(&mut day, p, Some(&hotel));
            lookalikes::traveller_key(&mut day, from);
        } else {
            baseline::person_day(&mut day, p, None);
        }
    }
    (day.out, day.key)
}

fn io_err(path: &Path) -> impl FnOnce(std::io::Error) -> GenError + '_ {
    move |source| GenError::Io { path: path.to_path_buf(), source }
}

/// Writes what goes beside the evidence: the answer key (with the allowed acts, if any), `case.toml` (with their
/// allow-list entries), the trainer's story and the exercise.
fn write_case_files(
    opts: &GenOptions,
    t: &Tenant,
    out: &Path,
    entries: &[KeyEntry],
    files: &[WrittenFile],
    unique: u64,
) -> Result<(), GenError> {
    let name = case_name(opts, t);
    let mut key_doc = answer::answer_key(opts, t, entries, files, unique);
    let allowed = allow::allowed(t, entries);
    if !allowed.is_empty() {
        key_doc["allowed"] = serde_json::to_value(&allowed).unwrap_or_default();
    }
    let key_path = out.join("answer-key.json");
    let mut text = serde_json::to_string_pretty(&key_doc).unwrap_or_default();
    text.push('\n');
    std::fs::write(&key_path, text).map_err(io_err(&key_path))?;
    let case_path = out.join("case.toml");
    let mut case_text = answer::case_toml(opts, t, &name);
    allow::extend_case_toml(&mut case_text, &allowed, t);
    // The analytic settings the planted twins rely on (an approved partner domain).
    if opts.scenarios.contains(&Scenario::BecPack) {
        case_text.push_str(&scenarios::pack_case_toml());
    }
    std::fs::write(&case_path, case_text).map_err(io_err(&case_path))?;
    let md_path = out.join("SCENARIO.md");
    let mut story = answer::scenario_md(opts, t, &name, entries, files, unique);
    story.push_str(&opts.context.describe());
    std::fs::write(&md_path, story).map_err(io_err(&md_path))?;
    let ex_path = out.join(crate::exercise::EXERCISE_FILE);
    std::fs::write(&ex_path, exercise::exercise_toml(opts, t, &name, entries)).map_err(io_err(&ex_path))?;
    Ok(())
}

/// Generates a case into `out` (created if missing). The same options always produce byte-identical files.
pub fn generate(opts: &GenOptions, out: &Path) -> Result<GenSummary, GenError> {
    let tz = validate(opts)?;
    let users = match opts.scale {
        Some(n) => scale_users(n, opts.days),
        None => opts.users,
    };
    let mut t = Tenant::build(opts.seed, users, opts.org.as_deref());
    t.vary = opts.vary;
    t.context = opts.context.clone();
    let plan = match opts.context.history {
        Some(h) => Plan::after(h, opts.days),
        None => Plan::new(opts.days),
    };
    std::fs::create_dir_all(out).map_err(io_err(out))?;
    let mut layout = match opts.scale {
        Some(_) => Layout::scale(out, &t.id, opts.days, SCALE_FILE_RECORDS),
        None => Layout::family(out, &t.id, opts.shapes, opts.start, opts.days),
    };
    let mut keys = Vec::new();
    let mut unique = 0u64;
    let mut write = |mut recs: Vec<Rec>, index: u32, layout: &mut Layout| -> Result<(), GenError> {
        recs.retain(|r| opts.context.keeps(r.kind));
        recs.sort_by_key(|r| r.ts);
        for r in &recs {
            if layout.route(r, index).map_err(io_err(out))? > 0 {
                unique += 1;
            }
        }
        Ok(())
    };
    if opts.scale.is_some() {
        // Generation runs on its own thread (people in parallel chunks, each with its own random streams) while
        // this thread writes; batches arrive in a fixed order, so output stays deterministic.
        let (tx, rx) = std::sync::mpsc::sync_channel::<(Vec<Rec>, Vec<KeyEntry>, u32)>(4);
        let (t_ref, plan_ref) = (&t, &plan);
        std::thread::scope(|scope| -> Result<(), GenError> {
            scope.spawn(move || {
                let ranges: Vec<std::ops::Range<usize>> = (0..t_ref.people.len())
                    .step_by(SCALE_CHUNK)
                    .map(|s| s..(s + SCALE_CHUNK).min(t_ref.people.len()))
                    .collect();
                for index in 0..opts.days {
                    let (recs, k) = tenant_day(t_ref, tz, opts, plan_ref, index);
                    if tx.send((recs, k, index)).is_err() {
                        return;
                    }
                    for batch in ranges.chunks(4) {
                        let results: Vec<(Vec<Rec>, Vec<KeyEntry>)> =
                            batch.par_iter().map(|r| people_day(t_ref, tz, opts, plan_ref, index, r.clone())).collect();
                        for (chunk, k) in results {
                            if tx.send((chunk, k, index)).is_err() {
                                return;
                            }
                        }
                    }
                }
            });
            for (recs, mut k, index) in rx {
                keys.append(&mut k);
                write(recs, index, &mut layout)?;
            }
            Ok(())
        })?;
    } else {
        for index in 0..opts.days {
            let (mut recs, mut k) = tenant_day(&t, tz, opts, &plan, index);
            keys.append(&mut k);
            let (mut people, mut k) = people_day(&t, tz, opts, &plan, index, 0..t.people.len());
            keys.append(&mut k);
            recs.append(&mut people);
            write(recs, index, &mut layout)?;
        }
    }
    let files = layout.finish().map_err(io_err(out))?;
    let entries = answer::merge(keys);
    write_case_files(opts, &t, out, &entries, &files, unique)?;
    let records = files.iter().map(|f| f.records).sum();
    Ok(GenSummary {
        tenant_id: t.id.clone(),
        domain: t.org.domain.to_string(),
        users,
        days: opts.days,
        bytes: files.iter().map(|f| f.bytes).sum(),
        files,
        records,
        unique_records: unique,
        planted: entries.iter().filter(|e| e.planted).count(),
        lookalikes: entries.iter().filter(|e| !e.planted).count(),
    })
}
