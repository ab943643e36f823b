-- copies the warehouse (checkpointed) into a fresh file at .Path, which then replaces it: a fresh file has no free blocks holding erased values
ATTACH {{path .Path}} AS erase_compact;
COPY FROM DATABASE {{q .Database}} TO erase_compact;
DETACH erase_compact;
