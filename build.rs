//! Build information for `cuedesk --version` and the About dialog: the git commit (or
//! `$CUEDESK_GIT_COMMIT` when building from a source archive) and the build date
//! (`$SOURCE_DATE_EPOCH` for reproducible builds, else the day the build script ran).

use std::path::Path;
use std::process::Command;

fn main() {
    let commit = std::env::var("CUEDESK_GIT_COMMIT")
        .ok()
        .filter(|c| !c.trim().is_empty())
        .or_else(git_commit)
        .unwrap_or_else(|| "unknown".to_owned());
    let epoch = std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|s| s.trim().parse::<i64>().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(0))
        });
    println!("cargo:rustc-env=CUEDESK_GIT_COMMIT={commit}");
    println!("cargo:rustc-env=CUEDESK_BUILD_DATE={}", civil_date(epoch));
    println!("cargo:rerun-if-env-changed=CUEDESK_GIT_COMMIT");
    println!("cargo:rerun-if-env-changed=SOURCE_DATE_EPOCH");
    // A new commit runs this again (the branch file, or packed refs after a gc).
    // (Only paths that exist: a missing one would run this, and rebuild the crate, every time.)
    let mut watch = vec![".git/HEAD".to_owned(), ".git/packed-refs".to_owned()];
    if let Ok(head) = std::fs::read_to_string(".git/HEAD")
        && let Some(r) = head.trim().strip_prefix("ref: ")
    {
        watch.push(format!(".git/{r}"));
    }
    for path in watch.iter().filter(|p| Path::new(p).exists()) {
        println!("cargo:rerun-if-changed={path}");
    }
    if !Path::new(".git/HEAD").exists() {
        // Without git, nothing else changes the commit: only the env variables above.
        println!("cargo:rerun-if-changed=build.rs");
    }
    // Tests that need the simulator (fault injection, its farm's state, changes to the farm)
    // are ignored, and so counted and listed by the test runner, when the suite runs against a
    // real gateway (tests/common/mod.rs).
    println!("cargo::rustc-check-cfg=cfg(real_gateway)");
    println!("cargo::rustc-check-cfg=cfg(real_gateway_mutations)");
    println!("cargo:rerun-if-env-changed=CUEDESK_TEST_GATEWAY_URL");
    println!("cargo:rerun-if-env-changed=CUEDESK_TEST_ALLOW_MUTATIONS");
    if std::env::var_os("CUEDESK_TEST_GATEWAY_URL").is_some_and(|v| !v.is_empty()) {
        println!("cargo:rustc-cfg=real_gateway");
        if std::env::var("CUEDESK_TEST_ALLOW_MUTATIONS").as_deref() == Ok("1") {
            println!("cargo:rustc-cfg=real_gateway_mutations");
        }
    }
    windows_resources();
}

fn git_commit() -> Option<String> {
    let out = Command::new("git")
        .args(["rev-parse", "--short=12", "HEAD"])
        .output()
        .ok()?;
    let commit = String::from_utf8(out.stdout).ok()?.trim().to_owned();
    (out.status.success() && !commit.is_empty()).then_some(commit)
}

/// `YYYY-MM-DD` (UTC) of a Unix time (Howard Hinnant's days-to-civil).
fn civil_date(epoch: i64) -> String {
    let z = epoch.div_euclid(86_400) + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}")
}

/// The Windows executable's icon and version resources (built on Windows only).
fn windows_resources() {
    #[cfg(windows)]
    if std::env::var("CARGO_CFG_TARGET_OS").as_deref() == Ok("windows") {
        let mut res = winresource::WindowsResource::new();
        res.set_icon("packaging/windows/cuedesk.ico")
            .set("ProductName", "CueDesk")
            .set(
                "FileDescription",
                "CueDesk, a desktop client for OpenCue render farms",
            )
            .set("CompanyName", "CueDesk developers");
        if let Err(e) = res.compile() {
            println!("cargo:warning=no Windows resources: {e}");
        }
    }
}
