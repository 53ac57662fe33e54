#include "fake_es.h"

#include <cstring>

namespace njes {

void FakeToken(uint32_t pid, uint32_t pidversion, audit_token_t* out) {
  const uint32_t tok[8] = {501, 501, 20, 501, 20, pid, 1, pidversion};
  for (int i = 0; i < 8; i++) out->val[i] = tok[i];
}

bool FakeEsApi::SelfToken(audit_token_t* out) {
  if (os_.selfTokenFails) return false;
  FakeToken(os_.selfPid, os_.selfPidversion, out);
  return true;
}

bool FakeEsApi::ProcessToken(int pid, audit_token_t* out) {
  auto it = os_.running.find((uint32_t)pid);
  if (pid <= 0 || it == os_.running.end()) return false;
  FakeToken((uint32_t)pid, it->second, out);
  return true;
}

FakeEsApi::~FakeEsApi() {
  std::vector<EsClientId> ids;
  {
    std::lock_guard<std::mutex> lk(mu_);
    for (auto& kv : clients_) ids.push_back(kv.first);
  }
  for (EsClientId id : ids) DeleteClient(id);
  for (auto& kv : refs_) delete kv.second.first;
}

void FakeEsApi::Log(std::string s) { calls_.push_back(std::move(s)); }

NewClientResult FakeEsApi::NewClient(EsClientId* out, EsHandler handler) {
  std::lock_guard<std::mutex> lk(mu_);
  Log("new_client");
  if (result_ != NewClientResult::kSuccess) return result_;
  auto c = std::make_unique<Client>();
  c->id = next_++;
  c->handler = std::move(handler);
  // Every new client starts with the system's default mute set (esf.md §4).
  c->defaultMuted = defaultMuted_;
  Client* raw = c.get();
  raw->thread = std::thread([this, raw] { Run(raw); });
  *out = c->id;
  clients_[c->id] = std::move(c);
  return NewClientResult::kSuccess;
}

bool FakeEsApi::Subscribe(EsClientId id, const std::vector<uint32_t>& events) {
  std::lock_guard<std::mutex> lk(mu_);
  auto& c = *clients_.at(id);
  std::string s = "subscribe " + std::to_string(id) + ":";
  for (uint32_t e : events)
    if (os_.refusedTypes.count(e)) {  // Apple: one type the OS lacks fails the call, nothing subscribed
      Log(s + " refused " + std::to_string(e));
      return false;
    }
  for (uint32_t e : events) {
    c.subscribed.insert(e);
    s += " " + std::to_string(e);
  }
  Log(s);
  return true;
}

bool FakeEsApi::MuteProcess(EsClientId id, const audit_token_t& t) {
  std::lock_guard<std::mutex> lk(mu_);
  clients_.at(id)->mutedProcs.push_back(t);
  Log("mute_process " + std::to_string(id) + " " + std::to_string(t.val[5]));
  return true;
}

bool FakeEsApi::MutePath(EsClientId id, const std::string& path, MutePathType type) {
  std::lock_guard<std::mutex> lk(mu_);
  clients_.at(id)->mutedPaths.push_back({path, type});
  Log("mute_path " + std::to_string(id) + " " + std::to_string((int)type) + " " + path);
  return true;
}

bool FakeEsApi::MutePathEvents(EsClientId id, const std::string& path, MutePathType type,
                               const std::vector<uint32_t>& events) {
  std::lock_guard<std::mutex> lk(mu_);
  clients_.at(id)->mutedPathEvents.emplace_back(path, type, std::set<uint32_t>(events.begin(), events.end()));
  std::string s = "mute_path_events " + std::to_string(id) + " " + std::to_string((int)type) + " " + path + ":";
  for (uint32_t e : events) s += " " + std::to_string(e);
  Log(s);
  return true;
}

bool FakeEsApi::UnmuteAllPaths(EsClientId id) {
  std::lock_guard<std::mutex> lk(mu_);
  auto& v = clients_.at(id)->mutedPaths;
  std::vector<std::pair<std::string, MutePathType>> keep;
  for (auto& p : v)
    if (p.second == MutePathType::kTargetPrefix || p.second == MutePathType::kTargetLiteral) keep.push_back(p);
  v = keep;
  clients_.at(id)->defaultMuted.clear();
  Log("unmute_all_paths " + std::to_string(id));
  return true;
}

bool FakeEsApi::UnmuteAllTargetPaths(EsClientId id) {
  std::lock_guard<std::mutex> lk(mu_);
  auto& v = clients_.at(id)->mutedPaths;
  std::vector<std::pair<std::string, MutePathType>> keep;
  for (auto& p : v)
    if (p.second == MutePathType::kPrefix || p.second == MutePathType::kLiteral) keep.push_back(p);
  v = keep;
  Log("unmute_all_target_paths " + std::to_string(id));
  return true;
}

bool FakeEsApi::InvertMuting(EsClientId id, MuteInversionType type) {
  std::lock_guard<std::mutex> lk(mu_);
  auto& c = *clients_.at(id);
  if (type == MuteInversionType::kProcess) c.invertProcess = true;
  if (type == MuteInversionType::kPath) c.invertPath = true;
  if (type == MuteInversionType::kTargetPath) c.invertTarget = true;
  Log("invert_muting " + std::to_string(id) + " " + std::to_string((int)type));
  return true;
}

void FakeEsApi::RetainMessage(const es_message_t* m) {
  std::lock_guard<std::mutex> lk(mu_);
  refs_.at(m).second++;
}

void FakeEsApi::ReleaseMessage(const es_message_t* m) {
  std::lock_guard<std::mutex> lk(mu_);
  auto it = refs_.find(m);
  if (it == refs_.end()) return;
  if (--it->second.second == 0) {
    delete it->second.first;
    refs_.erase(it);
  }
}

void FakeEsApi::DeleteClient(EsClientId id) {
  std::unique_ptr<Client> c;
  {
    std::lock_guard<std::mutex> lk(mu_);
    auto it = clients_.find(id);
    if (it == clients_.end()) return;
    it->second->stop = true;
    Log("delete_client " + std::to_string(id));
  }
  cv_.notify_all();
  Client* raw;
  {
    std::lock_guard<std::mutex> lk(mu_);
    raw = clients_.at(id).get();
  }
  raw->thread.join();
  std::lock_guard<std::mutex> lk(mu_);
  c = std::move(clients_.at(id));
  clients_.erase(id);
  for (OwnedMessage* m : c->pending) {  // never delivered: drop the fake's own reference
    auto it = refs_.find(&m->msg);
    if (it != refs_.end() && --it->second.second == 0) {
      delete it->second.first;
      refs_.erase(it);
    }
  }
}

static bool PathMatches(const std::string& path, const std::string& pat, bool prefix) {
  return prefix ? path.compare(0, pat.size(), pat) == 0 : path == pat;
}

// ESClient.h: each mute kind (possibly inverted) decides; they are OR-ed.
bool FakeEsApi::Muted(const Client& c, const FakeEvent& e) const {
  audit_token_t tok;
  FakeToken(e.pid, e.pidversion, &tok);
  bool procHit = false;
  for (const auto& t : c.mutedProcs) procHit |= memcmp(t.val, tok.val, sizeof tok.val) == 0;
  bool pathHit = false, targetHit = false, haveTargetRules = false;
  for (const auto& mp : c.mutedPaths) {
    switch (mp.second) {
      case MutePathType::kPrefix: pathHit |= PathMatches(e.exe, mp.first, true); break;
      case MutePathType::kLiteral: pathHit |= PathMatches(e.exe, mp.first, false); break;
      case MutePathType::kTargetPrefix: haveTargetRules = true; targetHit |= !e.target.empty() && PathMatches(e.target, mp.first, true); break;
      case MutePathType::kTargetLiteral: haveTargetRules = true; targetHit |= !e.target.empty() && PathMatches(e.target, mp.first, false); break;
    }
  }
  if (c.invertPath)
    for (const auto& d : c.defaultMuted) pathHit |= e.exe == d;
  // Per-event path mutes apply to their event types only (never inverted here).
  for (const auto& pe : c.mutedPathEvents) {
    if (!std::get<2>(pe).count(e.type)) continue;
    const std::string& pat = std::get<0>(pe);
    switch (std::get<1>(pe)) {
      case MutePathType::kPrefix: if (PathMatches(e.exe, pat, true)) return true; break;
      case MutePathType::kLiteral: if (PathMatches(e.exe, pat, false)) return true; break;
      case MutePathType::kTargetPrefix: if (!e.target.empty() && PathMatches(e.target, pat, true)) return true; break;
      case MutePathType::kTargetLiteral: if (!e.target.empty() && PathMatches(e.target, pat, false)) return true; break;
    }
  }
  bool procMuted = c.invertProcess ? !procHit : procHit;
  bool pathMuted = c.invertPath ? !pathHit : pathHit;
  // Events without a target are not subject to target muting, inverted or not.
  bool targetMuted = e.target.empty() ? false : (c.invertTarget ? (haveTargetRules ? !targetHit : true) : targetHit);
  return procMuted || pathMuted || targetMuted;
}

void FakeEsApi::Deliver(const std::vector<FakeEvent>& events) {
  {
    std::lock_guard<std::mutex> lk(mu_);
    size_t index = 0;
    for (auto& kv : clients_) {
      Client& c = *kv.second;
      for (const FakeEvent& e : events) {
        if (!c.subscribed.count(e.type) || Muted(c, e)) continue;
        uint64_t seq = c.seq[e.type]++;
        uint64_t global = c.global++;
        if (e.dropForClient.count((uint32_t)index)) continue;  // a kernel drop: numbers consumed, nothing delivered
        auto* m = new OwnedMessage();
        m->msg.version = 8;
        m->msg.time = {1754579589, 0};
        m->msg.action_type = ES_ACTION_TYPE_NOTIFY;
        m->msg.event_type = e.type;
        m->msg.seq_num = seq;
        m->msg.global_seq_num = global;
        es_process_t* p = m->Proc();
        FakeToken(e.pid, e.pidversion, &p->audit_token);
        p->parent_audit_token = p->responsible_audit_token = p->audit_token;
        p->ppid = 1;
        p->original_ppid = 1;
        p->executable = m->File(e.exe);
        p->executable->nj_no_stat = true;
        p->signing_id = m->Tok("com.example.fake");
        m->msg.process = p;
        if (e.type == ES_EVENT_TYPE_NOTIFY_OPEN) {
          m->msg.event.open.fflag = 1;
          m->msg.event.open.file = m->File(e.target);
          m->msg.event.open.file->nj_no_stat = true;
        } else if (e.type == ES_EVENT_TYPE_NOTIFY_EXEC) {
          es_process_t* t = m->Proc();
          *t = *p;
          t->audit_token.val[7] = e.pidversion + 1;
          t->executable = m->File(e.target.empty() ? e.exe : e.target);
          t->executable->nj_no_stat = true;
          m->msg.event.exec.target = t;
          m->msg.event.exec.nj_args = m->List({t->executable->path.data});
        }
        refs_[&m->msg] = {m, 1};
        c.pending.push_back(m);
      }
      index++;
    }
  }
  cv_.notify_all();
}

void FakeEsApi::Run(Client* c) {
  std::unique_lock<std::mutex> lk(mu_);
  for (;;) {
    cv_.wait(lk, [c] { return c->stop || !c->pending.empty(); });
    if (c->stop) return;
    OwnedMessage* m = c->pending.front();
    c->pending.pop_front();
    c->busy = true;
    lk.unlock();
    c->handler(c->id, &m->msg);  // serial per client, like ES
    lk.lock();
    c->busy = false;
    auto it = refs_.find(&m->msg);  // the handler's scope ends: ES drops its reference
    if (it != refs_.end() && --it->second.second == 0) {
      delete it->second.first;
      refs_.erase(it);
    }
    cv_.notify_all();
  }
}

void FakeEsApi::Drain() {
  std::unique_lock<std::mutex> lk(mu_);
  cv_.wait(lk, [this] {
    for (auto& kv : clients_)
      if (!kv.second->pending.empty() || kv.second->busy) return false;
    return true;
  });
}

std::vector<std::string> FakeEsApi::Calls() {
  std::lock_guard<std::mutex> lk(mu_);
  return calls_;
}

size_t FakeEsApi::Outstanding() {
  std::lock_guard<std::mutex> lk(mu_);
  return refs_.size();
}

}  // namespace njes
