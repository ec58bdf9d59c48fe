//! The `hirebase` command: parse arguments, load the configuration, call into the app.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use hirebase::{App, Config};

#[derive(Parser)]
#[command(
    name = "hirebase",
    version,
    about = "Self-hosted recruiting platform: applicant tracking and talent matching"
)]
struct Cli {
    /// Configuration file (default: ./config.toml if present, then /etc/hirebase/config.toml).
    #[arg(long, short, global = true, env = "HIREBASE_CONFIG")]
    config: Option<PathBuf>,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Run the server (the default).
    Serve,
    /// Write a commented config file and create the first platform admin.
    Init {
        #[arg(long, env = "HIREBASE_ADMIN_EMAIL")]
        admin_email: Option<String>,
        #[arg(long, env = "HIREBASE_ADMIN_PASSWORD", hide_env_values = true)]
        admin_password: Option<String>,
        /// Overwrite an existing config file.
        #[arg(long)]
        force: bool,
    },
    /// Print the OpenAPI document.
    Openapi,
    /// Rebuild the search index from the database (the server must be stopped).
    Reindex,
    /// Write a consistent backup of the data dir to FILE (through the running server, or
    /// directly when it is stopped).
    Backup {
        /// Where to write the backup (a hirebase database file); FILE.sha256 is written beside it.
        file: PathBuf,
    },
    /// Fill the data dir from a backup FILE and rebuild the search index (the server must be
    /// stopped).
    Restore {
        file: PathBuf,
        /// Replace a data dir that already holds data (its database is kept as
        /// hirebase.redb.before-restore).
        #[arg(long)]
        force: bool,
    },
    /// Validate the configuration and exit (0 when valid, 2 when not).
    CheckConfig,
    /// Ask a running server whether it is ready (for monitors and container probes).
    Healthcheck {
        /// Base URL of the server (default: the configured listen address).
        #[arg(long)]
        url: Option<String>,
    },
    /// Serve a generated demo organisation (offline), in a temporary data dir unless
    /// --data-dir is given; prints the URL and the login.
    Demo {
        /// Keep the demo's data here (an existing demo there is served as it is).
        #[arg(long)]
        data_dir: Option<PathBuf>,
    },
    /// Print the version.
    Version,
    /// Read a document's text from stdin to stdout, under memory and CPU limits (the server
    /// runs this in a child process for every document it reads).
    #[command(hide = true, name = "extract-text")]
    ExtractText {
        kind: String,
        memory_bytes: u64,
        cpu_secs: u64,
    },
}

/// Configuration problems exit with 2, as bad command-line usage does.
const EXIT_CONFIG: u8 = 2;

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command.unwrap_or(Command::Serve) {
        Command::ExtractText {
            kind,
            memory_bytes,
            cpu_secs,
        } => hirebase::domain::documents::sandbox::child_main(&kind, memory_bytes, cpu_secs),
        Command::Version => {
            println!("hirebase {}", env!("CARGO_PKG_VERSION"));
            ExitCode::SUCCESS
        }
        Command::Openapi => {
            println!("{}", hirebase::api::spec_json());
            ExitCode::SUCCESS
        }
        Command::CheckConfig => match load_config(cli.config.as_deref()) {
            Ok(config) => {
                println!(
                    "configuration is valid (listen {}, data_dir {})",
                    config.listen,
                    config.data_dir.display()
                );
                ExitCode::SUCCESS
            }
            Err(code) => code,
        },
        Command::Init {
            admin_email,
            admin_password,
            force,
        } => init(cli.config, admin_email, admin_password, force),
        Command::Healthcheck { url } => {
            let config = match load_config(cli.config.as_deref()) {
                Ok(c) => c,
                Err(code) => return code,
            };
            healthcheck(url.unwrap_or_else(|| format!("http://{}", config.listen)))
        }
        Command::Reindex => {
            let config = match load_config(cli.config.as_deref()) {
                Ok(c) => c,
                Err(code) => return code,
            };
            init_logging(&config.log, &config.log_format);
            run_async(async move {
                let app = App::build(config).await?;
                app.reindex().await?;
                app.shutdown().await
            })
        }
        Command::Backup { file } => {
            let config = match load_config(cli.config.as_deref()) {
                Ok(c) => c,
                Err(code) => return code,
            };
            backup(&config, &file)
        }
        Command::Restore { file, force } => {
            let config = match load_config(cli.config.as_deref()) {
                Ok(c) => c,
                Err(code) => return code,
            };
            init_logging(&config.log, &config.log_format);
            run_async(async move {
                let done = hirebase::maintenance::restore(&config, &file, force).await?;
                if let Some(old) = done.replaced {
                    println!("the database it replaced is kept as {}", old.display());
                }
                println!(
                    "restored {} into {} (schema version {}); search index rebuilt",
                    file.display(),
                    config.data_dir.display(),
                    done.schema_version
                );
                Ok(())
            })
        }
        Command::Demo { data_dir } => {
            let config = match load_config(cli.config.as_deref()) {
                Ok(c) => c,
                Err(code) => return code,
            };
            init_logging(&config.log, &config.log_format);
            run_async(hirebase::maintenance::demo(
                config,
                data_dir,
                shutdown_signal(),
            ))
        }
        Command::Serve => {
            let config = match load_config(cli.config.as_deref()) {
                Ok(c) => c,
                Err(code) => return code,
            };
            init_logging(&config.log, &config.log_format);
            run_async(serve(config))
        }
    }
}

