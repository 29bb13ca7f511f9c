#ifndef REDFLAG_CHYPERSCAN_SHIM_H
#define REDFLAG_CHYPERSCAN_SHIM_H

// Hyperscan (or Vectorscan, which installs the same header and pkg-config name, libhs).
#include <hs.h>

#endif
