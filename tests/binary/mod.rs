//! Runs the real `debtcalc` binary (as an operator would) on an ephemeral
//! loopback port, and reads its log.

#![allow(dead_code)]

use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// A running `debtcalc serve`; killed when dropped.
pub struct Binary {
    pub child: Child,
    pub addr: Option<SocketAddr>,
    log: Arc<Mutex<Vec<String>>>,
}

/// Removes ANSI escape sequences (colour codes) from a log line.
pub fn strip_ansi(line: &str) -> String {
    let mut out = String::new();
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            for c in chars.by_ref() {
                if c.is_ascii_alphabetic() {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

impl Binary {
    /// Starts the binary with `args` (plus `--listen 127.0.0.1:0` unless
    /// given) and `env`; waits until it logs "serving" with its address,
    /// or exits.
    pub fn start(args: &[&str], env: &[(&str, &str)]) -> Self {
        let mut command = Command::new(env!("CARGO_BIN_EXE_debtcalc"));
        if !args.contains(&"--listen") {
            command.args(["--listen", "127.0.0.1:0"]);
        }
        command
            .args(args)
            .env_remove("DEBTCALC_LOG")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        for (key, value) in env {
            command.env(key, value);
        }
        let mut child = command.spawn().expect("start debtcalc");
        let log = Arc::new(Mutex::new(Vec::new()));
        let (tx, rx) = std::sync::mpsc::channel();
        for stream in [
            Box::new(child.stderr.take().unwrap()) as Box<dyn std::io::Read + Send>,
            Box::new(child.stdout.take().unwrap()),
        ] {
            let log = log.clone();
            let tx = tx.clone();
            std::thread::spawn(move || {
                for line in BufReader::new(stream).lines() {
                    let Ok(line) = line else { break };
                    let clean = strip_ansi(&line);
                    if clean.contains("serving") {
                        if let Some(addr) = clean
                            .split(|c: char| c.is_whitespace() || c == '"')
                            .find_map(|word| word.parse::<SocketAddr>().ok())
                        {
                            let _ = tx.send(addr);
                        }
                    }
                    log.lock().unwrap().push(line);
                }
            });
        }
        drop(tx);
        let mut binary = Self {
            child,
            addr: None,
            log,
        };
        let deadline = Instant::now() + Duration::from_secs(30);
        while Instant::now() < deadline {
            if let Ok(addr) = rx.recv_timeout(Duration::from_millis(50)) {
                binary.addr = Some(addr);
                break;
            }
            if binary.child.try_wait().unwrap().is_some() {
                // Let the readers drain the pipes.
                std::thread::sleep(Duration::from_millis(100));
                break;
            }
        }
        binary
    }

    pub fn endpoint(&self) -> String {
        format!(
            "http://{}",
            self.addr.expect("the server logged its address")
        )
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Sends a signal by name (TERM, INT, HUP).
    pub fn signal(&self, name: &str) {
        let status = Command::new("kill")
            .args([format!("-{name}"), self.pid().to_string()])
            .status()
            .expect("run kill");
        assert!(status.success(), "kill -{name} failed");
    }

    /// Waits up to `limit` for the process to exit.
    pub fn wait_exit(&mut self, limit: Duration) -> Option<ExitStatus> {
        let deadline = Instant::now() + limit;
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                std::thread::sleep(Duration::from_millis(50));
                return Some(status);
            }
            if Instant::now() >= deadline {
                return None;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    /// The log lines so far, as written (colour codes included).
    pub fn log(&self) -> Vec<String> {
        self.log.lock().unwrap().clone()
    }
}

impl Drop for Binary {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Replaces the file at `path` with `text`, keeping its modification time:
/// written beside, given the old time, then renamed over the file, so the
/// server's file check (which compares times) never sees a new time and only
/// a signal can be what reloads it. (Writing in place and then setting the
/// time left a window in which the check saw the new time, under load.)
pub fn replace_keeping_mtime(path: &std::path::Path, text: &str) {
    let modified = std::fs::metadata(path).unwrap().modified().unwrap();
    let staged = path.with_extension("staged");
    std::fs::write(&staged, text).unwrap();
    std::fs::File::options()
        .write(true)
        .open(&staged)
        .unwrap()
        .set_modified(modified)
        .unwrap();
    std::fs::rename(&staged, path).unwrap();
}
