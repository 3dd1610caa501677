/* ui.h: the page chrome shared by every page (cgit's ui-shared): the
 * layout with navigation by role, the CSRF token of forms, error pages,
 * and the way a filled dictionary becomes a response. */
#ifndef DIALDESK_UI_H
#define DIALDESK_UI_H

#include <stddef.h>
#include <stdint.h>

#include "params.h"

struct request;
struct tdict;

/* A layout dictionary for a page titled title whose body is the template
 * body_tpl; *body is the body's dictionary, to be filled by the page.
 * Returns the layout dictionary (free it through ui_send). */
struct tdict	*ui_page(struct request *, const char *title,
		    const char *body_tpl, struct tdict **body);
/* Expand layout.tpl with page, answer with status, and free page. */
void		 ui_send(struct request *, int status, struct tdict *page);
/* An error page with a Chinese message (and an optional detail). */
void		 ui_error(struct request *, int status, const char *message,
		    const char *detail);
/* The token every form of this request carries: the session's when signed
 * in, else the double-submit cookie's (set now when missing). */
const char	*ui_csrf(struct request *);
/* Local time of a unix time, "2026-11-21 20:00:00". */
void		 ui_time(int64_t t, char out[32]);
/* Local time of an audit timestamp (UTC text), same format. */
void		 ui_time_utc_text(const char *utc, char out[32]);

/* Local midnight of a date (yyyymmdd) plus days, as unix time. */
int64_t		 ui_day_start(int64_t yyyymmdd, int days);
/* "path?page=N" with the request's values of the filter keys, %-encoded;
 * malloc()ed or NULL. */
char		*ui_filter_href(const struct request *, const char *path,
		    const enum key *, size_t n, int64_t page);
/* The same for a list paged by key: "path?before=N&..." (which is
 * KEY_BEFORE or KEY_AFTER) or, which KEY__MAX, the first page. */
char		*ui_key_href(const struct request *, const char *path,
		    const enum key *, size_t n, enum key which, int64_t key);
/* The before= and after= keys of a list page are valid: numbers, not both. */
int		 ui_pager_valid(const struct request *);
/* A list page's pager in body: FIRST and PREV (after=first) when newer rows
 * exist, NEXT (before=last) when older ones do, PAGE_LABEL; the links
 * keep the filters of fkeys. */
struct tdict;
void		 ui_fill_pager(const struct request *, struct tdict *,
		    const char *path, const enum key *, size_t n, int newer,
		    int older, int64_t first, int64_t last);

/* A list being filled by a store walk: the dictionary its sections go
 * into and how many rows came (a page asks for one more than it shows, to
 * know that there is a next page). */
struct ui_list {
	struct tdict	*body;
	int		 n;
	int64_t		 first, last;	/* keys of the rows shown first and last */
};

/* One row come from the walk: 1 when it is on a page of per_page rows
 * (n, first and last updated), 0 when it is the one past the page. */
int		 ui_list_take(struct ui_list *, int64_t key, int per_page);

/* A walk up from an after= key: how many rows came and the key of the
 * per_page-th. A page's walk calls ui_upward_add() for each row. */
struct ui_upward {
	int64_t	 top;
	int	 n;
	int	 per_page;
};
void		 ui_upward_add(struct ui_upward *, int64_t key);
/* The key of a list page, older than which its rows are (0: the first
 * page): before=, or for after= one above the per_page-th of the rows just
 * above it, walked by up() (per_page + 1 of them, newest last), unless
 * fewer came (then the first page, full). 0, or -1 when up() failed. */
int		 ui_pager_key(struct request *, int per_page,
		    int (*up)(struct request *, int64_t after,
		    struct ui_upward *, void *), void *arg, int64_t *key);

/* Texts by key (the labels of codes, the notices of a query value) in a
 * table written in the order that reads best, sorted at its first look-up
 * (a worker serves one request at a time) and then found by bsearch. */
struct ui_text {
	const char	*key;
	const char	*text;
};
struct ui_texts {
	struct ui_text	*t;
	size_t		 n;
	int		 sorted;
};
#define UI_TEXTS(table)	{ (table), sizeof(table) / sizeof((table)[0]), 0 }
/* The text of key, NULL when the table has none. */
const char	*ui_text_find(struct ui_texts *, const char *key);

/* A link of a role's page chrome (the navigation, the home page's cards):
 * one section each that the role sees, with LINK_HREF, LINK_LABEL,
 * LINK_TEXT and LINK_CURRENT shown on the link numbered current. */
struct ui_link {
	const char	*href;
	const char	*label;
	const char	*text;
	unsigned	 roles;
};
void		 ui_fill_links(struct tdict *, const char *section,
		    const struct ui_link *, size_t n, unsigned role,
		    int current);

/* The role select of the users forms (ROLE_OPT rows). */
enum role;
void		 ui_fill_role_options(struct tdict *, enum role selected);
/* The U_* values of one account (users list and user page). */
struct user_row;
void		 ui_fill_user(struct tdict *, const struct user_row *);
/* The TASK_* values of one task in a list (dashboard and task history):
 * id (the link is made of it), name, creator, created, rows and state. */
struct task_summary;
void		 ui_fill_task_summary(struct tdict *,
		    const struct task_summary *);
/* The vendor parameters of a task or import (its stored JSON) as PARAM
 * rows (PARAM_LABEL, PARAM_VALUE), in the order of fields.def; the task
 * name only when with_name. Nothing when the JSON does not parse. */
void		 ui_fill_params(struct tdict *, const char *json,
		    int with_name);

/* The task history's filter keys, its filters of the request (state,
 * creator, date range, a part of the name) and whether all are valid; the
 * creator select of a filter form (CREATOR_OPT rows). */
#define NTASK_FILTER_KEYS	5
extern const enum key task_filter_keys[NTASK_FILTER_KEYS];
struct task_filter;
void		 ui_tasks_filter(const struct request *, struct task_filter *);
int		 ui_tasks_filters_valid(const struct request *);
int		 ui_fill_creators(struct request *, struct tdict *, int64_t want);

#endif
