/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Unit tests of persistence: save -> restore round trip (ports re-created
 * through the hook), a save that fails (full tmpfs) rolls the change back
 * and keeps the old file, a refused save never reaches the workers (their
 * table and its generation do not move; a good change moves it once),
 * and corrupt files are reported by name.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fex_vif.h>

#include "fex_test.h"
#include "fex_ctl_priv.h"
#include "test_ctl_common.h"

#define UUID1 "6b3a2a4e-8c1f-4d2b-9a7e-1f2e3d4c5b6a"
#define UUID2 "7c4b3b5f-9d20-4e3c-8b8f-2a3f4e5d6c7b"

static char dir[] = "/tmp/test_state.XXXXXX";

static char *
read_file(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf;
	long n;

	if (f == NULL)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = calloc(1, (size_t)n + 1);
	if (buf != NULL && fread(buf, 1, (size_t)n, f) != (size_t)n) {
		free(buf);
		buf = NULL;
	}
	fclose(f);
	return buf;
}

static void
write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	CU_ASSERT_FATAL(f != NULL);
	fputs(text, f);
	fclose(f);
}

/* Files in d other than the state file itself (temp files left over). */
static unsigned int
stray_files(const char *d, const char *keep)
{
	struct dirent *e;
	unsigned int n = 0;
	DIR *dp = opendir(d);

	if (dp == NULL)
		return 0;
	while ((e = readdir(dp)) != NULL)
		if (e->d_name[0] != '.' && strcmp(e->d_name, keep) != 0 &&
		    strncmp(e->d_name, "filler", 6) != 0)
			n++;
	closedir(dp);
	return n;
}

static void
populate(struct fex_ctl *ctl)
{
	CU_ASSERT(tcall_code(ctl, "profile.set", "{\"name\":\"web\",\"vlans\":[10,20],"
		  "\"native_vlan\":10,\"cos\":3,\"rate_kbps\":100000,"
		  "\"burst_bytes\":125000,\"mac_forging\":\"deny\","
		  "\"ingress_rate_kbps\":5000,\"description\":\"front\"}") == 0);
	CU_ASSERT(tcall_code(ctl, "profile.set", "{\"name\":\"db\",\"vlans\":[30],"
		  "\"uplink_fail_action\":\"warning\",\"enabled\":false,"
		  "\"io_performance\":\"high\",\"max_ports\":2}") == 0);
	CU_ASSERT(tcall_code(ctl, "vif.associate", "{\"vif\":10,\"port\":\"ring:a\","
		  "\"mac\":\"02:00:00:00:00:0a\",\"profile\":\"web\","
		  "\"instance_uuid\":\"" UUID1 "\"}") == 0);
	CU_ASSERT(tcall_code(ctl, "vif.preassociate", "{\"vif\":11,\"port\":\"ring:b\","
		  "\"mac\":\"02:00:00:00:00:0b\",\"profile\":\"db\","
		  "\"instance_uuid\":\"" UUID2 "\"}") == 0);
	CU_ASSERT(tcall_code(ctl, "viflist.set", "{\"id\":100,\"vifs\":[10,11]}") == 0);
	CU_ASSERT(tcall_code(ctl, "viflist.set", "{\"id\":7,\"vifs\":[11]}") == 0);
}

static void
test_round_trip(void)
{
	char path[256], err[256];
	struct fex_ctl *ctl;
	char *before, *after, *file;
	json_t *doc;

	snprintf(path, sizeof(path), "%s/rt/state.json", dir);
	snprintf(err, sizeof(err), "%s/rt", dir);
	CU_ASSERT_FATAL(mkdir(err, 0700) == 0);
	tports_reset();
	ctl = tctl_new(path, NULL, NULL);
	CU_ASSERT_FATAL(ctl != NULL);
	CU_ASSERT(fex_ctl_restore(ctl, err, sizeof(err)) == 0);	/* no file yet */
	populate(ctl);
	before = tstate(ctl);
	file = read_file(path);
	CU_ASSERT_FATAL(file != NULL);
	doc = json_loads(file, 0, NULL);
	CU_ASSERT(json_array_size(json_object_get(doc, "profiles")) == 2);
	CU_ASSERT(json_array_size(json_object_get(doc, "vifs")) == 2);
	CU_ASSERT(json_array_size(json_object_get(doc, "viflists")) == 2);
	json_decref(doc);
	free(file);
	CU_ASSERT(stray_files(err, "state.json") == 0);
	tctl_free(ctl);

	/* a restart: same state, ports opened again through the hook */
	tports_reset();
	ctl = tctl_new(path, NULL, NULL);
	CU_ASSERT_FATAL(ctl != NULL);
	CU_ASSERT(fex_ctl_restore(ctl, err, sizeof(err)) == 0);
	after = tstate(ctl);
	CU_ASSERT_STRING_EQUAL(before, after);
	CU_ASSERT(tports.attached == 2);
	CU_ASSERT(tports_open() == 2);
	free(after);

	/* disassociate is saved too */
	CU_ASSERT(tcall_code(ctl, "vif.disassociate", "{\"vif\":11}") == 0);
	CU_ASSERT(tports_open() == 1);
	after = tstate(ctl);
	tctl_free(ctl);
	tports_reset();
	ctl = tctl_new(path, NULL, NULL);
	CU_ASSERT(fex_ctl_restore(ctl, err, sizeof(err)) == 0);
	free(before);
	before = tstate(ctl);
	CU_ASSERT_STRING_EQUAL(before, after);
	CU_ASSERT(tports_open() == 1);
	tctl_free(ctl);
	free(before);
	free(after);
}

