/* SPDX-License-Identifier: BSD-3-Clause */
/* Port spec strings (SPEC §4): parsing into struct fex_port_spec, kind
 * names, the checks of the host before a probe (fex_port_pci_check and
 * the rest), each vdev kind's devargs, and the error message helper of
 * the library. No EAL, no ethdev: the open ports live in fex_port.c.
 * See fex_port.h. */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <net/if.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <bsd/string.h>

#include "fex_port.h"
#include "fex_port_priv.h"

#define SPEC_FORMS "vhost:PATH, vhost-server:PATH, pci:BDF, af_packet:IFACE, " \
	"tap:NAME, memif:PATH[,server], pcap:rx=FILE[,tx=FILE][,infinite], " \
	"pcap:tx=FILE, ring:NAME, null or null:rx"
#define PCAP_FORMS "pcap:rx=FILE[,tx=FILE][,infinite] or pcap:tx=FILE"

static const char *const kind_names[FEX_PORT_KIND_MAX] = {
	[FEX_PORT_VHOST] = "vhost",
	[FEX_PORT_VHOST_SERVER] = "vhost-server",
	[FEX_PORT_PCI] = "pci",
	[FEX_PORT_AF_PACKET] = "af_packet",
	[FEX_PORT_TAP] = "tap",
	[FEX_PORT_MEMIF] = "memif",
	[FEX_PORT_PCAP] = "pcap",
	[FEX_PORT_RING] = "ring",
	[FEX_PORT_NULL] = "null",
};

const char *
fex_port_kind_name(enum fex_port_kind kind)
{
	if ((unsigned int)kind >= FEX_PORT_KIND_MAX)
		return "?";
	return kind_names[kind];
}

/* A value every kind shares: present, short enough, no ','. */
static int
check_value(const char *kind, const char *what, const char *form,
	    const char *v, size_t maxlen, char *err, size_t errlen)
{
	size_t n = strlen(v);

	if (n == 0)
		return fex_fail(-EINVAL, err, errlen, "%s: missing %s; use %s",
				     kind, what, form);
	if (n >= maxlen)
		return fex_fail(-EINVAL, err, errlen,
				     "%s: %s is %zu characters long, at most %zu allowed",
				     kind, what, n, maxlen - 1);
	if (strchr(v, ',') != NULL)
		return fex_fail(-EINVAL, err, errlen,
				     "%s: %s '%s' contains ',', which separates driver options; rename it",
				     kind, what, v);
	return 0;
}

/* Linux interface names: 1..15 chars, no '/', ':' or white space. */
static int
check_ifname(const char *kind, const char *what, const char *v,
	     char *err, size_t errlen)
{
	char form[64];
	const char *c;
	int rc;

	snprintf(form, sizeof(form), "%s:%s", kind, what);
	rc = check_value(kind, what, form, v, FEX_PORT_IFNAME_LEN, err, errlen);
	if (rc < 0)
		return rc;
	if (strcmp(v, ".") == 0 || strcmp(v, "..") == 0)
		return fex_fail(-EINVAL, err, errlen, "%s: %s '%s' is not a valid interface name",
				     kind, what, v);
	for (c = v; *c != '\0'; c++)
		if (*c == '/' || *c == ':' || isspace((unsigned char)*c) ||
		    !isprint((unsigned char)*c))
			return fex_fail(-EINVAL, err, errlen,
					     "%s: %s '%s' has a character not allowed in interface names ('/', ':', space or control)",
					     kind, what, v);
	return 0;
}

static int
hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = (char)tolower((unsigned char)c);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* Exactly n hex digits at s; value or -1. */
static long
hexfield(const char *s, int n)
{
	long v = 0;
	int i, d;

	for (i = 0; i < n; i++) {
		d = hexval(s[i]);
		if (d < 0)
			return -1;
		v = v * 16 + d;
	}
	return v;
}

