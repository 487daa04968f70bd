//! The screens of the pivot stack, each with its own cursor so going back restores it.

use super::entity_page::EntityView;
use super::frequency::FrequencyView;
use super::timeline::TimelineView;

/// One screen on the pivot stack; each keeps its own cursor so going back restores it.
#[derive(Debug, Clone)]
pub enum View {
    Overview {
        scroll: usize,
    },
    Alerts {
        cursor: usize,
    },
    /// `step`: the runbook checklist has the keys, with this step selected.
    AlertDetail {
        alert_id: String,
        cursor: usize,
        step: Option<usize>,
    },
    Timeline(Box<TimelineView>),
    Entity(Box<EntityView>),
    Frequency(Box<FrequencyView>),
    Bookmarks {
        cursor: usize,
    },
    Notes {
        scroll: usize,
    },
}

impl View {
    /// The breadcrumb of this view.
    pub fn crumb(&self) -> String {
        match self {
            View::Overview { .. } => "Overview".into(),
            View::Alerts { .. } => "Alerts".into(),
            View::AlertDetail { alert_id, .. } => format!("Alert {alert_id}"),
            View::Timeline(t) => t.title.clone(),
            View::Entity(e) => format!("{} {}", e.entity.kind.title(), e.entity.value),
            View::Frequency(f) => format!("{} of {}", f.dim.title(), f.of_title),
            View::Bookmarks { .. } => "Bookmarks".into(),
            View::Notes { .. } => "Notes".into(),
        }
    }
}
