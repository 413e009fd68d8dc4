/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer target of the control request handler: fex_ctl_call_line() on
 * arbitrary bytes, one call per input line, with a real lib/vif database,
 * the recording port layer of the unit tests and a state file (saved on
 * every change, as in fexpath).
 *
 * Input: request lines separated by '\n'. A first byte '!' (skipped)
 * makes the caller an unprivileged peer (read-only methods only).
 *
 * Checked on every line: the reply is one JSON-RPC 2.0 object with the
 * request's id rules, exactly one of result / error, and an error has an
 * integer code and a non-empty message; an error changes nothing (state
 * before = state after); the state file on disk always equals the state in
 * memory; every VIF holds exactly one attached port (no port leaked or
 * lost on any error path). After each input the state is put back to the
 * base set (two profiles, two VIFs, one VIF list) so that inputs do not
 * depend on each other.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sanitizer/lsan_interface.h>

#include <rte_common.h>
#include <rte_eal.h>
#include <rte_errno.h>

#include "fex_ctl.h"
#include "test_ctl_common.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct fex_ctl *ctl;
static char state_dir[64] = "/dev/shm/fuzz_ctl.XXXXXX";
static char state_path[128];
static char *base_state;

static const char *const base_calls[][2] = {
	{ "profile.set", "{\"name\":\"web\",\"vlans\":[10,20],\"native_vlan\":10,"
	  "\"cos\":3,\"mac_forging\":\"deny\"}" },
	{ "profile.set", "{\"name\":\"open\",\"vlans\":[30],\"max_ports\":2,"
	  "\"uplink_fail_action\":\"warning\"}" },
	{ "vif.associate", "{\"vif\":10,\"port\":\"ring:a\",\"mac\":\"02:00:00:00:00:0a\","
	  "\"profile\":\"web\",\"instance_uuid\":\"6b3a2a4e-8c1f-4d2b-9a7e-1f2e3d4c5b6a\"}" },
	{ "vif.preassociate", "{\"vif\":11,\"port\":\"ring:b\",\"mac\":\"02:00:00:00:00:0b\","
	  "\"profile\":\"open\",\"instance_uuid\":\"6b3a2a4e-8c1f-4d2b-9a7e-1f2e3d4c5b6a\"}" },
	{ "viflist.set", "{\"id\":100,\"vifs\":[10,11]}" },
};

static void
check(int cond, const char *what, const char *detail)
{
	if (!cond) {
		fprintf(stderr, "fuzz_ctl: invariant broken: %s%s%s\n", what,
			detail ? ": " : "", detail ? detail : "");
		abort();
	}
}

static void
cleanup(void)
{
	char tmp[160];

	unlink(state_path);
	snprintf(tmp, sizeof(tmp), "%s", state_dir);
	rmdir(tmp);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char *eal[] = {
		(*argv)[0], (char *)"--no-huge", (char *)"-m", (char *)"128",
		(char *)"--no-pci", (char *)"--no-shconf", (char *)"--no-telemetry",
		(char *)"-l", (char *)"0", (char *)"--log-level", (char *)"*:error",
		NULL,
	};
	unsigned int i;

	(void)argc;
	/* The VIF database is referenced from DPDK memory only, which
	 * LeakSanitizer does not scan: set-up is not checked for leaks. */
	__lsan_disable();
	if (rte_eal_init(RTE_DIM(eal) - 1, eal) < 0) {
		fprintf(stderr, "fuzz_ctl: EAL: %s\n", rte_strerror(rte_errno));
		abort();
	}
	if (access("/dev/shm", W_OK) != 0)
		snprintf(state_dir, sizeof(state_dir), "/tmp/fuzz_ctl.XXXXXX");
	if (mkdtemp(state_dir) == NULL)
		abort();
	snprintf(state_path, sizeof(state_path), "%s/state.json", state_dir);
	atexit(cleanup);
	tports_reset();
	ctl = tctl_new(state_path, NULL, NULL);
	if (ctl == NULL)
		abort();
	__lsan_enable();
	for (i = 0; i < RTE_DIM(base_calls); i++)
		check(tcall_code(ctl, base_calls[i][0], base_calls[i][1]) == 0,
		      "base state", base_calls[i][0]);
	base_state = tstate(ctl);
	return 0;
}

