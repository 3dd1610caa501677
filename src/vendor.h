/* vendor.h: the client of the vendor's create-task API (PRODUCT.md section 1):
 * building and signing the request body, encrypting phones, sending it, and
 * telling apart "refused", "accepted", "surely not sent" and "unknown", so
 * that a batch is never sent twice. */
#ifndef DIALDESK_VENDOR_H
#define DIALDESK_VENDOR_H

#include <stddef.h>

#include "fields.h"

/* Appended to vendor_cfg.url. */
#define VENDOR_CREATE_PATH	"/api/mediaDeliverPlatform/external/create"
/* deliverList holds 1 to this many rows (the vendor's limit per push). */
#define VENDOR_MAX_ROWS		50000
/* Room for a sign: 64 lower-case hex digits and the NUL. */
#define VENDOR_SIGN_SIZE	65
/* Room for an encrypted phone: 32 lower-case hex digits and the NUL. */
#define VENDOR_PHONE_ENC_SIZE	33
/* Largest vendor answer read; a longer one is an unknown outcome. */
#define VENDOR_REPLY_MAX	(1024 * 1024)

/* The vendor settings, borrowed from struct config (config.h). */
struct vendor_cfg {
	const char	*url;		/* base, "https://api.vendor.example",
					 * VENDOR_CREATE_PATH is appended */
	const char	*org_code;
	const char	*login_name;	/* used when vendor_body() gets NULL */
	const char	*sign_key;
	const char	*sign_recipe;	/* e.g. "{orgCode}{loginName}{key}" */
	int		 phone_aes;	/* phone_encryption = aes-128-ecb */
	const char	*phone_key;	/* 32 hex digits when phone_aes */
	int		 connect_timeout;	/* seconds, <= 0: 10 */
	int		 timeout;	/* seconds for the whole request, <= 0: 60 */
	const char	*ca_file;	/* NULL: the system's CA store */
};

/* What a person chose on the task form, one value per field of fields.h
 * (text[] for text fields, num[] for switches and phases; the CONST and
 * SUPPLIED rows hold nothing here). A field whose switch is off is neither
 * checked nor sent; a phase of 0 is not sent. text[FIELD_NAME] is the full
 * task name, "春季回访 (2/3)". */
struct vendor_task {
	const char	*text[FIELD__MAX];
	int		 num[FIELD__MAX];
};

/* One person of the call list. Strings are borrowed for the call only. */
struct vendor_row {
	const char		*name;	/* NULL or "": not sent */
	const char		*phone;	/* normalised (phone.h): 11 digits,
					 * or 32 hex digits already encrypted */
	size_t			 nother;	/* otherInfo pairs, 0: not sent */
	const char *const	*titles;
	const char *const	*values;
};

/* Row source: fills *row and returns 1, returns 0 after the last row and
 * -1 on an error (vendor_body() then fails). */
typedef int (*vendor_next_row)(void *arg, struct vendor_row *row);

/*
 * Build the request body of one push: the fields of fields.def in their
 * order, with loginName, sign (vendor_sign() over login_name and the task
 * name) and deliverList from the rows of next(arg), each plain phone
 * AES-encrypted when cfg->phone_aes. login_name NULL means
 * cfg->login_name (a person's own vendor account overrides the configured
 * one; the caller decides). Refuses, with an English reason in err naming
 * the field (and the row, counted from 1), a body that breaks the
 * contract: an empty required field, or one required while its switch is
 * on ("audioBotId (required when isVoiceDivide is true) is empty"), a
 * phase other than 0-3 while its switch is on, no row or more than
 * VENDOR_MAX_ROWS, a phone that is neither 11 digits nor 32 hex, text that
 * is not UTF-8.
 * Returns the JSON text (NUL-terminated, its length in *len when len is not
 * NULL), to be released with free(); NULL on refusal or error.
 */
