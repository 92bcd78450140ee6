//! Storms collapse into digests. The first end of a task's event at a URL
//! is told at once and opens a window; its further ends within the window
//! are counted into one digest ("N more failures of TASK", linking the
//! latest run), sent when the window ends, which opens the next window. A
//! URL whose queue is full gets digests only, so its queue stays bounded.
//!
//! This file only decides; the outbox adds ends to a digest still counting
//! before asking (see `store::notifications::enqueue`).

use crate::engine::store::notifications::{Group, NewMessage, Seen, Told};

/// How storms are collapsed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Collapse {
    /// The window, in microseconds; 0 tells every end on its own.
    pub window: i64,
    /// Messages that may wait for one URL before its ends are only counted.
    pub queue_limit: u64,
}

impl Collapse {
    /// What to queue for `group`, given what the outbox has `seen` and the
    /// database's time `now` (no digest of the group is counting).
    pub fn plan(self, group: &Group, seen: Seen, now: i64) -> Vec<NewMessage> {
        let Some(latest) = group.told.last() else { return Vec::new() };
        if !group.event.collapses() {
            return group.told.iter().map(|told| alone(told, now, None)).collect();
        }
        let total: u64 = group.told.iter().map(|told| told.count).sum();
        let open = seen.window_until.filter(|until| *until > now);
        if open.is_some() || seen.waiting >= self.queue_limit {
            return vec![self.digest(total, latest, open.unwrap_or(now))];
        }
        if self.window == 0 {
            // An end that stands for several (counted while the hand-off
            // was full) is its run, then a digest of the rest.
            return group
                .told
                .iter()
                .flat_map(|told| {
                    let rest = (told.count > 1).then(|| self.digest(told.count - 1, told, now));
                    std::iter::once(alone(told, now, None)).chain(rest)
                })
                .collect();
        }
        let window_end = now.saturating_add(self.window);
        let mut messages = vec![alone(&group.told[0], now, Some(window_end))];
        if total > 1 {
            messages.push(self.digest(total - 1, latest, window_end));
        }
        messages
    }

    /// A digest of `count` ends, due when the current window ends; it opens
    /// the next one.
    fn digest(self, count: u64, latest: &Told, due_at: i64) -> NewMessage {
        NewMessage {
            run_id: latest.run_id,
            run: latest.run.clone(),
            count,
            digest: true,
            due_at,
            window_until: Some(due_at.saturating_add(self.window)),
        }
    }
}

/// One end told at once.
fn alone(told: &Told, now: i64, window_until: Option<i64>) -> NewMessage {
    NewMessage { run_id: told.run_id, run: told.run.clone(), count: 1, digest: false, due_at: now, window_until }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::store::notifications::Event;
    use types::RunId;

    const MINUTE: i64 = 60_000_000;
    const NOW: i64 = 1_000 * MINUTE;

    fn group(event: Event, counts: &[u64]) -> Group {
        let told = counts
            .iter()
            .enumerate()
            .map(|(index, count)| Told {
                run_id: RunId(uuid::Uuid::from_u128(index as u128)),
                run: format!("run {index}"),
                count: *count,
            })
            .collect();
        Group { url_key: "key".to_owned(), task: "task".to_owned(), event, told }
    }

    fn collapse() -> Collapse {
        Collapse { window: MINUTE, queue_limit: 100 }
    }

    fn shape(messages: &[NewMessage]) -> Vec<(bool, u64, String, i64)> {
        messages.iter().map(|message| (message.digest, message.count, message.run.clone(), message.due_at)).collect()
    }

    #[test]
    fn a_storm_is_its_first_end_at_once_then_one_digest_of_the_rest_at_the_window_end() {
        let planned = collapse().plan(&group(Event::Failure, &[1, 1, 1, 1]), Seen::default(), NOW);
        assert_eq!(shape(&planned), [(false, 1, "run 0".to_owned(), NOW), (true, 3, "run 3".to_owned(), NOW + MINUTE)]);
        assert_eq!(planned[1].window_until, Some(NOW + 2 * MINUTE), "the digest opens the next window");
    }

    #[test]
    fn ends_within_an_open_window_wait_for_its_end_and_later_ones_are_told_at_once() {
        let seen = Seen { window_until: Some(NOW + 10), waiting: 0 };
        let planned = collapse().plan(&group(Event::Failure, &[1]), seen, NOW);
        assert_eq!(shape(&planned), [(true, 1, "run 0".to_owned(), NOW + 10)]);
        let closed = Seen { window_until: Some(NOW), waiting: 0 };
        let planned = collapse().plan(&group(Event::Failure, &[1]), closed, NOW);
        assert_eq!(shape(&planned), [(false, 1, "run 0".to_owned(), NOW)]);
    }

    #[test]
    fn a_full_queue_only_counts() {
        let seen = Seen { window_until: None, waiting: 100 };
        let planned = collapse().plan(&group(Event::Failure, &[1, 1]), seen, NOW);
        assert_eq!(shape(&planned), [(true, 2, "run 1".to_owned(), NOW)]);
    }

    #[test]
    fn recoveries_and_a_zero_window_tell_each_end() {
        let planned = collapse().plan(&group(Event::Recovery, &[1, 1]), Seen::default(), NOW);
        assert_eq!(shape(&planned), [(false, 1, "run 0".to_owned(), NOW), (false, 1, "run 1".to_owned(), NOW)]);
        let off = Collapse { window: 0, queue_limit: 100 };
        let planned = off.plan(&group(Event::Failure, &[1, 3]), Seen::default(), NOW);
        assert_eq!(
            shape(&planned),
            [
                (false, 1, "run 0".to_owned(), NOW),
                (false, 1, "run 1".to_owned(), NOW),
                (true, 2, "run 1".to_owned(), NOW)
            ]
        );
    }
}
