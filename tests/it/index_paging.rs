//! Keyset paging on a generated case: walking a pivot page by page, jumping to its end, and centring on an
//! event all give exactly the rows of the full time-ordered list, at the rows the counts say.

use harrier::gen::{generate, options::GenOptions};
use harrier::index::paging::{PageAt, SortKey};
use harrier::index::query::ParsedQuery;
use harrier::index::CaseIndex;
use tantivy::Order;

/// A generated case of about `scale` events, ingested; the folder lives as long as the returned guard.
fn generated_index(seed: u64, scale: u64) -> (tempfile::TempDir, CaseIndex) {
    let dir = tempfile::tempdir().unwrap();
    let opts = GenOptions { seed, scale: Some(scale), ..GenOptions::default() };
    generate(&opts, dir.path()).unwrap();
    let (case, _) = crate::common::ingest_dir(dir.path());
    let ix = CaseIndex::open(&case.index_dir()).unwrap();
    (dir, ix)
}

fn keys(hits: &[harrier::index::Hit]) -> Vec<SortKey> {
    hits.iter().map(|h| h.key).collect()
}

#[test]
fn keyset_pages_match_the_full_ordered_list() {
    let (_dir, ix) = generated_index(7, 30_000);

    // The busiest log source makes a pivot of thousands of rows.
    let source = harrier::model::Source::ALL
        .into_iter()
        .max_by_key(|s| ix.count(&ParsedQuery::pivot("source", s.as_str())).unwrap())
        .unwrap();
    let q = ParsedQuery::pivot("source", source.as_str());
    let total = ix.count(&q).unwrap();
    assert!(total > 2_000, "pivot of {total} rows is too small to page through");
    let full = keys(&ix.search(&q, 0, total).unwrap());
    assert_eq!(full.len(), total);
    assert!(full.windows(2).all(|w| w[0] < w[1]), "time order with the dedupe key is strict");

    // Page after page from the top.
    let limit = 317;
    let mut page = ix.page(&q, PageAt::First, limit, Some(total)).unwrap();
    let mut walked = keys(&page.hits);
    while page.start + page.hits.len() < total {
        let row = page.start + page.hits.len() - 1;
        page = ix.page(&q, PageAt::After { row, key: page.hits.last().unwrap().key }, limit, Some(total)).unwrap();
        assert_eq!(page.start, row + 1);
        assert!(!page.hits.is_empty());
        walked.extend(keys(&page.hits));
    }
    assert_eq!(walked, full, "walking forward yields every row once, in order");

    // G: the last page is the tail of the list, at the right rows.
    let last = ix.page(&q, PageAt::Last, limit, None).unwrap();
    assert_eq!(last.start, total - limit);
    assert_eq!(keys(&last.hits), full[total - limit..]);

    // Walking back from the end.
    let mut page = last;
    let mut back = keys(&page.hits);
    while page.start > 0 {
        let key = page.hits[0].key;
        page = ix.page(&q, PageAt::Before { row: page.start, key }, limit, Some(total)).unwrap();
        let mut k = keys(&page.hits);
        k.extend(back);
        back = k;
    }
    assert_eq!(back, full, "walking backward yields every row once, in order");

    // Centring on an event (n / N): its row is its place in the list, the page holds it there.
    let row = total / 2 + 3;
    assert_eq!(ix.row_of(&q, full[row]).unwrap(), row);
    let around = ix.page(&q, PageAt::Around { row, key: full[row] }, limit, Some(total)).unwrap();
    assert_eq!(keys(&around.hits), full[around.start..around.start + around.hits.len()]);
    assert_eq!(around.hits[row - around.start].key, full[row]);

    // Next and previous from an event, wrapping is the caller's.
    assert_eq!(ix.next_of(&q, Some(full[row]), Order::Asc).unwrap().map(|h| h.key), Some(full[row + 1]));
    assert_eq!(ix.next_of(&q, Some(full[row]), Order::Desc).unwrap().map(|h| h.key), Some(full[row - 1]));
    assert!(ix.next_of(&q, Some(full[total - 1]), Order::Asc).unwrap().is_none());

    // The offset fallback agrees.
    let mid = ix.page(&q, PageAt::Offset(row), 50, Some(total)).unwrap();
    assert_eq!(keys(&mid.hits), full[row..row + 50]);
}

