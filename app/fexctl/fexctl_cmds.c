/* SPDX-License-Identifier: BSD-3-Clause */
/* fexctl's subcommands: the table (object, verb, JSON-RPC method,
 * positional argument, options, required fields, table columns), the
 * usage texts drawn from it, and the words of a command line turned into
 * the JSON params of its method. See fexctl.h. */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "fex_ctl.h"
#include "fex_id_list.h"
#include "fexctl.h"

static const struct fexctl_opt cluster_opt[] = {
	{ "--cluster", "cluster", FEXCTL_T_STR, "cluster (only \"default\" exists)" },
	{ NULL, NULL, FEXCTL_T_STR, NULL },
};

static const struct fexctl_opt profile_opts[] = {
	{ "--description", "description", FEXCTL_T_STR, "free text, up to 255 bytes" },
	{ "--vlans", "vlans", FEXCTL_T_LIST, "allowed VLAN ids, e.g. 10,20,100-110 "
	  "(\"\" = none)" },
	{ "--native-vlan", "native_vlan", FEXCTL_T_INT, "VLAN of untagged frames, 0 = none" },
	{ "--cos", "cos", FEXCTL_T_INT_OR_NULL, "802.1Q PCP to write, 0..7, or none "
	  "(leave as is)" },
	{ "--rate-kbps", "rate_kbps", FEXCTL_T_INT, "VM->fabric rate (shaped or policed, see --rate-mode), 0 = line rate" },
	{ "--burst-bytes", "burst_bytes", FEXCTL_T_INT, "VM->fabric policer burst, 0 = default" },
	{ "--ingress-rate-kbps", "ingress_rate_kbps", FEXCTL_T_INT,
	  "fabric->VM policer rate, 0 = none" },
	{ "--ingress-burst-bytes", "ingress_burst_bytes", FEXCTL_T_INT,
	  "fabric->VM policer burst, 0 = default" },
	{ "--rate-mode", "rate_mode", FEXCTL_T_STR, "shape (default: over the rate waits) | police (dropped)" },
	{ "--mac-forging", "mac_forging", FEXCTL_T_STR, "allow | deny" },
	{ "--uplink-fail-action", "uplink_fail_action", FEXCTL_T_STR, "link-down | warning" },
	{ "--max-ports", "max_ports", FEXCTL_T_INT, "VIFs using the profile at most, 1..4096" },
	{ "--io-performance", "io_performance", FEXCTL_T_STR, "none | high" },
	{ "--enabled", "enabled", FEXCTL_T_BOOL, "yes | no" },
	{ "--cluster", "cluster", FEXCTL_T_STR, "cluster (only \"default\" exists)" },
	{ NULL, NULL, FEXCTL_T_STR, NULL },
};

static const struct fexctl_opt vif_opts[] = {
	{ "--port", "port", FEXCTL_T_STR, "vNIC port spec, e.g. vhost:/run/vm1.sock, "
	  "af_packet:veth1" },
	{ "--mac", "mac", FEXCTL_T_STR, "the vNIC's MAC, e.g. 02:00:00:00:00:0a" },
	{ "--profile", "profile", FEXCTL_T_STR, "port profile name" },
	{ "--uuid", "instance_uuid", FEXCTL_T_STR, "the VM's instance UUID" },
	{ "--instance-uuid", "instance_uuid", FEXCTL_T_STR, "same as --uuid" },
	{ "--cluster", "cluster", FEXCTL_T_STR, "cluster (only \"default\" exists)" },
	{ NULL, NULL, FEXCTL_T_STR, NULL },
};

static const struct fexctl_opt viflist_opts[] = {
	{ "--vifs", "vifs", FEXCTL_T_LIST, "member VIF ids, e.g. 10,11,20-29 (\"\" = none)" },
	{ "--cluster", "cluster", FEXCTL_T_STR, "cluster (only \"default\" exists)" },
	{ NULL, NULL, FEXCTL_T_STR, NULL },
};

static const struct fexctl_opt no_opts[] = {
	{ NULL, NULL, FEXCTL_T_STR, NULL },
};

static const char *const vif_required[] = {
	"port", "mac", "profile", "instance_uuid", NULL };
static const char *const viflist_required[] = { "vifs", NULL };

static const char *const profile_cols[] = {
	"name", "vlans", "native_vlan", "cos", "rate_kbps", "burst_bytes",
	"rate_mode", "mac_forging", "uplink_fail_action", "max_ports", "enabled", "vifs", NULL };
static const char *const vif_cols[] = {
	"vif", "state", "port", "mac", "profile", "instance_uuid", NULL };
static const char *const vif_stats_cols[] = {
	"vif", "state", "rx_packets", "rx_bytes", "tx_packets", "tx_bytes",
	"drop_inactive", "drop_mac_forged", "drop_vlan", "drop_policer", NULL };

