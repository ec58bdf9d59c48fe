//! Deletes organisations marked for deletion (`POST /account/delete`) in the background, in
//! short steps, so other organisations keep writing meanwhile. It looks at start-up (a purge a
//! stopped or crashed process left half done carries on), when poked by a new deletion, and
//! every minute (a step that failed is tried again).

use std::time::Duration;

use tokio::sync::watch;

use super::Background;
use crate::domain::account;
use crate::domain::indexing::Indexer;

const LOOK_EVERY: Duration = Duration::from_secs(60);

pub struct TenantPurge {
    task: Background,
}

impl TenantPurge {
    pub fn start(indexer: Indexer) -> TenantPurge {
        TenantPurge {
            task: Background::spawn(move |poke, stopped| async move {
                let mut stopped = stopped;
                loop {
                    purge_all(&indexer, &stopped).await;
                    tokio::select! {
                        _ = poke.notified() => {}
                        _ = tokio::time::sleep(LOOK_EVERY) => {}
                        _ = stopped.wait_for(|stop| *stop) => return,
                    }
                }
            }),
        }
    }

    /// A deletion was asked for: start on it now.
    pub fn poke(&self) {
        self.task.poke();
    }

    /// Stops after the step under way; the rest is done after the next start.
    pub async fn stop(&self) {
        self.task.stop().await;
    }
}

async fn purge_all(indexer: &Indexer, stopped: &watch::Receiver<bool>) {
    let due = match account::being_deleted(indexer.store()) {
        Ok(due) => due,
        Err(e) => {
            tracing::warn!(error = %e, "could not list the organisations being deleted");
            return;
        }
    };
    let stop = || *stopped.borrow();
    for tenant in due {
        let started = std::time::Instant::now();
        match account::purge(indexer, tenant, &stop).await {
            Ok(true) => tracing::info!(
                tenant,
                secs = started.elapsed().as_secs_f64(),
                "organisation deleted"
            ),
            Ok(false) => return,
            Err(e) => {
                tracing::warn!(tenant, error = %e, "deleting an organisation failed; it is tried again");
            }
        }
    }
}
