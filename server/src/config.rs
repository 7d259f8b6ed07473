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
    /// A streaming replica for public reads (`DATABASE_READ_URL`; its connections `SET ROLE
    /// waypoint_app`). None: every read goes to the primary.
    pub database_read_url: Option<SecretString>,
    /// Where the embedded cluster lives (`WAYPOINT_DATA_DIR`, default `.data`).
    pub data_dir: PathBuf,
    /// The public origin for canonical links and the sitemap (`WAYPOINT_PUBLIC_URL`).
    pub public_url: String,
    /// Load the demo organization and accounts once (`WAYPOINT_DEMO_DATA`). On by default only
    /// for the embedded database over plain http (a local machine): their passwords are public.
    pub load_demo_data: bool,
    /// Whether demo accounts may exist in the database at all: in the local default, or when
    /// `WAYPOINT_DEMO_DATA=true` is given explicitly. Otherwise the server refuses to start with
    /// them present.
    pub demo_accounts_allowed: bool,
    /// Proxies whose `X-Forwarded-For` is believed for the client's address
    /// (`WAYPOINT_TRUSTED_PROXIES`: addresses or CIDR networks, comma-separated; default none).
    pub trusted_proxies: Vec<ipnet::IpNet>,
    /// Mark cookies Secure and send HSTS: on when the public URL is https.
    pub behind_https: bool,
    /// The session-notes keys (`WAYPOINT_ENCRYPTION_KEY`: `id:base64key[,id:base64key…]`, the
    /// first encrypts, every one decrypts). Unset with the embedded database: a key generated
    /// once under the data folder (mode 0600). Unset with `DATABASE_URL`: refused at start-up.
    pub encryption_key: Option<SecretString>,
    /// The platform's share of each session payment, in basis points (`WAYPOINT_PLATFORM_FEE_BPS`,
    /// 1000 = 10 % by default, at most 5000).
    pub platform_fee: app::payments::domain::PlatformFee,
    /// The sandbox provider's webhook signing secrets (`WAYPOINT_SANDBOX_WEBHOOK_SECRETS`, comma
    /// separated, the current one first); without it, one made at random for this process, which
    /// is all one server needs (it both signs and verifies).
    pub sandbox_webhook_secrets: Vec<SecretString>,
    /// Where email goes (`SMTP_URL`: `smtp://host:port` in the clear, `smtp://…?tls=required`
    /// for STARTTLS, `smtps://user:password@host:465`). Unset (the local default): mail is kept
    /// in the outbox, readable by administrators at /admin/outbox.
    pub smtp_url: Option<SecretString>,
    /// The From address of every email (`WAYPOINT_MAIL_FROM`, default `Waypoint <no-reply@<host>>`).
    pub mail_from: String,
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

/// "10.0.0.1, 192.168.0.0/16, ::1" -> the networks (a bare address is a network of one).
pub fn trusted_proxies(value: Option<&str>) -> Result<Vec<ipnet::IpNet>, ConfigError> {
    let Some(value) = value else { return Ok(Vec::new()) };
    value
        .split(',')
        .map(str::trim)
        .filter(|entry| !entry.is_empty())
        .map(|entry| {
            entry
                .parse::<ipnet::IpNet>()
                .or_else(|_| entry.parse::<std::net::IpAddr>().map(ipnet::IpNet::from))
                .map_err(|_| ConfigError::Invalid {
                    name: "WAYPOINT_TRUSTED_PROXIES",
                    reason: format!("{entry:?} is neither an IP address nor a network like 10.0.0.0/8"),
                })
        })
        .collect()
}

