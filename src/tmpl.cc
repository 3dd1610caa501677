/* tmpl.cc: the C bridge to Google ctemplate declared in tmpl.h. */
#include "autoconf.h"

#include <dirent.h>
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <string>
#include <vector>

#include <ctemplate/template.h>
#include <ctemplate/template_cache.h>
#include <ctemplate/template_dictionary.h>

extern "C" {
#include "errbuf.h"
#include "log.h"
#include "tmpl.h"
}

using ctemplate::TemplateDictionary;

namespace {

/* Every template must open with this line, alone: it is what makes
 * ctemplate escape each variable for its context (text, attribute, URL). */
const char pragma[] = "{{%AUTOESCAPE context=\"HTML\"}}";

/* Blank lines and the indentation of template source are noise in the
 * output. The same mode must be used to load and to expand: it is part of
 * the cache key. Keep each tag on one line in templates, as line ends go. */
const ctemplate::Strip strip = ctemplate::STRIP_WHITESPACE;

/* Set once tmpl_init() has loaded and frozen the cache: expansion before
 * that would find nothing, and a second load cannot touch a frozen cache. */
bool frozen;

/* struct tdict is only ever a ctemplate dictionary seen from C; it has no
 * storage of its own, so the two pointer types convert back and forth. */
TemplateDictionary *
D(struct tdict *d)
{
	return reinterpret_cast<TemplateDictionary *>(d);
}

const TemplateDictionary *
D(const struct tdict *d)
{
	return reinterpret_cast<const TemplateDictionary *>(d);
}

struct tdict *
T(TemplateDictionary *d)
{
	return reinterpret_cast<struct tdict *>(d);
}

/* The *.tpl names of dir, sorted so that loading (and its errors) happen
 * in the same order on every machine. */
int
list_templates(const std::string &dir, std::vector<std::string> &names,
    char *err, size_t errsz)
{
	DIR		*dp;
	struct dirent	*de;

	if ((dp = opendir(dir.c_str())) == NULL) {
		errbuf_set(err, errsz, "%s: cannot open template directory: %s",
		    dir.c_str(), strerror(errno));
		return -1;
	}
	while ((de = readdir(dp)) != NULL) {
		std::string	 name(de->d_name);
		std::string	 path = dir + "/" + name;
		struct stat	 st;

		if (name.size() <= 4 ||
		    name.compare(name.size() - 4, 4, ".tpl") != 0)
			continue;
		if (stat(path.c_str(), &st) == -1 || !S_ISREG(st.st_mode))
			continue;
		names.push_back(name);
	}
	closedir(dp);
	std::sort(names.begin(), names.end());
	if (names.empty()) {
		errbuf_set(err, errsz, "%s: no *.tpl file in template "
		    "directory", dir.c_str());
		return -1;
	}
	return 0;
}

/* Refuse a template that would expand without autoescaping: ctemplate
 * itself accepts one, and then every variable in it goes out raw. */
int
check_pragma(const std::string &path, char *err, size_t errsz)
{
	std::ifstream	 in(path.c_str(), std::ios::in | std::ios::binary);
	std::string	 first;

	if (!in) {
		errbuf_set(err, errsz, "%s: cannot read template: %s",
		    path.c_str(), strerror(errno));
		return -1;
	}
	std::getline(in, first);
	if (first != pragma) {
		errbuf_set(err, errsz, "%s: first line must be exactly %s",
		    path.c_str(), pragma);
		return -1;
	}
	return 0;
}

/* tdict_setf's formatting; the result may be of any length. */
int __attribute__((format(printf, 2, 0)))
vformat(std::string &out, const char *fmt, va_list ap)
{
	va_list	 aq;
	int	 n;

	va_copy(aq, ap);
	n = vsnprintf(NULL, 0, fmt, aq);
	va_end(aq);
	if (n < 0)
		return -1;
	out.resize(static_cast<size_t>(n) + 1);
	if (vsnprintf(&out[0], out.size(), fmt, ap) != n)
		return -1;
	out.resize(static_cast<size_t>(n));
	return 0;
}

/*
 * Keys as ctemplate ids, made once per process. A key given as a plain
 * char * costs ctemplate a MurmurHash of the name and a look-up in its
 * process-wide id-to-name set under a reader-writer lock on every value
 * set; a TemplateString made from a StaticTemplateString carries its id,
 * and ctemplate then skips both. The C side passes string literals, so a
 * key is found here by its address (checked against the text, since a
 * caller may also pass a buffer it reuses) and registered the first time.
 * The table is filled by one thread only: a worker serves one request at
 * a time. Names are copied and kept for the life of the process, as
 * ctemplate keeps every name it has seen.
 */
const size_t key_slots = 4096;			/* a power of two */
const size_t key_slots_max = key_slots / 4 * 3;	/* then: plain keys */

struct key_slot {
	const char			*ptr;	/* the caller's pointer */
	ctemplate::StaticTemplateString	 sts;	/* our copy, its id */
};

key_slot	 keys[key_slots];
size_t		 keys_used;

size_t
key_hash(const char *p)
{
	uint64_t	 v = reinterpret_cast<uintptr_t>(p);

	/* Fibonacci hashing of the address: literals sit a few bytes
	 * apart, and the top bits of the product spread them. */
	return static_cast<size_t>((v * 0x9e3779b97f4a7c15ULL) >> 52) &
	    (key_slots - 1);
}

ctemplate::TemplateString
key_of(const char *name)
{
	size_t	 i = key_hash(name), len;
	char	*copy;

	for (;; i = (i + 1) & (key_slots - 1)) {
		key_slot *s = &keys[i];

		if (s->ptr == NULL)
			break;
		if (s->ptr == name &&
		    strcmp(s->sts.do_not_use_directly_.ptr_, name) == 0)
			return ctemplate::TemplateString(s->sts);
	}
	len = strlen(name);
	if (keys_used >= key_slots_max ||
	    (copy = static_cast<char *>(malloc(len + 1))) == NULL)
		return ctemplate::TemplateString(name, len);
	memcpy(copy, name, len + 1);
	keys[i].ptr = name;
	keys[i].sts.do_not_use_directly_.ptr_ = copy;
	keys[i].sts.do_not_use_directly_.length_ = len;
	keys[i].sts.do_not_use_directly_.id_ = ctemplate::kIllegalTemplateId;
	/* Computes the id into sts and enters the name in ctemplate's
	 * id-to-name set: the one time this key takes the lock. */
	ctemplate::StaticTemplateStringInitializer init(&keys[i].sts);
	keys_used++;
	return ctemplate::TemplateString(keys[i].sts);
}

} /* namespace */

