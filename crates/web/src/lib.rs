//! Lingyan's web server: the JSON API under `/api/v1` and the HTML pages,
//! siblings over the same services in `lingyan-store`.
//!
//! [`Application::build`] connects, migrates, assembles the router and binds
//! the listener, reporting the real port — so tests start the whole server
//! on port 0.

rust_i18n::i18n!("../../locales", fallback = "en");

pub mod api;
mod assets;
pub mod auth;
pub mod config;
mod csrf;
pub mod dashboard;
pub mod error;
pub mod growth;
mod health;
pub mod i18n;
pub mod pages;
pub mod province;
mod security;
pub mod state;

pub use config::Config;

use crate::auth::Backend;
use crate::state::AppState;
use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::StatusCode;
use axum::routing::get;
use axum_login::AuthManagerLayerBuilder;
use lingyan_store::Store;
use lingyan_store::sessions::DbSessionStore;
use std::future::IntoFuture;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::TcpListener;
use tower::ServiceBuilder;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;
use tower_sessions::session_store::ExpiredDeletion;
use tower_sessions::{Expiry, SessionManagerLayer, cookie::SameSite};

/// Name of the session cookie.
pub const SESSION_COOKIE: &str = "lingyan_session";

/// A built server: listening, not yet serving.
pub struct Application {
    listener: TcpListener,
    router: Router,
    addr: SocketAddr,
    store: Store,
    grace: Duration,
}

impl Application {
    /// Connects to the configured database, applies migrations, builds the
    /// router and binds `config.bind`.
    pub async fn build(config: Config) -> anyhow::Result<Self> {
        let url = config.database_url()?;
        let store = Store::connect(&url)
            .await
            .map_err(|e| anyhow::anyhow!("cannot open database {}: {e}", config::redact_url(&url)))?
            .with_login_policy(config.login_policy());
        store.migrate().await?;
        Self::build_with_store(config, store).await
    }

    /// Builds on an already connected and migrated store.
    pub async fn build_with_store(config: Config, store: Store) -> anyhow::Result<Self> {
        let store = store
            .with_login_policy(config.login_policy())
            .with_blobs(config.blobs());
        let router = router(config.clone(), store.clone()).await?;
        let listener = TcpListener::bind(&config.bind)
            .await
            .map_err(|e| anyhow::anyhow!("cannot listen on {}: {e}", config.bind))?;
        let addr = listener.local_addr()?;
        Ok(Self {
            listener,
            router,
            addr,
            store,
            grace: Duration::from_secs(config.limits.shutdown_grace_secs),
        })
    }

    pub fn port(&self) -> u16 {
        self.addr.port()
    }

    pub fn local_addr(&self) -> SocketAddr {
        self.addr
    }

    pub fn store(&self) -> &Store {
        &self.store
    }

    /// Serves until Ctrl-C or SIGTERM, then finishes in-flight requests.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        self.run_until(shutdown_signal()).await
    }

    /// Serves until `signal` completes, then shuts down gracefully: no new
    /// connections, and requests in flight get the grace period
    /// (`limits.shutdown_grace_secs`) to finish. Whatever still runs then is
    /// abandoned — its futures are dropped with the runtime, which stops
    /// imports (they watch for it) and rolls back open transactions — so a
    /// stop never waits on a stuck request.
    pub async fn run_until<F>(self, signal: F) -> std::io::Result<()>
    where
        F: std::future::Future<Output = ()> + Send + 'static,
    {
        let (stopping, stopped) = tokio::sync::oneshot::channel::<()>();
        let signal = async move {
            signal.await;
            let _ = stopping.send(());
        };
        let serve = axum::serve(
            self.listener,
            self.router.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .with_graceful_shutdown(signal)
        .into_future();
        let grace = self.grace;
        tokio::select! {
            r = serve => r,
            _ = async move {
                if stopped.await.is_ok() {
                    tokio::time::sleep(grace).await;
                } else {
                    std::future::pending::<()>().await;
                }
            } => {
                tracing::warn!(seconds = grace.as_secs(), "requests still running after the grace period were abandoned");
                Ok(())
            }
        }
    }
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
    tracing::info!("shutting down");
}

