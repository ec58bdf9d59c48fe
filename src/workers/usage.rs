//! Writes API-key uses in batches, off the request path: a request never waits for its own
//! usage row, and a burst of requests becomes one transaction.

use tokio::sync::{mpsc, oneshot};

use crate::domain::api_keys::{self, PendingUse};
use crate::store::Store;

const QUEUE: usize = 16_384;
const BATCH: usize = 1_000;

enum Msg {
    Use(PendingUse),
    Flush(oneshot::Sender<()>),
    /// Write what is queued, then end the task (releasing its handle on the store).
    Stop(oneshot::Sender<()>),
}

#[derive(Clone)]
pub struct UsageLog {
    tx: mpsc::Sender<Msg>,
}

impl UsageLog {
    pub fn start(store: Store) -> UsageLog {
        let (tx, rx) = mpsc::channel(QUEUE);
        tokio::spawn(run(store, rx));
        UsageLog { tx }
    }

    /// Writes what is queued and ends the worker; later uses are not logged.
    pub async fn stop(&self) {
        let (done, wait) = oneshot::channel();
        if self.tx.send(Msg::Stop(done)).await.is_ok() {
            let _ = wait.await;
        }
    }

    pub fn record(&self, u: PendingUse) {
        if self.tx.try_send(Msg::Use(u)).is_err() {
            tracing::warn!("API key usage queue is full; a use was not logged");
        }
    }

    /// Waits until every use recorded so far is written.
    pub async fn flush(&self) {
        let (done, wait) = oneshot::channel();
        if self.tx.send(Msg::Flush(done)).await.is_ok() {
            let _ = wait.await;
        }
    }
}

async fn run(store: Store, mut rx: mpsc::Receiver<Msg>) {
    let mut stop = None;
    while let Some(first) = rx.recv().await {
        let mut batch = Vec::new();
        let mut flushes = Vec::new();
        let mut next = Some(first);
        while let Some(msg) = next.take() {
            match msg {
                Msg::Use(u) => batch.push(u),
                Msg::Flush(done) => flushes.push(done),
                Msg::Stop(done) => {
                    stop = Some(done);
                    break;
                }
            }
            if batch.len() < BATCH {
                next = rx.try_recv().ok();
            }
        }
        if !batch.is_empty()
            && let Err(e) = api_keys::record_uses(&store, batch).await
        {
            tracing::error!(error = %e, "could not write API key usage");
        }
        for done in flushes {
            let _ = done.send(());
        }
        if stop.is_some() {
            break;
        }
    }
    drop(store);
    if let Some(done) = stop {
        let _ = done.send(());
    }
}
