//! Results that arrive later from worker jobs: not asked for yet, on their way, arrived, or failed. A value
//! already on screen stays there while a newer one is on its way (the next page of a timeline, the overview after
//! the exercise clock moved) and after a newer one failed.

/// The generation a request's answer comes back with: an answer carrying any other generation is stale.
pub trait Generation {
    /// The generation this request was started with.
    fn generation(&self) -> u64;
}

impl Generation for u64 {
    fn generation(&self) -> u64 {
        *self
    }
}

/// A result a worker job delivers later. `R` is what the App knows of the request in flight: its generation, and
/// where it matters what it asked (the first row of a page, the evidence ids) or how far it got (an export).
#[derive(Debug, Clone, Default)]
pub enum Loadable<T, R = u64> {
    /// Not asked for yet.
    #[default]
    Idle,
    /// Asked for; `shown` is the value from before, still shown meanwhile.
    Loading { request: R, shown: Option<T> },
    /// Arrived.
    Ready(T),
    /// The last request failed; `shown` is the value from before, still shown.
    Failed { error: String, shown: Option<T> },
}

impl<T, R> Loadable<T, R> {
    /// On its way as `request`, with nothing to show before it arrives.
    pub fn loading(request: R) -> Self {
        Loadable::Loading { request, shown: None }
    }

    /// The value to show: the one that arrived, or the one from before while a newer one loads or after it failed.
    pub fn value(&self) -> Option<&T> {
        match self {
            Loadable::Ready(v) => Some(v),
            Loadable::Loading { shown, .. } | Loadable::Failed { shown, .. } => shown.as_ref(),
            Loadable::Idle => None,
        }
    }

    /// The value shown, to change in place.
    pub fn value_mut(&mut self) -> Option<&mut T> {
        match self {
            Loadable::Ready(v) => Some(v),
            Loadable::Loading { shown, .. } | Loadable::Failed { shown, .. } => shown.as_mut(),
            Loadable::Idle => None,
        }
    }

    /// The value shown, to change in place; an empty one when nothing has arrived yet (an error stays).
    pub fn value_or_default(&mut self) -> &mut T
    where
        T: Default,
    {
        if let Loadable::Idle = self {
            *self = Loadable::Ready(T::default());
        }
        match self {
            Loadable::Ready(v) => v,
            Loadable::Loading { shown, .. } | Loadable::Failed { shown, .. } => shown.get_or_insert_with(T::default),
            Loadable::Idle => unreachable!("an idle value was made ready above"),
        }
    }

    /// The request in flight, if there is one.
    pub fn request(&self) -> Option<&R> {
        match self {
            Loadable::Loading { request, .. } => Some(request),
            _ => None,
        }
    }

    /// True while a request is in flight.
    pub fn is_loading(&self) -> bool {
        matches!(self, Loadable::Loading { .. })
    }

    /// True once an answer arrived, a value or an error: there is nothing left to ask for.
    pub fn is_settled(&self) -> bool {
        matches!(self, Loadable::Ready(_) | Loadable::Failed { .. })
    }

    /// Why the last request failed.
    pub fn error(&self) -> Option<&str> {
        match self {
            Loadable::Failed { error, .. } => Some(error),
            _ => None,
        }
    }

    /// Asks (again) with `request`, keeping the value shown until the answer arrives.
    pub fn ask(&mut self, request: R) {
        let shown = self.take_value();
        *self = Loadable::Loading { request, shown };
    }

    /// Takes the answer to the request in flight (stale answers are dropped before, by [`awaits`](Self::awaits)):
    /// the value, or the error with the value from before still shown.
    pub fn answer(&mut self, result: Result<T, String>) {
        *self = match result {
            Ok(v) => Loadable::Ready(v),
            Err(error) => Loadable::Failed { error, shown: self.take_value() },
        };
    }

    /// Ends the request in flight, whose answer is applied elsewhere (a cache, the cursor, an overlay), and
    /// returns it; the value shown stays.
    pub fn take_request(&mut self) -> Option<R> {
        match std::mem::take(self) {
            Loadable::Loading { request, shown } => {
                *self = shown.map_or(Loadable::Idle, Loadable::Ready);
                Some(request)
            }
            other => {
                *self = other;
                None
            }
        }
    }

    /// Gives up the request in flight, so its answer will be stale; the value shown stays.
    pub fn forget(&mut self) {
        self.take_request();
    }

    /// Leaves `Idle` behind and returns the value it held, if any.
    fn take_value(&mut self) -> Option<T> {
        match std::mem::take(self) {
            Loadable::Ready(v) => Some(v),
            Loadable::Loading { shown, .. } | Loadable::Failed { shown, .. } => shown,
            Loadable::Idle => None,
        }
    }
}

impl<T, R: Generation> Loadable<T, R> {
    /// True while the request in flight is the one started with `generation`: its answer is awaited, any other
    /// is stale.
    pub fn awaits(&self, generation: u64) -> bool {
        self.request().is_some_and(|r| r.generation() == generation)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_value_stays_shown_while_the_next_loads_and_after_it_fails() {
        let mut l: Loadable<&str> = Loadable::default();
        assert!(l.value().is_none() && !l.is_loading() && !l.is_settled());
        l.ask(1);
        assert!(l.awaits(1) && !l.awaits(2));
        l.answer(Ok("first"));
        assert_eq!(l.value(), Some(&"first"));
        assert!(l.is_settled() && !l.awaits(1));
        l.ask(2);
        assert_eq!((l.value(), l.is_loading()), (Some(&"first"), true));
        l.answer(Err("disk gone".into()));
        assert_eq!((l.value(), l.error()), (Some(&"first"), Some("disk gone")));
        l.ask(3);
        assert_eq!((l.value(), l.error()), (Some(&"first"), None));
    }

    #[test]
    fn forgetting_a_request_keeps_what_is_shown() {
        let mut l: Loadable<u8> = Loadable::loading(1);
        l.forget();
        assert!(matches!(l, Loadable::Idle));
        l.answer(Ok(7));
        l.ask(2);
        l.forget();
        assert!(matches!(l, Loadable::Ready(7)));
        let mut failed: Loadable<u8> = Loadable::Failed { error: "x".into(), shown: None };
        failed.forget();
        assert_eq!(failed.error(), Some("x"), "only a request in flight is forgotten");
    }

    #[test]
    fn an_empty_value_can_be_changed_before_anything_arrives() {
        let mut l: Loadable<Vec<u8>> = Loadable::Idle;
        l.value_or_default().push(1);
        assert_eq!(l.value(), Some(&vec![1]));
        let mut failed: Loadable<Vec<u8>> = Loadable::Failed { error: "x".into(), shown: None };
        failed.value_or_default().push(2);
        assert_eq!((failed.value(), failed.error()), (Some(&vec![2]), Some("x")));
    }
}
