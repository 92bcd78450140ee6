//! Command tasks: a program declared in the config. The arguments go to its
//! stdin as JSON; exit 0 is success with stdout as the result; any other exit
//! is a handled failure whose message is the last lines of stderr. Each
//! stderr line is also written to the run's log, and a line
//! `::progress 0.5 halfway` reports progress.
//!
//! The program starts with an empty environment but for the variables the
//! config lets it inherit (`worker.command_env`), its own `env`, and the
//! run's `TASK_STARTER_RUN_ID`, `_TASK`, `_RUN_AS`, `_STARTED_BY`: the
//! server's secrets (its database URL, its admin password) never reach it.
//! What it prints is read in bounded amounts, whatever its encoding.

use super::context::{MAX_LOG_LINE_BYTES, TaskContext};
use super::outcome::MAX_RESULT_BYTES;
use super::task::{TaskError, TaskResult};
use crate::db::text::CUT_MARK;
use std::collections::{BTreeMap, VecDeque};
use std::path::PathBuf;
use std::process::Stdio;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWriteExt};
use tokio::process::Command;

/// How many of stderr's last lines make a failure's message.
const FAILURE_LINES: usize = 5;

/// A program to run, as declared in `[tasks."..."]`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CommandSpec {
    pub program: Vec<String>,
    pub working_dir: Option<PathBuf>,
    pub env: BTreeMap<String, String>,
    /// The server's variables the program inherits.
    pub inherit_env: Vec<String>,
}

/// Runs the program for one run. Dropping the future kills the process, so a
/// timeout or a forced cancel never leaves it behind.
pub async fn run_command(spec: &CommandSpec, context: TaskContext) -> TaskResult {
    let Some((program, arguments)) = spec.program.split_first() else {
        return Err(TaskError::crash("spawn", "the command is empty"));
    };
    let mut command = Command::new(program);
    command.args(arguments).env_clear();
    for name in &spec.inherit_env {
        if let Some(value) = std::env::var_os(name) {
            command.env(name, value);
        }
    }
    command
        .envs(&spec.env)
        .env("TASK_STARTER_RUN_ID", context.run_id().to_string())
        .env("TASK_STARTER_TASK", context.task())
        .env("TASK_STARTER_RUN_AS", context.run_as().unwrap_or_default())
        .env("TASK_STARTER_STARTED_BY", &context.started_by().name)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true);
    if let Some(folder) = &spec.working_dir {
        command.current_dir(folder);
    }
    let mut child =
        command.spawn().map_err(|error| TaskError::crash("spawn", format!("cannot start {program:?}: {error}")))?;

    let input = serde_json::to_vec(context.arguments()).unwrap_or_default();
    let stdin = child.stdin.take();
    let write_input = async move {
        if let Some(mut stdin) = stdin {
            // A program that does not read its input closes the pipe early: not an error.
            let _ = stdin.write_all(&input).await;
            let _ = stdin.write_all(b"\n").await;
        }
    };
    let read_stdout = read_bounded(child.stdout.take(), MAX_RESULT_BYTES);
    let read_stderr = follow_stderr(child.stderr.take(), &context);
    let ((), stdout, last_lines, status) = tokio::select! {
        ((), stdout, last_lines) = async { tokio::join!(write_input, read_stdout, read_stderr) } => {
            let status = child.wait().await.map_err(|error| TaskError::crash("wait", error.to_string()))?;
            ((), stdout, last_lines, status)
        }
        () = context.cancelled() => {
            let _ = child.kill().await;
            return Err(TaskError::Failure("Cancelled: the process was killed.".to_owned()));
        }
    };
    if status.success() {
        let result = stdout.trim_end().to_owned();
        return Ok(Some(result).filter(|text| !text.is_empty()));
    }
    let mut message = last_lines.into_iter().collect::<Vec<_>>().join("\n");
    if message.trim().is_empty() {
        message = match status.code() {
            Some(code) => format!("{program} exited with status {code}"),
            None => format!("{program} was killed by a signal"),
        };
    }
    Err(TaskError::Failure(message))
}

/// Up to `limit` bytes of `pipe` as text (bytes that are not UTF-8 become
/// U+FFFD); the rest is read and dropped, so the program never blocks on a
/// full pipe.
async fn read_bounded(pipe: Option<impl AsyncRead + Unpin>, limit: usize) -> String {
    let Some(mut pipe) = pipe else { return String::new() };
    let mut kept = Vec::new();
    let mut chunk = vec![0_u8; 16 * 1024];
    loop {
        match pipe.read(&mut chunk).await {
            Ok(0) | Err(_) => break,
            Ok(read) => {
                let room = limit.saturating_sub(kept.len());
                kept.extend_from_slice(&chunk[..read.min(room)]);
            }
        }
    }
    String::from_utf8_lossy(&kept).into_owned()
}

/// Logs each stderr line, reports `::progress` lines, and keeps the last
/// lines. A line longer than a log line is cut there; the rest of it is
/// dropped.
async fn follow_stderr(stderr: Option<impl AsyncRead + Unpin>, context: &TaskContext) -> VecDeque<String> {
    let mut last_lines = VecDeque::with_capacity(FAILURE_LINES);
    let Some(mut stderr) = stderr else {
        return last_lines;
    };
    let mut line = Vec::new();
    let mut overlong = false;
    let mut chunk = vec![0_u8; 8 * 1024];
    loop {
        let read = match stderr.read(&mut chunk).await {
            Ok(0) | Err(_) => break,
            Ok(read) => read,
        };
        for &byte in &chunk[..read] {
            if byte == b'\n' {
                take_line(&mut line, overlong, context, &mut last_lines).await;
                overlong = false;
            } else if line.len() < MAX_LOG_LINE_BYTES {
                line.push(byte);
            } else {
                overlong = true;
            }
        }
    }
    if !line.is_empty() {
        take_line(&mut line, overlong, context, &mut last_lines).await;
    }
    last_lines
}

async fn take_line(line: &mut Vec<u8>, cut: bool, context: &TaskContext, last_lines: &mut VecDeque<String>) {
    let mut text = String::from_utf8_lossy(line).trim_end_matches('\r').to_owned();
    if cut {
        text.push_str(CUT_MARK);
    }
    line.clear();
    if let Some(report) = text.strip_prefix("::progress ") {
        let (fraction, message) = report.split_once(' ').unwrap_or((report, ""));
        context.progress(fraction.trim().parse().ok(), message.trim()).await;
        return;
    }
    context.log_at("stderr", text.clone()).await;
    if last_lines.len() == FAILURE_LINES {
        last_lines.pop_front();
    }
    last_lines.push_back(text);
}