static char *
file_state(void)
{
	json_error_t jerr;
	json_t *d = json_load_file(state_path, 0, &jerr);
	char *s;

	if (d == NULL)
		return NULL;
	s = json_dumps(d, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(d);
	return s;
}

static unsigned int
state_vifs(const char *st)
{
	json_t *d = json_loads(st, 0, NULL);
	unsigned int n = (unsigned int)json_array_size(json_object_get(d, "vifs"));

	json_decref(d);
	return n;
}

static void
check_reply(const char *reply, const char *before, const char *after)
{
	json_error_t jerr;
	json_t *r = json_loads(reply, 0, &jerr), *e;

	check(r != NULL && json_is_object(r), "reply is a JSON object", reply);
	check(json_is_string(json_object_get(r, "jsonrpc")) &&
	      strcmp(json_string_value(json_object_get(r, "jsonrpc")), "2.0") == 0,
	      "reply says jsonrpc 2.0", reply);
	check(json_object_get(r, "id") != NULL, "reply has an id", reply);
	e = json_object_get(r, "error");
	check((e != NULL) != (json_object_get(r, "result") != NULL),
	      "exactly one of result and error", reply);
	if (e != NULL) {
		const char *msg = json_string_value(json_object_get(e, "message"));

		check(json_is_integer(json_object_get(e, "code")), "error code", reply);
		check(msg != NULL && msg[0] != '\0', "error message", reply);
		check(strcmp(before, after) == 0, "an error changes nothing", reply);
	}
	json_decref(r);
}

/* Back to the base state: delete what is there, then re-create. */
static void
reset(void)
{
	json_t *d = fex_ctl_state_dump(ctl), *o;
	size_t i;
	char p[128];

	json_array_foreach(json_object_get(d, "viflists"), i, o) {
		snprintf(p, sizeof(p), "{\"id\":%d}",
			 (int)json_integer_value(json_object_get(o, "id")));
		check(tcall_code(ctl, "viflist.delete", p) == 0, "reset viflist", p);
	}
	json_array_foreach(json_object_get(d, "vifs"), i, o) {
		snprintf(p, sizeof(p), "{\"vif\":%d}",
			 (int)json_integer_value(json_object_get(o, "vif")));
		check(tcall_code(ctl, "vif.disassociate", p) == 0, "reset vif", p);
	}
	json_array_foreach(json_object_get(d, "profiles"), i, o) {
		json_t *req = json_pack("{s:O}", "name", json_object_get(o, "name"));
		char *s = json_dumps(req, JSON_COMPACT);

		check(tcall_code(ctl, "profile.delete", s) == 0, "reset profile", s);
		free(s);
		json_decref(req);
	}
	json_decref(d);
	check(tports_open() == 0, "every port detached with its VIF", NULL);
	for (i = 0; i < RTE_DIM(base_calls); i++)
		check(tcall_code(ctl, base_calls[i][0], base_calls[i][1]) == 0,
		      "base state", base_calls[i][0]);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fex_ctl_peer user = { .pid = 1, .uid = 1000, .gid = 1000 };
	const struct fex_ctl_peer *peer = NULL;
	const char *p = (const char *)data, *end = p + size;
	bool changed = false;
	char *st, *before;

	if (size > 0 && p[0] == '!') {
		peer = &user;
		p++;
	}
	before = tstate(ctl);
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t len = nl != NULL ? (size_t)(nl - p) : (size_t)(end - p);
		char *reply, *disk;

		reply = fex_ctl_call_line(ctl, p, len, peer);
		check(reply != NULL, "a reply for every line", NULL);
		st = tstate(ctl);
		check_reply(reply, before, st);
		free(reply);
		disk = file_state();
		check(disk != NULL && strcmp(st, disk) == 0,
		      "state file = state in memory", disk);
		check(tports_open() == state_vifs(st), "one port per VIF", st);
		changed |= strcmp(st, base_state) != 0;
		free(disk);
		free(before);
		before = st;
		p += len + 1;
	}
	free(before);
	if (changed)
		reset();
	return 0;
}
