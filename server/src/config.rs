//! Typed configuration from flags and environment variables (API.md "Operating the binary").

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

/// Lớp Học: smart classrooms for pilot schools.
#[derive(Debug, Parser)]
#[command(name = "lophoc", version, about)]
pub struct Cli {
    /// Settings shared by every command.
    #[command(flatten)]
    pub common: Common,
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// Settings shared by every command.
#[derive(Debug, Clone, Args)]
pub struct Common {
    /// The data directory (the SQLite file, uploaded files).
    #[arg(long, env = "LOPHOC_DATA_DIR", default_value = "./data", global = true)]
    pub data_dir: PathBuf,
    /// The database: `sqlite://FILE` or `postgres://…` (default: a SQLite file in the data
    /// directory).
    #[arg(long, env = "DATABASE_URL", global = true)]
    pub database_url: Option<String>,
    /// Keep materials' bytes in this S3-compatible bucket instead of the data directory (so
    /// several instances share them).
    #[arg(long, env = "LOPHOC_S3_BUCKET", global = true)]
    pub s3_bucket: Option<String>,
    /// The bucket's endpoint (`https://s3.example.vn`; empty for AWS).
    #[arg(long, env = "LOPHOC_S3_ENDPOINT", global = true, default_value = "")]
    pub s3_endpoint: String,
    /// The bucket's region.
    #[arg(
        long,
        env = "LOPHOC_S3_REGION",
        global = true,
        default_value = "us-east-1"
    )]
    pub s3_region: String,
    /// The bucket's access key.
    #[arg(
        long,
        env = "LOPHOC_S3_ACCESS_KEY",
        global = true,
        default_value = "",
        hide_env_values = true
    )]
    pub s3_access_key: String,
    /// The bucket's secret key (from the environment only: a flag would show in `ps`).
    #[arg(skip = std::env::var("LOPHOC_S3_SECRET_KEY").unwrap_or_default())]
    pub s3_secret_key: String,
    /// Log format.
    #[arg(
        long,
        env = "LOPHOC_LOG_FORMAT",
        value_enum,
        default_value = "text",
        global = true
    )]
    pub log_format: LogFormat,
}

impl Common {
    /// The database URL, defaulting to `lophoc.db` in the data directory.
    pub fn database_url(&self) -> String {
        match &self.database_url {
            Some(u) if !u.trim().is_empty() => u.clone(),
            _ => format!(
                "sqlite://{}?mode=rwc",
                self.data_dir.join("lophoc.db").display()
            ),
        }
    }
}

/// How log lines are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    /// Human-readable lines.
    Text,
    /// One JSON object per line.
    Json,
}

/// When session cookies get `Secure` (and the `__Host-` prefix).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SecureCookies {
    /// When the request came over HTTPS (a proxy's `X-Forwarded-Proto: https`).
    Auto,
    /// Always.
    On,
    /// Never (plain HTTP only, e.g. a school's LAN).
    Off,
}

/// The commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the web app and the API.
    Serve(ServeArgs),
    /// Apply pending migrations and exit.
    Migrate,
    /// Load data.
    Seed {
        /// What to load.
        #[command(subcommand)]
        what: SeedWhat,
    },
    /// Manage accounts.
    User {
        /// What to do.
        #[command(subcommand)]
        what: UserCommand,
    },
    /// Import CSV files.
    Import {
        /// What to import.
        #[command(subcommand)]
        what: ImportWhat,
    },
    /// Write a consistent backup of the database and the stored files to a new directory
    /// (while the server runs). Does not migrate.
    Backup {
        /// The directory to create (must not exist, or be empty).
        dest: PathBuf,
    },
    /// Restore a backup into an empty database and file store, then migrate it.
    Restore {
        /// The backup's directory.
        src: PathBuf,
    },
    /// Check the configuration (the same flags and environment as `serve`): print one line per
    /// problem and exit non-zero when there is any. Changes nothing.
    Check(ServeArgs),
    /// The digital class log (sổ đầu bài).
    Log {
        /// What to do.
        #[command(subcommand)]
        what: LogCommand,
    },
}

