/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The "10,20,30-40" list of ids (VLANs, VIFs): the one parser, shared by
 * lib/vif, the config file's sections and fexctl (pure C, no DPDK, so
 * the CLI compiles it too).
 *
 * Items are separated by ',', each a decimal id or a range lo-hi
 * (lo <= hi), spaces around items allowed; "" (or only spaces) is the
 * empty list. Every id must be in min..max.
 */
#ifndef FEX_ID_LIST_H
#define FEX_ID_LIST_H

/* Calls put(lo, hi, arg) for each item, in order. Returns 0; -EINVAL
 * with *bad (if not NULL) at the first character that is wrong; -ERANGE
 * with *bad at the item for a range lo-hi with hi < lo; or the first
 * negative value put returned. Thread safety: MT safe. */
int fex_id_list_parse(const char *s, unsigned int min, unsigned int max,
		      int (*put)(unsigned int lo, unsigned int hi, void *arg),
		      void *arg, const char **bad);

#endif
