-- why the warehouse file may hold personal values in its free blocks (no row: it holds none)
SELECT reason FROM scrub_pending ORDER BY since, reason
