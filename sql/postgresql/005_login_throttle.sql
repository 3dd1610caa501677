-- 005_login_throttle (PostgreSQL): the twin of sql/005_login_throttle.sql.
ALTER TABLE login_failures ADD COLUMN blocked_until bigint NOT NULL DEFAULT 0;

CREATE TABLE login_known (
	user_id		bigint NOT NULL REFERENCES users(id) ON DELETE CASCADE,
	addr		text NOT NULL,
	last_ok		bigint NOT NULL,
	PRIMARY KEY (user_id, addr)
);
