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
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <poll.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "fex_ctl.h"

#define REPLY_MAX		(256u * 1024 * 1024)

enum { EXIT_REFUSED = 1, EXIT_USAGE = 2, EXIT_UNREACHABLE = 3 };

enum opt_type {
	T_STR,		/* string as is */
	T_INT,		/* decimal integer */
	T_LIST,		/* "10,20,30-40" -> [10,20,30,...,40]; "" -> [] */
	T_BOOL,		/* yes|no|true|false|on|off|1|0 */
	T_INT_OR_NULL,	/* integer, or "none" -> null */
};

struct opt {
	const char *flag;	/* "--native-vlan" */
	const char *field;	/* "native_vlan" */
	enum opt_type type;
	const char *help;
};

struct cmd {
	const char *object;
	const char *verb;
	const char *method;
	const char *pos;	/* positional arg's field, NULL = none */
	enum opt_type pos_type;
	bool pos_required;
	const char *pos_name;	/* in usage: NAME, ID */
	const struct opt *opts;
	const char *const *required;	/* fields that must be given */
	const char *help;
	const char *const *columns;	/* table columns, NULL = every key */
};

static const struct opt cluster_opt[] = {
	{ "--cluster", "cluster", T_STR, "cluster (only \"default\" exists)" },
	{ NULL, NULL, T_STR, NULL },
};

static const struct opt profile_opts[] = {
	{ "--description", "description", T_STR, "free text, up to 255 bytes" },
	{ "--vlans", "vlans", T_LIST, "allowed VLAN ids, e.g. 10,20,100-110 "
	  "(\"\" = none)" },
	{ "--native-vlan", "native_vlan", T_INT, "VLAN of untagged frames, 0 = none" },
	{ "--cos", "cos", T_INT_OR_NULL, "802.1Q PCP to write, 0..7, or none "
	  "(leave as is)" },
	{ "--rate-kbps", "rate_kbps", T_INT, "VM->fabric policer rate, 0 = line rate" },
	{ "--burst-bytes", "burst_bytes", T_INT, "VM->fabric policer burst, 0 = default" },
	{ "--ingress-rate-kbps", "ingress_rate_kbps", T_INT,
	  "fabric->VM policer rate, 0 = none" },
	{ "--ingress-burst-bytes", "ingress_burst_bytes", T_INT,
	  "fabric->VM policer burst, 0 = default" },
	{ "--mac-forging", "mac_forging", T_STR, "allow | deny" },
	{ "--uplink-fail-action", "uplink_fail_action", T_STR, "link-down | warning" },
	{ "--max-ports", "max_ports", T_INT, "VIFs using the profile at most, 1..4096" },
	{ "--io-performance", "io_performance", T_STR, "none | high" },
	{ "--enabled", "enabled", T_BOOL, "yes | no" },
	{ "--cluster", "cluster", T_STR, "cluster (only \"default\" exists)" },
	{ NULL, NULL, T_STR, NULL },
};

static const struct opt vif_opts[] = {
	{ "--port", "port", T_STR, "vNIC port spec, e.g. vhost:/run/vm1.sock, "
	  "af_packet:veth1" },
	{ "--mac", "mac", T_STR, "the vNIC's MAC, e.g. 02:00:00:00:00:0a" },
	{ "--profile", "profile", T_STR, "port profile name" },
	{ "--uuid", "instance_uuid", T_STR, "the VM's instance UUID" },
	{ "--instance-uuid", "instance_uuid", T_STR, "same as --uuid" },
	{ "--cluster", "cluster", T_STR, "cluster (only \"default\" exists)" },
	{ NULL, NULL, T_STR, NULL },
};

static const struct opt viflist_opts[] = {
	{ "--vifs", "vifs", T_LIST, "member VIF ids, e.g. 10,11,20-29 (\"\" = none)" },
	{ "--cluster", "cluster", T_STR, "cluster (only \"default\" exists)" },
	{ NULL, NULL, T_STR, NULL },
};

static const struct opt no_opts[] = {
	{ NULL, NULL, T_STR, NULL },
};

static const char *const vif_required[] = {
	"port", "mac", "profile", "instance_uuid", NULL };
