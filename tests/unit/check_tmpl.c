/* check_tmpl.c: what the ctemplate bridge (src/tmpl.cc) promises to C. */
#include "autoconf.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../src/tmpl.h"
#include "unit.h"

/* Each test runs in its own child (main forces CK_FORK), so each may load
 * and freeze ctemplate's process-wide cache afresh. */

static char *
fixture(const char *sub)
{
	const char	*top = getenv("top_srcdir");
	char		*path;

	if (top == NULL || *top == '\0')
		top = ".";
	ck_assert_int_ne(asprintf(&path, "%s/tests/fixtures/tmpl/%s", top,
	    sub), -1);
	return path;
}

static void
init_good(void)
{
	char	 err[512];
	char	*dir = fixture("good");

	ck_assert_msg(tmpl_init(dir, err, sizeof(err)) == 0, "%s", err);
	free(dir);
}

/* Expand page.tpl with d; the caller frees the result. */
static char *
expand_page(const struct tdict *d)
{
	char	*out = NULL;
	size_t	 len = 0;

	ck_assert_int_eq(tmpl_expand("page.tpl", d, &out, &len), 0);
	ck_assert_ptr_nonnull(out);
	ck_assert_uint_eq(len, strlen(out));
	return out;
}

#define ck_assert_has(hay, needle) \
	ck_assert_msg(strstr((hay), (needle)) != NULL, \
	    "expected %s in: %s", (needle), (hay))
#define ck_assert_lacks(hay, needle) \
	ck_assert_msg(strstr((hay), (needle)) == NULL, \
	    "did not expect %s in: %s", (needle), (hay))

/*
 * Escaping: a raw value set from C comes out escaped for the context it
 * stands in, by the template's AUTOESCAPE pragma alone.
 */
static const struct {
	const char	*key;		/* variable of page.tpl */
	const char	*value;		/* set raw, as C code must */
	const char	*want;		/* appears in the output */
	const char	*never;		/* must not appear (or NULL) */
} escapes[] = {
	{ "TEXT", "<script>alert(1)</script>",
	  "<p id=\"text\">&lt;script&gt;alert(1)&lt;/script&gt;</p>",
	  "<script>" },
	{ "TEXT", "A & B", "<p id=\"text\">A &amp; B</p>", NULL },
	{ "TEXT", "你好,坐席", "<p id=\"text\">你好,坐席</p>", NULL },
	{ "ATTR", "x\" onfocus=\"alert(1)",
	  "value=\"x&quot; onfocus=&quot;alert(1)\"", "\" onfocus" },
	{ "ATTR", "<b>'", "value=\"&lt;b&gt;&#39;\"", "<b>" },
	{ "URL", "javascript:alert(1)", "href=\"#\"", "javascript:" },
	{ "URL", "JavaScript:alert(1)", "href=\"#\"", "alert" },
	{ "URL", "/audit?page=2&user=a",
	  "href=\"/audit?page=2&amp;user=a\"", NULL },
	{ "URL", "/x\" onclick=\"y", "href=\"/x&quot; onclick=&quot;y\"",
	  "\" onclick" },
};

START_TEST(test_escape)
{
	struct tdict	*d = tdict_new();
	char		*out;

	init_good();
	tdict_set(d, escapes[_i].key, escapes[_i].value);
	out = expand_page(d);
	ck_assert_has(out, escapes[_i].want);
	if (escapes[_i].never != NULL)
		ck_assert_lacks(out, escapes[_i].never);
	free(out);
	tdict_free(d);
}
END_TEST

/*
 * Setters: every way of setting a value, as it appears in the text.
 */
START_TEST(test_setters)
{
	static const struct {
		const char	*key;
		const char	*want;
	} want[] = {
		{ "TEXT", "<p id=\"text\">-9223372036854775807</p>" },
		{ "ATTR", "value=\"第 3 页,共 12 条\"" },
		{ "URL", "href=\"/ab\"" },
	};
	struct tdict	*d = tdict_new();
	char		*out;
	size_t		 i;

	init_good();
	tdict_set_int(d, "TEXT", -9223372036854775807LL);
	tdict_setf(d, "ATTR", "第 %d 页,共 %s 条", 3, "12");
	tdict_setn(d, "URL", "/abcdef", 3);
	out = expand_page(d);
	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++)
		ck_assert_has(out, want[i].want);
	free(out);
	tdict_free(d);
}
END_TEST

