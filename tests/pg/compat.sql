-- tests/pg/compat.sql: the SQLite functions the integration tests' queries
-- use, for the tests' own psql sessions on PostgreSQL (tests/integration/
-- lib.sh, sql()). They live in schema dd_test, which only those sessions
-- put on their search_path: dialdesk's connections never see them, so a
-- statement of the store that leans on a SQLite function still fails on
-- PostgreSQL as it would in production.
CREATE SCHEMA dd_test;

-- json_extract(json, '$.key' or '$[n]'): text, SQLite's 1/0 for booleans,
-- NULL for JSON null or a missing path. The simple paths the tests write
-- are valid jsonpath as they are.
CREATE FUNCTION dd_test.json_extract(doc text, path text) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
	SELECT CASE jsonb_typeof(v)
		WHEN 'boolean' THEN CASE WHEN v = 'true'::jsonb THEN '1' ELSE '0' END
		ELSE v #>> '{}' END
	  FROM (SELECT jsonb_path_query_first(doc::jsonb, path::jsonpath) AS v) AS s
$$;

-- json_set(json, '$.key', value): the document with that key set.
CREATE FUNCTION dd_test.json_set(doc text, path text, val text) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
	SELECT jsonb_set(doc::jsonb, ARRAY[substr(path, 3)], to_jsonb(val))::text
$$;

-- group_concat(x [, separator]): the values in the order rows come, ','
-- between them by default.
CREATE FUNCTION dd_test.gc_step(acc text, val text, sep text) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
	SELECT CASE WHEN val IS NULL THEN acc
		WHEN acc IS NULL THEN val ELSE acc || sep || val END
$$;
CREATE FUNCTION dd_test.gc_step(acc text, val text) RETURNS text
LANGUAGE sql IMMUTABLE AS $$ SELECT dd_test.gc_step(acc, val, ',') $$;
CREATE AGGREGATE dd_test.group_concat(text, text) (SFUNC = dd_test.gc_step, STYPE = text);
CREATE AGGREGATE dd_test.group_concat(text) (SFUNC = dd_test.gc_step, STYPE = text);
-- ... of numbers too, as SQLite takes any value.
CREATE FUNCTION dd_test.gc_step_any(acc text, val anyelement) RETURNS text
LANGUAGE sql IMMUTABLE AS $$ SELECT dd_test.gc_step(acc, val::text, ',') $$;
CREATE FUNCTION dd_test.gc_step_any(acc text, val anyelement, sep text) RETURNS text
LANGUAGE sql IMMUTABLE AS $$ SELECT dd_test.gc_step(acc, val::text, sep) $$;
CREATE AGGREGATE dd_test.group_concat(anyelement) (SFUNC = dd_test.gc_step_any, STYPE = text);
CREATE AGGREGATE dd_test.group_concat(anyelement, text) (SFUNC = dd_test.gc_step_any, STYPE = text);

-- sum(a = b): SQLite counts a comparison as 1 or 0.
CREATE FUNCTION dd_test.sum_bool(acc bigint, val boolean) RETURNS bigint
LANGUAGE sql IMMUTABLE AS $$
	SELECT CASE WHEN val IS NULL THEN acc ELSE coalesce(acc, 0) + CASE WHEN val THEN 1 ELSE 0 END END
$$;
CREATE AGGREGATE dd_test.sum(boolean) (SFUNC = dd_test.sum_bool, STYPE = bigint);

CREATE FUNCTION dd_test.unixepoch() RETURNS bigint
LANGUAGE sql STABLE AS $$ SELECT extract(epoch FROM now())::bigint $$;

CREATE FUNCTION dd_test.instr(haystack text, needle text) RETURNS integer
LANGUAGE sql IMMUTABLE AS $$ SELECT strpos(haystack, needle) $$;

CREATE FUNCTION dd_test.iif(cond boolean, a text, b text) RETURNS text
LANGUAGE sql IMMUTABLE AS $$ SELECT CASE WHEN cond THEN a ELSE b END $$;

CREATE FUNCTION dd_test.randomblob(n integer) RETURNS bytea
LANGUAGE sql VOLATILE AS $$
	SELECT string_agg(set_byte('\x00'::bytea, 0, (random() * 255)::int), ''::bytea)
	  FROM generate_series(1, n)
