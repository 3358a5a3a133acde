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
    /// Trust `X-Forwarded-For` / `X-Forwarded-Proto` from a reverse proxy.
    #[arg(long, env = "LOPHOC_TRUST_PROXY", default_value_t = false)]
    pub trust_proxy: bool,
    /// Where the site files (wasm, JS, CSS) are.
    #[arg(long, env = "LEPTOS_SITE_ROOT", default_value = "target/site")]
    pub site_root: String,
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

/// What the HTTP layer needs at run time.
#[derive(Debug, Clone)]
pub struct HttpConfig {
    /// Upload limit in bytes.
    pub max_upload_bytes: usize,
    /// Secure cookies.
    pub secure_cookies: SecureCookies,
    /// Trust proxy headers.
    pub trust_proxy: bool,
}

impl Default for HttpConfig {
    fn default() -> Self {
        HttpConfig {
            max_upload_bytes: 200 * 1024 * 1024,
            secure_cookies: SecureCookies::Auto,
            trust_proxy: false,
        }
    }
}
