-- schemashift:ignore ban-drop-table the archive table was exported to S3 (#812)
-- squawk-ignore ban-drop-table
DROP TABLE "Archive";
