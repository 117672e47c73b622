//! The `cuedesk` command: logging, the tokio runtime, and the subcommands.

// Release builds on Windows open no console window (an artist double-clicks the icon); the
// command-line subcommands attach to the console they were started from.
#![cfg_attr(all(windows, not(debug_assertions)), windows_subsystem = "windows")]

use std::net::{IpAddr, SocketAddr};
use std::process::ExitCode;
use std::time::Duration;

use clap::{Args, Parser, Subcommand};
use cuedesk::api::Credentials;
use cuedesk::api::auth::{mint_token, now_epoch};
use cuedesk::app::{Connection, CueDeskApp, ProfileSetup};
use cuedesk::profiles::{AuthMode, Profile};
use cuedesk::sim::{FarmSpec, RandomFaults, SimConfig, SimLogs, SimServer, random_secret};
use secrecy::SecretString;

/// CueDesk: a desktop client for OpenCue render farms.
#[derive(Debug, Parser)]
#[command(name = "cuedesk", version = cuedesk::VERSION, about)]
struct Cli {
    /// Start the built-in simulated gateway with a live demo farm on a free loopback port, and connect to it
    #[arg(long, conflicts_with = "gateway")]
    demo: bool,

    /// Connect straight to this gateway, with $JWT_SECRET or $JWT_TOKEN (no profile is written)
    #[arg(long, value_name = "URL")]
    gateway: Option<String>,

    /// Open this saved profile instead of the last one used
    #[arg(long, value_name = "NAME", conflicts_with_all = ["demo", "gateway"])]
    profile: Option<String>,

    /// Open on this view: mine (your jobs across every show), jobs (a show's jobs), hosts, or
    /// farm (the overview)
    #[arg(long, value_name = "VIEW", value_parser = ["mine", "jobs", "hosts", "farm"])]
    view: Option<String>,

    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Serve a simulated OpenCue REST Gateway and farm (for curl, CueWeb, CueDesk, tests)
    Sim(SimArgs),
    /// Load a big farm through the real client and view state, then print the times and this
    /// process's peak memory (the simulated gateway runs as a separate process, not counted)
    BenchLoad(BenchLoadArgs),
    /// Print how jobs are doing until they finish: one line per job and refresh. Exits 0 when
    /// every frame succeeded, 1 when a frame is dead or eaten or a job was killed, 2 when the
    /// jobs cannot be watched (unknown job, sign-in failure, unreachable gateway)
    Watch(WatchArgs),
}

#[derive(Debug, Args)]
struct WatchArgs {
    /// Use this saved profile (its secret or token from the keyring)
    #[arg(long, value_name = "NAME", conflicts_with = "gateway")]
    profile: Option<String>,
    /// The gateway, with $JWT_SECRET or $JWT_TOKEN (default: $OPENCUE_REST_GATEWAY_URL, else the
    /// last profile used)
    #[arg(long, value_name = "URL")]
    gateway: Option<String>,
    /// Seconds between refreshes
    #[arg(long, default_value_t = 30, value_parser = clap::value_parser!(u64).range(1..))]
    interval: u64,
    /// Print once and exit 0
    #[arg(long)]
    once: bool,
    /// Job names (finished jobs included)
    #[arg(required = true, value_name = "JOB")]
    jobs: Vec<String>,
}

#[derive(Debug, Args)]
struct BenchLoadArgs {
    /// Pending jobs on the simulated farm
    #[arg(long, default_value_t = 10_000)]
    jobs: usize,
    /// Frames of the biggest job, all loaded
    #[arg(long, default_value_t = 100_000)]
    frames: usize,
}

