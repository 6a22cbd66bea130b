ALTER TYPE address ADD ATTRIBUTE zip text;
