/* csvread.c: the CSV half of calllist_read(): which encoding and which
 * delimiter, then libcsv in strict mode fed one physical line at a time,
 * so that every record knows the line it starts on. */
#include "autoconf.h"

#include <errno.h>
#include <iconv.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <csv.h>

#include "calllist_impl.h"

/* A file with this many well-formed multi-byte UTF-8 sequences before its
 * first bad byte is UTF-8 gone wrong rather than GB18030: GBK text does
 * not pass for UTF-8 for that long. Converting it as GB18030 would turn
 * every name into nonsense without a word, so it is refused instead. */
#define UTF8_EVIDENCE	16
/* Lines looked at to choose the delimiter. */
#define DELIM_LINES	20
/* Characters looked at to tell text from binary; one in a hundred of
 * them may be a control character. They fit in the first chunk: a
 * character is at most 4 bytes in either encoding. */
#define TEXT_CHARS	8192

/* What a first pass over the whole file found. */
struct scan {
	int		 bom;		/* starts with a UTF-8 BOM */
	int		 valid;		/* all of it is UTF-8 */
	long long	 bad_at;	/* else: offset of the first bad byte */
	long		 multibyte;	/* sequences seen before it */
	int		 binary_utf8;	/* too many controls, read as UTF-8 */
	int		 binary_gb;	/* ... or as GB18030 */
	char		 delimiter;
};

struct csv_state {
	struct cl_reader	*r;
	struct csv_parser	 p;
	long			 line;		/* line of the next byte fed */
	long			 rec_line;	/* where the open record began */
	long			 field_line;	/* where the open field began */
	int			 open;		/* a record has begun */
	int			 prev_cr;	/* last byte fed was CR */
	int			 started;	/* bytes were fed */
	char			*buf;	/* cells of the record, NUL after each */
	size_t			 len, cap;
	size_t			*offs;	/* where each cell starts in buf */
	size_t			 ncells, offcap;
	const char		**cellv;
	size_t			 cellvcap;
	enum calllist_status	 status;	/* first failure */
};

/* Length of the well-formed UTF-8 sequence at s (RFC 3629: no overlongs,
 * no surrogates, nothing past U+10FFFF); 0 when avail bytes are a good
 * start of one but too few; -1 when it is not UTF-8. */
static int
utf8_seq(const unsigned char *s, size_t avail)
{
	unsigned char	 lo = 0x80, hi = 0xbf;
	int		 n, i;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		n = 2;
	else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		n = 3;
		if (s[0] == 0xe0)
			lo = 0xa0;
		else if (s[0] == 0xed)
			hi = 0x9f;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		n = 4;
		if (s[0] == 0xf0)
			lo = 0x90;
		else if (s[0] == 0xf4)
			hi = 0x8f;
	} else
		return -1;
	for (i = 1; i < n; i++) {
		if ((size_t)i >= avail)
			return 0;
		if (s[i] < lo || s[i] > hi)
			return -1;
		lo = 0x80;
		hi = 0xbf;
	}
	return n;
}

/* How many bytes of s are whole well-formed UTF-8; *cut is set when what
 * stops it is a sequence that the end of s cuts in two. */
static size_t
utf8_span(const unsigned char *s, size_t n, long *multibyte, int *cut)
{
	uint64_t	 w;
	size_t		 i = 0;
	int		 k;

	*cut = 0;
	while (i < n) {
		if (n - i >= 8) {
			memcpy(&w, s + i, 8);
			if ((w & 0x8080808080808080ULL) == 0) {
				i += 8;
				continue;
			}
		}
		if (s[i] < 0x80) {
			i++;
			continue;
		}
		if ((k = utf8_seq(s + i, n - i)) <= 0) {
			*cut = k == 0;
			return i;
		}
		i += (size_t)k;
		(*multibyte)++;
	}
	return n;
}

/*
 * The delimiter among comma, tab and semicolon: the one found the same
 * number of times (outside quotes) on each of the first lines, the most
 * frequent of those; failing that the one on most lines. A file with
 * none of them has one column: comma. Bytes suffice: none of the three
 * nor '"' can be part of a GB18030 multi-byte character.
 */