#[derive(Debug, Args)]
struct SimArgs {
    /// Port to listen on (0 = any free port)
    #[arg(long, default_value_t = 8448)]
    port: u16,
    /// Address to listen on; anything but loopback exposes the farm to the network
    #[arg(long, default_value = "127.0.0.1")]
    bind: IpAddr,
    /// The gateway's JWT secret (default: $JWT_SECRET, else a random one that is printed)
    #[arg(long, env = "JWT_SECRET", hide_env_values = true)]
    secret: Option<String>,
    /// Seed of the generated farm
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Number of shows
    #[arg(long, default_value_t = 3)]
    shows: usize,
    /// Number of jobs
    #[arg(long, default_value_t = 40)]
    jobs: usize,
    /// Frames in each job
    #[arg(long, default_value_t = 100)]
    frames_per_job: usize,
    /// Number of render hosts
    #[arg(long, default_value_t = 60)]
    hosts: usize,
    /// Add one job with this many frames (e.g. 100000)
    #[arg(long, default_value_t = 0)]
    big_job_frames: usize,
    /// Advance the farm in real time: frames start, finish and die
    #[arg(long)]
    live: bool,
    /// Random faults, e.g. latency=50-500,error=0.05,unauthorized=0.01,malformed=0.02,truncated=0.02,html=0.01,reset=0.02,huge=0.01,huge_mb=50,seed=7
    #[arg(long)]
    faults: Option<String>,
    /// Serve HTTPS with a certificate from a CA generated into DIR (ca.pem is the profile's CA file)
    #[arg(long, value_name = "DIR")]
    tls_dir: Option<std::path::PathBuf>,
    /// Write the frames' .rqlog files here (default: a temporary directory, for farms up to 200,000 frames)
    #[arg(long, value_name = "DIR", conflicts_with = "no_logs")]
    log_root: Option<std::path::PathBuf>,
    /// Write no frame logs
    #[arg(long)]
    no_logs: bool,
    /// Write one JSON line per request to FILE (emptied first): time, rpc, status, code, duration_ms,
    /// bytes_in, bytes_out, fault
    #[arg(long, value_name = "FILE")]
    log: Option<std::path::PathBuf>,
}

fn main() -> ExitCode {
    let started = std::time::Instant::now();
    attach_console();
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .with_writer(std::io::stderr)
        .init();
    let cli = Cli::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .thread_name("cuedesk-io")
        // Big answers are decoded on a blocking thread. Kept for a while between refreshes
        // (tokio's default is 10 s), so each refresh does not start a thread, and a malloc
        // arena with it, only to end it again.
        .thread_keep_alive(Duration::from_secs(300))
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("cuedesk: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    let result = match cli.command {
        Some(Command::Sim(args)) => runtime.block_on(run_sim(args)),
        Some(Command::BenchLoad(args)) => runtime.block_on(bench_load(args)),
        Some(Command::Watch(args)) => {
            let code = runtime.block_on(watch(args));
            runtime.shutdown_timeout(Duration::from_millis(500));
            return ExitCode::from(code);
        }
        None => run_window(
            &runtime,
            cli.demo,
            cli.gateway,
            cli.profile,
            cli.view.as_deref(),
            started,
        ),
    };
    // Work still out (a request, a desktop notification waiting to be clicked) is dropped.
    runtime.shutdown_timeout(Duration::from_millis(500));
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("cuedesk: {e}");
            ExitCode::FAILURE
        }
    }
}

/// The profile made from the tutorial's environment variables, with `url` overriding
/// `OPENCUE_REST_GATEWAY_URL`, and its secret or token. `None` when no URL is known; an error
/// when no secret or token is.
fn env_profile(url: Option<String>) -> Result<Option<(Profile, SecretString)>, String> {
    let Some(url) = url.or_else(|| std::env::var("OPENCUE_REST_GATEWAY_URL").ok()) else {
        return Ok(None);
    };
    let (auth, secret) = match (std::env::var("JWT_SECRET"), std::env::var("JWT_TOKEN")) {
        (Ok(secret), _) if !secret.is_empty() => (AuthMode::Secret, secret),
        (_, Ok(token)) if !token.is_empty() => (AuthMode::Token, token),
        _ => {
            return Err(format!(
                "{url}: set JWT_SECRET (the gateway's secret) or JWT_TOKEN (a token) to connect"
            ));
        }
    };
    let profile = Profile {
        name: cuedesk::profiles::ENV_PROFILE_NAME.to_owned(),
        gateway_url: url,
        username: cuedesk::profiles::default_username(),
        auth,
        view: cuedesk::app::MainView::Mine.key().to_owned(),
        ..Profile::default()
    };
    Ok(Some((profile, SecretString::from(secret))))
}

