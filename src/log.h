/* log.h: the one logging interface. Lines go to standard error (collected
 * by systemd or the demo script), in English, prefixed with the program
 * name and pid. Never log a password, token, key or full phone number. */
#ifndef DIALDESK_LOG_H
#define DIALDESK_LOG_H

void	log_init(const char *progname);
void	log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void	log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void	log_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
