//! Secrets: random session ids, CSRF and API tokens (stored as SHA-256 hashes: they are long
//! and random, so a fast hash is enough), and passwords (argon2id: people choose them).

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use sha2::{Digest, Sha256};
use std::sync::LazyLock;

/// 32 random bytes from the operating system, as 64 hex digits.
pub fn random_hex() -> String {
    let mut bytes = [0u8; 32];
    // The OS generator failing means the machine cannot make secrets at all; stop rather
    // than hand out a predictable one.
    getrandom::fill(&mut bytes).expect("the operating system's random number generator failed");
    hex::encode(bytes)
}

/// An API token as shown once to its owner: `kp_` and 64 hex digits.
pub fn new_api_token() -> String {
    format!("kp_{}", random_hex())
}

/// The stored form of a session id or API token.
pub fn token_hash(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

/// A password people can type from a printout: 16 characters without look-alikes (0/O, 1/l/I).
pub fn random_password() -> String {
    const ALPHABET: &[u8] = b"abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes).expect("the operating system's random number generator failed");
    // 256 is not a multiple of 56, so the first characters are very slightly likelier; with
    // 16 characters from 56 the password still has over 90 bits.
    bytes.iter().map(|b| ALPHABET[*b as usize % ALPHABET.len()] as char).collect()
}

/// argon2id with the OWASP-recommended minimum (19 MiB, 2 passes, 1 lane).
fn hasher() -> Argon2<'static> {
    let params = Params::new(19 * 1024, 2, 1, None).unwrap_or_default();
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

pub fn hash_password(password: &str) -> String {
    let mut salt = [0u8; 16];
    getrandom::fill(&mut salt).expect("the operating system's random number generator failed");
    let salt = SaltString::encode_b64(&salt).expect("16 bytes is a valid salt");
    hasher().hash_password(password.as_bytes(), &salt).expect("argon2 accepts any password").to_string()
}

/// A hash to verify against when the user does not exist, so that an unknown name takes as
/// long to refuse as a wrong password.
static DECOY_HASH: LazyLock<String> = LazyLock::new(|| hash_password("decoy password for unknown users"));

/// Check `password` against a stored hash; with `None` (no such user) spend the same time
/// and answer false.
pub fn verify_password(password: &str, stored: Option<&str>) -> bool {
    let decoy = stored.is_none();
    let stored = stored.unwrap_or(DECOY_HASH.as_str());
    let Ok(parsed) = PasswordHash::new(stored) else { return false };
    let ok = hasher().verify_password(password.as_bytes(), &parsed).is_ok();
    ok && !decoy
}

/// Compare two secrets in time independent of where they differ.
pub fn constant_time_eq(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_verify_only_themselves() {
        let h = hash_password("correct horse battery");
        assert!(h.starts_with("$argon2id$"));
        assert!(verify_password("correct horse battery", Some(&h)));
        assert!(!verify_password("correct horse batterx", Some(&h)));
        assert!(!verify_password("correct horse battery", None));
        assert!(!verify_password("x", Some("not a hash")));
        // Salted: the same password hashes differently.
        assert_ne!(h, hash_password("correct horse battery"));
    }

    #[test]
    fn tokens_are_random_and_hashed() {
        let a = new_api_token();
        let b = new_api_token();
        assert_ne!(a, b);
        assert!(a.starts_with("kp_") && a.len() == 67);
        assert_eq!(token_hash(&a), token_hash(&a));
        assert_ne!(token_hash(&a), token_hash(&b));
        assert_eq!(token_hash(&a).len(), 64);
    }

    #[test]
    fn random_passwords_are_typable() {
        let p = random_password();
        assert_eq!(p.chars().count(), 16);
        assert!(p.chars().all(|c| c.is_ascii_alphanumeric() && !"0O1lI".contains(c)));
        assert_ne!(p, random_password());
    }

    #[test]
    fn constant_time_comparison() {
        assert!(constant_time_eq("abc", "abc"));
        assert!(!constant_time_eq("abc", "abd"));
        assert!(!constant_time_eq("abc", "abcd"));
    }
}