/// `lophoc log …`.
#[derive(Debug, Subcommand)]
pub enum LogCommand {
    /// Verify the class log's hash chains: every school, or one. Prints one line per school
    /// and, for a broken chain, the first record that no longer matches; exits non-zero when
    /// any chain is broken.
    Verify {
        /// The school's code (or its numeric id).
        #[arg(long)]
        school: Option<String>,
    },
}

/// `lophoc serve`.
#[derive(Debug, Clone, Args)]
pub struct ServeArgs {
    /// Listen address.
    #[arg(long, env = "LOPHOC_ADDR", default_value = "127.0.0.1:3000")]
    pub addr: String,
    /// Load the demo province into an empty database.
    #[arg(long)]
    pub demo: bool,
    /// Upload limit in MiB.
    #[arg(long, env = "LOPHOC_MAX_UPLOAD_MB", default_value_t = 200)]
    pub max_upload_mb: u64,
    /// Secure cookies.
    #[arg(
        long,
        env = "LOPHOC_SECURE_COOKIES",
        value_enum,
        default_value = "auto"
    )]
    pub secure_cookies: SecureCookies,
    /// Trust `X-Forwarded-For` / `X-Forwarded-Proto` from a reverse proxy (only from the
    /// addresses of `--trusted-proxies`).
    #[arg(long, env = "LOPHOC_TRUST_PROXY", default_value_t = false)]
    pub trust_proxy: bool,
    /// The reverse proxies' addresses or networks, comma-separated (`10.0.0.5,10.1.0.0/16`).
    /// The client is the rightmost `X-Forwarded-For` entry that is not one of them.
    #[arg(
        long,
        env = "LOPHOC_TRUSTED_PROXIES",
        value_delimiter = ',',
        default_value = "127.0.0.0/8,::1"
    )]
    pub trusted_proxies: Vec<ProxyNet>,
    /// Where the site files (wasm, JS, CSS) are.
    #[arg(long, env = "LEPTOS_SITE_ROOT", default_value = "target/site")]
    pub site_root: String,
    /// The bearer token a Prometheus scraper sends to `/metrics` (from the environment only: a
    /// flag would show in `ps`). Unset: no `/metrics` (404).
    #[arg(skip = std::env::var("LOPHOC_METRICS_TOKEN").ok().filter(|t| !t.trim().is_empty()))]
    pub metrics_token: Option<String>,
}

/// `lophoc seed …`.
#[derive(Debug, Subcommand)]
pub enum SeedWhat {
    /// The demo province.
    Demo {
        /// How many schools.
        #[arg(long, default_value_t = 120)]
        schools: usize,
    },
}

/// `lophoc user …`.
#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Add an account; the password comes from `LOPHOC_PASSWORD` or standard input.
    Add {
        /// Login name.
        #[arg(long)]
        username: String,
        /// Full name.
        #[arg(long)]
        full_name: String,
        /// Role: teacher, school_admin, department, sysadmin.
        #[arg(long)]
        role: String,
        /// School code, for teachers and school admins.
        #[arg(long)]
        school: Option<String>,
    },
}

/// `lophoc import …`.
#[derive(Debug, Subcommand)]
pub enum ImportWhat {
    /// Schools from a CSV file (`code,name,level,area,former_district,students`).
    Schools {
        /// The CSV file.
        file: PathBuf,
    },
}

