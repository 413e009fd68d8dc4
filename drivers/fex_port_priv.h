/* SPDX-License-Identifier: BSD-3-Clause */
/* Private to drivers/: what fex_port_spec.c (specs, no EAL) gives
 * fex_port.c (the open ports). Not installed, not for callers. */
#ifndef FEX_PORT_PRIV_H
#define FEX_PORT_PRIV_H

#include <stddef.h>

#include <rte_common.h>

#include <fex_fail.h>

#include "fex_port.h"


/* Checks of the host before probing a parsed spec (the directory of a
 * socket exists, the interface does or does not, the pcap file reads,
 * the PCI device is bound to vfio-pci), so a driver's log line becomes
 * a message. 0 or -errno with the message in err. */
int fex_port_precheck(const char *spec, const struct fex_port_spec *ps,
		      char *err, size_t errlen);

/* Device name ("net_<driver>_fex<seq>") and devargs of a vdev kind with
 * nq queue pairs; "" for both for pci and ring, which are not vdevs. */
void fex_port_vdev_args(const struct fex_port_spec *ps, unsigned int seq,
			unsigned int nq, char *name, size_t nlen, char *args,
			size_t alen);

#endif