/// `cuedesk watch`: the profile or gateway to use, then the watch itself.
async fn watch(args: WatchArgs) -> u8 {
    let connection = match watch_connection(args.profile, args.gateway) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("cuedesk watch: {e}");
            return cuedesk::terminal::Ending::Error.code();
        }
    };
    let client = match cuedesk::api::ApiClient::new(
        connection.profile.client_config(connection.credentials),
    ) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("cuedesk watch: {}", e.user_message());
            return cuedesk::terminal::Ending::Error.code();
        }
    };
    let request = cuedesk::terminal::WatchRequest {
        names: args.jobs,
        interval: Duration::from_secs(args.interval),
        once: args.once,
    };
    let (mut out, mut err) = (std::io::stdout(), std::io::stderr());
    cuedesk::terminal::watch(&client, &request, &mut out, &mut err)
        .await
        .code()
}

/// Where `cuedesk watch` connects: the named profile, else `--gateway` or the tutorial's
/// environment variables, else the last profile used.
fn watch_connection(
    profile: Option<String>,
    gateway: Option<String>,
) -> Result<Connection, String> {
    if profile.is_none()
        && let Some((profile, secret)) = env_profile(gateway)?
    {
        return Ok(Connection {
            credentials: profile.credentials(secret),
            profile,
        });
    }
    let store = cuedesk::profiles::ProfileStore::in_config_dir()
        .ok_or("this system has no config directory, so no saved profile")?;
    let mut file = store.load().file;
    let (site, _) = cuedesk::profiles::load_site_profiles(&cuedesk::profiles::site_profile_paths());
    file.site_profiles = site;
    let name = profile.or_else(|| file.last_profile.clone()).ok_or(
        "no profile: use --profile NAME, or --gateway URL (or OPENCUE_REST_GATEWAY_URL) with JWT_SECRET or JWT_TOKEN",
    )?;
    let profile = file
        .get(&name)
        .cloned()
        .ok_or_else(|| format!("there is no profile named {name:?}"))?;
    if profile.auth == AuthMode::Command {
        // The token command gives the token: nothing to read from the keyring.
        return Ok(Connection {
            credentials: profile.credentials(SecretString::default()),
            profile,
        });
    }
    use cuedesk::secrets::CredentialStore as _;
    let secret = cuedesk::secrets::KeyringStore
        .get(&profile.name)
        .map_err(|e| format!("cannot read the secret of {name:?} from the keyring: {e}"))?
        .ok_or_else(|| {
            format!("no secret or token is stored for {name:?}: save it in CueDesk first")
        })?;
    Ok(Connection {
        credentials: profile.credentials(secret),
        profile,
    })
}

fn run_window(
    runtime: &tokio::runtime::Runtime,
    demo: bool,
    gateway: Option<String>,
    profile: Option<String>,
    view: Option<&str>,
    started: std::time::Instant,
) -> Result<(), String> {
    // Promise::spawn_async and the app's tasks need the runtime entered on this thread.
    let _guard = runtime.enter();
    let handle = runtime.handle().clone();
    let mut demo_sim = None;
    let connection = if demo {
        let (sim, connection) = runtime.block_on(cuedesk::app::demo::start())?;
        demo_sim = Some(sim);
        Some(connection)
    } else if gateway.is_some() {
        env_profile(gateway)?.map(|(profile, secret)| Connection {
            credentials: profile.credentials(secret),
            profile,
        })
    } else {
        None
    };
    let mut connection = connection;
    let mut env = if demo || connection.is_some() {
        None
    } else {
        env_profile(None).unwrap_or_else(|e| {
            tracing::warn!("{e}");
            None
        })
    };
    // `--view`: the view the window opens on ("jobs" is stored as the empty key).
    let view_key = view.map(|v| if v == "jobs" { "" } else { v });
    if let Some(key) = view_key {
        for p in connection
            .as_mut()
            .map(|c| &mut c.profile)
            .into_iter()
            .chain(env.as_mut().map(|(p, _)| p))
        {
            key.clone_into(&mut p.view);
        }
    }
    // Saved profiles (read before the window opens; later writes happen off the UI thread).
    let store = cuedesk::profiles::ProfileStore::in_config_dir();
    let loaded = store.as_ref().map_or_else(
        || cuedesk::profiles::Loaded {
            file: cuedesk::profiles::ProfilesFile::default(),
            warning: Some("This system has no config directory: profiles are not saved".into()),
            writable: false,
        },
        cuedesk::profiles::ProfileStore::load,
    );
    // The studio's profiles, beside the user's (read before the window opens, like those).
    let mut loaded = loaded;
    let (site, warnings) =
        cuedesk::profiles::load_site_profiles(&cuedesk::profiles::site_profile_paths());
    loaded.file.site_profiles = site;
    if !warnings.is_empty() {
        let all: Vec<String> = loaded.warning.take().into_iter().chain(warnings).collect();
        loaded.warning = Some(all.join(". "));
    }
    if let Some(key) = view_key
        && let Some(name) = profile.clone().or_else(|| loaded.file.last_profile.clone())
        && let Some(p) = loaded.file.profiles.iter_mut().find(|p| p.name == name)
    {
        key.clone_into(&mut p.view);
    }
    let setup = ProfileSetup {
        loaded,
        store,
        creds: std::sync::Arc::new(cuedesk::secrets::KeyringStore),
        open: profile,
        env,
        view_cache: cuedesk::view_cache::ViewCache::default_dir(),
        preread: None,
    };
    // The opening profile's saved views are read while the window is created (a quarter of a
    // second under software GL), so its rows can be in the first frame.
    let mut setup = setup;
    setup.preread = preread_views(&setup, connection.as_ref());
    let options = eframe::NativeOptions {
        viewport: egui::ViewportBuilder::default()
            .with_title("CueDesk")
            .with_app_id("cuedesk")
            .with_icon(std::sync::Arc::new(cuedesk::app::icon()))
            .with_inner_size([1400.0, 800.0])
            .with_min_inner_size([720.0, 420.0]),
        ..Default::default()
    };
    eframe::run_native(
        "CueDesk",
        options,
        Box::new(move |_cc| {
            let mut app = CueDeskApp::with_profiles(handle, setup, connection)
                .timed_from(started)
                .with_desktop_notifications();
            if let Some(sim) = demo_sim {
                app = app.with_demo(sim);
            }
            Ok(Box::new(app))
        }),
    )
    .map_err(|e| format!("cannot open the window: {e}"))
}

