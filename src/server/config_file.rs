//! The optional configuration file (`--config FILE` / `DEBTCALC_CONFIG`), a
//! TOML table whose keys are the long flag names without `--`
//! (`max-connections = 100`, `listen = "0.0.0.0:50051"`).
//!
//! One precedence for every setting: flag > environment variable > config
//! file > default. The file's values are handed to the same `clap` parsers
//! as flags, and only for settings that `clap` reports as neither given on
//! the command line nor taken from the environment
//! ([`clap::ArgMatches::value_source`]); so a file value is checked exactly
//! like the flag, and cannot beat a flag or an environment variable.

use std::ffi::OsString;
use std::net::{SocketAddr, ToSocketAddrs};
use std::path::Path;

use clap::parser::ValueSource;
use clap::{ArgMatches, Command};

/// Flags that make no sense in the file.
const NOT_IN_FILE: [&str; 3] = ["config", "help", "version"];

/// `args` (the command line, program name first) with the config file's
/// settings appended as `--key=value` for every key that neither a flag nor
/// an environment variable sets. Errors name the file and the key: an
/// unreadable file, invalid TOML, an unknown key, a value that is not a
/// string, number or boolean.
pub fn args_with_file(
    command: &Command,
    matches: &ArgMatches,
    path: &Path,
    mut args: Vec<OsString>,
) -> Result<Vec<OsString>, String> {
    let file = path.display();
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read the config file {file}: {e}"))?;
    let table: toml::Table =
        toml::from_str(&text).map_err(|e| format!("config file {file}: {e}"))?;
    for (key, value) in &table {
        let arg = command
            .get_arguments()
            .find(|arg| arg.get_long() == Some(key.as_str()))
            .filter(|arg| !NOT_IN_FILE.contains(&arg.get_id().as_str()))
            .ok_or_else(|| format!("config file {file}: unknown key `{key}`"))?;
        if set_outside_file(matches, arg.get_id().as_str()) {
            continue;
        }
        let value = match value {
            toml::Value::String(text) => text.clone(),
            toml::Value::Integer(n) => n.to_string(),
            toml::Value::Float(x) => x.to_string(),
            toml::Value::Boolean(b) => b.to_string(),
            _ => {
                return Err(format!(
                    "config file {file}: key `{key}`: expected a string, number or boolean"
                ))
            }
        };
        args.push(format!("--{key}={value}").into());
    }
    Ok(args)
}

/// Whether a flag or an environment variable gave `id` (in the matches or
/// those of the subcommand, where global flags may land).
fn set_outside_file(matches: &ArgMatches, id: &str) -> bool {
    let given = |m: &ArgMatches| {
        matches!(
            m.value_source(id),
            Some(ValueSource::CommandLine | ValueSource::EnvVariable)
        )
    };
    given(matches) || matches.subcommand().is_some_and(|(_, sub)| given(sub))
}

/// Resolves `text` (`host:port`, `127.0.0.1:0`, `[::1]:50051`): the first
/// address, and a note naming the others when there are several.
pub fn resolve(what: &str, text: &str) -> Result<(SocketAddr, Option<String>), String> {
    let addrs: Vec<SocketAddr> = text
        .to_socket_addrs()
        .map_err(|e| format!("{what} {text:?}: {e}"))?
        .collect();
    let first = *addrs
        .first()
        .ok_or_else(|| format!("{what} {text:?}: no address"))?;
    let note =
        (addrs.len() > 1).then(|| format!("{what} {text} resolves to {addrs:?}; using {first}"));
    Ok((first, note))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn host_names_resolve() {
        let (addr, _) = resolve("--listen", "localhost:0").unwrap();
        assert!(addr.ip().is_loopback());
        assert_eq!(resolve("--listen", "127.0.0.1:7").unwrap().0.port(), 7);
        assert!(resolve("--listen", "no port").is_err());
    }
}
