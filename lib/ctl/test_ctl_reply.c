/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Unit test of the reply vocabulary: every lib/vif return code and every
 * JSON-RPC code answers with the code and SPEC §2 response it had when
 * three maps said it (lib/vif's names, ctl_vif_error, the RPC's own); now
 * one table (ctl_codes) and lib/vif's names say it.
 */
#include <errno.h>
#include <string.h>

#include <rte_common.h>

#include "fex_test.h"
#include "fex_ctl_priv.h"

static void
test_vif_codes(void)
{
	static const struct {
		int rc, code, vdp_code;
		const char *response;
	} rows[] = {
		{ -EINVAL, FEX_CTL_E_PARAMS, FEX_CTL_E_PARAMS, "invalid" },
		{ -ENOENT, FEX_CTL_E_NOT_FOUND, FEX_CTL_E_NOT_FOUND, "invalid" },
		{ -ESRCH, FEX_CTL_E_NOT_FOUND, FEX_CTL_E_NOT_FOUND, "bad-state" },
		{ -EBUSY, FEX_CTL_E_IN_USE, FEX_CTL_E_BAD_STATE, "bad-state" },
		{ -EADDRINUSE, FEX_CTL_E_IN_USE, FEX_CTL_E_IN_USE, "bad-state" },
		{ -ENOSPC, FEX_CTL_E_RESOURCES, FEX_CTL_E_RESOURCES,
		  "insufficient-resources" },
		{ -ENOMEM, FEX_CTL_E_RESOURCES, FEX_CTL_E_RESOURCES,
		  "insufficient-resources" },
		{ -EIO, FEX_CTL_E_FAILED, FEX_CTL_E_FAILED, "error" },
		{ -EPERM, FEX_CTL_E_FAILED, FEX_CTL_E_FAILED, "error" },
		{ -EINPROGRESS, FEX_CTL_E_FAILED, FEX_CTL_E_FAILED, "in-progress" },
	};
	struct fex_ctl_err e;
	unsigned int i;

	for (i = 0; i < RTE_DIM(rows); i++) {
		/* not a VIF request: the code only, strerror for no message */
		CU_ASSERT(ctl_vif_error(&e, rows[i].rc, NULL, "", false) == -1);
		CU_ASSERT(e.code == rows[i].code);
		CU_ASSERT_STRING_EQUAL(e.response, "");
		CU_ASSERT_STRING_EQUAL(e.field, "");
		CU_ASSERT_STRING_EQUAL(e.message, strerror(-rows[i].rc));
		CU_ASSERT(ctl_vif_error(&e, rows[i].rc, "vif", "why", true) == -1);
		CU_ASSERT(e.code == rows[i].vdp_code);
		CU_ASSERT_STRING_EQUAL(e.response, rows[i].response);
		CU_ASSERT_STRING_EQUAL(e.field, "vif");
		CU_ASSERT_STRING_EQUAL(e.message, "why");
	}
}

static void
test_rpc_codes(void)
{
	static const struct {
		int code;
		const char *response;
	} rows[] = {
		{ FEX_CTL_E_PARSE, "invalid" },
		{ FEX_CTL_E_REQUEST, "invalid" },
		{ FEX_CTL_E_METHOD, "invalid" },
		{ FEX_CTL_E_PARAMS, "invalid" },
		{ FEX_CTL_E_INTERNAL, "error" },
		{ FEX_CTL_E_FAILED, "error" },
		{ FEX_CTL_E_NOT_FOUND, "invalid" },
		{ FEX_CTL_E_BAD_STATE, "bad-state" },
		{ FEX_CTL_E_RESOURCES, "insufficient-resources" },
		{ FEX_CTL_E_IN_USE, "bad-state" },
		{ FEX_CTL_E_PERMISSION, "error" },
		{ FEX_CTL_E_SAVE, "error" },
		{ 0, "error" },
	};
	unsigned int i;

	for (i = 0; i < RTE_DIM(rows); i++)
		CU_ASSERT_STRING_EQUAL(ctl_code_response(rows[i].code),
				       rows[i].response);
}

int
main(void)
{
	CU_pSuite s;

	if (CU_initialize_registry() != CUE_SUCCESS)
		return EXIT_FAILURE;
	s = CU_add_suite("ctl_reply", NULL, NULL);
	CU_add_test(s, "lib/vif codes: JSON-RPC code and response", test_vif_codes);
	CU_add_test(s, "JSON-RPC codes: response", test_rpc_codes);
	return fex_test_run();
}
