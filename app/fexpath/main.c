/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_lcore.h>
#include <rte_log.h>

#include <rte_pdump.h>
#include <rte_thread.h>

#include "fex_app.h"
#include "fex_cluster.h"
#include "fex_config.h"
#include "fex_port.h"
#include "stats.h"

static struct fex_dp *dp;

static void
on_signal(int sig)
{
	(void)sig;
	fex_dp_stop(dp);
}

/* Statistics and --duration, on a control thread (never an lcore). */
struct timer_arg {
	unsigned int stats_period;
	unsigned int duration;
};

/* --stats-period: rates between this snapshot and the last one. */
static struct fex_stats *stats_now, *stats_before;

static void
print_stats(unsigned int period)
{
	struct fex_stats *t;

	if (stats_now == NULL || stats_before == NULL)
		return;
	fex_stats_take(dp, stats_now);
	fex_stats_print(stdout, stats_now, stats_before, period);
	t = stats_before;
	stats_before = stats_now;
	stats_now = t;
}

static void *
timer_thread(void *arg)
{
	const struct timer_arg *ta = arg;
	uint64_t hz = rte_get_timer_hz(), start = rte_get_timer_cycles();
	uint64_t next = start + ta->stats_period * hz;

	while (!fex_dp_stopping(dp)) {
		uint64_t now = rte_get_timer_cycles();

		if (ta->duration != 0 && now - start >= ta->duration * hz) {
			fex_dp_stop(dp);
			break;
		}
		if (ta->stats_period != 0 && now >= next) {
			print_stats(ta->stats_period);
			next += ta->stats_period * hz;
		}
		usleep(50 * 1000);
	}
	return NULL;
}

/* Index of the "--" that ends EAL's arguments, or -1. */
static int
find_app_args(int argc, char **argv)
{
	int i;

	for (i = 1; i < argc; i++)
		if (strcmp(argv[i], "--") == 0)
			return i;
	return -1;
}

static int
wants_help(int argc, char **argv)
{
	int i;

	for (i = 1; i < argc; i++)
		if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0)
			return 1;
	return 0;
}

static int
has_arg_prefix(int argc, char **argv, const char *prefix)
{
	int i;

	for (i = 1; i < argc; i++)
		if (strncmp(argv[i], prefix, strlen(prefix)) == 0)
			return 1;
	return 0;
}

/* Free 2 MiB or 1 GiB pages on a mounted hugetlbfs? */
static int
hugepages_usable(void)
{
	char line[256];
	long free_pages = 0;
	int mounted = 0;
	FILE *f;

	f = fopen("/proc/meminfo", "r");
	if (f != NULL) {
		while (fgets(line, sizeof(line), f) != NULL)
			if (sscanf(line, "HugePages_Free: %ld", &free_pages) == 1)
				break;
		fclose(f);
	}
	f = fopen("/proc/mounts", "r");
	if (f != NULL) {
		while (fgets(line, sizeof(line), f) != NULL)
			if (strstr(line, " hugetlbfs ") != NULL)
				mounted = 1;
		fclose(f);
	}
	return free_pages > 0 && mounted;
}

/* Close every port (what their rings held goes back to the pools), free
 * what is left in the hand-off rings, then count the mbufs still taken:
 * anything but 0 is a leak. */
static json_t *
mbuf_audit(void)
{
	uint64_t stranded, in_use, size;

	fex_port_close_all();
	stranded = fex_dp_handoff_drain(dp);
	in_use = fex_dp_mbufs_in_use(dp);
	size = fex_dp_mbufs_total(dp);
	return json_pack("{s:I, s:I, s:I}", "in_use_after_close", (json_int_t)in_use,
			 "handoff_stranded", (json_int_t)stranded,
			 "pool_size", (json_int_t)size);
}

/* The final figures, read once the workers have stopped: every counter
 * is final, so tests can check that frames in = frames out + drops, and
 * (closing the ports) that no mbuf leaked. */
