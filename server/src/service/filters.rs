//! What every filtered list shares: the size of a page, and times typed
//! into a filter.

use super::ServiceError;
use crate::clock::from_typed_time;
use types::MAX_PAGE;

const DEFAULT_PAGE: u32 = 50;

/// A page's size: 50 unless asked, at most 200.
pub(super) fn page_limit(limit: Option<u32>) -> Result<u32, ServiceError> {
    let limit = limit.unwrap_or(DEFAULT_PAGE);
    if limit == 0 || limit > MAX_PAGE {
        return Err(ServiceError::BadRequest(format!("limit must be from 1 to {MAX_PAGE}.")));
    }
    Ok(limit)
}

/// A filter's time (RFC 3339, or without an offset as UTC), refused with its key.
pub(super) fn typed_time(key: &str, text: Option<String>) -> Result<Option<i64>, ServiceError> {
    text.map(|text| {
        from_typed_time(&text).ok_or_else(|| {
            ServiceError::BadRequest(format!("{key} must be a time such as 2026-12-01T10:00:00Z, not {text:?}."))
        })
    })
    .transpose()
}
