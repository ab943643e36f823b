-- erase: delete the quarantined lines sar_rejects_phone.sql found (and the
-- names confirmed) by their rowids (.RowIDs, printed by ints), each still
-- matching the phones' pattern.
-- $phones
DELETE FROM rejects WHERE rowid IN ({{ints .RowIDs}}) AND regexp_matches(raw_line, $phones);
