{{/* the rejected lines of the subject (sar_rejects.sql, erase_rejects.sql): raw_line mentions their normalised email ($like) or, in NFC, its Unicode form ($like_unicode) */ -}}
(raw_line ILIKE $like ESCAPE '\' OR nfc_normalize(raw_line) ILIKE $like_unicode ESCAPE '\')