static void
fill(const char *d)
{
	char path[300], buf[4096];
	unsigned int i;
	int fd;

	memset(buf, 'f', sizeof(buf));
	for (i = 0; i < 64; i++) {
		snprintf(path, sizeof(path), "%s/filler%u", d, i);
		fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		if (fd < 0)
			return;
		while (write(fd, buf, sizeof(buf)) > 0)
			;
		/* small writes to take the last partial pages too */
		while (write(fd, buf, 1) > 0)
			;
		close(fd);
	}
}

/* Every changing method, with the disk full: error, nothing changed. */
static void
test_save_failure(void)
{
	static const char *const calls[][2] = {
		{ "profile.set", "{\"name\":\"web\",\"cos\":5}" },
		{ "profile.set", "{\"name\":\"new\"}" },
		{ "profile.delete", "{\"name\":\"spare\"}" },
		{ "vif.associate", "{\"vif\":11,\"port\":\"ring:b\","
		  "\"mac\":\"02:00:00:00:00:0b\",\"profile\":\"db\","
		  "\"instance_uuid\":\"" UUID2 "\"}" },
		{ "vif.associate", "{\"vif\":12,\"port\":\"ring:c\","
		  "\"mac\":\"02:00:00:00:00:0c\",\"profile\":\"db\","
		  "\"instance_uuid\":\"" UUID2 "\"}" },
		{ "vif.preassociate", "{\"vif\":11,\"port\":\"ring:d\","
		  "\"mac\":\"02:00:00:00:00:0b\",\"profile\":\"web\","
		  "\"instance_uuid\":\"" UUID2 "\"}" },
		{ "vif.disassociate", "{\"vif\":10}" },
		{ "viflist.set", "{\"id\":100,\"vifs\":[10]}" },
		{ "viflist.set", "{\"id\":101,\"vifs\":[10]}" },
		{ "viflist.delete", "{\"id\":7}" },
	};
	char mnt[256], path[300], err[300];
	struct fex_ctl *ctl;
	char *before, *after, *file_before, *file_after;
	unsigned int i, open_before;
	json_t *r;

	if (geteuid() != 0) {
		fprintf(stderr, "not root: full-disk test skipped\n");
		return;
	}
	snprintf(mnt, sizeof(mnt), "%s/full", dir);
	CU_ASSERT_FATAL(mkdir(mnt, 0700) == 0);
	if (mount("tmpfs", mnt, "tmpfs", 0, "size=64k") < 0) {
		fprintf(stderr, "cannot mount tmpfs (%s): full-disk test skipped\n",
			strerror(errno));
		rmdir(mnt);
		return;
	}
	snprintf(path, sizeof(path), "%s/state.json", mnt);
	tports_reset();
	ctl = tctl_new(path, NULL, NULL);
	CU_ASSERT_FATAL(ctl != NULL);
	populate(ctl);
	CU_ASSERT(tcall_code(ctl, "profile.set", "{\"name\":\"spare\"}") == 0);
	fill(mnt);

	before = tstate(ctl);
	file_before = read_file(path);
	open_before = tports_open();
	for (i = 0; i < RTE_DIM(calls); i++) {
		r = tcall(ctl, calls[i][0], calls[i][1]);
		if (tcode(r) != FEX_CTL_E_SAVE) {
			char *s = json_dumps(r, JSON_COMPACT);

			fprintf(stderr, "\n%s %s -> %s\n", calls[i][0], calls[i][1], s);
			free(s);
		}
		CU_ASSERT(tcode(r) == FEX_CTL_E_SAVE);
		CU_ASSERT(strstr(json_string_value(json_object_get(
			json_object_get(r, "error"), "message")),
			"could not be saved") != NULL);
		json_decref(r);
		after = tstate(ctl);
		CU_ASSERT_STRING_EQUAL(before, after);
		free(after);
		file_after = read_file(path);
		CU_ASSERT(file_after != NULL && strcmp(file_before, file_after) == 0);
		free(file_after);
		CU_ASSERT(tports_open() == open_before);
		CU_ASSERT(stray_files(mnt, "state.json") == 0);
	}
	/* space again: the same change goes through */
	snprintf(err, sizeof(err), "%s/filler0", mnt);
	unlink(err);
	snprintf(err, sizeof(err), "%s/filler1", mnt);
	unlink(err);
	CU_ASSERT(tcall_code(ctl, "profile.set", "{\"name\":\"web\",\"cos\":5}") == 0);
	tctl_free(ctl);
	free(before);
	free(file_before);
	CU_ASSERT(umount(mnt) == 0);
	rmdir(mnt);
}