extern "C" {

size_t
tmpl_keys_registered(void)
{
	return keys_used;
}

int
tmpl_init(const char *dir, char *err, size_t errsz)
{
	std::vector<std::string>	 names;

	errbuf_set(err, errsz, "%s", "");
	if (dir == NULL || *dir == '\0') {
		errbuf_set(err, errsz, "no template directory given");
		return -1;
	}
	if (frozen) {
		errbuf_set(err, errsz, "%s: templates are already loaded and "
		    "frozen", dir);
		return -1;
	}
	try {
		ctemplate::TemplateCache *cache =
		    ctemplate::mutable_default_template_cache();
		std::string	 root(dir);

		if (list_templates(root, names, err, errsz) == -1)
			return -1;
		/* All pragmas first: a refused set leaves the cache empty. */
		for (const std::string &name : names)
			if (check_pragma(root + "/" + name, err, errsz) == -1)
				return -1;
		if (!cache->SetTemplateRootDirectory(root)) {
			errbuf_set(err, errsz, "%s: cannot use as template "
			    "root", dir);
			return -1;
		}
		for (const std::string &name : names) {
			if (cache->LoadTemplate(name, strip))
				continue;
			/* ctemplate has printed the line and the reason. */
			errbuf_set(err, errsz, "%s/%s: cannot load template "
			    "(syntax or autoescape error, see ctemplate's "
			    "message above)", dir, name.c_str());
			/* Leave nothing half-loaded for a later attempt. */
			cache->ClearCache();
			return -1;
		}
		cache->Freeze();
		frozen = true;
	} catch (...) {
		errbuf_set(err, errsz, "%s: unexpected error loading templates",
		    dir);
		return -1;
	}
	return 0;
}

int
tmpl_init_embedded(char *err, size_t errsz)
{
	errbuf_set(err, errsz, "%s", "");
	if (frozen) {
		errbuf_set(err, errsz, "templates are already loaded and "
		    "frozen");
		return -1;
	}
	try {
		ctemplate::TemplateCache *cache =
		    ctemplate::mutable_default_template_cache();
		int	 i;

		for (i = 0; i < tmpl_files_count; i++) {
			const char *text = tmpl_files[i].text;
			size_t	 len = strlen(pragma);

			/* The build checked nothing: the same rule as files. */
			if (strncmp(text, pragma, len) != 0 ||
			    text[len] != '\n') {
				errbuf_set(err, errsz, "%s (built in): first "
				    "line must be exactly %s",
				    tmpl_files[i].name, pragma);
				return -1;
			}
		}
		for (i = 0; i < tmpl_files_count; i++) {
			if (cache->StringToTemplateCache(tmpl_files[i].name,
			    tmpl_files[i].text, strlen(tmpl_files[i].text),
			    strip))
				continue;
			errbuf_set(err, errsz, "%s (built in): cannot load "
			    "template (see ctemplate's message above)",
			    tmpl_files[i].name);
			cache->ClearCache();
			return -1;
		}
		cache->Freeze();
		frozen = true;
	} catch (...) {
		errbuf_set(err, errsz, "unexpected error loading the built-in "
		    "templates");
		return -1;
	}
	return 0;
}

struct tdict *
tdict_new(void)
{
	try {
		return T(new TemplateDictionary("page"));
	} catch (...) {
		/* Out of memory: the contract is "never NULL". */
		log_err("tdict_new: out of memory");
		abort();
	}
}

void
tdict_free(struct tdict *d)
{
	try {
		delete D(d);
	} catch (...) {
		log_err("tdict_free: unexpected exception");
	}
}

void
tdict_set(struct tdict *d, const char *key, const char *value)
{
	if (value == NULL)
		value = "";
	tdict_setn(d, key, value, strlen(value));
}

void
tdict_setn(struct tdict *d, const char *key, const char *value, size_t len)
{
	if (d == NULL || key == NULL)
		return;
	if (value == NULL) {
		value = "";
		len = 0;
	}
	try {
		D(d)->SetValue(key_of(key), ctemplate::TemplateString(value,
		    len));
	} catch (...) {
		log_err("tdict_setn: cannot set %s", key);
	}
}

size_t
tmpl_int_text(long long value, char out[24])
{
	char			 rev[24];
	unsigned long long	 u = value < 0 ?
				    0ULL - static_cast<unsigned long long>(value) :
				    static_cast<unsigned long long>(value);
	size_t			 n = 0, i = 0;

	do {
		rev[n++] = static_cast<char>('0' + u % 10);
		u /= 10;
	} while (u != 0);
	if (value < 0)
		out[i++] = '-';
	while (n > 0)
		out[i++] = rev[--n];
	out[i] = '\0';
	return i;
}

void
tdict_set_int(struct tdict *d, const char *key, long long value)
{
	char	 buf[24];

	tdict_setn(d, key, buf, tmpl_int_text(value, buf));
}

void
tdict_setf(struct tdict *d, const char *key, const char *fmt, ...)
{
	va_list	 ap;
	char	 buf[256];
	int	 n;

	if (d == NULL || key == NULL || fmt == NULL)
		return;
	/* Most values are short (a link, "3/10 批"): one formatting into
	 * buf, and a string of any length only when it does not fit. */
	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n < 0) {
		log_err("tdict_setf: cannot format %s", key);
		return;
	}
	if (static_cast<size_t>(n) < sizeof(buf)) {
		tdict_setn(d, key, buf, static_cast<size_t>(n));
		return;
	}
	try {
		std::string	 s;
		int		 rc;

		va_start(ap, fmt);
		rc = vformat(s, fmt, ap);
		va_end(ap);
		if (rc == -1) {
			log_err("tdict_setf: cannot format %s", key);
			return;
		}
		D(d)->SetValue(key_of(key), ctemplate::TemplateString(s.data(),
		    s.size()));
	} catch (...) {
		log_err("tdict_setf: cannot set %s", key);
	}
}