/// The body limit of upload routes: a little over the import limit, so a
/// file slightly too big reaches the importer and gets its clear message.
pub fn upload_limit(config: &Config) -> usize {
    let largest = config.limits.import_bytes.max(config.limits.attachment_bytes);
    largest.saturating_mul(2).max(largest + 1024 * 1024)
}

/// Assembles the whole application: routes from each area, then the layers
/// once (outermost first): trace, security headers, timeout, body limit,
/// sessions + auth, CSRF token, identity, CSRF check.
pub async fn router(config: Config, store: Store) -> anyhow::Result<Router> {
    let secret = lingyan_store::secrets::get_or_create(&store, "cookie_key").await?;
    let state = AppState {
        store: store.clone(),
        config: Arc::new(config.clone()),
        kept_own: Arc::default(),
        kept_glances: Arc::default(),
    };

    let session_store = DbSessionStore::new(store.clone());
    {
        // Expired sessions are refused when loaded; this only tidies the table.
        let sessions = session_store.clone();
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(Duration::from_secs(3600));
            loop {
                tick.tick().await;
                if let Err(e) = sessions.delete_expired().await {
                    tracing::warn!(error = %e, "could not delete expired sessions");
                }
            }
        });
    }
    let session_layer = SessionManagerLayer::new(session_store)
        .with_name(SESSION_COOKIE)
        .with_secure(config.secure_cookies)
        .with_http_only(true)
        .with_same_site(SameSite::Lax)
        .with_expiry(Expiry::OnInactivity(time::Duration::hours(
            config.session_idle_hours.max(1),
        )));
    let auth_layer = AuthManagerLayerBuilder::new(Backend { store: store.clone() }, session_layer).build();

    let app = Router::new()
        .merge(pages::router(&config))
        .merge(api::router(&config))
        .fallback(pages::view_not_found)
        .layer(axum::middleware::from_fn(pages::post_only_goes_back))
        .layer(axum::middleware::from_fn_with_state(state.clone(), csrf::guard))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            auth::identify,
        ))
        .layer(axum_csrf::CsrfLayer::new(csrf::config(
            &secret,
            config.secure_cookies,
        )))
        .layer(auth_layer)
        .merge(api::docs_router())
        .route("/static/{*path}", get(assets::serve))
        .route(
            "/favicon.ico",
            get(|| async { axum::response::Redirect::permanent("/static/favicon.svg") }),
        )
        .merge(health::router())
        .with_state(state);

    // Extractors take `body_bytes` unless a route allows more (uploads);
    // nothing larger than the biggest allowance gets through at all.
    let hard_cap = config.limits.body_bytes.max(upload_limit(&config));
    let mut app = app.layer(
        ServiceBuilder::new()
            .layer(DefaultBodyLimit::max(config.limits.body_bytes))
            .layer(RequestBodyLimitLayer::new(hard_cap)),
    );
    // A panic anywhere below answers 500 (and is logged) instead of
    // dropping the connection.
    app = app.layer(tower_http::catch_panic::CatchPanicLayer::custom(
        |_: Box<dyn std::any::Any + Send + 'static>| {
            tracing::error!("a request handler panicked");
            let body = serde_json::json!({"error": {"code": "internal",
                "message": "服务器出错，已记录，请稍后再试。Something went wrong on the server. It has been logged; please try again."}});
            axum::response::IntoResponse::into_response((StatusCode::INTERNAL_SERVER_ERROR, axum::Json(body)))
        },
    ));
    app = app.layer(TimeoutLayer::with_status_code(
        StatusCode::REQUEST_TIMEOUT,
        Duration::from_secs(config.limits.request_timeout_secs.max(1)),
    ));
    for l in security::layers(config.secure_cookies) {
        app = app.layer(l);
    }
    Ok(app.layer(TraceLayer::new_for_http()))
}