static const char *const viflist_required[] = { "vifs", NULL };

static const char *const profile_cols[] = {
	"name", "vlans", "native_vlan", "cos", "rate_kbps", "burst_bytes",
	"mac_forging", "uplink_fail_action", "max_ports", "enabled", "vifs", NULL };
static const char *const vif_cols[] = {
	"vif", "state", "port", "mac", "profile", "instance_uuid", NULL };
static const char *const vif_stats_cols[] = {
	"vif", "state", "rx_packets", "rx_bytes", "tx_packets", "tx_bytes",
	"drop_inactive", "drop_mac_forged", "drop_vlan", "drop_policer", NULL };

static const struct cmd cmds[] = {
	{ "profile", "set", "profile.set", "name", T_STR, true, "NAME",
	  profile_opts, NULL,
	  "Create a port profile, or change the given fields of an existing one "
	  "(live: running VIFs see it at once).", NULL },
	{ "profile", "get", "profile.get", "name", T_STR, true, "NAME",
	  cluster_opt, NULL, "Show one port profile.", NULL },
	{ "profile", "list", "profile.list", NULL, T_STR, false, NULL,
	  cluster_opt, NULL, "List the port profiles.", profile_cols },
	{ "profile", "delete", "profile.delete", "name", T_STR, true, "NAME",
	  cluster_opt, NULL,
	  "Delete a port profile (refused while VIFs use it).", NULL },
	{ "vif", "preassociate", "vif.preassociate", "vif", T_INT, true, "ID",
	  vif_opts, vif_required,
	  "Reserve VIF ID for a VM about to arrive (live migration target); "
	  "it forwards nothing until associated.", NULL },
	{ "vif", "associate", "vif.associate", "vif", T_INT, true, "ID",
	  vif_opts, vif_required,
	  "Bind VIF ID (1..4095) to a vNIC port and a profile and start "
	  "forwarding.", NULL },
	{ "vif", "disassociate", "vif.disassociate", "vif", T_INT, true, "ID",
	  cluster_opt, NULL, "Remove VIF ID and close its port.", NULL },
	{ "vif", "list", "vif.list", NULL, T_STR, false, NULL, cluster_opt, NULL,
	  "List the VIFs.", vif_cols },
	{ "vif", "stats", "vif.stats", "vif", T_INT, false, "[ID]", cluster_opt,
	  NULL, "Per-VIF counters (all VIFs, or VIF ID).", vif_stats_cols },
	{ "viflist", "set", "viflist.set", "id", T_INT, true, "ID", viflist_opts,
	  viflist_required,
	  "Set VIF list ID (1..16383): the VIFs a downstream flood frame to ID "
	  "reaches.", NULL },
	{ "viflist", "get", "viflist.get", "id", T_INT, true, "ID", cluster_opt,
	  NULL, "Show one VIF list.", NULL },
	{ "viflist", "list", "viflist.list", NULL, T_STR, false, NULL, cluster_opt,
	  NULL, "List the VIF lists.", NULL },
	{ "viflist", "delete", "viflist.delete", "id", T_INT, true, "ID",
	  cluster_opt, NULL, "Delete VIF list ID.", NULL },
	{ "port", "list", "port.list", NULL, T_STR, false, NULL, no_opts, NULL,
	  "List the ports (uplink and vNICs).", NULL },
	{ "stats", NULL, "stats", NULL, T_STR, false, NULL, no_opts, NULL,
	  "Data-path and control figures (per-uplink drops, ...).", NULL },
	{ "cluster", "list", "cluster.list", NULL, T_STR, false, NULL, no_opts,
	  NULL, "List the clusters.", NULL },
};

#define NB_CMDS (sizeof(cmds) / sizeof(cmds[0]))

static const char *prog = "fexctl";

/* ---------------------------------------------------------------- usage */

