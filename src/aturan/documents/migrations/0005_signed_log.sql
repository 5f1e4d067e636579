-- The audit log signed with Ed25519: each entry written from now on carries, besides its hash
-- (which anyone can recompute), a signature by the registry's signing key, so an auditor checks it
-- with the public key alone. Entries written before keep their HMAC in `hash` and no signature:
-- only the holder of the HMAC key can check them.
ALTER TABLE audit_log ADD COLUMN signature TEXT;
