/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_cycles.h>
#include <rte_memory.h>

#include <fex_vif.h>

#include "test_ctl_common.h"

struct tports tports;

static struct fex_vif_db *db;

static int
t_attach(void *ctx, const char *spec, uint16_t *port_id, char *err, size_t errlen)
{
	unsigned int i;

	(void)ctx;
	if (strncmp(spec, "fail:", 5) == 0) {
		tports.failed++;
		snprintf(err, errlen, "test port layer refuses '%s'", spec);
		return -ENODEV;
	}
	for (i = 0; i < TPORT_MAX; i++)
		if (!tports.open[i])
			break;
	if (i == TPORT_MAX) {
		snprintf(err, errlen, "no free port id");
		return -ENOSPC;
	}
	tports.open[i] = true;
	snprintf(tports.spec[i], sizeof(tports.spec[i]), "%s", spec);
	tports.attached++;
	*port_id = (uint16_t)i;
	return 0;
}

static int
t_detach(void *ctx, uint16_t port_id)
{
	(void)ctx;
	if (port_id >= TPORT_MAX || !tports.open[port_id])
		return -ENODEV;
	tports.open[port_id] = false;
	tports.detached++;
	return 0;
}

static json_t *
t_port_list(void *ctx)
{
	json_t *a = json_array();
	unsigned int i;

	(void)ctx;
	for (i = 0; i < TPORT_MAX; i++)
		if (tports.open[i])
			json_array_append_new(a, json_pack("{s:i, s:s, s:s}",
				"port_id", (int)i, "spec", tports.spec[i],
				"role", "vnic"));
	return a;
}

static json_t *
t_stats(void *ctx)
{
	(void)ctx;
	return json_pack("{s:[{s:i, s:i, s:i, s:i}]}", "uplinks", "port_id", 0,
			 "drop_unknown_vif", 0, "drop_malformed", 0,
			 "drop_direction", 0);
}

struct fex_ctl_hooks
tports_hooks(void)
{
	struct fex_ctl_hooks h = {
		.port_attach = t_attach,
		.port_detach = t_detach,
		.port_list = t_port_list,
		.stats = t_stats,
	};
	return h;
}

void
tports_reset(void)
{
	memset(&tports, 0, sizeof(tports));
}

unsigned int
tports_open(void)
{
	unsigned int i, n = 0;

	for (i = 0; i < TPORT_MAX; i++)
		n += tports.open[i];
	return n;
}

struct fex_ctl *
tctl_new_conf(struct fex_ctl_conf *conf)
{
	char err[256];
	struct fex_ctl *ctl;

	db = fex_vif_db_create(1, rte_get_tsc_hz(), SOCKET_ID_ANY);
	if (db == NULL)
		return NULL;
	conf->db = db;
	conf->hooks = tports_hooks();
	ctl = fex_ctl_create(conf, err, sizeof(err));
	if (ctl == NULL) {
		fprintf(stderr, "fex_ctl_create: %s\n", err);
		fex_vif_db_free(db);
		db = NULL;
	}
	return ctl;
}

struct fex_ctl *
tctl_new(const char *state_path, const char *socket_path, const char *group)
{
	struct fex_ctl_conf conf = { 0 };

	conf.state_path = state_path;
	conf.path = socket_path;
	conf.group = group;
	return tctl_new_conf(&conf);
}

void
tctl_free(struct fex_ctl *ctl)
{
	fex_ctl_destroy(ctl);
	fex_vif_db_free(db);
	db = NULL;
}

struct fex_vif_db *
tctl_db(void)
{
	return db;
}

json_t *
tcall(struct fex_ctl *ctl, const char *method, const char *params)
{
	json_t *req, *resp;
	json_error_t jerr;

	req = json_pack("{s:s, s:i, s:s}", "jsonrpc", "2.0", "id", 1,
			"method", method);
	if (params != NULL && params[0] != '\0') {
		json_t *p = json_loads(params, 0, &jerr);

		if (p == NULL) {
			fprintf(stderr, "bad test params %s: %s\n", params, jerr.text);
			abort();
		}
		json_object_set_new(req, "params", p);
	}
	resp = fex_ctl_call(ctl, req, NULL);
	json_decref(req);
	return resp;
}

int
tcode(const json_t *resp)
{
	json_t *e = json_object_get(resp, "error");

	return e != NULL ? (int)json_integer_value(json_object_get(e, "code")) : 0;
}

int
tcall_code(struct fex_ctl *ctl, const char *method, const char *params)
{
	json_t *r = tcall(ctl, method, params);
	int code = tcode(r);

	if (getenv("TEST_CTL_VERBOSE") != NULL) {
		char *s = json_dumps(r, JSON_COMPACT);

		fprintf(stderr, "%s %s -> %s\n", method, params, s);
		free(s);
	}
	json_decref(r);
	return code;
}

char *
tstate(struct fex_ctl *ctl)
{
	json_t *d = fex_ctl_state_dump(ctl);
	char *s = json_dumps(d, JSON_COMPACT | JSON_SORT_KEYS);

	json_decref(d);
	return s;
}
