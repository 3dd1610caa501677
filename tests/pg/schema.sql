-- tests/pg/schema.sql: the schema of the public namespace as one JSON
-- document (columns, constraints, indexes, triggers), for tests/pg/schema.py
-- to set beside SQLite's. psql -X -A -t -f schema.sql
SELECT json_build_object(
    'tables', (SELECT coalesce(json_agg(table_name ORDER BY table_name), '[]')
	FROM information_schema.tables
	WHERE table_schema = 'public' AND table_type = 'BASE TABLE'),
    'columns', (SELECT coalesce(json_agg(json_build_object(
	    'table', table_name, 'name', column_name,
	    'position', ordinal_position, 'type', data_type,
	    'nullable', is_nullable = 'YES', 'default', column_default,
	    'identity', is_identity = 'YES')
	ORDER BY table_name, ordinal_position), '[]')
	FROM information_schema.columns WHERE table_schema = 'public'),
    'constraints', (SELECT coalesce(json_agg(json_build_object(
	    'table', t.relname, 'name', k.conname, 'type', k.contype,
	    'columns', (SELECT json_agg(a.attname ORDER BY u.ord)
		FROM unnest(k.conkey) WITH ORDINALITY AS u(attnum, ord)
		JOIN pg_attribute a ON a.attrelid = k.conrelid AND a.attnum = u.attnum),
	    'ref_table', f.relname,
	    'ref_columns', (SELECT json_agg(a.attname ORDER BY u.ord)
		FROM unnest(k.confkey) WITH ORDINALITY AS u(attnum, ord)
		JOIN pg_attribute a ON a.attrelid = k.confrelid AND a.attnum = u.attnum),
	    'on_delete', k.confdeltype)), '[]')
	FROM pg_constraint k
	JOIN pg_class t ON t.oid = k.conrelid
	JOIN pg_namespace n ON n.oid = t.relnamespace
	LEFT JOIN pg_class f ON f.oid = k.confrelid
	WHERE n.nspname = 'public'),
    'indexes', (SELECT coalesce(json_agg(json_build_object(
	    'table', t.relname, 'name', i.relname, 'unique', x.indisunique,
	    'columns', (SELECT json_agg(coalesce(a.attname, '(expression)') ORDER BY u.ord)
		FROM unnest(x.indkey::int2[]) WITH ORDINALITY AS u(attnum, ord)
		LEFT JOIN pg_attribute a ON a.attrelid = x.indrelid AND a.attnum = u.attnum),
	    'where', pg_get_expr(x.indpred, x.indrelid),
	    'constraint', EXISTS (SELECT 1 FROM pg_constraint k
		WHERE k.conindid = x.indexrelid))), '[]')
	FROM pg_index x
	JOIN pg_class i ON i.oid = x.indexrelid
	JOIN pg_class t ON t.oid = x.indrelid
	JOIN pg_namespace n ON n.oid = t.relnamespace
	WHERE n.nspname = 'public'),
    'triggers', (SELECT coalesce(json_agg(json_build_object(
	    'table', t.relname, 'name', g.tgname)), '[]')
	FROM pg_trigger g
	JOIN pg_class t ON t.oid = g.tgrelid
	JOIN pg_namespace n ON n.oid = t.relnamespace
	WHERE n.nspname = 'public' AND NOT g.tgisinternal)
);
