//! The command line: `serve`, `worker`, `migrate`, `user`, `token`, `tasks`,
//! `celery` and `run`. [`main`] is the whole program; a team's own binary calls it
//! with its own task registry.

mod accounts;
mod celery;
mod progress;
mod run;
mod serve;

use crate::config::{self, ConfigSource};
use crate::engine::TaskRegistry;
use crate::runtime::{Runtime, StartupError};
use clap::{Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;
use types::Role;

#[derive(Parser)]
#[command(name = "task-starter", version, about = "Start background tasks with arguments and watch their history.")]
struct Cli {
    /// The config file (TOML); without it, the built-in config.
    #[arg(long, short, global = true, env = "TASK_STARTER_CONFIG")]
    config: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Runs the web server, a worker pool and the scheduler.
    Serve,
    /// Runs a worker pool only (scale out on PostgreSQL).
    Worker,
    /// Brings the database schema up to date, then exits.
    Migrate,
    /// Manages users.
    #[command(subcommand)]
    User(UserCommand),
    /// Manages API tokens.
    #[command(subcommand)]
    Token(TokenCommand),
    /// Lists the configured tasks.
    Tasks,
    /// Asks the Celery cluster (`[celery]`).
    #[command(subcommand)]
    Celery(CeleryCommand),
    /// Starts a run of TASK.
    Run {
        /// The task's dotted path.
        task: String,
        /// The arguments, as a JSON object.
        #[arg(long, default_value = "{}")]
        args: String,
        /// The user the task runs as (default: you).
        #[arg(long = "as")]
        run_as: Option<String>,
        /// Waits for the run to end, showing its progress; exits non-zero
        /// unless it succeeds. A worker pool runs in this process meanwhile.
        #[arg(long)]
        wait: bool,
    },
}

#[derive(Subcommand)]
enum UserCommand {
    /// Adds a user; the password is read from stdin with --password-stdin,
    /// or made up and printed once.
    Add {
        name: String,
        #[arg(long, value_parser = parse_role, default_value = "operator")]
        role: Role,
        #[arg(long)]
        password_stdin: bool,
    },
    /// Sets a user's password (and signs them out everywhere).
    Passwd {
        name: String,
        #[arg(long)]
        password_stdin: bool,
    },
    /// Lists the users.
    List,
    /// Deletes a user.
    Delete { name: String },
}

#[derive(Subcommand)]
enum CeleryCommand {
    /// Lists the tasks the workers have, and whether each is declared here.
    Tasks,
}

#[derive(Subcommand)]
enum TokenCommand {
    /// Creates a token and prints its secret, once.
    Create {
        name: String,
        #[arg(long, value_parser = parse_role, default_value = "operator")]
        role: Role,
    },
    /// Revokes a token.
    Revoke { id: String },
    /// Lists the tokens.
    List,
}

fn parse_role(text: &str) -> Result<Role, String> {
    Role::parse(text).ok_or_else(|| format!("{text:?} is not a role: use viewer, operator or admin"))
}

/// A failure of a command: printed, then the process exits non-zero.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    #[error(transparent)]
    Startup(#[from] StartupError),
    #[error(transparent)]
    Service(#[from] crate::service::ServiceError),
    #[error("{0}")]
    Usage(String),
    #[error("{0}")]
    Io(#[from] std::io::Error),
    /// The run ended without success; its outcome was already printed.
    #[error("the run did not succeed")]
    RunFailed,
}

/// The whole program, with `registry`'s tasks.
pub fn main(registry: TaskRegistry) -> ExitCode {
    let cli = Cli::parse();
    let serving = matches!(cli.command, Command::Serve | Command::Worker);
    init_logging(if serving { "info" } else { "warn" });
    // A task that panics ends its run as a failure; the panic is logged
    // once, as an event, instead of being printed raw by the default hook.
    std::panic::set_hook(Box::new(|panic| {
        let location = panic.location().map(ToString::to_string).unwrap_or_default();
        tracing::error!(%location, "panic: {}", panic_message(panic));
    }));
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("error: cannot start the async runtime: {error}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(dispatch(cli, registry)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(CliError::RunFailed) => ExitCode::from(1),
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::from(2)
        }
    }
}

async fn dispatch(cli: Cli, registry: TaskRegistry) -> Result<(), CliError> {
    let (config, source) = config::load(cli.config.as_deref(), std::env::vars()).map_err(StartupError::from)?;
    if let ConfigSource::File(path) = &source {
        tracing::info!(config = %path.display(), "config loaded");
    }
    let runtime = Runtime::open(config, &source, &registry).await?;
    match cli.command {
        Command::Serve => serve::serve(runtime).await,
        Command::Worker => serve::worker(runtime).await,
        Command::Migrate => {
            println!("The database schema is up to date.");
            Ok(())
        }
        Command::User(command) => accounts::user(&runtime, command).await,
        Command::Token(command) => accounts::token(&runtime, command).await,
        Command::Tasks => run::list_tasks(&runtime),
        Command::Celery(CeleryCommand::Tasks) => celery::tasks(&runtime).await,
        Command::Run { task, args, run_as, wait } => run::run(&runtime, &task, &args, run_as, wait).await,
    }
}

fn panic_message(panic: &std::panic::PanicHookInfo<'_>) -> String {
    let payload = panic.payload();
    payload
        .downcast_ref::<&str>()
        .map(|text| (*text).to_owned())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "(no message)".to_owned())
}

fn init_logging(default: &str) {
    let filter = std::env::var("TASK_STARTER_LOG")
        .or_else(|_| std::env::var("RUST_LOG"))
        .unwrap_or_else(|_| format!("{default},sqlx=warn,sea_orm=warn"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::new(filter))
        .with_writer(std::io::stderr)
        .try_init();
}

/// The command line acts as an admin named after the OS user.
fn cli_principal() -> types::Principal {
    let name = std::env::var("USER").ok().filter(|name| !name.is_empty()).unwrap_or_else(|| "cli".to_owned());
    types::Principal::new(types::ActorKind::Cli, name, Role::Admin)
}

/// A password from stdin's first line, or a new random one (printed).
fn read_password(from_stdin: bool) -> Result<(String, bool), CliError> {
    if from_stdin {
        let mut line = String::new();
        std::io::stdin().read_line(&mut line)?;
        Ok((line.trim_end_matches(['\r', '\n']).to_owned(), false))
    } else {
        Ok((crate::auth::secret::random_password(), true))
    }
}