/* [DDDD:]BB:DD.F into "dddd:bb:dd.f". */
static int
parse_bdf(const char *v, char *out, size_t outlen, char *err, size_t errlen)
{
	size_t n = strlen(v);
	long dom = 0, bus, dev, fn;
	const char *p = v;

	if (n == 0)
		return fex_fail(-EINVAL, err, errlen,
				     "pci: missing BDF; use pci:DDDD:BB:DD.F or pci:BB:DD.F, e.g. pci:0000:03:00.1");
	if (n == 12 && v[4] == ':') {
		dom = hexfield(v, 4);
		p = v + 5;
	} else if (n != 7) {
		p = NULL;
	}
	if (p == NULL || dom < 0 || p[2] != ':' || p[5] != '.')
		goto bad;
	bus = hexfield(p, 2);
	dev = hexfield(p + 3, 2);
	fn = hexfield(p + 6, 1);
	if (bus < 0 || dev < 0 || fn < 0)
		goto bad;
	if (dev > 0x1f || fn > 7)
		return fex_fail(-EINVAL, err, errlen,
				     "pci: '%s' is out of range: device is 00-1f and function 0-7", v);
	snprintf(out, outlen, "%04lx:%02lx:%02lx.%lx", dom, bus, dev, fn);
	return 0;
bad:
	return fex_fail(-EINVAL, err, errlen,
			     "pci: '%s' is not a PCI address; use DDDD:BB:DD.F or BB:DD.F (hex), e.g. pci:0000:03:00.1",
			     v);
}

static int
parse_pcap(const char *args, struct fex_port_spec *out, char *err, size_t errlen)
{
	char buf[FEX_PORT_SPEC_LEN];
	char *tok, *save = NULL;
	bool have_rx = false, have_tx = false;
	int rc;

	if (args[0] == '\0')
		return fex_fail(-EINVAL, err, errlen, "pcap: missing rx= or tx= file; use %s",
				     PCAP_FORMS);
	snprintf(buf, sizeof(buf), "%s", args);
	if (buf[0] == ',' || buf[strlen(buf) - 1] == ',' || strstr(buf, ",,") != NULL)
		return fex_fail(-EINVAL, err, errlen, "pcap: empty option in '%s'; use %s",
				     args, PCAP_FORMS);
	for (tok = strtok_r(buf, ",", &save); tok != NULL;
	     tok = strtok_r(NULL, ",", &save)) {
		if (strncmp(tok, "rx=", 3) == 0) {
			if (have_rx)
				return fex_fail(-EINVAL, err, errlen, "pcap: rx= given twice");
			rc = check_value("pcap", "rx FILE", PCAP_FORMS, tok + 3,
					 FEX_PORT_ARG_LEN, err, errlen);
			if (rc < 0)
				return rc;
			snprintf(out->arg, sizeof(out->arg), "%s", tok + 3);
			have_rx = true;
		} else if (strncmp(tok, "tx=", 3) == 0) {
			if (have_tx)
				return fex_fail(-EINVAL, err, errlen, "pcap: tx= given twice");
			rc = check_value("pcap", "tx FILE", PCAP_FORMS, tok + 3,
					 FEX_PORT_ARG_LEN, err, errlen);
			if (rc < 0)
				return rc;
			snprintf(out->tx, sizeof(out->tx), "%s", tok + 3);
			have_tx = true;
		} else if (strcmp(tok, "infinite") == 0) {
			if (out->infinite)
				return fex_fail(-EINVAL, err, errlen, "pcap: infinite given twice");
			out->infinite = true;
		} else {
			return fex_fail(-EINVAL, err, errlen,
					     "pcap: unknown option '%s'; allowed: rx=FILE, tx=FILE, infinite",
					     tok);
		}
	}
	if (!have_rx && !have_tx)
		return fex_fail(-EINVAL, err, errlen, "pcap: needs rx=FILE or tx=FILE; use %s",
				     PCAP_FORMS);
	if (out->infinite && !have_rx)
		return fex_fail(-EINVAL, err, errlen,
				     "pcap: infinite replays the rx file, so it needs rx=FILE");
	return 0;
}

static int
parse_memif(const char *args, struct fex_port_spec *out, char *err, size_t errlen)
{
	const char *form = "memif:PATH or memif:PATH,server";
	const char *comma = strchr(args, ',');
	char path[FEX_PORT_SPEC_LEN];
	size_t n = comma != NULL ? (size_t)(comma - args) : strlen(args);

	snprintf(path, sizeof(path), "%.*s", (int)n, args);
	if (comma != NULL) {
		if (strcmp(comma + 1, "server") == 0)
			out->server = true;
		else if (strcmp(comma + 1, "client") != 0)
			return fex_fail(-EINVAL, err, errlen,
					     "memif: unknown option '%s'; allowed: server, client (the default)",
					     comma + 1);
	}
	strlcpy(out->arg, path, sizeof(out->arg));
	return check_value("memif", "PATH", form, path, FEX_PORT_SOCK_LEN, err, errlen);
}

