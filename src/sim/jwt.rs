//! The gateway's JWT middleware: golang-jwt v5's checks, in its order, with its error texts
//! (contract §3.1, §6). The HMAC itself is jsonwebtoken's.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::{Algorithm, DecodingKey};

/// Checks an `Authorization` header value. `Err` holds the 401 body without its trailing newline.
pub fn check(header: Option<&str>, secret: &[u8], now: i64) -> Result<(), String> {
    let header = header.unwrap_or("");
    if header.is_empty() {
        return Err("Authorization header required".into());
    }
    // main.go: strings.TrimPrefix(authHeader, "Bearer "): case-sensitive, and a bare token passes.
    let token = header.strip_prefix("Bearer ").unwrap_or(header);
    validate(token, secret, now).map_err(|e| format!("Token validation error: {e}"))
}

fn decode_segment(seg: &str) -> Result<Vec<u8>, String> {
    URL_SAFE_NO_PAD.decode(seg).map_err(|e| match e {
        base64::DecodeError::InvalidByte(at, _) | base64::DecodeError::InvalidLastSymbol(at, _) => {
            format!("illegal base64 data at input byte {at}")
        }
        _ => format!("illegal base64 data at input byte {}", seg.len()),
    })
}

fn json_object(bytes: &[u8]) -> Result<serde_json::Map<String, serde_json::Value>, String> {
    match serde_json::from_slice::<serde_json::Value>(bytes) {
        Ok(serde_json::Value::Object(m)) => Ok(m),
        Ok(other) => Err(format!(
            "json: cannot unmarshal {} into Go value of type map[string]interface {{}}",
            go_kind(&other)
        )),
        Err(e) => Err(e.to_string()),
    }
}

fn go_kind(v: &serde_json::Value) -> &'static str {
    match v {
        serde_json::Value::Array(_) => "array",
        serde_json::Value::String(_) => "string",
        serde_json::Value::Number(_) => "number",
        serde_json::Value::Bool(_) => "bool",
        _ => "value",
    }
}

