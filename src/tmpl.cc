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
#include <new>
#include <string>
#include <vector>

#include <ctemplate/template.h>
#include <ctemplate/template_cache.h>
#include <ctemplate/template_dictionary_interface.h>

extern "C" {
#include "errbuf.h"
#include "log.h"
#include "tmpl.h"
}

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

/*
 * A page's dictionary: ctemplate's TemplateDictionaryInterface over one
 * arena, instead of ctemplate's own TemplateDictionary. That one, for
 * every section repetition, builds a debug name ("page/ROW#17") in a
 * std::string, keeps each dictionary's values in a map, and enters each
 * key in a process-wide id-to-name map under a lock: on a list page that
 * was a third of the worker's instructions. Here a dictionary is a few
 * singly linked lists in memory that is freed at once with the page, and
 * a look-up compares the key's text. The meaning is ctemplate's own (its
 * template_dictionary.cc): a value or a section is looked for in the
 * dictionary, then in the sections around it, then among the tree's
 * template-global values, then the built-in BI_SPACE and BI_NEWLINE; an
 * included template's dictionary does not see the values of the one
 * around it, only the tree's globals; setting a key again replaces it;
 * showing a section that has repetitions adds none.
 */
class Dict;

/* Memory of one tree, handed out in 16-byte steps and freed with it. */
class Arena {
public:
	Arena() : head(NULL) {}
	~Arena();
	void	*alloc(size_t n)
	{
		n = (n + 15) & ~static_cast<size_t>(15);
		if (head == NULL || head->cap - head->used < n)
			grow(n);
		void *p = reinterpret_cast<char *>(head + 1) + head->used;
		head->used += n;
		return p;
	}
	const char *dup(const char *s, size_t len);
private:
	struct Chunk {
		Chunk	*next;
		size_t	 cap, used;
		size_t	 pad;		/* the data 16-aligned after it */
	};
	Chunk	*head;
	void	 grow(size_t n);
	static Chunk *spare;		/* one chunk kept for the next page */
	Arena(const Arena &);
	void operator=(const Arena &);
};

Arena::Chunk *Arena::spare;

Arena::~Arena()
{
	Chunk	*c, *next;

	for (c = head; c != NULL; c = next) {
		next = c->next;
		/* The last page's biggest chunk serves the next one: a
		 * worker's pages are alike in size. */
		if (c->cap <= (256U << 10) && (spare == NULL ||
		    spare->cap < c->cap)) {
			free(spare);
			spare = c;
			continue;
		}
		free(c);
	}
}

/* A new chunk of at least n bytes at the head. */
void
Arena::grow(size_t n)
{
	Chunk	*c;
	size_t	 cap = head == NULL ? 16384 : head->cap * 2;

	if (cap > (256U << 10))
		cap = 256U << 10;
	if (cap < n)
		cap = n;
	if (spare != NULL && spare->cap >= n) {
		c = spare;
		spare = NULL;
	} else {
		if ((c = static_cast<Chunk *>(malloc(sizeof(Chunk) + cap))) ==
		    NULL)
			throw std::bad_alloc();
		c->cap = cap;
	}
	c->used = 0;
	c->next = head;
	head = c;
}

const char *
Arena::dup(const char *s, size_t len)
{
	char	*p = static_cast<char *>(alloc(len + 1));

	memcpy(p, s, len);
	p[len] = '\0';
	return p;
}

/* A key and its value (or a section's or include's repetitions). */
struct Val {
	Val		*next;
	const char	*k;
	size_t		 klen;
	const char	*v;
	size_t		 vlen;
};

struct Sub {
	Sub		*next;
	const char	*k;
	size_t		 klen;
	Dict		*first, *last;
};

struct Root;

class Dict : public ctemplate::TemplateDictionaryInterface {
public:
	Dict(Root *r, Dict *up) : root(r), parent(up), sibling(NULL),
	    vals(NULL), sections(NULL), includes(NULL), filename(NULL) {}

	void	set(const char *key, const char *value, size_t len);
	void	show(const char *section);
	Dict	*add_section(const char *section);
	Dict	*add_include(const char *name, const char *file);