/* vhost:PATH[,offloads=full|csum|none]: what the guest is offered
 * (full: checksum and TSO, both finished in software before tagging). */
static int
parse_vhost(const char *kind, const char *args, struct fex_port_spec *out,
	    char *err, size_t errlen)
{
	static const char *const offloads[] = {
		[FEX_VHOST_OFFLOADS_FULL] = "full",
		[FEX_VHOST_OFFLOADS_CSUM] = "csum",
		[FEX_VHOST_OFFLOADS_NONE] = "none",
	};
	const char *form = out->kind == FEX_PORT_VHOST ?
		"vhost:PATH[,offloads=full|csum|none]" :
		"vhost-server:PATH[,offloads=full|csum|none]";
	const char *comma = strchr(args, ',');
	char path[FEX_PORT_SPEC_LEN];
	size_t n = comma != NULL ? (size_t)(comma - args) : strlen(args);
	unsigned int i;

	snprintf(path, sizeof(path), "%.*s", (int)n, args);
	out->offloads = FEX_VHOST_OFFLOADS_FULL;
	if (comma != NULL) {
		const char *opt = comma + 1;

		if (strncmp(opt, "offloads=", 9) != 0)
			return fex_fail(-EINVAL, err, errlen,
					     "%s: unknown option '%s' (a PATH that contains ',' is not allowed: ',' separates options); use %s",
					     kind, opt, form);
		for (i = 0; i < RTE_DIM(offloads); i++)
			if (strcmp(opt + 9, offloads[i]) == 0)
				break;
		if (i == RTE_DIM(offloads))
			return fex_fail(-EINVAL, err, errlen,
					     "%s: offloads '%s' unknown; allowed: full (the default: checksum and TSO), csum, none",
					     kind, opt + 9);
		out->offloads = (uint8_t)i;
	}
	strlcpy(out->arg, path, sizeof(out->arg));
	return check_value(kind, "PATH", form, path, FEX_PORT_SOCK_LEN, err, errlen);
}

static int
parse_ring(const char *v, struct fex_port_spec *out, char *err, size_t errlen)
{
	const char *c;
	int rc;

	rc = check_value("ring", "NAME", "ring:NAME", v, FEX_PORT_RING_LEN, err, errlen);
	if (rc < 0)
		return rc;
	for (c = v; *c != '\0'; c++)
		if (!isalnum((unsigned char)*c) && *c != '_' && *c != '-' && *c != '.')
			return fex_fail(-EINVAL, err, errlen,
					     "ring: NAME '%s' may only hold A-Z a-z 0-9 . _ -", v);
	snprintf(out->arg, sizeof(out->arg), "%s", v);
	return 0;
}

