ALTER TYPE "Plan" RENAME VALUE 'team' TO 'teams';
