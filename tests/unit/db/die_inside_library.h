// A process that dies inside Berkeley DB while it holds a region mutex, on
// purpose, to test what the others do about it (kv_process_test, and the
// e2e tool db_die_inside). It joins the environment in `dir` with a raw
// handle, opens a scratch database whose btree comparison function SIGKILLs
// the process, and inserts two keys: BDB calls the comparison with a page
// latched, so the process dies inside the library exactly as a worker killed
// at the wrong instant does. failchk then says the environment needs
// recovery.
#pragma once

#include <string>

namespace satrap::db::testing {

// Does not return unless something failed first: then it prints why and
// returns an exit status (1).
int DieInsideBerkeleyDb(const std::string& dir);

}  // namespace satrap::db::testing
