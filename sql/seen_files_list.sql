-- retention: the folder of subject_seen's current generation (no row: none)
SELECT dir, gen FROM seen_files