static void
write_stats_json(struct fex_ctl *ctl, const char *path)
{
	struct fex_ctl_err err = { .code = 0 };
	json_t *out = json_object();
	FILE *f;

	/* keyed by the method each figure comes from (absent if it failed) */
	json_object_set_new(out, "stats", fex_ctl_stats(ctl, &err));
	json_object_set_new(out, "port.list", fex_ctl_port_list(ctl, &err));
	json_object_set_new(out, "vif.stats", fex_ctl_vif_stats(ctl, &err));
	if (err.code != 0)
		fprintf(stderr, "fexpath: %s: %s\n", path, err.message);
	json_object_set_new(out, "mbufs", mbuf_audit());
	f = fopen(path, "w");
	if (f == NULL || json_dumpf(out, f, JSON_INDENT(2)) < 0)
		fprintf(stderr, "fexpath: cannot write %s: %s\n", path, strerror(errno));
	if (f != NULL)
		fclose(f);
	json_decref(out);
}

/* Each vhost guest holds about eight descriptors (socket, kick and call
 * per vring, memory): 256 of them pass the usual soft limit of 1024. */
static void
raise_fd_limit(void)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) != 0 || rl.rlim_cur >= rl.rlim_max)
		return;
	rl.rlim_cur = rl.rlim_max;
	if (setrlimit(RLIMIT_NOFILE, &rl) != 0)
		fprintf(stderr, "fexpath: cannot raise the open-file limit: %s\n",
			strerror(errno));
}

