//! `examples.tasks.dummy_task(number = 5, numberx = 10)`: the original's
//! scheduled example; returns `number * 5 * numberx`.

use crate::engine::{TaskContext, TaskDefinition, TaskError, TaskFailure};
use schemars::JsonSchema;
use serde::Deserialize;

#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct Arguments {
    #[serde(default = "five")]
    number: i64,
    #[serde(default = "ten")]
    numberx: i64,
}

fn five() -> i64 {
    5
}

fn ten() -> i64 {
    10
}

pub fn definition() -> TaskDefinition {
    TaskDefinition::new("examples.tasks.dummy_task", "Multiplies: number × 5 × numberx.", run)
}

async fn run(_context: TaskContext, arguments: Arguments) -> Result<i64, TaskError> {
    arguments
        .number
        .checked_mul(5)
        .and_then(|product| product.checked_mul(arguments.numberx))
        .ok_or_else(|| TaskFailure::new("The product is too large for a 64-bit number.").into())
}
