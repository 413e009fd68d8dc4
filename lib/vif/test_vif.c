/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Unit tests of the pure part of lib/vif (fex_vif_names.c): profile
 * validation field by field, the enum names and their parsers, VLAN
 * lists. The tables, the VIF state machine, the uplink, VIF lists and
 * readers against the writer are test_vif_tables.c; transactions
 * test_vif_txn.c.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <rte_common.h>
#include <rte_eal.h>
#include <rte_log.h>

#include "fex_id_list.h"
#include "fex_test.h"
#include "fex_vif.h"
#include "test_vif_common.h"

static char err[256];

#define EXPECT_FIELD_ERR(p, field) do {					\
	err[0] = '\0';							\
	CU_ASSERT_EQUAL(fex_profile_validate(&(p), err, sizeof(err)), -EINVAL); \
	CU_ASSERT_PTR_NOT_NULL(strstr(err, field));			\
} while (0)

#define EXPECT_OK(p) \
	CU_ASSERT_EQUAL(fex_profile_validate(&(p), err, sizeof(err)), 0)

static void
test_validate_name_desc(void)
{
	struct fex_profile p = prof("a");

	EXPECT_OK(p);
	memset(p.name, 'x', FEX_PROFILE_NAME_MAX);
	p.name[FEX_PROFILE_NAME_MAX] = '\0';
	EXPECT_OK(p);
	p.name[FEX_PROFILE_NAME_MAX] = 'x';	/* 32 chars, unterminated */
	EXPECT_FIELD_ERR(p, "name");
	p = prof("");
	EXPECT_FIELD_ERR(p, "name");
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "1-31"));
	p = prof("web.prod_1-A");
	EXPECT_OK(p);
	p = prof("web prod");
	EXPECT_FIELD_ERR(p, "name");
	p = prof("web/prod");
	EXPECT_FIELD_ERR(p, "name");

	p = prof("d");
	memset(p.description, 'd', FEX_PROFILE_DESC_MAX);
	EXPECT_OK(p);
	p.description[FEX_PROFILE_DESC_MAX] = 'd';
	EXPECT_FIELD_ERR(p, "description");
	p = prof("d");
	snprintf(p.description, sizeof(p.description), "tab\there");
	EXPECT_FIELD_ERR(p, "description");
	snprintf(p.description, sizeof(p.description), "web tier, caf\xc3\xa9");
	EXPECT_OK(p);
}

static void
test_validate_vlans(void)
{
	struct fex_profile p = prof("v");

	fex_vlan_set(p.vlans, 1);
	fex_vlan_set(p.vlans, 4094);
	EXPECT_OK(p);
	fex_vlan_set(p.vlans, 0);
	EXPECT_FIELD_ERR(p, "vlans");
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "1-4094"));
	p = prof("v");
	fex_vlan_set(p.vlans, 4095);
	EXPECT_FIELD_ERR(p, "vlans");

	p = prof("v");
	p.native_vlan = 1;
	EXPECT_OK(p);
	p.native_vlan = 4094;
	EXPECT_OK(p);
	p.native_vlan = 0;
	EXPECT_OK(p);
	p.native_vlan = 4095;
	EXPECT_FIELD_ERR(p, "native_vlan");
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "0 (none) or 1-4094"));
}

static void
test_validate_cos_rates(void)
{
	struct fex_profile p = prof("c");

	p.cos = 0;
	EXPECT_OK(p);
	p.cos = 7;
	EXPECT_OK(p);
	p.cos = FEX_COS_LEAVE;
	EXPECT_OK(p);
	p.cos = 8;
	EXPECT_FIELD_ERR(p, "cos");
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "0-7"));
	p.cos = -2;
	EXPECT_FIELD_ERR(p, "cos");

	p = prof("r");
	p.rate_kbps = FEX_METER_RATE_KBPS_MAX;
	EXPECT_OK(p);
	p.rate_kbps = FEX_METER_RATE_KBPS_MAX + 1;
	EXPECT_FIELD_ERR(p, "rate_kbps");
	p = prof("r");
	p.burst_bytes = FEX_METER_BURST_MIN;
	EXPECT_OK(p);
	p.burst_bytes = FEX_METER_BURST_MIN - 1;
	EXPECT_FIELD_ERR(p, "burst_bytes");
	p.burst_bytes = FEX_METER_BURST_MAX;
	EXPECT_OK(p);
	p.burst_bytes = FEX_METER_BURST_MAX + 1;
	EXPECT_FIELD_ERR(p, "burst_bytes");
	p = prof("r");
	p.ingress_rate_kbps = FEX_METER_RATE_KBPS_MAX;
	EXPECT_OK(p);
	p.ingress_rate_kbps = FEX_METER_RATE_KBPS_MAX + 1;
	EXPECT_FIELD_ERR(p, "ingress_rate_kbps");
	p = prof("r");
	p.ingress_burst_bytes = FEX_METER_BURST_MIN - 1;
	EXPECT_FIELD_ERR(p, "ingress_burst_bytes");
	p.ingress_burst_bytes = FEX_METER_BURST_MAX + 1;
	EXPECT_FIELD_ERR(p, "ingress_burst_bytes");
}

