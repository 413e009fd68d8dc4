/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * fex-fabric: a software fabric interconnect, the switch on the far end of
 * fexpath's uplink (SPEC.md sections 1 and 3), for tests and demos.
 *
 * It has one or more host ports (--port, one per host: a fabric
 * interconnect with a port per server). Every frame received must be
 * upstream (VN-Tag d=0 / E-Tag GRP 0) with a source VIF; anything else is
 * dropped and counted by reason. Per frame:
 *  - learn (VLAN, source MAC) -> source VIF (VLAN 0 = untagged), and
 *    source VIF -> the host port it came in on. VIF ids are unique across
 *    the fabric (SPEC.md section 9): a VIF seen on another host port has
 *    moved there (associated on another host: a live migration) and takes
 *    its MACs with it;
 *  - known unicast destination in that VLAN: downstream to that VIF on the
 *    host port where it lives (p=0 / GRP 0, dvif = learned VIF, svif =
 *    source VIF, l=0), or dropped when it is the source VIF itself: a
 *    switch never reflects a unicast;
 *  - broadcast, multicast, unknown unicast: flood, one frame downstream to
 *    the VLAN's VIF-list on every host port (p=1 / GRP 1, svif = source
 *    VIF; l=1 on the source's own host port so that host prunes the
 *    sender). A host with no member of the list drops its copy.
 * One queue per port, one lcore: this is a test peer, not a fast path.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_common.h>
#include <rte_cycles.h>
#include <rte_dev.h>
#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_ethdev.h>
#include <rte_ether.h>
#include <rte_hash.h>
#include <rte_jhash.h>
#include <rte_lcore.h>
#include <rte_mbuf.h>

#include "fex_tag.h"

#define PROG			"fex-fabric"
#define BURST			32
#define NB_MBUFS		8191
#define MBUF_CACHE		256
#define NB_DESC			1024
#define VLAN_IDS		4096
#define UNTAGGED_LIST_DEFAULT	4095	/* no VLAN's default list (1..4094) */
#define MAX_MACS_DEFAULT	65536
#define EXIT_USAGE		2
#define PORTS_MAX		8	/* host ports */
#define VIF_IDS			(FEX_TAG_VIF_MAX + 1)

struct fab_opts {
	const char *port[PORTS_MAX];	/* id, device name or vdev string */
	uint16_t nb_ports;
	enum fex_tag_mode mode;
	uint16_t flood_list[VLAN_IDS];	/* VLAN id (0 = untagged) -> VIF-list */
	uint32_t stats_period_s;	/* 0: only at exit */
	uint32_t idle_sleep_us;		/* 0: busy poll */
	uint32_t exit_on_idle_ms;	/* 0: run until a signal */
	uint32_t max_macs;
	uint32_t burst;			/* frames per poll of one port */
};

enum fab_drop {
	DROP_SAME_VIF,		/* known unicast back to its own source VIF */
	DROP_SRC_MULTICAST,	/* group bit set in the source MAC */
	DROP_TAG_OP,		/* strip/push failed (no headroom, shared mbuf) */
	DROP_TX_FULL,		/* the port did not take the frame */
	DROP_NO_MBUF,		/* no mbuf for a flood copy to another port */
	DROP_MAX,
};

static const char *const drop_names[DROP_MAX] = {
	[DROP_SAME_VIF] = "same_vif",
	[DROP_SRC_MULTICAST] = "src_multicast",
	[DROP_TAG_OP] = "tag_op",
	[DROP_TX_FULL] = "tx_full",
	[DROP_NO_MBUF] = "no_mbuf",
};

struct fab_stats {
	uint64_t rx;
	uint64_t tx;
	uint64_t learned;	/* new (VLAN, MAC) entries */
	uint64_t moved;		/* entries whose VIF changed */
	uint64_t vif_moved;	/* VIFs seen on another host port */
	uint64_t learn_full;	/* not learned: table full (frame still sent) */
	uint64_t unicast;
	uint64_t flooded;
	uint64_t drop[DROP_MAX];
	uint64_t drop_parse[FEX_TAG_ERR_MAX];	/* by enum fex_tag_err */
};

