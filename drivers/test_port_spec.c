/* SPDX-License-Identifier: BSD-3-Clause */
/* Port spec parsing and the PCI binding check: pure, no EAL. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fex_port.h"
#include "fex_test.h"

static struct fex_port_spec ps;
static char err[512];

static int
parse(const char *spec)
{
	err[0] = '\0';
	return fex_port_spec_parse(spec, &ps, err, sizeof(err));
}

/* spec is refused and the message holds every word of want. */
static void
check_bad(const char *spec, const char *want1, const char *want2)
{
	int rc = parse(spec);

	CU_ASSERT_EQUAL(rc, -EINVAL);
	if (rc != -EINVAL)
		fprintf(stderr, "\n  accepted bad spec '%s'\n", spec);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, want1));
	if (want2 != NULL)
		CU_ASSERT_PTR_NOT_NULL(strstr(err, want2));
	if (strstr(err, want1) == NULL || (want2 != NULL && strstr(err, want2) == NULL))
		fprintf(stderr, "\n  '%s' -> '%s' (want '%s' '%s')\n", spec, err, want1,
			want2 != NULL ? want2 : "");
}

static void
test_vhost(void)
{
	CU_ASSERT_EQUAL(parse("vhost:/run/fexpath/vm1.sock"), 0);
	CU_ASSERT_EQUAL(ps.kind, FEX_PORT_VHOST);
	CU_ASSERT_STRING_EQUAL(ps.arg, "/run/fexpath/vm1.sock");
	CU_ASSERT_EQUAL(parse("vhost-server:rel.sock"), 0);
	CU_ASSERT_EQUAL(ps.kind, FEX_PORT_VHOST_SERVER);
	CU_ASSERT_STRING_EQUAL(ps.arg, "rel.sock");
	CU_ASSERT_STRING_EQUAL(fex_port_kind_name(FEX_PORT_VHOST_SERVER), "vhost-server");
}

static void
test_pci(void)
{
	CU_ASSERT_EQUAL(parse("pci:0000:03:00.1"), 0);
	CU_ASSERT_EQUAL(ps.kind, FEX_PORT_PCI);
	CU_ASSERT_STRING_EQUAL(ps.arg, "0000:03:00.1");
	CU_ASSERT_EQUAL(parse("pci:AF:1F.7"), 0);
	CU_ASSERT_STRING_EQUAL(ps.arg, "0000:af:1f.7");
	CU_ASSERT_EQUAL(parse("pci:10de:81:00.0"), 0);
	CU_ASSERT_STRING_EQUAL(ps.arg, "10de:81:00.0");
}

static void
test_af_packet_tap(void)
{
	CU_ASSERT_EQUAL(parse("af_packet:eth0"), 0);
	CU_ASSERT_EQUAL(ps.kind, FEX_PORT_AF_PACKET);
	CU_ASSERT_STRING_EQUAL(ps.arg, "eth0");
	CU_ASSERT_EQUAL(parse("af_packet:abcdefghijklmno"), 0);	/* 15: the limit */
	CU_ASSERT_EQUAL(parse("tap:fextap0"), 0);
	CU_ASSERT_EQUAL(ps.kind, FEX_PORT_TAP);
	CU_ASSERT_STRING_EQUAL(ps.arg, "fextap0");
}

static void
test_memif(void)
{
	CU_ASSERT_EQUAL(parse("memif:/tmp/m.sock"), 0);
	CU_ASSERT_EQUAL(ps.kind, FEX_PORT_MEMIF);
	CU_ASSERT_STRING_EQUAL(ps.arg, "/tmp/m.sock");
	CU_ASSERT_FALSE(ps.server);
	CU_ASSERT_EQUAL(parse("memif:/tmp/m.sock,server"), 0);
	CU_ASSERT_STRING_EQUAL(ps.arg, "/tmp/m.sock");
	CU_ASSERT_TRUE(ps.server);
	CU_ASSERT_EQUAL(parse("memif:/tmp/m.sock,client"), 0);
	CU_ASSERT_FALSE(ps.server);
}

static void
test_pcap(void)
{
	CU_ASSERT_EQUAL(parse("pcap:rx=in.pcap"), 0);
	CU_ASSERT_EQUAL(ps.kind, FEX_PORT_PCAP);
	CU_ASSERT_STRING_EQUAL(ps.arg, "in.pcap");
	CU_ASSERT_STRING_EQUAL(ps.tx, "");
	CU_ASSERT_FALSE(ps.infinite);
	CU_ASSERT_EQUAL(parse("pcap:rx=/a/in.pcap,tx=/b/out.pcap,infinite"), 0);
	CU_ASSERT_STRING_EQUAL(ps.arg, "/a/in.pcap");
	CU_ASSERT_STRING_EQUAL(ps.tx, "/b/out.pcap");
	CU_ASSERT_TRUE(ps.infinite);
	CU_ASSERT_EQUAL(parse("pcap:infinite,rx=in.pcap"), 0);
	CU_ASSERT_TRUE(ps.infinite);
	CU_ASSERT_EQUAL(parse("pcap:tx=out.pcap"), 0);
	CU_ASSERT_STRING_EQUAL(ps.arg, "");
	CU_ASSERT_STRING_EQUAL(ps.tx, "out.pcap");
}

