//! What every handler shares.

use crate::config::Config;
use lingyan_store::Store;
use std::sync::Arc;

#[derive(Clone)]
pub struct AppState {
    pub store: Store,
    pub config: Arc<Config>,
}
