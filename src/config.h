/* config.h: dialdesk's one configuration file (INI style, flat keys).
 * Every key is declared once in config.c with its type, default and bounds;
 * docs/CONFIG.md documents each. An unknown key or a bad value is an error
 * that names the key and the line. */
#ifndef DIALDESK_CONFIG_H
#define DIALDESK_CONFIG_H

#include <stddef.h>

enum phone_encryption {
	PHONE_PLAIN = 0,	/* "none" */
	PHONE_AES128ECB,	/* "aes-128-ecb" */
};

enum log_format {
	LOG_TEXT = 0,		/* "text": key=value */
	LOG_JSON,		/* "json": one object a line */
};

struct config {
	/* storage and serving */
	char	*database;		/* SQLite file, or a PostgreSQL URI */
	char	*socket;		/* FastCGI unix socket */
	char	*socket_group;		/* group of the socket, "" = ours */
	int	 workers;		/* FastCGI worker processes */
	char	*templates;		/* override folder, "" = built in */
	char	*upload_dir;		/* temporary uploads, outside web root */
	long long upload_max_bytes;	/* request body limit */
	char	*public_url;		/* how people and the vendor reach us */
	int	 busy_timeout_ms;	/* SQLite busy_timeout */
	/* sign-in */
	int	 session_idle_minutes;
	int	 session_max_hours;
	int	 login_max_failures;	/* per account and address */
	int	 login_max_failures_addr;	/* per address per window */
	int	 login_window_minutes;
	int	 login_max_failures_account;	/* per account, any address */
	int	 login_delay_seconds;	/* first delay once a limit is hit */
	int	 login_known_days;	/* a sign-in makes an address known */
	int	 password_min_length;	/* characters, never below 8 */
	int	 retention_days;	/* personal data of done lists */
	/* the vendor */
	char	*vendor_url;
	char	*org_code;
	char	*login_name;
	char	*sign_key;
	char	*sign_recipe;
	enum phone_encryption phone_encryption;
	char	*phone_key;		/* 32 hex digits when AES */
	int	 vendor_connect_timeout;	/* seconds */
	int	 vendor_timeout;	/* seconds, whole request */
	int	 batch_size;		/* rows per push, <= 50000 */
	long	 max_rows;		/* rows per task */
	/* the vendor's import push */
	char	*callback_token;	/* "" = callback disabled */
	char	*callback_allow;	/* addresses allowed, "" = any */
	long long callback_max_bytes;	/* push body limit */
	/* running it: health, metrics, logs */
	char	*metrics_allow;		/* addresses that may read /metrics */
	int	 health_heartbeat_max_seconds;	/* worker silent longer: 503 */
	int	 health_queue_max_seconds;	/* a batch queued longer: 503 */
	enum log_format log_format;
	/* the audit log's anchors outside the database (audit.h) */
	char	*audit_key_file;	/* "" = <database>.audit-key */
	char	*audit_checkpoint_file;	/* "" = <database>.audit-checkpoints */
	int	 audit_checkpoint_minutes;	/* the worker's interval */
	int	 audit_checkpoint_syslog;	/* 1: also to syslog(3) */
	/* the vendor journal (journal.h) */
	char	*vendor_journal;	/* "" = <database>.vendor-journal */
	/* the push path's own pool (issue 7) */
	char	*callback_token_previous;	/* also taken during a rotation */
	char	*callback_socket;	/* "" = callback.sock beside socket */
	int	 callback_workers;	/* workers that answer only pushes */
	int	 listen_backlog;	/* listen() backlog of both sockets */
	int	 callback_refusals_max;	/* refused pushes per address a minute */
	/* the do-not-call list and repeats across tasks (dnc.h) */
	char	*dnc_key_file;		/* "" = <database>.dnc-key */
	int	 dup_days_default;	/* the task form's window, days */
	/* the host's own files with PostgreSQL (keys, checkpoints, journal,
	 * heartbeat): "" = $STATE_DIRECTORY, else the configuration's folder */
	char	*state_dir;
};

