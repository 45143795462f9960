#include "mailbox/store.h"

#include "base/strings.h"
#include "log/log.h"
#include "mailbox/names.h"

namespace satrap::mailbox {

namespace {

std::vector<std::string> SplitFolders(const std::string& text) {
  std::vector<std::string> out;
  for (std::string_view part : Split(text, '|')) {
    std::string_view folder = TrimWhitespace(part);
    if (!folder.empty()) out.emplace_back(folder);
  }
  return out;
}

// The first non-empty string option among `names` (Cyrus 3 spelling first).
std::string FirstSet(const config::Config& config, std::initializer_list<const char*> names) {
  for (const char* name : names) {
    if (config.Raw(name) != nullptr) return config.GetString(name);
  }
  return "";
}

}  // namespace

StoreOptions StoreOptions::FromConfig(const config::Config& config) {
  StoreOptions o;
  o.config_directory = config.GetString("configdirectory");
  o.partitions = Partitions(config.Family("partition-"), config.GetString("defaultpartition"));
  o.hashimapspool = config.GetBool("hashimapspool");
  o.ns.altnamespace = config.GetBool("altnamespace");
  o.ns.unixhierarchysep = config.GetBool("unixhierarchysep");
  o.ns.virtdomains = config.GetString("virtdomains") != "off";
  o.ns.userprefix = config.GetString("userprefix");
  o.ns.sharedprefix = config.GetString("sharedprefix");
  std::optional<uint64_t> mask = std::nullopt;
  const std::string& umask_text = config.GetString("umask");
  uint64_t value = 0;
  bool octal = !umask_text.empty();
  for (char c : umask_text) {
    if (c < '0' || c > '7') octal = false;
    value = value * 8 + static_cast<uint64_t>(c - '0');
  }
  if (octal && value <= 0777) mask = value;
  o.umask = static_cast<mode_t>(mask.value_or(077));
  o.defaultacl = config.GetString("defaultacl");
  o.admins = config.GetList("admins");
  if (config.Raw("autocreate_quota") != nullptr) {
    int64_t q = config.GetInt("autocreate_quota");
    o.autocreate = q >= 0;
    o.autocreate_quota_kb = q > 0 ? q : -1;
  } else {
    int64_t q = config.GetInt("autocreatequota");
    o.autocreate = q != 0;
    o.autocreate_quota_kb = q > 0 ? q : -1;
  }
  int64_t messages = config.GetInt("autocreate_quota_messages");
  o.autocreate_quota_messages = messages > 0 ? messages : -1;
  o.autocreate_inbox_folders =
      SplitFolders(FirstSet(config, {"autocreate_inbox_folders", "autocreateinboxfolders"}));
  o.quotawarn = static_cast<int>(config.GetInt("quotawarn"));
  o.quotawarn_kb = config.GetInt("quotawarnkb");
  o.quotawarn_msg = config.GetInt("quotawarnmsg");
  return o;
}

Store::Store(StoreOptions options) : options_(std::move(options)), ns_(options_.ns) {}

Store::~Store() {
  quotas_.reset();
  mboxlist_.reset();
  quota_db_.reset();
  mailboxes_db_.reset();
  env_.reset();
}

Result<std::unique_ptr<Store>> Store::Open(const StoreOptions& options) {
  if (options.config_directory.empty()) return Status::Invalid("configdirectory is not set");
  std::unique_ptr<Store> store(new Store(options));
  db::EnvironmentOptions env_options;
  env_options.durable = options.durable;
  env_options.file_mode = static_cast<int>(0666 & ~options.umask);
  SATRAP_ASSIGN_OR_RETURN(store->env_,
                          db::Environment::Open(options.config_directory + "/db", env_options));
  SATRAP_ASSIGN_OR_RETURN(store->mailboxes_db_, store->env_->OpenDatabase(kMailboxesDb));
  SATRAP_ASSIGN_OR_RETURN(store->quota_db_, store->env_->OpenDatabase(quota::kQuotaDb));
  store->mboxlist_ = std::make_unique<MailboxList>(store->mailboxes_db_.get());
  store->quotas_ = std::make_unique<quota::QuotaDb>(store->quota_db_.get());
  return store;
}

acl::Identity Store::MakeIdentity(std::string_view userid, std::vector<std::string> groups) const {
  acl::Identity who;
  who.userid = std::string(userid);
  who.groups = std::move(groups);
  who.anonymous = userid == "anonymous";
  for (const std::string& admin : options_.admins) {
    if (admin == userid) who.is_admin = true;
  }
  return who;
}

acl::Rights Store::Evaluate(const MailboxEntry& entry, const acl::Identity& who) const {
  Result<acl::Acl> acl = acl::Acl::Parse(entry.acl, options_.rights_syntax);
  acl::EvaluateOptions eval;
  if (!who.anonymous && !who.userid.empty()) {
    Result<std::string> inbox = UserInboxName(who.userid, options_.ns.virtdomains);
    eval.is_owner = inbox.ok() && IsSameOrUnder(entry.name, *inbox);
  }
  eval.implicit_owner_rights = options_.implicit_owner_rights;
  if (!acl.ok()) {
    log::Error("bad ACL on %s: %s", entry.name.c_str(), acl.status().ToString().c_str());
    return acl::Evaluate(acl::Acl(), who, eval);
  }
  return acl::Evaluate(*acl, who, eval);
}

Result<MailboxEntry> Store::LookupWithRights(const acl::Identity& who, std::string_view name,
                                             acl::Rights needed, acl::Rights* rights) {
  SATRAP_RETURN_IF_ERROR(ValidateName(name));
  Result<MailboxEntry> entry = mboxlist_->Lookup(nullptr, name);
  if (!entry.ok()) {
    if (entry.status().Is(Code::kNotFound)) return Status::NotFound("no such mailbox");
    return entry.status();
  }
  if (entry->type & kTypeReserved) return Status::NotFound("no such mailbox");
  acl::Rights have = Evaluate(*entry, who);
  if (rights) *rights = have;
  if (!have.Has(needed)) {
    // RFC 4314 §4: without `l` the mailbox must look nonexistent.
    if (!have.Has(acl::kLookup)) return Status::NotFound("no such mailbox");
    return Status::NoPermission("missing rights on " + std::string(name));
  }
  return entry;
}

Result<acl::Rights> Store::RightsOn(const acl::Identity& who, std::string_view name) {
  acl::Rights rights;
  SATRAP_RETURN_IF_ERROR(LookupWithRights(who, name, acl::Rights(), &rights).status());
  if (rights.empty()) return Status::NotFound("no such mailbox");
  return rights;
}

Result<std::string> Store::FolderOf(std::string_view name, std::string_view partition) const {
  SATRAP_ASSIGN_OR_RETURN(std::string root, options_.partitions.Root(partition));
  SATRAP_ASSIGN_OR_RETURN(std::string relative, MailboxRelativePath(name, options_.hashimapspool));
  return root + "/" + relative;
}

Result<std::string> Store::FolderOf(const MailboxEntry& entry) const {
  return FolderOf(entry.name, entry.partition);
}

}  // namespace satrap::mailbox
