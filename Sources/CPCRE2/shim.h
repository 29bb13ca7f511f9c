#ifndef REDFLAG_CPCRE2_SHIM_H
#define REDFLAG_CPCRE2_SHIM_H

// The 8-bit code unit width must be fixed before pcre2.h is read: a cSettings
// define does not reach the Swift importer.
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

// Macros that Swift cannot import, re-exported as constants.
static const size_t redflag_pcre2_zero_terminated = PCRE2_ZERO_TERMINATED;
static const size_t redflag_pcre2_unset = PCRE2_UNSET;

#endif
