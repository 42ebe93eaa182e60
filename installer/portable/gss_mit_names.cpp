// MIT's name for the host-based service name type, for the portable sdcadm-install, which
// links curl's GSS-API (Negotiate) code against Heimdal's static libgssapi.a because MIT
// Kerberos has no static archive in Debian (docs/porting.md).
//
// Why: GSS-API is a standard C interface (RFC 2743/2744) and Heimdal implements every gss_*
// function libcurl.a calls. The one difference it meets is GSS_C_NT_HOSTBASED_SERVICE: MIT
// exports it as a variable (a gss_OID, as RFC 2744's C header declares it), which libcurl.a
// (built against MIT) reads, while Heimdal's gssapi.h makes it a macro for the address of
// its own OID descriptor. This variable is MIT's form pointing at Heimdal's descriptor: the
// same OID, 1.2.840.113554.1.2.1.4.
#include <gssapi/gssapi.h>  // Heimdal's, from /usr/include/heimdal (heimdal-multidev)

#ifndef GSS_C_NT_HOSTBASED_SERVICE
#error "expected Heimdal's gssapi.h, which defines GSS_C_NT_HOSTBASED_SERVICE as a macro"
#endif
#undef GSS_C_NT_HOSTBASED_SERVICE

extern "C" {
extern gss_OID GSS_C_NT_HOSTBASED_SERVICE;
gss_OID GSS_C_NT_HOSTBASED_SERVICE = &__gss_c_nt_hostbased_service_oid_desc;
}
