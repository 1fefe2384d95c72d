// The baseline for `pidgin --help`: a Deno program that does nothing.