static void
test_validate_enums_max_ports(void)
{
	struct fex_profile p = prof("e");

	CU_ASSERT_EQUAL(p.max_ports, 64);
	CU_ASSERT_EQUAL(p.mac_forging, FEX_MAC_FORGING_ALLOW);
	CU_ASSERT_EQUAL(p.uplink_fail_action, FEX_UPLINK_FAIL_LINK_DOWN);
	CU_ASSERT_EQUAL(p.io_performance, FEX_IO_PERF_NONE);
	CU_ASSERT_EQUAL(p.cos, FEX_COS_LEAVE);
	CU_ASSERT_TRUE(p.enabled);
	p.max_ports = 1;
	EXPECT_OK(p);
	p.max_ports = 4096;
	EXPECT_OK(p);
	p.max_ports = 0;
	EXPECT_FIELD_ERR(p, "max_ports");
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "1-4096"));
	p.max_ports = 4097;
	EXPECT_FIELD_ERR(p, "max_ports");

	p = prof("e");
	p.mac_forging = (enum fex_mac_forging)2;
	EXPECT_FIELD_ERR(p, "mac_forging");
	p = prof("e");
	p.uplink_fail_action = (enum fex_uplink_fail)2;
	EXPECT_FIELD_ERR(p, "uplink_fail_action");
	p = prof("e");
	p.io_performance = (enum fex_io_perf)2;
	EXPECT_FIELD_ERR(p, "io_performance");

	CU_ASSERT_EQUAL(fex_mac_forging_parse("deny"), FEX_MAC_FORGING_DENY);
	CU_ASSERT_EQUAL(fex_mac_forging_parse("Deny"), -EINVAL);
	CU_ASSERT_EQUAL(fex_uplink_fail_parse("warning"), FEX_UPLINK_FAIL_WARNING);
	CU_ASSERT_EQUAL(fex_io_perf_parse("high"), FEX_IO_PERF_HIGH);
	CU_ASSERT_EQUAL(fex_io_perf_parse(NULL), -EINVAL);
	CU_ASSERT_STRING_EQUAL(fex_uplink_fail_name(FEX_UPLINK_FAIL_LINK_DOWN), "link-down");
}