/* A NULL value is the empty string; a NULL dictionary or key is ignored
 * (tdict_add_section may return NULL when memory runs out). */
START_TEST(test_nulls)
{
	struct tdict	*d = tdict_new();
	char		*out;

	init_good();
	tdict_set(d, "TEXT", NULL);
	tdict_set(NULL, "TEXT", "x");
	tdict_set(d, NULL, "x");
	tdict_show(NULL, "FLAG");
	tdict_set(tdict_add_section(NULL, "ITEM"), "NAME", "x");
	tdict_set(tdict_add_include(d, "BODY", NULL), "OWN", "x");
	out = expand_page(d);
	ck_assert_has(out, "<p id=\"text\"></p>");
	ck_assert_has(out, "<ul></ul>");
	ck_assert_lacks(out, "flag shown");
	free(out);
	tdict_free(d);
	tdict_free(NULL);
}
END_TEST

/*
 * Sections: hidden unless shown, repeated once per added dictionary, and
 * a section sees its parent's values.
 */
static const struct {
	const char	*names[4];	/* ITEM repetitions, NULL-ended */
	int		 show_flag;
	const char	*want;
	const char	*never;
} sections[] = {
	{ { NULL }, 0, "<ul></ul>", "flag shown" },
	{ { NULL }, 1, "<b>flag shown</b>", NULL },
	{ { "甲", NULL }, 0, "<ul><li>甲</li></ul>", NULL },
	{ { "a", "<b>", "c", NULL }, 0,
	  "<ul><li>a</li><li>&lt;b&gt;</li><li>c</li></ul>", "<b>" },
	{ { "", NULL }, 0, "<ul><li>inherited</li></ul>", NULL },
};

START_TEST(test_section)
{
	struct tdict	*d = tdict_new();
	char		*out;
	size_t		 i;

	init_good();
	tdict_set(d, "NAME", "inherited");
	for (i = 0; sections[_i].names[i] != NULL; i++) {
		struct tdict *item = tdict_add_section(d, "ITEM");

		ck_assert_ptr_nonnull(item);
		if (*sections[_i].names[i] != '\0')
			tdict_set(item, "NAME", sections[_i].names[i]);
	}
	if (sections[_i].show_flag)
		tdict_show(d, "FLAG");
	out = expand_page(d);
	ck_assert_has(out, sections[_i].want);
	if (sections[_i].never != NULL)
		ck_assert_lacks(out, sections[_i].never);
	free(out);
	tdict_free(d);
}
END_TEST

/*
 * Includes: the included template sees its own dictionary and the
 * globals of the tree, not the plain values of the page around it.
 */
START_TEST(test_include)
{
	static const char *const want[] = {
		"<span id=\"own\">&lt;own&gt;</span>",
		"<span id=\"part-global\">csrf&amp;1</span>",
		"<p id=\"global\">csrf&amp;1</p>",
		"<span id=\"part-text\"></span>",
		"<p id=\"text\">page only</p>",
	};
	struct tdict	*d = tdict_new();
	struct tdict	*body;
	char		*out;
	size_t		 i;

	init_good();
	tdict_set(d, "TEXT", "page only");
	body = tdict_add_include(d, "BODY", "part.tpl");
	ck_assert_ptr_nonnull(body);
	tdict_set(body, "OWN", "<own>");
	/* Set after the include exists, and on the top: still seen below. */
	tdict_set_global(d, "GLOBAL", "csrf&1");
	out = expand_page(d);
	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++)
		ck_assert_has(out, want[i]);
	free(out);
	tdict_free(d);
}
END_TEST

/* A global belongs to its tree: the next request's page must not show the
 * last one's CSRF token. */