/* The MAC table key: no padding, so it hashes as 8 plain bytes. */
struct mac_key {
	uint16_t vid;
	uint8_t mac[RTE_ETHER_ADDR_LEN];
};

/* A host port: one server's uplink, and what is to be sent to it. */
struct host_port {
	uint16_t id;			/* ethdev port */
	uint16_t nout;
	uint64_t rx;
	uint64_t tx;
	struct rte_mbuf *out[BURST];	/* one frame per received one at most */
};

struct fabric {
	struct fab_opts opts;
	struct host_port port[PORTS_MAX];
	uint8_t vif_port[VIF_IDS];	/* VIF -> host port + 1; 0 = not seen */
	struct rte_mempool *pool;
	struct rte_hash *macs;
	struct fab_stats st;
};

static volatile sig_atomic_t quit;

static void
on_signal(int sig)
{
	RTE_SET_USED(sig);
	quit = 1;
}

static void
usage(FILE *f)
{
	fprintf(f,
"Usage: " PROG " [EAL options] -- [options]\n"
"A software fabric interconnect: learns (VLAN, MAC) -> source VIF from the\n"
"upstream frames it receives and sends each back downstream, tagged for its\n"
"destination VIF or flooded to the VLAN's VIF-list (SPEC.md sections 1, 3).\n"
"\n"
"  --port SPEC           a host port: port id, device name, or a vdev string\n"
"                        to probe; repeatable, one per host (up to %u;\n"
"                        default 0: the first EAL --vdev, e.g.\n"
"                        --vdev net_af_packet0,iface=fab0)\n"
"  --tag vntag|etag      uplink tag format (default vntag)\n"
"  --flood VLAN=LIST     flood VLAN 1..4095 to VIF-list LIST (VN-Tag 1..16383,\n"
"                        E-Tag 1..4095); repeatable; default LIST = VLAN\n"
"  --flood-untagged LIST VIF-list of untagged frames (default %u, the one id\n"
"                        that no VLAN uses by default)\n"
"  --max-macs N          MAC table size (default %u); when full, frames are\n"
"                        still forwarded and learn_full counts them\n"
"  --stats-period N      print the counters every N seconds (default 0: only\n"
"                        at exit)\n"
"  --idle-sleep-us N     sleep N us when a poll finds no frame (default 0)\n"
"  --exit-on-idle-ms N   exit when no frame arrived for N ms (default 0: run\n"
"                        until SIGINT/SIGTERM); for finite pcap inputs\n"
"  --burst N             frames taken from one port per poll, 1..%u (default\n"
"                        %u); --burst 1 alternates frame by frame between\n"
"                        the host ports (deterministic order for tests)\n"
"  --help                this text\n"
"\n"
"Prints '" PROG ": ready ...' once the port is started, counters as one\n"
"'" PROG ": stats key=value ...' line, and exits 0 on SIGINT/SIGTERM.\n",
		PORTS_MAX, UNTAGGED_LIST_DEFAULT, MAX_MACS_DEFAULT, BURST, BURST);
}

static void __attribute__((format(printf, 1, 2), noreturn))
die_usage(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, PROG ": ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, " (see --help)\n");
	rte_eal_cleanup();
	exit(EXIT_USAGE);
}

static uint32_t
parse_u32(const char *opt, const char *s, uint32_t min, uint32_t max)
{
	unsigned long long v;
	char *end;

	errno = 0;
	if (*s == '-' || *s == '\0')
		die_usage("--%s: '%s' is not a number in %" PRIu32 "..%" PRIu32,
			  opt, s, min, max);
	v = strtoull(s, &end, 0);
	if (errno != 0 || *end != '\0' || v < min || v > max)
		die_usage("--%s: '%s' is not a number in %" PRIu32 "..%" PRIu32,
			  opt, s, min, max);
	return (uint32_t)v;
}

