//! What every handler shares.

use crate::config::Config;
use lingyan_store::Store;
use std::sync::Arc;

#[derive(Clone)]
pub struct AppState {
    pub store: Store,
    pub config: Arc<Config>,
    /// Teachers' own parts of the home page, kept until their school
    /// changes (`dashboard::kept`).
    pub kept_own: Arc<crate::dashboard::kept::KeptOwn>,
    /// Schools' duties at a glance, beside the school's kept results.
    pub kept_glances: Arc<crate::dashboard::kept::KeptGlances>,
}