char	*vendor_body(const struct vendor_cfg *cfg, const char *login_name,
	    const struct vendor_task *task, vendor_next_row next, void *arg,
	    size_t *len, char *err, size_t errsz);

/*
 * The sign: lower-case hex SHA-256 of recipe with {orgCode}, {loginName},
 * {name} and {key} replaced by the values given; every other character is
 * taken as it is. Returns 0, or -1 (out "") when the recipe holds any other
 * brace text ("{foo}", a lone "{" or "}"), key is empty, or an argument is
 * NULL. out holds VENDOR_SIGN_SIZE bytes.
 */
int	 vendor_sign(const char *recipe, const char *org_code,
	    const char *login_name, const char *name, const char *key,
	    char out[VENDOR_SIGN_SIZE]);

/*
 * AES-128-ECB of the 11-digit phone with PKCS#7 padding (one block) under
 * hexkey (32 hex digits, either case), as 32 lower-case hex digits in out.
 * Returns 0, or -1 (out "") when the key or the phone is malformed or the
 * cipher fails.
 */
int	 vendor_encrypt_phone(const char *hexkey, const char *phone11,
	    char out[VENDOR_PHONE_ENC_SIZE]);

/* What became of a push. Only VENDOR_NOT_SENT may be retried without a
 * person looking: after VENDOR_UNKNOWN the vendor may hold the batch. */
enum vendor_outcome {
	VENDOR_ACCEPTED,	/* errCode 0 with a taskId */
	VENDOR_REFUSED,		/* errCode != 0: nothing was created */
	VENDOR_NOT_SENT,	/* the request surely never reached the vendor */
	VENDOR_UNKNOWN,		/* it may have: check at the vendor */
};

struct vendor_result {
	enum vendor_outcome outcome;
	long		 http_status;	/* 0 when no answer came */
	int		 has_err_code;	/* the answer held a numeric errCode */
	long		 err_code;
	char		 task_id[128];	/* "" unless VENDOR_ACCEPTED */
	char		 message[512];	/* Chinese, for the task page */
	char		 detail[512];	/* English, for logs; never the key,
					 * the sign or a phone */
	double		 seconds;	/* the whole exchange */
};

/* Set up libcurl once, at start-up, before any thread runs. Returns 0, or
 * -1 when libcurl cannot be initialised. */
int	 vendor_init(void);

/*
 * POST body (len bytes, from vendor_body()) to cfg->url +
 * VENDOR_CREATE_PATH and classify the answer into *res. TLS is always
 * verified (against cfg->ca_file when set); redirects are not followed; the
 * answer is read up to VENDOR_REPLY_MAX bytes. Every field of *res is set,
 * whatever happens. Returns 0 when the outcome is VENDOR_ACCEPTED, -1
 * otherwise (read res->outcome).
 */
int	 vendor_send(const struct vendor_cfg *cfg, const char *body,
	    size_t len, struct vendor_result *res);

/* The document's Chinese meaning of an errCode (-1, -2, -3, -4, 10), e.g.
 * "参数错误" for -1; NULL for any other code. */
const char	*vendor_err_zh(long err_code);

/*
 * One vendor task id, whatever form it came in: the create answer's taskId
 * and a push's dial_task_main_sn may each be the bare id or
 * "dial_task_main_sn|<id>" (the documents do not say which, PRODUCT.md
 * section 5). The id is the text after the last '|' (whatever the prefix
 * before it), without the blanks around it; an id of 32 hex digits is
 * lower-cased, as hex reads the same in either case. Both sides are put
 * through this before they are stored or compared, so that a push always
 * finds its batch. Returns 0 with the id in out (outsz bytes), or -1 (out "")
 * when no id is left or it does not fit.
 */
int	 vendor_task_id_normalise(const char *in, char *out, size_t outsz);

/* Short English name of an outcome for logs: "accepted", "refused",
 * "not_sent", "unknown". Never NULL. */
const char	*vendor_outcome_name(enum vendor_outcome);

#endif
