//! HTTPS for the simulated gateway: a generated certificate authority and server certificates
//! signed by it (rcgen), good ones and the broken kinds a studio meets (expired, issued for
//! another host, signed by an authority nobody trusts).
//!
//! `cuedesk sim --tls-dir DIR` writes `ca.pem` there for a profile's "CA file"; the tests use
//! [`TestPki`] directly.

use std::path::Path;
use std::sync::Arc;

use rcgen::{
    BasicConstraints, CertificateParams, CertifiedIssuer, DistinguishedName, DnType, IsCa, KeyPair,
    KeyUsagePurpose,
};

/// A server certificate chain and its private key, both PEM.
#[derive(Clone)]
pub struct ServerIdentity {
    /// The leaf certificate (PEM).
    pub cert_pem: String,
    /// Its private key (PEM). Never printed.
    pub key_pem: String,
}

impl std::fmt::Debug for ServerIdentity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ServerIdentity").finish_non_exhaustive()
    }
}

/// What is wrong with a server certificate, on purpose.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CertFlaw {
    /// Nothing: valid now, for `localhost` and `127.0.0.1`, signed by the CA.
    None,
    /// Valid only in 2020.
    Expired,
    /// Issued for `gateway.elsewhere.example` only.
    WrongHost,
    /// Self-signed: no CA vouches for it.
    UnknownCa,
}

/// A certificate authority of its own, as a studio runs.
pub struct TestPki {
    ca: CertifiedIssuer<'static, KeyPair>,
}

impl std::fmt::Debug for TestPki {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TestPki").finish_non_exhaustive()
    }
}

fn err(e: rcgen::Error) -> std::io::Error {
    std::io::Error::other(format!("generating a certificate: {e}"))
}

impl TestPki {
    /// A new CA ("CueDesk Test CA").
    pub fn new() -> std::io::Result<Self> {
        let mut params = CertificateParams::new(Vec::<String>::new()).map_err(err)?;
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        let mut dn = DistinguishedName::new();
        dn.push(DnType::CommonName, "CueDesk Test CA");
        dn.push(DnType::OrganizationName, "CueDesk simulator");
        params.distinguished_name = dn;
        params.key_usages = vec![
            KeyUsagePurpose::KeyCertSign,
            KeyUsagePurpose::CrlSign,
            KeyUsagePurpose::DigitalSignature,
        ];
        let key = KeyPair::generate().map_err(err)?;
        let ca = CertifiedIssuer::self_signed(params, key).map_err(err)?;
        Ok(Self { ca })
    }

    /// The CA certificate, PEM: what a profile's CA file holds.
    pub fn ca_pem(&self) -> String {
        self.ca.pem()
    }

    /// A server certificate with `flaw`.
    pub fn server(&self, flaw: CertFlaw) -> std::io::Result<ServerIdentity> {
        let names = match flaw {
            CertFlaw::WrongHost => vec!["gateway.elsewhere.example".to_owned()],
            _ => vec!["localhost".to_owned(), "127.0.0.1".to_owned()],
        };
        let mut params = CertificateParams::new(names).map_err(err)?;
        params
            .distinguished_name
            .push(DnType::CommonName, "opencue-rest-gateway");
        if flaw == CertFlaw::Expired {
            params.not_before = rcgen::date_time_ymd(2020, 1, 1);
            params.not_after = rcgen::date_time_ymd(2020, 12, 31);
        }
        let key = KeyPair::generate().map_err(err)?;
        let cert = if flaw == CertFlaw::UnknownCa {
            params.self_signed(&key).map_err(err)?
        } else {
            params.signed_by(&key, &self.ca).map_err(err)?
        };
        Ok(ServerIdentity {
            cert_pem: cert.pem(),
            key_pem: key.serialize_pem(),
        })
    }

    /// Writes `ca.pem`, `server.pem` and `server.key` (valid for localhost) into `dir`.
    pub fn write(&self, dir: &Path) -> std::io::Result<ServerIdentity> {
        std::fs::create_dir_all(dir)?;
        let server = self.server(CertFlaw::None)?;
        std::fs::write(dir.join("ca.pem"), self.ca_pem())?;
        std::fs::write(dir.join("server.pem"), &server.cert_pem)?;
        std::fs::write(dir.join("server.key"), &server.key_pem)?;
        Ok(server)
    }
}

/// The rustls server side for `identity`.
pub(crate) fn acceptor(identity: &ServerIdentity) -> std::io::Result<tokio_rustls::TlsAcceptor> {
    use rustls::pki_types::pem::PemObject as _;
    use rustls::pki_types::{CertificateDer, PrivateKeyDer};

    let certs = CertificateDer::pem_slice_iter(identity.cert_pem.as_bytes())
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| std::io::Error::other(format!("server certificate: {e}")))?;
    let key = PrivateKeyDer::from_pem_slice(identity.key_pem.as_bytes())
        .map_err(|e| std::io::Error::other(format!("server key: {e}")))?;
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let mut config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(std::io::Error::other)?
        .with_no_client_auth()
        .with_single_cert(certs, key)
        .map_err(std::io::Error::other)?;
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(tokio_rustls::TlsAcceptor::from(Arc::new(config)))
}
