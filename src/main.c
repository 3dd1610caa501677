/* main.c: dialdesk's entry point: options, configuration, subcommands. */
#include "autoconf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "audit.h"
#include "backup.h"
#include "cli.h"
#include "config.h"
#include "dnc.h"
#include "log.h"
#include "router.h"
#include "sender.h"
#include "server.h"

static int
usage(void)
{
	fputs("usage: dialdesk [--config FILE] COMMAND\n"
	    "commands:\n"
	    "  serve                 FastCGI server on the configured sockets\n"
	    "                        (SIGHUP: read the configuration again)\n"
	    "  cgi                   answer one request as a CGI program\n"
	    "                        (also when run with GATEWAY_INTERFACE set)\n"
	    "  migrate               create or upgrade the database\n"
	    "  user add NAME --role admin|operator|auditor\n"
	    "  user passwd NAME      set a new password (read from stdin)\n"
	    "  user disable NAME     disable an account and end its sessions\n"
	    "  user enable NAME      let a disabled account sign in again\n"
	    "  user vendor-login NAME [LOGIN]\n"
	    "                        send NAME's tasks as that vendor account\n"
	    "  audit verify          check the audit log's chain and checkpoints\n"
	    "  audit checkpoint      append a signed checkpoint of its head\n"
	    "  backup FILE           a checked copy of the database, also\n"
	    "                        while the service runs\n"
	    "  restore FILE          put a backup in place (service stopped;\n"
	    "                        the replaced database is kept)\n"
	    "  db copy --from sqlite:PATH --to postgresql://...\n"
	    "                        copy an SQLite store into an empty,\n"
	    "                        migrated PostgreSQL one\n"
	    "  routes                print the route table: methods, path,\n"
	    "                        roles, object and who may read or act\n"
	    "  worker [--once]       send queued batches to the vendor\n"
	    "                        (--once: until none is due, then exit)\n"
	    "  version\n"
	    "the configuration file is --config, else $DIALDESK_CONFIG, else\n"
	    "/etc/dialdesk/dialdesk.conf when it exists, else the defaults.\n",
	    stderr);
	return 2;
}

int
main(int argc, char *argv[])
{
	struct config	 cfg;
	const char	*cfgarg = NULL, *path, *cmd;
	char		 err[1024];
	int		 rc;

	log_init("dialdesk");
	argc--, argv++;
	while (argc > 0 && argv[0][0] == '-') {
		if ((strcmp(argv[0], "--config") == 0 ||
		    strcmp(argv[0], "-c") == 0) && argc > 1) {
			cfgarg = argv[1];
			argc -= 2, argv += 2;
		} else if (strncmp(argv[0], "--config=", 9) == 0) {
			cfgarg = argv[0] + 9;
			argc--, argv++;
		} else if (strcmp(argv[0], "--help") == 0 ||
		    strcmp(argv[0], "-h") == 0) {
			usage();
			return 0;
		} else
			return usage();
	}
	if (argc > 0)
		cmd = argv[0];
	else if (getenv("GATEWAY_INTERFACE") != NULL)
		cmd = "cgi";
	else
		return usage();
	if (strcmp(cmd, "version") == 0) {
		printf("dialdesk %s\n", PACKAGE_VERSION);
		return 0;
	}
	if (strcmp(cmd, "routes") == 0)
		return argc == 1 ? cli_routes() : usage();
	/* What the compiler cannot check of the route table (router.h). */
	if ((strcmp(cmd, "serve") == 0 || strcmp(cmd, "cgi") == 0) &&
	    router_check(err, sizeof(err)) == -1) {
		fprintf(stderr, "dialdesk: %s\n", err);
		return 1;
	}

	if (sodium_init() < 0) {
		log_err("libsodium cannot start");
		return 1;
	}
	config_defaults(&cfg);
	if ((path = config_path(cfgarg)) != NULL &&
	    config_load(&cfg, path, err, sizeof(err)) == -1) {
		fprintf(stderr, "dialdesk: %s\n", err);
		config_free(&cfg);
		return 1;
	}

	log_set_json(cfg.log_format == LOG_JSON);
	/* The audit key, before any process that appends to the log starts
	 * (forked ones inherit it); the CLI reads it itself. */
	if (((strcmp(cmd, "serve") == 0 && argc == 1) ||
	    (strcmp(cmd, "cgi") == 0 && argc <= 1) ||
	    (strcmp(cmd, "worker") == 0 && argc == 1) ||
	    (strcmp(cmd, "worker") == 0 && argc == 2 &&
	    strcmp(argv[1], "--once") == 0)) &&
	    (audit_open(&cfg, 0, err, sizeof(err)) == -1 ||
	    dnc_open(&cfg, 0, err, sizeof(err)) == -1)) {
		fprintf(stderr, "dialdesk: %s\n", err);
		config_free(&cfg);
		return 1;
	}

	if (strcmp(cmd, "serve") == 0 && argc == 1)
		rc = server_run(&cfg, path);
	else if (strcmp(cmd, "cgi") == 0 && argc <= 1)
		rc = server_cgi(&cfg);
	else if (strcmp(cmd, "migrate") == 0 && argc == 1)
		rc = cli_migrate(&cfg);
	else if (strcmp(cmd, "user") == 0)
		rc = cli_user(&cfg, argc, argv);
	else if (strcmp(cmd, "audit") == 0)
		rc = cli_audit(&cfg, argc, argv);
	else if (strcmp(cmd, "db") == 0)
		rc = cli_db(&cfg, argc, argv);
	else if (strcmp(cmd, "backup") == 0 && argc == 2)
		rc = backup_run(&cfg, path, argv[1]);
	else if (strcmp(cmd, "restore") == 0 && argc == 2)
		rc = restore_run(&cfg, argv[1]);
	else if (strcmp(cmd, "worker") == 0 && argc == 1)
		rc = sender_run(&cfg, 0);
	else if (strcmp(cmd, "worker") == 0 && argc == 2 &&
	    strcmp(argv[1], "--once") == 0)
		rc = sender_run(&cfg, 1);
	else if (strcmp(cmd, "worker") == 0 && argc == 2 &&
	    strcmp(argv[1], "--help") == 0) {
		fputs("usage: dialdesk worker [--once]\n", stdout);
		rc = 0;
	}
	else
		rc = usage();
	audit_close();
	dnc_close();
	config_free(&cfg);
	return rc;
}