static void
test_ring_null(void)
{
	CU_ASSERT_EQUAL(parse("ring:vm1-up.0_x"), 0);
	CU_ASSERT_EQUAL(ps.kind, FEX_PORT_RING);
	CU_ASSERT_STRING_EQUAL(ps.arg, "vm1-up.0_x");
	CU_ASSERT_EQUAL(parse("ring:abcdefghijklmnopqrst"), 0);	/* 20: the limit */
	CU_ASSERT_EQUAL(parse("null"), 0);
	CU_ASSERT_EQUAL(ps.kind, FEX_PORT_NULL);
	CU_ASSERT_FALSE(ps.generate);
	CU_ASSERT_EQUAL(parse("null:rx"), 0);
	CU_ASSERT_TRUE(ps.generate);
}

static void
test_bad_kind(void)
{
	check_bad("", "empty port spec", "vhost:PATH");
	CU_ASSERT_EQUAL(fex_port_spec_parse(NULL, &ps, err, sizeof(err)), -EINVAL);
	check_bad("vhostuser:/x", "unknown port kind 'vhostuser'", "pcap:rx=FILE");
	check_bad("eth0", "unknown port kind 'eth0'", "af_packet:IFACE");
	check_bad("VHOST:/x", "unknown port kind 'VHOST'", NULL);
	check_bad(":x", "unknown port kind ''", NULL);
	check_bad("vhost", "missing ':'", "vhost:PATH");
	check_bad("null:tx", "null: unknown option 'tx'", "null:rx");
	/* a message never overflows the caller's buffer */
	{
		char small[8];

		CU_ASSERT_EQUAL(fex_port_spec_parse("bogus:1", &ps, small, sizeof(small)), -EINVAL);
		CU_ASSERT_EQUAL(strlen(small), sizeof(small) - 1);
		CU_ASSERT_EQUAL(fex_port_spec_parse("bogus:1", &ps, NULL, 0), -EINVAL);
	}
}

static void
test_bad_path(void)
{
	char longp[200];

	check_bad("vhost:", "vhost: missing PATH", "vhost:PATH");
	check_bad("vhost-server:", "vhost-server: missing PATH", "vhost-server:PATH");
	check_bad("memif:", "memif: missing PATH", "memif:PATH");
	check_bad("memif:,server", "memif: missing PATH", NULL);
	check_bad("memif:/x,master", "memif: unknown option 'master'", "server");
	check_bad("vhost:/a,b", "contains ','", NULL);
	memset(longp, 'p', sizeof(longp));
	memcpy(longp, "vhost:/", 7);
	longp[6 + 108] = '\0';		/* PATH of 108 characters */
	check_bad(longp, "PATH is 108 characters long", "at most 107");
	longp[6 + 107] = '\0';
	CU_ASSERT_EQUAL(parse(longp), 0);
}

static void
test_bad_bdf(void)
{
	check_bad("pci:", "pci: missing BDF", "DDDD:BB:DD.F");
	check_bad("pci:03:00", "not a PCI address", "DDDD:BB:DD.F");
	check_bad("pci:0000:03:00:1", "not a PCI address", NULL);
	check_bad("pci:000:03:00.1", "not a PCI address", NULL);
	check_bad("pci:0000:0g:00.1", "not a PCI address", NULL);
	check_bad("pci:0000:03:20.0", "out of range", "00-1f");
	check_bad("pci:03:00.8", "out of range", "0-7");
	check_bad("pci:eth0", "not a PCI address", "e.g. pci:0000:03:00.1");
}

static void
test_bad_ifname(void)
{
	check_bad("af_packet:", "af_packet: missing IFACE", NULL);
	check_bad("af_packet:abcdefghijklmnop", "IFACE is 16 characters long", "at most 15");
	check_bad("af_packet:a/b", "not allowed in interface names", NULL);
	check_bad("af_packet:a b", "not allowed in interface names", NULL);
	check_bad("af_packet:..", "not a valid interface name", NULL);
	check_bad("tap:", "tap: missing NAME", "tap:NAME");
	check_bad("tap:a:b", "not allowed in interface names", NULL);
}

