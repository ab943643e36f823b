-- unobject: the subject withdrew their objection (GDPR Art. 21): every
-- objection entry of the email, whatever its source. The only statement
-- that deletes an objection (pipeline/suppress/permanent.go).
-- $hash
DELETE FROM suppression WHERE kind = 'email' AND hash = $hash AND reason = 'objection';