enum {
	OPT_PORT = 256, OPT_TAG, OPT_FLOOD, OPT_FLOOD_UNTAGGED, OPT_MAX_MACS,
	OPT_STATS_PERIOD, OPT_IDLE_SLEEP_US, OPT_EXIT_ON_IDLE_MS, OPT_BURST,
	OPT_HELP,
};

static const struct option long_opts[] = {
	{ "port", required_argument, NULL, OPT_PORT },
	{ "tag", required_argument, NULL, OPT_TAG },
	{ "flood", required_argument, NULL, OPT_FLOOD },
	{ "flood-untagged", required_argument, NULL, OPT_FLOOD_UNTAGGED },
	{ "max-macs", required_argument, NULL, OPT_MAX_MACS },
	{ "stats-period", required_argument, NULL, OPT_STATS_PERIOD },
	{ "idle-sleep-us", required_argument, NULL, OPT_IDLE_SLEEP_US },
	{ "exit-on-idle-ms", required_argument, NULL, OPT_EXIT_ON_IDLE_MS },
	{ "burst", required_argument, NULL, OPT_BURST },
	{ "help", no_argument, NULL, OPT_HELP },
	{ NULL, 0, NULL, 0 },
};

static void
parse_args(int argc, char **argv, struct fab_opts *o)
{
	uint32_t list_max;
	unsigned int v;
	int c;

	memset(o, 0, sizeof(*o));
	o->mode = FEX_TAG_VNTAG;
	o->max_macs = MAX_MACS_DEFAULT;
	o->burst = BURST;
	for (v = 0; v < VLAN_IDS; v++)
		o->flood_list[v] = (uint16_t)v;
	o->flood_list[0] = UNTAGGED_LIST_DEFAULT;

	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, ":", long_opts, NULL)) != -1) {
		const char *name = optind > 0 && optind <= argc ?
				   argv[optind - 1] : "?";
		char buf[32], *eq;
		uint32_t vid;

		switch (c) {
		case OPT_PORT:
			if (o->nb_ports == PORTS_MAX)
				die_usage("--port: more than %u host ports", PORTS_MAX);
			o->port[o->nb_ports++] = optarg;
			break;
		case OPT_TAG:
			if (fex_tag_mode_parse(optarg, &o->mode) != 0 ||
			    o->mode == FEX_TAG_NONE)
				die_usage("--tag: '%s' is not vntag or etag", optarg);
			break;
		case OPT_FLOOD:
			eq = strchr(optarg, '=');
			if (eq == NULL || strlen(optarg) >= sizeof(buf))
				die_usage("--flood: '%s' is not VLAN=LIST", optarg);
			memcpy(buf, optarg, (size_t)(eq - optarg));
			buf[eq - optarg] = '\0';
			vid = parse_u32("flood", buf, 1, VLAN_IDS - 1);
			/* range checked per tag format below */
			o->flood_list[vid] = (uint16_t)parse_u32("flood", eq + 1, 1,
								 FEX_TAG_VIFLIST_MAX);
			break;
		case OPT_FLOOD_UNTAGGED:
			o->flood_list[0] = (uint16_t)parse_u32("flood-untagged", optarg,
							       1, FEX_TAG_VIFLIST_MAX);
			break;
		case OPT_MAX_MACS:
			o->max_macs = parse_u32("max-macs", optarg, 8, 1u << 24);
			break;
		case OPT_STATS_PERIOD:
			o->stats_period_s = parse_u32("stats-period", optarg, 0, 86400);
			break;
		case OPT_IDLE_SLEEP_US:
			o->idle_sleep_us = parse_u32("idle-sleep-us", optarg, 0, 1000000);
			break;
		case OPT_EXIT_ON_IDLE_MS:
			o->exit_on_idle_ms = parse_u32("exit-on-idle-ms", optarg, 0,
						       86400000);
			break;
		case OPT_BURST:
			o->burst = parse_u32("burst", optarg, 1, BURST);
			break;
		case OPT_HELP:
			usage(stdout);
			rte_eal_cleanup();
			exit(EXIT_SUCCESS);
		case ':':
			die_usage("%s needs a value", name);
		default:
			die_usage("unknown option '%s'", name);
		}
	}
	if (optind < argc)
		die_usage("unexpected argument '%s'", argv[optind]);
	if (o->nb_ports == 0)
		o->port[o->nb_ports++] = "0";
	list_max = o->mode == FEX_TAG_VNTAG ? FEX_TAG_VIFLIST_MAX : FEX_TAG_VIF_MAX;
	for (v = 0; v < VLAN_IDS; v++)
		if (o->flood_list[v] > list_max)
			die_usage("--flood%s: VIF-list %u is out of range 1..%" PRIu32
				  " for %s", v == 0 ? "-untagged" : "",
				  o->flood_list[v], list_max,
				  fex_tag_mode_name(o->mode));
}

