/* page_task.c: GET /tasks/{id} — one task: the parameters sent, the
 * list's figures, every batch with its state, vendor task id, errCode,
 * message, attempts and times, and a link that copies its parameters
 * into a new task form; it refreshes itself while batches are still going
 * out. Statuses: 200, 404, 500. */
#include "autoconf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "breakdown.h"
#include "chart.h"
#include "dnc.h"
#include "http.h"
#include "import.h"
#include "pages.h"
#include "store/tasks.h"
#include "task.h"
#include "tmpl.h"
#include "ui.h"

struct batches {
	struct request		*r;
	struct tdict		*body;
	const struct task_row	*t;
	int			 may_act, pending, settled;
};

static int
add_batch(void *arg, const struct batch_row *b)
{
	struct batches	*bs = arg;
	struct tdict	*s, *f;
	char		 when[32], shortsha[13];

	s = tdict_add_section(bs->body, "BATCH");
	tdict_setf(s, "BATCH_SEQ", "%lld/%lld", (long long)b->seq,
	    (long long)bs->t->batch_count);
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
	snprintf(shortsha, sizeof(shortsha), "%s", b->body_sha256);
	tdict_set(s, "BATCH_BODY_SHA", shortsha);
	tdict_set(s, "BATCH_BODY_SHA_FULL", b->body_sha256);
	if (b->state == BATCH_QUEUED || b->state == BATCH_SENDING)
		bs->pending++;
	else
		bs->settled++;
	if (bs->may_act && (b->state == BATCH_UNKNOWN ||
	    b->state == BATCH_FAILED)) {
		f = tdict_add_section(s, "BATCH_RESEND");
		tdict_set(f, "CSRF", bs->r->sess.csrf);
		tdict_setf(f, "RESEND_ACTION", "/batches/%lld/resend",
		    (long long)b->id);
	}
	return 0;
}

/* The batches; returns how many are settled (-1 on error). */
static int
fill_batches(struct request *r, struct tdict *body, const struct task_row *t,
    int may_act, int *pending)
{
	struct batches	 bs = { r, body, t, may_act, 0, 0 };

	*pending = 0;
	if (store_task_batches(r->db, t->id, add_batch, &bs) == -1)
		return -1;
	*pending = bs.pending;
	return bs.settled;
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

static void
fill_figures(struct tdict *row, const int64_t *fig)
{
	struct tdict	*c;
	char		 pct[16];
	size_t		 i;

	for (i = 0; i < PF__MAX; i++) {
		c = tdict_add_section(row, "CELL");
		tdict_set_int(c, "CELL_COUNT", fig[i]);
		if (i == PF_TOTAL)
			pct[0] = '\0';
		else
			chart_pct(fig[i], fig[PF_TOTAL], pct);
		tdict_set(c, "CELL_PCT", pct);
	}
}

/* The vendor's import figures: per batch, in total, as a chart, and
 * beside the local pre-check. */
static int
fill_breakdown(struct request *r, struct tdict *body, const struct task_row *t,
    int64_t valid, int64_t invalid, int64_t dups)
{
	struct breakdown b;
	struct chart_bar bars[PF__MAX - 1];
	struct tdict	*bd, *s, *row;
	char		 text[256], ago[64];
	int64_t		 diff;
	size_t		 i;

	if (breakdown_load(r->db, t->id, &b) == -1) {
		breakdown_clear(&b);
		return -1;
	}
	bd = tdict_add_include(body, "BREAKDOWN", "breakdown.tpl");
	for (i = 0; i < PF__MAX; i++) {
		s = tdict_add_section(bd, "COL");
		tdict_set(s, "COL_LABEL", push_figures[i].label);
	}
	if (b.with_figures == 0)
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
		tdict_set_int(s, "VENDOR_BLACKLIST", b.total[PF_BLACKLIST]);
	}
	tdict_set_int(s, "SENT_ROWS", b.sent_rows);
	tdict_set_int(s, "VENDOR_TOTAL", b.total[PF_TOTAL]);
	tdict_set_int(s, "VENDOR_SUCCESS", b.total[PF_SUCCESS]);
	/* Compare like with like: the rows of the batches reported on. */
	diff = b.reported_rows - b.total[PF_TOTAL];
	if (b.with_figures == 0)
		snprintf(text, sizeof(text), "尚未收到导入结果，无法比较。");
	else if (diff == 0)
		snprintf(text, sizeof(text), "供应商导入总数与已报告批次的发送数一致"
		    "（%lld 条）。", (long long)b.reported_rows);
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
		bars[i - 1].value = b.total[i];
	}
	snprintf(text, sizeof(text), "导入结果（导入总数 %lld）",
	    (long long)b.total[PF_TOTAL]);
	chart_fill(tdict_add_include(bd, "CHART", "chart.tpl"), "task-chart",
	    text, bars, PF__MAX - 1, b.total[PF_TOTAL]);

	for (i = 0; i < b.n; i++) {
		const struct bd_row *br = &b.rows[i];
		row = tdict_add_section(bd, "IMPORT_ROW");
		tdict_setf(row, "ROW_LABEL", "%lld/%zu", (long long)br->seq,
		    b.n);
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
				since(r->now, br->sent_at, ago);
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
	}
	if (b.n > 1 || b.with_figures > 0) {
		row = tdict_add_section(bd, "IMPORT_ROW");
		tdict_set(row, "ROW_LABEL", "合计");
		tdict_show(row, "ROW_IS_TOTAL");
		tdict_setf(row, "ROW_STATE", "%zu/%zu 批有结果",
		    b.with_figures, b.n);
		fill_figures(row, b.total);
	}
	s = tdict_add_section(bd, "EXPORTS");
	tdict_setf(s, "BREAKDOWN_CSV_HREF", "/tasks/%lld/breakdown.csv",
	    (long long)t->id);
	tdict_setf(s, "BREAKDOWN_XLSX_HREF", "/tasks/%lld/breakdown.xlsx",
	    (long long)t->id);
	breakdown_clear(&b);
	return 0;
}

void
page_task(struct request *r)
{
	struct task_row	 t;
	struct import	 im;
	struct tdict	*page, *body, *s;
	char		 when[32];
	int		 found, settled, pending, may_act;

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
	if ((settled = fill_batches(r, body, &t, may_act, &pending)) == -1 ||
	    fill_breakdown(r, body, &t, im.valid, im.invalid,
	    im.duplicates) == -1) {
		import_clear(&im);
		tdict_free(page);
		task_clear(&t);
		ui_error(r, 500, "服务器内部错误", NULL);
		return;
	}
	import_clear(&im);
	tdict_set_int(body, "BATCHES_TOTAL", t.batch_count);
	tdict_set_int(body, "BATCHES_SETTLED", settled);
	if (pending > 0) {
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
