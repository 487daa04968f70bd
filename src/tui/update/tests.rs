//! State changes: an action in, the state and the jobs out.

use super::*;
use crate::index::paging::{KeyedPage, PageAt, SortKey};
use crate::index::query::ParsedQuery;
use crate::index::Hit;
use crate::model::{Event, Severity};
use crate::tui::state::app::Status;
use crate::tui::state::columns::Column;
use crate::tui::state::entity::{EntityKind, EntityRef};
use crate::tui::state::entity_page::entity_items;
use crate::tui::state::evidence::Evidence;
use crate::tui::state::frequency::FrequencyView;
use crate::tui::state::keymap::Command;
use crate::tui::state::stats::{tally, Dim, Stats};
use crate::tui::state::timeline::{TimelineView, PAGE_SIZE};
use crate::tui::state::View;
use crate::tui::update::action::{MouseInput, PromptKey};
use crate::tui::update::job::CaseJob;
use chrono::{TimeZone, Utc};
use tantivy::DocAddress;

fn app_with_timeline() -> (App, u64) {
    let mut app = App::new("case".into(), chrono_tz::UTC);
    let jobs = open_timeline(&mut app, "all".into(), ParsedQuery::default());
    assert_eq!(jobs.len(), 2, "a page and a histogram are requested");
    let gen = match &jobs[0] {
        Job::LoadPage { gen, at: PageAt::First, total: None, .. } => *gen,
        other => panic!("unexpected first job {other:?}"),
    };
    (app, gen)
}

fn timeline(app: &App) -> &TimelineView {
    match app.top() {
        View::Timeline(t) => t,
        _ => panic!("top is not a timeline"),
    }
}

fn event(i: u32) -> Event {
    let mut e = Event {
        id: format!("ev{i}"),
        ts: Some(Utc.with_ymd_and_hms(2025, 5, 2, 9, 0, 0).unwrap() + chrono::Duration::minutes(i as i64)),
        operation: "UserLoggedIn".into(),
        session_id: Some("sess-1".into()),
        app_name: Some("Outlook".into()),
        ..Event::default()
    };
    e.actor.upn = Some("adele@contoso.com".into());
    e.net.ip = format!("203.0.113.{i}").parse().ok();
    e.net.country = Some("NL".into());
    e
}

/// A timeline of `n` loaded events on a 160×48 terminal.
fn loaded_timeline(n: u32) -> App {
    let (mut app, gen) = app_with_timeline();
    update(&mut app, Action::Resize { width: 160, height: 48 });
    let hits: Vec<Hit> = (0..n).map(hit).collect();
    update(&mut app, Action::PageLoaded { gen, result: Ok((kp(0, hits), Some(n as usize))) });
    app
}

/// Event `i` as the index returns it: keyed by its minute.
fn hit(i: u32) -> Hit {
    let e = event(i);
    let key = SortKey { ts: e.ts.map(|t| t.timestamp_micros()), dkey: i as u64 };
    Hit { event: e, address: DocAddress::new(0, i), key }
}

fn kp(start: usize, hits: Vec<Hit>) -> KeyedPage {
    KeyedPage { start, hits }
}

fn stats_of(events: &[Event], dims: &[Dim]) -> Box<Stats> {
    Box::new(Stats {
        total: events.len(),
        scanned: events.len(),
        first: None,
        last: None,
        dims: tally(events, dims, 50),
    })
}

fn cmd(app: &mut App, c: Command) -> Vec<Job> {
    update(app, Action::Command(c))
}

fn type_line(app: &mut App, open: Command, text: &str) -> Vec<Job> {
    cmd(app, open);
    for c in text.chars() {
        update(app, Action::Prompt(PromptKey::Char(c)));
    }
    update(app, Action::Prompt(PromptKey::Submit))
}

fn stats_job(jobs: &[Job]) -> (u64, ParsedQuery, Vec<Dim>) {
    jobs.iter()
        .find_map(|j| match j {
            Job::LoadStats { gen, query, dims } => Some((*gen, query.clone(), dims.clone())),
            _ => None,
        })
        .expect("a counting job")
}

