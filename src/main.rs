//! The `cuedesk` command: logging, the tokio runtime, and the subcommands.

use std::net::{IpAddr, SocketAddr};
use std::process::ExitCode;
use std::time::Duration;

use clap::{Args, Parser, Subcommand};
use cuedesk::api::auth::{mint_token, now_epoch};
use cuedesk::sim::{FarmSpec, RandomFaults, SimConfig, SimServer, random_secret};
use secrecy::SecretString;

/// CueDesk: a desktop client for OpenCue render farms.
#[derive(Debug, Parser)]
#[command(name = "cuedesk", version, about, arg_required_else_help = true)]
struct Cli {
    /// Start the built-in simulated gateway with a live demo farm on a free loopback port
    #[arg(long)]
    demo: bool,

    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Serve a simulated OpenCue REST Gateway and farm (for curl, CueWeb, CueDesk, tests)
    Sim(SimArgs),
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
    /// Random faults, e.g. latency=50-500,error=0.05,unauthorized=0.01,malformed=0.02,truncated=0.02,html=0.01,seed=7
    #[arg(long)]
    faults: Option<String>,
}

fn main() -> ExitCode {
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
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("cuedesk: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    let result = match cli.command {
        Some(Command::Sim(args)) => runtime.block_on(run_sim(args, false)),
        None if cli.demo => runtime.block_on(run_sim(demo_args(), true)),
        None => Ok(()),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("cuedesk: {e}");
            ExitCode::FAILURE
        }
    }
}

fn demo_args() -> SimArgs {
    SimArgs {
        port: 0,
        bind: IpAddr::from([127, 0, 0, 1]),
        secret: None,
        seed: 1,
        shows: 3,
        jobs: 40,
        frames_per_job: 100,
        hosts: 60,
        big_job_frames: 0,
        live: true,
        faults: None,
    }
}

async fn run_sim(args: SimArgs, demo: bool) -> Result<(), String> {
    let faults = args
        .faults
        .as_deref()
        .map(RandomFaults::parse)
        .transpose()?;
    let (secret, generated) = match args.secret {
        Some(s) if !s.is_empty() && !demo => (s, false),
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
    config.tick = Duration::from_secs(1);
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
