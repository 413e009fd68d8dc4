/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bsd/string.h>
#include <rte_cfgfile.h>
#include <rte_common.h>

#include "fex_config.h"
#include "fex_tag.h"

void
fex_config_usage(FILE *f, const char *prog)
{
	fprintf(f,
		"Usage: %s [EAL options] -- [options]\n"
		"\n"
		"fexpath: the interface virtualizer of a VM-FEX / 802.1BR host.\n"
		"Every VM frame is tagged with its VIF and sent to the uplink;\n"
		"every fabric frame is delivered to the vNIC its tag names.\n"
		"\n"
		"Options (override the [fexpath] section of the config file):\n"
		"  --config FILE        startup config (INI; default %s if present)\n"
		"  --uplink SPEC        uplink port, e.g. pci:0000:3b:00.0, af_packet:eth1,\n"
		"                       pcap:rx=in.pcap,tx=out.pcap, ring:NAME, null\n"
		"  --tag MODE           uplink tag format: vntag | etag | none\n"
		"  --uplink-mtu N       set the uplink's MTU to N bytes at start (where the\n"
		"                       port allows; default: keep the port's own). A VM\n"
		"                       frame that would not fit once tagged is dropped and\n"
		"                       counted as drop_oversize\n"
		"  --vf SPEC            a VF (e.g. pci:0000:3b:00.2) for a VIF whose profile\n"
		"                       says io_performance: high; repeat for each VF\n"
		"                       (config: vf_ports = SPEC; SPEC; ...)\n"
		"  --control PATH       control socket (default %s)\n"
		"  --control-group GRP  group allowed to change state through the socket\n"
		"  --state PATH         saved profiles and VIFs (default %s)\n"
		"  --no-state           neither restore nor save state\n"
		"  --stats-period N     print port and VIF rates every N seconds\n"
		"  --duration N         stop by itself after N seconds (0 = run until a signal)\n"
		"  --mbufs N            mbufs per NUMA socket (default 16383)\n"
		"  --stats-json FILE    at a clean exit, write the final counters (stats,\n"
		"                       port.list, vif.stats as JSON-RPC gives them) to FILE\n"
		"  --idle-sleep-us N    sleep N us when a worker finds nothing to do\n"
		"                       (0 = busy-poll, the default; for shared cores)\n"
		"  --cluster-store URL[,URL...]\n"
		"                       share profiles, VIF lists and VIF ownership with the\n"
		"                       other hosts of the cluster through etcd v3 (its\n"
		"                       client URLs, e.g. http://10.0.0.1:2379; SPEC §9)\n"
		"  --host NAME          this host's name in the cluster (default: the hostname)\n"
		"  -h, --help           this text\n"
		"\n"
		"SIGINT or SIGTERM stop it cleanly (exit status 0).\n",
		prog, FEX_DEFAULT_CONFIG, FEX_CTL_DEFAULT_PATH, FEX_DEFAULT_STATE);
}

enum {
	OPT_CONFIG = 256, OPT_UPLINK, OPT_TAG, OPT_CONTROL, OPT_CONTROL_GROUP,
	OPT_STATE, OPT_NO_STATE, OPT_STATS_PERIOD, OPT_DURATION, OPT_MBUFS, OPT_IDLE_SLEEP, OPT_STATS_JSON, OPT_VF, OPT_VF_LIST,
	OPT_UPLINK_MTU, OPT_CLUSTER_STORE, OPT_HOST,
};

