//! `examples.tasks.send_report(...)`: pretends to send a report, and says
//! what it would have sent. Its arguments use every kind of value the
//! console's form shows (text of each format, bounded numbers, a checkbox,
//! a choice of fixed values, a list, a nested group, a choice of shapes),
//! so the form can be tried on a first start.

use crate::engine::{TaskContext, TaskDefinition, TaskError};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

// Serialize lets the schema state the default.
#[derive(Serialize, Deserialize, JsonSchema, Clone, Copy, Default, Debug)]
#[serde(rename_all = "snake_case")]
enum Period {
    /// Yesterday's figures.
    Daily,
    /// The last seven days.
    #[default]
    Weekly,
    /// The last calendar month.
    Monthly,
}

/// Which figures go in.
#[derive(Deserialize, JsonSchema, Default, Debug)]
#[serde(deny_unknown_fields)]
struct Filter {
    /// A two-letter region code, such as SE.
    #[schemars(regex(pattern = r"^[A-Z]{2}$"))]
    region: String,
    /// Leave out orders below this amount.
    #[serde(default)]
    #[schemars(range(min = 0, max = 1_000_000))]
    min_amount: Option<u32>,
}

/// Where the report goes.
#[derive(Deserialize, JsonSchema, Debug)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
enum Destination {
    /// To the recipient's inbox.
    Inbox,
    /// Into a shared folder.
    Folder {
        /// The folder's path, such as /reports/sales.
        #[schemars(length(min = 1, max = 200))]
        path: String,
    },
    /// To another system.
    Webhook {
        /// The address to post the report to.
        #[schemars(url)]
        url: String,
    },
}

#[derive(Deserialize, JsonSchema, Debug)]
#[serde(deny_unknown_fields)]
struct Arguments {
    /// Who gets the report.
    #[schemars(email)]
    recipient: String,
    /// The report's subject line.
    #[schemars(length(min = 1, max = 80))]
    subject: String,
    /// Which stretch of time the figures cover.
    #[serde(default)]
    period: Period,
    /// The first day the figures cover.
    #[schemars(extend("format" = "date"))]
    from_day: String,
    /// When to send it (now, when left out).
    #[serde(default)]
    #[schemars(extend("format" = "date-time"))]
    send_at: Option<String>,
    /// How many copies to send.
    #[serde(default = "one")]
    #[schemars(range(min = 1, max = 5))]
    copies: u8,
    /// Leave out regions whose growth is below this percentage.
    #[serde(default)]
    #[schemars(range(min = 0.0, max = 100.0), extend("multipleOf" = 0.5))]
    growth_threshold: f64,
    /// Add charts to the report.
    #[serde(default = "yes")]
    include_charts: bool,
    /// Labels to file the report under.
    #[serde(default)]
    #[schemars(length(max = 5), extend("uniqueItems" = true))]
    tags: Vec<String>,
    filter: Filter,
    destination: Destination,
}

fn one() -> u8 {
    1
}

fn yes() -> bool {
    true
}

pub fn definition() -> TaskDefinition {
    TaskDefinition::new(
        "examples.tasks.send_report",
        "Pretends to send a sales report; its arguments show every kind of field the form has.",
        run,
    )
}

async fn run(context: TaskContext, arguments: Arguments) -> Result<String, TaskError> {
    context.log(format!("Preparing the {:?} report from {}", arguments.period, arguments.from_day)).await;
    context
        .log(format!(
            "Leaving out orders below {} and regions growing less than {}%",
            arguments.filter.min_amount.unwrap_or(0),
            arguments.growth_threshold
        ))
        .await;
    context
        .log(arguments.send_at.as_ref().map_or_else(|| "Sending now".to_owned(), |at| format!("Sending at {at}")))
        .await;
    if !arguments.tags.is_empty() {
        context.log(format!("Filed under {}", arguments.tags.join(", "))).await;
    }
    let destination = match &arguments.destination {
        Destination::Inbox => format!("the inbox of {}", arguments.recipient),
        Destination::Folder { path } => format!("the folder {path}"),
        Destination::Webhook { url } => format!("the webhook {url}"),
    };
    Ok(format!(
        "Would send {} cop{} of \"{}\" ({:?}, region {}, charts {}) to {destination}",
        arguments.copies,
        if arguments.copies == 1 { "y" } else { "ies" },
        arguments.subject,
        arguments.period,
        arguments.filter.region,
        if arguments.include_charts { "on" } else { "off" },
    ))
}

#[cfg(test)]
mod tests {
    use super::definition;
    use types::schema::form::{FieldKind, form_of};
    use types::schema::{NoPatterns, check_schema, default_arguments};

    #[test]
    fn the_form_shows_every_argument() {
        let schema = definition().arguments_schema;
        check_schema(&schema, &NoPatterns).unwrap();
        let form = form_of(&schema).unwrap_or_else(|why| panic!("no form: {why}\n{schema:#}"));
        let FieldKind::Group(properties) = form.kind else { panic!("not a group") };
        let kind =
            |name: &str| properties.iter().find(|property| property.name == name).map(|property| &property.field.kind);
        assert!(matches!(kind("period"), Some(FieldKind::Select(options)) if options.len() == 3));
        assert!(matches!(kind("tags"), Some(FieldKind::List { .. })));
        assert!(matches!(kind("filter"), Some(FieldKind::Group(_))));
        let Some(FieldKind::Variants(variants)) = kind("destination") else { panic!("{schema:#}") };
        let labels: Vec<&str> = variants.iter().map(|variant| variant.label.as_str()).collect();
        assert_eq!(labels, ["To the recipient's inbox.", "Into a shared folder.", "To another system."]);
    }

    #[test]
    fn the_defaults_fill_in_the_period_and_the_first_destination() {
        let schema = definition().arguments_schema;
        let defaults = default_arguments(&schema);
        assert_eq!(defaults["period"], "weekly", "{schema:#}");
        assert_eq!(defaults["destination"], serde_json::json!({"kind": "inbox"}), "{schema:#}");
        assert_eq!(defaults["copies"], 1);
    }
}
