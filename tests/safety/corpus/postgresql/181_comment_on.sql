COMMENT ON TABLE "User" IS 'people';