fn page_query(jobs: &[Job]) -> ParsedQuery {
    jobs.iter()
        .find_map(|j| match j {
            Job::LoadPage { query, .. } => Some(query.clone()),
            _ => None,
        })
        .expect("a page job")
}

#[test]
fn stale_page_results_are_dropped() {
    let (mut app, gen) = app_with_timeline();
    update(&mut app, Action::PageLoaded { gen: gen - 1, result: Ok((kp(0, Vec::new()), Some(7))) });
    assert_eq!(timeline(&app).total, None);
    assert!(timeline(&app).page.is_loading());
    update(&mut app, Action::PageLoaded { gen, result: Ok((kp(0, Vec::new()), Some(7))) });
    assert_eq!(timeline(&app).total, Some(7));
    assert!(!timeline(&app).page.is_loading());
    update(&mut app, Action::PageLoaded { gen, result: Ok((kp(0, Vec::new()), Some(99))) });
    assert_eq!(timeline(&app).total, Some(7));
}

#[test]
fn paging_asks_relative_to_loaded_rows_and_g_asks_for_the_last_page() {
    let (mut app, gen) = app_with_timeline();
    let first: Vec<Hit> = (0..PAGE_SIZE as u32).map(hit).collect();
    update(&mut app, Action::PageLoaded { gen, result: Ok((kp(0, first), Some(10_000))) });
    // Down past the loaded rows: the rows after a loaded event, never an offset from the top.
    let mut asked = None;
    for _ in 0..PAGE_SIZE {
        let jobs = cmd(&mut app, Command::Down);
        if let [Job::LoadPage { at, limit, total: Some(10_000), .. }] = jobs.as_slice() {
            asked = Some((*at, *limit));
            break;
        }
    }
    let cursor = timeline(&app).cursor;
    assert_eq!(cursor, PAGE_SIZE, "the first row not loaded asks for a page");
    let row = cursor - PAGE_SIZE / 2;
    assert_eq!(asked, Some((PageAt::After { row, key: hit(row as u32).key }, PAGE_SIZE)));
    assert!(cmd(&mut app, Command::Down).is_empty(), "rows on their way are not asked for again");
    // G: the last rows, counted back from the end.
    match cmd(&mut app, Command::Bottom).as_slice() {
        [Job::LoadPage { at: PageAt::Last, .. }] => {}
        other => panic!("expected the last page, got {other:?}"),
    }
    assert_eq!(timeline(&app).cursor, 9_999);
    let gen = timeline(&app).page.request().expect("last page pending").generation;
    let tail: Vec<Hit> = (0..PAGE_SIZE as u32).map(|i| hit(i + 9_500)).collect();
    update(&mut app, Action::PageLoaded { gen, result: Ok((kp(9_500, tail), None)) });
    assert_eq!(timeline(&app).current().map(|e| e.id.as_str()), Some("ev9999"));
    assert_eq!(timeline(&app).total, Some(10_000), "a page without a count keeps the total");
    // Back up past the start of the loaded rows: the rows before a loaded event.
    cmd(&mut app, Command::Top);
    let t = timeline(&app);
    assert_eq!(t.cursor, 0);
    assert!(matches!(t.page.request(), Some(r) if r.start == 0));
}

