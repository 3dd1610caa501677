/* utf8.h: checks on text that arrives from outside. */
#ifndef DIALDESK_UTF8_H
#define DIALDESK_UTF8_H

#include <stddef.h>

/* 1 when s[0..len) is well-formed UTF-8 (no overlong forms, surrogates or
 * code points past U+10FFFF) and holds no NUL byte. */
int	utf8_valid(const char *s, size_t len);
/* 1 when s holds a C0 control character other than tab, CR and LF, or DEL. */
int	utf8_has_control(const char *s, size_t len);
/* Number of code points of valid UTF-8 s. */
size_t	utf8_length(const char *s, size_t len);
/* Length in bytes of the longest prefix of valid UTF-8 s that has at most
 * max code points: for cutting a text without splitting a character. */
size_t	utf8_prefix(const char *s, size_t len, size_t max);

/* A copy of s[0..len) as valid UTF-8 of at most max bytes (plus the NUL):
 * each byte that starts no well-formed character becomes U+FFFD and the
 * text ends at a character boundary. For showing bytes from outside.
 * malloc()ed, or NULL. */
char	*utf8_sanitize(const char *s, size_t len, size_t max);

#endif
