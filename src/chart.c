/* chart.c: bar chart geometry for chart.tpl. */
#include "autoconf.h"

#include <stdio.h>
#include <string.h>

#include "chart.h"
#include "tmpl.h"

/* In viewBox units; the SVG scales to its container. */
#define CHART_W		560
#define LABEL_W		72
#define VALUE_W		130
#define ROW_H		28
#define BAR_H		18
#define PAD		8

void
chart_pct(int64_t part, int64_t whole, char out[16])
{
	if (whole <= 0)
		snprintf(out, 16, "—");
	else
		snprintf(out, 16, "%.1f%%", 100.0 * (double)part /
		    (double)whole);
}

void
chart_fill(struct tdict *d, const char *id, const char *title,
    const struct chart_bar *bars, size_t n, int64_t base)
{
	struct tdict	*s;
	char		 pct[16], desc[1024];
	int64_t		 max = 0;
	size_t		 i, used = 0;
	int		 w, y, area = CHART_W - LABEL_W - VALUE_W - 2 * PAD;

	for (i = 0; i < n; i++)
		if (bars[i].value > max)
			max = bars[i].value;
	tdict_set(d, "CHART_ID", id);
	tdict_set(d, "CHART_TITLE", title);
	tdict_set_int(d, "CHART_WIDTH", CHART_W);
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
		w = (int)((double)area * (double)bars[i].value / (double)max +
		    0.5);
		if (bars[i].value > 0 && w < 1)
			w = 1;	/* a non-zero figure stays visible */
		chart_pct(bars[i].value, base, pct);
		s = tdict_add_section(d, "BAR");
		tdict_set(s, "BAR_LABEL", bars[i].label);
		tdict_set(s, "BAR_CLASS", bars[i].css);
		tdict_set_int(s, "BAR_VALUE", bars[i].value);
		tdict_set(s, "BAR_PCT", pct);
		tdict_set_int(s, "BAR_Y", y + (ROW_H - BAR_H) / 2);
		tdict_set_int(s, "BAR_TEXT_Y", y + ROW_H / 2 + 5);
		tdict_set_int(s, "BAR_X", LABEL_W + PAD);
		tdict_set_int(s, "BAR_WIDTH", w);
		tdict_set_int(s, "BAR_HEIGHT", BAR_H);
		tdict_set_int(s, "BAR_VALUE_X", LABEL_W + PAD + w + 6);
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