impl Common {
    /// What is wrong with these settings on their face (no network, no disk): one line each.
    pub fn problems(&self) -> Vec<String> {
        let mut out = Vec::new();
        if let Some(u) = self
            .database_url
            .as_deref()
            .filter(|u| !u.trim().is_empty())
        {
            if !(u.starts_with("sqlite:")
                || u.starts_with("postgres:")
                || u.starts_with("postgresql:"))
            {
                out.push("DATABASE_URL: use sqlite://FILE or postgres://USER@HOST/DB".to_owned());
            }
        }
        if let Some(bucket) = self.s3_bucket.as_deref().filter(|b| !b.trim().is_empty()) {
            if bucket.trim() != bucket || bucket.contains('/') {
                out.push(format!("LOPHOC_S3_BUCKET: {bucket:?} is not a bucket name"));
            }
            let ep = self.s3_endpoint.trim();
            if !ep.is_empty() && !(ep.starts_with("https://") || ep.starts_with("http://")) {
                out.push(format!(
                    "LOPHOC_S3_ENDPOINT: {ep:?} is not an http:// or https:// URL"
                ));
            }
            if self.s3_access_key.trim().is_empty() {
                out.push("LOPHOC_S3_ACCESS_KEY is not set (LOPHOC_S3_BUCKET is)".to_owned());
            }
            if self.s3_secret_key.trim().is_empty() {
                out.push("LOPHOC_S3_SECRET_KEY is not set (LOPHOC_S3_BUCKET is)".to_owned());
            }
            if self.s3_region.trim().is_empty() {
                out.push("LOPHOC_S3_REGION is empty".to_owned());
            }
        } else if !self.s3_endpoint.trim().is_empty() || !self.s3_access_key.trim().is_empty() {
            out.push(
                "LOPHOC_S3_ENDPOINT or LOPHOC_S3_ACCESS_KEY is set but LOPHOC_S3_BUCKET is not: files stay in the data directory"
                    .to_owned(),
            );
        }
        out
    }
}

impl ServeArgs {
    /// What is wrong with the serving settings on their face: one line each.
    pub fn problems(&self) -> Vec<String> {
        let mut out = Vec::new();
        match self.addr.parse::<std::net::SocketAddr>() {
            Err(_) => out.push(format!(
                "--addr / LOPHOC_ADDR: {:?} is not HOST:PORT",
                self.addr
            )),
            Ok(a) => {
                if !a.ip().is_loopback()
                    && self.secure_cookies == SecureCookies::Auto
                    && !self.trust_proxy
                {
                    out.push(format!(
                        "listening on {a} with LOPHOC_SECURE_COOKIES=auto and no trusted proxy: session cookies are never marked Secure; behind an HTTPS proxy set LOPHOC_SECURE_COOKIES=on or LOPHOC_TRUST_PROXY=true"
                    ));
                }
            }
        }
        if self.max_upload_mb == 0 {
            out.push("LOPHOC_MAX_UPLOAD_MB is 0: no upload could be stored".to_owned());
        }
        if self.trust_proxy {
            if self.trusted_proxies.is_empty() {
                out.push(
                    "LOPHOC_TRUST_PROXY is true but LOPHOC_TRUSTED_PROXIES is empty".to_owned(),
                );
            }
            if let Some(all) = self.trusted_proxies.iter().find(|n| n.prefix == 0) {
                out.push(format!(
                    "LOPHOC_TRUSTED_PROXIES contains {}/0: every client could forge X-Forwarded-For (and dodge the login throttle); name the proxies' addresses",
                    all.addr
                ));
            }
            if self.secure_cookies == SecureCookies::Off {
                out.push("LOPHOC_SECURE_COOKIES=off behind a trusted proxy: session cookies would be sent over plain HTTP too; use auto or on".to_owned());
            }
        } else if self.trusted_proxies != default_trusted_proxies() {
            out.push("LOPHOC_TRUSTED_PROXIES is set but LOPHOC_TRUST_PROXY is not true: the proxies' headers are ignored".to_owned());
        }
        if let Some(t) = &self.metrics_token {
            if t.chars().count() < crate::metrics::MIN_TOKEN_LEN {
                out.push(format!(
                    "LOPHOC_METRICS_TOKEN is {} characters: use at least {} random ones (openssl rand -hex 24)",
                    t.chars().count(),
                    crate::metrics::MIN_TOKEN_LEN
                ));
            }
            if t.chars().any(char::is_whitespace) {
                out.push("LOPHOC_METRICS_TOKEN contains white space".to_owned());
            }
        }
        let pkg = std::path::Path::new(&self.site_root).join("pkg");
        if !pkg.is_dir() {
            out.push(format!(
                "the site files are not in {} (no pkg/): build them (./dev.sh build --release) or set LEPTOS_SITE_ROOT",
                self.site_root
            ));
        }
        out
    }
}