$$;

-- hex(text or bytes): upper-case hex digits of the bytes.
CREATE FUNCTION dd_test.hex(val bytea) RETURNS text
LANGUAGE sql IMMUTABLE AS $$ SELECT upper(encode(val, 'hex')) $$;
CREATE FUNCTION dd_test.hex(val text) RETURNS text
LANGUAGE sql IMMUTABLE AS $$ SELECT upper(encode(convert_to(val, 'UTF8'), 'hex')) $$;

-- json_remove(json, '$.key'): the document without that key, its other
-- keys in their order and as written (jsonb would reorder them).
CREATE FUNCTION dd_test.json_remove(doc text, path text) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
	SELECT '{' || coalesce(string_agg(to_json(e.key)::text || ':' || e.value::text, ','
	    ORDER BY e.n), '') || '}'
	  FROM json_each(doc::json) WITH ORDINALITY AS e(key, value, n)
	 WHERE e.key <> substr(path, 3)
$$;

-- typeof(x): SQLite's name of the value's storage class.
CREATE FUNCTION dd_test.typeof(val bytea) RETURNS text
LANGUAGE sql IMMUTABLE AS $$ SELECT CASE WHEN val IS NULL THEN 'null' ELSE 'blob' END $$;
CREATE FUNCTION dd_test.typeof(val text) RETURNS text
LANGUAGE sql IMMUTABLE AS $$ SELECT CASE WHEN val IS NULL THEN 'null' ELSE 'text' END $$;
CREATE FUNCTION dd_test.typeof(val bigint) RETURNS text
LANGUAGE sql IMMUTABLE AS $$ SELECT CASE WHEN val IS NULL THEN 'null' ELSE 'integer' END $$;

-- min(a, b) and max(a, b): SQLite's scalar forms.
CREATE FUNCTION dd_test.min(a bigint, b bigint) RETURNS bigint
LANGUAGE sql IMMUTABLE AS $$ SELECT least(a, b) $$;
CREATE FUNCTION dd_test.max(a bigint, b bigint) RETURNS bigint
LANGUAGE sql IMMUTABLE AS $$ SELECT greatest(a, b) $$;

-- date('now' [, 'localtime'] [, '+N day' ...]): YYYY-MM-DD, the session's
-- time zone standing for the local time.
CREATE FUNCTION dd_test.date(at text, VARIADIC mods text[] DEFAULT '{}') RETURNS text
LANGUAGE plpgsql STABLE AS $$
DECLARE
	t timestamptz := CASE WHEN at = 'now' THEN now() ELSE at::timestamptz END;
	m text;
BEGIN
	FOREACH m IN ARRAY mods LOOP
		IF m ~ '^[+-]?[0-9]+ (day|days|hour|hours|minute|minutes|second|seconds|month|months|year|years)$' THEN
			t := t + m::interval;
		ELSIF m NOT IN ('localtime', 'utc') THEN
			RAISE EXCEPTION 'dd_test.date: modifier % not known', m;
		END IF;
	END LOOP;
	RETURN to_char(t, 'YYYY-MM-DD');
END
$$;

-- strftime('%s', 'now'): unix seconds, as the paging tests write a row's
-- time. Only '%s' of 'now' is known: SQLite's other formats are text, and a
-- test that needs one should say so here.
CREATE FUNCTION dd_test.strftime(fmt text, at text) RETURNS bigint
LANGUAGE plpgsql STABLE AS $$
BEGIN
	IF fmt <> '%s' OR at <> 'now' THEN
		RAISE EXCEPTION 'dd_test.strftime: only (''%%s'', ''now'') is known, not (%, %)', fmt, at;
	END IF;
	RETURN extract(epoch FROM now())::bigint;
END
$$;

-- printf('%0Nd', n): n in N digits, zeros in front, as the paging tests
-- make numbers; other formats are refused.
CREATE FUNCTION dd_test.printf(fmt text, n bigint) RETURNS text
LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN
	IF fmt !~ '^%0[1-9]d$' THEN
		RAISE EXCEPTION 'dd_test.printf: only %%0Nd is known, not %', fmt;
	END IF;
	RETURN lpad(n::text, substr(fmt, 3, 1)::int, '0');
END
$$;

GRANT USAGE ON SCHEMA dd_test TO PUBLIC;