#[test]
fn esc_restores_the_cursor_q_quits_only_from_the_root_and_brackets_walk_history() {
    let mut app = App::new("case".into(), chrono_tz::UTC);
    cmd(&mut app, Command::ScreenAlerts);
    if let Some(View::Alerts { cursor }) = app.stack.last_mut() {
        *cursor = 2;
    }
    open_timeline(&mut app, "user:x".into(), ParsedQuery::pivot("user", "x"));
    assert_eq!(app.stack.len(), 3);
    cmd(&mut app, Command::HistoryBack);
    assert!(matches!(app.top(), View::Alerts { cursor: 2 }));
    let jobs = cmd(&mut app, Command::HistoryForward);
    assert_eq!(timeline(&app).title, "user:x");
    assert!(!jobs.is_empty(), "the timeline asks again for what it lacks");
    cmd(&mut app, Command::Back);
    cmd(&mut app, Command::Quit);
    assert!(!app.quit && app.stack.len() == 1);
    cmd(&mut app, Command::Back);
    assert!(!app.quit, "Esc never quits");
    cmd(&mut app, Command::ScreenAlerts);
    cmd(&mut app, Command::Back);
    open_entity(&mut app, EntityRef::new(EntityKind::Ip, "203.0.113.1").unwrap());
    assert!(app.forward.is_empty(), "a new pivot ends the forward history");
    cmd(&mut app, Command::Back);
    cmd(&mut app, Command::Quit);
    assert!(app.quit);
}

#[test]
fn bad_query_stays_open_with_the_error_and_history_recalls_searches() {
    let mut app = App::new("case".into(), chrono_tz::UTC);
    assert!(type_line(&mut app, Command::Search, "colour:red").is_empty());
    assert!(app.prompt.as_ref().and_then(|p| p.error.as_deref()).is_some_and(|e| e.contains("colour")));
    assert_eq!(app.stack.len(), 1);
    update(&mut app, Action::Prompt(PromptKey::Cancel));
    type_line(&mut app, Command::Search, "op:New-InboxRule");
    type_line(&mut app, Command::Search, "user:adele@contoso.com");
    assert_eq!(timeline(&app).title, "search: user:adele@contoso.com");
    cmd(&mut app, Command::Search);
    update(&mut app, Action::Prompt(PromptKey::Up));
    update(&mut app, Action::Prompt(PromptKey::Up));
    assert_eq!(app.prompt.as_ref().unwrap().text, "op:New-InboxRule");
    update(&mut app, Action::Prompt(PromptKey::Down));
    assert_eq!(app.prompt.as_ref().unwrap().text, "user:adele@contoso.com");
    for _ in 0..app.prompt.as_ref().unwrap().text.len() {
        update(&mut app, Action::Prompt(PromptKey::Backspace));
    }
    "se".chars().for_each(|c| {
        update(&mut app, Action::Prompt(PromptKey::Char(c)));
    });
    update(&mut app, Action::Prompt(PromptKey::Complete));
    assert_eq!(app.prompt.as_ref().unwrap().text, "session:");
}

#[test]
fn entity_page_counts_then_narrows_opens_its_timeline_and_restores_its_cursor() {
    let mut app = App::new("case".into(), chrono_tz::UTC);
    let jobs = type_line(&mut app, Command::CommandLine, "user adele@contoso.com");
    let (gen, query, dims) = stats_job(&jobs);
    assert_eq!(query, ParsedQuery::pivot("user", "adele@contoso.com"));
    assert!(dims.contains(&Dim::Ip) && dims.contains(&Dim::Asn) && !dims.contains(&Dim::User));
    let events: Vec<Event> = (0..3).map(event).chain([event(1)]).collect();
    update(&mut app, Action::StatsLoaded { gen, result: Ok(stats_of(&events, &dims)) });
    let View::Entity(v) = app.top() else { panic!("entity page on top") };
    assert_eq!(v.data.value().unwrap().dim(Dim::Ip).unwrap().values[0], ("203.0.113.1".to_string(), 2));
    // The first item is the most frequent IP; Enter narrows the user's events to it.
    let jobs = cmd(&mut app, Command::Open);
    let q = page_query(&jobs);
    assert_eq!(q.clauses.len(), 2);
    assert_eq!((q.clauses[1].field.as_deref(), q.clauses[1].value.as_str()), (Some("ip"), "203.0.113.1"));
    assert_eq!(timeline(&app).title, "user:adele@contoso.com + ip:203.0.113.1");
    cmd(&mut app, Command::Back);
    cmd(&mut app, Command::Down);
    // `e` opens the selected IP's own page; Esc comes back to the same line.
    cmd(&mut app, Command::Entity);
    assert!(matches!(app.top(), View::Entity(v) if v.entity.kind == EntityKind::Ip));
    cmd(&mut app, Command::Back);
    assert!(matches!(app.top(), View::Entity(v) if v.cursor == 1));
    let jobs = cmd(&mut app, Command::Pivot);
    assert_eq!(page_query(&jobs), ParsedQuery::pivot("user", "adele@contoso.com"));
}

