-- 010_users_admin: what the users page shows and enforces. must_change
-- sends an account to /account until it has chosen its own password;
-- last_login and last_login_addr are the latest successful sign-in.
-- may_see_phones: the account may ask to see full phone numbers (each
-- time with a reason, audited); without it every page and report masks
-- them (PIPL art. 51: access control, de-identification).
ALTER TABLE users ADD COLUMN must_change INTEGER NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN last_login INTEGER NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN last_login_addr TEXT NOT NULL DEFAULT '';
ALTER TABLE users ADD COLUMN may_see_phones INTEGER NOT NULL DEFAULT 0;