START_TEST(test_global_per_tree)
{
	struct tdict	*first = tdict_new();
	struct tdict	*second = tdict_new();
	char		*out;

	init_good();
	tdict_set_global(first, "GLOBAL", "token-of-first");
	tdict_add_include(second, "BODY", "part.tpl");
	out = expand_page(second);
	ck_assert_lacks(out, "token-of-first");
	ck_assert_has(out, "<span id=\"part-global\"></span>");
	free(out);
	tdict_free(first);
	tdict_free(second);
}
END_TEST

/* Without an include dictionary, {{>BODY}} expands to nothing. */
START_TEST(test_include_absent)
{
	struct tdict	*d = tdict_new();
	char		*out;

	init_good();
	out = expand_page(d);
	ck_assert_has(out, "<div id=\"body\"></div>");
	free(out);
	tdict_free(d);
}
END_TEST

/*
 * Expansion failures: -1, *out NULL, nothing to free.
 */
static const struct {
	const char	*file;		/* expanded */
	const char	*include;	/* file given to BODY, or NULL */
} failures[] = {
	{ "missing.tpl", NULL },	/* never loaded */
	{ "../good/page.tpl", NULL },	/* a path, not a loaded name */
	{ "page.tpl", "missing.tpl" },	/* include not in the cache */
};

START_TEST(test_expand_fails)
{
	struct tdict	*d = tdict_new();
	char		*out = (char *)"untouched";
	size_t		 len = 42;

	init_good();
	if (failures[_i].include != NULL)
		tdict_add_include(d, "BODY", failures[_i].include);
	ck_assert_int_eq(tmpl_expand(failures[_i].file, d, &out, &len), -1);
	ck_assert_ptr_null(out);
	ck_assert_uint_eq(len, 0);
	tdict_free(d);
}
END_TEST

START_TEST(test_expand_before_init)
{
	struct tdict	*d = tdict_new();
	char		*out = NULL;

	ck_assert_int_eq(tmpl_expand("page.tpl", d, &out, NULL), -1);
	ck_assert_ptr_null(out);
	tdict_free(d);
}
END_TEST

/*
 * Loading: a directory whose templates are not all safe is refused as a
 * whole, with a message naming the culprit; the cache is left empty, so
 * a good directory still loads afterwards.
 */
static const struct {
	const char	*dir;		/* under tests/fixtures/tmpl */
	const char	*in_err;	/* appears in the message */
} refused[] = {
	{ "nopragma", "plain.tpl: first line must be exactly "
	  "{{%AUTOESCAPE context=\"HTML\"}}" },
	{ "latepragma", "late.tpl: first line must be exactly" },
	{ "badsyntax", "zz-broken.tpl: cannot load template" },
	{ "no-such-dir", "no-such-dir: cannot open template directory" },
	{ "good/page.tpl", "cannot open template directory" },
};

START_TEST(test_init_refused)
{
	char		 err[512] = "";
	char		*dir = fixture(refused[_i].dir);
	struct tdict	*d = tdict_new();
	char		*out;

	ck_assert_int_eq(tmpl_init(dir, err, sizeof(err)), -1);
	ck_assert_has(err, refused[_i].in_err);
	free(dir);

	init_good();
	tdict_set(d, "TEXT", "fresh");
	out = expand_page(d);
	ck_assert_has(out, "<p id=\"text\">fresh</p>");
	ck_assert_lacks(out, "STALE");
	free(out);
	tdict_free(d);
}
END_TEST

START_TEST(test_init_small_err)
{
	char	 err[8];
	char	*dir = fixture("nopragma");

	ck_assert_int_eq(tmpl_init(dir, err, sizeof(err)), -1);
	ck_assert_uint_eq(strlen(err), sizeof(err) - 1);
	ck_assert_int_eq(tmpl_init(dir, NULL, 0), -1);
	ck_assert_int_eq(tmpl_init(NULL, err, sizeof(err)), -1);
	free(dir);
}
END_TEST

