#include "es_client_set.h"

#include <chrono>

namespace njes {

StartError MapNewClientResult(NewClientResult r) {
  switch (r) {
    case NewClientResult::kSuccess:
      return {"", ""};
    case NewClientResult::kErrNotEntitled:
      return {"NJ_SOURCE_NOT_ENTITLED",
              "es_new_client: ERR_NOT_ENTITLED: this executable is not signed with the "
              "com.apple.developer.endpoint-security.client entitlement (a stock node never is): ship a signed Node "
              "single-executable or a signed helper, or use --backend eslogger"};
    case NewClientResult::kErrNotPermitted:
      return {"NJ_SOURCE_NO_FULL_DISK_ACCESS",
              "es_new_client: ERR_NOT_PERMITTED: grant Full Disk Access to this program (System Settings > Privacy & "
              "Security > Full Disk Access), then restart it"};
    case NewClientResult::kErrNotPrivileged:
      return {"NJ_SOURCE_NOT_ROOT", "es_new_client: ERR_NOT_PRIVILEGED: an ES client must run as root: use sudo"};
    case NewClientResult::kErrTooManyClients:
      return {"NJ_SOURCE_TOO_MANY_CLIENTS",
              "es_new_client: ERR_TOO_MANY_CLIENTS: the system's ES client limit is reached: use fewer clients or stop "
              "another ES client"};
    case NewClientResult::kErrInvalidArgument:
      return {"NJ_SOURCE_FAILED", "es_new_client: ERR_INVALID_ARGUMENT"};
    case NewClientResult::kErrInternal:
    default:
      return {"NJ_SOURCE_FAILED", "es_new_client: ERR_INTERNAL (retry; see the system log)"};
  }
}

uint32_t MacosVersionNumber(const std::string& v) {
  uint32_t parts[3] = {0, 0, 0};
  size_t i = 0, k = 0;
  if (v.empty() || v[0] < '0' || v[0] > '9') return 0;
  for (; i < v.size() && k < 3; i++) {
    if (v[i] == '.') k++;
    else if (v[i] >= '0' && v[i] <= '9') parts[k] = parts[k] * 10 + (uint32_t)(v[i] - '0');
    else break;
  }
  return parts[0] * 10000 + parts[1] * 100 + parts[2];
}

EsClientSet::EsClientSet(EsApi* api, size_t queueCapacity, size_t batchMax, int flushMs, BatchSink sink)
    : api_(api), capacity_(queueCapacity), batchMax_(batchMax), flushMs_(flushMs), sink_(std::move(sink)) {}

EsClientSet::~EsClientSet() { Stop(); }

bool EsClientSet::Start(const std::vector<ClientSpec>& specs, StartError* err) {
  // Our own activity (reading files, spawning) must not feed back into our events. ES compares the
  // whole audit token (pidversion, auid, asid …), so it must be the task's real one.
  audit_token_t self{};
  if (!api_->SelfToken(&self)) {
    *err = {"NJ_SOURCE_FAILED", "task_info(TASK_AUDIT_TOKEN) failed: cannot read this process's audit token to mute itself"};
    return false;
  }
  // Tokens of the processes to mute, read before any client exists (a pid that is not running is
  // an error the user must see, not a silent no-op).
  std::unordered_map<int, audit_token_t> muteTokens;
  for (const ClientSpec& s : specs)
    for (int pid : s.mutePids) {
      audit_token_t t{};
      if (muteTokens.count(pid) == 0 && !api_->ProcessToken(pid, &t)) {
        *err = {"NJ_SOURCE_BAD_OPTIONS", "cannot mute process " + std::to_string(pid) +
                                             ": its audit token cannot be read (not running, or not root)"};
        return false;
      }
      muteTokens.emplace(pid, t);
    }
  clients_.resize(specs.size());
  running_ = true;
  flusher_ = std::thread([this] { FlushLoop(); });
  for (size_t i = 0; i < specs.size(); i++) {
    const ClientSpec& s = specs[i];
    EsClientId id = 0;
    NewClientResult r = api_->NewClient(&id, [this, i](EsClientId, const es_message_t* m) { Handle(i, m); });
    if (r != NewClientResult::kSuccess) {
      *err = MapNewClientResult(r);
      for (size_t j = 0; j < i; j++) api_->DeleteClient(clients_[j].id);
      {
        std::lock_guard<std::mutex> lk(mu_);
        clients_.clear();
        running_ = false;
      }
      cv_.notify_all();
      flusher_.join();
      return false;
    }
    clients_[i].id = id;
    api_->MuteProcess(id, self);
    // The default mute set is not cleared by inversion (ESClient.h): clear it first, or inverted
    // muting would select exactly the daemons the default set protects.
    if (s.invertPaths) {
      api_->UnmuteAllPaths(id);
      api_->InvertMuting(id, MuteInversionType::kPath);
    }
    if (s.invertTargetPaths) {
      api_->UnmuteAllTargetPaths(id);
      api_->InvertMuting(id, MuteInversionType::kTargetPath);
    }
    for (const auto& mp : s.mutePaths) api_->MutePath(id, mp.first, mp.second);
    for (int pid : s.mutePids) api_->MuteProcess(id, muteTokens.at(pid));
    for (const auto& pe : s.mutePathEvents) api_->MutePathEvents(id, pe.path, pe.type, pe.events);
    // Subscribe last: no event arrives before the mute configuration is complete.
    SubscribeAvailable(i, s);
  }
  return true;
}

// Subscribes what this macOS has; each type left out is recorded with the reason. es_subscribe
// fails as a whole when one type is unknown to the OS, so on failure each type is tried alone.
void EsClientSet::SubscribeAvailable(size_t index, const ClientSpec& s) {
  const EsClientId id = clients_[index].id;
  const std::string os = api_->OsVersion();
  const uint32_t osNum = MacosVersionNumber(os);
  std::vector<uint32_t> want;
  for (size_t k = 0; k < s.events.size(); k++) {
    const uint32_t need = k < s.minMacos.size() ? MacosVersionNumber(s.minMacos[k]) : 0;
    if (osNum != 0 && need > osNum)
      unavailable_.push_back({index, s.events[k], "needs macOS " + s.minMacos[k] + " (this is " + os + ")"});
    else
      want.push_back(s.events[k]);
  }
  if (want.empty() || api_->Subscribe(id, want)) return;
  for (uint32_t t : want)
    if (!api_->Subscribe(id, {t})) unavailable_.push_back({index, t, "refused by es_subscribe on macOS " + (os.empty() ? "?" : os)});
}

std::vector<Unsubscribed> EsClientSet::Unavailable() {
  std::lock_guard<std::mutex> lk(mu_);
  return unavailable_;
}

// Runs on the API's delivery thread: count gaps, retain, queue. Nothing slow here.
void EsClientSet::Handle(size_t index, const es_message_t* m) {
  // One short critical section: the counters are read by Counters() and clients run on
  // different threads; ES itself only serialises messages within one client.
  std::unique_lock<std::mutex> lk(mu_);
  Client& c = clients_[index];
  c.counters.messages++;
  if (m->version >= 2) {
    auto it = c.lastSeq.find(m->event_type);
    if (it != c.lastSeq.end() && m->seq_num > it->second + 1) {
      c.counters.seqGaps++;
      c.counters.seqMissing += m->seq_num - it->second - 1;
    }
    c.lastSeq[m->event_type] = m->seq_num;
  }
  if (m->version >= 4) {
    if (c.haveGlobal && m->global_seq_num > c.lastGlobal + 1) {
      c.counters.globalGaps++;
      c.counters.globalMissing += m->global_seq_num - c.lastGlobal - 1;
    }
    c.haveGlobal = true;
    c.lastGlobal = m->global_seq_num;
  }
  if (queue_.size() >= capacity_) {
    c.counters.queueDrops++;  // the engine also sees it: the seq numbers were not delivered
    return;
  }
  api_->RetainMessage(m);
  queue_.push_back({clients_[index].id, m, index});
  if (queue_.size() >= batchMax_) cv_.notify_one();
}

void EsClientSet::FlushLoop() {
  std::unique_lock<std::mutex> lk(mu_);
  while (running_ || !queue_.empty()) {
    cv_.wait_for(lk, std::chrono::milliseconds(flushMs_), [this] { return !running_ || queue_.size() >= batchMax_; });
    if (queue_.empty()) {
      if (!running_) break;
      continue;
    }
    std::vector<Queued> batch;
    size_t n = std::min(queue_.size(), batchMax_);
    batch.reserve(n);
    for (size_t i = 0; i < n; i++) {
      batch.push_back(queue_.front());
      queue_.pop_front();
    }
    std::vector<size_t> from;
    from.reserve(n);
    for (const auto& q : batch) from.push_back(q.index);
    lk.unlock();
    bool taken = sink_(std::move(batch));  // one hand-off per batch
    lk.lock();
    if (!taken) {
      for (size_t i : from)
        if (i < clients_.size()) clients_[i].counters.queueDrops++;
    }
  }
}

void EsClientSet::Stop() {
  std::vector<EsClientId> ids;
  {
    std::lock_guard<std::mutex> lk(mu_);
    if (!running_ && !flusher_.joinable()) return;
    for (auto& c : clients_) ids.push_back(c.id);
  }
  // Outside the lock: deleting a client waits for its handler, which takes the lock.
  for (EsClientId id : ids) api_->DeleteClient(id);
  {
    std::lock_guard<std::mutex> lk(mu_);
    running_ = false;
  }
  cv_.notify_all();
  if (flusher_.joinable()) flusher_.join();
}

std::vector<ClientCounters> EsClientSet::Counters() {
  std::lock_guard<std::mutex> lk(mu_);
  std::vector<ClientCounters> out;
  for (auto& c : clients_) out.push_back(c.counters);
  return out;
}

}  // namespace njes