#[test]
fn e_on_a_timeline_cell_opens_that_entity_and_columns_move_over_visible_ones() {
    let mut app = loaded_timeline(5);
    cmd(&mut app, Command::Down);
    assert_eq!(Column::ALL[timeline(&app).column], Column::Time);
    for _ in 0..4 {
        cmd(&mut app, Command::ColumnRight);
    }
    assert_eq!(Column::ALL[timeline(&app).column], Column::Ip);
    let jobs = cmd(&mut app, Command::Entity);
    let (_, q, _) = stats_job(&jobs);
    assert_eq!(q, ParsedQuery::pivot("ip", "203.0.113.1"));
    cmd(&mut app, Command::Back);
    // At 80 columns the source column is hidden: the cursor skips it.
    update(&mut app, Action::Resize { width: 80, height: 24 });
    cmd(&mut app, Command::Top);
    for _ in 0..9 {
        cmd(&mut app, Command::ColumnLeft);
    }
    cmd(&mut app, Command::ColumnRight);
    assert_eq!(Column::ALL[timeline(&app).column], Column::Operation);
    // A cell without an entity falls back to the row's user.
    let jobs = cmd(&mut app, Command::Entity);
    assert_eq!(stats_job(&jobs).1, ParsedQuery::pivot("user", "adele@contoso.com"));
}

#[test]
fn facet_panel_counts_the_pivot_and_enter_narrows_by_a_value() {
    let mut app = App::new("case".into(), chrono_tz::UTC);
    let jobs = open_timeline(&mut app, "user:adele".into(), ParsedQuery::pivot("user", "adele@contoso.com"));
    let gen = match &jobs[0] {
        Job::LoadPage { gen, .. } => *gen,
        _ => panic!(),
    };
    update(&mut app, Action::PageLoaded { gen, result: Ok((kp(0, vec![]), Some(4))) });
    let jobs = cmd(&mut app, Command::Facets);
    let (gen, _, dims) = stats_job(&jobs);
    assert!(!dims.contains(&Dim::User), "the pinned user is not a facet");
    assert!(dims.contains(&Dim::Ip) && dims.contains(&Dim::Operation) && dims.contains(&Dim::UserAgent));
    let events: Vec<Event> = (0..4).map(event).collect();
    update(&mut app, Action::StatsLoaded { gen, result: Ok(stats_of(&events, &dims)) });
    cmd(&mut app, Command::Down);
    let jobs = cmd(&mut app, Command::Open);
    let q = page_query(&jobs);
    assert_eq!(q.clauses[1].field.as_deref(), Some("ip"));
    assert_eq!(q.clauses[1].value, "203.0.113.1");
    cmd(&mut app, Command::Back);
    assert!(timeline(&app).facets.as_ref().is_some_and(|f| f.focused && f.cursor == 1));
    cmd(&mut app, Command::Facets);
    assert!(timeline(&app).facets.as_ref().is_some_and(|f| !f.focused), "Tab hands the keys back to the rows");
    cmd(&mut app, Command::Facets);
    cmd(&mut app, Command::Back);
    assert!(timeline(&app).facets.is_none(), "Esc closes the focused panel");
}