/* --port SPEC -> port id: a number, an existing device's name, or a vdev
 * string probed here. 0 or -errno. */
static int
port_resolve(const char *spec, uint16_t *port_id)
{
	char name[RTE_ETH_NAME_MAX_LEN];
	char *end;
	unsigned long v;
	size_t n;
	int rc;

	errno = 0;
	v = strtoul(spec, &end, 10);
	if (*spec != '\0' && *end == '\0' && errno == 0) {
		if (v >= RTE_MAX_ETHPORTS || !rte_eth_dev_is_valid_port((uint16_t)v))
			return -ENODEV;
		*port_id = (uint16_t)v;
		return 0;
	}
	n = strcspn(spec, ",");
	if (n == 0 || n >= sizeof(name))
		return -EINVAL;
	memcpy(name, spec, n);
	name[n] = '\0';
	if (rte_eth_dev_get_port_by_name(name, port_id) == 0)
		return 0;
	rc = rte_dev_probe(spec);
	if (rc < 0)
		return rc;
	return rte_eth_dev_get_port_by_name(name, port_id);
}

static int
port_start(struct fabric *f, uint16_t port_id)
{
	struct rte_eth_conf conf;
	struct rte_eth_dev_info info;
	uint16_t nb_rxd = NB_DESC, nb_txd = NB_DESC;
	int socket = rte_eth_dev_socket_id(port_id);
	int rc;

	memset(&conf, 0, sizeof(conf));
	if (socket < 0)
		socket = (int)rte_socket_id();
	rc = rte_eth_dev_info_get(port_id, &info);
	if (rc != 0)
		return rc;
	rc = rte_eth_dev_configure(port_id, 1, 1, &conf);
	if (rc != 0)
		return rc;
	rc = rte_eth_dev_adjust_nb_rx_tx_desc(port_id, &nb_rxd, &nb_txd);
	if (rc != 0)
		return rc;
	rc = rte_eth_rx_queue_setup(port_id, 0, nb_rxd, (unsigned int)socket,
				    NULL, f->pool);
	if (rc != 0)
		return rc;
	rc = rte_eth_tx_queue_setup(port_id, 0, nb_txd, (unsigned int)socket,
				    NULL);
	if (rc != 0)
		return rc;
	rc = rte_eth_dev_start(port_id);
	if (rc != 0)
		return rc;
	/* a switch port sees every MAC; not every PMD can say so */
	rc = rte_eth_promiscuous_enable(port_id);
	if (rc != 0 && rc != -ENOTSUP)
		fprintf(stderr, PROG ": port %u: promiscuous mode: %s\n",
			port_id, rte_strerror(-rc));
	return 0;
}

