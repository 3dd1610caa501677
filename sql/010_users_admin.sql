-- 010_users_admin: what the users page shows and enforces. must_change
-- sends an account to /account until it has chosen its own password;
-- last_login and last_login_addr are the latest successful sign-in.
ALTER TABLE users ADD COLUMN must_change INTEGER NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN last_login INTEGER NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN last_login_addr TEXT NOT NULL DEFAULT '';
