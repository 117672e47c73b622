//! The one place CueDesk starts background work.
//!
//! Every request to the gateway, every keyring or file operation and every search over a log
//! runs on the tokio runtime through [`Tasks`]. Each task ends the same way: its result goes to
//! a poll-promise (or, for a stream of pages, a bounded [`Inbox`]) and the window is woken to
//! take it. A task that panics does not take the window with it, and does not leave a promise
//! without a value (which would panic on the UI thread when polled): its caller gets a
//! [`TaskFailed`] error, worded for the user, in the place the result would have shown.
//!
//! Nothing else under `src/` outside `api/`, `sim/`, `main.rs` and `bench.rs` spawns work or
//! creates a promise; `clippy.toml` says so.

use std::future::Future;
use std::sync::{Arc, OnceLock};
use std::time::Instant;

use poll_promise::Promise;
use tokio::sync::mpsc;

/// A background task that panicked or was cancelled instead of returning its result.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("CueDesk failed while {what} ({message}). The window keeps working; please report this")]
pub struct TaskFailed {
    /// What the task was doing, e.g. "loading the jobs".
    pub what: &'static str,
    /// The panic message.
    pub message: String,
}

impl From<TaskFailed> for crate::api::ApiError {
    fn from(e: TaskFailed) -> Self {
        Self::Internal(e.to_string())
    }
}

impl From<TaskFailed> for String {
    fn from(e: TaskFailed) -> Self {
        e.to_string()
    }
}

/// Wakes whoever takes the results: the window, or a test.
pub type Waker = Arc<dyn Fn() + Send + Sync>;

/// Starts background work and wakes the window when it is done. Cheap to clone.
#[derive(Clone)]
pub struct Tasks {
    rt: tokio::runtime::Handle,
    /// Wakes the window; known from the first frame on (work that ends before it is taken by
    /// that first frame).
    waker: Arc<OnceLock<Waker>>,
}

impl Tasks {
    /// Tasks on `rt`; call [`Tasks::attach`] once the window exists.
    pub fn new(rt: tokio::runtime::Handle) -> Self {
        Self {
            rt,
            waker: Arc::new(OnceLock::new()),
        }
    }

    /// Tasks on `rt` that call `waker` when a result is ready (tests, headless use).
    pub fn with_waker(rt: tokio::runtime::Handle, waker: Waker) -> Self {
        let tasks = Self::new(rt);
        tasks.waker.set(waker).ok();
        tasks
    }

    /// Tells the tasks which window to wake (the first call wins; later calls cost a load).
    pub fn attach(&self, ctx: &egui::Context) {
        if self.waker.get().is_none() {
            let ctx = ctx.clone();
            // A non-zero delay asks for one frame; `request_repaint` asks for two ("to let
            // things settle"), which doubles what each answer costs under software rendering.
            self.waker
                .set(Arc::new(move || {
                    ctx.request_repaint_after(std::time::Duration::from_millis(1));
                }))
                .ok();
        }
    }

    /// Asks the window to draw a frame, from any thread.
    pub fn wake(&self) {
        if let Some(wake) = self.waker.get() {
            wake();
        }
    }

