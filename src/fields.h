/* fields.h: the vendor's create-task fields as data. Each field is one row
 * of fields.def; the task form's checks (page_task_new.c), the stored task
 * parameters (task.c), the request body and its checks (vendor.c) and the
 * task page's parameter list (ui.c) loop over fields[] and know no field by
 * name, except the task name (FIELD_NAME), which a task also carries
 * outside the vendor's parameters. */
#ifndef DIALDESK_FIELDS_H
#define DIALDESK_FIELDS_H

#include "params.h"

enum field_kind {
	FIELD_KIND_TEXT,	/* a string from the form */
	FIELD_KIND_SWITCH,	/* a boolean from a checkbox */
	FIELD_KIND_PHASE,	/* 1-3 from a select, 0 not given */
	FIELD_KIND_CONST,	/* always sent, always the same */
	FIELD_KIND_SUPPLIED,	/* filled by the client (vendor.c) */
};

/* Every row, in the document's (the body's) order. */
enum field {
	FIELD_NONE = -1,	/* "depends on nothing" */
#define FIELD_TEXT(id, ...)	FIELD_##id,
#define FIELD_OPTIONAL_TEXT(id, ...)	FIELD_##id,
#define FIELD_SWITCH(id, ...)	FIELD_##id,
#define FIELD_PHASE(id, ...)	FIELD_##id,
#define FIELD_CONST(id, ...)	FIELD_##id,
#define FIELD_SUPPLIED(id, ...)	FIELD_##id,
#include "fields.def"
	FIELD__MAX
};

struct field_row {
	const char	*api;		/* the vendor's name: in the body, in
					 * the stored parameters, as input key */
	const char	*tpl;		/* "MSGTITLE": prefix of the form
					 * template's names */
	enum field_kind	 kind;
	int		 required;	/* text: while it counts */
	enum key	 key;		/* KEY__MAX unless on the form */
	int		(*valid)(struct kpair *);	/* as params.c's */
	enum field	 depends;	/* FIELD_NONE, or the switch that must
					 * be on for this one to count */
	const char	*label;		/* Chinese, on the form and the task
					 * page */
	int		 maxlength;	/* text: the input's maxlength */
	int		 words;		/* text: 1 spell-checked, 0 an id */
	const char	*missing;	/* required text: the form's reasons */
	const char	*invalid;	/* text and phase */
	const char	*blank;		/* text of spaces only; NULL: invalid */
	const char	*shown_on;	/* switch: on the task page */
	const char	*shown_off;
	const char	*badge;		/* switch: the note on the fields it
					 * makes required, "关联后必填" */
	const char	*value;		/* const: what is sent */
	const char	*shown;		/* const: on the task page */
};

extern const struct field_row fields[FIELD__MAX];

/* 1 when the field is on the task form (text, switch or phase). */
int	field_on_form(enum field);
/* 1 when field f counts with these switch values (num[], indexed by
 * field): it depends on nothing, or its switch is on. A field that does
 * not count is neither checked nor sent nor shown. */
int	field_in_force(enum field f, const int num[FIELD__MAX]);

#endif