fn load_config(path: Option<&Path>) -> Result<Config, ExitCode> {
    let path = path
        .map(Path::to_path_buf)
        .or_else(hirebase::config::default_config_path);
    match Config::load(path.as_deref()) {
        Ok((config, unknown)) => {
            for key in unknown {
                eprintln!("warning: unknown configuration key `{key}` is ignored");
            }
            Ok(config)
        }
        Err(e) => {
            eprintln!("hirebase: {e}");
            Err(ExitCode::from(EXIT_CONFIG))
        }
    }
}

/// Logs go to stderr, in colour only when a person watches it in a terminal (files, pipes
/// and journald get plain text), and never with `NO_COLOR` set.
/// `log_format = "json"` writes one JSON object per line instead, with the request id among
/// the span fields of every line logged while a request is served.
fn init_logging(filter: &str, format: &str) {
    use std::io::IsTerminal;
    let filter = tracing_subscriber::EnvFilter::try_new(filter).unwrap_or_else(|_| "info".into());
    let colour = std::io::stderr().is_terminal()
        && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
    let logs = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_target(false)
        .with_writer(std::io::stderr);
    if format == "json" {
        logs.json().flatten_event(true).init();
    } else {
        logs.with_ansi(colour).init();
    }
}

fn run_async(fut: impl Future<Output = anyhow::Result<()>>) -> ExitCode {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("tokio runtime");
    match runtime.block_on(fut) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("hirebase: {e:#}");
            ExitCode::FAILURE
        }
    }
}

async fn serve(config: Config) -> anyhow::Result<()> {
    let listen = config.listen_addr();
    let public_url = config.effective_public_url();
    let app = App::build(config).await?;
    if let (Ok(email), Ok(password)) = (
        std::env::var("HIREBASE_ADMIN_EMAIL"),
        std::env::var("HIREBASE_ADMIN_PASSWORD"),
    ) && app
        .bootstrap_admin(&email, &password)
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?
    {
        tracing::info!(email = %email, "created the platform admin");
    }
    if let Some(link) = app.setup_link().map_err(|e| anyhow::anyhow!("{e}"))? {
        tracing::warn!(
            "no platform admin yet: open this one-time link to create one (it works once, and \
             only until the server restarts): {link}"
        );
    }
    let (acceptor, local) = App::bind(listen).await?;
    tracing::info!(
        "hirebase {} listening on http://{local}",
        env!("CARGO_PKG_VERSION")
    );
    tracing::info!("web UI: {public_url}/");
    if app.state().flags.get().registration_open {
        tracing::info!(
            "organisations sign up at {public_url}/#/register (open to anyone who can reach this \
             address; the first user of each organisation is its org_admin)"
        );
    } else {
        tracing::info!(
            "registration of new organisations is closed (the platform admin's flag \
             registration_open)"
        );
    }
    tracing::info!("careers pages: {public_url}/careers/{{org-slug}}");
    tracing::info!("API docs: {public_url}/docs   OpenAPI: {public_url}/api/openapi.json");
    let _ = sd_notify::notify(false, &[sd_notify::NotifyState::Ready]);
    app.run(acceptor, shutdown_signal()).await?;
    tracing::info!("stopped cleanly");
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
    tracing::info!("shutting down: finishing requests in flight");
    let _ = sd_notify::notify(false, &[sd_notify::NotifyState::Stopping]);
}

