CREATE TABLE "very_long_table_name_very_long_table_name_very_long_table_name_very_long_table_name_" ("id" BIGINT);