void
tdict_set_global(struct tdict *d, const char *key, const char *value)
{
	if (d == NULL || key == NULL)
		return;
	if (value == NULL)
		value = "";
	/* SetValue does not reach included templates and SetGlobalValue is
	 * process-wide (it would leak one request's CSRF token into the
	 * next); a template-global value lives as long as this tree. */
	try {
		D(d)->SetTemplateGlobalValue(key_of(key), value);
	} catch (...) {
		log_err("tdict_set_global: cannot set %s", key);
	}
}

void
tdict_show(struct tdict *d, const char *section)
{
	if (d == NULL || section == NULL)
		return;
	try {
		D(d)->ShowSection(key_of(section));
	} catch (...) {
		log_err("tdict_show: cannot show %s", section);
	}
}

struct tdict *
tdict_add_section(struct tdict *d, const char *section)
{
	if (d == NULL || section == NULL)
		return NULL;
	try {
		return T(D(d)->AddSectionDictionary(key_of(section)));
	} catch (...) {
		/* Every tdict_* function accepts NULL, so the caller may go
		 * on and the section is simply missing from the page. */
		log_err("tdict_add_section: cannot add %s", section);
		return NULL;
	}
}

struct tdict *
tdict_add_include(struct tdict *d, const char *name, const char *file)
{
	if (d == NULL || name == NULL || file == NULL)
		return NULL;
	try {
		TemplateDictionary *sub = D(d)->AddIncludeDictionary(
		    key_of(name));

		sub->SetFilename(file);
		return T(sub);
	} catch (...) {
		log_err("tdict_add_include: cannot add %s", name);
		return NULL;
	}
}

