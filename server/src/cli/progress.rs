//! The progress bar `run --wait` draws on stderr while a run is going.

use std::io::{IsTerminal, Write};
use types::Run;

const WIDTH: usize = 30;

/// One line, redrawn in place on a terminal (a line per change otherwise).
pub struct ProgressLine {
    terminal: bool,
    drawn: bool,
}

impl ProgressLine {
    pub fn new() -> ProgressLine {
        ProgressLine { terminal: std::io::stderr().is_terminal(), drawn: false }
    }

    pub fn show(&mut self, run: &Run) {
        let text = render(run);
        let mut stderr = std::io::stderr();
        let _ = if self.terminal { write!(stderr, "\r\x1b[2K{text}") } else { writeln!(stderr, "{text}") };
        let _ = stderr.flush();
        self.drawn = true;
    }

    pub fn finish(&mut self) {
        if self.terminal && self.drawn {
            eprintln!();
        }
    }
}

/// `[##########....................]  33% 2 s left  (running)`
pub fn render(run: &Run) -> String {
    let progress = run.progress.as_ref();
    let fraction = progress.and_then(|progress| progress.fraction);
    let bar = match fraction {
        Some(fraction) => {
            #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss, clippy::cast_precision_loss)]
            let filled = ((fraction.clamp(0.0, 1.0) * WIDTH as f64).round() as usize).min(WIDTH);
            format!("[{}{}] {:>3.0}%", "#".repeat(filled), ".".repeat(WIDTH - filled), fraction * 100.0)
        }
        None => format!("[{}]     ", ".".repeat(WIDTH)),
    };
    let message = progress.and_then(|progress| progress.message.clone()).unwrap_or_default();
    format!("{bar} {message} ({})", run.state.as_str())
}

#[cfg(test)]
mod tests {
    use super::render;
    use types::{Actor, ActorKind, Origin, Progress, Run, RunId, RunState};

    #[test]
    fn the_bar_fills_with_the_fraction() {
        let run = Run {
            id: RunId(uuid::Uuid::nil()),
            task: "t".to_owned(),
            arguments: serde_json::json!({}),
            state: RunState::Running,
            result: None,
            error: None,
            started_by: Actor { kind: ActorKind::Cli, name: "me".to_owned() },
            run_as: None,
            origin: Origin::Cli,
            rerun_of: None,
            attempt: 1,
            max_attempts: 1,
            progress: Some(Progress { fraction: Some(0.5), message: Some("half".to_owned()) }),
            created_at: String::new(),
            started_at: None,
            finished_at: None,
            duration_ms: None,
        };
        assert_eq!(render(&run), format!("[{}{}]  50% half (running)", "#".repeat(15), ".".repeat(15)));
    }
}
