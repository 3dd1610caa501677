/* page_task.c: GET /tasks/{id} — one task: the parameters sent, the
 * list's figures and the vendor's import figures over all batches, its
 * batches 20 a page (after=, before= a batch number) with their state,
 * vendor task id, errCode, message, attempts, times and figures, and a
 * link that copies its parameters into a new task form; it refreshes
 * itself while batches are still going out. Statuses: 200, 400 (a page
 * key that is not valid), 404, 500. */
#include "autoconf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chart.h"
#include "dnc.h"
#include "http.h"
#include "import.h"
#include "pages.h"
#include "store/tasks.h"
#include "task.h"
#include "tmpl.h"
#include "ui.h"

/* Batches a page: the totals and the chart are over all of them. */
#define BATCHES_PER_PAGE	20

struct batches {
	struct request		*r;
	struct tdict		*body;
	const struct task_row	*t;
	int			 may_act;
};

/* "12/500" into out: a batch's number of all, by integer code (printf was
 * a fifth of a row's time). */
static void
seq_of(int64_t seq, int64_t of, char out[48])
{
	size_t	 n = tmpl_int_text(seq, out);

	out[n++] = '/';
	tmpl_int_text(of, out + n);
}

static int
add_batch(void *arg, const struct batch_row *b)
{
	struct batches	*bs = arg;
	struct tdict	*s, *f;
	char		 when[32], seq[48];

	s = tdict_add_section(bs->body, "BATCH");
	seq_of(b->seq, bs->t->batch_count, seq);
	tdict_set(s, "BATCH_SEQ", seq);
	tdict_set_int(s, "BATCH_ROWS", b->rows);
	tdict_set(s, "BATCH_STATE", batch_state_css(b->state));
	tdict_set(s, "BATCH_STATE_LABEL", batch_state_label(b->state));
	tdict_set(s, "BATCH_VENDOR_TASK_ID", b->vendor_task_id);
	if (b->has_err_code)
		tdict_set_int(s, "BATCH_ERRCODE", b->err_code);
	tdict_set(s, "BATCH_MESSAGE", b->message);
	tdict_set_int(s, "BATCH_ATTEMPTS", b->attempts);
	if (b->sent_at > 0) {
		ui_time(b->sent_at, when);
		tdict_set(s, "BATCH_SENT_AT", when);
	}
	/* The first 12 hex digits. */
	tdict_setn(s, "BATCH_BODY_SHA", b->body_sha256,
	    strnlen(b->body_sha256, 12));
	tdict_set(s, "BATCH_BODY_SHA_FULL", b->body_sha256);
	if (bs->may_act && (b->state == BATCH_UNKNOWN ||
	    b->state == BATCH_FAILED)) {
		f = tdict_add_section(s, "BATCH_RESEND");
		tdict_set(f, "CSRF", bs->r->sess.csrf);
		tdict_setf(f, "RESEND_ACTION", "/batches/%lld/resend",
		    (long long)b->id);
	}
	return 0;
}

/* The page's batches, those after seq key, BATCHES_PER_PAGE of them. */
static int
fill_batches(struct request *r, struct tdict *body, const struct task_row *t,
    int may_act, int64_t key)
{
	struct batches	 bs = { r, body, t, may_act };

	return store_task_batches(r->db, t->id, key, BATCHES_PER_PAGE,
	    add_batch, &bs);
}

/* The seq the page's batches follow: after=, or before= minus a page.
 * Batch numbers run 1..batch_count without gaps (a task is cut into its
 * batches once, at confirming), so a page is a range of them. */
static int64_t
batch_key(const struct request *r, const struct task_row *t)
{
	int64_t	 key = 0;

	if (r->fieldmap[KEY_AFTER] != NULL)
		key = r->fieldmap[KEY_AFTER]->parsed;
	else if (r->fieldmap[KEY_BEFORE] != NULL)
		key = r->fieldmap[KEY_BEFORE]->parsed - 1 - BATCHES_PER_PAGE;
	if (key > t->batch_count - 1)
		key = t->batch_count - 1;
	return key > 0 ? key : 0;
}

