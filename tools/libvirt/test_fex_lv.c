/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * fex-libvirt without libvirt: the domain XML parser on the fixtures next
 * to this file (argv[1] is their directory), the config file, and which
 * port specs are the integration's own.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <CUnit/Basic.h>

#include "fex_lv.h"

static const char *fixtures = "fixtures";

static struct fex_lv_domain *
parse_fixture(const char *name, int *rc)
{
	struct fex_lv_domain *d = calloc(1, sizeof(*d));
	char path[512], err[256], *xml;
	size_t len;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", fixtures, name);
	f = fopen(path, "r");
	CU_ASSERT_FATAL(f != NULL);
	xml = calloc(1, 1 << 20);
	len = fread(xml, 1, (1 << 20) - 1, f);
	fclose(f);
	*rc = fex_lv_parse(xml, len, "/run/fexpath/vhost/", d, err, sizeof(err));
	free(xml);
	return d;
}

static bool
has_problem(const struct fex_lv_domain *d, const char *a, const char *b)
{
	const char *line = d->problems;

	while (line != NULL && *line != '\0') {
		const char *end = strchr(line, '\n');
		char buf[1024];
		size_t n = end != NULL ? (size_t)(end - line) : strlen(line);

		snprintf(buf, sizeof(buf), "%.*s", (int)n, line);
		if (strstr(buf, a) != NULL && (b == NULL || strstr(buf, b) != NULL))
			return true;
		line = end != NULL ? end + 1 : NULL;
	}
	return false;
}

static void
test_single(void)
{
	int rc;
	struct fex_lv_domain *d = parse_fixture("single.xml", &rc);

	CU_ASSERT(rc == 0);
	CU_ASSERT_STRING_EQUAL(d->name, "web1");
	CU_ASSERT_STRING_EQUAL(d->uuid, "2b0a1c3d-4e5f-4a6b-8c7d-9e0f1a2b3c01");
	CU_ASSERT(d->n_problems == 0);
	CU_ASSERT_FATAL(d->n_vnics == 1);
	CU_ASSERT_STRING_EQUAL(d->vnic[0].mac, "52:54:00:66:00:0a");
	CU_ASSERT_STRING_EQUAL(d->vnic[0].sock, "/run/fexpath/vhost/web1.sock");
	CU_ASSERT_STRING_EQUAL(d->vnic[0].profile, "web");
	CU_ASSERT(d->vnic[0].vif == 10);
	CU_ASSERT(d->vnic[0].server);
	free(d);
}

static void
test_two_vnics(void)
{
	int rc;
	struct fex_lv_domain *d = parse_fixture("two-vnics.xml", &rc);

	CU_ASSERT(rc == 0);
	CU_ASSERT(d->n_problems == 0);
	if (d->n_problems != 0)
		fprintf(stderr, "%s", d->problems);
	/* OVS's socket and a subdirectory are not fexpath's */
	CU_ASSERT_FATAL(d->n_vnics == 2);
	CU_ASSERT_STRING_EQUAL(d->vnic[0].mac, "52:54:00:66:00:21");
	CU_ASSERT_STRING_EQUAL(d->vnic[0].profile, "db");
	CU_ASSERT(d->vnic[0].vif == 0);
	CU_ASSERT_STRING_EQUAL(d->vnic[1].profile, "db.backup-2");
	CU_ASSERT(d->vnic[1].vif == 4095);
	free(d);
}

static void
test_refused(void)
{
	int rc;
	struct fex_lv_domain *d = parse_fixture("refused.xml", &rc);

	CU_ASSERT(rc == 0);
	CU_ASSERT(d->n_vnics == 6);
	CU_ASSERT(has_problem(d, "52:54:00:66:00:31", "has no <fex:vnic"));
	CU_ASSERT(has_problem(d, "52:54:00:66:00:32", "profileid='no spaces'"));
	CU_ASSERT(has_problem(d, "52:54:00:66:00:33", "vif='0'"));
	CU_ASSERT(has_problem(d, "52:54:00:66:00:35", "mode='server'"));
	CU_ASSERT(has_problem(d, "52:54:00:66:00:34 and 52:54:00:66:00:35", "vif='7'"));
	CU_ASSERT(has_problem(d, "52:54:00:66:00:36", "two <fex:vnic>"));
	CU_ASSERT(has_problem(d, "not-a-mac", NULL));
	CU_ASSERT(d->n_problems == 7);
	if (d->n_problems != 7)
		fprintf(stderr, "%s", d->problems);
	free(d);
}

