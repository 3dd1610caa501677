/* check_importcopy.c: an import's rows as stored by store_import_rows_put()
 * (by COPY on PostgreSQL) come back byte for byte whatever their text
 * holds (tabs, newlines, backslashes, \N, quotes, emoji, empty fields);
 * a rollback, also of an open COPY, drops them and nothing committed
 * before; statements between the calls see the rows; and on PostgreSQL
 * they do go by COPY (pg_stat_progress_copy sees it open). */
#include "autoconf.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <check.h>

#include "db.h"
#include "store.h"
#include "store/imports.h"
#include "testdb.h"
#include "unit.h"

static struct db *db;

/* The awkward texts, each used as a phone, a name, an other and a reason. */
static const char *const texts[] = {
	"",
	"a\tb",
	"line\none",
	"cr\r\nlf",
	"back\\slash",
	"\\N",
	"\\.",
	"\\",
	"ends with \\",
	"\t\n\\\r",
	"'single' \"double\"",
	"[\"json\\\"quoted\\\\\",\"\\t\"]",
	"客户 张三",
	"emoji \xf0\x9f\x98\x80 \xf0\x9f\x87\xa8\xf0\x9f\x87\xb3",
	"\x01\x1f control",
	"comma,semi;pipe|",
	"NULL",
};
#define NTEXTS	(sizeof(texts) / sizeof(texts[0]))
#define ROWS	300	/* more than a batch: several calls into one COPY */

static struct import_row_new rows[ROWS];
static char	 phones[ROWS][64];

static void
setup(void)
{
	size_t	 i;

	db = testdb_open();
	testdb_loading_imports(db, 2);
	/* Even rows good (seq 1, 2, ...), odd ones bad (seq -line); a good
	 * row's phone unique: the text and its number. */
	for (i = 0; i < ROWS; i++) {
		snprintf(phones[i], sizeof(phones[i]), "%s#%zu",
		    texts[i % NTEXTS], i);
		rows[i] = (struct import_row_new){
		    i % 2 == 0 ? (int64_t)i / 2 + 1 : -(int64_t)i - 2,
		    (int64_t)i + 2, phones[i], texts[(i + 1) % NTEXTS],
		    texts[(i + 2) % NTEXTS], i % 2 == 0 ? "" :
		    texts[(i + 3) % NTEXTS], i % 2 == 0 ? 0 : (int64_t)i };
	}
}

static void
teardown(void)
{
	testdb_close(db);
}

/* The rows from..to into import, in batches as the loader sends them. */
static int
put(int64_t import, size_t from, size_t to)
{
	size_t	 i, n;

	for (i = from; i < to; i += n) {
		n = to - i < STORE_IMPORT_ROWS_BATCH ? to - i :
		    STORE_IMPORT_ROWS_BATCH;
		if (store_import_rows_put(db, import, rows + i, n) == -1)
			return -1;
	}
	return 0;
}

static int64_t
count(int64_t import)
{
	char	 q[96];

	snprintf(q, sizeof(q), "SELECT count(*) FROM import_rows WHERE"
	    " import_id = %lld", (long long)import);
	return testdb_int(db, q);
}

/* Every row of import 1 read back equals what was put. */
static void
check_all(void)
{
	struct store_cursor *c;
	struct import_row r;
	struct import_bad b;
	size_t	 i;
	int	 rc;

	ck_assert_ptr_nonnull(c = store_import_rows(db, 1, 1, ROWS));
	for (i = 0; i < ROWS; i += 2) {
		ck_assert_int_eq(store_import_rows_next(c, &r), 1);
		ck_assert_int_eq(r.seq, rows[i].seq);
		ck_assert_int_eq(r.line, rows[i].line);
		ck_assert_str_eq(r.phone, rows[i].phone);
		ck_assert_str_eq(r.name, rows[i].name);
		ck_assert_str_eq(r.other, rows[i].other);
	}
	ck_assert_int_eq(store_import_rows_next(c, &r), 0);
	store_cursor_close(c);
	ck_assert_ptr_nonnull(c = store_import_bad(db, 1, 0, 0, 0));
	for (i = 1; i < ROWS; i += 2) {
		ck_assert_int_eq(rc = store_import_bad_next(c, &b), 1);
		ck_assert_int_eq(b.line, rows[i].line);
		ck_assert_str_eq(b.phone, rows[i].phone);
		ck_assert_str_eq(b.reason, rows[i].reason);
		ck_assert_int_eq(b.dup_of, rows[i].dup_of);
	}
	ck_assert_int_eq(store_import_bad_next(c, &b), 0);
	store_cursor_close(c);
}