/* The pager of the batch tables: first, previous and next pages. */
static void
fill_batch_pager(struct tdict *body, const struct task_row *t, int64_t key)
{
	struct tdict	*s = tdict_add_section(body, "BATCH_PAGER");
	int64_t		 last = key + BATCHES_PER_PAGE < t->batch_count ?
			    key + BATCHES_PER_PAGE : t->batch_count;

	tdict_setf(s, "PAGER_TEXT", "第 %lld 至 %lld 批，共 %lld 批",
	    (long long)(key + 1), (long long)last, (long long)t->batch_count);
	if (key > 0) {
		tdict_setf(tdict_add_section(s, "FIRST"), "FIRST_HREF",
		    "/tasks/%lld", (long long)t->id);
		tdict_setf(tdict_add_section(s, "PREV"), "PREV_HREF",
		    "/tasks/%lld?before=%lld", (long long)t->id,
		    (long long)(key + 1));
	}
	if (last < t->batch_count)
		tdict_setf(tdict_add_section(s, "NEXT"), "NEXT_HREF",
		    "/tasks/%lld?after=%lld", (long long)t->id, (long long)last);
}

/* "2 小时 5 分钟" since t. */
static void
since(int64_t now, int64_t t, char out[64])
{
	int64_t	 m = (now - t) / 60;

	if (m < 1)
		snprintf(out, 64, "不到 1 分钟");
	else if (m < 60)
		snprintf(out, 64, "%lld 分钟", (long long)m);
	else if (m < 60 * 48)
		snprintf(out, 64, "%lld 小时 %lld 分钟", (long long)(m / 60),
		    (long long)(m % 60));
	else
		snprintf(out, 64, "%lld 天", (long long)(m / 1440));
}

/* The keys of the 13 figure cells of an import row (breakdown.tpl): each
 * a variable of the row's one dictionary, not a dictionary of its own (13
 * sections a row were a third of the page's time). Literals, so that
 * tmpl's key cache knows them by address. */
static const char *const cell_count_key[PF__MAX] = {
	"N0", "N1", "N2", "N3", "N4", "N5", "N6", "N7", "N8", "N9", "N10",
	"N11", "N12",
};
static const char *const cell_pct_key[PF__MAX] = {
	"P0", "P1", "P2", "P3", "P4", "P5", "P6", "P7", "P8", "P9", "P10",
	"P11", "P12",
};
_Static_assert(PF__MAX == 13, "breakdown.tpl writes 13 figure cells");

static void
fill_figures(struct tdict *row, const int64_t *fig)
{
	char		 pct[16];
	size_t		 i;

	tdict_show(row, "ROW_FIGS");
	for (i = 0; i < PF__MAX; i++) {
		tdict_set_int(row, cell_count_key[i], fig[i]);
		/* The total is 100 % of itself: no share beside it. */
		if (i == PF_TOTAL)
			continue;
		chart_pct(fig[i], fig[PF_TOTAL], pct);
		tdict_set(row, cell_pct_key[i], pct);
	}
}

/* One batch's line of the import figures. */
struct figure_rows {
	struct request		*r;
	struct tdict		*bd;
	int64_t			 batches;
};

static int
add_figures(void *arg, const struct batch_figures *br)
{
	struct figure_rows *fr = arg;
	struct tdict	*row, *s;
	char		 ago[64], seq[48];

	row = tdict_add_section(fr->bd, "IMPORT_ROW");
	seq_of(br->seq, fr->batches, seq);
	tdict_set(row, "ROW_LABEL", seq);
	if (br->pushed && br->ok) {
		tdict_set(row, "ROW_STATE", "已推送");
		fill_figures(row, br->fig);
	} else if (br->pushed) {
		tdict_set(row, "ROW_STATE", "导入失败");
		tdict_show(row, "ROW_NOFIGS");
		s = tdict_add_section(row, "ROW_FAILED");
		tdict_set(s, "FAIL_REASON", br->reason);
	} else {
		tdict_show(row, "ROW_NOFIGS");
		s = tdict_add_section(row, "ROW_WAITING");
		if (br->state == BATCH_SENT) {
			tdict_set(row, "ROW_STATE", "等待推送");
			since(fr->r->now, br->sent_at, ago);
			tdict_setf(s, "WAIT_TEXT", "已发送 %s，尚未收到"
			    "供应商的导入推送", ago);
		} else {
			tdict_set(row, "ROW_STATE",
			    batch_state_label(br->state));
			tdict_setf(s, "WAIT_TEXT", "批次%s，没有导入结果",
			    batch_state_label(br->state));
		}
	}
	if (br->pushes > 1) {
		s = tdict_add_section(row, "ROW_HISTORY");
		tdict_setf(s, "HISTORY_TEXT", "共收到 %lld 次推送，显示"
		    "最新一次", (long long)br->pushes);
	}
	return 0;
}

