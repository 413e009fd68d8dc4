/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_lcore.h>

#include "fex_config.h"

static volatile sig_atomic_t stop_requested;

static void
on_signal(int sig)
{
	(void)sig;
	stop_requested = 1;
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

int
main(int argc, char **argv)
{
	struct fex_app_config cfg;
	char *eal_argv[argc + 4];
	int sep, eal_argc, app_argc, rc, i;
	uint64_t deadline = 0;

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

	eal_argc = sep < 0 ? argc : sep;
	for (i = 0; i < eal_argc; i++)
		eal_argv[i] = argv[i];
	if (!has_arg_prefix(eal_argc, argv, "--no-huge") &&
	    !has_arg_prefix(eal_argc, argv, "--in-memory") &&
	    !has_arg_prefix(eal_argc, argv, "--huge-dir") && !hugepages_usable()) {
		fprintf(stderr, "fexpath: no free hugepages on a mounted hugetlbfs; "
			"running with --no-huge -m 1024 (virtual devices only; "
			"run tools/fex-setup.sh --hugepages for real NICs)\n");
		eal_argv[eal_argc++] = (char *)"--no-huge";
		if (!has_arg_prefix(eal_argc, argv, "-m"))  {
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

	printf("fexpath: uplink %s, tag %s, control %s, state %s\n", cfg.uplink,
	       fex_config_tag_name(cfg.tag), cfg.control,
	       cfg.no_state ? "(off)" : cfg.state);
	fflush(stdout);

	if (cfg.duration != 0)
		deadline = rte_get_timer_cycles() + cfg.duration * rte_get_timer_hz();
	while (!stop_requested &&
	       (deadline == 0 || rte_get_timer_cycles() < deadline))
		usleep(100 * 1000);

	printf("fexpath: stopping\n");
	rte_eal_cleanup();
	return 0;
}
