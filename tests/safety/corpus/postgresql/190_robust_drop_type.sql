-- schemashift:transaction off
DROP TYPE "Mood";
