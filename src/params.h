/* params.h: every input key the program accepts, declared once in params.c
 * next to its validator (the kcgi way). http.c runs the validators before
 * any handler; a handler reads only r->fieldmap[KEY_X] (present and valid)
 * or r->fieldnmap[KEY_X] (present but invalid). Unknown keys are dropped.
 * An empty value (not a file) is the same as no value: the key is absent,
 * in neither map, and no validator sees it. Browsers send every field of a
 * form, the ones left empty too, and an empty filter means "no filter",
 * an empty text field "not given". */
#ifndef DIALDESK_PARAMS_H
#define DIALDESK_PARAMS_H

#include <stddef.h>
#include <stdint.h>

enum key {
	KEY_CSRF,
	KEY_USERNAME,
	KEY_PASSWORD,
	KEY_NEXT,
	KEY_PAGE,
	KEY_USER,
	KEY_ACTION,
	KEY_FROM,
	KEY_TO,
	/* The task form: KEY_NAME, KEY_VIDEOBOTID, ... one per field of
	 * fields.def that is typed or chosen on the form. */
#define FIELD_TEXT(id, ...)	KEY_##id,
#define FIELD_OPTIONAL_TEXT(id, ...)	KEY_##id,
#define FIELD_SWITCH(id, ...)	KEY_##id,
#define FIELD_PHASE(id, ...)	KEY_##id,
#include "fields.def"
	KEY_LIST,
	KEY_PHONE_COL,
	KEY_NAME_COL,
	KEY_Q,
	KEY_STATUS,
	KEY_CREATOR,
	KEY_BATCH,
	KEY_ROLE,
	KEY_PASSWORD2,
	KEY_OLD_PASSWORD,
	KEY_GENERATE,
	KEY_MUST_CHANGE,
	KEY_VENDOR_LOGIN,
	KEY_DISABLE,
	KEY_MAY_SEE_PHONES,
	KEY_REASON,
	KEY_COPY,
	KEY_UPLOAD_TOKEN,
	KEY_DROP_UPLOAD,
	KEY_SHEET,
	KEY_HEADER_ROW,
	/* The settings page: named as config.c's keys. */
	KEY_VENDOR_URL,
	KEY_ORG_CODE,
	KEY_LOGIN_NAME,
	KEY_SIGN_RECIPE,
	KEY_SIGN_KEY,
	KEY_PHONE_ENCRYPTION,
	KEY_PHONE_KEY,
	KEY_BATCH_SIZE,
	KEY_VENDOR_TIMEOUT,
	KEY_CALLBACK_ALLOW,
	KEY_SIGN_KEY_CLEAR,
	KEY_PHONE_KEY_CLEAR,
	KEY_SAVED,
	KEY_PHONE,
	KEY_EXPIRES,
	KEY_BEFORE,
	KEY_DUP_SCOPE,
	KEY_DUP_DAYS,
	KEY_DUP_ACTION,
	KEY_AFTER,		/* a list page newer than this key */
	KEY__MAX
};

/* One input value, from the query string or the body. */
struct kpair {
	char		*key;
	char		*val;		/* NUL-terminated; see valsz */
	size_t		 valsz;
	int64_t		 parsed;	/* integers, after validation */
	char		*file;		/* uploaded file's temporary path */
	char		*filename;	/* as the client named it */
	char		*ctype;		/* as the client declared it */
	int64_t		 filesize;
	struct kpair	*next;		/* same key given again */
};

struct kvalid {
	int		(*valid)(struct kpair *);	/* 1 valid, 0 not */
	const char	*name;
};

extern const struct kvalid keys[KEY__MAX];

/* Validators, also used by tests. */
int	valid_token(struct kpair *);	/* 64 hex digits */
int	valid_username(struct kpair *);	/* [a-z0-9_.-]{1,32}, a letter first */
int	valid_password(struct kpair *);	/* 1-1024 bytes UTF-8, no NUL */
int	valid_localpath(struct kpair *);	/* "/..." on this site, no "//" */
int	valid_page(struct kpair *);	/* 1 to 1,000,000 */
int	valid_line(struct kpair *);	/* 0-200 chars UTF-8, no controls */
int	valid_action(struct kpair *);	/* [a-z._]{1,64} */
int	valid_date(struct kpair *);	/* YYYY-MM-DD, a real date */
int	valid_task_name(struct kpair *);	/* 1-100 chars, one line,
						 * trimmed in place */
int	valid_vendor_id(struct kpair *);	/* 1-64 of [A-Za-z0-9_.:-] */
int	valid_sms_title(struct kpair *);	/* 1-30 chars, one line */
int	valid_bool(struct kpair *);	/* true/on/1 or false/0/"" */
int	valid_phase(struct kpair *);	/* 1, 2, 3, or "" (0) */
int	valid_file(struct kpair *);	/* an uploaded, non-empty file */
int	valid_column(struct kpair *);	/* -2 to 16383 */
int	valid_task_state(struct kpair *);	/* a task state or "" */
int	valid_id(struct kpair *);	/* 1 to 2^53 */
int	valid_role(struct kpair *);	/* admin, operator or auditor */
int	valid_reason(struct kpair *);	/* 2-200 chars, one line */
int	valid_vendor_login(struct kpair *);	/* users_vendor_login_ok() */
int	valid_sheet(struct kpair *);	/* 0 to 4095: a sheet's index */
int	valid_header_row(struct kpair *);	/* 0 (none) to 1,048,576 */
int	valid_setting(struct kpair *);	/* UTF-8, one line, <= 4096 bytes:
					 * config_set() judges the value */
int	valid_dup_scope(struct kpair *);	/* list, mine or all (parsed 0-2) */
int	valid_dup_days(struct kpair *);	/* 1 to 365 */
int	valid_dup_action(struct kpair *);	/* exclude (0) or keep (1) */

/* Validate one text as a user name (CLI uses the same rule). */
int	username_ok(const char *);
/* 1 when s holds nothing but spaces (ASCII space, tab, U+3000). */
int	blank_text(const char *s, size_t len);

#endif
