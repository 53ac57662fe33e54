// Nightjar's fake libEndpointSecurity (Linux, tests only; see EndpointSecurity.h). Behaviour
// modelled on Apple's (reference/esf.md §4): each client has its own serial queue thread that calls
// the handler block one message at a time; subscriptions filter by event type; process, path and
// target-path muting with per-type inversion; a default muted path set that es_unmute_all_paths
// clears; messages are refcounted (es_retain_message / es_release_message); drops consume seq
// numbers, so the client sees them as seq_num / global_seq_num gaps.
#include "EndpointSecurity.h"
#include "include/mach/mach.h"
#include "include/sys/sysctl.h"

#include <Block.h>
#include <atomic>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

namespace {

struct Msg {
  es_message_t msg;  // first member: the es_message_t* handed out is the Msg*
  std::atomic<int> refs{1};
};

std::atomic<int> g_live_msgs{0};
std::atomic<int> g_live_clients{0};

void Release(Msg* m) {
  if (m->refs.fetch_sub(1) == 1) {
    delete m;
    g_live_msgs--;
  }
}

}  // namespace

struct es_client_s {
  es_handler_block_t handler = nullptr;
  std::mutex mu;
  std::condition_variable cv;
  std::deque<Msg*> queue;
  bool busy = false;
  bool stop = false;
  std::thread thread;
  // Configuration (guarded by mu).
  std::set<uint32_t> events;
  std::vector<audit_token_t> mutedProcs;
  std::vector<std::pair<std::string, bool>> mutedPaths;        // (path, prefix)
  std::vector<std::pair<std::string, bool>> mutedTargetPaths;  // (path, prefix)
  // es_mute_path_events: (path, prefix, target, event types)
  struct PathEvents {
    std::string path;
    bool prefix, target;
    std::set<uint32_t> events;
  };
  std::vector<PathEvents> mutedPathEvents;
  bool inverted[3] = {false, false, false};
  // Sequence state and injected drops.
  std::map<uint32_t, uint64_t> seq;
  uint64_t global = 0;
  uint32_t dropNext = 0;

  void Run() {
    std::unique_lock<std::mutex> lk(mu);
    for (;;) {
      cv.wait(lk, [this] { return stop || !queue.empty(); });
      if (stop) break;
      Msg* m = queue.front();
      queue.pop_front();
      busy = true;
      lk.unlock();
      handler(this, &m->msg);  // serial: one at a time per client
      Release(m);              // the delivery's reference
      lk.lock();
      busy = false;
      cv.notify_all();
    }
  }
};

namespace {

std::mutex g_mu;  // guards g_clients, g_fail and the scripted OS below
std::vector<es_client_t*> g_clients;
es_new_client_result_t g_fail = ES_NEW_CLIENT_RESULT_SUCCESS;
std::string g_osVersion = "26.0";
uint32_t g_maxEventType = 0xffffffffu;
audit_token_t g_selfToken{};
std::map<int, audit_token_t> g_procTokens;  // processes task_name_for_pid can read

// Apple's default mute set (a few system daemons), present on every new client.
const char* const kDefaultMuted[] = {"/usr/libexec/opendirectoryd", "/usr/sbin/securityd", "/usr/libexec/logd"};

std::string Path(const es_file_t* f) { return f && f->path.data ? std::string(f->path.data, f->path.length) : std::string(); }

bool Matches(const std::vector<std::pair<std::string, bool>>& list, const std::string& p) {
  for (const auto& e : list)
    if (e.second ? p.compare(0, e.first.size(), e.first) == 0 : p == e.first) return true;
  return false;
}

// The event's target paths (Apple: the file(s) the event acts on).
std::vector<std::string> Targets(const es_message_t* m) {
  const es_events_t& e = m->event;
  switch (m->event_type) {
    case ES_EVENT_TYPE_NOTIFY_EXEC: return {e.exec.target ? Path(e.exec.target->executable) : ""};
    case ES_EVENT_TYPE_NOTIFY_OPEN: return {Path(e.open.file)};
    case ES_EVENT_TYPE_NOTIFY_CLOSE: return {Path(e.close.target)};
    case ES_EVENT_TYPE_NOTIFY_WRITE: return {Path(e.write.target)};
    case ES_EVENT_TYPE_NOTIFY_TRUNCATE: return {Path(e.truncate.target)};
    case ES_EVENT_TYPE_NOTIFY_UNLINK: return {Path(e.unlink.target)};
    case ES_EVENT_TYPE_NOTIFY_RENAME: return {Path(e.rename.source)};
    case ES_EVENT_TYPE_NOTIFY_SETMODE: return {Path(e.setmode.target)};
    case ES_EVENT_TYPE_NOTIFY_MMAP: return {Path(e.mmap.source)};
    case ES_EVENT_TYPE_NOTIFY_LINK: return {Path(e.link.source)};
    case ES_EVENT_TYPE_NOTIFY_CREATE:
      if (e.create.destination_type == ES_DESTINATION_TYPE_EXISTING_FILE) return {Path(e.create.destination.existing_file)};
      return {Path(e.create.destination.new_path.dir) + "/" +
              std::string(e.create.destination.new_path.filename.data ? e.create.destination.new_path.filename.data : "",
                          e.create.destination.new_path.filename.length)};
    default: return {};
  }
}

// Apple: a message is delivered when none of process / path / target-path muting mutes it; an
// inverted type mutes everything its list does NOT match.
bool Muted(es_client_t* c, const es_message_t* m) {
  bool procMatch = false;
  if (m->process)
    for (const auto& t : c->mutedProcs)
      if (memcmp(&t, &m->process->audit_token, sizeof t) == 0) procMatch = true;
  if (procMatch != c->inverted[ES_MUTE_INVERSION_TYPE_PROCESS]) return true;
  for (const auto& pe : c->mutedPathEvents) {
    if (!pe.events.count((uint32_t)m->event_type)) continue;
    std::vector<std::pair<std::string, bool>> one = {{pe.path, pe.prefix}};
    if (!pe.target && m->process && Matches(one, Path(m->process->executable))) return true;
    if (pe.target)
      for (const auto& t : Targets(m))
        if (Matches(one, t)) return true;
  }
  bool pathMatch = m->process && Matches(c->mutedPaths, Path(m->process->executable));
  if (pathMatch != c->inverted[ES_MUTE_INVERSION_TYPE_PATH]) return true;
  std::vector<std::string> targets = Targets(m);
  if (!targets.empty()) {
    bool targetMatch = false;
    for (const auto& t : targets) targetMatch = targetMatch || Matches(c->mutedTargetPaths, t);
    if (targetMatch != c->inverted[ES_MUTE_INVERSION_TYPE_TARGET_PATH]) return true;
  }
  return false;
}

bool Known(es_client_t* c) {
  std::lock_guard<std::mutex> lk(g_mu);
  for (auto* x : g_clients)
    if (x == c) return true;
  return false;
}

}  // namespace