int
fex_port_spec_parse(const char *spec, struct fex_port_spec *out,
		    char *err, size_t errlen)
{
	char kind[32];
	const char *colon, *args;
	size_t klen, n;
	unsigned int k;
	int rc;

	if (spec == NULL || spec[0] == '\0')
		return fex_fail(-EINVAL, err, errlen, "empty port spec; use %s", SPEC_FORMS);
	n = strlen(spec);
	if (n >= FEX_PORT_SPEC_LEN)
		return fex_fail(-EINVAL, err, errlen,
				     "port spec is %zu characters long, at most %d allowed",
				     n, FEX_PORT_SPEC_LEN - 1);
	memset(out, 0, sizeof(*out));
	colon = strchr(spec, ':');
	klen = colon != NULL ? (size_t)(colon - spec) : n;
	args = colon != NULL ? colon + 1 : "";
	if (klen >= sizeof(kind))
		klen = sizeof(kind) - 1;
	memcpy(kind, spec, klen);
	kind[klen] = '\0';
	for (k = 0; k < FEX_PORT_KIND_MAX; k++)
		if (strcmp(kind, kind_names[k]) == 0)
			break;
	if (k == FEX_PORT_KIND_MAX)
		return fex_fail(-EINVAL, err, errlen, "unknown port kind '%s' in '%s'; use %s",
				     kind, spec, SPEC_FORMS);
	out->kind = (enum fex_port_kind)k;
	if (colon == NULL && out->kind != FEX_PORT_NULL)
		return fex_fail(-EINVAL, err, errlen, "%s: missing ':' and argument; use %s",
				     kind, SPEC_FORMS);

	switch (out->kind) {
	case FEX_PORT_VHOST:
	case FEX_PORT_VHOST_SERVER:
		return parse_vhost(kind, args, out, err, errlen);
	case FEX_PORT_PCI:
		return parse_bdf(args, out->arg, sizeof(out->arg), err, errlen);
	case FEX_PORT_AF_PACKET:
		rc = check_ifname(kind, "IFACE", args, err, errlen);
		if (rc == 0)
			snprintf(out->arg, sizeof(out->arg), "%s", args);
		return rc;
	case FEX_PORT_TAP:
		rc = check_ifname(kind, "NAME", args, err, errlen);
		if (rc == 0)
			snprintf(out->arg, sizeof(out->arg), "%s", args);
		return rc;
	case FEX_PORT_MEMIF:
		return parse_memif(args, out, err, errlen);
	case FEX_PORT_PCAP:
		return parse_pcap(args, out, err, errlen);
	case FEX_PORT_RING:
		return parse_ring(args, out, err, errlen);
	case FEX_PORT_NULL:
		if (colon == NULL)
			return 0;
		if (strcmp(args, "rx") == 0) {
			out->generate = true;
			return 0;
		}
		return fex_fail(-EINVAL, err, errlen,
				     "null: unknown option '%s'; use null (a sink) or null:rx (also generates frames)",
				     args);
	case FEX_PORT_KIND_MAX:
		break;
	}
	return fex_fail(-EINVAL, err, errlen, "unknown port kind '%s'", kind);
}

int
fex_port_pci_check(const char *root, const char *bdf, char *err, size_t errlen)
{
	char path[PATH_MAX], link[PATH_MAX];
	const char *drv;
	struct stat st;
	ssize_t n;

	if (root == NULL)
		root = "";
	snprintf(path, sizeof(path), "%s/sys/bus/pci/devices/%s", root, bdf);
	if (stat(path, &st) < 0)
		return fex_fail(-ENODEV, err, errlen,
				     "pci:%s: no such PCI device (%s missing); check the address with 'lspci -D'",
				     bdf, path);
	snprintf(path, sizeof(path), "%s/sys/bus/pci/devices/%s/driver", root, bdf);
	n = readlink(path, link, sizeof(link) - 1);
	if (n < 0)
		return fex_fail(-EPERM, err, errlen,
				     "pci:%s: not bound to any driver; bind it to vfio-pci with tools/fex-vic-setup",
				     bdf);
	link[n] = '\0';
	drv = strrchr(link, '/');
	drv = drv != NULL ? drv + 1 : link;
	if (strcmp(drv, "vfio-pci") != 0)
		return fex_fail(-EPERM, err, errlen,
				     "pci:%s: bound to '%s', not vfio-pci; bind it to vfio-pci with tools/fex-vic-setup",
				     bdf, drv);
	snprintf(path, sizeof(path), "%s/dev/vfio/vfio", root);
	if (stat(path, &st) < 0)
		return fex_fail(-EPERM, err, errlen,
				     "pci:%s: vfio is missing (%s); load it with 'modprobe vfio-pci' and check the IOMMU is on (intel_iommu=on or amd_iommu=on)",
				     bdf, path);
	return 0;
}

/* ---- before a probe (the host, not EAL) ---- */

/* The directory a socket or file goes into must exist. */
static int
check_parent_dir(const char *spec, const char *path, char *err, size_t errlen)
{
	char dir[FEX_PORT_ARG_LEN];
	char *slash;
	struct stat st;

	snprintf(dir, sizeof(dir), "%s", path);
	slash = strrchr(dir, '/');
	if (slash == NULL)
		return 0;
	if (slash == dir)
		slash[1] = '\0';
	else
		*slash = '\0';
	if (stat(dir, &st) < 0 || !S_ISDIR(st.st_mode))
		return fex_fail(-ENOENT, err, errlen, "%s: directory %s does not exist; create it first",
				     spec, dir);
	return 0;
}

