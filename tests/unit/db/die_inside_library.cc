#include "die_inside_library.h"

#include <db.h>
#include <signal.h>

#include <cstdio>

namespace satrap::db::testing {
namespace {

// A scratch name of its own: no real database ever gets this comparison.
constexpr const char* kScratchDatabase = "die-inside-library.db";

int KillingComparison(DB*, const DBT*, const DBT*) {
  ::raise(SIGKILL);
  return 0;
}

int Fail(const char* what, int ret) {
  std::fprintf(stderr, "die inside library: %s: %s\n", what, db_strerror(ret));
  return 1;
}

}  // namespace

int DieInsideBerkeleyDb(const std::string& dir) {
  DB_ENV* env = nullptr;
  int ret = db_env_create(&env, 0);
  if (ret != 0) return Fail("db_env_create", ret);
  ret = env->open(env, dir.c_str(), DB_JOINENV, 0);
  if (ret != 0) return Fail("join environment", ret);
  DB* db = nullptr;
  ret = db_create(&db, env, 0);
  if (ret != 0) return Fail("db_create", ret);
  db->set_bt_compare(db, KillingComparison);
  ret = db->open(db, nullptr, kScratchDatabase, nullptr, DB_BTREE, DB_CREATE | DB_AUTO_COMMIT,
                 0600);
  if (ret != 0) return Fail("open scratch database", ret);
  // The first key needs no comparison; the second does.
  for (const char* key : {"a", "b"}) {
    DBT k{};
    DBT v{};
    k.data = const_cast<char*>(key);
    k.size = 1;
    v.data = const_cast<char*>("x");
    v.size = 1;
    ret = db->put(db, nullptr, &k, &v, DB_AUTO_COMMIT);
    if (ret != 0) return Fail("put", ret);
  }
  std::fprintf(stderr, "die inside library: the comparison was never called\n");
  return 1;
}

}  // namespace satrap::db::testing
