/* fields.c: the table of the vendor's create-task fields, from fields.def. */
#include "autoconf.h"

#include <stddef.h>

#include "fields.h"

const struct field_row fields[FIELD__MAX] = {
#define FIELD_TEXT(id, api_, valid_, dep, label_, max_, words_, missing_, \
	invalid_, blank_) \
	[FIELD_##id] = { .api = api_, .tpl = #id, .kind = FIELD_KIND_TEXT, \
	    .required = 1, .key = KEY_##id, .valid = valid_, \
	    .depends = FIELD_##dep, .label = label_, .maxlength = max_, \
	    .words = words_, .missing = missing_, .invalid = invalid_, \
	    .blank = blank_ },
#define FIELD_OPTIONAL_TEXT(id, api_, valid_, dep, label_, max_, words_, \
	invalid_) \
	[FIELD_##id] = { .api = api_, .tpl = #id, .kind = FIELD_KIND_TEXT, \
	    .key = KEY_##id, .valid = valid_, .depends = FIELD_##dep, \
	    .label = label_, .maxlength = max_, .words = words_, \
	    .invalid = invalid_ },
#define FIELD_SWITCH(id, api_, label_, on_, off_, badge_) \
	[FIELD_##id] = { .api = api_, .tpl = #id, .kind = FIELD_KIND_SWITCH, \
	    .key = KEY_##id, .valid = valid_bool, .depends = FIELD_NONE, \
	    .label = label_, .shown_on = on_, .shown_off = off_, \
	    .badge = badge_ },
#define FIELD_PHASE(id, api_, dep, label_, invalid_) \
	[FIELD_##id] = { .api = api_, .tpl = #id, .kind = FIELD_KIND_PHASE, \
	    .key = KEY_##id, .valid = valid_phase, .depends = FIELD_##dep, \
	    .label = label_, .invalid = invalid_ },
#define FIELD_CONST(id, api_, value_, label_, shown_) \
	[FIELD_##id] = { .api = api_, .tpl = #id, .kind = FIELD_KIND_CONST, \
	    .key = KEY__MAX, .depends = FIELD_NONE, .label = label_, \
	    .value = value_, .shown = shown_ },
#define FIELD_SUPPLIED(id, api_) \
	[FIELD_##id] = { .api = api_, .tpl = #id, \
	    .kind = FIELD_KIND_SUPPLIED, .key = KEY__MAX, \
	    .depends = FIELD_NONE },
#include "fields.def"
};

int
field_on_form(enum field f)
{
	return fields[f].kind == FIELD_KIND_TEXT ||
	    fields[f].kind == FIELD_KIND_SWITCH ||
	    fields[f].kind == FIELD_KIND_PHASE;
}

int
field_in_force(enum field f, const int num[FIELD__MAX])
{
	return fields[f].depends == FIELD_NONE || num[fields[f].depends] != 0;
}
