DROP DATABASE legacy_app;