/* Checks before probing that turn a driver's log line into a message. */
int
fex_port_precheck(const char *spec, const struct fex_port_spec *ps,
		  char *err, size_t errlen)
{
	switch (ps->kind) {
	case FEX_PORT_MEMIF:
		if (!ps->server && access(ps->arg, F_OK) < 0)
			return fex_fail(-ENOENT, err, errlen,
					     "%s: no memif server listens on %s; start the peer first, or use memif:%s,server",
					     spec, ps->arg, ps->arg);
		return check_parent_dir(spec, ps->arg, err, errlen);
	case FEX_PORT_VHOST:
	case FEX_PORT_VHOST_SERVER:
		return check_parent_dir(spec, ps->arg, err, errlen);
	case FEX_PORT_PCI:
		return fex_port_pci_check("", ps->arg, err, errlen);
	case FEX_PORT_AF_PACKET:
		if (if_nametoindex(ps->arg) == 0)
			return fex_fail(-ENODEV, err, errlen,
					     "%s: no network interface '%s' (see 'ip link'); create it first",
					     spec, ps->arg);
		return 0;
	case FEX_PORT_TAP:
		if (if_nametoindex(ps->arg) != 0)
			return fex_fail(-EEXIST, err, errlen,
					     "%s: an interface '%s' already exists; pick another NAME, or use af_packet:%s for an existing one",
					     spec, ps->arg, ps->arg);
		if (access("/dev/net/tun", R_OK | W_OK) < 0)
			return fex_fail(-ENODEV, err, errlen,
					     "%s: /dev/net/tun is not usable (%s); load the tun module",
					     spec, strerror(errno));
		return 0;
	case FEX_PORT_PCAP:
		if (ps->arg[0] != '\0' && access(ps->arg, R_OK) < 0)
			return fex_fail(-errno, err, errlen, "%s: cannot read rx file %s: %s",
					     spec, ps->arg, strerror(errno));
		if (ps->tx[0] != '\0')
			return check_parent_dir(spec, ps->tx, err, errlen);
		return 0;
	case FEX_PORT_RING:
	case FEX_PORT_NULL:
	case FEX_PORT_KIND_MAX:
		break;
	}
	return 0;
}

/* Device name and devargs of a vdev kind. */
void
fex_port_vdev_args(const struct fex_port_spec *ps, unsigned int seq,
		   unsigned int nq, char *name, size_t nlen, char *args,
		   size_t alen)
{
	switch (ps->kind) {
	case FEX_PORT_AF_PACKET:
		snprintf(name, nlen, "net_af_packet_fex%u", seq);
		snprintf(args, alen, "iface=%s,qpairs=%u", ps->arg, nq);
		break;
	case FEX_PORT_TAP:
		snprintf(name, nlen, "net_tap_fex%u", seq);
		snprintf(args, alen, "iface=%s", ps->arg);
		break;
	case FEX_PORT_MEMIF:
		snprintf(name, nlen, "net_memif_fex%u", seq);
		snprintf(args, alen, "socket=%s,socket-abstract=no,role=%s", ps->arg,
			 ps->server ? "server" : "client");
		break;
	case FEX_PORT_PCAP: {
		int n = 0;

		snprintf(name, nlen, "net_pcap_fex%u", seq);
		args[0] = '\0';
		if (ps->arg[0] != '\0')
			n += snprintf(args + n, alen - n, "rx_pcap=%s,", ps->arg);
		if (ps->tx[0] != '\0')
			n += snprintf(args + n, alen - n, "tx_pcap=%s,", ps->tx);
		if (ps->infinite)
			n += snprintf(args + n, alen - n, "infinite_rx=1,");
		if (n > 0 && (size_t)n <= alen)
			args[n - 1] = '\0';
		break;
	}
	case FEX_PORT_NULL:
		snprintf(name, nlen, "net_null_fex%u", seq);
		snprintf(args, alen, "%s", ps->generate ? "" : "no-rx=1");
		break;
	case FEX_PORT_VHOST:		/* the vhost library, fex_vhost.c */
	case FEX_PORT_VHOST_SERVER:
	case FEX_PORT_PCI:
	case FEX_PORT_RING:
	case FEX_PORT_KIND_MAX:
		name[0] = '\0';
		args[0] = '\0';
		break;
	}
}
