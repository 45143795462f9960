// The benchmark scenarios (bench issue, "Scenarios"). Each reads its sizes
// from the options (defaults are the full benchmark's), prints results and
// checks through Report, and returns normally; transport failures become
// FAIL checks. --label=NAME prefixes every result (default: the scenario).
#pragma once

#include "common.h"

namespace satrap::bench {

// 1. LMTP delivery: --messages --size --connections --recipients [--no-verify]
void RunLmtp(const Options& options, const Target& target);
// 2. IMAP mixed office load: --clients --seconds --prefill (messages per user)
void RunImapMixed(const Options& options, const Target& target);
// 3. Large mailbox: `large-populate` (--messages into --user's INBOX) then,
//    after the harness restarts the server and drops caches, `large-ops`
//    (--passes cold and warm passes; "ready restart" before each cold pass
//    after the first, "ready drop" before each cold command).
void RunLargePopulate(const Options& options, const Target& target);
void RunLargeOps(const Options& options, const Target& target);
// 4. Memory: --connections idle clients logged in with INBOX selected; waits
//    for the harness (which sums PSS) before logging out.
void RunIdle(const Options& options, const Target& target);
// 5. Connection rate: --clients --seconds [--tls] [--resume]
void RunConnRate(const Options& options, const Target& target);
// 6. POP3: --prefill messages per user, --clients; download and delete all.
void RunPop3(const Options& options, const Target& target);

// Delivers --prefill realistic messages to every user (setup, not timed
// as a figure); returns false (after a FAIL check) if delivery failed.
bool Prefill(const Target& target, int per_user, const std::string& tag, size_t max_attachment);

}  // namespace satrap::bench
