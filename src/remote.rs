//! Data that comes from the gateway: the last good value, the request in flight, the last error.
//! Requests are started through [`crate::tasks::Tasks`]; this only holds what they bring.
//!
//! The previous data stays on screen while a refresh runs and after a refresh fails; a response
//! that arrives after [`Remote::reset`] (profile or show switched) is dropped with its promise.

use std::time::Instant;

use poll_promise::Promise;

use crate::api::ApiError;

/// A remote value with its loading state.
pub struct Remote<T: Send + 'static> {
    data: Option<T>,
    pending: Option<Promise<Result<T, ApiError>>>,
    error: Option<ApiError>,
    updated_at: Option<Instant>,
    failed_at: Option<Instant>,
    generation: u64,
    /// The data came from the disk cache, saved at this epoch second; no answer yet.
    saved_at: Option<i64>,
    /// When the pending request is sent (it waits in its task until then).
    due: Option<Instant>,
}

impl<T: Send + 'static> Default for Remote<T> {
    fn default() -> Self {
        Self {
            data: None,
            pending: None,
            error: None,
            updated_at: None,
            failed_at: None,
            generation: 0,
            saved_at: None,
            due: None,
        }
    }
}

impl<T: Send + 'static> Remote<T> {
    /// Starts a request unless one is already in flight. Returns whether it started.
    pub fn request(&mut self, start: impl FnOnce() -> Promise<Result<T, ApiError>>) -> bool {
        if self.pending.is_some() {
            return false;
        }
        self.pending = Some(start());
        self.due = None;
        true
    }

    /// Like [`Self::request`], for a request that waits in its task until `due` (a
    /// [`crate::tasks::Deadline`]): it counts as loading only from then on.
    pub fn request_at(
        &mut self,
        due: Instant,
        start: impl FnOnce() -> Promise<Result<T, ApiError>>,
    ) -> bool {
        let started = self.request(start);
        if started {
            self.due = Some(due);
        }
        started
    }

    /// Takes a finished response, if any. Returns true when something changed.
    pub fn poll(&mut self) -> bool {
        let Some(promise) = self.pending.take() else {
            return false;
        };
        let result = match promise.try_take() {
            Ok(result) => result,
            Err(promise) => {
                self.pending = Some(promise);
                return false;
            }
        };
        match result {
            Ok(value) => {
                self.data = Some(value);
                self.error = None;
                self.updated_at = Some(Instant::now());
                self.saved_at = None;
                self.generation += 1;
            }
            Err(e) => {
                tracing::warn!("request failed: {e}");
                self.error = Some(e);
                self.failed_at = Some(Instant::now());
            }
        }
        true
    }

    /// Records a failed request made elsewhere (a task that feeds this value): the data stays,
    /// the error is shown until the next value.
    pub fn fail(&mut self, e: ApiError) {
        tracing::warn!("request failed: {e}");
        self.error = Some(e);
        self.failed_at = Some(Instant::now());
    }

    /// Shows a value read from the disk cache, saved at `saved_at` (epoch seconds), until the
    /// first answer replaces it. Ignored once an answer has arrived.
    pub fn set_saved(&mut self, value: T, saved_at: i64) {
        if self.updated_at.is_none() {
            self.data = Some(value);
            self.saved_at = Some(saved_at);
            self.generation += 1;
        }
    }

    /// While the data shown comes from the disk cache: when it was saved (epoch seconds).
    pub fn saved_at(&self) -> Option<i64> {
        self.saved_at
    }

    /// Drops the request in flight, if any (its answer will be dropped); the data stays.
    pub fn cancel(&mut self) {
        self.pending = None;
    }

    /// When the last answer, good or not, arrived.
    pub fn answered_at(&self) -> Option<Instant> {
        self.updated_at.max(self.failed_at)
    }

    /// Sets the value as if it had just arrived (a view filled without a gateway).
    pub fn set(&mut self, value: T) {
        self.data = Some(value);
        self.error = None;
        self.updated_at = Some(Instant::now());
        self.saved_at = None;
        self.generation += 1;
    }

    /// Forgets everything, including a request in flight (its answer will be dropped).
    pub fn reset(&mut self) {
        *self = Self::default();
    }

    /// The last good value.
    pub fn data(&self) -> Option<&T> {
        self.data.as_ref()
    }

    /// The last good value, to change in place (counts as a new generation).
    pub fn data_mut(&mut self) -> Option<&mut T> {
        self.generation += 1;
        self.data.as_mut()
    }

    /// The error of the last request, if it failed.
    pub fn error(&self) -> Option<&ApiError> {
        self.error.as_ref()
    }

    /// True while a request is in flight (sent, or due to be).
    pub fn is_loading(&self) -> bool {
        self.pending.is_some() && self.due.is_none_or(|due| Instant::now() >= due)
    }

    /// Moves when the waiting request is sent (its [`crate::tasks::Deadline`] was moved).
    pub fn set_due(&mut self, due: Instant) {
        if self.pending.is_some() && self.due.is_some() {
            self.due = Some(due);
        }
    }

    /// True while a request waits for its moment or is in flight.
    pub fn is_pending(&self) -> bool {
        self.pending.is_some()
    }

    /// When the value last arrived.
    pub fn updated_at(&self) -> Option<Instant> {
        self.updated_at
    }

    /// When the last request failed (kept after a later success, for the status bar).
    pub fn failed_at(&self) -> Option<Instant> {
        self.failed_at
    }

    /// Bumped each time the value changes: derived caches compare it.
    pub fn generation(&self) -> u64 {
        self.generation
    }
}
