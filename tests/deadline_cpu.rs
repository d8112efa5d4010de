//! A call whose deadline passes, or whose client goes away, stops consuming
//! CPU (issue 11). In a test binary of its own, the tests one at a time:
//! they measure the CPU time of the whole process, which runs the server,
//! so no other test may run beside them.

mod common;

use std::time::Duration;

use common::heavy::{heavy_solve, process_cpu, start_heavy};
use common::TestServer;
use debtcalc::api::pb::debtcalc::v1::restructuring_service_client::RestructuringServiceClient;
use tonic::Code;

/// Held by each test for its whole run.
static ONE_AT_A_TIME: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn calls_past_their_deadline_stop_consuming_cpu() {
    let _alone = ONE_AT_A_TIME.lock().await;
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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn calls_whose_client_goes_away_stop_consuming_cpu() {
    let _alone = ONE_AT_A_TIME.lock().await;
    let server = TestServer::start().await;
    // Calibration: the CPU of one heavy solve run to completion here (0.2-0.5
    // s in a debug build), so the bound below scales with the machine.
    let one_solve = {
        let mut client = server.restructuring().await;
        let before = process_cpu();
        client.solve_terms(heavy_solve()).await.unwrap();
        process_cpu() - before
    };
    // Eight clients, on a thread and runtime of their own (so that their
    // timeline does not depend on the server's), start heavy solves without
    // a deadline, give up after 150 ms and go away: their runtime is shut
    // down, the HTTP/2 streams and connections are reset.
    let endpoint = server.endpoint();
    let clients = std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        runtime.block_on(async move {
            for _ in 0..8 {
                let channel = tonic::transport::Channel::from_shared(endpoint.clone())
                    .unwrap()
                    .connect()
                    .await
                    .unwrap();
                let mut client = RestructuringServiceClient::new(channel);
                tokio::spawn(async move { client.solve_terms(heavy_solve()).await });
            }
            tokio::time::sleep(Duration::from_millis(150)).await;
        });
        drop(runtime);
    });
    tokio::task::spawn_blocking(move || clients.join().unwrap())
        .await
        .unwrap();
    // Measured from the moment they have gone: the two solves computing
    // then have 0.1-0.3 s of work left each, which the server used to finish.
    let before = process_cpu();
    tokio::time::sleep(Duration::from_secs(2)).await;
    let used = process_cpu() - before;
    eprintln!(
        "CPU used in the 2 s after the clients went away: {used:?} (one whole solve: {one_solve:?})"
    );
    // Not stopped, the two solves computing and the six queued behind them
    // would use several whole solves' CPU in this window; stopped, a loaded
    // machine has been seen to spend 0-130 ms (mostly tearing down eight
    // connections). The bound is one whole solve, and at least 60 ms.
    assert!(
        used < one_solve.max(Duration::from_millis(60)),
        "{used:?} against one solve of {one_solve:?}"
    );
}
