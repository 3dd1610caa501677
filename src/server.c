/* server.c: the FastCGI prefork server and the CGI entry point.
 *
 * The master opens the sockets, checks what every worker will need (so that
 * a bad template or an old database stops start-up rather than every
 * worker), forks the workers and then only reaps and restarts them. Each
 * worker opens its own database connection (SQLite handles must not cross
 * fork) and serves one request at a time from FCGX_Accept_r.
 *
 * Two pools: `workers` on `socket` for the pages, and `callback_workers`
 * on the callback socket, to which nginx sends /callback/ alone, so that
 * the vendor's pushes never queue behind call lists being parsed. */
#include "autoconf.h"

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>

#include <errno.h>
#include <grp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <fcgiapp.h>

#include "committer.h"
#include "config.h"
#include "store.h"
#include "http.h"
#include "log.h"
#include "metrics.h"
#include "router.h"
#include "server.h"
#include "signals.h"
#include "settings.h"
#include "tmpl.h"

static volatile sig_atomic_t stopping;
static volatile sig_atomic_t child_exited;
static volatile sig_atomic_t reload_asked;

static void
on_stop(int sig)
{
	(void)sig;
	stopping = 1;
	/* Make a worker blocked in accept() return (FCGI_FAIL_ACCEPT_ON_INTR
	 * plus this flag); one in the middle of a request finishes it. */
	FCGX_ShutdownPending();
}

static void
on_child(int sig)
{
	(void)sig;
	child_exited = 1;
}

static void
on_hup(int sig)
{
	(void)sig;
	reload_asked = 1;
}

int
server_prepare(const struct config *cfg)
{
	struct db	*db;
	char		 err[512];
	int		 have, want = db_schema_latest();

	if ((cfg->templates[0] != '\0' ? tmpl_init(cfg->templates, err,
	    sizeof(err)) : tmpl_init_embedded(err, sizeof(err))) == -1) {
		log_err("templates: %s", err);
		return -1;
	}
	if (mkdir(cfg->upload_dir, 0700) == -1 && errno != EEXIST) {
		log_err("upload_dir %s: %s", cfg->upload_dir, strerror(errno));
		return -1;
	}
	if ((db = db_open(cfg->database, cfg->busy_timeout_ms)) == NULL)
		return -1;
	have = db_schema_version(db);
	if (have != want) {
		log_err("database %s is at schema version %d, this dialdesk "
		    "needs %d: run `dialdesk migrate` first",
		    config_database_shown(cfg),
		    have, want);
		db_close(db);
		return -1;
	}
	/* Every statement now, so that a broken one stops serve here and not
	 * on the first request that uses it. */
	if (db_prepare_all(db) == -1) {
		log_err("database %s: a statement of this dialdesk does not "
		    "prepare (see above)", config_database_shown(cfg));
		db_close(db);
		return -1;
	}
	db_close(db);
	return 0;
}

/* libfcgi streams behind struct http_io. */
static int
fcgi_read(void *ctx, char *buf, int n)
{
	return FCGX_GetStr(buf, n, ((FCGX_Request *)ctx)->in);
}

static int
fcgi_write(void *ctx, const char *buf, int n)
{
	return FCGX_PutStr(buf, n, ((FCGX_Request *)ctx)->out) == n ? 0 : -1;
}

static int
stdio_read(void *ctx, char *buf, int n)
{
	size_t	 got = fread(buf, 1, (size_t)n, ctx);

	return got == 0 && ferror((FILE *)ctx) ? -1 : (int)got;
}

static int
stdio_write(void *ctx, const char *buf, int n)
{
	(void)ctx;
	return fwrite(buf, 1, (size_t)n, stdout) == (size_t)n ? 0 : -1;
}

/* GET and HEAD: the requests that read (a write among them, as a session
 * touch or an audit entry, closes the snapshot first). */
static int
reads_only(const char *method)
{
	return method != NULL && (strcmp(method, "GET") == 0 ||
	    strcmp(method, "HEAD") == 0);
}