/// Starts reading the saved views of the profile the window will open, if it keeps them.
fn preread_views(
    setup: &ProfileSetup,
    connection: Option<&Connection>,
) -> Option<cuedesk::view_cache::Preread> {
    let profile = setup.opening(connection).filter(|p| p.cache_views)?;
    let key = cuedesk::view_cache::CacheKey::of(profile);
    let cache = cuedesk::view_cache::ViewCache::new(setup.view_cache.clone()?, key.clone());
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::Builder::new()
        .name("cuedesk-preread".into())
        .spawn(move || {
            tx.send(cache.load_all()).ok();
        })
        .ok()?;
    Some(cuedesk::view_cache::Preread::new(key, rx))
}

/// Windows release builds have no console of their own: print to the one the command was
/// typed in, if any.
fn attach_console() {
    #[cfg(all(windows, not(debug_assertions)))]
    #[allow(unsafe_code)]
    // SAFETY: AttachConsole takes a process id constant and touches no Rust memory.
    unsafe {
        windows_sys::Win32::System::Console::AttachConsole(
            windows_sys::Win32::System::Console::ATTACH_PARENT_PROCESS,
        );
    }
}

/// Starts `cuedesk sim` as a child process, loads from it, prints the report.
async fn bench_load(args: BenchLoadArgs) -> Result<(), String> {
    use tokio::io::AsyncBufReadExt as _;
    let exe = std::env::current_exe().map_err(|e| format!("cannot find this program: {e}"))?;
    let secret = random_secret();
    let mut child = tokio::process::Command::new(exe)
        .args([
            "sim",
            "--port",
            "0",
            "--no-logs",
            "--hosts",
            "200",
            "--shows",
            "8",
        ])
        .args(["--jobs", &args.jobs.to_string(), "--frames-per-job", "10"])
        .args(["--big-job-frames", &args.frames.to_string()])
        .arg("--secret")
        .arg(&secret)
        .stdout(std::process::Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .map_err(|e| format!("cannot start the simulated gateway: {e}"))?;
    let stdout = child
        .stdout
        .take()
        .ok_or("the simulated gateway has no output")?;
    let mut lines = tokio::io::BufReader::new(stdout).lines();
    let url = loop {
        match lines.next_line().await {
            Ok(Some(line)) => {
                if let Some(url) = line.strip_prefix("Simulated OpenCue REST Gateway at ") {
                    break url.trim().to_owned();
                }
            }
            Ok(None) | Err(_) => return Err("the simulated gateway did not start".into()),
        }
    };
    let mut config =
        cuedesk::api::ClientConfig::new(url.clone(), Credentials::secret("cuedesk-bench", secret));
    config.request_timeout = Duration::from_secs(120);
    let client = cuedesk::api::ApiClient::new(config).map_err(|e| e.user_message())?;
    println!(
        "Loading {} jobs and a job of {} frames from {url}",
        args.jobs + 1,
        args.frames
    );
    let report = cuedesk::bench::load(&client)
        .await
        .map_err(|e| e.user_message())?;
    println!("{report}");
    drop(child);
    Ok(())
}

async fn run_sim(args: SimArgs) -> Result<(), String> {
    let faults = args
        .faults
        .as_deref()
        .map(RandomFaults::parse)
        .transpose()?;
    let (secret, generated) = match args.secret {
        Some(s) if !s.is_empty() => (s, false),
        _ => (random_secret(), true),
    };
    if !args.bind.is_loopback() {
        tracing::warn!(bind = %args.bind, "the simulated gateway is reachable from the network");
    }
    let mut config = SimConfig::new(
        secret.clone(),
        FarmSpec {
            seed: args.seed,
            shows: args.shows,
            jobs: args.jobs,
            frames_per_job: args.frames_per_job,
            hosts: args.hosts,
            big_job_frames: args.big_job_frames,
        },
    );
    config.bind = SocketAddr::new(args.bind, args.port);
    config.live = args.live;
    config.journal = args.log;
    if let Some(dir) = &args.tls_dir {
        let pki = cuedesk::sim::TestPki::new().map_err(|e| e.to_string())?;
        config.tls = Some(
            pki.write(dir)
                .map_err(|e| format!("cannot write certificates to {}: {e}", dir.display()))?,
        );
        println!(
            "HTTPS with a generated CA: set the profile's CA file to {}",
            dir.join("ca.pem").display()
        );
    }
    config.tick = Duration::from_secs(1);
    let total_frames = args.jobs * args.frames_per_job + args.big_job_frames;
    config.logs = match (args.log_root, args.no_logs) {
        (Some(dir), _) => SimLogs::Dir(dir),
        (None, true) => SimLogs::Off,
        (None, false) if total_frames <= 200_000 => SimLogs::Temporary,
        (None, false) => {
            println!("No frame logs for {total_frames} frames (use --log-root DIR to write them)");
            SimLogs::Off
        }
    };
    let server = SimServer::start(config)
        .await
        .map_err(|e| format!("cannot start the simulated gateway: {e}"))?;
    server.faults().set_random(faults);
    let (jobs, frames) = server.with_farm(|f| (f.job_count(), f.frame_count()));
    println!("Simulated OpenCue REST Gateway at {}", server.url());
    println!(
        "  {jobs} jobs, {frames} frames, {} hosts{}",
        args.hosts,
        if args.live { ", live" } else { "" }
    );
    if let Some((root, prefix)) = server.log_root() {
        println!(
            "  frame logs under {}, reported as {prefix}/… (map {prefix} to that directory)",
            root.display()
        );
    }
    println!();
    println!("  export OPENCUE_REST_GATEWAY_URL={}", server.url());
    if generated {
        // The simulator's own throwaway secret: printing it is how a user connects to it.
        println!("  export JWT_SECRET={secret}");
        if let Ok(token) = mint_token(
            "cuedesk-demo",
            &SecretString::from(secret),
            now_epoch(),
            Duration::from_secs(24 * 3600),
        ) {
            println!("  export JWT_TOKEN={token}");
        }
    } else {
        println!(
            "  (JWT secret as given; mint a token with it, as in the OpenCue REST API tutorial)"
        );
    }
    println!();
    println!(
        "  curl -s -X POST -H \"Authorization: Bearer $JWT_TOKEN\" -H 'Content-Type: application/json' \\"
    );
    println!("       \"$OPENCUE_REST_GATEWAY_URL/show.ShowInterface/GetShows\" -d '{{}}'");
    println!();
    println!("Press Ctrl+C to stop.");
    tokio::signal::ctrl_c()
        .await
        .map_err(|e| format!("cannot wait for Ctrl+C: {e}"))?;
    drop(server);
    Ok(())
}
