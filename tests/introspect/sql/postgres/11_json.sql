CREATE TABLE doc (id bigserial PRIMARY KEY, body json, meta jsonb NOT NULL DEFAULT '[]', settings jsonb DEFAULT '{}');
CREATE INDEX doc_meta_idx ON doc USING gin (meta jsonb_path_ops);
CREATE INDEX doc_settings_idx ON doc USING gin (settings);
