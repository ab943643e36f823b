-- The read-only sandbox of `pipeline query` and of user-supplied SQL
-- (pipeline/engine/sandbox.go), on a connection to a warehouse opened
-- read-only. Nothing is downloaded or loaded; the file system is closed
-- except for .Dirs (the warehouse's raw files, the exports); then the
-- configuration is locked, so the statement that runs next cannot undo any
-- of it. Order matters: lock_configuration comes last.
SET autoinstall_known_extensions = false;
SET autoload_known_extensions = false;
SET allow_community_extensions = false;
SET allowed_directories = {{strlist .Dirs}};
SET enable_external_access = false;
SET lock_configuration = true;
