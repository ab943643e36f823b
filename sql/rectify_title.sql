-- rectify: the department and seniority of a corrected job title, by the
-- same rules a run applies (title_class.sql).
-- $title
SELECT {{template "title_class" (args "'department'" "CAST($title AS VARCHAR)" "'other'")}} AS department,
       {{template "title_class" (args "'seniority'" "CAST($title AS VARCHAR)" "'staff'")}} AS seniority;