static char
detect_delimiter(const unsigned char *s, size_t n, int eof)
{
	static const char	 cand[3] = { ',', '\t', ';' };
	long			 cur[3] = { 0 }, first[3] = { 0 };
	long			 total[3] = { 0 }, lines_with[3] = { 0 };
	int			 consistent[3] = { 1, 1, 1 };
	int			 lines = 0, quoted = 0, content = 0, best = -1;
	size_t			 i;
	int			 k;

	for (i = 0; i <= n && lines < DELIM_LINES; i++) {
		if (i < n && s[i] == '"') {
			quoted = !quoted;
			content = 1;
		} else if (i < n && quoted)
			continue;
		else if (i == n ? eof : (s[i] == '\n' || s[i] == '\r')) {
			if (!content)
				continue;
			for (k = 0; k < 3; k++) {
				if (lines == 0)
					first[k] = cur[k];
				else if (cur[k] != first[k])
					consistent[k] = 0;
				total[k] += cur[k];
				lines_with[k] += cur[k] > 0;
				cur[k] = 0;
			}
			lines++;
			content = 0;
		} else if (i < n) {
			content = 1;
			for (k = 0; k < 3; k++)
				cur[k] += s[i] == (unsigned char)cand[k];
		}
	}
	for (k = 0; k < 3 && lines > 0; k++)
		if (consistent[k] && first[k] > 0 &&
		    (best < 0 || first[k] > first[best]))
			best = k;
	if (best < 0)
		for (k = 0; k < 3; k++)
			if (lines_with[k] > 0 && (best < 0 ||
			    lines_with[k] > lines_with[best] ||
			    (lines_with[k] == lines_with[best] &&
			    total[k] > total[best])))
				best = k;
	return best < 0 ? ',' : cand[best];
}

/*
 * More control characters among the first TEXT_CHARS characters of s than
 * a text file has (tab, line ends, form feed, vertical tab, ^Z and escape
 * are the ones text may carry). Counted against characters, not bytes:
 * a character takes 1 to 4 bytes, not the same number in UTF-8 as in
 * GB18030, and a text saved in the other encoding must not cross the line
 * (tests/fuzz found it). Neither encoding puts a byte below 0x40 or 0x7f
 * inside a multi-byte character, so controls are bytes in both.
 */
static int
looks_binary(const unsigned char *s, size_t n, int gb)
{
	size_t	 i = 0, chars = 0, ctl = 0;

	while (i < n && chars < TEXT_CHARS) {
		if ((s[i] < 0x20 && s[i] != '\t' && s[i] != '\n' &&
		    s[i] != '\r' && s[i] != '\f' && s[i] != '\v' &&
		    s[i] != 0x1a && s[i] != 0x1b) || s[i] == 0x7f)
			ctl++;
		chars++;
		if (s[i] < 0x80 || (gb && (s[i] == 0x80 || s[i] == 0xff)))
			i++;
		else if (!gb)
			for (i++; i < n && (s[i] & 0xc0) == 0x80; i++)
				continue;
		else if (i + 1 < n && s[i + 1] >= 0x30 && s[i + 1] <= 0x39)
			i += 4;
		else
			i += 2;
	}
	return ctl * 100 > chars;
}

/* Pass one: is the whole file UTF-8, which delimiter, any NUL byte, is
 * it text. buf
 * holds CL_CHUNK + 4 bytes (room for a sequence cut at a chunk edge). */
static enum calllist_status
prescan(struct cl_reader *r, int fd, unsigned char *buf, struct scan *sc)
{
	long long	 off = 0;	/* file offset of buf[0] */
	size_t		 carry = 0, len, ok;
	ssize_t		 got;
	int		 first = 1, cut, eof;

	memset(sc, 0, sizeof(*sc));
	sc->valid = 1;
	do {
		if ((got = cl_read_full(fd, buf + carry, CL_CHUNK)) == -1)
			return cl_fail(r, CL_ERR_IO, 0, errno);
		eof = got < CL_CHUNK;
		len = carry + (size_t)got;
		if (memchr(buf + carry, '\0', (size_t)got) != NULL)
			return cl_fail(r, CL_ERR_BINARY, 0, 0);
		if (first) {
			first = 0;
			sc->bom = len >= 3 && memcmp(buf, "\xef\xbb\xbf", 3) == 0;
			sc->delimiter = detect_delimiter(buf + 3 * sc->bom,
			    len - 3 * sc->bom, eof);
			sc->binary_utf8 = looks_binary(buf, len, 0);
			sc->binary_gb = looks_binary(buf, len, 1);
		}
		carry = 0;
		if (!sc->valid)
			continue;
		ok = utf8_span(buf, len, &sc->multibyte, &cut);
		if (ok < len && (!cut || eof)) {
			sc->valid = 0;
			sc->bad_at = off + (long long)ok;
		} else {
			carry = len - ok;
			memmove(buf, buf + ok, carry);
			off += (long long)ok;
		}
	} while (!eof);
	return CL_OK;
}

static int
grow(void **p, size_t *cap, size_t need, size_t size)
{
	size_t	 ncap = *cap == 0 ? 64 : *cap;
	void	*np;

	if (need <= *cap)
		return 0;
	while (ncap < need)
		ncap *= 2;
	if ((np = reallocarray(*p, ncap, size)) == NULL)
		return -1;
	*p = np;
	*cap = ncap;
	return 0;
}

