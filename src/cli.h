/* cli.h: the administrative subcommands (English output, exit statuses). */
#ifndef DIALDESK_CLI_H
#define DIALDESK_CLI_H

struct config;

int	cli_migrate(const struct config *);
int	cli_user(const struct config *, int argc, char *argv[]);
int	cli_audit(const struct config *, int argc, char *argv[]);

#endif