static const struct option long_opts[] = {
	{ "config", required_argument, NULL, OPT_CONFIG },
	{ "uplink", required_argument, NULL, OPT_UPLINK },
	{ "tag", required_argument, NULL, OPT_TAG },
	{ "control", required_argument, NULL, OPT_CONTROL },
	{ "control-group", required_argument, NULL, OPT_CONTROL_GROUP },
	{ "state", required_argument, NULL, OPT_STATE },
	{ "no-state", no_argument, NULL, OPT_NO_STATE },
	{ "stats-period", required_argument, NULL, OPT_STATS_PERIOD },
	{ "duration", required_argument, NULL, OPT_DURATION },
	{ "mbufs", required_argument, NULL, OPT_MBUFS },
	{ "idle-sleep-us", required_argument, NULL, OPT_IDLE_SLEEP },
	{ "stats-json", required_argument, NULL, OPT_STATS_JSON },
	{ "vf", required_argument, NULL, OPT_VF },
	{ "uplink-mtu", required_argument, NULL, OPT_UPLINK_MTU },
	{ "cluster-store", required_argument, NULL, OPT_CLUSTER_STORE },
	{ "host", required_argument, NULL, OPT_HOST },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

static const char *
opt_name(int opt)
{
	unsigned int i;

	for (i = 0; long_opts[i].name != NULL; i++)
		if (long_opts[i].val == opt)
			return long_opts[i].name;
	return "?";
}

static int
parse_uint(const char *opt, const char *s, unsigned int min, unsigned int max,
	   unsigned int *out)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno != 0 || *s == '\0' || *end != '\0' || v < min || v > max) {
		fprintf(stderr, "fexpath: %s must be an integer in %u..%u, not '%s'\n",
			opt, min, max, s);
		return -EINVAL;
	}
	*out = v;
	return 0;
}

static int
copy_str(const char *opt, char *dst, size_t size, const char *s)
{
	if (strlcpy(dst, s, size) >= size) {
		fprintf(stderr, "fexpath: %s is longer than %zu characters\n",
			opt, size - 1);
		return -EINVAL;
	}
	return 0;
}

/* One setting, from the file or the command line, with the same checks. */
static int
apply_setting(struct fex_app_config *cfg, int opt, const char *name,
	      const char *val)
{
	switch (opt) {
	case OPT_UPLINK:
		return copy_str(name, cfg->uplink, sizeof(cfg->uplink), val);
	case OPT_TAG:
		if (fex_tag_mode_parse(val, &cfg->tag) < 0) {
			fprintf(stderr, "fexpath: %s must be one of vntag, etag, none; not '%s'\n",
				name, val);
			return -EINVAL;
		}
		return 0;
	case OPT_CONTROL:
		return copy_str(name, cfg->control, sizeof(cfg->control), val);
	case OPT_CONTROL_GROUP:
		return copy_str(name, cfg->control_group,
				sizeof(cfg->control_group), val);
	case OPT_STATE:
		return copy_str(name, cfg->state, sizeof(cfg->state), val);
	case OPT_STATS_PERIOD:
		return parse_uint(name, val, 0, 3600, &cfg->stats_period);
	case OPT_DURATION:
		return parse_uint(name, val, 0, 31536000, &cfg->duration);
	case OPT_MBUFS:
		return parse_uint(name, val, 1023, 1u << 24, &cfg->nb_mbufs);
	case OPT_VF:
		if (cfg->nb_vf_ports == FEX_VF_PORTS_MAX) {
			fprintf(stderr, "fexpath: at most %d VF ports\n", FEX_VF_PORTS_MAX);
			return -EINVAL;
		}
		return copy_str(name, cfg->vf_ports[cfg->nb_vf_ports++],
				sizeof(cfg->vf_ports[0]), val);
	case OPT_VF_LIST: {	/* "spec; spec; ..." from the file */
		char buf[FEX_PORT_SPEC_LEN * 4], *save = NULL, *tok;
		int rc = 0;

		if (copy_str(name, buf, sizeof(buf), val) < 0)
			return -EINVAL;
		for (tok = strtok_r(buf, "; \t", &save); tok != NULL && rc == 0;
		     tok = strtok_r(NULL, "; \t", &save))
			rc = apply_setting(cfg, OPT_VF, name, tok);
		return rc;
	}
	case OPT_STATS_JSON:
		return copy_str(name, cfg->stats_json, sizeof(cfg->stats_json), val);
	case OPT_IDLE_SLEEP:
		return parse_uint(name, val, 0, 100000, &cfg->idle_sleep_us);
	case OPT_UPLINK_MTU:	/* RTE_ETHER_MIN_MTU .. the largest jumbo */
		return parse_uint(name, val, 68, 16000, &cfg->uplink_mtu);
	case OPT_CLUSTER_STORE:	/* the URLs are checked by lib/etcd */
		return copy_str(name, cfg->cluster_store, sizeof(cfg->cluster_store), val);
	case OPT_HOST:		/* checked by lib/cluster */
		return copy_str(name, cfg->host, sizeof(cfg->host), val);
	default:
		return -EINVAL;
	}
}