static void
test_bad_pcap(void)
{
	char longf[300];

	check_bad("pcap:", "pcap: missing rx= or tx=", "pcap:rx=FILE");
	check_bad("pcap:infinite", "needs rx=FILE or tx=FILE", NULL);
	check_bad("pcap:tx=o.pcap,infinite", "infinite", "needs rx=FILE");
	check_bad("pcap:rx=a,loop", "unknown option 'loop'", "rx=FILE, tx=FILE, infinite");
	check_bad("pcap:in.pcap", "unknown option 'in.pcap'", NULL);
	check_bad("pcap:rx=", "missing rx FILE", NULL);
	check_bad("pcap:tx=", "missing tx FILE", NULL);
	check_bad("pcap:rx=a,rx=b", "rx= given twice", NULL);
	check_bad("pcap:tx=a,tx=b", "tx= given twice", NULL);
	check_bad("pcap:rx=a,infinite,infinite", "infinite given twice", NULL);
	check_bad("pcap:rx=a,,tx=b", "empty option", NULL);
	check_bad("pcap:rx=a,", "empty option", NULL);
	memset(longf, 'f', sizeof(longf));
	memcpy(longf, "pcap:rx=", 8);
	longf[8 + 256] = '\0';
	check_bad(longf, "rx FILE is 256 characters long", "at most 255");
}

static void
test_bad_ring_and_length(void)
{
	char huge[FEX_PORT_SPEC_LEN + 10];

	check_bad("ring:", "ring: missing NAME", "ring:NAME");
	check_bad("ring:abcdefghijklmnopqrstu", "NAME is 21 characters long", "at most 20");
	check_bad("ring:a/b", "may only hold", NULL);
	memset(huge, 'x', sizeof(huge));
	memcpy(huge, "vhost:", 6);
	huge[sizeof(huge) - 1] = '\0';
	check_bad(huge, "port spec is", "at most 511");
}

/* A fake /sys + /dev tree: every answer of the PCI check. */
static void
test_pci_check(void)
{
	char root[] = "/tmp/fex_pci_XXXXXX";
	char p[PATH_MAX], q[PATH_MAX];
	const char *bdf = "0000:03:00.1";

	CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(root));
	CU_ASSERT_EQUAL(fex_port_pci_check(root, bdf, err, sizeof(err)), -ENODEV);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "no such PCI device"));
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "lspci"));

	snprintf(p, sizeof(p), "mkdir -p %s/sys/bus/pci/devices/%s %s/sys/bus/pci/drivers/vfio-pci "
		 "%s/sys/bus/pci/drivers/ixgbe", root, bdf, root, root);
	CU_ASSERT_EQUAL_FATAL(system(p), 0);
	CU_ASSERT_EQUAL(fex_port_pci_check(root, bdf, err, sizeof(err)), -EPERM);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "not bound to any driver"));
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "tools/fex-vic-setup"));

	snprintf(p, sizeof(p), "%s/sys/bus/pci/devices/%s/driver", root, bdf);
	CU_ASSERT_EQUAL_FATAL(symlink("../../../../bus/pci/drivers/ixgbe", p), 0);
	CU_ASSERT_EQUAL(fex_port_pci_check(root, bdf, err, sizeof(err)), -EPERM);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "bound to 'ixgbe', not vfio-pci"));
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "tools/fex-vic-setup"));

	unlink(p);
	CU_ASSERT_EQUAL_FATAL(symlink("../../../../bus/pci/drivers/vfio-pci", p), 0);
	CU_ASSERT_EQUAL(fex_port_pci_check(root, bdf, err, sizeof(err)), -EPERM);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "vfio is missing"));
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "modprobe vfio-pci"));

	snprintf(q, sizeof(q), "mkdir -p %s/dev/vfio && touch %s/dev/vfio/vfio", root, root);
	CU_ASSERT_EQUAL_FATAL(system(q), 0);
	CU_ASSERT_EQUAL(fex_port_pci_check(root, bdf, err, sizeof(err)), 0);

	snprintf(q, sizeof(q), "rm -rf %s", root);
	CU_ASSERT_EQUAL(system(q), 0);
}

int
main(void)
{
	CU_pSuite s;

	if (CU_initialize_registry() != CUE_SUCCESS)
		return EXIT_FAILURE;
	s = CU_add_suite("unit", NULL, NULL);
	CU_add_test(s, "vhost and vhost-server", test_vhost);
	CU_add_test(s, "pci BDF forms", test_pci);
	CU_add_test(s, "af_packet and tap", test_af_packet_tap);
	CU_add_test(s, "memif client and server", test_memif);
	CU_add_test(s, "pcap options", test_pcap);
	CU_add_test(s, "ring and null", test_ring_null);
	CU_add_test(s, "bad kind", test_bad_kind);
	CU_add_test(s, "bad or missing PATH", test_bad_path);
	CU_add_test(s, "bad BDF", test_bad_bdf);
	CU_add_test(s, "bad interface names", test_bad_ifname);
	CU_add_test(s, "bad pcap options", test_bad_pcap);
	CU_add_test(s, "bad ring name, over-long spec", test_bad_ring_and_length);
	CU_add_test(s, "pci binding check on a fake sysfs", test_pci_check);
	return fex_test_run();
}