/* What the workers see, through a reader's snapshot (offline between). */
struct seen {
	const struct fex_vif_table *t;
	uint64_t gen;
	int cos10;		/* CoS of VIF 10's profile */
	uint8_t state11;	/* VIF 11's state */
	uint16_t port12, port13;	/* VIF of the port ids VIF 12 / 13 got */
	bool vif10;		/* VIF 10 forwards */
};

static struct fex_vif_reader rd;

static struct seen
workers_see(uint16_t port12, uint16_t port13)
{
	struct seen w;
	const struct fex_vif_entry *e;

	fex_vif_reader_online(&rd);
	w.t = fex_vif_reader_snapshot(&rd);
	w.gen = w.t->gen;
	e = fex_vif_entry(w.t, 10);
	w.cos10 = fex_vif_profile(w.t, e)->cos;
	w.vif10 = fex_vif_active(w.t, e);
	w.state11 = fex_vif_entry(w.t, 11)->state;
	w.port12 = fex_vif_of_port(w.t, port12);
	w.port13 = fex_vif_of_port(w.t, port13);
	fex_vif_reader_quiescent(&rd);
	fex_vif_reader_offline(&rd);
	return w;
}

static int
profile_cos(struct fex_ctl *ctl, const char *name)
{
	char params[64];
	json_t *r, *cos;
	int v;

	snprintf(params, sizeof(params), "{\"name\":\"%s\"}", name);
	r = tcall(ctl, "profile.get", params);
	cos = json_object_get(json_object_get(r, "result"), "cos");
	v = json_is_integer(cos) ? (int)json_integer_value(cos) : -1;
	json_decref(r);
	return v;
}

/* A refused save: the error, and nothing moved for the workers. */
static void
expect_save_refused(struct fex_ctl *ctl, const char *method,
		    const char *params, const char *path)
{
	json_t *r = tcall(ctl, method, params);
	const char *msg = json_string_value(json_object_get(
		json_object_get(r, "error"), "message"));

	CU_ASSERT(tcode(r) == FEX_CTL_E_SAVE);
	CU_ASSERT(msg != NULL && strstr(msg, "could not be saved") != NULL);
	CU_ASSERT(msg != NULL && strstr(msg, path) != NULL);	/* names the file */
	json_decref(r);
}

/* Save, then publish: a change whose save is refused is never seen by the
 * workers (same table, same generation, objects read back as before, no
 * port left open); a change that is saved moves the generation once. */
