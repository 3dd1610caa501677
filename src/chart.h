/* chart.h: the geometry of the server-drawn SVG bar chart (chart.tpl).
 * The template draws; this only computes where, so that the markup stays
 * escaped by construction. */
#ifndef DIALDESK_CHART_H
#define DIALDESK_CHART_H

#include <stddef.h>
#include <stdint.h>

struct tdict;

struct chart_bar {
	const char	*label;	/* 成功 */
	const char	*css;	/* success */
	int64_t		 value;
};

/* Fill the dictionary of a {{>CHART}} include: one horizontal bar per
 * entry, lengths relative to the largest, percentages of base (none when
 * base is 0). With nothing to draw, shows EMPTY_CHART. */
void	chart_fill(struct tdict *, const char *id, const char *title,
	    const struct chart_bar *, size_t n, int64_t base);

/* "12.5%" of part in whole, "—" when whole is 0. */
void	chart_pct(int64_t part, int64_t whole, char out[16]);

#endif
