/* prefork.h: the FastCGI server that bench/hello.c and bench/refpage.c
 * share, built like dialdesk's (a master, N workers on one unix socket,
 * each serving one request at a time from FCGX_Accept_r): the program
 * gives what a worker opens once and what it answers per request. */
#ifndef DD_BENCH_PREFORK_H
#define DD_BENCH_PREFORK_H

#include <fcgiapp.h>

#define PREFORK_WORKERS_MAX	64

/* The start of a page, with the headers a real one carries, up to its
 * <head>'s charset: a program's page goes on from there (a string
 * literal, joined with the rest at compile time). */
#define PREFORK_PAGE_START						\
    "Status: 200 OK\r\n"						\
    "Content-Type: text/html; charset=utf-8\r\n"			\
    "Cache-Control: no-store\r\n"					\
    "X-Content-Type-Options: nosniff\r\n"				\
    "X-Frame-Options: DENY\r\n"					\
    "\r\n"								\
    "<!doctype html>\n<html lang=\"zh-CN\">\n<head><meta charset=\"utf-8\">"

/* In each worker, before its first request: 0, or -1 to end the worker
 * (status 1). May be NULL. */
typedef int	prefork_init_fn(void *arg);
/* One request: writes the answer to req->out (FCGX_Finish_r follows). */
typedef void	prefork_serve_fn(FCGX_Request *req, void *arg);

/* prefork_parse_workers: WORKERS as a number from 1 to
 * PREFORK_WORKERS_MAX, or -1. */
long	prefork_parse_workers(const char *s);

/* prefork_run: listens on the unix socket SOCKET (mode 0666: it lives in
 * the benchmark's private folder and nginx's workers may run as
 * www-data), forks WORKERS workers that call INIT once and SERVE per
 * request, until SIGTERM or SIGINT, which stops the workers and removes
 * the socket. PROG names the program in messages. Returns the exit
 * status of the master (0, or 1 when it could not listen). */
int	prefork_run(const char *prog, const char *socket, long workers,
	    prefork_init_fn *init, prefork_serve_fn *serve, void *arg);

#endif