static void __attribute__((noreturn))
worker(const struct config *cfg, int fd, int callback_pool)
{
	FCGX_Request	 req;
	struct http_io	 io;
	struct db	*db;
	struct settings_live live;
	const struct config *now;
	sigset_t	 none;
	char		 gate[512];

	signal_on_stop(on_stop);
	signal_set(SIGCHLD, SIG_DFL);
	signal_set(SIGHUP, SIG_DFL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);	/* the master blocked them */
	if ((db = db_open(cfg->database, cfg->busy_timeout_ms)) == NULL)
		_exit(1);
	/* Let a push commit go first between two of our transactions. */
	if (committer_gate_path(cfg, gate, sizeof(gate)) == 0)
		(void)db_gate_open(db, gate);
	if (FCGX_Init() != 0 ||
	    FCGX_InitRequest(&req, fd, FCGI_FAIL_ACCEPT_ON_INTR) != 0) {
		log_err("worker: cannot set up libfcgi");
		_exit(1);
	}
	settings_live_init(&live, cfg);
	while (!stopping && FCGX_Accept_r(&req) >= 0) {
		io.ctx = &req;
		io.read = fcgi_read;
		io.write = fcgi_write;
		io.envp = req.envp;
		/* A GET's statements, the settings' version among them,
		 * read one snapshot: one lock and WAL look-up, not one per
		 * statement (db_read_begin). */
		if (reads_only(FCGX_GetParam("REQUEST_METHOD", req.envp)))
			db_read_begin(db);
		/* The settings page's changes, without a restart. */
		now = settings_live_refresh(&live, db);
		if (callback_pool)
			router_handle_callback(&io, now, db);
		else
			router_handle(&io, now, db);
		db_read_end(db);
		FCGX_Finish_r(&req);
	}
	settings_live_free(&live);
	db_close(db);
	_exit(0);
}

int
server_cgi(const struct config *cfg)
{
	extern char	**environ;
	struct http_io	 io = { stdin, stdio_read, stdio_write, environ };
	struct settings_live live;
	struct db	*db;

	if (server_prepare(cfg) == -1 ||
	    (db = db_open(cfg->database, cfg->busy_timeout_ms)) == NULL) {
		fputs("Status: 500 Internal Server Error\r\n"
		    "Content-Type: text/plain; charset=utf-8\r\n\r\n"
		    "500 服务器内部错误\n", stdout);
		return 1;
	}
	settings_live_init(&live, cfg);
	if (reads_only(getenv("REQUEST_METHOD")))
		db_read_begin(db);
	router_handle(&io, settings_live_refresh(&live, db), db);
	db_read_end(db);
	settings_live_free(&live);
	db_close(db);
	return fflush(stdout) == 0 ? 0 : 1;
}

/* Create a listening socket at path: mode 0660 and the configured group,
 * so that nginx (in that group) may connect and nobody else may. Refuses
 * a path another live server answers on. Its backlog is listen_backlog:
 * the connections nginx may have waiting for a worker before it gets
 * EAGAIN and answers 502 (the kernel caps it at net.core.somaxconn). */
static int
open_socket(const struct config *cfg, const char *path)
{
	struct sockaddr_un sun;
	struct group	*gr = NULL;
	mode_t		 old;
	int		 fd, probe;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sun.sun_path)) {
		log_err("socket path too long: %s", path);
		return -1;
	}
	memcpy(sun.sun_path, path, strlen(path));
	if (cfg->socket_group[0] != '\0' &&
	    (gr = getgrnam(cfg->socket_group)) == NULL) {
		log_err("socket_group %s: no such group", cfg->socket_group);
		return -1;
	}
	if ((probe = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) != -1) {
		if (connect(probe, (struct sockaddr *)&sun, sizeof(sun)) == 0) {
			log_err("another server is listening on %s",
			    path);
			close(probe);
			return -1;
		}
		close(probe);
	}
	(void)unlink(path);	/* a stale socket of a dead server */
	if ((fd = socket(AF_UNIX, SOCK_STREAM, 0)) == -1) {
		log_err("socket: %s", strerror(errno));
		return -1;
	}
	old = umask(0117);	/* born 0660: never a moment world-open */
	if (bind(fd, (struct sockaddr *)&sun, sizeof(sun)) == -1) {
		umask(old);
		log_err("bind %s: %s", path, strerror(errno));
		close(fd);
		return -1;
	}
	umask(old);
	if ((gr != NULL && chown(path, (uid_t)-1, gr->gr_gid) == -1) ||
	    chmod(path, 0660) == -1 || listen(fd, cfg->listen_backlog) == -1) {
		log_err("socket %s: %s", path, strerror(errno));
		close(fd);
		unlink(path);
		return -1;
	}
	return fd;
}