fn init(
    path: Option<PathBuf>,
    email: Option<String>,
    password: Option<String>,
    force: bool,
) -> ExitCode {
    let path = path.unwrap_or_else(|| PathBuf::from("config.toml"));
    if path.exists() && !force {
        println!("keeping the existing {}", path.display());
    } else {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty())
            && let Err(e) = std::fs::create_dir_all(dir)
        {
            eprintln!("hirebase: cannot create {}: {e}", dir.display());
            return ExitCode::FAILURE;
        }
        if let Err(e) = std::fs::write(&path, hirebase::config::EXAMPLE) {
            eprintln!("hirebase: cannot write {}: {e}", path.display());
            return ExitCode::FAILURE;
        }
        println!("wrote {}", path.display());
    }
    let config = match load_config(Some(&path)) {
        Ok(c) => c,
        Err(code) => return code,
    };
    let email = match email {
        Some(e) => e,
        None => match prompt("platform admin email: ") {
            Some(e) => e,
            None => return ExitCode::FAILURE,
        },
    };
    let password = match password {
        Some(p) => p,
        None => match rpassword::prompt_password("platform admin password: ") {
            Ok(p) => p,
            Err(e) => {
                eprintln!("hirebase: cannot read the password ({e}); pass --admin-password");
                return ExitCode::FAILURE;
            }
        },
    };
    run_async(async move {
        let data_dir = config.data_dir.clone();
        let app = App::build(config).await?;
        let created = app
            .bootstrap_admin(&email, &password)
            .await
            .map_err(|e| anyhow::anyhow!("{}", e.detail))?;
        if created {
            println!(
                "created the platform admin {email} in {}",
                data_dir.display()
            );
        } else {
            println!(
                "a platform admin already exists in {}; nothing changed",
                data_dir.display()
            );
        }
        app.shutdown().await
    })
}

fn prompt(question: &str) -> Option<String> {
    use std::io::Write;
    print!("{question}");
    std::io::stdout().flush().ok()?;
    let mut line = String::new();
    std::io::stdin().read_line(&mut line).ok()?;
    let line = line.trim().to_string();
    (!line.is_empty()).then_some(line)
}

fn healthcheck(base: String) -> ExitCode {
    // A plain HTTP/1.1 GET: enough for a probe, without an HTTP client in the binary.
    use std::io::{Read, Write};
    let Some(host) = base
        .strip_prefix("http://")
        .map(|h| h.trim_end_matches('/').to_string())
    else {
        eprintln!("hirebase: healthcheck needs an http:// URL");
        return ExitCode::FAILURE;
    };
    let result = (|| -> std::io::Result<String> {
        let mut stream = std::net::TcpStream::connect(&host)?;
        stream.set_read_timeout(Some(std::time::Duration::from_secs(5)))?;
        write!(
            stream,
            "GET /readyz HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"
        )?;
        let mut response = String::new();
        stream.read_to_string(&mut response)?;
        Ok(response)
    })();
    match result {
        Ok(r) if r.starts_with("HTTP/1.1 200") => {
            println!("ready");
            ExitCode::SUCCESS
        }
        Ok(r) => {
            eprintln!("not ready: {}", r.lines().next().unwrap_or(""));
            ExitCode::FAILURE
        }
        Err(e) => {
            eprintln!("not reachable: {e}");
            ExitCode::FAILURE
        }
    }
}

fn backup(config: &Config, file: &Path) -> ExitCode {
    use hirebase::maintenance::Taken;
    use std::io::{IsTerminal, Write};
    let started = std::time::Instant::now();
    let terminal = std::io::stderr().is_terminal();
    let mut shown = None;
    let mut progress = |p: &hirebase::store::backup::Progress| {
        let percent = (p.rows_done * 100).checked_div(p.rows_total).unwrap_or(100);
        let line = format!(
            "copying: {}/{} tables, {} of {} rows ({percent}%)",
            p.tables_done, p.tables_total, p.rows_done, p.rows_total
        );
        if terminal {
            eprint!("\r{line}");
            let _ = std::io::stderr().flush();
        } else if shown != Some(percent / 10) {
            // Logs and pipes get a line every tenth.
            shown = Some(percent / 10);
            eprintln!("{line}");
        }
    };
    let result = hirebase::maintenance::backup(config, file, &mut progress);
    if terminal {
        eprintln!();
    }
    match result {
        Ok(done) => {
            let how = match done.taken {
                Taken::ByServer { server_name } => format!(
                    "through the running server (which keeps a copy as backups/{server_name})"
                ),
                Taken::Offline => "from the stopped data dir".to_string(),
            };
            println!(
                "backup written to {} {how}: {} bytes, sha256 {}, in {:.1} s",
                file.display(),
                done.bytes,
                done.sha256,
                started.elapsed().as_secs_f64()
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("hirebase: backup failed: {e:#}");
            ExitCode::FAILURE
        }
    }
}