static void
test_vlan_list(void)
{
	uint64_t bm[FEX_VLAN_WORDS];
	char buf[64];

	CU_ASSERT_EQUAL(fex_vlan_list_parse("10,20,100-103, 4094", bm, err, sizeof(err)), 0);
	CU_ASSERT_TRUE(fex_vlan_test(bm, 10) && fex_vlan_test(bm, 102) && fex_vlan_test(bm, 4094));
	CU_ASSERT_FALSE(fex_vlan_test(bm, 11) || fex_vlan_test(bm, 104));
	CU_ASSERT_EQUAL(fex_vlan_list_format(bm, buf, sizeof(buf)), 18);
	CU_ASSERT_STRING_EQUAL(buf, "10,20,100-103,4094");
	CU_ASSERT_EQUAL(fex_vlan_list_parse("", bm, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(fex_vlan_list_format(bm, buf, sizeof(buf)), 0);
	CU_ASSERT_EQUAL(fex_vlan_list_parse("1", bm, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(fex_vlan_list_parse("0", bm, err, sizeof(err)), -EINVAL);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "vlans"));
	CU_ASSERT_EQUAL(fex_vlan_list_parse("4095", bm, err, sizeof(err)), -EINVAL);
	CU_ASSERT_EQUAL(fex_vlan_list_parse("20-10", bm, err, sizeof(err)), -EINVAL);
	CU_ASSERT_EQUAL(fex_vlan_list_parse("10,", bm, err, sizeof(err)), -EINVAL);
	CU_ASSERT_EQUAL(fex_vlan_list_parse("x", bm, err, sizeof(err)), -EINVAL);
}

static void
test_vlan_list_format_len(void)
{
	uint64_t bm[FEX_VLAN_WORDS] = { 0 };
	char buf[32];

	fex_vlan_set(bm, 10);
	fex_vlan_set(bm, 20);
	fex_vlan_set(bm, 100);
	fex_vlan_set(bm, 101);
	fex_vlan_set(bm, 102);
	fex_vlan_set(bm, 103);
	fex_vlan_set(bm, 4094);
	/* "10,20,100-103,4094" is 18 characters */
	CU_ASSERT_EQUAL(fex_vlan_list_format(bm, buf, sizeof(buf)), 18);
	CU_ASSERT_STRING_EQUAL(buf, "10,20,100-103,4094");
	CU_ASSERT_EQUAL(fex_vlan_list_format(bm, buf, 5), 18);
	CU_ASSERT_STRING_EQUAL(buf, "10,2");
}


/* The one "10,20,30-40" parser (also fexctl's and the config file's). */
struct ids {
	unsigned int n;
	unsigned int lo[8], hi[8];
};

static int
ids_put(unsigned int lo, unsigned int hi, void *arg)
{
	struct ids *x = arg;

	if (x->n == 8)
		return -ENOSPC;
	x->lo[x->n] = lo;
	x->hi[x->n++] = hi;
	return 0;
}

static void
test_id_list(void)
{
	static const char *const bad[] = {
		"x", "10,", ",10", "10,,20", "10-", "-10", "10 20",
		"4095", "0", "1-4095", "10;20", "+5", "10 - 20",
	};
	struct ids x = { 0 };
	const char *at = NULL;
	unsigned int i;

	CU_ASSERT_EQUAL(fex_id_list_parse(" 10, 20-22 ,4094 ", 1, 4094, ids_put, &x, &at), 0);
	CU_ASSERT_EQUAL(x.n, 3);
	CU_ASSERT(x.lo[0] == 10 && x.hi[0] == 10);
	CU_ASSERT(x.lo[1] == 20 && x.hi[1] == 22);
	CU_ASSERT(x.lo[2] == 4094 && x.hi[2] == 4094);
	x.n = 0;
	CU_ASSERT_EQUAL(fex_id_list_parse("", 1, 4094, ids_put, &x, &at), 0);
	CU_ASSERT_EQUAL(fex_id_list_parse("   ", 1, 4094, ids_put, &x, &at), 0);
	CU_ASSERT_EQUAL(x.n, 0);
	CU_ASSERT_EQUAL(fex_id_list_parse(NULL, 1, 4094, ids_put, &x, &at), -EINVAL);
	for (i = 0; i < RTE_DIM(bad); i++) {
		x.n = 0;
		at = NULL;
		CU_ASSERT_EQUAL(fex_id_list_parse(bad[i], 1, 4094, ids_put, &x, &at), -EINVAL);
		CU_ASSERT_PTR_NOT_NULL(at);
	}
	/* where it went wrong */
	CU_ASSERT_EQUAL(fex_id_list_parse("10,20,x5", 1, 4094, ids_put, &x, &at), -EINVAL);
	CU_ASSERT_STRING_EQUAL(at, "x5");
	CU_ASSERT_EQUAL(fex_id_list_parse("10,99999", 1, 4094, ids_put, &x, &at), -EINVAL);
	CU_ASSERT_STRING_EQUAL(at, "99999");
	/* a reversed range: -ERANGE at the item */
	CU_ASSERT_EQUAL(fex_id_list_parse("5, 20-10", 1, 4094, ids_put, &x, &at), -ERANGE);
	CU_ASSERT_STRING_EQUAL(at, "20-10");
	/* the callback's refusal comes back as it is */
	x.n = 0;
	CU_ASSERT_EQUAL(fex_id_list_parse("1,2,3,4,5,6,7,8,9", 1, 4094, ids_put, &x, &at), -ENOSPC);
	CU_ASSERT_EQUAL(x.n, 8);
}

int
main(int argc, char **argv)
{
	CU_pSuite s;

	RTE_SET_USED(argc);
	if (fex_test_eal_init(argv[0]) < 0)
		return EXIT_FAILURE;
	rte_log_set_level_pattern("fex.vif", RTE_LOG_WARNING);
	if (CU_initialize_registry() != CUE_SUCCESS)
		return EXIT_FAILURE;
	s = CU_add_suite("unit", NULL, NULL);
	CU_add_test(s, "validate name, description", test_validate_name_desc);
	CU_add_test(s, "validate vlans, native_vlan", test_validate_vlans);
	CU_add_test(s, "validate cos, rates, bursts", test_validate_cos_rates);
	CU_add_test(s, "validate enums, max_ports", test_validate_enums_max_ports);
	CU_add_test(s, "vlan list parse/format", test_vlan_list);
	CU_add_test(s, "id list parser", test_id_list);
	CU_add_test(s, "vlan list format length", test_vlan_list_format_len);
	{
		int rc = fex_test_run();

		rte_eal_cleanup();
		return rc;
	}
}