	Root	*root;
	Dict	*parent;	/* the section around it; NULL for an include */
	Dict	*sibling;	/* the next repetition */
	Val	*vals;
	Sub	*sections, *includes;
	const char *filename;	/* of an include */

protected:
	ctemplate::TemplateString GetValue(
	    const ctemplate::TemplateString &variable) const;
	bool	IsHiddenSection(const ctemplate::TemplateString &name) const;
	bool	IsUnhiddenSection(const ctemplate::TemplateString &name) const;
	bool	IsHiddenTemplate(const ctemplate::TemplateString &name) const;
	const char *GetIncludeTemplateName(
	    const ctemplate::TemplateString &variable, int dictnum) const;
	Iterator *CreateTemplateIterator(
	    const ctemplate::TemplateString &section) const;
	Iterator *CreateSectionIterator(
	    const ctemplate::TemplateString &section) const;
	void	DumpToString(std::string *out, int level) const;

private:
	class Each : public Iterator {
	public:
		explicit Each(const Dict *d) : cur(d) {}
		bool HasNext() const { return cur != NULL; }
		const TemplateDictionaryInterface &Next()
		{
			const Dict *d = cur;

			cur = cur->sibling;
			return *d;
		}
	private:
		const Dict *cur;
	};
	const Sub *find_section(const ctemplate::TemplateString &) const;
	const Sub *find_include(const ctemplate::TemplateString &) const;
};

struct Root {
	Root() : globals(NULL), top(this, NULL) {}
	Arena	 arena;
	Val	*globals;
	Dict	 top;
};

bool
same(const char *k, size_t klen, const ctemplate::TemplateString &s)
{
	return klen == s.size() && memcmp(k, s.data(), klen) == 0;
}

/* Text that needs no copy: a literal in the program's text, NUL-terminated
 * there (as ctemplate's own SetValue tells it). */
bool
lasting(const char *p, size_t len)
{
	return ctemplate::TemplateString(p, len).is_immutable() &&
	    p[len] == '\0';
}

/* Set key in the list at *head, replacing its value if it is there. One
 * allocation holds the entry and the copies it needs. */
void
put_val(Arena &a, Val **head, const char *key, const char *value,
    size_t len)
{
	size_t	 klen = strlen(key);
	bool	 kcopy = !lasting(key, klen), vcopy = !lasting(value, len);
	Val	*v;
	char	*p;

	for (v = *head; v != NULL; v = v->next)
		if (v->klen == klen && memcmp(v->k, key, klen) == 0)
			break;
	p = static_cast<char *>(a.alloc((v == NULL ? sizeof(Val) : 0) +
	    (v == NULL && kcopy ? klen + 1 : 0) + (vcopy ? len + 1 : 0)));
	if (v == NULL) {
		v = reinterpret_cast<Val *>(p);
		p += sizeof(Val);
		v->klen = klen;
		if (kcopy) {
			memcpy(p, key, klen);
			p[klen] = '\0';
			v->k = p;
			p += klen + 1;
		} else
			v->k = key;
		v->next = *head;
		*head = v;
	}
	if (vcopy) {
		memcpy(p, value, len);
		p[len] = '\0';
		v->v = p;
	} else
		v->v = value;
	v->vlen = len;
}

/* The list entry of name in *head, made (empty) if it is not there. */
Sub *
get_sub(Arena &a, Sub **head, const char *name, bool *made)
{
	size_t	 klen = strlen(name);
	Sub	*s;

	*made = false;
	for (s = *head; s != NULL; s = s->next)
		if (s->klen == klen && memcmp(s->k, name, klen) == 0)
			return s;
	s = static_cast<Sub *>(a.alloc(sizeof(Sub)));
	s->k = a.dup(name, klen);
	s->klen = klen;
	s->first = s->last = NULL;
	/* In the order added: a page's sections are few. */
	s->next = *head;
	*head = s;
	*made = true;
	return s;
}

void
append(Sub *s, Dict *d)
{
	if (s->last != NULL)
		s->last->sibling = d;
	else
		s->first = d;
	s->last = d;
}

void
Dict::set(const char *key, const char *value, size_t len)
{
	put_val(root->arena, &vals, key, value, len);
}

void
Dict::show(const char *section)
{
	bool	 made;
	Sub	*s = get_sub(root->arena, &sections, section, &made);

	/* ctemplate's ShowSection: one empty repetition, unless the
	 * section has some already. */
	if (s->first == NULL)
		append(s, new (root->arena.alloc(sizeof(Dict))) Dict(root,
		    this));
}

Dict *
Dict::add_section(const char *section)
{
	bool	 made;
	Sub	*s = get_sub(root->arena, &sections, section, &made);
	Dict	*d = new (root->arena.alloc(sizeof(Dict))) Dict(root, this);

	append(s, d);
	return d;
}

Dict *
Dict::add_include(const char *name, const char *file)
{
	bool	 made;
	Sub	*s = get_sub(root->arena, &includes, name, &made);
	/* No parent: an included template sees only its own values and
	 * the tree's globals. */
	Dict	*d = new (root->arena.alloc(sizeof(Dict))) Dict(root, NULL);

	d->filename = root->arena.dup(file, strlen(file));
	append(s, d);
	return d;
}