    /// Runs `fut` on the runtime. The promise gets its result, or [`TaskFailed`] when it
    /// panicked; either way the window is woken.
    #[allow(clippy::disallowed_methods)] // This is the one place that spawns.
    pub fn spawn<T, E, F>(&self, what: &'static str, fut: F) -> Promise<Result<T, E>>
    where
        T: Send + 'static,
        E: From<TaskFailed> + Send + 'static,
        F: Future<Output = Result<T, E>> + Send + 'static,
    {
        let handle = self.rt.spawn(fut);
        self.deliver(what, handle)
    }

    /// Runs blocking work (keyring, files, log search) on the runtime's blocking pool. The
    /// promise gets its result, or the [`TaskFailed`] text when it panicked; the window is woken.
    #[allow(clippy::disallowed_methods)] // This is the one place that spawns.
    pub fn blocking<T, F>(&self, what: &'static str, f: F) -> Promise<Result<T, String>>
    where
        T: Send + 'static,
        F: FnOnce() -> Result<T, String> + Send + 'static,
    {
        let handle = self.rt.spawn_blocking(f);
        self.deliver(what, handle)
    }

    /// Runs blocking work that may wait for as long as a person takes (a desktop notification
    /// waits to be clicked or closed) on a thread of its own, outside the runtime: closing the
    /// window or dropping the runtime does not wait for it. The promise gets its result, or the
    /// panic's text; the window is woken.
    #[allow(clippy::disallowed_methods)] // This is the one place that spawns.
    pub fn detached<T: Send + 'static>(
        &self,
        what: &'static str,
        f: impl FnOnce() -> Result<T, String> + Send + 'static,
    ) -> Promise<Result<T, String>> {
        let (sender, promise) = Promise::new();
        let tasks = self.clone();
        let spawned = std::thread::Builder::new()
            .name(what.to_owned())
            .spawn(move || {
                let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(f))
                    .unwrap_or_else(|panic| {
                        let message = panic_message(&*panic);
                        tracing::error!("background thread failed while {what}: {message}");
                        Err(format!("failed while {what}: {message}"))
                    });
                sender.send(result);
                tasks.wake();
            });
        match spawned {
            Ok(_) => promise,
            Err(e) => Promise::from_ready(Err(format!("cannot start a thread for {what}: {e}"))),
        }
    }

    /// A promise of the task's result (or of its panic, as an error), and a wake-up when it
    /// ends.
    #[allow(clippy::disallowed_methods)] // This is the one place that spawns.
    fn deliver<T, E>(
        &self,
        what: &'static str,
        handle: tokio::task::JoinHandle<Result<T, E>>,
    ) -> Promise<Result<T, E>>
    where
        T: Send + 'static,
        E: From<TaskFailed> + Send + 'static,
    {
        let (sender, promise) = Promise::new();
        let tasks = self.clone();
        self.rt.spawn(async move {
            sender.send(handle.await.unwrap_or_else(|e| Err(failed(what, e).into())));
            tasks.wake();
        });
        promise
    }

    /// Runs a task that sends several messages (pages of frames) through a bounded channel of
    /// `capacity`: the task waits while the window has not taken them. Each message wakes the
    /// window. A panic arrives as a last message made from [`TaskFailed`].
    #[allow(clippy::disallowed_methods)] // This is the one place that spawns.
    pub fn stream<M, F, Fut>(&self, what: &'static str, capacity: usize, make: F) -> Inbox<M>
    where
        M: From<TaskFailed> + Send + 'static,
        F: FnOnce(Outbox<M>) -> Fut,
        Fut: Future<Output = ()> + Send + 'static,
    {
        let (tx, rx) = mpsc::channel(capacity.max(1));
        let outbox = Outbox {
            tx: tx.clone(),
            tasks: self.clone(),
        };
        let handle = self.rt.spawn(make(outbox));
        let tasks = self.clone();
        self.rt.spawn(async move {
            if let Err(e) = handle.await {
                tx.send(M::from(failed(what, e))).await.ok();
            }
            tasks.wake();
        });
        Inbox { rx }
    }
}

/// What a panic said (its `&str` or `String` payload).
fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "a panic".to_owned())
}

fn failed(what: &'static str, e: tokio::task::JoinError) -> TaskFailed {
    let message = if e.is_panic() {
        panic_message(&*e.into_panic())
    } else {
        "cancelled".to_owned()
    };
    tracing::error!("background task failed while {what}: {message}");
    TaskFailed { what, message }
}

/// Where a [`Tasks::stream`] task sends its messages.
pub struct Outbox<M> {
    tx: mpsc::Sender<M>,
    tasks: Tasks,
}

impl<M: Send + 'static> Outbox<M> {
    /// Sends a message (waiting while the inbox is full) and wakes the window. False when the
    /// inbox was dropped (the view closed): the task should stop.
    pub async fn send(&self, message: M) -> bool {
        let sent = self.tx.send(message).await.is_ok();
        self.tasks.wake();
        sent
    }

    /// Sends a message without waking the window: it is taken at the window's next frame,
    /// whenever that is. When the inbox is full, as [`Self::send`].
    pub async fn send_quietly(&self, message: M) -> bool {
        match self.tx.try_send(message) {
            Ok(()) => true,
            Err(mpsc::error::TrySendError::Full(m)) => self.send(m).await,
            Err(mpsc::error::TrySendError::Closed(_)) => false,
        }
    }
}

