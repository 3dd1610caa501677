/* chart.c: bar chart geometry for chart.tpl. */
#include "autoconf.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "chart.h"
#include "tmpl.h"

/*
 * In viewBox units; the SVG scales to its box (style.css keeps it between a
 * phone's width and a size where its type stays moderate). The type is 14
 * units: the label column and the room right of the longest bar are as
 * wide as the longest label and the longest value text, so that the
 * drawing holds all its text at any width, and no more than that, so
 * that the type stays legible on a phone.
 */
#define AREA_W		160	/* the longest bar */
#define ROW_H		28
#define BAR_H		18
#define PAD		8
#define GAP		6	/* a bar's end to its value text */
#define MIN_LABEL_W	28

/*
 * The share in tenths of a per cent by integer division, rounded to the
 * nearest: a task page writes 280 of them, and printf's "%.1f" was a tenth
 * of its time. The text is the one "%.1f%%" writes of the double
 * 100.0 * part / whole: away from a tie the two round alike (with whole
 * up to 1e9 the double is within 1e-12 tenths of the quotient, a tie at
 * least 1 / (2 * whole) away); at an exact tie (printf rounds the double,
 * which may sit on either side) and beyond those bounds printf says.
 */
void
chart_pct(int64_t part, int64_t whole, char out[16])
{
	int64_t	 q = 0, r;
	char	 rev[16];
	size_t	 n = 0, i = 0;

	if (whole <= 0) {
		snprintf(out, 16, "—");
		return;
	}
	/* Within these bounds the quotient is a 16-byte text and the double
	 * of printf is nearer to it than to a tie. */
	if (part < 0 || part > INT64_MAX / 1000 || whole > 1000000000)
		r = -1;
	else {
		q = part * 1000 / whole;
		r = part * 1000 % whole;
	}
	if (r == -1 || 2 * r == whole || q >= 100000000000LL) {
		snprintf(out, 16, "%.1f%%", 100.0 * (double)part /
		    (double)whole);
		return;
	}
	if (2 * r > whole)
		q++;
	/* q tenths: "12.5%"; "0.0%" for less than a twentieth. */
	rev[n++] = (char)('0' + q % 10);
	rev[n++] = '.';
	q /= 10;
	do {
		rev[n++] = (char)('0' + q % 10);
		q /= 10;
	} while (q != 0);
	while (n > 0)
		out[i++] = rev[--n];
	out[i++] = '%';
	out[i] = '\0';
}

/* About how wide s is set in 14-unit type, erring wide: digits and Latin
 * letters are near 0.55 em, "%" near 0.85 em, a Chinese character or
 * full-width bracket 1 em. */
static int
text_units(const char *s)
{
	int	 w = 0;

	for (; *s != '\0'; s++)
		if (*s == '%')
			w += 13;
		else if ((unsigned char)*s < 0x80)
			w += 9;
		else if (((unsigned char)*s & 0xc0) != 0x80)
			w += 14;	/* the lead byte of one character */
	return w;
}

/* The length of the bar of value when max is the longest. */
static int
bar_width(int64_t value, int64_t max)
{
	int	 w = (int)((double)AREA_W * (double)value / (double)max + 0.5);

	return value > 0 && w < 1 ? 1 : w;	/* a non-zero figure shows */
}

/* The value text of a bar, as chart.tpl writes it. */
static void
value_text(int64_t value, const char *pct, char out[64])
{
	snprintf(out, 64, "%lld（%s）", (long long)value, pct);
}

void
chart_fill(struct tdict *d, const char *id, const char *title,
    const struct chart_bar *bars, size_t n, int64_t base)
{
	struct tdict	*s;
	char		 pct[16], desc[1024], text[64];
	int64_t		 max = 0;
	size_t		 i, used = 0;
	int		 w, y, x0, label_w = MIN_LABEL_W, right = 0;

	for (i = 0; i < n; i++) {
		if (bars[i].value > max)
			max = bars[i].value;
		if (text_units(bars[i].label) > label_w)
			label_w = text_units(bars[i].label);
	}
	/* The label ends 8 units left of its bar (chart.tpl's dx). */
	x0 = PAD + label_w + 8;
	for (i = 0; i < n && max > 0; i++) {
		chart_pct(bars[i].value, base, pct);
		value_text(bars[i].value, pct, text);
		w = bar_width(bars[i].value, max);
		if (w + GAP + text_units(text) > right)
			right = w + GAP + text_units(text);
	}
	tdict_set(d, "CHART_ID", id);
	tdict_set(d, "CHART_TITLE", title);
	tdict_set_int(d, "CHART_WIDTH", x0 + (right > AREA_W ? right :
	    AREA_W) + PAD);
	tdict_set_int(d, "CHART_HEIGHT", (long long)(n * ROW_H + 2 * PAD));
	if (max == 0) {
		tdict_set(d, "CHART_DESC", "暂无数据。");
		s = tdict_add_section(d, "EMPTY_CHART");
		tdict_set(s, "TEXT", "暂无可以绘制的数据。");
		return;
	}
	/* The same figures in words, for readers who cannot see the bars. */
	used = (size_t)snprintf(desc, sizeof(desc), "%s:", title);
	for (i = 0; i < n; i++) {
		y = PAD + (int)i * ROW_H;
		w = bar_width(bars[i].value, max);
		chart_pct(bars[i].value, base, pct);
		s = tdict_add_section(d, "BAR");
		tdict_set(s, "BAR_LABEL", bars[i].label);
		tdict_set(s, "BAR_CLASS", bars[i].css);
		tdict_set_int(s, "BAR_VALUE", bars[i].value);
		tdict_set(s, "BAR_PCT", pct);
		tdict_set_int(s, "BAR_Y", y + (ROW_H - BAR_H) / 2);
		tdict_set_int(s, "BAR_TEXT_Y", y + ROW_H / 2 + 5);
		tdict_set_int(s, "BAR_X", x0);
		tdict_set_int(s, "BAR_WIDTH", w);
		tdict_set_int(s, "BAR_HEIGHT", BAR_H);
		tdict_set_int(s, "BAR_VALUE_X", x0 + w + GAP);
		if (used < sizeof(desc))
			used += (size_t)snprintf(desc + used,
			    sizeof(desc) - used, "%s%s %lld(%s)",
			    i ? "," : "", bars[i].label,
			    (long long)bars[i].value, pct);
	}
	if (used < sizeof(desc))
		snprintf(desc + used, sizeof(desc) - used, "。");
	tdict_set(d, "CHART_DESC", desc);
}
