/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The config file's [profile], [vif] and [viflist] sections
 * (config_sections.c) on lib/ctl's recording port layer: they give the
 * state the same requests over the socket give, errors name the section
 * and the field, and each section is a change saved before it is
 * published.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fex_app.h"
#include "fex_test.h"
#include "test_ctl_common.h"

#define UUID "6b3a2a4e-8c1f-4d2b-9a7e-1f2e3d4c5b6a"

static char dir[] = "/tmp/test_sections.XXXXXX";
static struct fex_vif_db *db;

/* The sections of tests/integration/vf_mode.sh and dp_pcap.sh. */
static const char ini[] =
	"[fexpath]\n"
	"uplink = null\n"
	"[profile fast]\n"
	"vlans = 10,20\n"
	"native_vlan = 10\n"
	"cos = 2\n"
	"io_performance = high\n"
	"[profile web]\n"
	"description = front end\n"
	"vlans = 20, 100-102\n"
	"native_vlan = 10\n"
	"mac_forging = deny\n"
	"rate_kbps = 100000\n"
	"burst_bytes = 125000\n"
	"ingress_rate_kbps = 5000\n"
	"ingress_burst_bytes = 9000\n"
	"uplink_fail_action = warning\n"
	"max_ports = 8\n"
	"enabled = no\n"
	"cluster = default\n"
	"[vif 10]\n"
	"port = pcap:rx=/tmp/vm10.pcap,tx=/tmp/vm10_out.pcap\n"
	"mac = 02:00:00:00:00:0a\n"
	"profile = web\n"
	"instance_uuid = " UUID "\n"
	"[vif 11]\n"
	"port = null\n"
	"mac = 02:00:00:00:00:0b\n"
	"profile = fast\n"
	"instance_uuid = " UUID "\n"
	"[viflist 100]\n"
	"vifs = 10,11\n"
	"[viflist 7]\n"
	"vifs = 11\n";

/* The same through the methods. */
static const char *const calls[][2] = {
	{ "profile.set", "{\"name\":\"fast\",\"vlans\":[10,20],\"native_vlan\":10,"
	  "\"cos\":2,\"io_performance\":\"high\"}" },
	{ "profile.set", "{\"name\":\"web\",\"description\":\"front end\","
	  "\"vlans\":[20,100,101,102],\"native_vlan\":10,\"mac_forging\":\"deny\","
	  "\"rate_kbps\":100000,\"burst_bytes\":125000,\"ingress_rate_kbps\":5000,"
	  "\"ingress_burst_bytes\":9000,\"uplink_fail_action\":\"warning\","
	  "\"max_ports\":8,\"enabled\":false,\"cluster\":\"default\"}" },
	{ "vif.associate", "{\"vif\":10,\"port\":\"pcap:rx=/tmp/vm10.pcap,"
	  "tx=/tmp/vm10_out.pcap\",\"mac\":\"02:00:00:00:00:0a\",\"profile\":\"web\","
	  "\"instance_uuid\":\"" UUID "\"}" },
	{ "vif.associate", "{\"vif\":11,\"port\":\"null\",\"mac\":\"02:00:00:00:00:0b\","
	  "\"profile\":\"fast\",\"instance_uuid\":\"" UUID "\"}" },
	{ "viflist.set", "{\"id\":100,\"vifs\":[10,11]}" },
	{ "viflist.set", "{\"id\":7,\"vifs\":[11]}" },
};

static void
write_ini(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	CU_ASSERT_FATAL(f != NULL);
	fputs(text, f);
	fclose(f);
}

static struct fex_ctl *
new_ctl(const char *state)
{
	struct fex_ctl *ctl;

	tports_reset();
	ctl = tctl_new(state, NULL, NULL);
	CU_ASSERT_FATAL(ctl != NULL);
	db = tctl_db();
	return ctl;
}

static void
test_same_as_methods(void)
{
	char path[256], state[256], err[512] = "";
	struct fex_ctl *ctl;
	char *by_methods, *by_sections, *file;
	unsigned int i;

	ctl = new_ctl(NULL);
	for (i = 0; i < RTE_DIM(calls); i++)
		CU_ASSERT(tcall_code(ctl, calls[i][0], calls[i][1]) == 0);
	by_methods = tstate(ctl);
	tctl_free(ctl);

	snprintf(path, sizeof(path), "%s/same.ini", dir);
	snprintf(state, sizeof(state), "%s/same.json", dir);
	write_ini(path, ini);
	ctl = new_ctl(state);
	CU_ASSERT(fex_app_load_sections(ctl, db, path, err, sizeof(err)) == 0);
	if (err[0] != '\0')
		fprintf(stderr, "\n%s\n", err);
	by_sections = tstate(ctl);
	CU_ASSERT_STRING_EQUAL(by_methods, by_sections);
	CU_ASSERT(tports.attached == 2 && tports_open() == 2);
	/* saved: the file holds what the tables hold */
	file = NULL;
	{
		json_t *d = json_load_file(state, 0, NULL);

		if (d != NULL)
			file = json_dumps(d, JSON_COMPACT | JSON_SORT_KEYS);
		json_decref(d);
	}
	CU_ASSERT(file != NULL && strcmp(file, by_sections) == 0);
	free(file);

	/* a section changes only the keys it has (like profile.set) */
	write_ini(path, "[profile web]\ncos = 5\n");
	CU_ASSERT(fex_app_load_sections(ctl, db, path, err, sizeof(err)) == 0);
	{
		json_t *r = tcall(ctl, "profile.get", "{\"name\":\"web\"}");
		json_t *p = json_object_get(r, "result");

		CU_ASSERT(json_integer_value(json_object_get(p, "cos")) == 5);
		CU_ASSERT(json_integer_value(json_object_get(p, "max_ports")) == 8);
		CU_ASSERT(json_is_false(json_object_get(p, "enabled")));
		json_decref(r);
	}
	tctl_free(ctl);
	free(by_methods);
	free(by_sections);
}