static const struct fexctl_cmd cmds[] = {
	{ "profile", "set", "profile.set", "name", FEXCTL_T_STR, true, "NAME",
	  profile_opts, NULL,
	  "Create a port profile, or change the given fields of an existing one "
	  "(live: running VIFs see it at once).", NULL },
	{ "profile", "get", "profile.get", "name", FEXCTL_T_STR, true, "NAME",
	  cluster_opt, NULL, "Show one port profile.", NULL },
	{ "profile", "list", "profile.list", NULL, FEXCTL_T_STR, false, NULL,
	  cluster_opt, NULL, "List the port profiles.", profile_cols },
	{ "profile", "delete", "profile.delete", "name", FEXCTL_T_STR, true, "NAME",
	  cluster_opt, NULL,
	  "Delete a port profile (refused while VIFs use it).", NULL },
	{ "vif", "preassociate", "vif.preassociate", "vif", FEXCTL_T_INT, false, "[ID]",
	  vif_opts, vif_required,
	  "Reserve VIF ID for a VM about to arrive (live migration target); "
	  "it forwards nothing until associated. Without ID: the VIF this "
	  "--uuid and --mac have, else the lowest free id.", NULL },
	{ "vif", "associate", "vif.associate", "vif", FEXCTL_T_INT, false, "[ID]",
	  vif_opts, vif_required,
	  "Bind VIF ID (1..4095) to a vNIC port and a profile and start "
	  "forwarding. Without ID: the VIF this --uuid and --mac have, else "
	  "the lowest free id.", NULL },
	{ "vif", "disassociate", "vif.disassociate", "vif", FEXCTL_T_INT, true, "ID",
	  cluster_opt, NULL, "Remove VIF ID and close its port.", NULL },
	{ "vif", "list", "vif.list", NULL, FEXCTL_T_STR, false, NULL, cluster_opt, NULL,
	  "List the VIFs.", vif_cols },
	{ "vif", "stats", "vif.stats", "vif", FEXCTL_T_INT, false, "[ID]", cluster_opt,
	  NULL, "Per-VIF counters (all VIFs, or VIF ID).", vif_stats_cols },
	{ "viflist", "set", "viflist.set", "id", FEXCTL_T_INT, true, "ID", viflist_opts,
	  viflist_required,
	  "Set VIF list ID (1..16383): the VIFs a downstream flood frame to ID "
	  "reaches.", NULL },
	{ "viflist", "get", "viflist.get", "id", FEXCTL_T_INT, true, "ID", cluster_opt,
	  NULL, "Show one VIF list.", NULL },
	{ "viflist", "list", "viflist.list", NULL, FEXCTL_T_STR, false, NULL, cluster_opt,
	  NULL, "List the VIF lists.", NULL },
	{ "viflist", "delete", "viflist.delete", "id", FEXCTL_T_INT, true, "ID",
	  cluster_opt, NULL, "Delete VIF list ID.", NULL },
	{ "port", "list", "port.list", NULL, FEXCTL_T_STR, false, NULL, no_opts, NULL,
	  "List the ports (uplink and vNICs).", NULL },
	{ "stats", NULL, "stats", NULL, FEXCTL_T_STR, false, NULL, no_opts, NULL,
	  "Data-path and control figures (per-uplink drops, ...).", NULL },
	{ "cluster", "list", "cluster.list", NULL, FEXCTL_T_STR, false, NULL, no_opts,
	  NULL, "List the clusters.", NULL },
	{ "cluster", "status", "cluster.status", NULL, FEXCTL_T_STR, false, NULL, no_opts,
	  NULL, "This host in its cluster: the store (etcd) endpoints, reachable or "
	  "not, the host's name and lease, the revision applied here, the store's "
	  "and the lag.", NULL },
};

#define NB_CMDS (sizeof(cmds) / sizeof(cmds[0]))

/* ---------------------------------------------------------------- usage */

