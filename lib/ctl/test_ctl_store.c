/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * What lib/cluster builds on, without a store: the store hooks around the
 * changing methods (a refusal by either hook changes nothing, published
 * or saved; what the write hook sees is the merged whole object), the
 * typed calls that bypass them, a profile from a stored JSON object, and
 * an extra fd served on the control thread.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include <fex_vif.h>

#include "fex_test.h"
#include "fex_ctl_priv.h"
#include "test_ctl_common.h"

#define UUID1 "6b3a2a4e-8c1f-4d2b-9a7e-1f2e3d4c5b6a"

static char dir[64];

struct rec {
	unsigned int before, write;
	bool refuse_before, refuse_write;
	char method[32];
	json_t *result;		/* what write saw (a copy) */
};

static int
rec_before(void *ctx, const char *method, const json_t *params,
	   struct fex_ctl_err *err)
{
	struct rec *r = ctx;

	(void)params;
	r->before++;
	snprintf(r->method, sizeof(r->method), "%s", method);
	if (r->refuse_before) {
		fex_ctl_err_set(err, FEX_CTL_E_FAILED, NULL, "cluster store unreachable: test");
		return -1;
	}
	return 0;
}

static int
rec_write(void *ctx, const char *method, const json_t *params,
	  const json_t *result, struct fex_ctl_err *err)
{
	struct rec *r = ctx;

	(void)params;
	r->write++;
	snprintf(r->method, sizeof(r->method), "%s", method);
	json_decref(r->result);
	r->result = json_deep_copy(result);
	if (r->refuse_write) {
		fex_ctl_err_set(err, FEX_CTL_E_FAILED, NULL, "cluster store unreachable: test");
		return -1;
	}
	return 0;
}

static bool
profile_exists(const char *name)
{
	return fex_profile_get(tctl_db(), name, NULL, NULL) == 0;
}