/// The receiving end of a [`Tasks::stream`]; dropping it stops the task at its next send.
pub struct Inbox<M> {
    rx: mpsc::Receiver<M>,
}

/// What [`Inbox::take`] found.
#[derive(Debug, PartialEq, Eq)]
pub enum Received<M> {
    /// A message.
    Message(M),
    /// Nothing yet.
    Empty,
    /// The task ended and every message was taken.
    Closed,
}

impl<M> Inbox<M> {
    /// The next message, without waiting.
    pub fn take(&mut self) -> Received<M> {
        match self.rx.try_recv() {
            Ok(m) => Received::Message(m),
            Err(mpsc::error::TryRecvError::Empty) => Received::Empty,
            Err(mpsc::error::TryRecvError::Disconnected) => Received::Closed,
        }
    }
}

/// Work in flight, each promise with what it is for (a profile to connect with, a history
/// line…). The one way a list of promises is drained.
pub struct Inflight<K, T: Send + 'static> {
    items: Vec<(K, Promise<T>)>,
}

impl<K, T: Send + 'static> Default for Inflight<K, T> {
    fn default() -> Self {
        Self { items: Vec::new() }
    }
}

impl<K, T: Send + 'static> Inflight<K, T> {
    /// Adds work that `promise` will finish.
    pub fn push(&mut self, key: K, promise: Promise<T>) {
        self.items.push((key, promise));
    }

    /// How much work is out (finished work not taken yet included).
    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// True when no work is out.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// The work that has finished since the last call, in the order it was started.
    pub fn take_finished(&mut self) -> Vec<(K, T)> {
        let mut done = Vec::new();
        let mut running = Vec::with_capacity(self.items.len());
        for (key, promise) in self.items.drain(..) {
            match promise.try_take() {
                Ok(value) => done.push((key, value)),
                Err(promise) => running.push((key, promise)),
            }
        }
        self.items = running;
        done
    }
}

/// A moment a task waits for before it starts its work, which the UI thread can move or
/// cancel while it waits. A timed refresh waits in its task, not in a repaint timer, so the
/// window draws no frame when the refresh is sent: only when its answer lands.
#[derive(Debug)]
pub struct Deadline(tokio::sync::watch::Sender<Instant>);

/// The waiting side of a [`Deadline`], moved into the task (or tasks: it clones).
#[derive(Debug, Clone)]
pub struct DeadlineWait(tokio::sync::watch::Receiver<Instant>);

impl Deadline {
    /// A deadline at `at`, and what the task waits on.
    pub fn new(at: Instant) -> (Self, DeadlineWait) {
        let (tx, rx) = tokio::sync::watch::channel(at);
        (Self(tx), DeadlineWait(rx))
    }

    /// When the task starts its work.
    pub fn at(&self) -> Instant {
        *self.0.borrow()
    }

    /// True once the task has started its work (or is about to).
    pub fn reached(&self) -> bool {
        Instant::now() >= self.at()
    }

    /// Moves the deadline (a moment in the past starts the work now). Changes nothing once the
    /// deadline is reached.
    pub fn move_to(&self, at: Instant) {
        if !self.reached() {
            self.0
                .send_if_modified(|due| std::mem::replace(due, at) != at);
        }
    }
}

impl DeadlineWait {
    /// Waits until the deadline, following its moves. False when the [`Deadline`] was dropped
    /// first: the work is no longer wanted.
    pub async fn reached(mut self) -> bool {
        loop {
            let at = *self.0.borrow_and_update();
            tokio::select! {
                // A deadline dropped at the moment it is reached is not wanted any more.
                biased;
                changed = self.0.changed() => {
                    if changed.is_err() {
                        return false;
                    }
                }
                () = tokio::time::sleep_until(at.into()) => return true,
            }
        }
    }
}

/// Hands memory that is free but kept by the allocator back to the system (glibc's
/// `malloc_trim`; elsewhere nothing). A millisecond or two: called after a big list is replaced.
#[allow(unsafe_code)] // One FFI call with no arguments, below.
pub fn return_freed_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim only walks glibc's own heaps; it is thread-safe and has no inputs.
    unsafe {
        libc::malloc_trim(0);
    }
}

