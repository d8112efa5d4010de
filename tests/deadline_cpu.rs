//! A call whose deadline passes stops consuming CPU (issue 11). In a test
//! binary of its own: it measures the CPU time of the whole process, which
//! runs the server, so no other test may run beside it.

mod common;

use std::time::Duration;

use common::heavy::{process_cpu, start_heavy};
use common::TestServer;
use tonic::Code;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn calls_past_their_deadline_stop_consuming_cpu() {
    let server = TestServer::start().await;
    // Alone, one heavy solve takes 0.2-0.5 s here (debug build); eight of
    // them on two cores keep the process busy for seconds if they are not
    // stopped.
    let calls = start_heavy(&server, 8, Duration::from_millis(100)).await;
    for call in calls {
        let (took, result) = call.await.unwrap();
        let status = result.expect_err("the deadline passes first");
        assert!(
            matches!(status.code(), Code::DeadlineExceeded | Code::Cancelled),
            "{status:?}"
        );
        assert!(took < Duration::from_secs(5), "{took:?}");
    }
    // Give the computations a generous moment to notice, then measure.
    tokio::time::sleep(Duration::from_millis(300)).await;
    let before = process_cpu();
    tokio::time::sleep(Duration::from_secs(2)).await;
    let used = process_cpu() - before;
    eprintln!("CPU used in the 2 s from 0.3 s after the last deadline: {used:?}");
    assert!(used < Duration::from_millis(400), "{used:?}");
}