int
main(int argc, char **argv)
{
	struct fex_app_config cfg;
	struct fex_dp_conf dpc;
	struct fex_ctl_conf cc;
	struct fex_cluster_conf clc;
	struct fex_cluster *cluster;
	struct fex_ctl *ctl;
	struct timer_arg ta;
	pthread_t timer;
	char *eal_argv[argc + 4];
	char err[512];
	enum fex_tag_mode mode;
	int sep, eal_argc, app_argc, rc, i;

	sep = find_app_args(argc, argv);
	if (sep < 0 && wants_help(argc, argv)) {
		fex_config_usage(stdout, argv[0]);
		printf("\nEAL options go before the '--'; `%s -h --` lists them.\n", argv[0]);
		return 0;
	}
	/* Application options are checked before EAL touches any memory,
	 * so a typo gets its message even on a host with no hugepages. */
	app_argc = sep < 0 ? 1 : argc - sep;
	{
		char *app_argv[app_argc + 1];

		app_argv[0] = argv[0];
		for (i = 1; i < app_argc; i++)
			app_argv[i] = argv[sep + i];
		app_argv[app_argc] = NULL;
		rc = fex_config_parse_args(&cfg, app_argc, app_argv);
	}
	if (rc == 1)
		return 0;
	if (rc < 0)
		return 2;
	mode = cfg.tag;

	eal_argc = sep < 0 ? argc : sep;
	for (i = 0; i < eal_argc; i++)
		eal_argv[i] = argv[i];
	if (!has_arg_prefix(eal_argc, argv, "--no-huge") &&
	    !has_arg_prefix(eal_argc, argv, "--in-memory") &&
	    !has_arg_prefix(eal_argc, argv, "--huge-dir") && !hugepages_usable()) {
		fprintf(stderr, "fexpath: no free hugepages on a mounted hugetlbfs; "
			"running with --no-huge -m 1024 (virtual devices only; "
			"run tools/fex-setup.sh to reserve hugepages)\n");
		eal_argv[eal_argc++] = (char *)"--no-huge";
		if (!has_arg_prefix(eal_argc, argv, "-m")) {
			eal_argv[eal_argc++] = (char *)"-m";
			eal_argv[eal_argc++] = (char *)"1024";
		}
	}
	eal_argv[eal_argc] = NULL;

	rc = rte_eal_init(eal_argc, eal_argv);
	if (rc < 0)
		rte_exit(EXIT_FAILURE, "cannot initialise EAL: %s\n",
			 rte_strerror(rte_errno));

	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	raise_fd_limit();
	/* the vhost library narrates every handshake message at INFO; 256
	 * guests would drown the log (--log-level=lib.vhost.*:info brings it
	 * back) */
	if (!has_arg_prefix(eal_argc, argv, "--log-level=lib.vhost"))
		rte_log_set_level_pattern("lib.vhost.*", RTE_LOG_NOTICE);
	/* dpdk-dumpcap attaches as a secondary process; not possible with
	 * --in-memory or --no-huge, which is fine for a test run. */
	if (rte_pdump_init() < 0)
		printf("fexpath: packet capture (dpdk-dumpcap) unavailable: %s\n",
		       rte_strerror(rte_errno));

	memset(&dpc, 0, sizeof(dpc));
	dpc.mode = mode;
	dpc.uplink = cfg.uplink;
	dpc.nb_mbufs = cfg.nb_mbufs;
	dpc.idle_sleep_us = cfg.idle_sleep_us;
	dpc.vf_ports = (const char (*)[FEX_PORT_SPEC_LEN])cfg.vf_ports;
	dpc.nb_vf_ports = cfg.nb_vf_ports;
	dpc.uplink_mtu = cfg.uplink_mtu;
	dp = fex_dp_create(&dpc, err, sizeof(err));
	if (dp == NULL)
		rte_exit(EXIT_FAILURE, "%s\n", err);

	fex_pdump_guard_init(dp);

	memset(&cc, 0, sizeof(cc));
	cc.db = fex_dp_db(dp);
	cc.path = cfg.control;
	cc.group = cfg.control_group;
	cc.state_path = cfg.no_state ? NULL : cfg.state;
	fex_app_hooks(dp, &cc.hooks);
	ctl = fex_ctl_create(&cc, err, sizeof(err));
	if (ctl == NULL)
		rte_exit(EXIT_FAILURE, "control: %s\n", err);
	/* No worker reads the tables yet, so restoring (which publishes and
	 * waits for grace periods) never waits on anyone. */
	if (fex_ctl_restore(ctl, err, sizeof(err)) < 0)
		rte_exit(EXIT_FAILURE, "state: %s\n", err);
	if (cfg.config_path[0] != '\0' &&
	    fex_app_load_sections(ctl, fex_dp_db(dp), cfg.config_path, err, sizeof(err)) < 0)
		rte_exit(EXIT_FAILURE, "config: %s\n", err);
	/* The store's view replaces what was restored, once it answers (on
	 * the control thread); meanwhile, or without it, the last known
	 * profiles forward. */
	memset(&clc, 0, sizeof(clc));
	clc.store = cfg.cluster_store;
	clc.host = cfg.host;
	cluster = fex_cluster_create(ctl, fex_dp_db(dp), &clc, err, sizeof(err));
	if (cluster == NULL)
		rte_exit(EXIT_FAILURE, "cluster: %s\n", err);
	if (fex_ctl_start(ctl, err, sizeof(err)) < 0)
		rte_exit(EXIT_FAILURE, "control socket: %s\n", err);
	if (fex_cluster_start(cluster, err, sizeof(err)) < 0)
		rte_exit(EXIT_FAILURE, "cluster: %s\n", err);
	fex_stats_telemetry_init(dp);

	printf("fexpath: uplink %s (port %u), tag %s, %u worker(s), control %s, state %s\n",
	       cfg.uplink, fex_dp_uplink(dp), fex_tag_mode_name(mode), fex_dp_nb_workers(dp),
	       cfg.control, cfg.no_state ? "(off)" : cfg.state);
	if (cfg.cluster_store[0] != '\0')
		printf("fexpath: cluster default, host %s, store %s\n",
		       fex_cluster_host(cluster), cfg.cluster_store);
	fflush(stdout);

	if (cfg.stats_period != 0) {
		stats_now = fex_stats_alloc();
		stats_before = fex_stats_alloc();
	}
	ta.stats_period = cfg.stats_period;
	ta.duration = cfg.duration;
	if (rte_ctrl_thread_create(&timer, "fex-timer", NULL, timer_thread, &ta) != 0)
		rte_exit(EXIT_FAILURE, "cannot start the statistics thread\n");

	fex_dp_run(dp);	/* until SIGINT/SIGTERM or --duration */

	pthread_join(timer, NULL);
	fex_ctl_stop(ctl);	/* state was saved at every change */
	fex_cluster_destroy(cluster);	/* its lease is left to expire */
	if (cfg.stats_period != 0)
		print_stats(cfg.stats_period);
	fex_stats_free(stats_now);
	fex_stats_free(stats_before);
	if (cfg.stats_json[0] != '\0')
		write_stats_json(ctl, cfg.stats_json);	/* closes the ports */
	fex_ctl_destroy(ctl);
	fex_dp_destroy(dp);	/* ports flushed and closed: pcap files complete */
	rte_pdump_uninit();
	printf("fexpath: stopped\n");
	rte_eal_cleanup();
	return 0;
}