/* Copy a fixture file into dir (for the freeze test, which deletes it). */
static void
copy_file(const char *from, const char *dir, const char *name)
{
	char	*to, buf[4096];
	FILE	*in, *out;
	size_t	 n;

	ck_assert_int_ne(asprintf(&to, "%s/%s", dir, name), -1);
	ck_assert_ptr_nonnull(in = fopen(from, "rb"));
	ck_assert_ptr_nonnull(out = fopen(to, "wb"));
	while ((n = fread(buf, 1, sizeof(buf), in)) > 0)
		ck_assert_uint_eq(fwrite(buf, 1, n, out), n);
	ck_assert_int_eq(ferror(in), 0);
	fclose(in);
	ck_assert_int_eq(fclose(out), 0);
	free(to);
}

/*
 * Freezing: after tmpl_init the files may vanish (as after a chroot or a
 * deploy); expansion, includes included, still works, and the cache
 * cannot be loaded again.
 */
START_TEST(test_frozen)
{
	static const char *const names[] = { "page.tpl", "part.tpl" };
	char		 tmp[] = "/tmp/check_tmpl.XXXXXX";
	char		 err[512];
	char		*src, *path, *out;
	struct tdict	*d = tdict_new();
	size_t		 i;

	ck_assert_ptr_nonnull(mkdtemp(tmp));
	src = fixture("good");
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		ck_assert_int_ne(asprintf(&path, "%s/%s", src, names[i]), -1);
		copy_file(path, tmp, names[i]);
		free(path);
	}
	free(src);
	ck_assert_msg(tmpl_init(tmp, err, sizeof(err)) == 0, "%s", err);
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		ck_assert_int_ne(asprintf(&path, "%s/%s", tmp, names[i]), -1);
		ck_assert_int_eq(unlink(path), 0);
		free(path);
	}
	ck_assert_int_eq(rmdir(tmp), 0);

	tdict_set(d, "TEXT", "after freeze");
	tdict_set(tdict_add_include(d, "BODY", "part.tpl"), "OWN", "inc");
	out = expand_page(d);
	ck_assert_has(out, "<p id=\"text\">after freeze</p>");
	ck_assert_has(out, "<span id=\"own\">inc</span>");
	free(out);
	tdict_free(d);

	src = fixture("good");
	ck_assert_int_eq(tmpl_init(src, err, sizeof(err)), -1);
	ck_assert_has(err, "already loaded and frozen");
	free(src);
}
END_TEST

/*
 * The built-in templates: every template of templates/ is compiled in, loads with
 * the checks a folder gets, and expands with its includes.
 */
START_TEST(test_embedded)
{
	const char	*top = getenv("top_srcdir");
	char		 err[512], *path, *out = NULL;
	struct tdict	*d = tdict_new();
	int		 i, found;

	ck_assert_msg(tmpl_init_embedded(err, sizeof(err)) == 0, "%s", err);
	ck_assert_int_ge(tmpl_files_count, 18);
	for (i = 0; i < tmpl_files_count; i++) {
		ck_assert_int_ne(asprintf(&path, "%s/templates/%s",
		    top != NULL && *top != '\0' ? top : ".",
		    tmpl_files[i].name), -1);
		found = access(path, R_OK) == 0;
		ck_assert_msg(found, "%s is built in but not in templates/",
		    tmpl_files[i].name);
		free(path);
	}
	tdict_set_global(d, "CSRF", "tok<en>");
	tdict_add_include(d, "BODY", "login.tpl");
	ck_assert_int_eq(tmpl_expand("layout.tpl", d, &out, NULL), 0);
	ck_assert_has(out, "</html>");
	free(out);
	tdict_free(d);
	ck_assert_int_eq(tmpl_init_embedded(err, sizeof(err)), -1);
	ck_assert_has(err, "already loaded and frozen");
}
END_TEST

/*
 * Keys (issue 12): setting the same key again and again replaces its
 * value, every repetition of a section keeps its own; a key in a buffer
 * the caller reuses is told by its text, not its address; thousands of
 * keys in one dictionary all work.
 */
