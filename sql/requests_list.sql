-- requests: the register, oldest first; .Overdue: only the open requests
-- past their due date on $today.
-- $today
SELECT id, type, subject_key, received, due, coalesce(identity_check, ''), status,
       coalesce(extended_reason, ''), answered_by, answered_at
FROM requests
{{if .Overdue}}WHERE status = 'open' AND due < CAST($today AS DATE){{else}}WHERE $today IS NOT NULL{{end}}
{{if .ID}}AND id = $id{{end}}
ORDER BY received, id;
