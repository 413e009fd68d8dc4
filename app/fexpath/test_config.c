/* SPDX-License-Identifier: BSD-3-Clause */
/* Option and config-file parsing of fexpath (no EAL needed). */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "fex_config.h"
#include "fex_test.h"

static int
parse(struct fex_app_config *cfg, int argc, const char **argv)
{
	return fex_config_parse_args(cfg, argc, (char **)argv);
}

static void
test_defaults(void)
{
	struct fex_app_config cfg;
	const char *argv[] = { "fexpath", NULL };

	CU_ASSERT_EQUAL(parse(&cfg, 1, argv), 0);
	CU_ASSERT_EQUAL(cfg.tag, FEX_TAG_VNTAG);
	CU_ASSERT_STRING_EQUAL(cfg.control, FEX_CTL_DEFAULT_PATH);
	CU_ASSERT_STRING_EQUAL(cfg.state, FEX_DEFAULT_STATE);
	CU_ASSERT_EQUAL(cfg.stats_period, 0);
}

static void
test_tag_values(void)
{
	struct fex_app_config cfg;
	const char *ok[] = { "fexpath", "--tag", "etag", NULL };
	const char *none[] = { "fexpath", "--tag=none", NULL };
	const char *bad[] = { "fexpath", "--tag", "bogus", NULL };

	CU_ASSERT_EQUAL(parse(&cfg, 3, ok), 0);
	CU_ASSERT_EQUAL(cfg.tag, FEX_TAG_ETAG);
	CU_ASSERT_EQUAL(parse(&cfg, 2, none), 0);
	CU_ASSERT_EQUAL(cfg.tag, FEX_TAG_NONE);
	CU_ASSERT_EQUAL(parse(&cfg, 3, bad), -EINVAL);
}

static void
test_bad_options(void)
{
	struct fex_app_config cfg;
	const char *unknown[] = { "fexpath", "--frobnicate", NULL };
	const char *range[] = { "fexpath", "--stats-period", "-1", NULL };
	const char *junk[] = { "fexpath", "--stats-period", "3x", NULL };
	const char *extra[] = { "fexpath", "stray", NULL };
	const char *missing[] = { "fexpath", "--uplink", NULL };

	CU_ASSERT_EQUAL(parse(&cfg, 2, unknown), -EINVAL);
	CU_ASSERT_EQUAL(parse(&cfg, 3, range), -EINVAL);
	CU_ASSERT_EQUAL(parse(&cfg, 3, junk), -EINVAL);
	CU_ASSERT_EQUAL(parse(&cfg, 2, extra), -EINVAL);
	CU_ASSERT_EQUAL(parse(&cfg, 2, missing), -EINVAL);
}

static void
test_help(void)
{
	struct fex_app_config cfg;
	const char *argv[] = { "fexpath", "--tag", "bogus", "--help", NULL };

	/* --help wins over everything else, even a bad value. */
	CU_ASSERT_EQUAL(parse(&cfg, 4, argv), 1);
}

static void
write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	fputs(text, f);
	fclose(f);
}

static void
test_file_then_options(void)
{
	struct fex_app_config cfg;
	char path[] = "/tmp/fex_config_XXXXXX";
	int fd = mkstemp(path);
	const char *argv[] = { "fexpath", "--tag", "vntag", "--config", path, NULL };
	const char *plain[] = { "fexpath", "--config", path, NULL };

	CU_ASSERT_FATAL(fd >= 0);
	close(fd);
	write_file(path, "[fexpath]\nuplink = pcap:rx=a.pcap\ntag = etag\n"
		   "stats_period = 5\n");
	/* The option overrides the file even when it comes first. */
	CU_ASSERT_EQUAL(parse(&cfg, 5, argv), 0);
	CU_ASSERT_EQUAL(cfg.tag, FEX_TAG_VNTAG);
	CU_ASSERT_STRING_EQUAL(cfg.uplink, "pcap:rx=a.pcap");
	CU_ASSERT_EQUAL(cfg.stats_period, 5);
	CU_ASSERT_EQUAL(parse(&cfg, 3, plain), 0);
	CU_ASSERT_EQUAL(cfg.tag, FEX_TAG_ETAG);

	/* uplink_mtu: the file's value, overridden by --uplink-mtu */
	write_file(path, "[fexpath]\nuplink_mtu = 9000\n");
	CU_ASSERT_EQUAL(parse(&cfg, 3, plain), 0);
	CU_ASSERT_EQUAL(cfg.uplink_mtu, 9000);
	{
		const char *mtu[] = { "fexpath", "--config", path, "--uplink-mtu", "1600", NULL };
		const char *low[] = { "fexpath", "--uplink-mtu", "67", NULL };
		const char *high[] = { "fexpath", "--uplink-mtu", "16001", NULL };

		CU_ASSERT_EQUAL(parse(&cfg, 5, mtu), 0);
		CU_ASSERT_EQUAL(cfg.uplink_mtu, 1600);
		CU_ASSERT_EQUAL(parse(&cfg, 3, low), -EINVAL);
		CU_ASSERT_EQUAL(parse(&cfg, 3, high), -EINVAL);
	}
	CU_ASSERT_EQUAL(parse(&cfg, 1, (const char *[]){ "fexpath", NULL }), 0);
	CU_ASSERT_EQUAL(cfg.uplink_mtu, 0);	/* default: the port's own */
	CU_ASSERT_STRING_EQUAL(cfg.cluster_store, "");	/* not clustered */
	CU_ASSERT_STRING_EQUAL(cfg.host, "");		/* the hostname */

	/* cluster_store, host: the file's, overridden by the options */
	write_file(path, "[fexpath]\ncluster_store = http://a:2379,http://b:2379\n"
		   "host = kvm1\n");
	CU_ASSERT_EQUAL(parse(&cfg, 3, plain), 0);
	CU_ASSERT_STRING_EQUAL(cfg.cluster_store, "http://a:2379,http://b:2379");
	CU_ASSERT_STRING_EQUAL(cfg.host, "kvm1");
	{
		const char *over[] = { "fexpath", "--config", path, "--cluster-store",
				       "http://c:2379", "--host", "kvm2", NULL };

		CU_ASSERT_EQUAL(parse(&cfg, 7, over), 0);
		CU_ASSERT_STRING_EQUAL(cfg.cluster_store, "http://c:2379");
		CU_ASSERT_STRING_EQUAL(cfg.host, "kvm2");
	}

	write_file(path, "[fexpath]\nupl1nk = x\n");
	CU_ASSERT_EQUAL(parse(&cfg, 3, plain), -EINVAL);
	write_file(path, "[fexpath]\ntag = vlan\n");
	CU_ASSERT_EQUAL(parse(&cfg, 3, plain), -EINVAL);
	unlink(path);
	CU_ASSERT_EQUAL(parse(&cfg, 3, plain), -EINVAL);
}

int
main(void)
{
	CU_pSuite s;

	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	s = CU_add_suite("config", NULL, NULL);
	CU_add_test(s, "defaults", test_defaults);
	CU_add_test(s, "tag values", test_tag_values);
	CU_add_test(s, "bad options", test_bad_options);
	CU_add_test(s, "help", test_help);
	CU_add_test(s, "file then options", test_file_then_options);
	return fex_test_run();
}
