//! Command tasks: a program declared in the config. The arguments go to its
//! stdin as JSON; exit 0 is success with stdout as the result; any other exit
//! is a handled failure whose message is the last lines of stderr. Each
//! stderr line is also written to the run's log, and a line
//! `::progress 0.5 halfway` reports progress.

use super::context::TaskContext;
use super::task::{TaskError, TaskResult};
use std::collections::{BTreeMap, VecDeque};
use std::path::PathBuf;
use std::process::Stdio;
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::process::Command;

/// How much of stdout becomes the result, at most.
const MAX_RESULT_BYTES: u64 = 1024 * 1024;
/// How many of stderr's last lines make a failure's message.
const FAILURE_LINES: usize = 5;

/// A program to run, as declared in `[tasks."..."]`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CommandSpec {
    pub program: Vec<String>,
    pub working_dir: Option<PathBuf>,
    pub env: BTreeMap<String, String>,
}

/// Runs the program for one run. Dropping the future kills the process, so a
/// timeout or a forced cancel never leaves it behind.
pub async fn run_command(spec: &CommandSpec, context: TaskContext) -> TaskResult {
    let Some((program, arguments)) = spec.program.split_first() else {
        return Err(TaskError::crash("spawn", "the command is empty"));
    };
    let mut command = Command::new(program);
    command
        .args(arguments)
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
    if let Some(mut stdin) = child.stdin.take() {
        // A program that does not read its input closes the pipe early: not an error.
        let _ = stdin.write_all(&input).await;
        let _ = stdin.write_all(b"\n").await;
    }
    let stdout = child.stdout.take();
    let stderr = child.stderr.take();
    let read_stdout = async {
        let mut text = String::new();
        if let Some(stdout) = stdout {
            let _ = stdout.take(MAX_RESULT_BYTES).read_to_string(&mut text).await;
        }
        text
    };
    let read_stderr = follow_stderr(stderr, &context);
    let ((stdout, last_lines), status) = tokio::select! {
        outputs = async { tokio::join!(read_stdout, read_stderr) } => {
            let status = child.wait().await.map_err(|error| TaskError::crash("wait", error.to_string()))?;
            (outputs, status)
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

/// Logs each stderr line, reports `::progress` lines, and keeps the last lines.
async fn follow_stderr(stderr: Option<tokio::process::ChildStderr>, context: &TaskContext) -> VecDeque<String> {
    let mut last_lines = VecDeque::with_capacity(FAILURE_LINES);
    let Some(stderr) = stderr else {
        return last_lines;
    };
    let mut lines = BufReader::new(stderr).lines();
    while let Ok(Some(line)) = lines.next_line().await {
        if let Some(report) = line.strip_prefix("::progress ") {
            let (fraction, message) = report.split_once(' ').unwrap_or((report, ""));
            context.progress(fraction.trim().parse().ok(), message.trim()).await;
            continue;
        }
        context.log_at("stderr", line.clone()).await;
        if last_lines.len() == FAILURE_LINES {
            last_lines.pop_front();
        }
        last_lines.push_back(line);
    }
    last_lines
}
