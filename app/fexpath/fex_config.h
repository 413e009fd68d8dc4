/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef FEX_CONFIG_H
#define FEX_CONFIG_H

#include <limits.h>
#include <stdint.h>
#include <stdio.h>

#include "fex_ctl.h"
#include "fex_port.h"
#include "fex_tag.h"

#define FEX_DEFAULT_CONFIG	"/etc/fexpath/fexpath.ini"
#define FEX_DEFAULT_STATE	"/var/lib/fexpath/state.json"
#define FEX_VF_PORTS_MAX	16	/* VFs for io_performance: high */

/* Startup configuration: the [fexpath] section of the config file,
 * overridden by command-line options. Profiles and VIFs of the file
 * are read later, by whoever owns them, through fex_config_file(). */
struct fex_app_config {
	char config_path[PATH_MAX];
	char uplink[FEX_PORT_SPEC_LEN];
	char vf_ports[FEX_VF_PORTS_MAX][FEX_PORT_SPEC_LEN];	/* free VFs, in order */
	unsigned int nb_vf_ports;
	enum fex_tag_mode tag;
	char control[108];		/* sun_path size */
	char control_group[64];		/* "" = root only */
	char state[PATH_MAX];
	unsigned int stats_period;	/* seconds, 0 = off */
	unsigned int duration;		/* seconds, 0 = until a signal */
	unsigned int nb_mbufs;		/* per socket */
	char stats_json[PATH_MAX];	/* final figures written here at exit */
	unsigned int idle_sleep_us;	/* sleep when idle; 0 = busy-poll */
	int no_state;			/* --no-state: do not save or restore */
	unsigned int uplink_mtu;	/* set at start; 0 = the port's own */
	char cluster_store[1024];	/* etcd URL[,URL...]; "" = not clustered */
	char host[64];			/* name in the cluster; "" = the hostname */
};

/* Application arguments (after EAL's). Returns 0, 1 when --help was
 * printed (caller exits 0), or -EINVAL after printing what is wrong. */
int fex_config_parse_args(struct fex_app_config *cfg, int argc, char **argv);

void fex_config_usage(FILE *f, const char *prog);

#endif