/* The vendor's import figures: in total and as a chart over all batches
 * (tt), per batch for the page's batches (those after seq key), and
 * beside the local pre-check. */
static int
fill_breakdown(struct request *r, struct tdict *body, const struct task_row *t,
    const struct task_totals *tt, int64_t key, int64_t valid,
    int64_t invalid, int64_t dups)
{
	struct chart_bar bars[PF__MAX - 1];
	struct figure_rows fr;
	struct tdict	*bd, *s, *row;
	char		 text[256];
	int64_t		 diff;
	size_t		 i;

	bd = tdict_add_include(body, "BREAKDOWN", "breakdown.tpl");
	for (i = 0; i < PF__MAX; i++) {
		s = tdict_add_section(bd, "COL");
		tdict_set(s, "COL_LABEL", push_figures[i].label);
	}
	if (tt->with_figures == 0)
		tdict_show(bd, "NO_PUSH_YET");

	s = tdict_add_section(bd, "COMPARE");
	tdict_set_int(s, "LOCAL_VALID", valid);
	tdict_set_int(s, "LOCAL_INVALID", invalid);
	tdict_set_int(s, "LOCAL_DUPLICATES", dups);
	/* Our do-not-call list beside the vendor's blacklist. */
	{
		struct dnc_figures f;
		if (dnc_import_figures(r->db, t->import_id, &f) == -1)
			memset(&f, 0, sizeof(f));
		tdict_set_int(s, "LOCAL_DNC", f.listed);
		tdict_set_int(s, "LOCAL_RECENT", f.recent);
		tdict_set_int(s, "VENDOR_BLACKLIST", tt->fig[PF_BLACKLIST]);
	}
	tdict_set_int(s, "SENT_ROWS", tt->sent_rows);
	tdict_set_int(s, "VENDOR_TOTAL", tt->fig[PF_TOTAL]);
	tdict_set_int(s, "VENDOR_SUCCESS", tt->fig[PF_SUCCESS]);
	/* Compare like with like: the rows of the batches reported on. */
	diff = tt->reported_rows - tt->fig[PF_TOTAL];
	if (tt->with_figures == 0)
		snprintf(text, sizeof(text), "尚未收到导入结果，无法比较。");
	else if (diff == 0)
		snprintf(text, sizeof(text), "供应商导入总数与已报告批次的发送数一致"
		    "（%lld 条）。", (long long)tt->reported_rows);
	else {
		snprintf(text, sizeof(text), "供应商导入总数比已报告批次的发送数"
		    "%s %lld 条。", diff > 0 ? "少" : "多",
		    (long long)(diff > 0 ? diff : -diff));
		tdict_show(s, "DIFF_WARN");
	}
	tdict_set(s, "DIFF_TEXT", text);

	for (i = 1; i < PF__MAX; i++) {
		bars[i - 1].label = push_figures[i].label;
		bars[i - 1].css = push_figures[i].css;
		bars[i - 1].value = tt->fig[i];
	}
	snprintf(text, sizeof(text), "导入结果（导入总数 %lld）",
	    (long long)tt->fig[PF_TOTAL]);
	chart_fill(tdict_add_include(bd, "CHART", "chart.tpl"), "task-chart",
	    text, bars, PF__MAX - 1, tt->fig[PF_TOTAL]);

	fr = (struct figure_rows){ r, bd, tt->batches };
	if (store_task_breakdown_page(r->db, t->id, key, BATCHES_PER_PAGE,
	    add_figures, &fr) == -1)
		return -1;
	if (tt->batches > 1 || tt->with_figures > 0) {
		row = tdict_add_section(bd, "IMPORT_ROW");
		tdict_set(row, "ROW_LABEL", "合计");
		tdict_show(row, "ROW_IS_TOTAL");
		tdict_setf(row, "ROW_STATE", "%lld/%lld 批有结果",
		    (long long)tt->with_figures, (long long)tt->batches);
		fill_figures(row, tt->fig);
	}
	s = tdict_add_section(bd, "EXPORTS");
	tdict_setf(s, "BREAKDOWN_CSV_HREF", "/tasks/%lld/breakdown.csv",
	    (long long)t->id);
	tdict_setf(s, "BREAKDOWN_XLSX_HREF", "/tasks/%lld/breakdown.xlsx",
	    (long long)t->id);
	return 0;
}

