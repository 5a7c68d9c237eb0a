//! `GET /metrics`: the Prometheus text exposition format (the `prometheus`
//! crate's registry and text encoder), one sample per appId served. Every
//! value is a gauge: the day's counters restart at midnight of the quota's day.

use std::sync::Arc;

use axum::extract::State;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use prometheus::{Encoder, IntGauge, IntGaugeVec, Opts, Registry, TextEncoder};
use voipsign::rooms::Usage;
use voipsign::Error;

use super::source::Source;

/// A value read off the day's usage.
type Read = fn(&Usage) -> u64;

/// One gauge per appId: name, help, and its value from the day's usage.
type PerApp = (&'static str, &'static str, Read);

const PER_APP: [PerApp; 7] = [
    (
        "voipsign_room_openings_today",
        "Rooms opened today (the openings charged to the daily limit).",
        |u| u.openings,
    ),
    (
        "voipsign_daily_room_limit",
        "Rooms that may be opened a day.",
        |u| u.daily_room_limit,
    ),
    (
        "voipsign_live_rooms",
        "Rooms with at least one live seat now.",
        |u| u.live_rooms.unwrap_or(0),
    ),
    ("voipsign_live_seats", "Live seats now.", |u| {
        u.live_seats.unwrap_or(0)
    }),
    (
        "voipsign_peak_seats_today",
        "The most live seats seen at once today.",
        |u| u.peak_seats,
    ),
    (
        "voipsign_expired_seats_today",
        "Seats whose lease ended today (phones gone without leaving).",
        |u| u.expired,
    ),
    (
        "voipsign_admissions_today",
        "Seats granted today (openings included).",
        |u| u.admissions,
    ),
];

/// The reasons of `voipsign_refusals_today` and their counters.
const REFUSALS: [(&str, Read); 4] = [
    ("room_full", |u| u.refused_room_full),
    ("daily_room_limit", |u| u.refused_daily_limit),
    ("member_daily_limit", |u| u.refused_member_limit),
    ("not_admitted", |u| u.heartbeats_refused),
];

/// The exposition of `usages` (empty when `up` is false).
pub fn render(
    up: bool,
    usages: &[(String, Usage)],
    warning: u64,
) -> Result<String, prometheus::Error> {
    let registry = Registry::new();
    let ledger_up = IntGauge::new(
        "voipsign_ledger_up",
        "1 when the ledger's store answered this scrape, 0 while it is unreachable.",
    )?;
    ledger_up.set(i64::from(up));
    registry.register(Box::new(ledger_up))?;
    if up {
        for (name, help, value) in PER_APP {
            let g = IntGaugeVec::new(Opts::new(name, help), &["app_id"])?;
            for (app, u) in usages {
                g.with_label_values(&[app.as_str()]).set(value(u) as i64);
            }
            registry.register(Box::new(g))?;
        }
        let w = IntGaugeVec::new(
            Opts::new(
                "voipsign_daily_room_warning",
                "Openings from which the quota warns.",
            ),
            &["app_id"],
        )?;
        let r = IntGaugeVec::new(
            Opts::new(
                "voipsign_refusals_today",
                "Refused today, by reason: admissions (room_full, daily_room_limit, member_daily_limit) and heartbeats (not_admitted).",
            ),
            &["app_id", "reason"],
        )?;
        for (app, u) in usages {
            w.with_label_values(&[app.as_str()]).set(warning as i64);
            for (reason, value) in REFUSALS {
                r.with_label_values(&[app.as_str(), reason])
                    .set(value(u) as i64);
            }
        }
        registry.register(Box::new(w))?;
        registry.register(Box::new(r))?;
    }
    let mut out = Vec::new();
    TextEncoder::new().encode(&registry.gather(), &mut out)?;
    Ok(String::from_utf8(out).unwrap_or_default())
}

/// The day's usage of every appId served, or the error of the first that failed.
async fn usages(s: &Source) -> Result<Vec<(String, Usage)>, Error> {
    let apps = s.apps().await?;
    s.call(move |l| {
        apps.into_iter()
            .map(|app| {
                let u = l.usage(&app, None, None)?;
                Ok((app, u))
            })
            .collect()
    })
    .await
}

/// `GET /metrics`.
pub async fn metrics(State(s): State<Arc<Source>>) -> Response {
    let read = usages(&s).await;
    let up = read.is_ok();
    let usages = read.unwrap_or_default();
    match render(up, &usages, s.limits().daily_room_warning) {
        Ok(text) => (
            [(
                header::CONTENT_TYPE,
                HeaderValue::from_static(prometheus::TEXT_FORMAT),
            )],
            text,
        )
            .into_response(),
        Err(e) => super::api::problem(
            StatusCode::INTERNAL_SERVER_ERROR,
            "INTERNAL",
            &format!("the metrics could not be encoded: {e}"),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn down_has_only_ledger_up() {
        let text = render(false, &[], 90).unwrap();
        assert!(text.contains("voipsign_ledger_up 0"), "{text}");
        assert!(!text.contains("voipsign_live_rooms"), "{text}");
    }

    #[test]
    fn a_sample_per_app_and_reason() {
        let u = voipsign::rooms::DayCounts::default().usage(1, 100, Some((2, 3)));
        let text = render(true, &[("wxa".into(), u), ("wxb".into(), u)], 90).unwrap();
        assert!(text.contains("# TYPE voipsign_live_rooms gauge"), "{text}");
        assert!(
            text.contains("voipsign_live_rooms{app_id=\"wxa\"} 2"),
            "{text}"
        );
        assert!(
            text.contains("voipsign_live_seats{app_id=\"wxb\"} 3"),
            "{text}"
        );
        assert!(
            text.contains("voipsign_refusals_today{app_id=\"wxa\",reason=\"room_full\"} 0"),
            "{text}"
        );
        assert!(
            text.contains("voipsign_daily_room_warning{app_id=\"wxb\"} 90"),
            "{text}"
        );
    }
}
