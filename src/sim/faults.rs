//! Switchable failures for tests and chaos runs. Off by default.
//!
//! Tests queue exact faults for the next requests ([`Faults::push`]); chaos runs set random
//! rates from a seed ([`Faults::set_random`], `cuedesk sim --faults …`).

use std::collections::VecDeque;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use rand::rngs::StdRng;
use rand::{Rng as _, SeedableRng as _};

/// One injected failure.
#[derive(Debug, Clone, PartialEq)]
pub enum Fault {
    /// Wait this long before answering normally.
    Latency(Duration),
    /// Answer with a gRPC status error body.
    Status {
        /// HTTP status.
        status: u16,
        /// gRPC code.
        code: i32,
        /// Message.
        message: String,
    },
    /// Answer 401 with this plain-text body (a newline is added).
    Unauthorized(String),
    /// Answer 200 with a body that is not valid JSON.
    Malformed,
    /// Answer 200 with the real body cut in half and the connection dropped.
    Truncated,
    /// Answer with an HTML page, as a proxy in front of the gateway would.
    Html {
        /// HTTP status of the page.
        status: u16,
    },
    /// Reset the connection (TCP RST) instead of answering: a crashed gateway or proxy.
    Reset,
    /// Answer 200 with a JSON-looking body of this many bytes that never closes (streamed,
    /// no length given): what a runaway proxy or a wrong URL can send.
    Huge {
        /// Size of the body.
        bytes: u64,
    },
}

impl Fault {
    /// Cuebot down: 503 / UNAVAILABLE.
    pub fn cuebot_down() -> Self {
        Self::Status {
            status: 503,
            code: 14,
            message: "connection error: desc = \"transport: Error while dialing: dial tcp 127.0.0.1:8443: connect: connection refused\"".into(),
        }
    }

    /// A 401 "token is expired", whatever the token.
    pub fn expired() -> Self {
        Self::Unauthorized(
            "Token validation error: token has invalid claims: token is expired".into(),
        )
    }

    /// A short name for counting and for the request log (`slow`, `error`, `reset`…).
    pub fn kind(&self) -> &'static str {
        match self {
            Self::Latency(_) => "slow",
            Self::Status { .. } => "error",
            Self::Unauthorized(_) => "unauthorized",
            Self::Malformed => "malformed",
            Self::Truncated => "truncated",
            Self::Html { .. } => "html",
            Self::Reset => "reset",
            Self::Huge { .. } => "huge",
        }
    }
}

/// Random fault rates (each a probability per request) for chaos runs.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RandomFaults {
    /// Added latency range, milliseconds.
    pub latency_ms: (u64, u64),
    /// 500/503 errors.
    pub error: f64,
    /// 401 "token is expired".
    pub unauthorized: f64,
    /// Bodies that are not JSON.
    pub malformed: f64,
    /// Bodies cut off mid-way.
    pub truncated: f64,
    /// HTML pages from a "proxy".
    pub html: f64,
    /// Connection resets.
    pub reset: f64,
    /// Oversized bodies.
    pub huge: f64,
    /// Answers held for [`RandomFaults::slow_ms`] (past a client's timeout).
    pub slow: f64,
    /// How long a slow answer is held, ms (default 35,000: past the default 30 s timeout).
    pub slow_ms: u64,
    /// Size of an oversized body, MB (default 50).
    pub huge_mb: u64,
    /// Seed of the choices.
    pub seed: u64,
}

impl RandomFaults {
    /// Parses `latency=50-500,error=0.05,unauthorized=0.01,malformed=0.02,truncated=0.02,html=0.01,reset=0.02,huge=0.01,huge_mb=50,slow=0.02,slow_ms=35000,seed=7`.
    pub fn parse(spec: &str) -> Result<Self, String> {
        let mut out = Self {
            seed: 1,
            huge_mb: 50,
            slow_ms: 35_000,
            ..Self::default()
        };
        for item in spec.split(',').map(str::trim).filter(|s| !s.is_empty()) {
            let (key, value) = item
                .split_once('=')
                .ok_or_else(|| format!("{item:?}: expected key=value"))?;
            let rate = || {
                value
                    .parse::<f64>()
                    .ok()
                    .filter(|r| (0.0..=1.0).contains(r))
                    .ok_or_else(|| format!("{key}: a rate from 0 to 1"))
            };
            match key {
                "latency" => {
                    let (lo, hi) = value.split_once('-').unwrap_or((value, value));
                    let lo: u64 = lo
                        .parse()
                        .map_err(|_| "latency: milliseconds like 50-500".to_owned())?;
                    let hi: u64 = hi
                        .parse()
                        .map_err(|_| "latency: milliseconds like 50-500".to_owned())?;
                    out.latency_ms = (lo, hi.max(lo));
                }
                "error" => out.error = rate()?,
                "unauthorized" => out.unauthorized = rate()?,
                "malformed" => out.malformed = rate()?,
                "truncated" => out.truncated = rate()?,
                "html" => out.html = rate()?,
                "reset" => out.reset = rate()?,
                "slow" => out.slow = rate()?,
                "slow_ms" => {
                    out.slow_ms = value
                        .parse()
                        .map_err(|_| "slow_ms: milliseconds".to_owned())?
                }
                "huge" => out.huge = rate()?,
                "huge_mb" => {
                    out.huge_mb = value
                        .parse()
                        .map_err(|_| "huge_mb: a whole number of megabytes".to_owned())?
                }
                "seed" => {
                    out.seed = value
                        .parse()
                        .map_err(|_| "seed: a whole number".to_owned())?
                }
                other => {
                    return Err(format!(
                        "unknown fault {other:?} (latency, error, unauthorized, malformed, truncated, html, reset, huge, huge_mb, slow, slow_ms, seed)"
                    ));
                }
            }
        }
        Ok(out)
    }
}

