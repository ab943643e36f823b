-- the erasure tombstones' email hashes
SELECT hash FROM suppression WHERE kind = 'email' AND reason = 'erasure'
