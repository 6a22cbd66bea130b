-- Step 1 and 2 of the guide's pattern, step 3 in a later migration
ALTER TABLE users ADD COLUMN phone_number VARCHAR(20);
UPDATE users SET phone_number = 'N/A' WHERE phone_number IS NULL;