void
fexctl_cmd_usage(FILE *f, const struct fexctl_cmd *c)
{
	const struct fexctl_opt *o;
	unsigned int i;

	fprintf(f, "usage: %s [--socket PATH] [--json] %s%s%s%s%s", fexctl_prog, c->object,
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

void
fexctl_usage(FILE *f)
{
	unsigned int i;

	fprintf(f,
		"usage: %s [--socket PATH] [--json] [--timeout SEC] <object> <verb> [args]\n"
		"       %s call METHOD ['{json params}']\n"
		"       %s <object> <verb> --help\n"
		"\n"
		"Talks to fexpath's control socket (default %s, or $FEXCTL_SOCKET).\n"
		"Human tables by default; --json prints the JSON result for scripts.\n"
		"\ncommands:\n", fexctl_prog, fexctl_prog, fexctl_prog, FEX_CTL_DEFAULT_PATH);
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

int
fexctl_parse_int(const char *flag, const char *s, json_int_t *out)
{
	char *end;
	long long v;

	errno = 0;
	v = strtoll(s, &end, 10);
	if (*s == '\0' || *end != '\0' || errno != 0) {
		fprintf(stderr, "%s: %s: '%s' is not a whole number\n", fexctl_prog, flag, s);
		return -1;
	}
	*out = v;
	return 0;
}

struct list_arg {
	json_t *a;
	unsigned int lo, hi;	/* the range refused */
};

static int
list_put(unsigned int lo, unsigned int hi, void *arg)
{
	struct list_arg *l = arg;

	if (hi - lo > 16384) {	/* not a list anyone means; the server checks ids */
		l->lo = lo;
		l->hi = hi;
		return -E2BIG;
	}
	for (; lo <= hi; lo++)
		if (json_array_append_new(l->a, json_integer(lo)) < 0)
			return -ENOMEM;
	return 0;
}

static json_t *
parse_list(const char *flag, const char *s)
{
	struct list_arg l = { .a = json_array() };
	const char *bad = s;
	int rc;

	if (l.a == NULL)
		return NULL;
	rc = fex_id_list_parse(s, 0, UINT16_MAX, list_put, &l, &bad);
	if (rc == 0)
		return l.a;
	if (rc == -ERANGE)
		fprintf(stderr, "%s: %s: range %.*s is not allowed; give low-high with "
			"low <= high\n", fexctl_prog, flag, (int)strcspn(bad, ","), bad);
	else if (rc == -E2BIG)
		fprintf(stderr, "%s: %s: range %u-%u is not allowed; give at most "
			"16385 ids in a range\n", fexctl_prog, flag, l.lo, l.hi);
	else
		fprintf(stderr, "%s: %s: '%s' is not a list of whole numbers and ranges "
			"(bad at '%.16s'); e.g. 10,20,30-40\n", fexctl_prog, flag, s, bad);
	json_decref(l.a);
	return NULL;
}

static json_t *
parse_value(const char *flag, enum fexctl_opt_type t, const char *s)
{
	json_int_t v;

	switch (t) {
	case FEXCTL_T_STR:
		return json_string(s);
	case FEXCTL_T_INT:
		return fexctl_parse_int(flag, s, &v) < 0 ? NULL : json_integer(v);
	case FEXCTL_T_INT_OR_NULL:
		if (strcmp(s, "none") == 0)
			return json_null();
		return fexctl_parse_int(flag, s, &v) < 0 ? NULL : json_integer(v);
	case FEXCTL_T_LIST:
		return parse_list(flag, s);
	case FEXCTL_T_BOOL:
		if (!strcmp(s, "yes") || !strcmp(s, "true") || !strcmp(s, "on") ||
		    !strcmp(s, "1"))
			return json_true();
		if (!strcmp(s, "no") || !strcmp(s, "false") || !strcmp(s, "off") ||
		    !strcmp(s, "0"))
			return json_false();
		fprintf(stderr, "%s: %s: '%s' is not allowed; allowed: yes, no\n",
			fexctl_prog, flag, s);
		return NULL;
	}
	return NULL;
}

/* Build params from the words after "<object> <verb>". */
json_t *
fexctl_build_params(const struct fexctl_cmd *c, int argc, char **argv,
		    bool *help)
{
	json_t *params = json_object();
	bool have_pos = false;
	unsigned int i;
	int k;

	for (k = 0; k < argc; k++) {
		const char *a = argv[k], *val = NULL, *eq;
		const struct fexctl_opt *o;
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
					fexctl_prog, c->object, c->verb ? " " : "",
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
				fexctl_prog, c->object, c->verb ? " " : "",
				c->verb ? c->verb : "", (int)flen, a);
			goto out_usage;
		}
		if (eq != NULL)
			val = eq + 1;
		else if (k + 1 < argc)
			val = argv[++k];
		if (val == NULL) {
			fprintf(stderr, "%s: %s needs a value: %s\n", fexctl_prog, o->flag,
				o->help);
			goto out_usage;
		}
		v = parse_value(o->flag, o->type, val);
		if (v == NULL)
			goto out_usage;
		json_object_set_new(params, o->field, v);
	}
	if (c->pos != NULL && c->pos_required && !have_pos) {
		fprintf(stderr, "%s: %s %s: %s is missing\n", fexctl_prog, c->object,
			c->verb ? c->verb : "", c->pos_name);
		goto out_usage;
	}
	for (i = 0; c->required != NULL && c->required[i] != NULL; i++) {
		if (json_object_get(params, c->required[i]) != NULL)
			continue;
		for (const struct fexctl_opt *o = c->opts; o->flag != NULL; o++)
			if (strcmp(o->field, c->required[i]) == 0) {
				fprintf(stderr, "%s: %s %s: %s is required: %s\n", fexctl_prog,
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

/* ---------------------------------------------------------------- lookup */

const struct fexctl_cmd *
fexctl_find_cmd(const char *object, const char *verb, bool *object_known)
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

void
fexctl_object_usage(FILE *f, const char *object)
{
	unsigned int i;

	fprintf(f, "%s %s: verbs:", fexctl_prog, object);
	for (i = 0; i < NB_CMDS; i++)
		if (strcmp(cmds[i].object, object) == 0)
			fprintf(f, " %s", cmds[i].verb);
	fprintf(f, " (see %s %s VERB --help)\n", fexctl_prog, object);
}
