//! Response headers that every page and API answer carries.

use axum::http::{HeaderName, HeaderValue, header};
use tower_http::set_header::SetResponseHeaderLayer;

/// No inline script anywhere; htmx and page scripts are files under /static.
pub const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; \
font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

/// Swagger UI sets inline styles from its own script; scripts stay 'self'.
pub const CSP_DOCS: &str = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; \
img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'self'; frame-ancestors 'none'";

fn layer(name: HeaderName, value: &'static str) -> SetResponseHeaderLayer<HeaderValue> {
    SetResponseHeaderLayer::if_not_present(name, HeaderValue::from_static(value))
}

/// The headers, as layers; applied once around the whole router.
pub fn layers(https: bool) -> Vec<SetResponseHeaderLayer<HeaderValue>> {
    let mut v = vec![
        layer(header::CONTENT_SECURITY_POLICY, CSP),
        layer(header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        layer(header::X_FRAME_OPTIONS, "DENY"),
        layer(header::REFERRER_POLICY, "same-origin"),
        layer(
            HeaderName::from_static("permissions-policy"),
            "geolocation=(), microphone=(), payment=()",
        ),
        layer(
            HeaderName::from_static("cross-origin-opener-policy"),
            "same-origin",
        ),
    ];
    if https {
        v.push(layer(header::STRICT_TRANSPORT_SECURITY, "max-age=31536000"));
    }
    v
}