static void
test_store_hooks(void)
{
	char state[96];
	struct rec r = { .before = 0 };
	struct fex_ctl_store hooks = { .before = rec_before, .write = rec_write, .ctx = &r };
	struct fex_ctl *ctl;
	json_t *resp;
	char *before, *after;

	snprintf(state, sizeof(state), "%s/hooks.json", dir);
	ctl = tctl_new(state, NULL, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(ctl);
	fex_ctl_set_store(ctl, &hooks);
	CU_ASSERT_EQUAL(tcall_code(ctl, "profile.set",
		"{\"name\": \"web\", \"vlans\": [10, 20], \"cos\": 3}"), 0);
	CU_ASSERT_EQUAL(r.before, 1);
	CU_ASSERT_EQUAL(r.write, 1);
	CU_ASSERT_STRING_EQUAL(r.method, "profile.set");

	/* a partial set: the write hook sees the merged whole profile */
	CU_ASSERT_EQUAL(tcall_code(ctl, "profile.set",
		"{\"name\": \"web\", \"native_vlan\": 30}"), 0);
	CU_ASSERT_EQUAL(json_integer_value(json_object_get(r.result, "cos")), 3);
	CU_ASSERT_EQUAL(json_integer_value(json_object_get(r.result, "native_vlan")), 30);
	CU_ASSERT_EQUAL(json_array_size(json_object_get(r.result, "vlans")), 3);

	/* refused by write: nothing published, nothing saved */
	before = tstate(ctl);
	r.refuse_write = true;
	resp = tcall(ctl, "profile.set", "{\"name\": \"db\", \"vlans\": [5]}");
	CU_ASSERT_EQUAL(tcode(resp), FEX_CTL_E_FAILED);
	CU_ASSERT(strstr(json_string_value(json_object_get(json_object_get(resp, "error"),
		"message")), "cluster store unreachable") != NULL);
	json_decref(resp);
	CU_ASSERT(!profile_exists("db"));
	CU_ASSERT_EQUAL(tcall_code(ctl, "profile.set", "{\"name\": \"web\", \"cos\": 7}"),
			FEX_CTL_E_FAILED);
	CU_ASSERT_EQUAL(tcall_code(ctl, "profile.delete", "{\"name\": \"web\"}"),
			FEX_CTL_E_FAILED);
	CU_ASSERT(profile_exists("web"));
	after = tstate(ctl);
	CU_ASSERT_STRING_EQUAL(before, after);
	free(after);

	/* refused before: the handler does not run */
	r.refuse_write = false;
	r.refuse_before = true;
	r.write = 0;
	CU_ASSERT_EQUAL(tcall_code(ctl, "viflist.set", "{\"id\": 7, \"vifs\": [1]}"),
			FEX_CTL_E_FAILED);
	CU_ASSERT_EQUAL(r.write, 0);
	CU_ASSERT(fex_viflist_get(tctl_db(), 7, NULL, 0) < 0);
	/* ... and a VIF request is refused with a response name */
	resp = tcall(ctl, "vif.associate", "{\"vif\": 10, \"port\": \"null\", \"mac\": "
		     "\"02:00:00:00:00:0a\", \"profile\": \"web\", \"instance_uuid\": \"" UUID1 "\"}");
	CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(json_object_get(
		json_object_get(resp, "error"), "data"), "response")), "error");
	json_decref(resp);
	CU_ASSERT_EQUAL(tports_open(), 0);	/* no port left open */
	after = tstate(ctl);
	CU_ASSERT_STRING_EQUAL(before, after);
	free(after);
	free(before);

	/* reads do not go through the store; typed calls neither */
	r.before = r.write = 0;
	CU_ASSERT_EQUAL(tcall_code(ctl, "profile.get", "{\"name\": \"web\"}"), 0);
	CU_ASSERT_EQUAL(tcall_code(ctl, "profile.list", ""), 0);
	{
		struct fex_ctl_err err = { .code = 0 };
		struct fex_profile p;

		fex_profile_defaults(&p);
		snprintf(p.name, sizeof(p.name), "typed");
		CU_ASSERT_EQUAL(fex_ctl_profile_set(ctl, &p, &err), 0);
		CU_ASSERT_EQUAL(fex_ctl_viflist_set(ctl, 9, (uint16_t[]){ 1, 2 }, 2, &err), 0);
		CU_ASSERT_EQUAL(fex_ctl_viflist_delete(ctl, 9, &err), 0);
		CU_ASSERT_EQUAL(fex_ctl_viflist_delete(ctl, 9, &err), -1);
		CU_ASSERT_EQUAL(err.code, FEX_CTL_E_NOT_FOUND);
		CU_ASSERT_EQUAL(fex_ctl_profile_delete(ctl, "typed", &err), 0);
		CU_ASSERT(!profile_exists("typed"));
	}
	CU_ASSERT_EQUAL(r.before, 0);
	CU_ASSERT_EQUAL(r.write, 0);

	/* accepted again: a VIF request passes the result with its state */
	r.refuse_before = false;
	CU_ASSERT_EQUAL(tcall_code(ctl, "vif.associate", "{\"vif\": 10, \"port\": \"null\", "
		"\"mac\": \"02:00:00:00:00:0a\", \"profile\": \"web\", "
		"\"instance_uuid\": \"" UUID1 "\"}"), 0);
	CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(r.result, "state")),
			       "associated");
	{
		struct fex_ctl_err err = { .code = 0 };

		/* typed delete of a profile in use: refused, it stays */
		CU_ASSERT_EQUAL(fex_ctl_profile_delete(ctl, "web", &err), -1);
		CU_ASSERT_EQUAL(err.code, FEX_CTL_E_IN_USE);
		CU_ASSERT(profile_exists("web"));
	}
	json_decref(r.result);
	tctl_free(ctl);
}

/* ---- an associate without an id on a host of a cluster */

struct pick {
	unsigned int calls;
	int held;		/* what the store holds for the UUID + MAC */
	uint16_t taken[3];	/* ids the store names (0 = none) */
	bool refuse;
	char uuid[40];
	uint8_t mac[6];
};

static int
rec_pick(void *ctx, const char *instance_uuid, const uint8_t mac[6],
	 uint8_t *taken, struct fex_ctl_err *err)
{
	struct pick *p = ctx;
	unsigned int i;

	p->calls++;
	snprintf(p->uuid, sizeof(p->uuid), "%s", instance_uuid);
	memcpy(p->mac, mac, 6);
	if (p->refuse) {
		fex_ctl_err_set(err, FEX_CTL_E_FAILED, NULL, "cluster store unreachable: test");
		return -1;
	}
	for (i = 0; i < RTE_DIM(p->taken); i++)
		if (p->taken[i] != 0)
			taken[p->taken[i]] = 1;
	return p->held;
}