extern "C" {

es_new_client_result_t es_new_client(es_client_t** client, es_handler_block_t handler) {
  if (client == nullptr || handler == nullptr) return ES_NEW_CLIENT_RESULT_ERR_INVALID_ARGUMENT;
  {
    std::lock_guard<std::mutex> lk(g_mu);
    if (g_fail != ES_NEW_CLIENT_RESULT_SUCCESS) {
      es_new_client_result_t r = g_fail;
      g_fail = ES_NEW_CLIENT_RESULT_SUCCESS;
      return r;
    }
  }
  auto* c = new es_client_s();
  c->handler = Block_copy(handler);
  for (const char* p : kDefaultMuted) c->mutedPaths.push_back({p, false});
  c->thread = std::thread([c] { c->Run(); });
  {
    std::lock_guard<std::mutex> lk(g_mu);
    g_clients.push_back(c);
  }
  g_live_clients++;
  *client = c;
  return ES_NEW_CLIENT_RESULT_SUCCESS;
}

es_return_t es_delete_client(es_client_t* c) {
  {
    std::lock_guard<std::mutex> lk(g_mu);
    bool found = false;
    for (size_t i = 0; i < g_clients.size(); i++)
      if (g_clients[i] == c) {
        g_clients.erase(g_clients.begin() + i);
        found = true;
        break;
      }
    if (!found) return ES_RETURN_ERROR;
  }
  {
    std::lock_guard<std::mutex> lk(c->mu);
    c->stop = true;
  }
  c->cv.notify_all();
  if (c->thread.get_id() == std::this_thread::get_id()) return ES_RETURN_ERROR;  // not from the handler
  c->thread.join();
  for (Msg* m : c->queue) Release(m);  // undelivered: discarded
  Block_release(c->handler);
  delete c;
  g_live_clients--;
  return ES_RETURN_SUCCESS;
}

es_return_t es_subscribe(es_client_t* c, const es_event_type_t* events, uint32_t n) {
  if (!Known(c) || (n > 0 && events == nullptr)) return ES_RETURN_ERROR;
  {
    std::lock_guard<std::mutex> lk(g_mu);
    for (uint32_t i = 0; i < n; i++)
      if ((uint32_t)events[i] > g_maxEventType) return ES_RETURN_ERROR;  // unknown to this OS: nothing subscribed
  }
  std::lock_guard<std::mutex> lk(c->mu);
  for (uint32_t i = 0; i < n; i++) c->events.insert((uint32_t)events[i]);
  return ES_RETURN_SUCCESS;
}

es_return_t es_unsubscribe_all(es_client_t* c) {
  if (!Known(c)) return ES_RETURN_ERROR;
  std::lock_guard<std::mutex> lk(c->mu);
  c->events.clear();
  return ES_RETURN_SUCCESS;
}

es_return_t es_mute_process(es_client_t* c, const audit_token_t* t) {
  if (!Known(c) || t == nullptr) return ES_RETURN_ERROR;
  std::lock_guard<std::mutex> lk(c->mu);
  c->mutedProcs.push_back(*t);
  return ES_RETURN_SUCCESS;
}

es_return_t es_mute_path(es_client_t* c, const char* path, es_mute_path_type_t type) {
  if (!Known(c) || path == nullptr) return ES_RETURN_ERROR;
  std::lock_guard<std::mutex> lk(c->mu);
  switch (type) {
    case ES_MUTE_PATH_TYPE_PREFIX: c->mutedPaths.push_back({path, true}); break;
    case ES_MUTE_PATH_TYPE_LITERAL: c->mutedPaths.push_back({path, false}); break;
    case ES_MUTE_PATH_TYPE_TARGET_PREFIX: c->mutedTargetPaths.push_back({path, true}); break;
    case ES_MUTE_PATH_TYPE_TARGET_LITERAL: c->mutedTargetPaths.push_back({path, false}); break;
    default: return ES_RETURN_ERROR;
  }
  return ES_RETURN_SUCCESS;
}

es_return_t es_mute_path_events(es_client_t* c, const char* path, es_mute_path_type_t type,
                                const es_event_type_t* events, size_t event_count) {
  if (!Known(c) || path == nullptr || (events == nullptr && event_count > 0) || (int)type < 0 ||
      type > ES_MUTE_PATH_TYPE_TARGET_LITERAL)
    return ES_RETURN_ERROR;
  std::lock_guard<std::mutex> lk(c->mu);
  es_client_s::PathEvents pe{path, type == ES_MUTE_PATH_TYPE_PREFIX || type == ES_MUTE_PATH_TYPE_TARGET_PREFIX,
                             type == ES_MUTE_PATH_TYPE_TARGET_PREFIX || type == ES_MUTE_PATH_TYPE_TARGET_LITERAL, {}};
  for (size_t i = 0; i < event_count; i++) pe.events.insert((uint32_t)events[i]);
  c->mutedPathEvents.push_back(std::move(pe));
  return ES_RETURN_SUCCESS;
}

es_return_t es_unmute_all_paths(es_client_t* c) {
  if (!Known(c)) return ES_RETURN_ERROR;
  std::lock_guard<std::mutex> lk(c->mu);
  c->mutedPaths.clear();
  return ES_RETURN_SUCCESS;
}

es_return_t es_unmute_all_target_paths(es_client_t* c) {
  if (!Known(c)) return ES_RETURN_ERROR;
  std::lock_guard<std::mutex> lk(c->mu);
  c->mutedTargetPaths.clear();
  return ES_RETURN_SUCCESS;
}

es_return_t es_invert_muting(es_client_t* c, es_mute_inversion_type_t t) {
  if (!Known(c) || (int)t < 0 || t >= ES_MUTE_INVERSION_TYPE_LAST) return ES_RETURN_ERROR;
  std::lock_guard<std::mutex> lk(c->mu);
  c->inverted[t] = !c->inverted[t];
  return ES_RETURN_SUCCESS;
}

void es_retain_message(const es_message_t* msg) { reinterpret_cast<Msg*>(const_cast<es_message_t*>(msg))->refs++; }
void es_release_message(const es_message_t* msg) { Release(reinterpret_cast<Msg*>(const_cast<es_message_t*>(msg))); }

uint32_t es_exec_arg_count(const es_event_exec_t* e) { return e->nj_arg_count; }
es_string_token_t es_exec_arg(const es_event_exec_t* e, uint32_t i) { return e->nj_args[i]; }
uint32_t es_exec_env_count(const es_event_exec_t* e) { return e->nj_env_count; }
es_string_token_t es_exec_env(const es_event_exec_t* e, uint32_t i) { return e->nj_env[i]; }
uint32_t es_exec_fd_count(const es_event_exec_t* e) { return e->nj_fd_count; }
const es_fd_t* es_exec_fd(const es_event_exec_t* e, uint32_t i) { return &e->nj_fds[i]; }

void nj_fake_es_set_os(const char* version, uint32_t max_event_type) {
  std::lock_guard<std::mutex> lk(g_mu);
  g_osVersion = version;
  g_maxEventType = max_event_type;
}

void nj_fake_es_set_self_token(const audit_token_t* token) {
  std::lock_guard<std::mutex> lk(g_mu);
  g_selfToken = *token;
}

mach_port_t nj_fake_mach_task_self(void) { return 0x103; }

void nj_fake_es_set_process_token(int pid, const audit_token_t* token) {
  std::lock_guard<std::mutex> lk(g_mu);
  g_procTokens[pid] = *token;
}

// Task name ports of other processes: 0x10000 + pid.
kern_return_t task_name_for_pid(mach_port_t target, int pid, mach_port_name_t* out) {
  std::lock_guard<std::mutex> lk(g_mu);
  if (target != 0x103 || out == nullptr) return KERN_INVALID_ARGUMENT;
  if (pid <= 0 || g_procTokens.count(pid) == 0) return KERN_FAILURE;
  *out = 0x10000u + (mach_port_name_t)pid;
  return KERN_SUCCESS;
}

kern_return_t mach_port_deallocate(mach_port_t, mach_port_name_t) { return KERN_SUCCESS; }

kern_return_t task_info(mach_port_t task, task_flavor_t flavor, task_info_t out, mach_msg_type_number_t* cnt) {
  if (flavor != TASK_AUDIT_TOKEN || out == nullptr || cnt == nullptr || *cnt < TASK_AUDIT_TOKEN_COUNT)
    return KERN_INVALID_ARGUMENT;
  std::lock_guard<std::mutex> lk(g_mu);
  if (task == 0x103) {
    memcpy(out, &g_selfToken, sizeof g_selfToken);
  } else {
    auto it = task > 0x10000u ? g_procTokens.find((int)(task - 0x10000u)) : g_procTokens.end();
    if (it == g_procTokens.end()) return KERN_INVALID_ARGUMENT;
    memcpy(out, &it->second, sizeof it->second);
  }
  *cnt = TASK_AUDIT_TOKEN_COUNT;
  return KERN_SUCCESS;
}

int sysctlbyname(const char* name, void* oldp, size_t* oldlenp, void*, size_t) {
  std::lock_guard<std::mutex> lk(g_mu);
  if (name == nullptr || strcmp(name, "kern.osproductversion") != 0 || oldlenp == nullptr) return -1;
  if (oldp == nullptr || *oldlenp < g_osVersion.size() + 1) {
    *oldlenp = g_osVersion.size() + 1;
    return oldp == nullptr ? 0 : -1;
  }
  memcpy(oldp, g_osVersion.c_str(), g_osVersion.size() + 1);
  *oldlenp = g_osVersion.size() + 1;
  return 0;
}

void nj_fake_es_fail_next_new_client(es_new_client_result_t r) {
  std::lock_guard<std::mutex> lk(g_mu);
  g_fail = r;
}

}  // extern "C"

