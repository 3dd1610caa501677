/* errbuf.h: how a function that can fail tells its caller why: an English
 * message written into a buffer the caller owns (err, errsz). */
#ifndef DIALDESK_ERRBUF_H
#define DIALDESK_ERRBUF_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* printf into err, cut to errsz bytes; nothing when err is NULL or errsz
 * is 0, so that a caller that does not want the reason may pass NULL. */
void	errbuf_set(char *err, size_t errsz, const char *fmt, ...)
	    __attribute__((format(printf, 3, 4)));

#ifdef __cplusplus
}
#endif

#endif
