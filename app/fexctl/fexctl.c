/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * fexctl: the command-line client of fexpath's control socket.
 * One command = one JSON-RPC request; links jansson only (no DPDK).
 *
 *   fexctl [--socket PATH] [--json] [--timeout SEC] <object> <verb> [args]
 *   fexctl call METHOD ['{json params}']
 *
 * Exit status: 0 done; 1 the server refused (its message is printed);
 * 2 the command line is wrong; 3 the server could not be reached or
 * answered nonsense.
 *
 * This file: main (global options, "call", exit codes) and the socket
 * (one request, one reply line). The subcommands and their options are
 * fexctl_cmds.c's, the output for humans fexctl_print.c's; see fexctl.h.
 */
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <jansson.h>

#include "fex_ctl.h"
#include "fexctl.h"

#define REPLY_MAX		(256u * 1024 * 1024)

enum { EXIT_REFUSED = 1, EXIT_USAGE = 2, EXIT_UNREACHABLE = 3 };

const char *const fexctl_prog = "fexctl";

/* ---------------------------------------------------------------- socket */

static int
connect_socket(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd;

	if (strlen(path) >= sizeof(sa.sun_path)) {
		fprintf(stderr, "%s: socket path %s is too long (at most %zu bytes)\n",
			fexctl_prog, path, sizeof(sa.sun_path) - 1);
		return -1;
	}
	strcpy(sa.sun_path, path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		fprintf(stderr, "%s: socket: %s\n", fexctl_prog, strerror(errno));
		return -1;
	}
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		int e = errno;

		if (e == ECONNREFUSED || e == ENOENT)
			fprintf(stderr, "%s: cannot connect: %s; is fexpath running? "
				"socket %s (use --socket PATH or $FEXCTL_SOCKET)\n",
				fexctl_prog, strerror(e), path);
		else if (e == EACCES)
			fprintf(stderr, "%s: cannot connect to %s: permission denied; "
				"run as root or as a member of the socket's group\n",
				fexctl_prog, path);
		else
			fprintf(stderr, "%s: cannot connect to %s: %s\n", fexctl_prog, path,
				strerror(e));
		close(fd);
		return -1;
	}
	return fd;
}

static int
send_all(int fd, const char *buf, size_t len)
{
	while (len > 0) {
		ssize_t w = send(fd, buf, len, MSG_NOSIGNAL);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		buf += w;
		len -= (size_t)w;
	}
	return 0;
}

/* One request, one reply line. NULL after printing why. */
static json_t *
rpc(const char *path, const char *method, json_t *params, int timeout_s)
{
	json_t *req, *resp = NULL;
	char *line = NULL, *buf = NULL;
	size_t len = 0, cap = 0;
	json_error_t jerr;
	int fd;

	fd = connect_socket(path);
	if (fd < 0)
		return NULL;
	req = json_pack("{s:s, s:i, s:s}", "jsonrpc", "2.0", "id", 1, "method", method);
	if (params != NULL)
		json_object_set(req, "params", params);
	line = json_dumps(req, JSON_COMPACT);
	json_decref(req);
	if (line == NULL || send_all(fd, line, strlen(line)) < 0 ||
	    send_all(fd, "\n", 1) < 0) {
		fprintf(stderr, "%s: cannot send to %s: %s\n", fexctl_prog, path,
			strerror(errno));
		goto out;
	}
	for (;;) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		ssize_t r;
		int n;

		n = poll(&pfd, 1, timeout_s * 1000);
		if (n == 0) {
			fprintf(stderr, "%s: no reply from %s within %d s (use "
				"--timeout SEC to wait longer)\n", fexctl_prog, path, timeout_s);
			goto out;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (cap - len < 65536) {
			char *nb;

			if (cap >= REPLY_MAX) {
				fprintf(stderr, "%s: reply larger than %u bytes\n", fexctl_prog,
					REPLY_MAX);
				goto out;
			}
			cap = cap ? cap * 2 : 65536 * 2;
			nb = realloc(buf, cap);
			if (nb == NULL) {
				fprintf(stderr, "%s: out of memory\n", fexctl_prog);
				goto out;
			}
			buf = nb;
		}
		r = recv(fd, buf + len, cap - len - 1, 0);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			fprintf(stderr, "%s: %s closed the connection before replying%s%s\n",
				fexctl_prog, path, r < 0 ? ": " : "",
				r < 0 ? strerror(errno) : "");
			goto out;
		}
		len += (size_t)r;
		if (memchr(buf + len - r, '\n', (size_t)r) != NULL)
			break;
	}
	resp = json_loadb(buf, len, JSON_DISABLE_EOF_CHECK, &jerr);
	if (!json_is_object(resp)) {
		fprintf(stderr, "%s: the reply from %s is not JSON-RPC: %s\n", fexctl_prog,
			path, resp == NULL ? jerr.text : "not an object");
		json_decref(resp);
		resp = NULL;
	}
