//! Showing the Sigma rule that raised an alert, as the YAML it was written in, in place of the alert's reasons.

use crate::tui::state::loadable::Loadable;
use crate::tui::state::view::View;
use crate::tui::state::App;
use crate::tui::update::job::Job;

/// Shows the rule of the alert on screen, or goes back to its reasons.
pub(super) fn toggle(app: &mut App) -> Vec<Job> {
    let View::AlertDetail { alert_id, .. } = app.top() else { return Vec::new() };
    let alert_id = alert_id.clone();
    if app.rule_yaml.as_ref().is_some_and(|(id, _)| *id == alert_id) {
        app.rule_yaml = None;
        return Vec::new();
    }
    let path = app.alert(&alert_id).and_then(|a| a.rule.as_ref()).filter(|r| r.is_sigma()).and_then(|r| r.path.clone());
    let Some(path) = path else {
        app.notice("this alert comes from one of harrier's own detections, not a Sigma rule");
        return Vec::new();
    };
    let gen = app.next_gen();
    app.rule_yaml = Some((alert_id, Loadable::loading(gen)));
    vec![Job::LoadRuleText { gen, path: path.into() }]
}
