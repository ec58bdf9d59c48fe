//! Record encoding: one format-version byte, then JSON. The byte lets a migration recognise
//! rows written by an older layout; JSON keeps added fields (`#[serde(default)]`) cheap.

use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::error::{Error, Result};

const FORMAT_V1: u8 = 1;

pub fn encode<T: Serialize>(value: &T) -> Vec<u8> {
    let mut out = Vec::with_capacity(256);
    out.push(FORMAT_V1);
    serde_json::to_writer(&mut out, value).expect("records serialize");
    out
}

pub fn decode<T: DeserializeOwned>(bytes: &[u8]) -> Result<T> {
    match bytes.split_first() {
        Some((&FORMAT_V1, body)) => serde_json::from_slice(body).map_err(Error::internal),
        Some((v, _)) => Err(Error::internal(anyhow::anyhow!(
            "record format {v} is not known to this build"
        ))),
        None => Err(Error::internal(anyhow::anyhow!("empty record"))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_rejects_unknown_formats() {
        let bytes = encode(&vec!["a", "b"]);
        assert_eq!(bytes[0], FORMAT_V1);
        assert_eq!(decode::<Vec<String>>(&bytes).unwrap(), vec!["a", "b"]);
        assert!(decode::<Vec<String>>(&[9, b'[', b']']).is_err());
        assert!(decode::<Vec<String>>(&[]).is_err());
    }
}