START_TEST(awkward_text_round_trip)
{
	ck_assert_int_eq(db_begin(db), 0);
	ck_assert_int_eq(put(1, 0, ROWS), 0);
	ck_assert_int_eq(db_commit(db), 0);
	ck_assert_int_eq(count(1), ROWS);
	check_all();
}
END_TEST

/* A statement between two calls (the loader asks for a repeat's first
 * line, appends a bad row) sees every row put before it, and the rows put
 * after it are stored too. */
START_TEST(statements_between)
{
	int64_t	 line = 0;

	ck_assert_int_eq(db_begin(db), 0);
	ck_assert_int_eq(put(1, 0, 200), 0);
	ck_assert_int_eq(store_import_row_first(db, 1, phones[198], &line), 1);
	ck_assert_int_eq(line, rows[198].line);
	ck_assert_int_eq(put(1, 200, ROWS), 0);
	ck_assert_int_eq(db_commit(db), 0);
	check_all();
}
END_TEST

/* An upload abandoned (rolled back with its COPY open) leaves none of its
 * rows, and what was committed before stays; the connection goes on. */
START_TEST(abandoned_rolls_back)
{
	ck_assert_int_eq(db_begin(db), 0);
	ck_assert_int_eq(put(1, 0, ROWS), 0);
	ck_assert_int_eq(db_commit(db), 0);
	ck_assert_int_eq(db_begin(db), 0);
	ck_assert_int_eq(put(2, 0, ROWS), 0);
	db_rollback(db);
	ck_assert_int_eq(count(2), 0);
	ck_assert_int_eq(count(1), ROWS);
	check_all();
	ck_assert_int_eq(db_begin(db), 0);
	ck_assert_int_eq(put(2, 0, 10), 0);
	ck_assert_int_eq(db_commit(db), 0);
	ck_assert_int_eq(count(2), 10);
}
END_TEST

/* A row the server refuses (a phone stored twice among the good rows)
 * fails the transaction at its next statement or commit: no row of it is
 * stored, those of before stay, and the store goes on. */
START_TEST(refused_row_fails_all)
{
	int	 rc;

	ck_assert_int_eq(db_begin(db), 0);
	ck_assert_int_eq(put(1, 0, 10), 0);
	ck_assert_int_eq(db_commit(db), 0);
	rows[250].phone = rows[20].phone;
	ck_assert_int_eq(db_begin(db), 0);
	rc = put(2, 0, ROWS);
	if (rc == 0)
		rc = db_commit(db);
	else
		db_rollback(db);
	ck_assert_int_eq(rc, -1);
	ck_assert_int_eq(count(2), 0);
	ck_assert_int_eq(count(1), 10);
	rows[250].phone = phones[250];
	ck_assert_int_eq(db_begin(db), 0);
	ck_assert_int_eq(put(2, 0, ROWS), 0);
	ck_assert_int_eq(db_commit(db), 0);
	ck_assert_int_eq(count(2), ROWS);
}
END_TEST

/* How many COPY FROM into this database's import_rows other's server
 * sees, once it has seen want (the activity it reads may lag a little),
 * or after 5 s. */
static int64_t
copies_seen(struct db *other, int64_t want)
{
	const char *q = "SELECT count(*) FROM pg_stat_progress_copy AS p"
	    " JOIN pg_database AS d ON d.oid = p.datid"
	    " WHERE d.datname = current_database()"
	    " AND p.relid = 'import_rows'::regclass"
	    " AND p.command = 'COPY FROM'";
	int64_t	 n;
	int	 i;

	for (i = 0; (n = testdb_int(other, q)) != want && i < 100; i++)
		usleep(50 * 1000);
	return n;
}

/* PostgreSQL: the rows go by COPY, which another session sees open until
 * the commit. */
START_TEST(pg_rows_go_by_copy)
{
	struct db *other;

	ck_assert_ptr_nonnull(other = db_open(testdb_name, 1000));
	ck_assert_int_eq(copies_seen(other, 0), 0);
	ck_assert_int_eq(db_begin(db), 0);
	ck_assert_int_eq(put(1, 0, ROWS), 0);
	ck_assert_int_eq(copies_seen(other, 1), 1);
	ck_assert_int_eq(db_commit(db), 0);
	ck_assert_int_eq(copies_seen(other, 0), 0);
	db_close(other);
	check_all();
}
END_TEST

int
main(void)
{
	Suite	*s = suite_create("importcopy");
	TCase	*tc = tcase_create("rows");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, awkward_text_round_trip);
	tcase_add_test(tc, statements_between);
	tcase_add_test(tc, abandoned_rolls_back);
	tcase_add_test(tc, refused_row_fails_all);
	if (testdb_is_pg())
		tcase_add_test(tc, pg_rows_go_by_copy);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
