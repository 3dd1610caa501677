/* tmpl.h: the C face of Google ctemplate (implemented in tmpl.cc).
 * Templates are loaded and frozen once per process by tmpl_init(); after
 * that an expansion reads no file. Values are set raw: every template
 * declares {{%AUTOESCAPE context="HTML"}}, so ctemplate escapes each
 * variable for the context it stands in. Never pre-escape in C.
 * A dictionary is this file's own (a ctemplate TemplateDictionaryInterface
 * in one arena per tree, with ctemplate's meaning): keys, values and
 * names are copied, so any string will do. Templates are for one thread
 * per process. */
#ifndef DIALDESK_TMPL_H
#define DIALDESK_TMPL_H

#include <stddef.h>

struct tdict;	/* a ctemplate::TemplateDictionaryInterface */

/* Load every *.tpl file of dir and freeze the cache. Returns 0, or -1 with
 * an English message in err (a missing file, a syntax error, a template
 * without the AUTOESCAPE pragma). */
int	tmpl_init(const char *dir, char *err, size_t errsz);

/* The templates compiled into the program (templates/embed.sh writes
 * src/templates.c from the .tpl files). */
struct tmpl_file {
	const char	*name;	/* "login.tpl" */
	const char	*text;
};
extern const struct tmpl_file tmpl_files[];
extern const int tmpl_files_count;

/* Load and freeze the compiled-in templates, with the same checks as
 * tmpl_init(). Returns 0, or -1 with an English message in err. */
int	tmpl_init_embedded(char *err, size_t errsz);

/* A new top-level dictionary; never NULL (aborts only on out-of-memory, as
 * C++ new does). Free with tdict_free(). */
struct tdict *tdict_new(void);
void	tdict_free(struct tdict *);

void	tdict_set(struct tdict *, const char *key, const char *value);
void	tdict_setn(struct tdict *, const char *key, const char *value,
	    size_t len);
void	tdict_set_int(struct tdict *, const char *key, long long value);
/* The decimal text of value, as tdict_set_int sets it, NUL-terminated in
 * out; its length. Without printf: a list sets thousands of these. */
size_t	tmpl_int_text(long long value, char out[24]);
void	tdict_setf(struct tdict *, const char *key, const char *fmt, ...)
	    __attribute__((format(printf, 3, 4)));
/* Set on the dictionary and every dictionary below it (page chrome). */
void	tdict_set_global(struct tdict *, const char *key, const char *value);
/* Show {{#name}}...{{/name}} once. */
void	tdict_show(struct tdict *, const char *section);
/* Add one repetition of a section; the child is owned by the parent. */
struct tdict *tdict_add_section(struct tdict *, const char *section);
/* Fill {{>name}} with the template file (e.g. "login.tpl"). */
struct tdict *tdict_add_include(struct tdict *, const char *name,
	    const char *file);

/* Expand file (e.g. "layout.tpl") with dict. On success *out is a
 * malloc()ed NUL-terminated string the caller frees, *outlen its length,
 * and 0 is returned; -1 otherwise. */
int	tmpl_expand(const char *file, const struct tdict *, char **out,
	    size_t *outlen);
/* The same into the process's one output buffer, kept (with its capacity)
 * from one expansion to the next: a page is written from it without a
 * copy. *out is valid until the next tmpl_expand_kept(); 0 or -1. */
int	tmpl_expand_kept(const char *file, const struct tdict *,
	    const char **out, size_t *outlen);

#endif