int
tmpl_expand(const char *file, const struct tdict *d, char **out,
    size_t *outlen)
{
	if (out != NULL)
		*out = NULL;
	if (outlen != NULL)
		*outlen = 0;
	if (file == NULL || d == NULL || out == NULL)
		return -1;
	if (!frozen) {
		log_err("%s: expanded before tmpl_init()", file);
		return -1;
	}
	try {
		std::string	 buf;
		char		*p;

		/* NoLoad: the frozen cache never reads a file again, and a
		 * template (or include) it does not hold is an error. */
		if (!ctemplate::mutable_default_template_cache()->ExpandNoLoad(
		    file, strip, D(d), NULL, &buf)) {
			log_err("%s: cannot expand template", file);
			return -1;
		}
		if ((p = static_cast<char *>(malloc(buf.size() + 1))) ==
		    NULL) {
			log_err("%s: out of memory", file);
			return -1;
		}
		memcpy(p, buf.data(), buf.size());
		p[buf.size()] = '\0';
		*out = p;
		if (outlen != NULL)
			*outlen = buf.size();
	} catch (...) {
		log_err("%s: unexpected error expanding template", file);
		return -1;
	}
	return 0;
}

int
tmpl_expand_kept(const char *file, const struct tdict *d, const char **out,
    size_t *outlen)
{
	/* A worker's pages are alike in size: after the first few the
	 * buffer no longer grows, and an expansion allocates nothing for
	 * its output. */
	static std::string	*kept;

	*out = NULL;
	*outlen = 0;
	if (file == NULL || d == NULL)
		return -1;
	if (!frozen) {
		log_err("%s: expanded before tmpl_init()", file);
		return -1;
	}
	try {
		if (kept == NULL)
			kept = new std::string();
		kept->clear();
		/* One rare big page does not hold its memory for good. */
		if (kept->capacity() > (1U << 20))
			std::string().swap(*kept);
		if (!ctemplate::mutable_default_template_cache()->ExpandNoLoad(
		    file, strip, D(d), NULL, kept)) {
			log_err("%s: cannot expand template", file);
			return -1;
		}
		*out = kept->data();
		*outlen = kept->size();
	} catch (...) {
		log_err("%s: unexpected error expanding template", file);
		return -1;
	}
	return 0;
}

} /* extern "C" */