#[test]
fn shift_f_counts_the_column_under_the_cursor_and_enter_narrows() {
    let mut app = loaded_timeline(3);
    for _ in 0..2 {
        cmd(&mut app, Command::ColumnRight);
    }
    let jobs = cmd(&mut app, Command::Frequency);
    let (gen, q, dims) = stats_job(&jobs);
    assert_eq!((q, dims.clone()), (ParsedQuery::default(), vec![Dim::Operation]));
    let events: Vec<Event> = (0..3).map(event).collect();
    update(&mut app, Action::StatsLoaded { gen, result: Ok(stats_of(&events, &dims)) });
    let View::Frequency(f) = app.top() else { panic!("frequency table on top") };
    let f: &FrequencyView = f;
    assert_eq!(f.data.value().unwrap().dims[0].values, vec![("UserLoggedIn".to_string(), 3)]);
    let jobs = cmd(&mut app, Command::Open);
    assert_eq!(page_query(&jobs).clauses[0].field.as_deref(), Some("op"));
}

#[test]
fn around_uses_the_selected_detail_field_and_the_window_is_settable() {
    let mut app = loaded_timeline(3);
    cmd(&mut app, Command::Open);
    assert!(app.detail.is_some());
    let jobs = cmd(&mut app, Command::Around);
    let q = page_query(&jobs);
    assert_eq!(q.clauses[0].field.as_deref(), Some("user"));
    assert_eq!(q.to_us.unwrap() - q.from_us.unwrap(), 2 * 15 * 60 * 1_000_000);
    cmd(&mut app, Command::Back);
    cmd(&mut app, Command::Open);
    // Walk the field cursor to the IP line.
    let ip_line =
        crate::tui::state::fields::fields(&event(0), chrono_tz::UTC).iter().position(|f| f.label == "ip").unwrap();
    for _ in 0..ip_line {
        cmd(&mut app, Command::Down);
    }
    let jobs = type_line(&mut app, Command::CommandLine, "around 5");
    let q = page_query(&jobs);
    assert_eq!(q.clauses[0].field.as_deref(), Some("ip"));
    assert_eq!(q.to_us.unwrap() - q.from_us.unwrap(), 2 * 5 * 60 * 1_000_000);
    assert!(timeline(&app).title.starts_with("±5m"));
}

#[test]
fn command_line_runs_commands_and_keeps_errors_inline() {
    let mut app = App::new("case".into(), chrono_tz::UTC);
    type_line(&mut app, Command::CommandLine, "frobnicate");
    assert!(app.prompt.as_ref().unwrap().error.as_deref().unwrap().contains("unknown command"));
    update(&mut app, Action::Prompt(PromptKey::Cancel));
    type_line(&mut app, Command::CommandLine, "al");
    assert!(matches!(app.top(), View::Alerts { .. }));
    type_line(&mut app, Command::CommandLine, "bookmarks");
    assert!(matches!(app.top(), View::Bookmarks { .. }));
    let jobs = type_line(&mut app, Command::CommandLine, "search op:New-InboxRule");
    assert_eq!(page_query(&jobs), ParsedQuery::parse("op:New-InboxRule").unwrap());
    type_line(&mut app, Command::CommandLine, "overview");
    assert_eq!(app.stack.len(), 1);
    type_line(&mut app, Command::CommandLine, "mouse");
    assert!(!app.mouse);
    type_line(&mut app, Command::CommandLine, "q");
    assert!(app.quit);
}

#[test]
fn y_copies_the_cell_sanitised_and_capital_y_the_row() {
    let mut app = loaded_timeline(2);
    if let Some(View::Timeline(t)) = app.stack.last_mut() {
        if let Some(p) = t.page.value_mut() {
            p.hits[0].event.operation = "Evil\x1b]52;c;AAAA\x07Op".into();
        }
        t.column = 2;
    }
    cmd(&mut app, Command::Copy);
    assert_eq!(app.clipboard.as_deref(), Some("Evil]52;c;AAAAOp"));
    assert!(matches!(&app.status, Some(Status { error: false, text }) if text.contains("copied")));
    cmd(&mut app, Command::CopyRow);
    let row = app.clipboard.clone().unwrap();
    assert!(row.contains("adele@contoso.com\t203.0.113.0"), "{row}");
    cmd(&mut app, Command::ScreenOverview);
    app.clipboard = None;
    cmd(&mut app, Command::Copy);
    assert!(app.clipboard.is_none() && app.status.as_ref().is_some_and(|s| s.error));
}

