ALTER TYPE "Plan" ADD VALUE 'team' AFTER 'pro';