fn default_trusted_proxies() -> Vec<ProxyNet> {
    vec![
        "127.0.0.0/8".parse().expect("a network"),
        "::1".parse().expect("an address"),
    ]
}

/// An address or network of a trusted reverse proxy: `10.0.0.5`, `10.1.0.0/16`, `::1`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ProxyNet {
    addr: std::net::IpAddr,
    prefix: u8,
}

impl ProxyNet {
    /// Whether `ip` is in this network.
    pub fn contains(&self, ip: std::net::IpAddr) -> bool {
        use std::net::IpAddr::{V4, V6};
        let ip = match ip {
            V6(v6) => v6.to_ipv4_mapped().map(V4).unwrap_or(ip),
            v4 => v4,
        };
        match (self.addr, ip) {
            (V4(net), V4(ip)) => {
                let mask = u32::MAX
                    .checked_shl(32 - u32::from(self.prefix))
                    .unwrap_or(0);
                u32::from(net) & mask == u32::from(ip) & mask
            }
            (V6(net), V6(ip)) => {
                let mask = u128::MAX
                    .checked_shl(128 - u32::from(self.prefix))
                    .unwrap_or(0);
                u128::from(net) & mask == u128::from(ip) & mask
            }
            _ => false,
        }
    }
}

impl std::str::FromStr for ProxyNet {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim();
        let (addr, prefix) = match s.split_once('/') {
            Some((a, p)) => (a, Some(p)),
            None => (s, None),
        };
        let addr: std::net::IpAddr = addr
            .parse()
            .map_err(|_| format!("not an IP address or network: {s}"))?;
        let max = if addr.is_ipv4() { 32 } else { 128 };
        let prefix = match prefix {
            None => max,
            Some(p) => p
                .parse::<u8>()
                .ok()
                .filter(|p| *p <= max)
                .ok_or_else(|| format!("bad prefix length in {s}"))?,
        };
        Ok(ProxyNet { addr, prefix })
    }
}

/// What the HTTP layer needs at run time.
#[derive(Debug, Clone)]
pub struct HttpConfig {
    /// Upload and import limit in bytes (only the routes that take files).
    pub max_upload_bytes: usize,
    /// Every other request body: forms and JSON.
    pub max_body_bytes: usize,
    /// Secure cookies.
    pub secure_cookies: SecureCookies,
    /// Trust proxy headers from [`HttpConfig::trusted_proxies`].
    pub trust_proxy: bool,
    /// The reverse proxies whose forwarding headers are believed.
    pub trusted_proxies: Vec<ProxyNet>,
    /// The longest a request may take, start to answer (503 after it). Not for uploads and
    /// imports, whose body may take longer to arrive: see [`HttpConfig::upload_idle_timeout`].
    pub request_timeout: std::time::Duration,
    /// An upload or import is cut off (408) when no byte of its body arrives for this long;
    /// however long the whole body takes while it keeps arriving.
    pub upload_idle_timeout: std::time::Duration,
    /// The bearer token of `/metrics`; `None`: no metrics (404). See [`crate::metrics`].
    pub metrics_token: Option<String>,
}

/// The longest a request other than an upload may take.
pub const REQUEST_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(120);
/// How long an upload's body may stall before it is cut off.
pub const UPLOAD_IDLE_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(60);