void
page_task(struct request *r)
{
	struct task_row	 t;
	struct task_totals tt;
	struct import	 im;
	struct tdict	*page, *body, *s;
	char		 when[32];
	int64_t		 key;
	int		 found, may_act;

	if (!ui_pager_valid(r)) {
		ui_error(r, 400, "翻页位置无效",
		    "翻页位置（before、after）为正整数，且只给一个。");
		return;
	}
	if ((found = task_get(r->db, r->path_id, &t)) == -1) {
		ui_error(r, 500, "服务器内部错误", NULL);
		return;
	}
	if (found == 0) {
		ui_error(r, 404, "任务不存在", NULL);
		return;
	}
	/* The cancel and resend forms only for those the router lets use
	 * them: the task's creator and administrators. */
	may_act = r->may_act;
	page = ui_page(r, t.name, "task.tpl", &body);
	tdict_set_int(body, "TASK_ID", t.id);
	tdict_set(body, "TASK_NAME", t.name);
	tdict_set(body, "TASK_STATE", task_state_css(t.state));
	tdict_set(body, "TASK_STATE_LABEL", task_state_label(t.state));
	tdict_set(body, "TASK_CREATOR", t.creator);
	ui_time(t.created, when);
	tdict_set(body, "TASK_CREATED", when);
	tdict_set(body, "LOGIN_NAME", t.login_name);
	ui_fill_params(body, t.params, 0);
	/* Anyone who may create tasks may start one from this one's
	 * parameters, not only its creator: every operator may read every
	 * task, so may copy it. */
	if (r->sess.role & (ROLE_ADMIN | ROLE_OPERATOR)) {
		s = tdict_add_section(body, "CAN_COPY");
		tdict_setf(s, "COPY_HREF", "/tasks/new?copy=%lld",
		    (long long)t.id);
	}

	memset(&im, 0, sizeof(im));
	if (import_get(r->db, t.import_id, &im) == 1) {
		tdict_set(body, "FILE_NAME", im.file_name);
		tdict_set_int(body, "ROWS_READ", im.rows_read);
		tdict_set_int(body, "VALID", im.valid);
		tdict_set_int(body, "INVALID", im.invalid);
		tdict_set_int(body, "DUPLICATES", im.duplicates);
		tdict_setf(body, "IMPORT_HREF", "/imports/%lld",
		    (long long)im.id);
	}
	key = batch_key(r, &t);
	if (store_task_totals(r->db, t.id, &tt) == -1 ||
	    fill_batches(r, body, &t, may_act, key) == -1 ||
	    fill_breakdown(r, body, &t, &tt, key, im.valid, im.invalid,
	    im.duplicates) == -1) {
		import_clear(&im);
		tdict_free(page);
		task_clear(&t);
		ui_error(r, 500, "服务器内部错误", NULL);
		return;
	}
	import_clear(&im);
	fill_batch_pager(body, &t, key);
	tdict_set_int(body, "BATCHES_TOTAL", t.batch_count);
	tdict_set_int(body, "BATCHES_SETTLED", tt.batches - tt.pending);
	if (tt.pending > 0) {
		/* A meta refresh: no script needed, and CSP allows it. */
		s = tdict_add_section(page, "REFRESH");
		tdict_set_int(s, "REFRESH_SECONDS", 5);
		tdict_show(body, "REFRESHING");
		if (may_act && t.state != TASK_CANCELLED) {
			s = tdict_add_section(body, "CAN_CANCEL");
			tdict_set(s, "CSRF", r->sess.csrf);
			tdict_setf(s, "CANCEL_ACTION", "/tasks/%lld/cancel",
			    (long long)t.id);
		}
	}
	task_clear(&t);
	ui_send(r, 200, page);
}
