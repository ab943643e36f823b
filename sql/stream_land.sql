-- lands a connector's record stream (an Arrow view) in a temp table the stage reads more than once
CREATE OR REPLACE TEMP TABLE {{q .Table}} AS SELECT * FROM {{q .View}};
