CREATE TABLE tenant (id INTEGER NOT NULL, code TEXT NOT NULL, PRIMARY KEY (id, code));
CREATE TABLE member (tenant_id INTEGER NOT NULL, tenant_code TEXT NOT NULL, user_id INTEGER NOT NULL, PRIMARY KEY (tenant_id, tenant_code, user_id), FOREIGN KEY (tenant_id, tenant_code) REFERENCES tenant(id, code) ON DELETE CASCADE);
