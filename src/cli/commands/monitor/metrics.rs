//! The Prometheus / OpenMetrics exposition of the monitor's state, encoded by the
//! `prometheus-client` crate on each scrape from the records (a [`Collector`]), so that
//! nothing outlives the endpoint it describes.

use std::sync::{Arc, Mutex};
use std::time::Instant;

use prometheus_client::collector::Collector;
use prometheus_client::encoding::{DescriptorEncoder, NoLabelSet};
use prometheus_client::metrics::MetricType;
use prometheus_client::registry::{Registry, Unit};

use super::poll::Target;
use super::reading::{FailureKind, CRITICAL_WARNINGS, CSTS_FLAGS};
use super::state::{Record, State, LATENCY_BUCKETS};

/// The content type of [`encode_into`]'s text.
pub const CONTENT_TYPE: &str = "application/openmetrics-text; version=1.0.0; charset=utf-8";

type Labels = Vec<(&'static str, String)>;

fn labels(t: &Target, r: &Record) -> Labels {
    vec![
        ("network", t.network()),
        ("eid", t.eid()),
        ("serial", r.serial().to_owned()),
        ("model", r.model().to_owned()),
    ]
}

fn with(mut l: Labels, key: &'static str, value: impl Into<String>) -> Labels {
    l.push((key, value.into()));
    l
}

/// The collector over the shared state.
#[derive(Debug)]
struct Monitor(Arc<Mutex<State>>);

/// One gauge family: a value (or none) per series.
fn gauges<V: prometheus_client::encoding::EncodeGaugeValue>(
    enc: &mut DescriptorEncoder,
    name: &str,
    help: &str,
    unit: Option<Unit>,
    series: &[(Labels, V)],
) -> Result<(), std::fmt::Error> {
    if series.is_empty() {
        return Ok(());
    }
    let mut m = enc.encode_descriptor(name, help, unit.as_ref(), MetricType::Gauge)?;
    for (l, v) in series {
        m.encode_family(l)?.encode_gauge(v)?;
    }
    Ok(())
}

/// One counter family (`_total` is added by the encoder).
fn counters(
    enc: &mut DescriptorEncoder,
    name: &str,
    help: &str,
    unit: Option<Unit>,
    series: &[(Labels, u64)],
) -> Result<(), std::fmt::Error> {
    if series.is_empty() {
        return Ok(());
    }
    let mut m = enc.encode_descriptor(name, help, unit.as_ref(), MetricType::Counter)?;
    for (l, v) in series {
        m.encode_family(l)?
            .encode_counter::<NoLabelSet, u64, f64>(v, None)?;
    }
    Ok(())
}

fn ratio() -> Option<Unit> {
    Some(Unit::Other("ratio".into()))
}

impl Collector for Monitor {
    fn encode(&self, mut enc: DescriptorEncoder) -> Result<(), std::fmt::Error> {
        let st = self.0.lock().unwrap_or_else(|e| e.into_inner());
        let now = Instant::now();
        let mut up = Vec::new();
        let mut temp = Vec::new();
        let mut pdlu = Vec::new();
        let mut warn = Vec::new();
        let mut age = Vec::new();
        let mut spare = Vec::new();
        let mut spare_thresh = Vec::new();
        let mut poh = Vec::new();
        let mut media = Vec::new();
        let mut unsafe_sd = Vec::new();
        let mut ctemp = Vec::new();
        let mut cflag = Vec::new();
        let mut events = Vec::new();
        let mut events_on = Vec::new();
        let mut polls = Vec::new();
        let mut errors = Vec::new();
        for (t, r) in &st.records {
            let l = labels(t, r);
            up.push((l.clone(), i64::from(r.up == Some(true))));
            events.push((l.clone(), r.events));
            events_on.push((l.clone(), i64::from(r.events_enabled)));
            polls.push((l.clone(), r.polls));
            for k in FailureKind::ALL {
                let n = r.errors.get(&k).copied().unwrap_or(0);
                errors.push((with(l.clone(), "kind", k.name()), n));
            }
            if let Some(h) = &r.health {
                if let Some(c) = h.value.temperature_celsius {
                    temp.push((l.clone(), i64::from(c)));
                }
                pdlu.push((l.clone(), f64::from(h.value.percentage_used) / 100.0));
                for (bit, name) in CRITICAL_WARNINGS {
                    let on = h.value.warnings & (1 << bit) != 0;
                    warn.push((with(l.clone(), "warning", name), i64::from(on)));
                }
                age.push((l.clone(), h.age(now).as_secs_f64()));
            }
            if let Some(s) = &r.smart {
                spare.push((l.clone(), f64::from(s.value.available_spare) / 100.0));
                spare_thresh.push((
                    l.clone(),
                    f64::from(s.value.available_spare_threshold) / 100.0,
                ));
                poh.push((l.clone(), s.value.power_on_hours.saturating_mul(3600)));
                media.push((l.clone(), s.value.media_errors));
                unsafe_sd.push((l.clone(), s.value.unsafe_shutdowns));
            }
            if let Some(cs) = &r.controllers {
                for c in &cs.value {
                    let lc = with(l.clone(), "controller", c.id.to_string());
                    ctemp.push((lc.clone(), i64::from(c.temperature_celsius)));
                    for (bit, name) in CSTS_FLAGS {
                        let on = c.csts & (1 << bit) != 0;
                        cflag.push((with(lc.clone(), "flag", name), i64::from(on)));
                    }
                }
            }
        }
        gauges(
            &mut enc,
            "nvme_mi_up",
            "1 if the endpoint answered its last NVM Subsystem Health Status Poll",
            None,
            &up,
        )?;
        gauges(
            &mut enc,
            "nvme_mi_composite_temperature",
            "Composite temperature of the NVM subsystem (NVMe-MI 1.2, 5.6)",
            Some(Unit::Celsius),
            &temp,
        )?;
        gauges(
            &mut enc,
            "nvme_mi_percentage_used",
            "Percentage Drive Life Used, as a ratio (can exceed 1)",
            ratio(),
            &pdlu,
        )?;
        gauges(
            &mut enc,
            "nvme_mi_critical_warning",
            "1 while the critical warning is present (NVM Subsystem Health SMART Warnings)",
            None,
            &warn,
        )?;
        gauges(
            &mut enc,
            "nvme_mi_health_age",
            "Age of the last good NVM Subsystem Health reading",
            Some(Unit::Seconds),
            &age,
        )?;
        gauges(
            &mut enc,
            "nvme_mi_available_spare",
            "Available spare from the SMART log, as a ratio",
            ratio(),
            &spare,
        )?;
        gauges(
            &mut enc,
            "nvme_mi_available_spare_threshold",
            "Available spare threshold from the SMART log, as a ratio",
            ratio(),
            &spare_thresh,
        )?;
        counters(
            &mut enc,
            "nvme_mi_power_on",
            "Power-on time from the SMART log (whole hours, in seconds)",
            Some(Unit::Seconds),
            &poh,
        )?;
        counters(
            &mut enc,
            "nvme_mi_media_errors",
            "Media and data integrity errors from the SMART log",
            None,
            &media,
        )?;
        counters(
            &mut enc,
            "nvme_mi_unsafe_shutdowns",
            "Unsafe shutdowns from the SMART log",
            None,
            &unsafe_sd,
        )?;
        gauges(
            &mut enc,
            "nvme_mi_controller_temperature",
            "Controller composite temperature (Controller Health Status Poll)",
            Some(Unit::Celsius),
            &ctemp,
        )?;
        gauges(
            &mut enc,
            "nvme_mi_controller_status",
            "1 while the controller status flag is set (Controller Health Status Poll)",
            None,
            &cflag,
        )?;
        counters(
            &mut enc,
            "nvme_mi_events_received",
            "Asynchronous Event Messages received",
            None,
            &events,
        )?;
        gauges(
            &mut enc,
            "nvme_mi_events_enabled",
            "1 if Asynchronous Event Messages are enabled on the endpoint",
            None,
            &events_on,
        )?;
        counters(
            &mut enc,
            "nvme_mi_polls",
            "NVM Subsystem Health Status Polls sent",
            None,
            &polls,
        )?;
        counters(
            &mut enc,
            "nvme_mi_poll_errors",
            "Failed polls by kind of failure",
            None,
            &errors,
        )?;
        if !st.records.is_empty() {
            let mut m = enc.encode_descriptor(
                "nvme_mi_poll_duration",
                "Time an NVM Subsystem Health Status Poll took",
                Some(&Unit::Seconds),
                MetricType::Histogram,
            )?;
            for (t, r) in &st.records {
                let l = labels(t, r);
                let mut buckets: Vec<(f64, u64)> = LATENCY_BUCKETS
                    .iter()
                    .zip(r.latency.counts.iter())
                    .map(|(b, n)| (*b, *n))
                    .collect();
                buckets.push((f64::INFINITY, r.latency.counts[LATENCY_BUCKETS.len()]));
                m.encode_family(&l)?.encode_histogram::<NoLabelSet>(
                    r.latency.sum,
                    r.latency.count,
                    &buckets,
                    None,
                )?;
            }
        }
        let mut m = enc.encode_descriptor(
            "nvme_mi_endpoints",
            "Endpoints watched",
            None,
            MetricType::Gauge,
        )?;
        m.encode_gauge(&(st.records.len() as i64))?;
        Ok(())
    }
}

/// The registry whose encoding is the `/metrics` page.
pub fn registry(state: Arc<Mutex<State>>) -> Registry {
    let mut r = Registry::default();
    r.register_collector(Box::new(Monitor(state)));
    r
}

/// The OpenMetrics text of `registry`.
#[cfg(test)]
pub fn encode(registry: &Registry) -> String {
    let mut s = String::new();
    encode_into(registry, &mut s);
    s
}

/// Replaces the content of `page` with the OpenMetrics text of `registry` (a buffer kept
/// from one scrape to the next is not allocated again).
pub fn encode_into(registry: &Registry, page: &mut String) {
    page.clear();
    // Writing into a String cannot fail.
    let _ = prometheus_client::encoding::text::encode(page, registry);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cli::commands::monitor::reading::{Identity, PollOutcome, Smart, SubsystemHealth};

    #[test]
    fn exposition_has_conventional_names_and_labels() {
        let state = Arc::new(Mutex::new(State::default()));
        let t = Target::Mctp { net: 1, eid: 9 };
        {
            let mut s = state.lock().unwrap();
            s.add(t.clone());
            s.apply(
                &t,
                PollOutcome {
                    health: Some(SubsystemHealth {
                        temperature_celsius: Some(44),
                        warnings: 0b10,
                        percentage_used: 3,
                        ..Default::default()
                    }),
                    smart: Some(Smart {
                        available_spare: 95,
                        available_spare_threshold: 10,
                        power_on_hours: 2,
                        media_errors: 7,
                        ..Default::default()
                    }),
                    identity: Some(Identity {
                        serial: "SN1".into(),
                        model: "M\"1".into(),
                        ..Default::default()
                    }),
                    ..Default::default()
                },
                true,
                Instant::now(),
            );
        }
        let text = encode(&registry(state));
        let l = r#"network="1",eid="9",serial="SN1",model="M\"1""#;
        for line in [
            format!("nvme_mi_up{{{l}}} 1"),
            format!("nvme_mi_composite_temperature_celsius{{{l}}} 44"),
            format!("nvme_mi_critical_warning{{{l},warning=\"temperature\"}} 1"),
            format!("nvme_mi_critical_warning{{{l},warning=\"read_only\"}} 0"),
            format!("nvme_mi_available_spare_ratio{{{l}}} 0.95"),
            format!("nvme_mi_power_on_seconds_total{{{l}}} 7200"),
            format!("nvme_mi_media_errors_total{{{l}}} 7"),
            format!("nvme_mi_poll_errors_total{{{l},kind=\"timeout\"}} 0"),
            "# TYPE nvme_mi_composite_temperature_celsius gauge".to_owned(),
            "# UNIT nvme_mi_composite_temperature_celsius celsius".to_owned(),
            "nvme_mi_endpoints 1".to_owned(),
        ] {
            assert!(
                text.lines().any(|x| x == line),
                "missing {line:?} in\n{text}"
            );
        }
        assert!(text.ends_with("# EOF\n"));
    }
}