static void
print_stats(const struct fabric *f, const char *when)
{
	const struct fab_stats *s = &f->st;
	unsigned int i;

	printf(PROG ": stats%s rx=%" PRIu64 " tx=%" PRIu64 " unicast=%" PRIu64
	       " flooded=%" PRIu64 " learned=%" PRIu64 " moved=%" PRIu64
	       " learn_full=%" PRIu64 " macs=%d",
	       when, s->rx, s->tx, s->unicast, s->flooded, s->learned, s->moved,
	       s->learn_full, rte_hash_count(f->macs));
	printf(" vif_moved=%" PRIu64, s->vif_moved);
	for (i = 0; i < f->opts.nb_ports; i++)
		printf(" port%u_rx=%" PRIu64 " port%u_tx=%" PRIu64,
		       i, f->port[i].rx, i, f->port[i].tx);
	for (i = 0; i < DROP_MAX; i++)
		printf(" drop_%s=%" PRIu64, drop_names[i], s->drop[i]);
	for (i = 1; i < FEX_TAG_ERR_MAX; i++)
		printf(" drop_%s=%" PRIu64, fex_tag_err_name((int)i),
		       s->drop_parse[i]);
	printf("\n");
	fflush(stdout);
}

/* Remember that (vid, @mac) is behind @svif, and @svif behind host port
 * @hp: a VIF that shows up on another host port moves there. */
static void
learn(struct fabric *f, uint16_t hp, uint16_t vid,
      const struct rte_ether_addr *mac, uint16_t svif)
{
	struct mac_key k = { .vid = vid };
	uint8_t was = f->vif_port[svif];
	void *data;
	int rc;

	if (was != hp + 1) {
		f->vif_port[svif] = (uint8_t)(hp + 1);
		if (was != 0) {
			f->st.vif_moved++;
			/* rare (a migration), and what a test waits for */
			printf(PROG ": vif %u moved from port %u to port %u\n",
			       svif, was - 1, hp);
			fflush(stdout);
		}
	}

	memcpy(k.mac, mac->addr_bytes, sizeof(k.mac));
	rc = rte_hash_lookup_data(f->macs, &k, &data);
	if (rc >= 0 && (uintptr_t)data == svif)
		return;
	if (rte_hash_add_key_data(f->macs, &k, (void *)(uintptr_t)svif) != 0) {
		f->st.learn_full++;
		return;
	}
	if (rc >= 0)
		f->st.moved++;
	else
		f->st.learned++;
}

/* The VIF behind (vid, @mac), or 0 when unknown. */
static uint16_t
lookup(const struct fabric *f, uint16_t vid, const struct rte_ether_addr *mac)
{
	struct mac_key k = { .vid = vid };
	void *data;

	memcpy(k.mac, mac->addr_bytes, sizeof(k.mac));
	if (rte_hash_lookup_data(f->macs, &k, &data) < 0)
		return 0;
	return (uint16_t)(uintptr_t)data;
}

/* Queue @m with downstream tag @down for host port @hp: false when the
 * tag could not be written (counted, not freed). */
static bool
queue_down(struct fabric *f, uint16_t hp, struct rte_mbuf *m,
	   const struct fex_tag_info *down)
{
	struct host_port *p = &f->port[hp];

	if (fex_tag_push_down(m, f->opts.mode, down) != 0) {
		f->st.drop[DROP_TAG_OP]++;
		return false;
	}
	p->out[p->nout++] = m;
	return true;
}

/* Flood the untagged frame @m to every host port: the source's own port
 * gets it looped (the host prunes @down->svif), the others plain. */
static void
flood(struct fabric *f, uint16_t in, struct rte_mbuf *m,
      struct fex_tag_info *down)
{
	uint16_t hp, last = f->opts.nb_ports - 1;

	for (hp = 0; hp <= last; hp++) {
		struct rte_mbuf *c = m;

		if (hp != last) {
			c = rte_pktmbuf_copy(m, f->pool, 0, UINT32_MAX);
			if (c == NULL) {
				f->st.drop[DROP_NO_MBUF]++;
				continue;
			}
		}
		down->looped = hp == in;
		if (!queue_down(f, hp, c, down))
			rte_pktmbuf_free(c);
	}
}

