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
 * This file: main (global options, "call", exit codes) and the one
 * request (lib/ctl's fex_ctl_client). The subcommands and their options are
 * fexctl_cmds.c's, the output for humans fexctl_print.c's; see fexctl.h.
 */
#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "fex_ctl.h"
#include "fex_ctl_client.h"
#include "fexctl.h"

enum { EXIT_REFUSED = 1, EXIT_USAGE = 2, EXIT_UNREACHABLE = 3 };

const char *const fexctl_prog = "fexctl";

/* ---------------------------------------------------------------- socket */

/* One request, one reply (lib/ctl's client). NULL after printing why. */
static json_t *
rpc(const char *path, const char *method, json_t *params, int timeout_s)
{
	struct fex_ctl_client c;
	char err[512];
	json_t *resp;
	int rc;

	rc = fex_ctl_client_open(&c, path, (unsigned int)timeout_s * 1000, err,
				 sizeof(err));
	if (rc == -ECONNREFUSED || rc == -ENOENT)
		fprintf(stderr, "%s: cannot connect: %s; is fexpath running? "
			"socket %s (use --socket PATH or $FEXCTL_SOCKET)\n",
			fexctl_prog, strerror(-rc), path);
	else if (rc == -EACCES)
		fprintf(stderr, "%s: cannot connect to %s: permission denied; "
			"run as root or as a member of the socket's group\n",
			fexctl_prog, path);
	else if (rc < 0)
		fprintf(stderr, "%s: %s\n", fexctl_prog, err);
	if (rc < 0)
		return NULL;
	resp = fex_ctl_client_call(&c, method, params, &rc, err, sizeof(err));
	if (resp == NULL)
		fprintf(stderr, "%s: %s%s\n", fexctl_prog, err, rc == -ETIMEDOUT ?
			" (use --timeout SEC to wait longer)" : "");
	fex_ctl_client_close(&c);
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
