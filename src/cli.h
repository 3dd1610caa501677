/* cli.h: the administrative subcommands (English output, exit statuses). */
#ifndef DIALDESK_CLI_H
#define DIALDESK_CLI_H

struct config;

int	cli_migrate(const struct config *);
int	cli_user(const struct config *, int argc, char *argv[]);
int	cli_audit(const struct config *, int argc, char *argv[]);
/* dialdesk db copy --from sqlite:PATH --to postgresql://... */
int	cli_db(const struct config *, int argc, char *argv[]);
/* `dialdesk routes`: the route table with its access rules (router.h). */
int	cli_routes(void);

#endif