/// Real exports hold events without a time (they sort last): every row is still found where the full list
/// has it, walking forward, backward and by key.
#[test]
fn events_without_a_time_keep_their_place_in_keyset_paging() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("case");
    let Some(()) = crate::shared::copy_benign_sets("events_without_a_time_keep_their_place_in_keyset_paging", &root)
    else {
        return;
    };
    let (case, _) = crate::common::ingest_dir(&root);
    let ix = CaseIndex::open(&case.index_dir()).unwrap();
    let q = ParsedQuery::parse("user:johns@m365x816222.onmicrosoft.com").unwrap();
    let total = ix.count(&q).unwrap();
    let full = keys(&ix.search(&q, 0, total).unwrap());
    assert!(full.iter().any(|k| k.ts.is_none()) && full.iter().any(|k| k.ts.is_some()), "{full:?}");
    assert!(full.windows(2).all(|w| w[0] < w[1]));
    for (i, k) in full.iter().enumerate() {
        assert_eq!(ix.row_of(&q, *k).unwrap(), i, "row of {k:?}");
    }
    let limit = 7;
    let mut page = ix.page(&q, PageAt::Last, limit, None).unwrap();
    let mut back = keys(&page.hits);
    while page.start > 0 {
        page = ix.page(&q, PageAt::Before { row: page.start, key: page.hits[0].key }, limit, Some(total)).unwrap();
        back.splice(0..0, keys(&page.hits));
    }
    assert_eq!(back, full);
    let mut page = ix.page(&q, PageAt::First, limit, Some(total)).unwrap();
    let mut fwd = keys(&page.hits);
    while page.start + page.hits.len() < total {
        let row = page.start + page.hits.len() - 1;
        page = ix.page(&q, PageAt::After { row, key: page.hits[row - page.start].key }, limit, Some(total)).unwrap();
        fwd.extend(keys(&page.hits));
    }
    assert_eq!(fwd, full);
}

#[test]
fn event_ids_are_found_whole_and_only_whole() {
    let (_dir, ix) = generated_index(11, 3_000);
    let sample = ix.search(&ParsedQuery::parse("source:ual_exchange").unwrap(), 0, 50).unwrap();
    assert!(!sample.is_empty());
    for hit in sample.iter().step_by(7) {
        let id = &hit.event.id;
        let found = ix.search(&ParsedQuery::parse(&format!("id:{id}")).unwrap(), 0, 10).unwrap();
        assert_eq!(found.len(), 1, "id:{id}");
        assert_eq!(found[0].event.id, *id);
        assert_eq!(ix.by_id(id).unwrap().len(), 1);
        assert_eq!(ix.by_id(&format!("  {id} ")).unwrap().len(), 1, "pasted ids may carry spaces");
        let others = ix.count(&ParsedQuery::parse(&format!("source:ual_exchange -id:{id}")).unwrap()).unwrap();
        let all = ix.count(&ParsedQuery::parse("source:ual_exchange").unwrap()).unwrap();
        assert_eq!(others + 1, all);
    }
    let not_an_id = "00000000-0000-0000-0000-000000000000";
    assert!(ix.by_id(not_an_id).unwrap().is_empty());
    let prefix = &sample[0].event.id[..8];
    assert_eq!(ParsedQuery::parse(&format!("id:{prefix}*")).unwrap_err(), harrier::index::query::QueryError::IdPrefix);

    // Many ids at once (as an alert's evidence is resolved) give what one-by-one lookups give, in order.
    let mut ids: Vec<String> = sample.iter().map(|h| h.event.id.clone()).collect();
    ids.insert(3, not_an_id.to_string());
    ids.push(ids[0].clone());
    let batch = ix.by_ids(&ids).unwrap();
    assert_eq!(batch.len(), ids.len());
    for (id, hits) in ids.iter().zip(&batch) {
        let single: Vec<_> = ix.by_id(id).unwrap().into_iter().map(|h| (h.event.id, h.key)).collect();
        assert_eq!(hits.iter().map(|h| (h.event.id.clone(), h.key)).collect::<Vec<_>>(), single, "{id}");
    }
    assert!(batch[3].is_empty() && !batch[0].is_empty());
    // A replay clock hides what happened after it, in batches too.
    let first = sample.iter().filter_map(|h| h.event.ts).min().unwrap();
    ix.set_visibility(Some(harrier::index::visibility::Visibility::until(first)));
    let visible = ix.by_ids(&ids).unwrap().iter().filter(|h| !h.is_empty()).count();
    assert!(visible >= 1 && visible < ids.len() - 1, "{visible} of {} visible", ids.len());
    assert_eq!(ix.by_ids(&ids).unwrap()[0].len(), ix.by_id(&ids[0]).unwrap().len());
}

#[test]
fn busiest_pivot_value_carries_the_most_events() {
    let (_dir, ix) = generated_index(5, 3_000);
    let (user, n) = ix.busiest("user", |u| u.contains('@')).unwrap().expect("a case with users");
    assert!(user.contains('@'));
    assert_eq!(ix.count(&ParsedQuery::pivot("user", &user)).unwrap() as u64, n);
    let sample = ix.search(&ParsedQuery::parse("kind:user").unwrap(), 0, 200).unwrap();
    for e in sample.iter().filter_map(|h| h.event.actor.upn.as_deref()) {
        assert!(ix.count(&ParsedQuery::pivot("user", e)).unwrap() as u64 <= n, "{e} has more events than {user}");
    }
}