/* Switch the upstream frame @m that came in on host port @in: queued
 * downstream to its host port(s), or dropped (counted and freed). */
static void
switch_frame(struct fabric *f, uint16_t in, struct rte_mbuf *m)
{
	enum fex_tag_mode mode = f->opts.mode;
	const struct rte_ether_hdr *eth;
	struct fex_tag_info up, down;
	uint16_t dvif;
	int rc;

	rc = fex_tag_parse(m, mode, FEX_TAG_DIR_UP, &up);
	if (rc < 0) {
		f->st.drop_parse[-rc < FEX_TAG_ERR_MAX ? -rc : 0]++;
		goto out_free;
	}
	eth = rte_pktmbuf_mtod(m, const struct rte_ether_hdr *);
	if (!rte_is_unicast_ether_addr(&eth->src_addr)) {
		f->st.drop[DROP_SRC_MULTICAST]++;
		goto out_free;
	}
	learn(f, in, up.vid, &eth->src_addr, up.svif);

	memset(&down, 0, sizeof(down));
	down.dir = FEX_TAG_DIR_DOWN;
	down.svif = up.svif;
	down.pcp = up.pcp;
	dvif = rte_is_unicast_ether_addr(&eth->dst_addr) ?
	       lookup(f, up.vid, &eth->dst_addr) : 0;
	if (dvif == up.svif && dvif != 0) {
		f->st.drop[DROP_SAME_VIF]++;
		goto out_free;
	}
	if (fex_tag_strip(m, mode, false) != 0) {
		f->st.drop[DROP_TAG_OP]++;
		goto out_free;
	}
	if (dvif != 0) {
		down.dvif = dvif;
		f->st.unicast++;
		if (!queue_down(f, f->vif_port[dvif] - 1, m, &down))
			goto out_free;
		return;
	}
	down.ptr = 1;
	down.grp = 1;
	down.dvif = f->opts.flood_list[up.vid];
	f->st.flooded++;
	flood(f, in, m, &down);
	return;

out_free:
	rte_pktmbuf_free(m);
}

/* Send what the last burst queued for each host port. */
static void
flush(struct fabric *f)
{
	uint16_t hp, sent;

	for (hp = 0; hp < f->opts.nb_ports; hp++) {
		struct host_port *p = &f->port[hp];

		if (p->nout == 0)
			continue;
		sent = rte_eth_tx_burst(p->id, 0, p->out, p->nout);
		p->tx += sent;
		f->st.tx += sent;
		if (sent < p->nout) {
			f->st.drop[DROP_TX_FULL] += p->nout - sent;
			rte_pktmbuf_free_bulk(&p->out[sent], p->nout - sent);
		}
		p->nout = 0;
	}
}

/* Poll the host ports in turn, @burst frames at most from each. */
static void
run(struct fabric *f)
{
	uint64_t hz = rte_get_timer_hz(), now = rte_get_timer_cycles();
	uint64_t stats_every = f->opts.stats_period_s * hz;
	uint64_t idle_limit = f->opts.exit_on_idle_ms * hz / 1000;
	uint64_t next_stats = now + stats_every, last_rx = now;
	uint16_t burst = (uint16_t)f->opts.burst;
	struct rte_mbuf *rx[BURST];

	while (!quit) {
		uint16_t hp, i, n, got = 0;

		for (hp = 0; hp < f->opts.nb_ports; hp++) {
			n = rte_eth_rx_burst(f->port[hp].id, 0, rx, burst);
			if (n == 0)
				continue;
			got += n;
			f->port[hp].rx += n;
			f->st.rx += n;
			for (i = 0; i < n; i++)
				switch_frame(f, hp, rx[i]);
			flush(f);
		}
		now = rte_get_timer_cycles();
		if (stats_every != 0 && now >= next_stats) {
			print_stats(f, "");
			next_stats = now + stats_every;
		}
		if (got != 0) {
			last_rx = now;
			continue;
		}
		if (idle_limit != 0 && now - last_rx >= idle_limit)
			break;
		if (f->opts.idle_sleep_us != 0)
			rte_delay_us_sleep(f->opts.idle_sleep_us);
	}
}