START_TEST(test_keys_once)
{
	struct tdict	*d;
	char		*out;
	int		 i;

	init_good();
	d = tdict_new();
	for (i = 0; i < 1000; i++) {
		tdict_set_int(d, "TEXT", i);
		tdict_set(d, "ATTR", i % 2 ? "odd" : "even");
		tdict_set(tdict_add_section(d, "ITEM"), "NAME", "n");
	}
	out = expand_page(d);
	ck_assert_has(out, "<p id=\"text\">999</p>");
	ck_assert_has(out, "value=\"odd\"");
	/* 1,000 repetitions of the section, each with its value. */
	for (i = 0; i < 1000; i++) {
		char	*li = strstr(out, "<li>n</li>");

		ck_assert_ptr_nonnull(li);
		memset(li, 'x', 4);
	}
	ck_assert_lacks(out, "<li>n</li>");
	free(out);
	tdict_free(d);
}
END_TEST

START_TEST(test_keys_reused_buffer)
{
	struct tdict	*d;
	char		 key[16], *out;

	init_good();
	d = tdict_new();
	snprintf(key, sizeof(key), "TEXT");
	tdict_set(d, key, "first");
	snprintf(key, sizeof(key), "ATTR");
	tdict_set(d, key, "second");
	snprintf(key, sizeof(key), "ITEM");
	tdict_set(tdict_add_section(d, key), "NAME", "third");
	snprintf(key, sizeof(key), "TEXT");
	tdict_set(d, key, "fourth");
	out = expand_page(d);
	ck_assert_has(out, "<p id=\"text\">fourth</p>");
	ck_assert_has(out, "value=\"second\"");
	ck_assert_has(out, "<li>third</li>");
	ck_assert_lacks(out, "first");
	free(out);
	tdict_free(d);
}
END_TEST

START_TEST(test_keys_many)
{
	struct tdict	*d;
	char		*keys[5000], *out, *text;
	int		 i;

	init_good();
	d = tdict_new();
	for (i = 0; i < 5000; i++) {
		ck_assert_int_ne(asprintf(&keys[i], "KEY_%d", i), -1);
		tdict_set_int(d, keys[i], i);
	}
	text = strdup("TEXT");
	ck_assert_ptr_nonnull(text);
	tdict_set(d, text, "still set");
	out = expand_page(d);
	ck_assert_has(out, "<p id=\"text\">still set</p>");
	free(out);
	free(text);
	for (i = 0; i < 5000; i++)
		free(keys[i]);
	tdict_free(d);
}
END_TEST

/*
 * The dictionary's memory (issue 12): a value or key from a buffer is
 * copied (the buffer may change or go before the expansion), a literal
 * is kept as it is; a section belongs to its tree, so freeing it alone is
 * refused and harms nothing.
 */
START_TEST(test_values_copied)
{
	struct tdict	*d = tdict_new(), *item;
	char		 buf[16], *key, *out;

	init_good();
	snprintf(buf, sizeof(buf), "from buffer");
	tdict_set(d, "TEXT", buf);
	memset(buf, 'x', sizeof(buf) - 1);
	ck_assert_ptr_nonnull(key = strdup("ATTR"));
	tdict_setn(d, key, "literal-and-more", 7);
	free(key);
	item = tdict_add_section(d, "ITEM");
	snprintf(buf, sizeof(buf), "item");
	tdict_set(item, "NAME", buf);
	buf[0] = 'X';
	out = expand_page(d);
	ck_assert_has(out, "<p id=\"text\">from buffer</p>");
	ck_assert_has(out, "value=\"literal\"");
	ck_assert_has(out, "<li>item</li>");
	free(out);
	tdict_free(d);
}
END_TEST

START_TEST(test_free_section_refused)
{
	struct tdict	*d = tdict_new(), *item;
	char		*out;

	init_good();
	item = tdict_add_section(d, "ITEM");
	tdict_set(item, "NAME", "kept");
	tdict_free(item);
	tdict_free(tdict_add_include(d, "BODY", "part.tpl"));
	out = expand_page(d);
	ck_assert_has(out, "<li>kept</li>");
	free(out);
	tdict_free(d);
}
END_TEST

