//! Configuration from the environment, with safe local defaults. Secrets stay wrapped so they
//! never reach a log line.

use leptos::config::LeptosOptions;
use secrecy::SecretString;
use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("{name} is not valid: {reason}")]
    Invalid { name: &'static str, reason: String },
    #[error("Leptos configuration: {0}")]
    Leptos(String),
}

#[derive(Debug, Clone)]
pub struct Config {
    /// The owner's connection (runs migrations, loads data). None: start the embedded cluster.
    pub database_url: Option<SecretString>,
    /// The application role's connection for requests. None: derived from the above.
    pub app_database_url: Option<SecretString>,
    /// Where the embedded cluster lives (`WAYPOINT_DATA_DIR`, default `.data`).
    pub data_dir: PathBuf,
    /// The public origin for canonical links and the sitemap (`WAYPOINT_PUBLIC_URL`).
    pub public_url: String,
    /// Load the demo organization and accounts once (`WAYPOINT_DEMO_DATA`, default on).
    pub load_demo_data: bool,
    /// Mark cookies Secure and send HSTS: on when the public URL is https.
    pub behind_https: bool,
    pub leptos: LeptosOptions,
}

fn var(name: &str) -> Option<String> {
    std::env::var(name).ok().map(|value| value.trim().to_string()).filter(|value| !value.is_empty())
}

fn flag(name: &'static str, default: bool) -> Result<bool, ConfigError> {
    match var(name).map(|value| value.to_ascii_lowercase()) {
        None => Ok(default),
        Some(value) if ["1", "true", "yes", "on"].contains(&value.as_str()) => Ok(true),
        Some(value) if ["0", "false", "no", "off"].contains(&value.as_str()) => Ok(false),
        Some(value) => Err(ConfigError::Invalid { name, reason: format!("expected true or false, got {value:?}") }),
    }
}

impl Config {
    pub fn from_env() -> Result<Self, ConfigError> {
        let leptos = leptos::config::get_configuration(None)
            .map_err(|error| ConfigError::Leptos(error.to_string()))?
            .leptos_options;
        Self::from_env_with(leptos)
    }

    pub fn from_env_with(leptos: LeptosOptions) -> Result<Self, ConfigError> {
        let public_url = match var("WAYPOINT_PUBLIC_URL") {
            Some(url) => {
                if !(url.starts_with("http://") || url.starts_with("https://")) {
                    return Err(ConfigError::Invalid {
                        name: "WAYPOINT_PUBLIC_URL",
                        reason: "it must start with http:// or https://".into(),
                    });
                }
                url.trim_end_matches('/').to_string()
            }
            None => format!("http://{}", leptos.site_addr),
        };
        Ok(Self {
            database_url: var("DATABASE_URL").map(SecretString::from),
            app_database_url: var("APP_DATABASE_URL").map(SecretString::from),
            data_dir: var("WAYPOINT_DATA_DIR").map(PathBuf::from).unwrap_or_else(|| PathBuf::from(".data")),
            behind_https: public_url.starts_with("https://"),
            public_url,
            load_demo_data: flag("WAYPOINT_DEMO_DATA", true)?,
            leptos,
        })
    }
}