/* Resolve every --port; a port named twice is a usage error. */
static void
ports_resolve(struct fabric *f)
{
	uint16_t hp, j;
	int rc;

	if (rte_eth_dev_count_avail() == 0 && f->opts.nb_ports == 1 &&
	    strcmp(f->opts.port[0], "0") == 0)
		rte_exit(EXIT_USAGE, PROG ": no port: give EAL --vdev (e.g. --vdev "
			 "net_af_packet0,iface=fab0) or --port VDEV\n");
	for (hp = 0; hp < f->opts.nb_ports; hp++) {
		rc = port_resolve(f->opts.port[hp], &f->port[hp].id);
		if (rc < 0)
			rte_exit(EXIT_USAGE, PROG ": --port '%s': %s\n",
				 f->opts.port[hp], rte_strerror(-rc));
		for (j = 0; j < hp; j++)
			if (f->port[j].id == f->port[hp].id)
				rte_exit(EXIT_USAGE, PROG ": --port '%s': port %u "
					 "is already host port %u\n", f->opts.port[hp],
					 f->port[hp].id, j);
	}
}

int
main(int argc, char **argv)
{
	static struct fabric fab;
	struct rte_eth_dev_info info;
	struct rte_hash_parameters hp;
	uint16_t i;
	int n, rc;

	n = rte_eal_init(argc, argv);
	if (n < 0)
		rte_exit(EXIT_FAILURE, PROG ": EAL init failed: %s\n",
			 rte_strerror(rte_errno));
	parse_args(argc - n, argv + n, &fab.opts);
	ports_resolve(&fab);

	fab.pool = rte_pktmbuf_pool_create("fab_pool", NB_MBUFS, MBUF_CACHE, 0,
					   RTE_MBUF_DEFAULT_BUF_SIZE,
					   (int)rte_socket_id());
	if (fab.pool == NULL)
		rte_exit(EXIT_FAILURE, PROG ": mbuf pool: %s\n",
			 rte_strerror(rte_errno));
	memset(&hp, 0, sizeof(hp));
	hp.name = "fab_macs";
	hp.entries = fab.opts.max_macs;
	hp.key_len = sizeof(struct mac_key);
	hp.hash_func = rte_jhash;
	hp.socket_id = (int)rte_socket_id();
	fab.macs = rte_hash_create(&hp);
	if (fab.macs == NULL)
		rte_exit(EXIT_FAILURE, PROG ": MAC table: %s\n",
			 rte_strerror(rte_errno));

	for (i = 0; i < fab.opts.nb_ports; i++) {
		rc = port_start(&fab, fab.port[i].id);
		if (rc != 0)
			rte_exit(EXIT_FAILURE, PROG ": port %u: %s\n",
				 fab.port[i].id, rte_strerror(-rc));
	}
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	printf(PROG ": ready");
	for (i = 0; i < fab.opts.nb_ports; i++) {
		if (rte_eth_dev_info_get(fab.port[i].id, &info) != 0)
			info.driver_name = "?";
		printf(" port %u (%s)", fab.port[i].id, info.driver_name);
	}
	printf(" tag %s\n", fex_tag_mode_name(fab.opts.mode));
	fflush(stdout);

	run(&fab);

	for (i = 0; i < fab.opts.nb_ports; i++) {
		rc = rte_eth_dev_stop(fab.port[i].id);
		if (rc != 0)
			fprintf(stderr, PROG ": port %u stop: %s\n",
				fab.port[i].id, rte_strerror(-rc));
	}
	print_stats(&fab, " final");
	for (i = 0; i < fab.opts.nb_ports; i++)
		rte_eth_dev_close(fab.port[i].id);
	rte_hash_free(fab.macs);
	rte_mempool_free(fab.pool);
	rte_eal_cleanup();
	return EXIT_SUCCESS;
}
