// A temporary configdirectory and partition with a real Berkeley DB
// environment, for the store tests.
#pragma once

#include <gtest/gtest.h>
#include <stdlib.h>

#include <memory>
#include <string>
#include <vector>

#include "mailbox/mailbox.h"
#include "mailbox/store.h"

namespace satrap::mailbox {

class StoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/satrap-store-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    options_.config_directory = dir_ + "/conf";
    options_.partitions = Partitions({{"default", dir_ + "/spool"}, {"other", dir_ + "/spool2"}},
                                     "default");
    options_.hashimapspool = true;
    options_.admins = {"cyrus"};
    options_.durable = false;
    Reopen();
  }
  void TearDown() override {
    store_.reset();
    ASSERT_EQ(system(("rm -rf " + dir_).c_str()), 0);
  }
  void Reopen() {
    store_.reset();
    auto store = Store::Open(options_);
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    store_ = std::move(*store);
    admin_ = store_->MakeIdentity("cyrus");
  }
  acl::Identity User(const std::string& userid) { return store_->MakeIdentity(userid); }
  // Appends one small message to `name` as `who`; returns its uid (0 on error).
  uint32_t AppendOne(const acl::Identity& who, const std::string& name, const std::string& body,
                     uint32_t flags = 0) {
    std::string data = "From: a@example.com\r\nSubject: test\r\n\r\n" + body + "\r\n";
    NewMessage m;
    m.data = data;
    m.system_flags = flags;
    std::string targets[] = {name};
    auto results = store_->Append(who, std::span<const NewMessage>(&m, 1), targets, {});
    if (!results.ok() || !(*results)[0].ok()) return 0;
    return (*results)[0]->uids[0];
  }

  // Appends `count` small messages to `name` in one transaction, the first
  // `seen` of them \Seen. False on error.
  bool AppendMany(const acl::Identity& who, const std::string& name, uint32_t count,
                  uint32_t seen = 0) {
    const std::string data = "From: a@example.com\r\nSubject: many\r\n\r\nbody\r\n";
    std::vector<NewMessage> messages(count);
    for (uint32_t i = 0; i < count; ++i) {
      messages[i].data = data;
      messages[i].system_flags = i < seen ? kFlagSeen : 0;
    }
    std::string targets[] = {name};
    auto results = store_->Append(who, messages, targets, {});
    return results.ok() && (*results)[0].ok();
  }

  std::string dir_;
  StoreOptions options_;
  std::unique_ptr<Store> store_;
  acl::Identity admin_;
};

}  // namespace satrap::mailbox
