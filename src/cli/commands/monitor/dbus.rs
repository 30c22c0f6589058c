//! `--dbus`: each endpoint's composite temperature as an OpenBMC sensor, the objects and
//! interfaces dbus-sensors' NVMeSensor publishes (read from its source and from
//! phosphor-dbus-interfaces' YAML for the names and types), so that an OpenBMC image can swap
//! NVMeSensor for the monitor:
//!
//! `/xyz/openbmc_project/sensors/temperature/<name>` with
//! - `xyz.openbmc_project.Sensor.Value`: `Value`, `MaxValue`, `MinValue` (`d`, °C) and
//!   `Unit` (`s`, `xyz.openbmc_project.Sensor.Value.Unit.DegreesC`); `Value` is NaN until the
//!   first reading;
//! - `xyz.openbmc_project.Sensor.Threshold.Warning` and `.Critical`: `WarningHigh` /
//!   `CriticalHigh` (`d`) from the drive's WCTEMP and CCTEMP (Identify Controller), and
//!   `WarningAlarmHigh` / `CriticalAlarmHigh` (`b`), set while the temperature is at or above
//!   them;
//! - `xyz.openbmc_project.State.Decorator.Availability`: `Available` (`b`): the endpoint
//!   answered its last poll;
//! - `xyz.openbmc_project.State.Decorator.OperationalStatus`: `Functional` (`b`): available
//!   and no critical warning present;
//!
//! and an `org.freedesktop.DBus.ObjectManager` at `/`, as sdbusplus's object server adds.

use std::collections::BTreeSet;

use zbus::blocking::Connection;
use zbus::interface;
use zbus::object_server::SignalEmitter;

use super::follow::MessageBus;
use super::poll::Target;
use super::state::Record;

/// The unit NVMeSensor's temperature sensors carry.
const DEGREES_C: &str = "xyz.openbmc_project.Sensor.Value.Unit.DegreesC";
/// The range NVMeSensor gives its sensors, °C.
const MAX_VALUE: f64 = 127.0;
const MIN_VALUE: f64 = 0.0;

struct Value {
    value: f64,
}

#[interface(name = "xyz.openbmc_project.Sensor.Value")]
impl Value {
    #[zbus(property)]
    fn value(&self) -> f64 {
        self.value
    }
    #[zbus(property)]
    fn max_value(&self) -> f64 {
        MAX_VALUE
    }
    #[zbus(property)]
    fn min_value(&self) -> f64 {
        MIN_VALUE
    }
    #[zbus(property)]
    fn unit(&self) -> &str {
        DEGREES_C
    }
}

struct Warning {
    high: f64,
    alarm: bool,
}

#[interface(name = "xyz.openbmc_project.Sensor.Threshold.Warning")]
impl Warning {
    #[zbus(property)]
    fn warning_high(&self) -> f64 {
        self.high
    }
    #[zbus(property)]
    fn warning_alarm_high(&self) -> bool {
        self.alarm
    }
}

struct Critical {
    high: f64,
    alarm: bool,
}

#[interface(name = "xyz.openbmc_project.Sensor.Threshold.Critical")]
impl Critical {
    #[zbus(property)]
    fn critical_high(&self) -> f64 {
        self.high
    }
    #[zbus(property)]
    fn critical_alarm_high(&self) -> bool {
        self.alarm
    }
}

struct Availability {
    available: bool,
}

#[interface(name = "xyz.openbmc_project.State.Decorator.Availability")]
impl Availability {
    #[zbus(property)]
    fn available(&self) -> bool {
        self.available
    }
}

struct OperationalStatus {
    functional: bool,
}

#[interface(name = "xyz.openbmc_project.State.Decorator.OperationalStatus")]
impl OperationalStatus {
    #[zbus(property)]
    fn functional(&self) -> bool {
        self.functional
    }
}

/// The sensor name of an endpoint: `NVMe_<network>_<eid>` (`NVMe_sim_0` for a simulated
/// drive), which is a valid path element.
pub fn sensor_name(t: &Target) -> String {
    format!("NVMe_{}_{}", t.network(), t.eid())
}

fn sensor_path(t: &Target) -> String {
    format!(
        "/xyz/openbmc_project/sensors/temperature/{}",
        sensor_name(t)
    )
}

/// The published sensors.
pub struct Sensors {
    conn: Connection,
    published: BTreeSet<Target>,
}