impl Config {
    pub fn from_env() -> Result<Self, ConfigError> {
        let mut leptos = leptos::config::get_configuration(None)
            .map_err(|error| ConfigError::Leptos(error.to_string()))?
            .leptos_options;
        // The release build names the bundle's files by content (cargo-leptos `hash-files`) and
        // leaves their hashes beside the binary; `make run` starts the binary itself, so the
        // file's presence says so unless LEPTOS_HASH_FILES does.
        if std::env::var_os("LEPTOS_HASH_FILES").is_none() {
            leptos.hash_files = crate::assets::hash_file(&leptos).is_some();
        }
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
        let mail_from = match var("WAYPOINT_MAIL_FROM") {
            Some(from) => app::notifications::mailer::mailbox(&from).map(|_| from.clone()).map_err(|error| ConfigError::Invalid {
                name: "WAYPOINT_MAIL_FROM",
                reason: format!("expected an address like `Waypoint <no-reply@example.org>`: {error}"),
            })?,
            None => format!("Waypoint <no-reply@{}>", mail_host(&public_url)),
        };
        let database_url = var("DATABASE_URL").map(SecretString::from);
        let local = database_url.is_none() && !public_url.starts_with("https://");
        let load_demo_data = flag("WAYPOINT_DEMO_DATA", local)?;
        Ok(Self {
            database_url,
            app_database_url: var("APP_DATABASE_URL").map(SecretString::from),
            database_read_url: var("DATABASE_READ_URL").map(SecretString::from),
            data_dir: var("WAYPOINT_DATA_DIR").map(PathBuf::from).unwrap_or_else(|| PathBuf::from(".data")),
            behind_https: public_url.starts_with("https://"),
            public_url,
            demo_accounts_allowed: local || load_demo_data,
            load_demo_data,
            trusted_proxies: trusted_proxies(var("WAYPOINT_TRUSTED_PROXIES").as_deref())?,
            encryption_key: var("WAYPOINT_ENCRYPTION_KEY").map(SecretString::from),
            platform_fee: match var("WAYPOINT_PLATFORM_FEE_BPS") {
                None => app::payments::domain::PlatformFee::DEFAULT,
                Some(value) => value.parse().ok().and_then(app::payments::domain::PlatformFee::new).ok_or_else(|| {
                    ConfigError::Invalid {
                        name: "WAYPOINT_PLATFORM_FEE_BPS",
                        reason: format!("expected basis points from 0 to 5000 (1000 is 10 %), got {value:?}"),
                    }
                })?,
            },
            sandbox_webhook_secrets: var("WAYPOINT_SANDBOX_WEBHOOK_SECRETS")
                .map(|value| value.split(',').map(str::trim).filter(|s| !s.is_empty()).map(|s| SecretString::from(s.to_string())).collect())
                .unwrap_or_else(|| vec![SecretString::from(uuid::Uuid::new_v4().simple().to_string())]),
            smtp_url: var("SMTP_URL").map(SecretString::from),
            mail_from,
            leptos,
        })
    }
}

/// The host part of the public URL, for the default From address ("localhost" for
/// `http://127.0.0.1:3000`, whose address is not a mail domain).
fn mail_host(public_url: &str) -> String {
    let authority = public_url.split("://").nth(1).unwrap_or("").split('/').next().unwrap_or("");
    let host = authority.rsplit_once(':').map_or(authority, |(host, _)| host);
    if host.is_empty() || host.parse::<std::net::IpAddr>().is_ok() || host.starts_with('[') {
        "localhost".to_string()
    } else {
        host.to_string()
    }
}

impl Config {
    /// The keys that encrypt mentors' private session notes (see [`Config::encryption_key`]).
    pub fn note_keys(&self) -> Result<app::booking::notes::NoteKeys, ConfigError> {
        let value = self.encryption_key_text()?;
        app::booking::notes::NoteKeys::parse(&value)
            .map_err(|error| ConfigError::Invalid { name: "WAYPOINT_ENCRYPTION_KEY", reason: error.to_string() })
    }

    /// The key that signs the links in emails (unsubscribe, address confirmation), derived from
    /// the encryption key's first entry: rotating that key ends the old links, which is what a
    /// rotation is for.
    pub fn link_key(&self) -> Result<app::notifications::links::LinkKey, ConfigError> {
        let value = self.encryption_key_text()?;
        let first = value.split(',').map(str::trim).find(|entry| !entry.is_empty()).unwrap_or_default();
        Ok(app::notifications::links::LinkKey::derive(first.as_bytes()))
    }

    /// The encryption key's text: configured, or the embedded default's key file.
    fn encryption_key_text(&self) -> Result<String, ConfigError> {
        use secrecy::ExposeSecret;
        let invalid = |reason: String| ConfigError::Invalid { name: "WAYPOINT_ENCRYPTION_KEY", reason };
        Ok(match (&self.encryption_key, &self.database_url) {
            (Some(value), _) => value.expose_secret().to_string(),
            (None, None) => {
                let path = self.data_dir.join("encryption.key");
                app::booking::notes::load_or_create_key_file(&path)
                    .map_err(|error| invalid(format!("the embedded default key {} could not be used: {error}", path.display())))?
            }
            (None, Some(_)) => {
                return Err(invalid(
                    "it must be set when DATABASE_URL is: session notes are encrypted with it. Give one or more \
                     `id:base64-of-32-bytes` keys, comma-separated, the current one first (for example \
                     k1:$(head -c 32 /dev/urandom | base64))"
                        .into(),
                ))
            }
        })
    }
}