/* Start the process of pool slot i: [0, n) pages, [n, n + m) the callback
 * pool, n + m the push committer. Each keeps only the socket it serves,
 * so that what listens where can be told from outside (ss -xlp). */
static pid_t
spawn(const struct config *cfg, int i, int fd, int bfd, int cfd)
{
	int	 n = cfg->workers, m = cfg->callback_workers;
	pid_t	 pid = fork();

	if (pid == -1) {
		log_err("fork: %s", strerror(errno));
		return pid;
	}
	if (pid > 0)
		return pid;
	if (i == n + m) {
		close(fd);
		close(bfd);
		committer_main(cfg, cfd);
	}
	close(cfd);
	close(i < n ? bfd : fd);
	worker(cfg, i < n ? fd : bfd, i >= n);
}

/* SIGHUP: the configuration file again. What the master has opened or
 * sized (sockets, pools, database, templates) changes only with a
 * restart; everything else (callback_token and callback_token_previous
 * for a rotation, limits, vendor settings) reaches the workers as they are
 * replaced. Returns the configuration to use from now on. */
static struct config	 reloaded;
static int		 have_reloaded;

static const struct config *
reload(const struct config *cur, const char *path)
{
	struct config		 next;
	char			 err[1024];

	if (path == NULL) {
		log_warn("SIGHUP: no configuration file to read again");
		return cur;
	}
	config_defaults(&next);
	if (config_load(&next, path, err, sizeof(err)) == -1) {
		log_err("SIGHUP: %s; the configuration in use stays", err);
		config_free(&next);
		return cur;
	}
	if (strcmp(next.socket, cur->socket) != 0 ||
	    strcmp(next.callback_socket, cur->callback_socket) != 0 ||
	    strcmp(next.socket_group, cur->socket_group) != 0 ||
	    strcmp(next.database, cur->database) != 0 ||
	    strcmp(next.templates, cur->templates) != 0 ||
	    next.workers != cur->workers ||
	    next.callback_workers != cur->callback_workers ||
	    next.listen_backlog != cur->listen_backlog) {
		log_err("SIGHUP: socket, callback_socket, socket_group, "
		    "database, templates, workers, callback_workers and "
		    "listen_backlog change only with a restart; the "
		    "configuration in use stays");
		config_free(&next);
		return cur;
	}
	if (have_reloaded)
		config_free(&reloaded);	/* cur, when it was the last reload */
	reloaded = next;
	have_reloaded = 1;
	log_info("SIGHUP: %s read again, replacing the workers", path);
	return &reloaded;
}