#[test]
fn m_toggles_a_saved_bookmark_and_the_bookmarks_screen_opens_the_event() {
    let mut app = loaded_timeline(3);
    cmd(&mut app, Command::Down);
    let jobs = cmd(&mut app, Command::Bookmark);
    assert_eq!(app.bookmarks.len(), 1);
    assert!(matches!(jobs.as_slice(), [Job::Case(CaseJob::AddBookmark { bookmark })] if bookmark.event_id == "ev1"));
    cmd(&mut app, Command::Down);
    cmd(&mut app, Command::Bookmark);
    cmd(&mut app, Command::Up);
    let jobs = cmd(&mut app, Command::Bookmark);
    assert!(matches!(jobs.as_slice(), [Job::Case(CaseJob::RemoveBookmark { event_id, .. })] if event_id == "ev1"));
    assert!(app.bookmarks.len() == 1 && app.bookmarks[0].event_id == "ev2");
    cmd(&mut app, Command::ScreenBookmarks);
    let jobs = cmd(&mut app, Command::Open);
    let q = page_query(&jobs);
    assert_eq!(q, ParsedQuery::pivot("id", "ev2"));
    let gen = match &jobs[0] {
        Job::LoadPage { gen, .. } => *gen,
        _ => panic!(),
    };
    let hit = hit(2);
    let jobs = update(&mut app, Action::PageLoaded { gen, result: Ok((kp(0, vec![hit]), Some(1))) });
    assert!(app.detail.is_some(), "the bookmarked event opens at once");
    assert!(matches!(jobs.as_slice(), [Job::LoadRaw { .. }]));
    cmd(&mut app, Command::Back);
    cmd(&mut app, Command::Back);
    let jobs = cmd(&mut app, Command::Bookmark);
    assert!(app.bookmarks.is_empty());
    assert!(matches!(jobs.as_slice(), [Job::Case(CaseJob::RemoveBookmark { event_id, .. })] if event_id == "ev2"));
}

#[test]
fn wheel_moves_and_a_click_selects_row_and_column() {
    let mut app = loaded_timeline(30);
    update(&mut app, Action::Mouse(MouseInput::ScrollDown));
    update(&mut app, Action::Mouse(MouseInput::ScrollDown));
    assert_eq!(timeline(&app).cursor, 2);
    update(&mut app, Action::Mouse(MouseInput::ScrollUp));
    assert_eq!(timeline(&app).cursor, 1);
    // Rows start on line 4: breadcrumbs, title, histogram, header.
    update(&mut app, Action::Mouse(MouseInput::Click { x: 3, y: 10 }));
    assert_eq!(timeline(&app).cursor, 6);
    assert_eq!(Column::ALL[timeline(&app).column], Column::Time);
    let ip_x = 2 + 23 + 1 + 9 + 1 + 24 + 1 + 28 + 1 + 2;
    update(&mut app, Action::Mouse(MouseInput::Click { x: ip_x, y: 5 }));
    assert_eq!((timeline(&app).cursor, Column::ALL[timeline(&app).column]), (1, Column::Ip));
    update(&mut app, Action::Mouse(MouseInput::Click { x: 3, y: 2 }));
    assert_eq!(timeline(&app).cursor, 1, "clicks above the rows select nothing");
    app.mouse = false;
    update(&mut app, Action::Mouse(MouseInput::ScrollDown));
    assert_eq!(timeline(&app).cursor, 1, "mouse off ignores the wheel");
}

