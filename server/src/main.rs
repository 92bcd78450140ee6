//! The `task-starter` binary: the command line with the built-in tasks.

fn main() -> std::process::ExitCode {
    task_starter::cli::main(task_starter::tasks::builtin())
}
