-- copies the warehouse (checkpointed) into a fresh file at .Path, which then replaces it: a fresh file has no free blocks holding erased values, so the copy has nothing left to scrub (scrub_pending)
ATTACH {{path .Path}} AS erase_compact;
COPY FROM DATABASE {{q .Database}} TO erase_compact;
DELETE FROM erase_compact.main.scrub_pending;
DETACH erase_compact;