ctemplate::TemplateString
Dict::GetValue(const ctemplate::TemplateString &variable) const
{
	const Dict	*d;
	const Val	*v;

	for (d = this; d != NULL; d = d->parent)
		for (v = d->vals; v != NULL; v = v->next)
			if (same(v->k, v->klen, variable))
				return ctemplate::TemplateString(v->v, v->vlen);
	for (v = root->globals; v != NULL; v = v->next)
		if (same(v->k, v->klen, variable))
			return ctemplate::TemplateString(v->v, v->vlen);
	/* ctemplate's process-wide dictionary holds these two. */
	if (same("BI_SPACE", 8, variable))
		return ctemplate::TemplateString(" ", 1);
	if (same("BI_NEWLINE", 10, variable))
		return ctemplate::TemplateString("\n", 1);
	return ctemplate::TemplateString("", 0);
}

const Sub *
Dict::find_section(const ctemplate::TemplateString &name) const
{
	const Dict	*d;
	const Sub	*s;

	for (d = this; d != NULL; d = d->parent)
		for (s = d->sections; s != NULL; s = s->next)
			if (same(s->k, s->klen, name))
				return s;
	return NULL;
}

const Sub *
Dict::find_include(const ctemplate::TemplateString &name) const
{
	const Dict	*d;
	const Sub	*s;

	for (d = this; d != NULL; d = d->parent)
		for (s = d->includes; s != NULL; s = s->next)
			if (same(s->k, s->klen, name))
				return s;
	return NULL;
}

bool
Dict::IsHiddenSection(const ctemplate::TemplateString &name) const
{
	return find_section(name) == NULL;
}

bool
Dict::IsUnhiddenSection(const ctemplate::TemplateString &name) const
{
	return find_section(name) != NULL;
}

bool
Dict::IsHiddenTemplate(const ctemplate::TemplateString &name) const
{
	return find_include(name) == NULL;
}

const char *
Dict::GetIncludeTemplateName(const ctemplate::TemplateString &variable,
    int dictnum) const
{
	const Sub	*s = find_include(variable);
	const Dict	*d;

	if (s == NULL)
		return NULL;
	for (d = s->first; d != NULL && dictnum > 0; d = d->sibling)
		dictnum--;
	return d != NULL ? d->filename : NULL;
}

ctemplate::TemplateDictionaryInterface::Iterator *
Dict::CreateTemplateIterator(const ctemplate::TemplateString &section) const
{
	const Sub	*s = find_include(section);

	return new Each(s != NULL ? s->first : NULL);
}

ctemplate::TemplateDictionaryInterface::Iterator *
Dict::CreateSectionIterator(const ctemplate::TemplateString &section) const
{
	const Sub	*s = find_section(section);

	return new Each(s != NULL ? s->first : NULL);
}

void
Dict::DumpToString(std::string *out, int level) const
{
	const Val	*v;
	const Sub	*s;
	const Dict	*d;

	for (v = vals; v != NULL; v = v->next)
		out->append(static_cast<size_t>(level), ' ').append(v->k,
		    v->klen).append(": >").append(v->v, v->vlen).append("<\n");
	for (s = sections; s != NULL; s = s->next)
		for (d = s->first; d != NULL; d = d->sibling) {
			out->append(static_cast<size_t>(level), ' ').append(
			    s->k, s->klen).append(" {\n");
			d->DumpToString(out, level + ctemplate::kIndent);
			out->append(static_cast<size_t>(level), ' ').append(
			    "}\n");
		}
}

Dict *
D(struct tdict *d)
{
	return reinterpret_cast<Dict *>(d);
}

const Dict *
D(const struct tdict *d)
{
	return reinterpret_cast<const Dict *>(d);
}

struct tdict *
T(Dict *d)
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

} /* namespace */

extern "C" {

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
		return T(&(new Root())->top);
	} catch (...) {
		/* Out of memory: the contract is "never NULL". */
		log_err("tdict_new: out of memory");
		abort();
	}
}

void
tdict_free(struct tdict *d)
{
	if (d == NULL)
		return;
	if (D(d) != &D(d)->root->top) {
		/* A section or include belongs to its tree. */
		log_err("tdict_free: not a top-level dictionary");
		return;
	}
	delete D(d)->root;
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
		D(d)->set(key, value, len);
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
		D(d)->set(key, s.data(), s.size());
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
	/* Seen by every dictionary of this tree, includes too, and by no
	 * other tree (it would leak one request's CSRF token into the
	 * next, as ctemplate's process-wide SetGlobalValue would). */
	try {
		Root *r = D(d)->root;

		put_val(r->arena, &r->globals, key, value, strlen(value));
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
		D(d)->show(section);
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
		return T(D(d)->add_section(section));
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
		return T(D(d)->add_include(name, file));
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