/*
 * The audit page (issue 12): its rows are sections of the page's one
 * dictionary, escaped by the page's own expansion, without the full hash;
 * and the layout has no raw-body hole any more (the page cache used it).
 */
START_TEST(test_audit_rows)
{
	char		 err[512], *out = NULL;
	struct tdict	*d = tdict_new(), *row;
	int		 i;

	ck_assert_msg(tmpl_init_embedded(err, sizeof(err)) == 0, "%s", err);
	for (i = 1; i <= 2; i++) {
		row = tdict_add_section(d, "ROW");
		tdict_set_int(row, "ROW_ID", i);
		tdict_set(row, "ROW_ACTOR", "<b>op</b>");
		tdict_set(row, "ROW_HASH", "0123456789abcdef0123456789abcdef"
		    "0123456789abcdef0123456789abcdef");
		tdict_set(row, "ROW_HASH_SHORT", "0123456789ab");
		tdict_set(tdict_add_section(row, "DETAIL"), "DETAIL_VALUE",
		    "a\"b");
	}
	ck_assert_int_eq(tmpl_expand("audit.tpl", d, &out, NULL), 0);
	ck_assert_has(out, "<tr id=\"audit-1\">");
	ck_assert_has(out, "<tr id=\"audit-2\">");
	ck_assert_has(out, "<td>&lt;b&gt;op&lt;/b&gt;</td>");
	ck_assert_has(out, "a&quot;b");
	ck_assert_has(out, ">0123456789ab</code>");
	ck_assert_lacks(out, "0123456789abcdef0123456789abcdef");
	ck_assert_lacks(out, "<b>op</b>");
	free(out);
	tdict_free(d);

	d = tdict_new();
	tdict_set(tdict_add_section(d, "BODY_RAW"), "BODY_HTML",
	    "<script>raw()</script>");
	ck_assert_int_eq(tmpl_expand("layout.tpl", d, &out, NULL), 0);
	ck_assert_lacks(out, "<script>raw()");
	free(out);
	tdict_free(d);
}
END_TEST

#define NELEM(a) ((int)(sizeof(a) / sizeof((a)[0])))

static Suite *
tmpl_suite(void)
{
	Suite	*s = suite_create("tmpl");
	TCase	*tc;

	tc = tcase_create("escape");
	tcase_add_loop_test(tc, test_escape, 0, NELEM(escapes));
	suite_add_tcase(s, tc);

	tc = tcase_create("dictionary");
	tcase_add_test(tc, test_setters);
	tcase_add_test(tc, test_nulls);
	tcase_add_loop_test(tc, test_section, 0, NELEM(sections));
	tcase_add_test(tc, test_include);
	tcase_add_test(tc, test_global_per_tree);
	tcase_add_test(tc, test_include_absent);
	suite_add_tcase(s, tc);

	tc = tcase_create("keys");
	tcase_add_test(tc, test_keys_once);
	tcase_add_test(tc, test_keys_reused_buffer);
	tcase_add_test(tc, test_keys_many);
	tcase_add_test(tc, test_values_copied);
	tcase_add_test(tc, test_free_section_refused);
	suite_add_tcase(s, tc);

	tc = tcase_create("expand");
	tcase_add_loop_test(tc, test_expand_fails, 0, NELEM(failures));
	tcase_add_test(tc, test_expand_before_init);
	tcase_add_test(tc, test_frozen);
	suite_add_tcase(s, tc);

	tc = tcase_create("init");
	tcase_add_loop_test(tc, test_init_refused, 0, NELEM(refused));
	tcase_add_test(tc, test_init_small_err);
	tcase_add_test(tc, test_embedded);
	tcase_add_test(tc, test_audit_rows);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	/* Not even CK_FORK=no: a frozen cache cannot be loaded twice. */
	return unit_run_forked(tmpl_suite());
}