out:
	free(line);
	free(buf);
	close(fd);
	return resp;
}

/* ---------------------------------------------------------------- main */

int
main(int argc, char **argv)
{
	static const struct option lopts[] = {
		{ "socket", required_argument, NULL, 's' },
		{ "json", no_argument, NULL, 'j' },
		{ "timeout", required_argument, NULL, 't' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *path = getenv("FEXCTL_SOCKET");
	const struct fexctl_cmd *c = NULL;
	const char *method;
	json_t *params = NULL, *resp, *err;
	bool as_json = false, help = false, known;
	int timeout_s = 30, opt, first, rc;

	if (path == NULL || path[0] == '\0')
		path = FEX_CTL_DEFAULT_PATH;
	/* options before the command only: the rest belongs to it */
	while ((opt = getopt_long(argc, argv, "+s:jt:h", lopts, NULL)) != -1) {
		json_int_t v;

		switch (opt) {
		case 's':
			path = optarg;
			break;
		case 'j':
			as_json = true;
			break;
		case 't':
			if (fexctl_parse_int("--timeout", optarg, &v) < 0 || v < 1 || v > 3600) {
				fprintf(stderr, "%s: --timeout: allowed: 1..3600 seconds\n",
					fexctl_prog);
				return EXIT_USAGE;
			}
			timeout_s = (int)v;
			break;
		case 'h':
			fexctl_usage(stdout);
			return 0;
		default:
			fexctl_usage(stderr);
			return EXIT_USAGE;
		}
	}
	first = optind;
	if (first >= argc) {
		fexctl_usage(stderr);
		return EXIT_USAGE;
	}
	if (strcmp(argv[first], "help") == 0) {
		fexctl_usage(stdout);
		return 0;
	}
	if (strcmp(argv[first], "call") == 0) {
		json_error_t jerr;

		if (first + 1 >= argc || first + 3 < argc ||
		    strcmp(argv[first + 1], "--help") == 0) {
			bool h = first + 1 < argc;

			fprintf(h ? stdout : stderr, "usage: %s call METHOD "
				"['{json params}']\n  Send one JSON-RPC request; prints "
				"the JSON result.\n", fexctl_prog);
			return h ? 0 : EXIT_USAGE;
		}
		method = argv[first + 1];
		if (first + 2 < argc) {
			params = json_loads(argv[first + 2], JSON_DECODE_ANY, &jerr);
			if (params == NULL) {
				fprintf(stderr, "%s: call %s: params are not JSON: %s "
					"(column %d); give an object like '{\"name\":\"web\"}'\n",
					fexctl_prog, method, jerr.text, jerr.column);
				return EXIT_USAGE;
			}
		}
		as_json = true;
	} else {
		const char *verb = first + 1 < argc ? argv[first + 1] : NULL;

		c = fexctl_find_cmd(argv[first], verb, &known);
		if (c == NULL) {
			if (!known) {
				fprintf(stderr, "%s: unknown command '%s'; see %s --help\n",
					fexctl_prog, argv[first], fexctl_prog);
				return EXIT_USAGE;
			}
			if (verb != NULL && (!strcmp(verb, "--help") || !strcmp(verb, "-h"))) {
				fexctl_object_usage(stdout, argv[first]);
				return 0;
			}
			fprintf(stderr, "%s: %s: %s%s%s\n", fexctl_prog, argv[first],
				verb ? "unknown verb '" : "a verb is needed",
				verb ? verb : "", verb ? "'" : "");
			fexctl_object_usage(stderr, argv[first]);
			return EXIT_USAGE;
		}
		method = c->method;
		rc = c->verb != NULL ? first + 2 : first + 1;
		params = fexctl_build_params(c, argc - rc, argv + rc, &help);
		if (help) {
			fexctl_cmd_usage(stdout, c);
			return 0;
		}
		if (params == NULL) {
			fprintf(stderr, "see: %s %s%s%s --help\n", fexctl_prog, c->object,
				c->verb ? " " : "", c->verb ? c->verb : "");
			return EXIT_USAGE;
		}
		if (json_object_size(params) == 0) {
			json_decref(params);
			params = NULL;
		}
	}

	resp = rpc(path, method, params, timeout_s);
	json_decref(params);
	if (resp == NULL)
		return EXIT_UNREACHABLE;
	err = json_object_get(resp, "error");
	if (err != NULL) {
		if (as_json) {
			json_dumpf(err, stdout, JSON_INDENT(2));
			putchar('\n');
		}
		fexctl_print_error(c, method, err);
		json_decref(resp);
		return EXIT_REFUSED;
	}
	if (as_json) {
		json_dumpf(json_object_get(resp, "result"), stdout,
			   JSON_INDENT(2) | JSON_ENCODE_ANY);
		putchar('\n');
	} else {
		fexctl_print_human(c, json_object_get(resp, "result"));
	}
	json_decref(resp);
	return fflush(stdout) == 0 ? 0 : EXIT_UNREACHABLE;
}
