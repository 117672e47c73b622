//! The built-in demo farm: a live simulated gateway on a free loopback port and the profile that
//! connects to it, as the artist "jdoe". What `--demo` and the welcome screen's "Try the demo
//! farm" start.

use crate::api::Credentials;
use crate::profiles::{PathMapping, Profile};
use crate::sim::{FarmSpec, SimConfig, SimLogs, SimServer, random_secret};

use super::{Connection, MainView};

/// The demo profile's name.
pub const NAME: &str = "Demo farm";

/// Starts the demo farm; returns it (it runs while it is kept) and the connection to it.
pub async fn start() -> Result<(SimServer, Connection), String> {
    let secret = random_secret();
    let mut config = SimConfig::new(secret.clone(), FarmSpec::default());
    config.live = true;
    config.logs = SimLogs::Temporary;
    let sim = SimServer::start(config)
        .await
        .map_err(|e| format!("cannot start the demo farm: {e}"))?;
    // This workstation is one of the demo farm's render hosts: "My workstation" can be tried.
    if let Some(name) = crate::ui::workstation::local_names().into_iter().next() {
        sim.with_farm(|f| f.name_host(&name));
    }
    // The demo farm reports its logs under /shots, as a studio's share; the mapping finds them
    // where the simulator writes them.
    let path_mappings = sim
        .log_root()
        .map(|(root, prefix)| PathMapping {
            from: prefix.to_owned(),
            to: root.display().to_string(),
        })
        .into_iter()
        .collect();
    let profile = Profile {
        name: NAME.to_owned(),
        gateway_url: sim.url(),
        username: "jdoe".to_owned(),
        refresh_interval_secs: 5,
        view: MainView::Mine.key().to_owned(),
        // A new farm on a new port each run: a saved view could never be shown again.
        cache_views: false,
        path_mappings,
        ..Profile::default()
    };
    let connection = Connection {
        profile,
        credentials: Credentials::secret("jdoe", secret),
    };
    Ok((sim, connection))
}
