// Test-only: `db_die_inside <configdirectory>/db` kills itself inside
// Berkeley DB while holding a region mutex (tests/unit/db/die_inside_library.h),
// so an end-to-end test can make the environment need recovery on purpose.
#include <cstdio>

#include "die_inside_library.h"

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: db_die_inside <environment folder>\n");
    return 64;
  }
  return satrap::db::testing::DieInsideBerkeleyDb(argv[1]);
}
