/*
** stb_quiet.h — what our warning flags (-Wall -Wextra -Werror) must not
** say about Debian's stb headers, which are third-party code built as part
** of png.c and font/font.c.  Include it right before the stb includes and
** end the region with `#pragma GCC diagnostic pop` right after them.
** Unused static stb functions are only reported at the end of the file,
** after the pop, so that one warning stays off for the including file.
*/
#pragma GCC diagnostic ignored "-Wunused-function"
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wsign-compare"
#pragma GCC diagnostic ignored "-Wunused-parameter"
#pragma GCC diagnostic ignored "-Wunused-but-set-variable"
#pragma GCC diagnostic ignored "-Wimplicit-fallthrough"
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"
#pragma GCC diagnostic ignored "-Wtype-limits"
#pragma GCC diagnostic ignored "-Wstrict-aliasing"