#[derive(Debug, Default)]
struct Plan {
    queue: VecDeque<Fault>,
    random: Option<(RandomFaults, StdRng)>,
    injected: u64,
    by_kind: std::collections::BTreeMap<&'static str, u64>,
}

impl Plan {
    fn count(&mut self, fault: &Fault) {
        self.injected += 1;
        *self.by_kind.entry(fault.kind()).or_default() += 1;
    }
}

/// The fault switchboard of one simulator; clones share it.
#[derive(Debug, Clone, Default)]
pub struct Faults(Arc<Mutex<Plan>>);

impl Faults {
    fn plan(&self) -> std::sync::MutexGuard<'_, Plan> {
        self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The next request (after any already queued) gets this fault.
    pub fn push(&self, fault: Fault) {
        self.plan().queue.push_back(fault);
    }

    /// The next `n` requests get this fault (e.g. a burst of 401s).
    pub fn push_n(&self, fault: &Fault, n: usize) {
        let mut plan = self.plan();
        for _ in 0..n {
            plan.queue.push_back(fault.clone());
        }
    }

    /// Turns random faults on (or off with `None`).
    pub fn set_random(&self, random: Option<RandomFaults>) {
        self.plan().random = random.map(|r| {
            let rng = StdRng::seed_from_u64(r.seed);
            (r, rng)
        });
    }

    /// Drops queued faults and random rates.
    pub fn clear(&self) {
        let mut plan = self.plan();
        plan.queue.clear();
        plan.random = None;
    }

    /// Faults injected so far.
    pub fn injected(&self) -> u64 {
        self.plan().injected
    }

    /// Faults injected so far, by [`Fault::kind`] (random latencies are not counted).
    pub fn injected_by_kind(&self) -> std::collections::BTreeMap<&'static str, u64> {
        self.plan().by_kind.clone()
    }

    /// The faults for the next request: a latency to add and a failure to answer with.
    pub(crate) fn next(&self) -> (Option<Duration>, Option<Fault>) {
        let mut plan = self.plan();
        // Each queued fault is for exactly one request.
        if let Some(f) = plan.queue.pop_front() {
            plan.count(&f);
            return match f {
                Fault::Latency(d) => (Some(d), None),
                other => (None, Some(other)),
            };
        }
        let mut latency = None;
        let mut fault = None;
        let mut slow = false;
        {
            if let Some((r, rng)) = plan.random.as_mut() {
                let (lo, hi) = r.latency_ms;
                if hi > 0 {
                    latency = Some(Duration::from_millis(rng.random_range(lo..=hi)));
                }
                if r.slow > 0.0 && rng.random_bool(r.slow.clamp(0.0, 1.0)) {
                    latency = Some(Duration::from_millis(r.slow_ms));
                    slow = true;
                }
                let roll: f64 = rng.random();
                let mut edge = 0.0;
                for (rate, f) in [
                    (
                        r.error,
                        if rng.random_bool(0.5) {
                            Fault::cuebot_down()
                        } else {
                            Fault::Status {
                                status: 500,
                                code: 13,
                                message: "NullPointerException: null\nnull".into(),
                            }
                        },
                    ),
                    (r.unauthorized, Fault::expired()),
                    (r.malformed, Fault::Malformed),
                    (r.truncated, Fault::Truncated),
                    (r.html, Fault::Html { status: 502 }),
                    (r.reset, Fault::Reset),
                    (
                        r.huge,
                        Fault::Huge {
                            bytes: r.huge_mb.saturating_mul(1 << 20),
                        },
                    ),
                ] {
                    edge += rate;
                    if roll < edge {
                        fault = Some(f);
                        break;
                    }
                }
                if let Some(f) = &fault {
                    plan.count(f);
                }
                if slow {
                    plan.count(&Fault::Latency(latency.unwrap_or_default()));
                }
            }
        }
        (latency, fault)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_a_fault_spec() {
        let r = RandomFaults::parse("latency=50-500, error=0.05, html=0.01, seed=9").unwrap();
        assert_eq!(r.latency_ms, (50, 500));
        assert!((r.error - 0.05).abs() < 1e-9);
        assert_eq!(r.seed, 9);
        assert!(RandomFaults::parse("error=2").is_err());
        assert!(RandomFaults::parse("bogus=1").is_err());
    }

    #[test]
    fn queued_faults_come_out_in_order() {
        let f = Faults::default();
        f.push_n(&Fault::expired(), 2);
        f.push(Fault::Malformed);
        assert_eq!(f.next().1, Some(Fault::expired()));
        assert_eq!(f.next().1, Some(Fault::expired()));
        assert_eq!(f.next().1, Some(Fault::Malformed));
        assert_eq!(f.next(), (None, None));
        assert_eq!(f.injected(), 3);
    }
}