/// An App on the overview whose alerts are `alerts` and whose saved searches are `history`.
fn app_with_overview(alerts: Vec<crate::tui::state::alerts::Alert>, history: Vec<String>) -> App {
    let mut app = App::new("case".into(), chrono_tz::UTC);
    update(&mut app, Action::Resize { width: 80, height: 24 });
    let gen = start(&mut app).into_iter().find_map(|j| match j {
        Job::LoadOverview { gen } => Some(gen),
        _ => None,
    });
    let data = crate::tui::state::overview::OverviewData {
        ledger: Default::default(),
        per_source: Vec::new(),
        total: 0,
        first: None,
        last: None,
        alerts: crate::tui::state::alerts::AlertsState::Loaded(alerts),
        coverage_gaps: Vec::new(),
        bookmarks: Ok(Vec::new()),
        history: Ok(history),
    };
    update(&mut app, Action::OverviewLoaded { gen: gen.unwrap(), result: Ok(Box::new(data)) });
    app
}

fn alert() -> crate::tui::state::alerts::Alert {
    crate::tui::state::alerts::Alert {
        id: "AN1350-0001".into(),
        analytic: "AN1350".into(),
        title: "Inbox rule".into(),
        severity: Severity::High,
        first_seen: None,
        last_seen: None,
        entities: crate::tui::state::alerts::AlertEntities {
            users: vec!["adele@contoso.com".into()],
            ..Default::default()
        },
        evidence: vec!["ev1".into(), "ev2".into()],
        reasons: vec!["new rule".into()],
        baseline: Vec::new(),
        attack: Default::default(),
        incident: None,
        rule: None,
    }
}

/// The screen line whose text contains `text`, drawn at the App's size.
fn line_with(app: &App, text: &str) -> u16 {
    let ui = crate::tui::views::Ui {
        theme: crate::tui::views::theme::Theme::defaults(false),
        keymap: crate::tui::state::keymap::Keymap::defaults(),
    };
    let mut term =
        ratatui::Terminal::new(ratatui::backend::TestBackend::new(app.width, app.height)).expect("test terminal");
    term.draw(|f| crate::tui::views::draw(f, app, &ui)).expect("draws");
    let buf = term.backend().buffer();
    (0..buf.area.height)
        .find(|y| (0..buf.area.width).map(|x| buf[(x, *y)].symbol().to_string()).collect::<String>().contains(text))
        .unwrap_or_else(|| panic!("no line shows {text}"))
}

#[test]
fn alert_detail_looks_up_evidence_once_and_drops_stale_answers() {
    let mut app = app_with_overview(vec![alert()], Vec::new());
    cmd(&mut app, Command::ScreenAlerts);
    let jobs = cmd(&mut app, Command::Open);
    let (gen, ids) = match jobs.as_slice() {
        [Job::LookupEvents { gen, ids }] => (*gen, ids.clone()),
        other => panic!("expected one lookup, got {other:?}"),
    };
    assert_eq!(ids, vec!["ev1".to_string(), "ev2".to_string()]);
    assert!(matches!(app.evidence_of("ev1"), Evidence::Loading));
    assert!(line_with(&app, "loading…") > 0);
    update(&mut app, Action::EventsLooked { gen: gen - 1, result: Ok(vec![("ev1".into(), Some(hit(1)))]) });
    assert!(matches!(app.evidence_of("ev1"), Evidence::Loading), "a stale answer is dropped");
    update(&mut app, Action::EventsLooked { gen, result: Ok(vec![("ev1".into(), Some(hit(1)))]) });
    assert!(matches!(app.evidence_of("ev1"), Evidence::Found(_)));
    assert!(matches!(app.evidence_of("ev2"), Evidence::Missing), "ids the index lacks are said to be missing");
    let y = line_with(&app, "UserLoggedIn");
    assert!(line_with(&app, "not in the index") > y);
    // Back and in again: nothing to look up.
    cmd(&mut app, Command::Back);
    assert!(cmd(&mut app, Command::Open).is_empty());
    // A click selects the evidence row, a second click opens its event.
    let jobs = update(&mut app, Action::Mouse(MouseInput::Click { x: 20, y }));
    assert!(jobs.is_empty());
    assert!(matches!(app.top(), View::AlertDetail { cursor: 1, .. }));
    let jobs = update(&mut app, Action::Mouse(MouseInput::Click { x: 20, y }));
    assert_eq!(page_query(&jobs), ParsedQuery::pivot("id", "ev1"));
}