/* Fill with the documented defaults (every string malloc()ed). */
void	config_defaults(struct config *);
/* Read path over the defaults already in cfg. Returns 0, or -1 with an
 * English message such as "dialdesk.conf:12: workers: must be an integer
 * from 1 to 64" in err. Also checks keys against each other (phone_key
 * when phone_encryption is aes-128-ecb). */
int	config_load(struct config *, const char *path, char *err, size_t errsz);
/* Whether database names PostgreSQL (a libpq URI). */
int	config_is_pg(const struct config *);
/* The path the host's own files are named after (key files, checkpoints,
 * journal, heartbeat: this plus a suffix): the SQLite file, or with
 * PostgreSQL state_dir/dialdesk. Valid until the next call. */
const char *config_local_base(const struct config *);
/* database as logs and messages may show it: a URI's password hidden. */
const char *config_database_shown(const struct config *);
/* The file to read: --config, else $DIALDESK_CONFIG, else
 * /etc/dialdesk/dialdesk.conf if it exists, else NULL (defaults only). */
const char *config_path(const char *from_argv);
void	config_free(struct config *);
/* Is addr (IPv4 or IPv6 text) one of the addresses of list, an address
 * list as config.c stores it (space-separated)? Compared in binary, so
 * that other spellings of one address match. An empty list holds none. */
int	config_addr_listed(const char *list, const char *addr);
/* The callback pool's socket: callback_socket, or callback.sock in the
 * folder of socket when it is empty. Returns 0, or -1 when it does not
 * fit in sz. */
int	config_callback_socket(const struct config *, char *buf, size_t sz);
/* A deep copy of src into dst (which owns nothing yet): 0, or -1 when out
 * of memory (dst then owns nothing). */
int	config_dup(struct config *dst, const struct config *src);

/*
 * One key at a time, for the settings page (settings.c): the keys an
 * administrator may change there are flagged in config.c's one table, and
 * a value typed on the page goes through the very checks a value in the
 * file does, with the same English message.
 */
struct config_problem {
	const char	*key;		/* the key at fault, NULL if none */
	char		 en[256];	/* the file's message: "batch_size:
					 * must be an integer from 1 to 50000" */
	char		 zh[256];	/* the same for pages, in Chinese */
};
/* The i-th key (from 0) that the settings page may change, in the table's
 * order; NULL past the last. */
const char *config_page_key(size_t i);
/* Is it such a key? Is it a secret (written, never shown)? */
int	config_key_page(const char *key);
int	config_key_secret(const char *key);
/* How a page asks for it. */
enum config_kind {
	CONFIG_KIND_TEXT,
	CONFIG_KIND_NUMBER,	/* config_key_bounds() */
	CONFIG_KIND_CHOICE,	/* config_key_choices() */
	CONFIG_KIND_SECRET,
};
enum config_kind config_key_kind(const char *key);
/* The names of a choice, NULL-terminated; NULL for other kinds. */
const char *const *config_key_choices(const char *key);
/* The bounds of a number: 0, or -1 for other kinds. */
int	config_key_bounds(const char *key, long long *min, long long *max);
/* Set key from value as if "key = value" stood in the file (trimmed,
 * unquoted, checked): 0, or -1 with *pb filled (pb may be NULL) and cfg
 * unchanged. Does not check keys against each other: config_check(). */
int	config_set(struct config *, const char *key, const char *value,
	    struct config_problem *pb);
/* The checks across keys that config_load() makes: 0, or -1 with *pb. */
int	config_check(const struct config *, struct config_problem *pb);
/* The value of key as it would be written in the file (a choice by its
 * name, a number in decimal); malloc()ed, NULL for an unknown key or out
 * of memory. */
char	*config_get(const struct config *, const char *key);

#endif