/// The body limit of forms and JSON: far above any real form, far below what hurts.
pub const MAX_BODY_BYTES: usize = 1024 * 1024;

impl Default for HttpConfig {
    fn default() -> Self {
        HttpConfig {
            max_upload_bytes: 200 * 1024 * 1024,
            max_body_bytes: MAX_BODY_BYTES,
            secure_cookies: SecureCookies::Auto,
            trust_proxy: false,
            trusted_proxies: default_trusted_proxies(),
            request_timeout: REQUEST_TIMEOUT,
            upload_idle_timeout: UPLOAD_IDLE_TIMEOUT,
            metrics_token: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn proxy_networks() {
        let n: ProxyNet = "10.1.0.0/16".parse().unwrap();
        assert!(n.contains("10.1.200.3".parse().unwrap()));
        assert!(!n.contains("10.2.0.1".parse().unwrap()));
        assert!(n.contains("::ffff:10.1.0.9".parse().unwrap()));
        let one: ProxyNet = "192.0.2.1".parse().unwrap();
        assert!(one.contains("192.0.2.1".parse().unwrap()));
        assert!(!one.contains("192.0.2.2".parse().unwrap()));
        let all: ProxyNet = "0.0.0.0/0".parse().unwrap();
        assert!(all.contains("203.0.113.9".parse().unwrap()));
        let v6: ProxyNet = "fd00::/8".parse().unwrap();
        assert!(v6.contains("fd12::1".parse().unwrap()));
        assert!(!v6.contains("fe80::1".parse().unwrap()));
        assert!("10.0.0.0/33".parse::<ProxyNet>().is_err());
        assert!("example.org".parse::<ProxyNet>().is_err());
    }

    fn parse(args: &[&str]) -> Cli {
        let mut all = vec!["lophoc"];
        all.extend_from_slice(args);
        Cli::try_parse_from(all).unwrap()
    }

    fn serve_problems(args: &[&str]) -> Vec<String> {
        let mut all = vec!["check", "--site-root", env!("CARGO_MANIFEST_DIR")];
        all.extend_from_slice(args);
        match parse(&all).command {
            Command::Check(s) => s
                .problems()
                .into_iter()
                .filter(|p| !p.contains("site files"))
                .collect(),
            _ => unreachable!(),
        }
    }

    #[test]
    fn settings_that_contradict_each_other_are_problems() {
        assert_eq!(serve_problems(&[]), Vec::<String>::new());
        assert_eq!(serve_problems(&["--addr", "nowhere"]).len(), 1);
        let p = serve_problems(&["--addr", "0.0.0.0:3000"]);
        assert!(p[0].contains("never marked Secure"), "{p:?}");
        assert!(serve_problems(&["--addr", "0.0.0.0:3000", "--secure-cookies", "on"]).is_empty());
        let p = serve_problems(&["--trust-proxy", "--trusted-proxies", "0.0.0.0/0"]);
        assert!(p[0].contains("forge"), "{p:?}");
        let p = serve_problems(&["--trust-proxy", "--secure-cookies", "off"]);
        assert!(p[0].contains("plain HTTP"), "{p:?}");
        let p = serve_problems(&["--trusted-proxies", "10.0.0.5"]);
        assert!(p[0].contains("ignored"), "{p:?}");
        assert!(serve_problems(&["--trust-proxy", "--trusted-proxies", "10.0.0.5"]).is_empty());

        let c = parse(&["--s3-bucket", "lophoc", "check"]).common;
        let p = c.problems();
        assert_eq!(p.len(), 2, "{p:?}");
        assert!(p[0].contains("LOPHOC_S3_ACCESS_KEY") && p[1].contains("LOPHOC_S3_SECRET_KEY"));
        let c = parse(&["--database-url", "mysql://x", "check"]).common;
        assert_eq!(c.problems().len(), 1);
    }
}