namespace {
int Post(const es_message_t* tmpl, bool asIs) {
  std::lock_guard<std::mutex> glk(g_mu);
  int n = 0;
  for (es_client_t* c : g_clients) {
    std::unique_lock<std::mutex> lk(c->mu);
    if (!c->events.count((uint32_t)tmpl->event_type) || Muted(c, tmpl)) continue;
    uint64_t seq = asIs ? tmpl->seq_num : c->seq[(uint32_t)tmpl->event_type]++;
    uint64_t global = asIs ? tmpl->global_seq_num : c->global++;
    if (c->dropNext > 0) {  // the kernel dropped it: the numbers are spent, nothing is delivered
      c->dropNext--;
      continue;
    }
    // Shallow copy: the pointed-to process/file data belong to the poster and must outlive delivery.
    auto* m = new Msg();
    m->msg = *tmpl;
    m->msg.seq_num = seq;
    m->msg.global_seq_num = global;
    g_live_msgs++;
    c->queue.push_back(m);
    c->cv.notify_all();
    n++;
  }
  return n;
}
}  // namespace

extern "C" {
int nj_fake_es_post(const es_message_t* tmpl) { return Post(tmpl, false); }
int nj_fake_es_post_as_is(const es_message_t* tmpl) { return Post(tmpl, true); }

void nj_fake_es_drop_next(es_client_t* c, uint32_t n) {
  std::lock_guard<std::mutex> lk(c->mu);
  c->dropNext += n;
}

void nj_fake_es_drain(void) {
  std::vector<es_client_t*> cs;
  {
    std::lock_guard<std::mutex> lk(g_mu);
    cs = g_clients;
  }
  for (es_client_t* c : cs) {
    std::unique_lock<std::mutex> lk(c->mu);
    c->cv.wait(lk, [c] { return c->stop || (c->queue.empty() && !c->busy); });
  }
}

int nj_fake_es_live_messages(void) { return g_live_msgs.load(); }
int nj_fake_es_live_clients(void) { return g_live_clients.load(); }

es_client_t* nj_fake_es_client_at(int i) {
  std::lock_guard<std::mutex> lk(g_mu);
  return i >= 0 && (size_t)i < g_clients.size() ? g_clients[i] : nullptr;
}

}  // extern "C"