static void
test_save_then_publish(void)
{
	char sub[256], away[256], path[300];
	struct fex_ctl *ctl;
	struct seen w0, w1, w;
	uint16_t port12, port13 = TPORT_MAX - 1;
	unsigned int open_before;
	char *before, *after;
	json_t *r;

	snprintf(sub, sizeof(sub), "%s/sp", dir);
	snprintf(away, sizeof(away), "%s/sp.away", dir);
	snprintf(path, sizeof(path), "%s/state.json", sub);
	CU_ASSERT_FATAL(mkdir(sub, 0700) == 0);
	tports_reset();
	ctl = tctl_new(path, NULL, NULL);
	CU_ASSERT_FATAL(ctl != NULL);
	CU_ASSERT_FATAL(fex_vif_reader_init(tctl_db(), 0, &rd) == 0);
	fex_vif_reader_offline(&rd);	/* the writer must not wait for us */
	populate(ctl);

	/* saved changes: exactly one new generation per request */
	w0 = workers_see(0, port13);
	CU_ASSERT(tcall_code(ctl, "profile.set", "{\"name\":\"web\",\"cos\":5}") == 0);
	w1 = workers_see(0, port13);
	CU_ASSERT(w1.gen == w0.gen + 1);
	CU_ASSERT(w1.cos10 == 5);
	r = tcall(ctl, "vif.associate", "{\"vif\":12,\"port\":\"ring:c\","
		  "\"mac\":\"02:00:00:00:00:0c\",\"profile\":\"web\","
		  "\"instance_uuid\":\"" UUID1 "\"}");
	CU_ASSERT_FATAL(tcode(r) == 0);
	port12 = (uint16_t)json_integer_value(json_object_get(
		json_object_get(r, "result"), "port_id"));
	json_decref(r);
	w = workers_see(port12, port13);
	CU_ASSERT(w.gen == w1.gen + 1);
	CU_ASSERT(w.port12 == 12);

	/* the state directory goes away: every save is refused */
	CU_ASSERT_FATAL(rename(sub, away) == 0);
	w0 = workers_see(port12, port13);
	before = tstate(ctl);
	open_before = tports_open();

	expect_save_refused(ctl, "profile.set", "{\"name\":\"web\",\"cos\":2}", path);
	w = workers_see(port12, port13);
	CU_ASSERT_PTR_EQUAL(w.t, w0.t);
	CU_ASSERT(w.gen == w0.gen);
	CU_ASSERT(w.cos10 == 5);
	CU_ASSERT(profile_cos(ctl, "web") == 5);

	expect_save_refused(ctl, "profile.set", "{\"name\":\"fresh\"}", path);
	CU_ASSERT(tcall_code(ctl, "profile.get", "{\"name\":\"fresh\"}") ==
		  FEX_CTL_E_NOT_FOUND);

	/* a new VIF on a new port: not published, the port closed again */
	expect_save_refused(ctl, "vif.associate", "{\"vif\":13,\"port\":\"ring:d\","
			    "\"mac\":\"02:00:00:00:00:0d\",\"profile\":\"web\","
			    "\"instance_uuid\":\"" UUID1 "\"}", path);
	CU_ASSERT(tports.attached == open_before + 1);	/* it was opened ... */
	CU_ASSERT(tports_open() == open_before);	/* ... and closed */
	port13 = (uint16_t)open_before;	/* the id it had (lowest free) */
	w = workers_see(port12, port13);
	CU_ASSERT_PTR_EQUAL(w.t, w0.t);
	CU_ASSERT(w.gen == w0.gen);
	CU_ASSERT(w.port13 == 0);
	CU_ASSERT(tcall_code(ctl, "vif.stats", "{\"vif\":13}") == FEX_CTL_E_NOT_FOUND);

	/* preassociated -> associated, and a disassociate: neither moves */
	expect_save_refused(ctl, "vif.associate", "{\"vif\":11,\"port\":\"ring:b\","
			    "\"mac\":\"02:00:00:00:00:0b\",\"profile\":\"db\","
			    "\"instance_uuid\":\"" UUID2 "\"}", path);
	expect_save_refused(ctl, "vif.disassociate", "{\"vif\":10}", path);
	expect_save_refused(ctl, "viflist.delete", "{\"id\":7}", path);
	w = workers_see(port12, port13);
	CU_ASSERT_PTR_EQUAL(w.t, w0.t);
	CU_ASSERT(w.gen == w0.gen);
	CU_ASSERT(w.state11 == FEX_VIF_PREASSOCIATED);
	CU_ASSERT(w.vif10);
	CU_ASSERT(tports_open() == open_before);	/* VIF 10 keeps its port */
	after = tstate(ctl);
	CU_ASSERT_STRING_EQUAL(before, after);
	free(after);

	/* the directory is back: the same change is saved and published once */
	CU_ASSERT_FATAL(rename(away, sub) == 0);
	CU_ASSERT(tcall_code(ctl, "profile.set", "{\"name\":\"web\",\"cos\":2}") == 0);
	w = workers_see(port12, port13);
	CU_ASSERT(w.gen == w0.gen + 1);
	CU_ASSERT(w.cos10 == 2);
	CU_ASSERT(tcall_code(ctl, "vif.disassociate", "{\"vif\":10}") == 0);
	w1 = workers_see(port12, port13);
	CU_ASSERT(w1.gen == w.gen + 1);
	CU_ASSERT(!w1.vif10);
	CU_ASSERT(tports_open() == open_before - 1);	/* closed after publish */
	/* a failing request publishes nothing either */
	CU_ASSERT(tcall_code(ctl, "vif.associate", "{\"vif\":14,\"port\":\"fail:x\","
			     "\"mac\":\"02:00:00:00:00:0e\",\"profile\":\"web\","
			     "\"instance_uuid\":\"" UUID1 "\"}") == FEX_CTL_E_FAILED);
	CU_ASSERT(workers_see(port12, port13).gen == w1.gen);

	fex_vif_reader_fini(&rd);
	tctl_free(ctl);
	free(before);
}