/* libcsv: a cell ended (the next one, if any, begins on this line). */
static void
field_cb(void *s, size_t n, void *data)
{
	struct csv_state	*st = data;

	if (st->status != CL_OK)
		return;
	st->field_line = st->line;
	if (st->ncells == CL_MAX_COLUMNS) {
		st->status = cl_fail(st->r, CL_ERR_TOO_MANY_COLUMNS,
		    st->rec_line, 0);
		return;
	}
	if (n >= CL_MAX_RECORD_BYTES - st->len) {
		st->status = cl_fail(st->r, CL_ERR_ROW_TOO_LONG, st->rec_line,
		    0);
		return;
	}
	if (grow((void **)&st->buf, &st->cap, st->len + n + 1, 1) == -1 ||
	    grow((void **)&st->offs, &st->offcap, st->ncells + 1,
	    sizeof(*st->offs)) == -1) {
		st->status = cl_fail(st->r, CL_ERR_NOMEM, st->rec_line, 0);
		return;
	}
	if (n > 0)
		memcpy(st->buf + st->len, s, n);
	st->offs[st->ncells++] = st->len;
	st->len += n;
	st->buf[st->len++] = '\0';
}

/* libcsv: the record ended; hand it over. */
static void
record_cb(int c, void *data)
{
	struct csv_state	*st = data;
	size_t			 i;

	(void)c;
	st->open = 0;
	if (st->status != CL_OK)
		return;
	if (grow((void **)&st->cellv, &st->cellvcap, st->ncells,
	    sizeof(*st->cellv)) == -1) {
		st->status = cl_fail(st->r, CL_ERR_NOMEM, st->rec_line, 0);
		return;
	}
	for (i = 0; i < st->ncells; i++)
		st->cellv[i] = st->buf + st->offs[i];
	st->status = cl_record(st->r, st->rec_line, st->cellv, st->ncells, 0);
	st->ncells = 0;
	st->len = 0;
}

static enum calllist_status
parse_error(struct csv_state *st)
{
	switch (csv_error(&st->p)) {
	case CSV_EPARSE:
		return cl_fail(st->r, CL_ERR_QUOTE, st->field_line, 0);
	case CSV_ENOMEM:
		return cl_fail(st->r, CL_ERR_NOMEM, st->rec_line, 0);
	default:
		return cl_fail(st->r, CL_ERR_ROW_TOO_LONG, st->rec_line, 0);
	}
}

/* Anything libcsv would not skip at the start of a record. */
static int
has_content(const char *s, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r' && s[i] != '\n')
			return 1;
	return 0;
}

/*
 * Feed UTF-8 text to libcsv, split after each line end (LF, CR, or CR LF)
 * so that we know the line of every byte libcsv sees: a record begins on
 * the line of the first piece that has content while no record is open;
 * a cell begins on the line of the delimiter before it, which is where an
 * unbalanced quote is reported.
 */
static enum calllist_status
feed(struct csv_state *st, const char *data, size_t n)
{
	size_t	 pos = 0, end;
	int	 brk;

	if (!st->started && n > 0) {
		st->started = 1;
		if (n >= 3 && memcmp(data, "\xef\xbb\xbf", 3) == 0)
			pos = 3;
	}
	while (pos < n && st->status == CL_OK) {
		for (end = pos; end < n && data[end] != '\n' &&
		    data[end] != '\r'; end++)
			continue;
		if ((brk = end < n))
			end++;
		if (!st->open && has_content(data + pos, end - pos)) {
			st->open = 1;
			st->rec_line = st->field_line = st->line;
		}
		if (csv_parse(&st->p, data + pos, end - pos, field_cb,
		    record_cb, st) != end - pos && st->status == CL_OK)
			st->status = parse_error(st);
		/* A cell libcsv is still collecting: only a quote left
		 * open can make one span lines this long. */
		if (st->status == CL_OK &&
		    csv_get_buffer_size(&st->p) > CL_MAX_RECORD_BYTES)
			st->status = st->line > st->field_line ?
			    cl_fail(st->r, CL_ERR_QUOTE, st->field_line, 0) :
			    cl_fail(st->r, CL_ERR_ROW_TOO_LONG, st->rec_line, 0);
		/* An LF ends a line of its own unless it is the LF of a
		 * CR LF: a piece that is that LF alone, right after a CR. */
		if (brk && data[end - 1] == '\r')
			st->line++;
		else if (brk && !(st->prev_cr && end - pos == 1))
			st->line++;
		st->prev_cr = brk && data[end - 1] == '\r';
		pos = end;
	}
	return st->status;
}

/* Pass two, UTF-8: straight to libcsv, stopping at a bad byte if the
 * first pass found one. */
