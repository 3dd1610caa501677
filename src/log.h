/* log.h: the one logging interface. One line per event on standard error
 * (collected by systemd, the demo script or a test), in English, with
 * stable fields: the time, the level, the program, its pid, the request
 * id nginx gave the request being answered (if any) and the message; as
 * key=value text or as one JSON object (config: log_format). Never log a
 * password, token, key or full phone number. */
#ifndef DIALDESK_LOG_H
#define DIALDESK_LOG_H

void	log_init(const char *progname);
/* 1: one JSON object a line; 0: key=value text (the default). */
void	log_set_json(int json);
/* The request id of the request being answered ([A-Za-z0-9_-], at most
 * 64 characters; anything else is ignored), or NULL when none. */
void	log_set_request_id(const char *id);
/* The request id set, or NULL. */
const char *log_request_id(void);

/* The levels, each with the name its lines carry (log.c). */
enum log_level {
	LOG_LEVEL_INFO,		/* "info" */
	LOG_LEVEL_WARN,		/* "warning" */
	LOG_LEVEL_ERR,		/* "error" */
};
void	log_at(enum log_level, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
#define log_info(...)	log_at(LOG_LEVEL_INFO, __VA_ARGS__)
#define log_warn(...)	log_at(LOG_LEVEL_WARN, __VA_ARGS__)
#define log_err(...)	log_at(LOG_LEVEL_ERR, __VA_ARGS__)

#endif