static void
test_corrupt(void)
{
	static const char *const bad[][2] = {
		{ "{\"version\":1,\"profiles\":[", "line 1" },
		{ "[]", "must be a JSON object" },
		{ "{\"version\":2}", "version" },
		{ "{\"version\":1,\"profiles\":{}}", "\"profiles\" must be an array" },
		{ "{\"version\":1,\"junk\":1}", "junk" },
		{ "{\"version\":1,\"profiles\":[{\"name\":\"a\"},"
		  "{\"name\":\"b\",\"vlans\":[5000]}]}", "profiles[1]: vlans" },
		{ "{\"version\":1,\"vifs\":[{\"vif\":1,\"port\":\"ring:a\","
		  "\"mac\":\"02:00:00:00:00:01\",\"profile\":\"nope\","
		  "\"instance_uuid\":\"" UUID1 "\",\"state\":\"associated\"}]}",
		  "vifs[0]" },
		{ "{\"version\":1,\"vifs\":[{\"vif\":1,\"port\":\"ring:a\","
		  "\"mac\":\"02:00:00:00:00:01\",\"profile\":\"p\","
		  "\"instance_uuid\":\"" UUID1 "\"}]}", "state" },
		{ "{\"version\":1,\"viflists\":[7]}", "viflists[0]" },
	};
	char path[256], err[512];
	struct fex_ctl *ctl;
	unsigned int i;
	bool found;

	snprintf(path, sizeof(path), "%s/corrupt.json", dir);
	for (i = 0; i < RTE_DIM(bad); i++) {
		write_file(path, bad[i][0]);
		tports_reset();
		ctl = tctl_new(path, NULL, NULL);
		CU_ASSERT_FATAL(ctl != NULL);
		err[0] = '\0';
		CU_ASSERT(fex_ctl_restore(ctl, err, sizeof(err)) == -EINVAL);
		CU_ASSERT(strstr(err, path) != NULL);
		found = strstr(err, bad[i][1]) != NULL;
		if (!found)
			fprintf(stderr, "\ncase %u: wrong message: %s\n", i, err);
		CU_ASSERT(found);
		tctl_free(ctl);
	}
	unlink(path);
}

static void
test_write_errors(void)
{
	char err[256] = "";
	json_t *doc = json_object();

	CU_ASSERT(fex_state_write("/nonexistent-dir/x/state.json", doc, err,
				  sizeof(err)) < 0);
	CU_ASSERT(strstr(err, "/nonexistent-dir/x/state.json") != NULL);
	json_decref(doc);
}

int
main(void)
{
	CU_pSuite s;
	int rc;

	if (fex_test_eal_init("test_state") < 0)
		return EXIT_FAILURE;
	if (mkdtemp(dir) == NULL)
		return EXIT_FAILURE;
	if (CU_initialize_registry() != CUE_SUCCESS)
		return EXIT_FAILURE;
	s = CU_add_suite("state", NULL, NULL);
	CU_add_test(s, "save -> restore round trip", test_round_trip);
	CU_add_test(s, "save fails: change rolled back, old file kept",
		    test_save_failure);
	CU_add_test(s, "save refused: the workers' table and generation do not "
		    "move; a saved change moves them once", test_save_then_publish);
	CU_add_test(s, "corrupt state files named with the problem", test_corrupt);
	CU_add_test(s, "write to a missing directory", test_write_errors);
	rc = fex_test_run();
	{
		char cmd[300];

		snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
		if (system(cmd) != 0)
			fprintf(stderr, "cannot remove %s\n", dir);
	}
	return rc;
}
