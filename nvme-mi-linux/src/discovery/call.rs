//! D-Bus calls bounded by a timeout.

use super::Error;
use async_io::Timer;
use futures_lite::future;
use std::future::Future;
use std::time::Duration;

/// Runs `fut`, giving up with [`Error::Timeout`] after `timeout`.
pub(crate) async fn bounded<T, E>(
    timeout: Duration,
    fut: impl Future<Output = Result<T, E>>,
) -> Result<T, Error>
where
    Error: From<E>,
{
    future::or(async { fut.await.map_err(Error::from) }, async {
        Timer::after(timeout).await;
        Err(Error::Timeout)
    })
    .await
}

/// Calls `iface.method(body)` on `path` at `dest` and returns the reply, within `timeout`.
pub(crate) async fn call<B>(
    conn: &zbus::Connection,
    timeout: Duration,
    dest: &str,
    path: &str,
    iface: &str,
    method: &str,
    body: &B,
) -> Result<zbus::Message, Error>
where
    B: zbus::export::serde::Serialize + zbus::zvariant::DynamicType,
{
    bounded(
        timeout,
        conn.call_method(Some(dest), path, Some(iface), method, body),
    )
    .await
}
