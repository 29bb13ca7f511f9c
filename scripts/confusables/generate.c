// Prints every code point whose Unicode confusable skeleton (UTS #39, through ICU's spoof checker) is one
// ASCII letter or digit, as "XXXX c" lines. scripts/confusables/generate.sh turns them into Swift.
#include <stdio.h>
#include <unicode/uspoof.h>
#include <unicode/uchar.h>
#include <unicode/utf16.h>

int main(void) {
    UErrorCode status = U_ZERO_ERROR;
    USpoofChecker *checker = uspoof_open(&status);
    if (U_FAILURE(status)) { fprintf(stderr, "uspoof_open: %s\n", u_errorName(status)); return 1; }
    printf("# ICU %s, Unicode %s\n", U_ICU_VERSION, U_UNICODE_VERSION);
    for (UChar32 c = 0x80; c <= 0x1FFFF; c++) {
        if (!u_isdefined(c) || (c >= 0xD800 && c <= 0xDFFF)) continue;
        UChar source[2];
        int32_t length = 0;
        U16_APPEND_UNSAFE(source, length, c);
        UChar skeleton[16];
        status = U_ZERO_ERROR;
        int32_t size = uspoof_getSkeleton(checker, 0, source, length, skeleton, 16, &status);
        if (U_FAILURE(status) || size != 1) continue;
        UChar target = skeleton[0];
        if (target < 0x80 && ((target >= 'a' && target <= 'z') || (target >= 'A' && target <= 'Z') || (target >= '0' && target <= '9'))) {
            char lower = (char)((target >= 'A' && target <= 'Z') ? target + 32 : target);
            printf("%04X %c\n", (unsigned)c, lower);
        }
    }
    uspoof_close(checker);
    return 0;
}