static enum calllist_status
parse_utf8(struct csv_state *st, int fd, unsigned char *buf,
    const struct scan *sc)
{
	long long	 off = 0;
	size_t		 lim;
	ssize_t		 got;

	do {
		if ((got = cl_read_full(fd, buf, CL_CHUNK)) == -1)
			return cl_fail(st->r, CL_ERR_IO, 0, errno);
		lim = (size_t)got;
		if (!sc->valid && sc->bad_at < off + got)
			lim = (size_t)(sc->bad_at - off);
		if (feed(st, (const char *)buf, lim) != CL_OK)
			return st->status;
		if (lim < (size_t)got)
			return cl_fail(st->r, CL_ERR_BAD_UTF8, st->line, 0);
		off += got;
	} while (got == CL_CHUNK);
	return CL_OK;
}

/* Pass two, GB18030: converted by iconv a chunk at a time, the bytes of
 * a character cut by the chunk edge carried over to the next one. */
static enum calllist_status
parse_gb18030(struct csv_state *st, int fd, unsigned char *buf)
{
	const size_t		 outcap = 2 * CL_CHUNK + 16;
	enum calllist_status	 rc = CL_OK;
	iconv_t			 cd;
	char			*out, *inp, *outp;
	size_t			 carry = 0, inleft, outleft;
	ssize_t			 got;
	int			 e;

	if ((cd = iconv_open("UTF-8", "GB18030")) == (iconv_t)-1)
		return cl_fail(st->r, CL_ERR_IO, 0, errno);
	if ((out = malloc(outcap)) == NULL) {
		iconv_close(cd);
		return cl_fail(st->r, CL_ERR_NOMEM, 0, 0);
	}
	do {
		if ((got = cl_read_full(fd, buf + carry, CL_CHUNK)) == -1) {
			rc = cl_fail(st->r, CL_ERR_IO, 0, errno);
			break;
		}
		inp = (char *)buf;
		inleft = carry + (size_t)got;
		carry = 0;
		while (inleft > 0 && rc == CL_OK) {
			outp = out;
			outleft = outcap;
			errno = 0;
			e = iconv(cd, &inp, &inleft, &outp, &outleft) ==
			    (size_t)-1 ? errno : 0;
			if ((rc = feed(st, out, (size_t)(outp - out))) != CL_OK ||
			    e == 0)
				break;
			if (e == E2BIG)
				continue;
			if (e == EINVAL && got == CL_CHUNK) {
				carry = inleft;
				memmove(buf, inp, carry);
				break;
			}
			rc = cl_fail(st->r, CL_ERR_ENCODING, st->line, 0);
		}
	} while (rc == CL_OK && got == CL_CHUNK);
	free(out);
	iconv_close(cd);
	return rc;
}

enum calllist_status
csvread_fd(struct cl_reader *r, int fd)
{
	struct csv_state	 st;
	struct scan		 sc;
	enum calllist_status	 rc;
	unsigned char		*buf;

	if ((buf = malloc(CL_CHUNK + 4)) == NULL)
		return cl_fail(r, CL_ERR_NOMEM, 0, 0);
	if ((rc = prescan(r, fd, buf, &sc)) != CL_OK) {
		free(buf);
		return rc;
	}
	if (sc.bom)
		r->info->encoding = CL_UTF8_BOM;
	else if (sc.valid || sc.multibyte >= UTF8_EVIDENCE)
		r->info->encoding = CL_UTF8;
	else
		r->info->encoding = CL_GB18030;
	r->info->delimiter = sc.delimiter;
	if (r->info->encoding == CL_GB18030 ? sc.binary_gb : sc.binary_utf8) {
		free(buf);
		return cl_fail(r, CL_ERR_BINARY, 0, 0);
	}

	memset(&st, 0, sizeof(st));
	st.r = r;
	st.line = st.rec_line = st.field_line = 1;
	if (csv_init(&st.p, CSV_STRICT | CSV_STRICT_FINI) != 0) {
		free(buf);
		return cl_fail(r, CL_ERR_NOMEM, 0, 0);
	}
	csv_set_delim(&st.p, (unsigned char)sc.delimiter);

	if (lseek(fd, 0, SEEK_SET) == -1)
		rc = cl_fail(r, CL_ERR_IO, 0, errno);
	else if (r->info->encoding == CL_GB18030)
		rc = parse_gb18030(&st, fd, buf);
	else
		rc = parse_utf8(&st, fd, buf, &sc);
	if (rc == CL_OK && csv_fini(&st.p, field_cb, record_cb, &st) != 0 &&
	    st.status == CL_OK)
		st.status = parse_error(&st);
	if (rc == CL_OK)
		rc = st.status;

	csv_free(&st.p);
	free(st.buf);
	free(st.offs);
	free(st.cellv);
	free(buf);
	return rc;
}