/// The value of a finished promise in `slot` (emptying it); `None` while it runs or when empty.
pub fn take_ready<T: Send + 'static>(slot: &mut Option<Promise<T>>) -> Option<T> {
    let promise = slot.take()?;
    match promise.try_take() {
        Ok(v) => Some(v),
        Err(p) => {
            *slot = Some(p);
            None
        }
    }
}

#[cfg(test)]
mod tests {
    #[tokio::test(start_paused = true)]
    #[allow(clippy::disallowed_methods)] // The waits run as tasks of their own, as in the app.
    async fn a_deadline_can_be_moved_and_dropping_it_cancels_the_wait() {
        let (deadline, wait) = Deadline::new(Instant::now() + std::time::Duration::from_secs(10));
        let waiting = tokio::spawn(wait.reached());
        tokio::task::yield_now().await;
        drop(deadline);
        assert!(!waiting.await.unwrap(), "cancelled");

        let start = Instant::now();
        let clock = tokio::time::Instant::now();
        let (deadline, wait) = Deadline::new(start + std::time::Duration::from_secs(10));
        let waiting = tokio::spawn(wait.clone().reached());
        tokio::task::yield_now().await;
        deadline.move_to(start + std::time::Duration::from_secs(60));
        assert!(!deadline.reached());
        assert!(waiting.await.unwrap(), "reached, later");
        assert!(
            clock.elapsed() >= std::time::Duration::from_secs(60),
            "not at 10 s"
        );

        // Once reached, it no longer moves: the work has started.
        let (deadline, _wait) = Deadline::new(Instant::now());
        deadline.move_to(Instant::now() + std::time::Duration::from_secs(60));
        assert!(deadline.reached());
    }

    use super::*;

    fn runtime() -> tokio::runtime::Runtime {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .unwrap()
    }

    #[test]
    fn a_panicking_task_comes_back_as_an_error() {
        let rt = runtime();
        let tasks = Tasks::new(rt.handle().clone());
        let p = tasks.spawn::<u32, String, _>("testing", async { panic!("boom") });
        let e = p.block_and_take().unwrap_err();
        assert!(e.contains("while testing (boom)"), "{e}");
        let p = tasks.blocking::<u32, _>("reading", || panic!("{}", String::from("bang")));
        assert!(p.block_and_take().unwrap_err().contains("(bang)"));
        let ok = tasks.spawn::<u32, String, _>("adding", async { Ok(2 + 2) });
        assert_eq!(ok.block_and_take(), Ok(4));
    }

    #[test]
    fn a_detached_thread_gives_its_result_or_its_panic_and_wakes_the_window() {
        let rt = runtime();
        let woken = Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let count = woken.clone();
        let tasks = Tasks::with_waker(
            rt.handle().clone(),
            Arc::new(move || {
                count.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            }),
        );
        let ok = tasks.detached("adding", || Ok(2 + 2));
        assert_eq!(ok.block_and_take(), Ok(4));
        let failed = tasks.detached("testing", || -> Result<u32, String> { panic!("boom") });
        assert_eq!(
            failed.block_and_take(),
            Err("failed while testing: boom".to_owned())
        );
        while woken.load(std::sync::atomic::Ordering::SeqCst) < 2 {
            std::thread::yield_now();
        }
    }

    #[test]
    fn a_stream_delivers_in_order_and_ends_with_a_panic_message() {
        #[derive(Debug, PartialEq)]
        enum Msg {
            N(u32),
            Failed(String),
        }
        impl From<TaskFailed> for Msg {
            fn from(e: TaskFailed) -> Self {
                Self::Failed(e.message)
            }
        }
        let rt = runtime();
        let tasks = Tasks::new(rt.handle().clone());
        let mut inbox = tasks.stream("paging", 2, |out| async move {
            for n in 0..5 {
                out.send(Msg::N(n)).await;
            }
            panic!("page 5");
        });
        let mut got = Vec::new();
        loop {
            match inbox.take() {
                Received::Message(m) => got.push(m),
                Received::Empty => std::thread::yield_now(),
                Received::Closed => break,
            }
        }
        let mut want: Vec<Msg> = (0..5).map(Msg::N).collect();
        want.push(Msg::Failed("page 5".into()));
        assert_eq!(got, want);
    }
}