static void
cmd_usage(FILE *f, const struct cmd *c)
{
	const struct opt *o;
	unsigned int i;

	fprintf(f, "usage: %s [--socket PATH] [--json] %s%s%s%s%s", prog, c->object,
		c->verb ? " " : "", c->verb ? c->verb : "",
		c->pos_name ? " " : "", c->pos_name ? c->pos_name : "");
	for (i = 0; c->required != NULL && c->required[i] != NULL; i++)
		for (o = c->opts; o->flag != NULL; o++)
			if (strcmp(o->field, c->required[i]) == 0) {
				fprintf(f, " %s X", o->flag);
				break;
			}
	fprintf(f, " [options]\n  %s\n  JSON-RPC method: %s\n", c->help, c->method);
	if (c->opts[0].flag != NULL)
		fprintf(f, "options:\n");
	for (o = c->opts; o->flag != NULL; o++)
		fprintf(f, "  %-24s %s\n", o->flag, o->help);
}

static void
usage(FILE *f)
{
	unsigned int i;

	fprintf(f,
		"usage: %s [--socket PATH] [--json] [--timeout SEC] <object> <verb> [args]\n"
		"       %s call METHOD ['{json params}']\n"
		"       %s <object> <verb> --help\n"
		"\n"
		"Talks to fexpath's control socket (default %s, or $FEXCTL_SOCKET).\n"
		"Human tables by default; --json prints the JSON result for scripts.\n"
		"\ncommands:\n", prog, prog, prog, FEX_CTL_DEFAULT_PATH);
	for (i = 0; i < NB_CMDS; i++)
		fprintf(f, "  %-8s %-13s %-5s %s\n", cmds[i].object,
			cmds[i].verb ? cmds[i].verb : "",
			cmds[i].pos_name ? cmds[i].pos_name : "", cmds[i].help);
	fprintf(f, "  %-8s %-13s %-5s %s\n", "call", "METHOD", "JSON",
		"Send any JSON-RPC method with params as given.");
	fprintf(f, "\nexit status: 0 done, 1 refused by fexpath, 2 bad command "
		"line, 3 fexpath not reachable\n");
}

/* ---------------------------------------------------------------- args */

static int
parse_int(const char *flag, const char *s, json_int_t *out)
{
	char *end;
	long long v;

	errno = 0;
	v = strtoll(s, &end, 10);
	if (*s == '\0' || *end != '\0' || errno != 0) {
		fprintf(stderr, "%s: %s: '%s' is not a whole number\n", prog, flag, s);
		return -1;
	}
	*out = v;
	return 0;
}

static json_t *
parse_list(const char *flag, const char *s)
{
	json_t *a = json_array();
	char *copy = strdup(s), *tok, *save = NULL;

	if (a == NULL || copy == NULL)
		goto out_bad;
	for (tok = strtok_r(copy, ",", &save); tok != NULL;
	     tok = strtok_r(NULL, ",", &save)) {
		char *dash = strchr(tok + 1, '-');
		json_int_t lo, hi, v;

		if (dash != NULL)
			*dash = '\0';
		if (parse_int(flag, tok, &lo) < 0 ||
		    (dash != NULL && parse_int(flag, dash + 1, &hi) < 0))
			goto out_bad;
		if (dash == NULL)
			hi = lo;
		if (hi < lo || hi - lo > 16384) {
			fprintf(stderr, "%s: %s: range %lld-%lld is not allowed; give "
				"low-high with low <= high\n", prog, flag,
				(long long)lo, (long long)hi);
			goto out_bad;
		}
		for (v = lo; v <= hi; v++)
			json_array_append_new(a, json_integer(v));
	}
	free(copy);
	return a;
out_bad:
	free(copy);
	json_decref(a);
	return NULL;
}

static json_t *
parse_value(const char *flag, enum opt_type t, const char *s)
{
	json_int_t v;

	switch (t) {
	case T_STR:
		return json_string(s);
	case T_INT:
		return parse_int(flag, s, &v) < 0 ? NULL : json_integer(v);
	case T_INT_OR_NULL:
		if (strcmp(s, "none") == 0)
			return json_null();
		return parse_int(flag, s, &v) < 0 ? NULL : json_integer(v);
	case T_LIST:
		return parse_list(flag, s);
	case T_BOOL:
		if (!strcmp(s, "yes") || !strcmp(s, "true") || !strcmp(s, "on") ||
		    !strcmp(s, "1"))
			return json_true();
		if (!strcmp(s, "no") || !strcmp(s, "false") || !strcmp(s, "off") ||
		    !strcmp(s, "0"))
			return json_false();
		fprintf(stderr, "%s: %s: '%s' is not allowed; allowed: yes, no\n",
			prog, flag, s);
		return NULL;
	}
	return NULL;
}