fn validate(token: &str, secret: &[u8], now: i64) -> Result<(), String> {
    const MALFORMED: &str = "token is malformed";
    const UNVERIFIABLE: &str = "token is unverifiable";
    let parts: Vec<&str> = token.split('.').collect();
    if parts.len() != 3 {
        return Err(format!(
            "{MALFORMED}: token contains an invalid number of segments"
        ));
    }
    let header_bytes = decode_segment(parts[0])
        .map_err(|e| format!("{MALFORMED}: could not base64 decode header: {e}"))?;
    let header = json_object(&header_bytes)
        .map_err(|e| format!("{MALFORMED}: could not JSON decode header: {e}"))?;
    let claim_bytes = decode_segment(parts[1])
        .map_err(|e| format!("{MALFORMED}: could not base64 decode claim: {e}"))?;
    let claims = json_object(&claim_bytes)
        .map_err(|e| format!("{MALFORMED}: could not JSON decode claim: {e}"))?;
    let Some(alg) = header.get("alg").and_then(serde_json::Value::as_str) else {
        return Err(format!(
            "{UNVERIFIABLE}: signing method (alg) is unspecified"
        ));
    };
    let algorithm = match alg {
        "HS256" => Algorithm::HS256,
        "HS384" => Algorithm::HS384,
        "HS512" => Algorithm::HS512,
        // Registered in golang-jwt, refused by the gateway's keyfunc.
        "RS256" | "RS384" | "RS512" | "ES256" | "ES384" | "ES512" | "PS256" | "PS384" | "PS512"
        | "EdDSA" | "none" => {
            let sig = decode_segment(parts[2]);
            if let Err(e) = sig {
                return Err(format!(
                    "{MALFORMED}: could not base64 decode signature: {e}"
                ));
            }
            return Err(format!(
                "{UNVERIFIABLE}: error while executing keyfunc: Unexpected signing method: {alg}"
            ));
        }
        _ => {
            return Err(format!(
                "{UNVERIFIABLE}: signing method (alg) is unavailable"
            ));
        }
    };
    decode_segment(parts[2])
        .map_err(|e| format!("{MALFORMED}: could not base64 decode signature: {e}"))?;
    let message = format!("{}.{}", parts[0], parts[1]);
    let valid = jsonwebtoken::crypto::verify(
        parts[2],
        message.as_bytes(),
        &DecodingKey::from_secret(secret),
        algorithm,
    )
    .unwrap_or(false);
    if !valid {
        return Err("token signature is invalid: signature is invalid".into());
    }
    let claim_time = |name: &str| -> Result<Option<f64>, String> {
        match claims.get(name) {
            None | Some(serde_json::Value::Null) => Ok(None),
            Some(serde_json::Value::Number(n)) => Ok(n.as_f64()),
            Some(_) => Err(format!(
                "token has invalid claims: invalid type for claim: {name} is invalid"
            )),
        }
    };
    #[allow(clippy::cast_precision_loss)]
    let now_f = now as f64;
    if let Some(exp) = claim_time("exp")?
        && now_f >= exp
    {
        return Err("token has invalid claims: token is expired".into());
    }
    if let Some(nbf) = claim_time("nbf")?
        && now_f < nbf
    {
        return Err("token has invalid claims: token is not valid yet".into());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::auth::mint_token;
    use secrecy::SecretString;
    use std::time::Duration;

    const NOW: i64 = 1_800_000_000;

    fn token(secret: &str, iat: i64, life: u64) -> String {
        mint_token(
            "t",
            &SecretString::from(secret),
            iat,
            Duration::from_secs(life),
        )
        .unwrap()
    }

    fn err(header: Option<&str>) -> String {
        check(header, b"s3cret", NOW).unwrap_err()
    }

    #[test]
    fn accepts_a_good_token_with_or_without_bearer() {
        let t = token("s3cret", NOW, 60);
        assert!(check(Some(&format!("Bearer {t}")), b"s3cret", NOW).is_ok());
        assert!(check(Some(&t), b"s3cret", NOW).is_ok());
    }

    #[test]
    fn rejects_with_golang_jwt_texts() {
        assert_eq!(err(None), "Authorization header required");
        assert_eq!(
            err(Some("Bearer invalid_token")),
            "Token validation error: token is malformed: token contains an invalid number of segments"
        );
        let t = token("s3cret", NOW, 60);
        // TrimPrefix is case-sensitive: "bearer " stays part of the token's first segment.
        assert_eq!(
            err(Some(&format!("bearer {t}"))),
            "Token validation error: token is malformed: could not base64 decode header: illegal base64 data at input byte 6"
        );
        assert_eq!(
            err(Some(&format!("Bearer {}", token("other", NOW, 60)))),
            "Token validation error: token signature is invalid: signature is invalid"
        );
        assert_eq!(
            err(Some(&format!("Bearer {}", token("s3cret", NOW - 120, 60)))),
            "Token validation error: token has invalid claims: token is expired"
        );
        assert!(err(Some("Bearer a!.b.c")).starts_with(
            "Token validation error: token is malformed: could not base64 decode header: illegal base64 data at input byte 1"
        ));
        // A token signed with another algorithm (its signature is never checked).
        let with_alg = |alg: &str| {
            let header = format!(r#"{{"alg":"{alg}"}}"#);
            format!(
                "{}.{}.sig",
                URL_SAFE_NO_PAD.encode(header),
                URL_SAFE_NO_PAD.encode(b"{}")
            )
        };
        assert_eq!(
            err(Some(&with_alg("RS256"))),
            "Token validation error: token is unverifiable: error while executing keyfunc: Unexpected signing method: RS256"
        );
        assert_eq!(
            err(Some(&with_alg("XX1"))),
            "Token validation error: token is unverifiable: signing method (alg) is unavailable"
        );
    }
}