#[test]
fn entity_page_click_selects_a_value_and_a_second_click_narrows_by_it() {
    let mut app = App::new("case".into(), chrono_tz::UTC);
    update(&mut app, Action::Resize { width: 80, height: 24 });
    let jobs = type_line(&mut app, Command::CommandLine, "user adele@contoso.com");
    let (gen, _, dims) = stats_job(&jobs);
    let events: Vec<Event> = (0..3).map(event).chain([event(1)]).collect();
    update(&mut app, Action::StatsLoaded { gen, result: Ok(stats_of(&events, &dims)) });
    let y = line_with(&app, "203.0.113.2");
    let jobs = update(&mut app, Action::Mouse(MouseInput::Click { x: 4, y }));
    assert!(jobs.is_empty());
    let View::Entity(v) = app.top() else { panic!("entity page") };
    assert_eq!(
        entity_items(v, &[])[v.cursor],
        crate::tui::state::facets::Item::Value(Dim::Ip, "203.0.113.2".into(), 1)
    );
    update(&mut app, Action::Mouse(MouseInput::ScrollDown));
    update(&mut app, Action::Mouse(MouseInput::ScrollUp));
    let jobs = update(&mut app, Action::Mouse(MouseInput::DoubleClick { x: 4, y }));
    let q = page_query(&jobs);
    assert_eq!(q.clauses[1].value, "203.0.113.2");
}

#[test]
fn n_asks_the_index_from_the_cursor_and_applies_only_the_latest_answer() {
    let mut app = loaded_timeline(20);
    assert!(cmd(&mut app, Command::NextMatch).is_empty(), "no search yet");
    assert!(app.status.as_ref().is_some_and(|s| s.error));
    app.last_search = Some(crate::tui::state::searches::LastSearch {
        text: "ip:203.0.113.7".into(),
        query: ParsedQuery::parse("ip:203.0.113.7").unwrap(),
    });
    cmd(&mut app, Command::Down);
    let jobs = cmd(&mut app, Command::NextMatch);
    let gen = match jobs.as_slice() {
        [Job::FindMatch { gen, from, forward: true, loaded, .. }] => {
            assert_eq!(*from, Some(hit(1).key));
            assert_eq!(*loaded, 0..20);
            *gen
        }
        other => panic!("expected a match job, got {other:?}"),
    };
    let found = |row: usize, wrapped| {
        Ok(Some(crate::tui::update::action::MatchFound { row, key: hit(row as u32).key, wrapped, page: None }))
    };
    update(&mut app, Action::MatchFound { gen: gen - 1, forward: true, result: found(3, false) });
    assert_eq!(timeline(&app).cursor, 1, "a stale answer is dropped");
    update(&mut app, Action::MatchFound { gen, forward: true, result: found(7, false) });
    assert_eq!(timeline(&app).cursor, 7);
    assert_eq!(app.status.as_ref().map(|s| s.text.as_str()), Some("'ip:203.0.113.7': row 8 of 20"));
    let jobs = cmd(&mut app, Command::PrevMatch);
    let [Job::FindMatch { gen, forward: false, .. }] = jobs.as_slice() else { panic!("{jobs:?}") };
    update(&mut app, Action::MatchFound { gen: *gen, forward: false, result: found(7, true) });
    assert!(app.status.as_ref().is_some_and(|s| s.text.contains("hit the top, continued from the bottom")));
}

#[test]
fn saved_searches_load_before_this_sessions_and_a_search_saves_them() {
    let mut app = app_with_overview(Vec::new(), vec!["op:a".into(), "op:b".into()]);
    assert_eq!(app.history, vec!["op:a", "op:b"]);
    let jobs = type_line(&mut app, Command::Search, "op:a");
    let saved = jobs.iter().find_map(|j| match j {
        Job::SaveHistory { list } => Some(list.clone()),
        _ => None,
    });
    assert_eq!(saved, Some(vec!["op:b".to_string(), "op:a".to_string()]));
}
