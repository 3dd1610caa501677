-- 010_users_admin (PostgreSQL): the twin of sql/010_users_admin.sql.
ALTER TABLE users ADD COLUMN must_change bigint NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN last_login bigint NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN last_login_addr text NOT NULL DEFAULT '';
ALTER TABLE users ADD COLUMN may_see_phones bigint NOT NULL DEFAULT 0;
