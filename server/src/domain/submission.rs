//! A submission is identified by a UUID made on the child's device, so a retry after a lost
//! connection is recognised and stored once. Only its hash is kept.

use sha2::{Digest, Sha256};

pub fn submission_hash(submission_id: &str) -> String {
    let mut hasher = Sha256::new();
    hasher.update(b"veilig/submission/v1:");
    hasher.update(submission_id.as_bytes());
    hex::encode(hasher.finalize())
}