static void
test_not_ours(void)
{
	struct fex_lv_domain d;
	char err[256];
	int rc;
	struct fex_lv_domain *p = parse_fixture("not-ours.xml", &rc);

	CU_ASSERT(rc == 0);
	CU_ASSERT(p->n_vnics == 0);
	CU_ASSERT(p->n_problems == 0);
	free(p);
	CU_ASSERT(fex_lv_parse("<domain", 7, "/x", &d, err, sizeof(err)) < 0);
	CU_ASSERT(strstr(err, "does not parse") != NULL);
	CU_ASSERT(fex_lv_parse("<network/>", 10, "/x", &d, err, sizeof(err)) < 0);
	CU_ASSERT(strstr(err, "<uuid>") != NULL);
}

static void
test_port_ours(void)
{
	CU_ASSERT(fex_lv_port_ours("vhost:/run/fexpath/vhost/a.sock", "/run/fexpath/vhost"));
	CU_ASSERT(fex_lv_port_ours("vhost:/run/fexpath/vhost/a.sock", "/run/fexpath/vhost//"));
	CU_ASSERT(!fex_lv_port_ours("vhost:/run/fexpath/vhost/", "/run/fexpath/vhost"));
	CU_ASSERT(!fex_lv_port_ours("vhost:/run/fexpath/vhostx/a.sock", "/run/fexpath/vhost"));
	CU_ASSERT(!fex_lv_port_ours("vhost:/run/fexpath/vhost/d/a.sock", "/run/fexpath/vhost"));
	CU_ASSERT(!fex_lv_port_ours("vhost-server:/run/fexpath/vhost/a.sock",
				    "/run/fexpath/vhost"));
	CU_ASSERT(!fex_lv_port_ours("vhost:/run/fexpath/vhost/a.sock,offloads=none",
				    "/run/fexpath/vhost"));
	CU_ASSERT(!fex_lv_port_ours("af_packet:veth1", "/run/fexpath/vhost"));
}

static void
test_conf(void)
{
	char path[] = "/tmp/test_fex_lv.XXXXXX", err[256];
	struct fex_lv_conf c;
	FILE *f;
	int fd;

	CU_ASSERT(fex_lv_conf_load(&c, "/nonexistent/libvirt.conf", false, err,
				   sizeof(err)) == 0);
	CU_ASSERT_STRING_EQUAL(c.control, FEX_CTL_DEFAULT_PATH);
	CU_ASSERT_STRING_EQUAL(c.vhost_dir, FEX_LV_VHOST_DIR);
	CU_ASSERT(fex_lv_conf_load(&c, "/nonexistent/libvirt.conf", true, err,
				   sizeof(err)) < 0);
	fd = mkstemp(path);
	CU_ASSERT_FATAL(fd >= 0);
	f = fdopen(fd, "w");
	fprintf(f, "# comment\n control = /tmp/fp.sock  # there\n\nvhost_dir=/tmp/v\n"
		"uri = qemu:///system?socket=/tmp/s\nreconcile_s = 5\n");
	fclose(f);
	CU_ASSERT(fex_lv_conf_load(&c, path, true, err, sizeof(err)) == 0);
	CU_ASSERT_STRING_EQUAL(c.control, "/tmp/fp.sock");
	CU_ASSERT_STRING_EQUAL(c.vhost_dir, "/tmp/v");
	CU_ASSERT_STRING_EQUAL(c.uri, "qemu:///system?socket=/tmp/s");
	CU_ASSERT(c.reconcile_s == 5);
	f = fopen(path, "w");
	fprintf(f, "controll = /x\n");
	fclose(f);
	CU_ASSERT(fex_lv_conf_load(&c, path, true, err, sizeof(err)) < 0);
	CU_ASSERT(strstr(err, ":1: unknown key 'controll'") != NULL);
	f = fopen(path, "w");
	fprintf(f, "reconcile_s = soon\n");
	fclose(f);
	CU_ASSERT(fex_lv_conf_load(&c, path, true, err, sizeof(err)) < 0);
	CU_ASSERT(strstr(err, "allowed: 0..86400") != NULL);
	unlink(path);
}

int
main(int argc, char **argv)
{
	CU_pSuite s;
	unsigned int failed;

	if (argc > 1)
		fixtures = argv[1];
	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	s = CU_add_suite("fex-libvirt", NULL, NULL);
	CU_add_test(s, "xml: SPEC §8's one fex:vnic", test_single);
	CU_add_test(s, "xml: two vNICs in one wrapper, other backends ignored", test_two_vnics);
	CU_add_test(s, "xml: every refusal names the MAC", test_refused);
	CU_add_test(s, "xml: no vNIC of ours; not a domain", test_not_ours);
	CU_add_test(s, "port specs in vhost_dir", test_port_ours);
	CU_add_test(s, "config file", test_conf);
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	failed = CU_get_number_of_failures() + CU_get_number_of_tests_failed();
	CU_cleanup_registry();
	return failed == 0 ? 0 : 1;
}
