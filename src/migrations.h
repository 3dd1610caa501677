/* migrations.h: the schema migrations compiled into the binary (generated
 * from sql/NNN_name.sql by sql/embed.sh), in ascending version order. */
#ifndef DIALDESK_MIGRATIONS_H
#define DIALDESK_MIGRATIONS_H

struct migration {
	int		 version;
	const char	*name;
	const char	*sql;
};

extern const struct migration migrations[];
extern const int migrations_count;

#endif
