#ifndef REDFLAG_CEXTTEXTCAT_SHIM_H
#define REDFLAG_CEXTTEXTCAT_SHIM_H
#include <textcat.h>
#endif
