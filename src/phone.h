/* phone.h: turning what people type into a phone cell into the number the
 * vendor expects (11-digit mainland mobile, or 32 hex chars when the list
 * is already encrypted), with a reason when that cannot be done. */
#ifndef DIALDESK_PHONE_H
#define DIALDESK_PHONE_H

#include <stddef.h>

/* The OK results come first so that phone_status_ok() is one comparison. */
enum phone_status {
	PHONE_OK_MOBILE = 0,	/* out: 11 ASCII digits */
	PHONE_OK_ENCRYPTED,	/* out: 32 lower-case hex chars */
	PHONE_EMPTY,		/* nothing but spaces and separators */
	PHONE_SCIENTIFIC,	/* 1.35E+10: Excel dropped digits */
	PHONE_BAD_CHARS,	/* letters or other characters */
	PHONE_TOO_SHORT,	/* fewer than 11 digits */
	PHONE_TOO_LONG,		/* more than 11 digits */
	PHONE_NOT_MOBILE,	/* 11 digits not matching ^1[3-9][0-9]{9}$, or a foreign +code */
	PHONE_BAD_UTF8,		/* the cell is not UTF-8 text */
	PHONE_LANDLINE,		/* 0 + area code + number: 10 to 12 digits */
	PHONE_SERVICE,		/* 400 / 800 + 7 digits */
	PHONE__MAX
};

/* Room needed by phone_normalise()'s out: 32 hex chars and the NUL. */
#define PHONE_NORM_SIZE	33
/* Room needed by phone_mask()'s out: "abcd…wxyz" is 4 + 3 + 4 bytes. */
#define PHONE_MASK_SIZE	16

static inline int
phone_status_ok(enum phone_status st)
{
	return st == PHONE_OK_MOBILE || st == PHONE_OK_ENCRYPTED;
}

/*
 * Normalise the len bytes at in (UTF-8, need not be NUL-terminated).
 * Accepted: spaces (also U+3000, no-break and zero-width), tabs, '-', '.',
 * '(' ')' and their full-width forms anywhere; full-width digits; a
 * leading +86 / 0086 (always) or 86 (when 11 digits follow); an Excel
 * number "13500000001.0" whose fraction is all zeros. 32 hex chars (after
 * trimming surrounding spaces only) are an encrypted number.
 * out receives the normalised number on success and "" otherwise; it must
 * hold PHONE_NORM_SIZE bytes (with less, out is left "" whatever the
 * status). The result is never ambiguous: check phone_status_ok().
 */
enum phone_status phone_normalise(const char *in, size_t len, char *out,
	    size_t outsz);

/* Operator-facing reason (zh-CN), e.g. "位数不足". Never NULL. */
const char	*phone_reason_zh(enum phone_status);
/* Short stable English code for reports and logs, e.g. "too_short". */
const char	*phone_reason_code(enum phone_status);

/*
 * Mask a normalised number for screens: "135****0001" for a mobile,
 * "abcd…wxyz" for an encrypted one, "****" for anything else. out is
 * always NUL-terminated when outsz > 0 (PHONE_MASK_SIZE is enough).
 */
void		 phone_mask(const char *normalised, char *out, size_t outsz);

/*
 * Mask what a list cell held where a number was expected, valid or not:
 * an invalid number may still be most of someone's phone number, so only
 * its ends show ("135****01"); fewer than 7 characters show as they are.
 * Every screen and report that shows list cells uses this one rule. out
 * needs PHONE_NORM_SIZE + 16 bytes to hold the longest form.
 */
void		 phone_mask_cell(const char *cell, char *out, size_t outsz);

#endif