/* Build params from the words after "<object> <verb>". */
static json_t *
build_params(const struct cmd *c, int argc, char **argv, bool *help)
{
	json_t *params = json_object();
	bool have_pos = false;
	unsigned int i;
	int k;

	for (k = 0; k < argc; k++) {
		const char *a = argv[k], *val = NULL, *eq;
		const struct opt *o;
		size_t flen;
		json_t *v;

		if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
			*help = true;
			json_decref(params);
			return NULL;
		}
		if (strncmp(a, "--", 2) != 0) {
			if (c->pos == NULL || have_pos) {
				fprintf(stderr, "%s: %s%s%s: unexpected argument '%s'\n",
					prog, c->object, c->verb ? " " : "",
					c->verb ? c->verb : "", a);
				goto out_usage;
			}
			v = parse_value(c->pos_name, c->pos_type, a);
			if (v == NULL)
				goto out_usage;
			json_object_set_new(params, c->pos, v);
			have_pos = true;
			continue;
		}
		eq = strchr(a, '=');
		flen = eq != NULL ? (size_t)(eq - a) : strlen(a);
		for (o = c->opts; o->flag != NULL; o++)
			if (strlen(o->flag) == flen && strncmp(o->flag, a, flen) == 0)
				break;
		if (o->flag == NULL) {
			fprintf(stderr, "%s: %s%s%s: unknown option '%.*s'; see --help\n",
				prog, c->object, c->verb ? " " : "",
				c->verb ? c->verb : "", (int)flen, a);
			goto out_usage;
		}
		if (eq != NULL)
			val = eq + 1;
		else if (k + 1 < argc)
			val = argv[++k];
		if (val == NULL) {
			fprintf(stderr, "%s: %s needs a value: %s\n", prog, o->flag,
				o->help);
			goto out_usage;
		}
		v = parse_value(o->flag, o->type, val);
		if (v == NULL)
			goto out_usage;
		json_object_set_new(params, o->field, v);
	}
	if (c->pos != NULL && c->pos_required && !have_pos) {
		fprintf(stderr, "%s: %s %s: %s is missing\n", prog, c->object,
			c->verb ? c->verb : "", c->pos_name);
		goto out_usage;
	}
	for (i = 0; c->required != NULL && c->required[i] != NULL; i++) {
		if (json_object_get(params, c->required[i]) != NULL)
			continue;
		for (const struct opt *o = c->opts; o->flag != NULL; o++)
			if (strcmp(o->field, c->required[i]) == 0) {
				fprintf(stderr, "%s: %s %s: %s is required: %s\n", prog,
					c->object, c->verb, o->flag, o->help);
				break;
			}
		goto out_usage;
	}
	return params;
out_usage:
	json_decref(params);
	return NULL;
}

/* ---------------------------------------------------------------- socket */

