//! Background work that runs beside the HTTP server.

pub mod admin_socket;
pub mod mail;
pub mod scheduler;
pub mod usage;
pub mod webhooks;

use std::future::Future;
use std::sync::{Arc, Mutex};

use tokio::sync::{Notify, watch};
use tokio::task::JoinHandle;

/// A task running beside the server: woken early by [`Background::poke`] (or by anyone holding
/// its [`Background::waker`]), ended by [`Background::stop`], which waits for it to finish.
pub struct Background {
    poke: Arc<Notify>,
    stop: watch::Sender<bool>,
    task: Mutex<Option<JoinHandle<()>>>,
}

impl Background {
    /// Spawns `run(waker, stopped)`: the loop waits on the waker and returns once `stopped`
    /// turns true.
    pub fn spawn<F, Fut>(run: F) -> Background
    where
        F: FnOnce(Arc<Notify>, watch::Receiver<bool>) -> Fut,
        Fut: Future<Output = ()> + Send + 'static,
    {
        let poke = Arc::new(Notify::new());
        let (stop, stopped) = watch::channel(false);
        let task = tokio::spawn(run(poke.clone(), stopped));
        Background {
            poke,
            stop,
            task: Mutex::new(Some(task)),
        }
    }

    /// Looks at the work now instead of at the next poll.
    pub fn poke(&self) {
        self.poke.notify_one();
    }

    /// What [`Background::poke`] signals, for others to wake the task.
    pub fn waker(&self) -> Arc<Notify> {
        self.poke.clone()
    }

    /// Ends the task and waits for it; work not yet done stays queued for the next start.
    pub async fn stop(&self) {
        self.stop.send_replace(true);
        let task = self.task.lock().expect("background task lock").take();
        if let Some(task) = task {
            let _ = task.await;
        }
    }
}

/// Makes the calling thread yield the CPU to the request handlers (password hashing,
/// backups). On Linux the thread is SCHED_IDLE: it runs only when nothing else wants the core. Nice 10 was not enough under the
/// EEVDF scheduler: during a login storm, 1% of other requests waited ~2 ms for a worker
/// (background p99 5.6× its baseline; 2.2× with SCHED_IDLE, at 113 logins/s on 2 cores).
pub fn lower_priority() {
    #[cfg(target_os = "linux")]
    // SAFETY: both calls change only the scheduling of the calling thread (pid 0).
    unsafe {
        let param = libc::sched_param { sched_priority: 0 };
        if libc::sched_setscheduler(0, libc::SCHED_IDLE, &param) != 0 {
            libc::setpriority(libc::PRIO_PROCESS, 0, 10);
        }
    }
}