/// Equality for property values, with NaN equal to NaN (no change signal for a sensor that
/// stays without a reading).
trait Same {
    fn same(&self, other: &Self) -> bool;
}

impl Same for f64 {
    fn same(&self, other: &Self) -> bool {
        self.to_bits() == other.to_bits()
    }
}

impl Same for bool {
    fn same(&self, other: &Self) -> bool {
        self == other
    }
}

/// Sets a property and signals the change when the value differs.
macro_rules! set {
    ($conn:expr, $path:expr, $ty:ty, $field:ident, $v:expr, $changed:ident) => {{
        if let Ok(iface) = $conn.object_server().interface::<_, $ty>($path) {
            let v = $v;
            let differs = !Same::same(&iface.get().$field, &v);
            if differs {
                iface.get_mut().$field = v;
                let emitter: &SignalEmitter<'static> = iface.signal_emitter();
                let _ = zbus::block_on(iface.get().$changed(emitter));
            }
        }
    }};
}

impl Sensors {
    /// Connects to `bus` and takes the well-known name `name`.
    pub fn connect(bus: &MessageBus, name: &str) -> Result<Self, String> {
        let builder = match bus {
            MessageBus::System => zbus::blocking::connection::Builder::system(),
            MessageBus::Session => zbus::blocking::connection::Builder::session(),
            MessageBus::Address(a) => zbus::blocking::connection::Builder::address(a.as_str()),
        }
        .map_err(|e| e.to_string())?;
        let conn = builder
            .serve_at("/", zbus::fdo::ObjectManager)
            .and_then(|b| b.name(name.to_owned()))
            .and_then(|b| b.build())
            .map_err(|e| format!("cannot take the D-Bus name {name}: {e}"))?;
        Ok(Sensors {
            conn,
            published: BTreeSet::new(),
        })
    }

    fn publish(&mut self, t: &Target) -> zbus::Result<()> {
        let path = sensor_path(t);
        let os = self.conn.object_server();
        os.at(path.as_str(), Value { value: f64::NAN })?;
        os.at(
            path.as_str(),
            Warning {
                high: f64::NAN,
                alarm: false,
            },
        )?;
        os.at(
            path.as_str(),
            Critical {
                high: f64::NAN,
                alarm: false,
            },
        )?;
        os.at(path.as_str(), Availability { available: false })?;
        os.at(path.as_str(), OperationalStatus { functional: false })?;
        self.published.insert(t.clone());
        Ok(())
    }

    /// Publishes or updates the sensor of `t` from its record.
    pub fn update(&mut self, t: &Target, r: &Record) {
        if !self.published.contains(t) && self.publish(t).is_err() {
            return;
        }
        let path = sensor_path(t);
        let p = path.as_str();
        let temp = r
            .health
            .as_ref()
            .and_then(|h| h.value.temperature_celsius)
            .map_or(f64::NAN, f64::from);
        let warn = r
            .identity
            .as_ref()
            .and_then(|i| i.warning_celsius)
            .map_or(f64::NAN, f64::from);
        let crit = r
            .identity
            .as_ref()
            .and_then(|i| i.critical_celsius)
            .map_or(f64::NAN, f64::from);
        let up = r.up == Some(true);
        let warnings = r.health.as_ref().map_or(0, |h| h.value.warnings);
        set!(self.conn, p, Value, value, temp, value_changed);
        set!(self.conn, p, Warning, high, warn, warning_high_changed);
        set!(
            self.conn,
            p,
            Warning,
            alarm,
            temp >= warn,
            warning_alarm_high_changed
        );
        set!(self.conn, p, Critical, high, crit, critical_high_changed);
        set!(
            self.conn,
            p,
            Critical,
            alarm,
            temp >= crit,
            critical_alarm_high_changed
        );
        set!(self.conn, p, Availability, available, up, available_changed);
        set!(
            self.conn,
            p,
            OperationalStatus,
            functional,
            up && warnings == 0,
            functional_changed
        );
    }

    /// Withdraws the sensor of `t`.
    pub fn remove(&mut self, t: &Target) {
        if !self.published.remove(t) {
            return;
        }
        let path = sensor_path(t);
        let os = self.conn.object_server();
        let _ = os.remove::<Value, _>(path.as_str());
        let _ = os.remove::<Warning, _>(path.as_str());
        let _ = os.remove::<Critical, _>(path.as_str());
        let _ = os.remove::<Availability, _>(path.as_str());
        let _ = os.remove::<OperationalStatus, _>(path.as_str());
    }
}