static int
picked(struct fex_ctl *ctl, const char *method, const char *mac)
{
	char params[256];
	json_t *resp;
	int vif;

	/* one port per vNIC: "af_packet:vnic0a" for ...:0a */
	snprintf(params, sizeof(params), "{\"port\": \"af_packet:vnic%s\", \"mac\": "
		 "\"%s\", \"profile\": \"web\", \"instance_uuid\": \"" UUID1 "\"}",
		 mac + 15, mac);
	resp = tcall(ctl, method, params);
	vif = tcode(resp) == 0 ? (int)json_integer_value(json_object_get(
		json_object_get(resp, "result"), "vif")) : -tcode(resp);
	json_decref(resp);
	return vif;
}

static void
test_store_vif_pick(void)
{
	struct pick p = { .taken = { 1, 2, 4 } };
	struct fex_ctl_store hooks = { .vif_pick = rec_pick, .ctx = &p };
	struct fex_ctl *ctl;

	ctl = tctl_new(NULL, NULL, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(ctl);
	CU_ASSERT_EQUAL(tcall_code(ctl, "profile.set", "{\"name\": \"web\"}"), 0);
	fex_ctl_set_store(ctl, &hooks);
	/* the store names 1, 2 and 4: the lowest id free on the cluster is 3 */
	CU_ASSERT_EQUAL(picked(ctl, "vif.preassociate", "02:00:00:00:00:0a"), 3);
	CU_ASSERT_EQUAL(p.calls, 1);
	CU_ASSERT_STRING_EQUAL(p.uuid, UUID1);
	CU_ASSERT_EQUAL(p.mac[5], 0x0a);
	/* this host has it now: the store is not asked again */
	CU_ASSERT_EQUAL(picked(ctl, "vif.associate", "02:00:00:00:00:0a"), 3);
	CU_ASSERT_EQUAL(p.calls, 1);
	/* another vNIC: 3 is ours, 4 the store's: 5 */
	CU_ASSERT_EQUAL(picked(ctl, "vif.associate", "02:00:00:00:00:0b"), 5);
	/* the store holds this UUID + MAC as VIF 4 (a migration's source) */
	p.held = 4;
	CU_ASSERT_EQUAL(picked(ctl, "vif.preassociate", "02:00:00:00:00:0c"), 4);
	/* store unreachable: refused, no VIF made */
	p.refuse = true;
	CU_ASSERT_EQUAL(picked(ctl, "vif.preassociate", "02:00:00:00:00:0d"),
			-FEX_CTL_E_FAILED);
	CU_ASSERT_EQUAL(fex_vif_get(tctl_db(), 6, NULL), -ENOENT);
	fex_ctl_set_store(ctl, NULL);
	tctl_free(ctl);
}

static void
test_profile_from_json(void)
{
	struct fex_ctl_err err = { .code = 0 };
	struct fex_profile p, d;
	json_t *o, *back;

	/* what a store holds: left-out fields take their defaults */
	o = json_loads("{\"name\": \"web\", \"vlans\": [10], \"native_vlan\": 20, "
		       "\"cos\": 4, \"vifs\": 3, \"created\": true}", 0, NULL);
	CU_ASSERT_EQUAL(fex_ctl_profile_from_json(o, &p, &err), 0);
	fex_profile_defaults(&d);
	CU_ASSERT_STRING_EQUAL(p.name, "web");
	CU_ASSERT_EQUAL(p.cos, 4);
	CU_ASSERT(fex_vlan_test(p.vlans, 10) && fex_vlan_test(p.vlans, 20));
	CU_ASSERT_EQUAL(p.max_ports, d.max_ports);
	CU_ASSERT_EQUAL(p.enabled, d.enabled);
	CU_ASSERT_EQUAL(p.rate_mode, d.rate_mode);
	/* and back: the same object, without the runtime fields */
	back = fex_ctl_profile_json(&p);
	CU_ASSERT_PTR_NULL(json_object_get(back, "vifs"));
	CU_ASSERT_EQUAL(json_integer_value(json_object_get(back, "native_vlan")), 20);
	json_decref(back);
	json_decref(o);
	/* cos absent: leave the PCP */
	o = json_loads("{\"name\": \"x\"}", 0, NULL);
	CU_ASSERT_EQUAL(fex_ctl_profile_from_json(o, &p, &err), 0);
	CU_ASSERT_EQUAL(p.cos, FEX_COS_LEAVE);
	json_decref(o);
	/* refused: no name, a bad field, an unknown one, another cluster */
	o = json_loads("{\"vlans\": [1]}", 0, NULL);
	CU_ASSERT_EQUAL(fex_ctl_profile_from_json(o, &p, &err), -1);
	json_decref(o);
	o = json_loads("{\"name\": \"x\", \"cos\": 9}", 0, NULL);
	CU_ASSERT_EQUAL(fex_ctl_profile_from_json(o, &p, &err), -1);
	CU_ASSERT_STRING_EQUAL(err.field, "cos");
	json_decref(o);
	o = json_loads("{\"name\": \"x\", \"colour\": 1}", 0, NULL);
	CU_ASSERT_EQUAL(fex_ctl_profile_from_json(o, &p, &err), -1);
	json_decref(o);
	o = json_loads("{\"name\": \"x\", \"cluster\": \"east\"}", 0, NULL);
	CU_ASSERT_EQUAL(fex_ctl_profile_from_json(o, &p, &err), -1);
	json_decref(o);
	o = json_array();
	CU_ASSERT_EQUAL(fex_ctl_profile_from_json(o, &p, &err), -1);
	json_decref(o);
}

/* ---- an extra fd on the control thread */

struct src {
	int fd;
	unsigned int calls;
	pthread_t thread;
};

static void
src_ready(void *arg)
{
	struct src *s = arg;
	uint64_t v;

	if (read(s->fd, &v, sizeof(v)) == sizeof(v)) {
		s->thread = pthread_self();
		__atomic_fetch_add(&s->calls, (unsigned int)v, __ATOMIC_RELEASE);
	}
}

static void
test_source(void)
{
	char sock[96], err[256];
	struct src s = { .fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC) };
	struct fex_ctl *ctl;
	uint64_t three = 3;
	unsigned int i;

	snprintf(sock, sizeof(sock), "%s/ctl.sock", dir);
	ctl = tctl_new(NULL, sock, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(ctl);
	CU_ASSERT_EQUAL(fex_ctl_add_source(ctl, s.fd, src_ready, &s), 0);
	for (i = 1; i < FEX_CTL_SOURCES_MAX; i++)
		CU_ASSERT_EQUAL(fex_ctl_add_source(ctl, s.fd, src_ready, &s), 0);
	CU_ASSERT_EQUAL(fex_ctl_add_source(ctl, s.fd, src_ready, &s), -ENOSPC);
	ctl->nb_sources = 1;
	CU_ASSERT_EQUAL_FATAL(fex_ctl_start(ctl, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(fex_ctl_add_source(ctl, s.fd, src_ready, &s), -EBUSY);
	CU_ASSERT(write(s.fd, &three, sizeof(three)) == sizeof(three));
	for (i = 0; i < 200 && __atomic_load_n(&s.calls, __ATOMIC_ACQUIRE) == 0; i++)
		usleep(5000);
	CU_ASSERT_EQUAL(s.calls, 3);
	CU_ASSERT(pthread_equal(s.thread, ctl->thread));	/* the control thread */
	fex_ctl_stop(ctl);
	tctl_free(ctl);
	close(s.fd);
}

int
main(int argc, char **argv)
{
	CU_pSuite s;
	char cmd[96];
	int rc;

	(void)argc;
	if (fex_test_eal_init(argv[0]) < 0)
		return 1;
	snprintf(dir, sizeof(dir), "/tmp/fex-ctl-store.XXXXXX");
	if (mkdtemp(dir) == NULL)
		return 1;
	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	s = CU_add_suite("ctl store", NULL, NULL);
	CU_add_test(s, "store hooks: a refusal changes nothing; write sees the merge",
		    test_store_hooks);
	CU_add_test(s, "an associate without an id asks the store (vif_pick)",
		    test_store_vif_pick);
	CU_add_test(s, "a profile from a stored object: defaults, checks",
		    test_profile_from_json);
	CU_add_test(s, "an extra fd served on the control thread", test_source);
	rc = fex_test_run();
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		rc = 1;
	return rc;
}
