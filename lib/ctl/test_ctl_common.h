/* SPDX-License-Identifier: BSD-3-Clause */
/* Test doubles and helpers shared by the lib/ctl tests. The port layer
 * here records attach/detach calls instead of opening ethdev ports. */
#ifndef TEST_CTL_COMMON_H
#define TEST_CTL_COMMON_H

#include <stdbool.h>
#include <stdint.h>

#include <jansson.h>

#include "fex_ctl.h"
#include "fex_port.h"

#define TPORT_MAX	32

struct tports {
	bool open[TPORT_MAX];
	char spec[TPORT_MAX][FEX_PORT_SPEC_LEN];
	unsigned int attached;		/* calls that succeeded */
	unsigned int detached;
	unsigned int failed;		/* attach calls refused */
};

extern struct tports tports;

/* Hooks of the recording port layer: a spec starting with "fail:" is
 * refused, the others get the lowest free port id. */
struct fex_ctl_hooks tports_hooks(void);
void tports_reset(void);
unsigned int tports_open(void);

/* A fresh lib/vif database and control object (state_path may be NULL). */
struct fex_ctl *tctl_new(const char *state_path, const char *socket_path,
			 const char *group);
/* The same with more settings: conf's db and hooks are filled in. */
struct fex_ctl *tctl_new_conf(struct fex_ctl_conf *conf);
void tctl_free(struct fex_ctl *ctl);
/* The lib/vif database of the control object made last (one reader,
 * worker id 0, free for the test to register). */
struct fex_vif_db *tctl_db(void);

/* Call method with params (a JSON text, "" = none) as a trusted peer;
 * returns the whole response (new reference). */
json_t *tcall(struct fex_ctl *ctl, const char *method, const char *params);
/* The error code of a response (0 if it is a result). */
int tcode(const json_t *resp);
/* Call and return the error code (0 = success), dropping the response. */
int tcall_code(struct fex_ctl *ctl, const char *method, const char *params);
/* The state as a compact JSON text (malloc'd). */
char *tstate(struct fex_ctl *ctl);

#endif
