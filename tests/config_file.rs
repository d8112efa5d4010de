//! The config file of issue 11 (`--config FILE` / `DEBTCALC_CONFIG`), on the
//! real binary: a file value is used, an environment variable beats it, a
//! flag beats both; an unknown key or a bad value stops the start (exit 1,
//! nothing "serving"); the effective configuration is logged without
//! tokens; `--listen` takes host names.

mod binary;

use std::path::PathBuf;
use std::time::Duration;

use binary::Binary;

/// A config file with `text`, unique to `name`.
fn config_file(name: &str, text: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("debtcalc-config-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(format!("{name}.toml"));
    std::fs::write(&path, text).unwrap();
    path
}

/// The logged effective configuration.
fn configuration(server: &Binary) -> String {
    server
        .log()
        .into_iter()
        .find(|line| line.contains("debtcalc configuration"))
        .unwrap_or_else(|| panic!("no configuration line in {:?}", server.log()))
}

const FILE: &str = "max-connections = 7\ndrain-timeout = 2.5\nreflection = false\n";

#[test]
fn a_config_file_value_is_used() {
    let path = config_file("used", FILE);
    let server = Binary::start(&["--config", path.to_str().unwrap()], &[]);
    assert!(server.addr.is_some(), "{:?}", server.log());
    let line = configuration(&server);
    assert!(line.contains("max_connections: 7"), "{line}");
    // Settings with a clap default are taken from the file too.
    assert!(line.contains("drain_timeout: 2.5s"), "{line}");
    assert!(line.contains("reflection: false"), "{line}");
}

#[test]
fn the_environment_beats_the_file_and_a_flag_beats_both() {
    let path = config_file("precedence", FILE);
    let env = [
        ("DEBTCALC_CONFIG", path.to_str().unwrap()),
        ("DEBTCALC_MAX_CONNECTIONS", "8"),
        ("DEBTCALC_DRAIN_TIMEOUT", "3"),
    ];
    let server = Binary::start(&[], &env);
    let line = configuration(&server);
    assert!(line.contains("max_connections: 8"), "{line}");
    assert!(line.contains("drain_timeout: 3s"), "{line}");
    assert!(line.contains("reflection: false"), "{line}");

    // Flags before and after the subcommand.
    let server = Binary::start(
        &["--max-connections", "9", "serve", "--drain-timeout", "4"],
        &env,
    );
    let line = configuration(&server);
    assert!(line.contains("max_connections: 9"), "{line}");
    assert!(line.contains("drain_timeout: 4s"), "{line}");
}

fn fails_to_start(args: &[&str]) -> Vec<String> {
    let mut server = Binary::start(args, &[]);
    let status = server.wait_exit(Duration::from_secs(10)).expect("exits");
    assert_eq!(status.code(), Some(1), "{:?}", server.log());
    assert!(
        !server.log().iter().any(|line| line.contains("serving")),
        "{:?}",
        server.log()
    );
    server.log()
}

#[test]
fn an_unknown_key_or_a_bad_value_stops_the_start() {
    let path = config_file("unknown", "max-connections = 7\nmax-conections = 8\n");
    let log = fails_to_start(&["--config", path.to_str().unwrap()]);
    assert!(
        log.iter()
            .any(|line| line.contains("unknown key `max-conections`")),
        "{log:?}"
    );

    let path = config_file("bad-value", "max-connections = \"many\"\n");
    let log = fails_to_start(&["--config", path.to_str().unwrap()]);
    assert!(log.iter().any(|line| line.contains("many")), "{log:?}");

    let path = config_file("not-toml", "max-connections = \n");
    fails_to_start(&["--config", path.to_str().unwrap()]);
    fails_to_start(&["--config", "/nonexistent/debtcalc.toml"]);
}

#[test]
fn tokens_are_not_in_the_printed_configuration() {
    let from_file = "file-token-0123456789abcdef";
    let path = config_file("tokens", &format!("tokens = \"{from_file}\"\n"));
    let server = Binary::start(&["--config", path.to_str().unwrap()], &[]);
    assert!(server.addr.is_some(), "{:?}", server.log());
    let line = configuration(&server);
    assert!(line.contains("redacted"), "{line}");
    assert!(!server.log().iter().any(|l| l.contains(from_file)));

    let from_flag = "flag-token-0123456789abcdef";
    let server = Binary::start(&["--tokens", from_flag], &[]);
    configuration(&server);
    assert!(!server.log().iter().any(|l| l.contains(from_flag)));
}

#[test]
fn listen_takes_host_names() {
    let server = Binary::start(
        &["--listen", "localhost:0", "--admin-listen", "localhost:0"],
        &[],
    );
    let addr = server.addr.unwrap_or_else(|| panic!("{:?}", server.log()));
    assert!(addr.ip().is_loopback(), "{addr}");
    std::net::TcpStream::connect(addr).expect("connect to the resolved address");
    assert!(
        server.log().iter().any(|l| l.contains("/metrics")),
        "{:?}",
        server.log()
    );
    fails_to_start(&["--listen", "no-such-host.invalid:0"]);
}