static int
connect_socket(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd;

	if (strlen(path) >= sizeof(sa.sun_path)) {
		fprintf(stderr, "%s: socket path %s is too long (at most %zu bytes)\n",
			prog, path, sizeof(sa.sun_path) - 1);
		return -1;
	}
	strcpy(sa.sun_path, path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		fprintf(stderr, "%s: socket: %s\n", prog, strerror(errno));
		return -1;
	}
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		int e = errno;

		if (e == ECONNREFUSED || e == ENOENT)
			fprintf(stderr, "%s: cannot connect: %s; is fexpath running? "
				"socket %s (use --socket PATH or $FEXCTL_SOCKET)\n",
				prog, strerror(e), path);
		else if (e == EACCES)
			fprintf(stderr, "%s: cannot connect to %s: permission denied; "
				"run as root or as a member of the socket's group\n",
				prog, path);
		else
			fprintf(stderr, "%s: cannot connect to %s: %s\n", prog, path,
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
		fprintf(stderr, "%s: cannot send to %s: %s\n", prog, path,
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
				"--timeout SEC to wait longer)\n", prog, path, timeout_s);
			goto out;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (cap - len < 65536) {
			char *nb;

			if (cap >= REPLY_MAX) {
				fprintf(stderr, "%s: reply larger than %u bytes\n", prog,
					REPLY_MAX);
				goto out;
			}
			cap = cap ? cap * 2 : 65536 * 2;
			nb = realloc(buf, cap);
			if (nb == NULL) {
				fprintf(stderr, "%s: out of memory\n", prog);
				goto out;
			}
			buf = nb;
		}
		r = recv(fd, buf + len, cap - len - 1, 0);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			fprintf(stderr, "%s: %s closed the connection before replying%s%s\n",
				prog, path, r < 0 ? ": " : "", r < 0 ? strerror(errno) : "");
			goto out;
		}
		len += (size_t)r;
		if (memchr(buf + len - r, '\n', (size_t)r) != NULL)
			break;
	}
	resp = json_loadb(buf, len, JSON_DISABLE_EOF_CHECK, &jerr);
	if (!json_is_object(resp)) {
		fprintf(stderr, "%s: the reply from %s is not JSON-RPC: %s\n", prog,
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

/* ---------------------------------------------------------------- output */

/* Scalars and short arrays as one cell: VLAN lists collapse to ranges. */
static void
cell(const json_t *v, char *buf, size_t len)
{
	size_t i, off = 0;
	json_t *e;

	buf[0] = '\0';
	switch (json_typeof(v)) {
	case JSON_STRING:
		snprintf(buf, len, "%s", json_string_value(v));
		break;
	case JSON_INTEGER:
		snprintf(buf, len, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
		break;
	case JSON_REAL:
		snprintf(buf, len, "%g", json_real_value(v));
		break;
	case JSON_TRUE:
		snprintf(buf, len, "yes");
		break;
	case JSON_FALSE:
		snprintf(buf, len, "no");
		break;
	case JSON_NULL:
		snprintf(buf, len, "-");
		break;
	case JSON_ARRAY:
		if (json_array_size(v) == 0) {
			snprintf(buf, len, "-");
			break;
		}
		for (i = 0; i < json_array_size(v) && off < len; i++) {
			json_int_t a, b;
			size_t j = i;

			e = json_array_get(v, i);
			if (!json_is_integer(e)) {
				char sub[256];

				cell(e, sub, sizeof(sub));
				off += (size_t)snprintf(buf + off, len - off, "%s%s",
							i ? "," : "", sub);
				continue;
			}
			a = json_integer_value(e);
			b = a;
			while (j + 1 < json_array_size(v) &&
			       json_is_integer(json_array_get(v, j + 1)) &&
			       json_integer_value(json_array_get(v, j + 1)) == b + 1) {
				j++;
				b++;
			}
			if (b > a + 1) {
				off += (size_t)snprintf(buf + off, len - off,
					"%s%" JSON_INTEGER_FORMAT "-%" JSON_INTEGER_FORMAT,
					i ? "," : "", a, b);
				i = j;
			} else {
				off += (size_t)snprintf(buf + off, len - off,
					"%s%" JSON_INTEGER_FORMAT, i ? "," : "", a);
			}
		}
		break;
	case JSON_OBJECT: {
		char *s = json_dumps(v, JSON_COMPACT);

		snprintf(buf, len, "%s", s != NULL ? s : "?");
		free(s);
		break;
	}
	}
}

static bool
all_objects(json_t *a)
{
	size_t i;
	json_t *e;

	if (!json_is_array(a) || json_array_size(a) == 0)
		return false;
	json_array_foreach(a, i, e)
		if (!json_is_object(e))
			return false;
	return true;
}

static void
print_table(json_t *rows, const char *const *columns, const char *indent)
{
	const char *cols[64];
	size_t w[64], ncol = 0, i, c;
	char buf[1024];
	const char *key;
	json_t *row, *v;

	if (columns != NULL) {
		for (ncol = 0; columns[ncol] != NULL && ncol < 64; ncol++)
			cols[ncol] = columns[ncol];
	} else {
		json_array_foreach(rows, i, row)
			json_object_foreach(row, key, v) {
				for (c = 0; c < ncol; c++)
					if (strcmp(cols[c], key) == 0)
						break;
				if (c == ncol && ncol < 64)
					cols[ncol++] = key;
			}
	}
	for (c = 0; c < ncol; c++) {
		w[c] = strlen(cols[c]);
		json_array_foreach(rows, i, row) {
			cell(json_object_get(row, cols[c]) ?
			     json_object_get(row, cols[c]) : json_null(), buf, sizeof(buf));
			if (strlen(buf) > w[c])
				w[c] = strlen(buf);
		}
	}
	fputs(indent, stdout);
	for (c = 0; c < ncol; c++) {
		size_t k;

		for (k = 0; cols[c][k] != '\0'; k++)
			putchar(cols[c][k] >= 'a' && cols[c][k] <= 'z' ?
				cols[c][k] - 'a' + 'A' : cols[c][k]);
		printf("%*s", c + 1 < ncol ? (int)(w[c] - k + 2) : 0, "");
	}
	putchar('\n');
	json_array_foreach(rows, i, row) {
		fputs(indent, stdout);
		for (c = 0; c < ncol; c++) {
			cell(json_object_get(row, cols[c]) ?
			     json_object_get(row, cols[c]) : json_null(), buf, sizeof(buf));
			printf("%-*s", c + 1 < ncol ? (int)w[c] + 2 : 0, buf);
		}
		putchar('\n');
	}
}

static void
print_object(json_t *o, const char *indent)
{
	char buf[4096], sub[64];
	size_t w = 0;
	const char *key;
	json_t *v;

	json_object_foreach(o, key, v)
		if (strlen(key) > w)
			w = strlen(key);
	json_object_foreach(o, key, v) {
		if (json_is_object(v)) {
			printf("%s%s:\n", indent, key);
			snprintf(sub, sizeof(sub), "%s  ", indent);
			print_object(v, sub);
		} else if (all_objects(v)) {
			printf("%s%s:\n", indent, key);
			snprintf(sub, sizeof(sub), "%s  ", indent);
			print_table(v, NULL, sub);
		} else {
			cell(v, buf, sizeof(buf));
			printf("%s%-*s  %s\n", indent, (int)w + 1, key, buf);
		}
	}
}

static void
print_human(const struct cmd *c, json_t *result)
{
	char buf[4096];
	size_t i;
	json_t *e;

	if (all_objects(result)) {
		print_table(result, c != NULL ? c->columns : NULL, "");
	} else if (json_is_array(result)) {
		if (json_array_size(result) == 0)
			printf("(none)\n");
		json_array_foreach(result, i, e) {
			cell(e, buf, sizeof(buf));
			printf("%s\n", buf);
		}
	} else if (json_is_object(result)) {
		print_object(result, "");
	} else {
		cell(result, buf, sizeof(buf));
		printf("%s\n", buf);
	}
}

/* The server's error, with the CLI option of the field it names. */
static void
print_error(const struct cmd *c, const char *method, const json_t *error)
{
	const json_t *data = json_object_get(error, "data");
	const char *field = json_string_value(json_object_get(data, "field"));
	const char *resp = json_string_value(json_object_get(data, "response"));
	const char *msg = json_string_value(json_object_get(error, "message"));
	const char *flag = NULL;

	if (c != NULL && field != NULL) {
		const struct opt *o;

		for (o = c->opts; o->flag != NULL; o++)
			if (strcmp(o->field, field) == 0) {
				flag = o->flag;
				break;
			}
		if (flag == NULL && c->pos != NULL && strcmp(c->pos, field) == 0)
			flag = c->pos_name;
	}
	fprintf(stderr, "%s: %s: %s", prog, method, msg != NULL ? msg : "error");
	if (flag != NULL)
		fprintf(stderr, " (%s)", flag[0] == '[' ? "ID" : flag);
	if (resp != NULL)
		fprintf(stderr, " [%s]", resp);
	fprintf(stderr, " (code %" JSON_INTEGER_FORMAT ")\n",
		json_integer_value(json_object_get(error, "code")));
}

/* ---------------------------------------------------------------- main */

static const struct cmd *
find_cmd(const char *object, const char *verb, bool *object_known)
{
	unsigned int i;

	*object_known = false;
	for (i = 0; i < NB_CMDS; i++) {
		if (strcmp(cmds[i].object, object) != 0)
			continue;
		*object_known = true;
		if (cmds[i].verb == NULL ||
		    (verb != NULL && strcmp(cmds[i].verb, verb) == 0))
			return &cmds[i];
	}
	return NULL;
}

static void
object_usage(FILE *f, const char *object)
{
	unsigned int i;

	fprintf(f, "%s %s: verbs:", prog, object);
	for (i = 0; i < NB_CMDS; i++)
		if (strcmp(cmds[i].object, object) == 0)
			fprintf(f, " %s", cmds[i].verb);
	fprintf(f, " (see %s %s VERB --help)\n", prog, object);
}

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
	const struct cmd *c = NULL;
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
			if (parse_int("--timeout", optarg, &v) < 0 || v < 1 || v > 3600) {
				fprintf(stderr, "%s: --timeout: allowed: 1..3600 seconds\n",
					prog);
				return EXIT_USAGE;
			}
			timeout_s = (int)v;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return EXIT_USAGE;
		}
	}
	first = optind;
	if (first >= argc) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (strcmp(argv[first], "help") == 0) {
		usage(stdout);
		return 0;
	}
	if (strcmp(argv[first], "call") == 0) {
		json_error_t jerr;

		if (first + 1 >= argc || first + 3 < argc ||
		    strcmp(argv[first + 1], "--help") == 0) {
			bool h = first + 1 < argc;

			fprintf(h ? stdout : stderr, "usage: %s call METHOD "
				"['{json params}']\n  Send one JSON-RPC request; prints "
				"the JSON result.\n", prog);
			return h ? 0 : EXIT_USAGE;
		}
		method = argv[first + 1];
		if (first + 2 < argc) {
			params = json_loads(argv[first + 2], JSON_DECODE_ANY, &jerr);
			if (params == NULL) {
				fprintf(stderr, "%s: call %s: params are not JSON: %s "
					"(column %d); give an object like '{\"name\":\"web\"}'\n",
					prog, method, jerr.text, jerr.column);
				return EXIT_USAGE;
			}
		}
		as_json = true;
	} else {
		const char *verb = first + 1 < argc ? argv[first + 1] : NULL;

		c = find_cmd(argv[first], verb, &known);
		if (c == NULL) {
			if (!known) {
				fprintf(stderr, "%s: unknown command '%s'; see %s --help\n",
					prog, argv[first], prog);
				return EXIT_USAGE;
			}
			if (verb != NULL && (!strcmp(verb, "--help") || !strcmp(verb, "-h"))) {
				object_usage(stdout, argv[first]);
				return 0;
			}
			fprintf(stderr, "%s: %s: %s%s%s\n", prog, argv[first],
				verb ? "unknown verb '" : "a verb is needed",
				verb ? verb : "", verb ? "'" : "");
			object_usage(stderr, argv[first]);
			return EXIT_USAGE;
		}
		method = c->method;
		rc = c->verb != NULL ? first + 2 : first + 1;
		params = build_params(c, argc - rc, argv + rc, &help);
		if (help) {
			cmd_usage(stdout, c);
			return 0;
		}
		if (params == NULL) {
			fprintf(stderr, "see: %s %s%s%s --help\n", prog, c->object,
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
		print_error(c, method, err);
		json_decref(resp);
		return EXIT_REFUSED;
	}
	if (as_json) {
		json_dumpf(json_object_get(resp, "result"), stdout,
			   JSON_INDENT(2) | JSON_ENCODE_ANY);
		putchar('\n');
	} else {
		print_human(c, json_object_get(resp, "result"));
	}
	json_decref(resp);
	return fflush(stdout) == 0 ? 0 : EXIT_UNREACHABLE;
}