/* Keys of the [fexpath] section and the option each one stands for. */
static const struct {
	const char *key;
	int opt;
} file_keys[] = {
	{ "uplink", OPT_UPLINK },
	{ "tag", OPT_TAG },
	{ "control", OPT_CONTROL },
	{ "control_group", OPT_CONTROL_GROUP },
	{ "state", OPT_STATE },
	{ "stats_period", OPT_STATS_PERIOD },
	{ "mbufs", OPT_MBUFS },
	{ "idle_sleep_us", OPT_IDLE_SLEEP },
	{ "vf_ports", OPT_VF_LIST },
	{ "uplink_mtu", OPT_UPLINK_MTU },
	{ "cluster_store", OPT_CLUSTER_STORE },
	{ "host", OPT_HOST },
};

static int
load_file(struct fex_app_config *cfg, const char *path)
{
	struct rte_cfgfile *file;
	unsigned int i;
	int n, j, rc = 0;

	file = rte_cfgfile_load(path, CFG_FLAG_EMPTY_VALUES);
	if (file == NULL) {
		fprintf(stderr, "fexpath: cannot read config file %s: %s\n", path,
			access(path, R_OK) == 0 ? "not a valid INI file" : strerror(errno));
		return -EINVAL;
	}
	n = rte_cfgfile_section_num_entries(file, "fexpath");
	if (n > 0) {
		struct rte_cfgfile_entry entries[n];

		rte_cfgfile_section_entries(file, "fexpath", entries, n);
		for (j = 0; j < n && rc == 0; j++) {
			for (i = 0; i < RTE_DIM(file_keys); i++)
				if (strcmp(entries[j].name, file_keys[i].key) == 0)
					break;
			if (i == RTE_DIM(file_keys)) {
				fprintf(stderr, "fexpath: %s: unknown key '%s' in [fexpath]\n",
					path, entries[j].name);
				rc = -EINVAL;
				break;
			}
			rc = apply_setting(cfg, file_keys[i].opt, entries[j].name,
					   entries[j].value);
		}
	}
	rte_cfgfile_close(file);
	return rc;
}

int
fex_config_parse_args(struct fex_app_config *cfg, int argc, char **argv)
{
	const char *config = NULL;
	int opt, rc;

	memset(cfg, 0, sizeof(*cfg));
	cfg->tag = FEX_TAG_VNTAG;
	strlcpy(cfg->uplink, "null", sizeof(cfg->uplink));
	strlcpy(cfg->control, FEX_CTL_DEFAULT_PATH, sizeof(cfg->control));
	strlcpy(cfg->state, FEX_DEFAULT_STATE, sizeof(cfg->state));
	cfg->nb_mbufs = 16383;

	/* First pass: only --config and --help, so the file comes before
	 * every other option whatever their order. */
	opterr = 0;
	optind = 0;
	while ((opt = getopt_long(argc, argv, "h", long_opts, NULL)) != -1) {
		if (opt == 'h') {
			fex_config_usage(stdout, argv[0]);
			return 1;
		}
		if (opt == OPT_CONFIG)
			config = optarg;
	}
	if (config == NULL && access(FEX_DEFAULT_CONFIG, R_OK) == 0)
		config = FEX_DEFAULT_CONFIG;
	if (config != NULL) {
		if (copy_str("--config", cfg->config_path,
			     sizeof(cfg->config_path), config) < 0)
			return -EINVAL;
		rc = load_file(cfg, config);
		if (rc < 0)
			return rc;
	}

	opterr = 1;
	optind = 0;
	while ((opt = getopt_long(argc, argv, "h", long_opts, NULL)) != -1) {
		switch (opt) {
		case OPT_CONFIG:
			break;
		case OPT_NO_STATE:
			cfg->no_state = 1;
			break;
		case '?':
			fprintf(stderr, "fexpath: see --help for the options\n");
			return -EINVAL;
		default: {
			char name[32];

			snprintf(name, sizeof(name), "--%s", opt_name(opt));
			rc = apply_setting(cfg, opt, name, optarg);
		}
			if (rc < 0)
				return rc;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "fexpath: unexpected argument '%s'; see --help\n",
			argv[optind]);
		return -EINVAL;
	}
	return 0;
}