/* Each bad section: refused, the message names the section and the
 * field, nothing of that section applied. */
static void
test_errors(void)
{
	static const char *const bad[][2] = {
		{ "[profile web]\nvlans = 10\nnative_vlan = 4095\n", "native_vlan" },
		{ "[profile web]\ncos = 8\n", "cos" },
		{ "[profile web]\ncos = -1\n", "cos" },
		{ "[profile web]\nvlans = 10/20\n", "vlans" },
		{ "[profile web]\nvlans = 4095\n", "vlans" },
		{ "[profile web]\nmac_forging = maybe\n", "allow, deny" },
		{ "[profile web]\nenabled = 1\n", "enabled" },
		{ "[profile web]\nvlan = 10\n", "vlan" },
		{ "[profile web]\ncluster = east\n", "cluster" },
		{ "[profile w/b]\n", "name" },
		{ "[vif 10]\nport = null\nmac = 02:00:00:00:00:0a\n"
		  "profile = nope\ninstance_uuid = " UUID "\n", "nope" },
		{ "[vif 10]\nport = null\nprofile = p\ninstance_uuid = " UUID "\n",
		  "mac" },
		{ "[vif 10]\nport = null\nmac = 02:00:00:00:00:0a\n"
		  "profile = p\ninstance_uuid = not-a-uuid\n", "instance_uuid" },
		{ "[vif 4096]\nport = null\nmac = 02:00:00:00:00:0a\n"
		  "profile = p\ninstance_uuid = " UUID "\n", "vif" },
		{ "[vif 10]\nport = fail:x\nmac = 02:00:00:00:00:0a\n"
		  "profile = p\ninstance_uuid = " UUID "\n", "fail:x" },
		{ "[viflist 100]\nvifs = 10,10\n", "twice" },
		{ "[viflist 0]\nvifs = 10\n", "id" },
		{ "[viflist 100]\n", "vifs" },
		{ "[vlan 100]\n", "unknown section" },
	};
	char path[256], err[512], want[64];
	struct fex_ctl *ctl;
	char *before, *after;
	unsigned int i;
	bool found;

	snprintf(path, sizeof(path), "%s/bad.ini", dir);
	ctl = new_ctl(NULL);
	CU_ASSERT(tcall_code(ctl, "profile.set", "{\"name\":\"p\"}") == 0);
	before = tstate(ctl);
	for (i = 0; i < RTE_DIM(bad); i++) {
		write_ini(path, bad[i][0]);
		err[0] = '\0';
		CU_ASSERT(fex_app_load_sections(ctl, db, path, err, sizeof(err)) ==
			  -EINVAL);
		snprintf(want, sizeof(want), "%.*s", (int)strcspn(bad[i][0] + 1, "]"),
			 bad[i][0] + 1);
		found = strstr(err, bad[i][1]) != NULL && strstr(err, want) != NULL;
		if (!found)
			fprintf(stderr, "\ncase %u: wrong message: %s\n", i, err);
		CU_ASSERT(found);
		after = tstate(ctl);
		CU_ASSERT_STRING_EQUAL(before, after);
		free(after);
		CU_ASSERT(tports_open() == 0);
	}
	free(before);
	tctl_free(ctl);
}

/* A section whose save is refused: an error, nothing published. */
static void
test_save_refused(void)
{
	char path[256], sub[256], state[300], err[512] = "";
	struct fex_ctl *ctl;

	snprintf(sub, sizeof(sub), "%s/gone", dir);
	snprintf(state, sizeof(state), "%s/state.json", sub);
	snprintf(path, sizeof(path), "%s/save.ini", dir);
	write_ini(path, "[profile p]\nvlans = 10\n[vif 10]\nport = null\n"
		  "mac = 02:00:00:00:00:0a\nprofile = p\ninstance_uuid = " UUID "\n");
	ctl = new_ctl(state);		/* its directory does not exist */
	CU_ASSERT(fex_app_load_sections(ctl, db, path, err, sizeof(err)) == -EINVAL);
	CU_ASSERT(strstr(err, "[profile p]") != NULL);
	CU_ASSERT(strstr(err, "could not be saved") != NULL);
	CU_ASSERT(tcall_code(ctl, "profile.get", "{\"name\":\"p\"}") ==
		  FEX_CTL_E_NOT_FOUND);
	CU_ASSERT(mkdir(sub, 0700) == 0);
	CU_ASSERT(fex_app_load_sections(ctl, db, path, err, sizeof(err)) == 0);
	CU_ASSERT(tcall_code(ctl, "vif.stats", "{\"vif\":10}") == 0);
	CU_ASSERT(access(state, R_OK) == 0);
	tctl_free(ctl);
}

int
main(void)
{
	CU_pSuite s;
	int rc;

	if (fex_test_eal_init("test_sections") < 0 || mkdtemp(dir) == NULL)
		return EXIT_FAILURE;
	if (CU_initialize_registry() != CUE_SUCCESS)
		return EXIT_FAILURE;
	s = CU_add_suite("config sections", NULL, NULL);
	CU_add_test(s, "sections give the state the methods give", test_same_as_methods);
	CU_add_test(s, "bad sections named, nothing applied", test_errors);
	CU_add_test(s, "a refused save publishes nothing", test_save_refused);
	rc = fex_test_run();
	{
		char cmd[300];

		snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
		if (system(cmd) != 0)
			fprintf(stderr, "cannot remove %s\n", dir);
	}
	return rc;
}
