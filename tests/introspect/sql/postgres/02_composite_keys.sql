CREATE TABLE tenant (id integer NOT NULL, code varchar(10) NOT NULL, name text, PRIMARY KEY (id, code));
CREATE TABLE membership (tenant_id integer NOT NULL, tenant_code varchar(10) NOT NULL, user_id integer NOT NULL, role text DEFAULT 'member' NOT NULL,
  CONSTRAINT membership_pk PRIMARY KEY (tenant_id, tenant_code, user_id),
  FOREIGN KEY (tenant_id, tenant_code) REFERENCES tenant (id, code) ON DELETE CASCADE);