int
server_run(const struct config *cfg, const char *path)
{
	pid_t		*pids;
	char		*retiring;
	sigset_t	 block, old;
	char		 bpath[512], gate[512];
	int		 fd, bfd, cfd, i, status, alive, n = cfg->workers;
	int		 m = cfg->callback_workers, all = n + m;
	int		 committer_told = 0;
	pid_t		 pid;
	time_t		 deadline, last_death = 0;
	unsigned	 quick_deaths = 0;
	size_t		 nroutes;

	if (config_callback_socket(cfg, bpath, sizeof(bpath)) == -1 ||
	    committer_gate_path(cfg, gate, sizeof(gate)) == -1) {
		log_err("socket path too long: %s", cfg->socket);
		return 1;
	}
	if (strcmp(bpath, cfg->socket) == 0) {
		log_err("callback_socket must differ from socket (%s)", bpath);
		return 1;
	}
	if (server_prepare(cfg) == -1 || (fd = open_socket(cfg,
	    cfg->socket)) == -1)
		return 1;
	/* A fresh gate: its count of waiting writers starts at 0. */
	(void)unlink(gate);
	if ((bfd = open_socket(cfg, bpath)) == -1) {
		close(fd);
		unlink(cfg->socket);
		return 1;
	}
	/* Before any fork: every worker and the committer share it. */
	(void)router_routes(&nroutes);
	if (metrics_init(nroutes) == -1)
		return 1;
	if ((cfd = committer_listen(cfg)) == -1)
		return 1;
	if ((pids = calloc((size_t)all + 1, sizeof(*pids))) == NULL ||
	    (retiring = calloc((size_t)all + 1, 1)) == NULL)
		return 1;
	signal(SIGPIPE, SIG_IGN);	/* a client gone is an error code */
	sigemptyset(&block);
	sigaddset(&block, SIGCHLD);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGHUP);
	sigprocmask(SIG_BLOCK, &block, &old);
	signal_on_stop(on_stop);
	signal_set(SIGCHLD, on_child);
	signal_set(SIGHUP, on_hup);

	/* The last slot is the push committer, restarted like a worker. */
	for (i = 0; i <= all; i++)
		pids[i] = spawn(cfg, i, fd, bfd, cfd);
	log_info("serving on %s with %d workers, pushes on %s with %d "
	    "workers (backlog %d)", cfg->socket, n, bpath, m,
	    cfg->listen_backlog);

	while (!stopping) {
		sigsuspend(&old);
		if (reload_asked && !stopping) {
			reload_asked = 0;
			cfg = reload(cfg, path);
			/* Each finishes the request in hand and is replaced;
			 * meanwhile nginx's connections wait in the backlog. */
			for (i = 0; i <= all; i++)
				if (pids[i] > 0 && kill(pids[i], SIGTERM) == 0)
					retiring[i] = 1;
		}
		if (!child_exited)
			continue;
		child_exited = 0;
		while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
			for (i = 0; i <= all; i++)
				if (pids[i] == pid)
					break;
			if (i > all)
				continue;
			pids[i] = 0;
			if (stopping)
				continue;
			if (retiring[i]) {
				retiring[i] = 0;
				pids[i] = spawn(cfg, i, fd, bfd, cfd);
				continue;
			}
			log_warn("worker %d exited (%s %d), restarting",
			    (int)pid, WIFSIGNALED(status) ? "signal" :
			    "status", WIFSIGNALED(status) ? WTERMSIG(status) :
			    WEXITSTATUS(status));
			/* A worker that dies at once (a bad database, say)
			 * must not become a fork loop. */
			if (time(NULL) - last_death < 1 && ++quick_deaths > 5)
				sleep(1);
			else if (time(NULL) - last_death >= 1)
				quick_deaths = 0;
			last_death = time(NULL);
			pids[i] = spawn(cfg, i, fd, bfd, cfd);
		}
	}

	log_info("draining %d workers", all);
	/* Workers first: the committer must outlive their last push. */
	for (i = 0; i < all; i++)
		if (pids[i] > 0)
			kill(pids[i], SIGTERM);
	sigprocmask(SIG_SETMASK, &old, NULL);
	deadline = time(NULL) + 30;
	do {
		alive = 0;
		while ((pid = waitpid(-1, &status, WNOHANG)) > 0)
			for (i = 0; i <= all; i++)
				if (pids[i] == pid)
					pids[i] = 0;
		for (i = 0; i < all; i++)
			alive += pids[i] > 0;
		if (alive == 0 && pids[all] > 0) {
			if (!committer_told)
				kill(pids[all], SIGTERM);
			committer_told = 1;
			alive = 1;
		}
		if (alive > 0)
			usleep(50 * 1000);
	} while (alive > 0 && time(NULL) < deadline);
	for (i = 0; i <= all; i++)
		if (pids[i] > 0) {
			log_warn("worker %d did not stop, killing it",
			    (int)pids[i]);
			kill(pids[i], SIGKILL);
			waitpid(pids[i], NULL, 0);
		}
	close(fd);
	close(bfd);
	close(cfd);
	unlink(cfg->socket);
	unlink(bpath);
	unlink(gate);
	{
		char path[512];
		snprintf(path, sizeof(path), "%s.commit", cfg->socket);
		unlink(path);
	}
	free(pids);
	free(retiring);
	log_info("stopped");
	if (have_reloaded)
		config_free(&reloaded);
	return 0;
}
