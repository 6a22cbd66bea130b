ALTER TABLE users RENAME TO "renamed_1";
